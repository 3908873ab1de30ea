<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AlertTableModel</name>
    <message>
        <source>firing</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>behoben</translation>
    </message>
    <message>
        <source>inhibited</source>
        <translation>unterdrückt</translation>
    </message>
    <message>
        <source>Inhibited by alert %1</source>
        <translation>Unterdrückt durch Alarm %1</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Onset</source>
        <translation>Beginn</translation>
    </message>
    <message>
        <source>Notif.</source>
        <translation>Benachr.</translation>
    </message>
    <message>
        <source>Inhibited</source>
        <translation>Unterdrückt</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
</context>
<context>
    <name>DesktopNotifier</name>
    <message>
        <source>Do not disturb (critical only)</source>
        <translation>Nicht stören (nur kritische)</translation>
    </message>
    <message>
        <source>Only critical incidents notify; the count stays up to date</source>
        <translation>Nur kritische Vorfälle benachrichtigen; der Zähler bleibt aktuell</translation>
    </message>
    <message>
        <source>Show the console</source>
        <translation>Konsole anzeigen</translation>
    </message>
    <message>
        <source>Nightwatch — no incident waiting</source>
        <translation>Nightwatch — kein Vorfall wartet</translation>
    </message>
    <message>
        <source>Quit Nightwatch</source>
        <translation>Nightwatch beenden</translation>
    </message>
    <message>
        <source>New</source>
        <translation>NEU</translation>
    </message>
    <message>
        <source>%1 incident #%2</source>
        <translation>Vorfall #%2 (%1)</translation>
    </message>
    <message>
        <source>%1 incident #%2: %3</source>
        <translation>Vorfall #%2 (%1): %3</translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s)</source>
        <translation>
            <numerusform>%n Alarm</numerusform>
            <numerusform>%n Alarme</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n service(s) affected</source>
        <translation>
            <numerusform>%n Dienst betroffen</numerusform>
            <numerusform>%n Dienste betroffen</numerusform>
        </translation>
    </message>
    <message>
        <source>No root cause candidate yet.</source>
        <translation>Noch keine mögliche Ursache.</translation>
    </message>
    <message>
        <source>Probable root cause %1 (%2 %)</source>
        <translation>Wahrscheinliche Ursache %1 (%2 %)</translation>
    </message>
    <message>
        <source> · do not disturb</source>
        <translation> · nicht stören</translation>
    </message>
    <message numerus="yes">
        <source>Nightwatch — %n unacknowledged incident(s)</source>
        <translation>
            <numerusform>Nightwatch — %n unquittierter Vorfall</numerusform>
            <numerusform>Nightwatch — %n unquittierte Vorfälle</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DeterministicTriage</name>
    <message>
        <source>%1 (%2), step &apos;%3&apos;: %4</source>
        <translation>%1 (%2), Schritt „%3“: %4</translation>
    </message>
    <message>
        <source>Unclassified</source>
        <translation>Unklassifiziert</translation>
    </message>
    <message>
        <source>%1 incident: %2 (%3) across %4</source>
        <translation>Vorfall (%1): %2 (%3) in %4</translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s)</source>
        <translation>
            <numerusform>%n Alarm</numerusform>
            <numerusform>%n Alarme</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n notification(s)</source>
        <translation>
            <numerusform>%n Benachrichtigung</numerusform>
            <numerusform>%n Benachrichtigungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n service(s)</source>
        <translation>
            <numerusform>%n Dienst</numerusform>
            <numerusform>%n Diensten</numerusform>
        </translation>
    </message>
    <message>
        <source> since %1 UTC</source>
        <translation> seit %1 UTC</translation>
    </message>
    <message>
        <source>No root-cause candidate yet.</source>
        <translation>Noch kein Kandidat für die Ursache.</translation>
    </message>
    <message>
        <source>The diagnosis needs more alerts or a dependency graph to rank causes.</source>
        <translation>Die Diagnose braucht mehr Alarme oder einen Abhängigkeitsgraphen, um Ursachen zu ordnen.</translation>
    </message>
    <message>
        <source>Read the earliest alerts in the table: the first to fire is the likeliest cause.</source>
        <translation>Die frühesten Alarme in der Tabelle lesen: Der erste ist die wahrscheinlichste Ursache.</translation>
    </message>
    <message>
        <source>Run the proposed runbook: %1</source>
        <translation>Das vorgeschlagene Runbook ausführen: %1</translation>
    </message>
    <message>
        <source>Do not restart services on a guess: nothing points at a cause yet.</source>
        <translation>Keine Dienste auf Verdacht neu starten: Noch deutet nichts auf eine Ursache.</translation>
    </message>
    <message>
        <source>Probable root cause: %1 (%2 % confidence)</source>
        <translation>Wahrscheinliche Ursache: %1 (%2 % Konfidenz)</translation>
    </message>
    <message>
        <source>, silent: it raised no alert of its own</source>
        <translation>, still: Es hat selbst keinen Alarm ausgelöst</translation>
    </message>
    <message>
        <source>Strongest evidence: %1</source>
        <translation>Stärkster Hinweis: %1</translation>
    </message>
    <message>
        <source>Next candidate: %1 (%2 %).</source>
        <translation>Nächster Kandidat: %1 (%2 %).</translation>
    </message>
    <message>
        <source>No evidence recorded yet.</source>
        <translation>Noch keine Hinweise erfasst.</translation>
    </message>
    <message>
        <source>Check %1 first (its saturation, errors and recent changes) before touching the services that call it.</source>
        <translation>Zuerst %1 prüfen (Auslastung, Fehler, letzte Änderungen), bevor die Dienste angefasst werden, die es aufrufen.</translation>
    </message>
    <message>
        <source>Do not act on %1 alone: %2 % is a lead, not a finding; confirm it with the evidence first.</source>
        <translation>Nicht allein wegen %1 handeln: %2 % ist eine Spur, kein Befund; erst mit den Hinweisen bestätigen.</translation>
    </message>
    <message>
        <source> and %1 more</source>
        <translation> und %1 weitere</translation>
    </message>
    <message>
        <source>Do not restart or roll back %1: their alerts follow from %2 and will return until it recovers.</source>
        <translation>%1 nicht neu starten oder zurückrollen: Ihre Alarme folgen aus %2 und kehren wieder, bis es sich erholt.</translation>
    </message>
    <message>
        <source>Do not silence this incident&apos;s alerts before %1 is confirmed fixed.</source>
        <translation>Die Alarme dieses Vorfalls nicht stummschalten, bevor %1 nachweislich behoben ist.</translation>
    </message>
</context>
<context>
    <name>Diagnoser</name>
    <message numerus="yes">
        <source>all %n alerting service(s)</source>
        <translation>
            <numerusform>%n alarmierender Dienst</numerusform>
            <numerusform>alle %n alarmierenden Dienste</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n alerting service(s)</source>
        <translation>
            <numerusform>%1 von %n alarmierenden Dienst</numerusform>
            <numerusform>%1 von %n alarmierenden Diensten</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FeedStatus</name>
    <message>
        <source>%1 unreachable since %2</source>
        <translation>%1 nicht erreichbar seit %2</translation>
    </message>
    <message>
        <source>%1 unreachable, never reached</source>
        <translation>%1 nicht erreichbar, nie erreicht</translation>
    </message>
    <message>
        <source>%1 silent since %2</source>
        <translation>%1 still seit %2</translation>
    </message>
    <message>
        <source>Waiting for first data from %1</source>
        <translation>Warte auf erste Daten von %1</translation>
    </message>
    <message>
        <source>Waiting for first data</source>
        <translation>Warte auf erste Daten</translation>
    </message>
    <message>
        <source>No alert source has reported yet: no incidents does not mean all clear.</source>
        <translation>Noch keine Alarmquelle hat gemeldet: keine Vorfälle heißt nicht Entwarnung.</translation>
    </message>
    <message>
        <source>Its alerts cannot reach the console: an empty list here does not mean all clear.</source>
        <translation>Ihre Alarme erreichen die Konsole nicht: eine leere Liste heißt hier nicht Entwarnung.</translation>
    </message>
</context>
<context>
    <name>GraphDiscovery</name>
    <message>
        <source>Graph discovery (Prometheus %1)</source>
        <translation>Graph-Erkennung (Prometheus %1)</translation>
    </message>
    <message>
        <source>no caller/callee pair in %1 over the last %2</source>
        <translation>kein Aufrufer/Aufgerufener-Paar in %1 in den letzten %2</translation>
    </message>
    <message>
        <source>graph discovered: %1 services, %2 edges (%3 from the file, %4 discovered, %5 added)</source>
        <translation>Graph erkannt: %1 Dienste, %2 Kanten (%3 aus der Datei, %4 erkannt, %5 hinzugefügt)</translation>
    </message>
    <message>
        <source>; %1 series without a usable caller or callee ignored</source>
        <translation>; %1 Zeitreihen ohne brauchbaren Aufrufer oder Aufgerufenen ignoriert</translation>
    </message>
    <message>
        <source>; against the file, left out: %1</source>
        <translation>; widerspricht der Datei, ausgelassen: %1</translation>
    </message>
    <message>
        <source>; unchanged</source>
        <translation>; unverändert</translation>
    </message>
    <message>
        <source>; from %1</source>
        <translation>; aus %1</translation>
    </message>
    <message>
        <source>keeping the graph discovered at %1 (%2 services, %3 edges), now stale</source>
        <translation>der um %1 erkannte Graph bleibt (%2 Dienste, %3 Kanten), jetzt veraltet</translation>
    </message>
    <message>
        <source>keeping the graph file (%1 services, %2 edges)</source>
        <translation>die Graph-Datei bleibt (%1 Dienste, %2 Kanten)</translation>
    </message>
    <message>
        <source>no dependency graph yet</source>
        <translation>noch kein Abhängigkeitsgraph</translation>
    </message>
    <message>
        <source>graph discovery from %1: %2</source>
        <translation>Graph-Erkennung aus %1: %2</translation>
    </message>
</context>
<context>
    <name>GraphLayout</name>
    <message>
        <source>Graphviz is not available</source>
        <translation>Graphviz ist nicht verfügbar</translation>
    </message>
    <message>
        <source>Graphviz could not lay out the graph</source>
        <translation>Graphviz konnte den Graphen nicht anordnen</translation>
    </message>
</context>
<context>
    <name>GraphLegend</name>
    <message>
        <source>critical</source>
        <translation>kritisch</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>behoben</translation>
    </message>
    <message>
        <source>no alert</source>
        <translation>kein Alarm</translation>
    </message>
    <message>
        <source>root cause</source>
        <translation>Ursache</translation>
    </message>
    <message>
        <source>blast radius</source>
        <translation>Auswirkungsbereich</translation>
    </message>
</context>
<context>
    <name>GraphNodeItem</name>
    <message>
        <source>Probable root cause</source>
        <translation>Wahrscheinliche Ursache</translation>
    </message>
    <message>
        <source>In the blast radius of the root cause</source>
        <translation>Im Auswirkungsbereich der Ursache</translation>
    </message>
    <message numerus="yes">
        <source>%n firing</source>
        <translation>
            <numerusform>%n aktiv</numerusform>
            <numerusform>%n aktiv</numerusform>
        </translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>behoben</translation>
    </message>
    <message>
        <source>no alert</source>
        <translation>kein Alarm</translation>
    </message>
    <message>
        <source>ROOT CAUSE</source>
        <translation>URSACHE</translation>
    </message>
</context>
<context>
    <name>GraphView</name>
    <message>
        <source>No incident selected</source>
        <translation>Kein Vorfall ausgewählt</translation>
    </message>
    <message>
        <source>Graph layout failed: %1</source>
        <translation>Graph-Layout fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>No dependency graph configured</source>
        <translation>Kein Abhängigkeitsgraph konfiguriert</translation>
    </message>
    <message>
        <source>Not in the dependency graph</source>
        <translation>Nicht im Abhängigkeitsgraphen</translation>
    </message>
    <message>
        <source>No services to show</source>
        <translation>Keine Dienste anzuzeigen</translation>
    </message>
</context>
<context>
    <name>HistoryBrowser</name>
    <message>
        <source>Incident history — Nightwatch</source>
        <translation>Vorfallhistorie — Nightwatch</translation>
    </message>
    <message>
        <source>Search incidents: words, &quot;a phrase&quot;, service=payment team=db …</source>
        <translation>Vorfälle suchen: Wörter, &quot;eine Phrase&quot;, service=payment team=db …</translation>
    </message>
    <message>
        <source>Search incident history</source>
        <translation>Vorfallhistorie durchsuchen</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>Beliebiger Zeitraum</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>Letzte 90 Tage</translation>
    </message>
    <message>
        <source>Last year</source>
        <translation>Letzte 12 Monate</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <source>Any state</source>
        <translation>Beliebiger Status</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Behoben</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Past incidents</source>
        <translation>Frühere Vorfälle</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Play / pause the replay</source>
        <translation>Wiedergabe starten / anhalten</translation>
    </message>
    <message>
        <source>Replay: one minute back</source>
        <translation>Wiedergabe: eine Minute zurück</translation>
    </message>
    <message>
        <source>Replay: one minute forward</source>
        <translation>Wiedergabe: eine Minute vor</translation>
    </message>
    <message>
        <source>Replay: first minute</source>
        <translation>Wiedergabe: erste Minute</translation>
    </message>
    <message>
        <source>Replay: as it ended</source>
        <translation>Wiedergabe: Stand am Ende</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Suche läuft…</translation>
    </message>
    <message>
        <source>Search failed</source>
        <translation>Suche fehlgeschlagen</translation>
    </message>
    <message numerus="yes">
        <source>%n incident(s)</source>
        <translation>
            <numerusform>%n Vorfall</numerusform>
            <numerusform>%n Vorfälle</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot open this incident</source>
        <translation>Dieser Vorfall kann nicht geöffnet werden</translation>
    </message>
    <message>
        <source>Label filter: only incidents with an alert labelled %1=&quot;%2&quot;. Click to remove.</source>
        <translation>Label-Filter: nur Vorfälle mit einem Alarm mit dem Label %1=&quot;%2&quot;. Zum Entfernen klicken.</translation>
    </message>
</context>
<context>
    <name>HistoryResultModel</name>
    <message>
        <source>&lt; 1 min</source>
        <translation>&lt; 1 min</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 d %2 h</translation>
    </message>
    <message>
        <source>%1 (%2%)</source>
        <translation>%1 (%2 %)</translation>
    </message>
    <message>
        <source>Began</source>
        <translation>Beginn</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>Was geschah</translation>
    </message>
    <message>
        <source>Root cause</source>
        <translation>Ursache</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Dienste</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarme</translation>
    </message>
</context>
<context>
    <name>IncidentExporter</name>
    <message>
        <source>No stored incident is selected.</source>
        <translation>Kein gespeicherter Vorfall ausgewählt.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Kann %1 nicht schreiben: %2</translation>
    </message>
</context>
<context>
    <name>IncidentListDelegate</name>
    <message>
        <source>root cause unknown</source>
        <translation>Ursache unbekannt</translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s)</source>
        <translation>
            <numerusform>%n Alarm</numerusform>
            <numerusform>%n Alarme</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n service(s)</source>
        <translation>
            <numerusform>%n Dienst</numerusform>
            <numerusform>%n Dienste</numerusform>
        </translation>
    </message>
    <message>
        <source>root cause %1 %</source>
        <translation>Ursache %1 %</translation>
    </message>
    <message>
        <source>one warning or info alert each</source>
        <translation>je ein Warn- oder Info-Alarm</translation>
    </message>
    <message>
        <source>click or Space to fold</source>
        <translation>Klick oder Leertaste zum Einklappen</translation>
    </message>
    <message>
        <source>click or Space to list them</source>
        <translation>Klick oder Leertaste zum Auflisten</translation>
    </message>
    <message>
        <source>Likelihood that %1 is the root cause, as calibrated on test suites of alert storms.</source>
        <translation>Wahrscheinlichkeit, dass %1 die Ursache ist, kalibriert an Testreihen von Alarmstürmen.</translation>
    </message>
</context>
<context>
    <name>IncidentListModel</name>
    <message>
        <source>Incident #%1 — %2, %3, first alert %4</source>
        <translation>Vorfall #%1 — %2, %3, erster Alarm %4</translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s)</source>
        <translation>
            <numerusform>%n Alarm</numerusform>
            <numerusform>%n Alarme</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n notification(s)</source>
        <translation>
            <numerusform>%n Benachrichtigung</numerusform>
            <numerusform>%n Benachrichtigungen</numerusform>
        </translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>Root cause</source>
        <translation>Ursache</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>First alert</source>
        <translation>Erster Alarm</translation>
    </message>
    <message numerus="yes">
        <source>Noise: %n single-alert incident(s)</source>
        <translation>
            <numerusform>Rauschen: %n Vorfall mit einem Alarm</numerusform>
            <numerusform>Rauschen: %n Vorfälle mit je einem Alarm</numerusform>
        </translation>
    </message>
    <message>
        <source>root cause %1 %2 %: the likelihood that it is the cause, calibrated on test suites</source>
        <translation>Ursache %1 %2 %: die Wahrscheinlichkeit, dass sie es ist, kalibriert an Testreihen</translation>
    </message>
    <message>
        <source>Incidents of one warning or info alert each. Click or press Space to fold them, so the storm&apos;s real incidents stay on screen.</source>
        <translation>Vorfälle mit je einem Warn- oder Info-Alarm. Klick oder Leertaste klappt sie ein, damit die echten Vorfälle des Sturms sichtbar bleiben.</translation>
    </message>
    <message>
        <source>Incidents of one warning or info alert each, folded so the storm&apos;s real incidents stay on screen. Click or press Space to list them.</source>
        <translation>Vorfälle mit je einem Warn- oder Info-Alarm, eingeklappt, damit die echten Vorfälle des Sturms sichtbar bleiben. Klick oder Leertaste listet sie auf.</translation>
    </message>
</context>
<context>
    <name>IncidentMetrics</name>
    <message>
        <source>no Prometheus server configured</source>
        <translation>kein Prometheus-Server eingerichtet</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>keine Antwort</translation>
    </message>
</context>
<context>
    <name>IncidentSilencer</name>
    <message>
        <source>Incident #%1 silenced until %2</source>
        <translation>Vorfall #%1 stummgeschaltet bis %2</translation>
    </message>
    <message>
        <source>Silencing incident #%1 failed: %2</source>
        <translation>Stummschalten von Vorfall #%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Incident #%1 has no alert to silence</source>
        <translation>Vorfall #%1 hat keinen Alarm zum Stummschalten</translation>
    </message>
    <message>
        <source>Silences of incident #%1 expired: its alerts notify again</source>
        <translation>Stummschaltungen von Vorfall #%1 beendet: Seine Alarme benachrichtigen wieder</translation>
    </message>
    <message>
        <source>Expiring the silences of incident #%1 failed: %2</source>
        <translation>Beenden der Stummschaltungen von Vorfall #%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Incident #%1 has no silence from this console to expire</source>
        <translation>Vorfall #%1 hat keine Stummschaltung dieser Konsole, die beendet werden kann</translation>
    </message>
</context>
<context>
    <name>IncidentSummaryCard</name>
    <message>
        <source>ALERT SOURCES</source>
        <translation>ALARMQUELLEN</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>Quittieren</translation>
    </message>
    <message>
        <source>Acknowledge this incident (A)</source>
        <translation>Diesen Vorfall quittieren (A)</translation>
    </message>
    <message>
        <source>PROBABLE ROOT CAUSE</source>
        <translation>WAHRSCHEINLICHE URSACHE</translation>
    </message>
    <message>
        <source>EVIDENCE</source>
        <translation>BELEGE</translation>
    </message>
    <message>
        <source>Affected</source>
        <translation>Betroffen</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <source>First → last</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>No incident selected</source>
        <translation>Kein Vorfall ausgewählt</translation>
    </message>
    <message>
        <source>Select an incident on the left.</source>
        <translation>Links einen Vorfall auswählen.</translation>
    </message>
    <message>
        <source>Nothing needs you right now.</source>
        <translation>Gerade gibt es nichts zu tun.</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>%1 is not in the dependency graph</source>
        <translation>%1 ist nicht im Abhängigkeitsgraphen</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>Silent root: it raised no alert of its own.</source>
        <translation>Stille Ursache: Sie hat selbst keinen Alarm ausgelöst.</translation>
    </message>
    <message>
        <source>Not in the dependency graph.</source>
        <translation>Nicht im Abhängigkeitsgraphen.</translation>
    </message>
    <message>
        <source>Also possible: %1</source>
        <translation>Ebenfalls möglich: %1</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
    <message>
        <source>The diagnosis found no candidate yet.</source>
        <translation>Die Diagnose hat noch keinen Kandidaten gefunden.</translation>
    </message>
    <message>
        <source>No evidence recorded.</source>
        <translation>Keine Belege erfasst.</translation>
    </message>
    <message>
        <source>+%1 more (hover)</source>
        <translation>+%1 weitere (Maus darüber)</translation>
    </message>
    <message numerus="yes">
        <source>%n service(s)</source>
        <translation>
            <numerusform>%n Dienst</numerusform>
            <numerusform>%n Dienste</numerusform>
        </translation>
    </message>
    <message>
        <source>+%1 more</source>
        <translation>+%1 weitere</translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s)</source>
        <translation>
            <numerusform>%n Alarm</numerusform>
            <numerusform>%n Alarme</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n notification(s)</source>
        <translation>
            <numerusform>%n Benachrichtigung</numerusform>
            <numerusform>%n Benachrichtigungen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>First alert %1
Last alert %2</source>
        <translation>Erster Alarm %1
Letzter Alarm %2</translation>
    </message>
    <message>
        <source>%1 by %2 at %3</source>
        <translation>%1 von %2 um %3</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 days</source>
        <translation>%1 Tage</translation>
    </message>
    <message>
        <source>%1 minute before</source>
        <translation>%1 Minute vorher</translation>
    </message>
    <message>
        <source>%1 minutes before</source>
        <translation>%1 Minuten vorher</translation>
    </message>
    <message>
        <source>%1 hour before</source>
        <translation>%1 Stunde vorher</translation>
    </message>
    <message>
        <source>%1 hours before</source>
        <translation>%1 Stunden vorher</translation>
    </message>
    <message>
        <source>%1 day before</source>
        <translation>%1 Tag vorher</translation>
    </message>
    <message>
        <source>%1 days before</source>
        <translation>%1 Tage vorher</translation>
    </message>
    <message>
        <source>%1 week before</source>
        <translation>%1 Woche vorher</translation>
    </message>
    <message>
        <source>%1 weeks before</source>
        <translation>%1 Wochen vorher</translation>
    </message>
    <message>
        <source>%1 month before</source>
        <translation>%1 Monat vorher</translation>
    </message>
    <message>
        <source>%1 months before</source>
        <translation>%1 Monate vorher</translation>
    </message>
    <message>
        <source>MTTA · MTTR</source>
        <translation>MTTA · MTTR</translation>
    </message>
    <message>
        <source>Mitigate</source>
        <translation>Eindämmen</translation>
    </message>
    <message>
        <source>Mark it mitigated: the impact is contained, the cause may remain (M)</source>
        <translation>Als eingedämmt markieren: Die Auswirkung ist begrenzt, die Ursache kann bleiben (M)</translation>
    </message>
    <message>
        <source>Resolve…</source>
        <translation>Beheben…</translation>
    </message>
    <message>
        <source>Resolve and say what fixed it (E or Shift+R)</source>
        <translation>Als behoben markieren und angeben, was geholfen hat (E oder Umschalt+R)</translation>
    </message>
    <message>
        <source>SIMILAR PAST INCIDENTS</source>
        <translation>ÄHNLICHE FRÜHERE VORFÄLLE</translation>
    </message>
    <message>
        <source>None yet: resolved incidents teach the console.</source>
        <translation>Noch keine: Die Konsole lernt aus behobenen Vorfällen.</translation>
    </message>
    <message>
        <source>#%1</source>
        <translation>#%1</translation>
    </message>
    <message>
        <source>resolved in %1</source>
        <translation>behoben in %1</translation>
    </message>
    <message>
        <source>fix not recorded</source>
        <translation>Lösung nicht erfasst</translation>
    </message>
    <message>
        <source>fixed by %1</source>
        <translation>behoben durch %1</translation>
    </message>
    <message>
        <source>ignored: %1</source>
        <translation>ignoriert: %1</translation>
    </message>
    <message>
        <source>#%1: %2 % alike, root cause %3</source>
        <translation>#%1: %2 % ähnlich, Ursache %3</translation>
    </message>
    <message>
        <source>not acknowledged</source>
        <translation>nicht quittiert</translation>
    </message>
    <message>
        <source>not resolved</source>
        <translation>nicht behoben</translation>
    </message>
    <message>
        <source>Time to acknowledge and time to resolve, from the first alert</source>
        <translation>Zeit bis zur Quittierung und bis zur Behebung, ab dem ersten Alarm</translation>
    </message>
    <message>
        <source>Likelihood on test suites: of the causes shown with this percentage, about as many were the root cause in simulated alert storms. Not a guarantee for this incident.</source>
        <translation>Wahrscheinlichkeit auf Testreihen: Von den Ursachen, die mit diesem Prozentwert angezeigt wurden, war in simulierten Alarmstürmen etwa dieser Anteil die Ursache. Keine Garantie für diesen Vorfall.</translation>
    </message>
</context>
<context>
    <name>IncidentTitle</name>
    <message>
        <source>pool</source>
        <translation>Pool</translation>
    </message>
    <message>
        <source>replication lag</source>
        <translation>Replikationsverzug</translation>
    </message>
    <message>
        <source>disk</source>
        <translation>Platte</translation>
    </message>
    <message>
        <source>memory</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>crashing</source>
        <translation>stürzt ab</translation>
    </message>
    <message>
        <source>certificate</source>
        <translation>Zertifikat</translation>
    </message>
    <message>
        <source>down</source>
        <translation>ausgefallen</translation>
    </message>
    <message>
        <source>timeouts</source>
        <translation>Timeouts</translation>
    </message>
    <message>
        <source>SLO burn</source>
        <translation>SLO-Verbrauch</translation>
    </message>
    <message>
        <source>latency</source>
        <translation>Latenz</translation>
    </message>
    <message>
        <source>errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>lag</source>
        <translation>Verzug</translation>
    </message>
    <message>
        <source>queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <source>Unnamed incident</source>
        <translation>Unbenannter Vorfall</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Silence the incident&apos;s alerts…</source>
        <translation>Alarme des Vorfalls stummschalten…</translation>
    </message>
    <message>
        <source>Select an incident to silence its alerts</source>
        <translation>Einen Vorfall wählen, um seine Alarme stummzuschalten</translation>
    </message>
    <message>
        <source>No Alertmanager configured to silence in (--alertmanager)</source>
        <translation>Kein Alertmanager zum Stummschalten eingerichtet (--alertmanager)</translation>
    </message>
    <message>
        <source>Nightwatch</source>
        <translation>Nightwatch</translation>
    </message>
    <message>
        <source>NIGHTWATCH</source>
        <translation>NIGHTWATCH</translation>
    </message>
    <message>
        <source>INCIDENT</source>
        <translation>VORFALL</translation>
    </message>
    <message>
        <source>DEPENDENCY GRAPH</source>
        <translation>ABHÄNGIGKEITSGRAPH</translation>
    </message>
    <message>
        <source>Alert onsets</source>
        <translation>Alarmbeginn</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Metriken</translation>
    </message>
    <message>
        <source>TIMELINE</source>
        <translation>ZEITLEISTE</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <source>Runbooks</source>
        <translation>Runbooks</translation>
    </message>
    <message>
        <source>Waiting for the first snapshot…</source>
        <translation>Warte auf den ersten Stand…</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>Vorfälle</translation>
    </message>
    <message>
        <source>No incidents.
Alerts that arrive are grouped here.</source>
        <translation>Keine Vorfälle.
Eingehende Alarme werden hier gruppiert.</translation>
    </message>
    <message>
        <source>Filter alerts — text, or label=value, label!=value, label=~regex   ( / )</source>
        <translation>Alarme filtern — Text oder label=wert, label!=wert, label=~regex   ( / )</translation>
    </message>
    <message>
        <source>Alert filter</source>
        <translation>Alarmfilter</translation>
    </message>
    <message>
        <source>Alerts of the selected incident</source>
        <translation>Alarme des ausgewählten Vorfalls</translation>
    </message>
    <message>
        <source>ALERTS</source>
        <translation>ALARME</translation>
    </message>
    <message>
        <source>Next incident</source>
        <translation>Nächster Vorfall</translation>
    </message>
    <message>
        <source>Previous incident</source>
        <translation>Vorheriger Vorfall</translation>
    </message>
    <message>
        <source>Acknowledge incident</source>
        <translation>Vorfall quittieren</translation>
    </message>
    <message>
        <source>Filter alerts</source>
        <translation>Alarme filtern</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>Notiz hinzufügen</translation>
    </message>
    <message>
        <source>Alerts / runbooks</source>
        <translation>Alarme / Runbooks</translation>
    </message>
    <message>
        <source>Approve next runbook step</source>
        <translation>Nächsten Runbook-Schritt freigeben</translation>
    </message>
    <message>
        <source>Show / hide the incident list</source>
        <translation>Vorfallliste ein-/ausblenden</translation>
    </message>
    <message>
        <source>Alert onsets / metrics</source>
        <translation>Alarmbeginn / Metriken</translation>
    </message>
    <message>
        <source>War-room mode</source>
        <translation>War-Room-Modus</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Dark theme</source>
        <translation>Dunkles Design</translation>
    </message>
    <message>
        <source>Runbook shown: press Ctrl+Enter again to approve its next step</source>
        <translation>Runbook angezeigt: Strg+Enter erneut drücken, um den nächsten Schritt freizugeben</translation>
    </message>
    <message>
        <source>No runbook step is waiting for approval</source>
        <translation>Kein Runbook-Schritt wartet auf Freigabe</translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s)</source>
        <translation>
            <numerusform>%n Alarm</numerusform>
            <numerusform>%n Alarme</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n incident(s)</source>
        <translation>
            <numerusform>%n Vorfall</numerusform>
            <numerusform>%n Vorfälle</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n notification(s)</source>
        <translation>
            <numerusform>%n Benachrichtigung</numerusform>
            <numerusform>%n Benachrichtigungen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 open</source>
        <translation>%1 offen</translation>
    </message>
    <message numerus="yes">
        <source>Nightwatch — %n open incident(s)</source>
        <translation>
            <numerusform>Nightwatch — %n offener Vorfall</numerusform>
            <numerusform>Nightwatch — %n offene Vorfälle</numerusform>
        </translation>
    </message>
    <message>
        <source>Snapshot at %1</source>
        <translation>Stand %1</translation>
    </message>
    <message>
        <source>No open incidents</source>
        <translation>Keine offenen Vorfälle</translation>
    </message>
    <message>
        <source>Runbooks (%1)</source>
        <translation>Runbooks (%1)</translation>
    </message>
    <message>
        <source>ALERTS OF INCIDENT #%1</source>
        <translation>ALARME VON VORFALL #%1</translation>
    </message>
    <message>
        <source>INCIDENT #%1</source>
        <translation>VORFALL #%1</translation>
    </message>
    <message>
        <source>INCIDENT #%1 · SILENCED UNTIL %2</source>
        <translation>VORFALL #%1 · STUMM BIS %2</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n alert(s)</source>
        <translation>
            <numerusform>%1 von %n Alarm</numerusform>
            <numerusform>%1 von %n Alarmen</numerusform>
        </translation>
    </message>
    <message>
        <source>Acknowledgement of incident #%1 requested</source>
        <translation>Quittierung von Vorfall #%1 angefordert</translation>
    </message>
    <message>
        <source>Note on incident #%1</source>
        <translation>Notiz zu Vorfall #%1</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Notiz:</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Settings (Ctrl+,)</source>
        <translation>Einstellungen (Strg+,)</translation>
    </message>
    <message>
        <source>On-call health report…</source>
        <translation>On-Call-Bericht…</translation>
    </message>
    <message>
        <source>Export postmortem of the incident…</source>
        <translation>Postmortem des Vorfalls exportieren…</translation>
    </message>
    <message>
        <source>Export the incident as a bundle…</source>
        <translation>Vorfall als Bundle exportieren…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Einstellungen…</translation>
    </message>
    <message>
        <source>Sources, graph, runbooks, Prometheus, notifications, LLM triage (Ctrl+,)</source>
        <translation>Quellen, Graph, Runbooks, Prometheus, Benachrichtigungen, LLM-Triage (Strg+,)</translation>
    </message>
    <message>
        <source>Settings saved. Sources, files and Prometheus take effect at the next start.</source>
        <translation>Einstellungen gespeichert. Quellen, Dateien und Prometheus wirken ab dem nächsten Start.</translation>
    </message>
    <message>
        <source>Settings saved.</source>
        <translation>Einstellungen gespeichert.</translation>
    </message>
    <message>
        <source>Asking %1 for an advisory triage…</source>
        <translation>Frage %1 nach einer beratenden Triage…</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>No database: the report reads the incident history</source>
        <translation>Keine Datenbank: Der Bericht liest die Vorfallhistorie</translation>
    </message>
    <message>
        <source>Select a stored incident to export its postmortem</source>
        <translation>Einen gespeicherten Vorfall auswählen, um sein Postmortem zu exportieren</translation>
    </message>
    <message>
        <source>Export postmortem</source>
        <translation>Postmortem exportieren</translation>
    </message>
    <message>
        <source>Markdown (*.md);;HTML (*.html)</source>
        <translation>Markdown (*.md);;HTML (*.html)</translation>
    </message>
    <message>
        <source>Select a stored incident to export it</source>
        <translation>Einen gespeicherten Vorfall zum Exportieren auswählen</translation>
    </message>
    <message>
        <source>Export incident bundle</source>
        <translation>Vorfall-Bundle exportieren</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <source>j/k move · a acknowledge · m mitigate · e resolve · r runbooks · Ctrl+Enter approve step · / filter · ? all keys</source>
        <translation>j/k wechseln · a quittieren · m eindämmen · e beheben · r Runbooks · Strg+Enter Schritt freigeben · / Filter · ? alle Tasten</translation>
    </message>
    <message>
        <source>Mark incident mitigated</source>
        <translation>Vorfall als eingedämmt markieren</translation>
    </message>
    <message>
        <source>Resolve incident…</source>
        <translation>Vorfall beheben…</translation>
    </message>
    <message>
        <source>Incident history (search, open, replay)</source>
        <translation>Vorfallhistorie (suchen, öffnen, abspielen)</translation>
    </message>
    <message>
        <source>No database to search: the history browser needs the console&apos;s database.</source>
        <translation>Keine Datenbank zum Durchsuchen: Die Vorfallhistorie braucht die Datenbank der Konsole.</translation>
    </message>
    <message>
        <source>Incident #%1 marked mitigated</source>
        <translation>Vorfall #%1 als eingedämmt markiert</translation>
    </message>
    <message>
        <source>Incident #%1 resolved</source>
        <translation>Vorfall #%1 behoben</translation>
    </message>
    <message>
        <source>Expire silence</source>
        <translation>Stummschaltung beenden</translation>
    </message>
    <message>
        <source>Expire the silences this console created for the incident (Shift+S)</source>
        <translation>Die Stummschaltungen beenden, die diese Konsole für den Vorfall angelegt hat (Umschalt+S)</translation>
    </message>
    <message>
        <source>Expire the incident&apos;s silence</source>
        <translation>Stummschaltung des Vorfalls beenden</translation>
    </message>
    <message>
        <source>Select an incident to expire its silence</source>
        <translation>Einen Vorfall wählen, um seine Stummschaltung zu beenden</translation>
    </message>
</context>
<context>
    <name>MetricChartsView</name>
    <message>
        <source>%1 %2: %3 began (%4)</source>
        <translation>%1 %2: %3 begann (%4)</translation>
    </message>
    <message>
        <source>%1 %2 %3: %4</source>
        <translation>%1 %2 %3: %4</translation>
    </message>
    <message>
        <source>No incident selected</source>
        <translation>Kein Vorfall ausgewählt</translation>
    </message>
    <message>
        <source>No metrics for %1</source>
        <translation>Keine Metriken für %1</translation>
    </message>
    <message>
        <source>Loading metrics…</source>
        <translation>Lade Metriken…</translation>
    </message>
    <message>
        <source>No metrics for this incident</source>
        <translation>Keine Metriken für diesen Vorfall</translation>
    </message>
    <message>
        <source>Metrics of %1</source>
        <translation>Metriken von %1</translation>
    </message>
    <message>
        <source>%1 ≤ %2</source>
        <translation>%1 ≤ %2</translation>
    </message>
    <message>
        <source>%1 (root)</source>
        <translation>%1 (Ursache)</translation>
    </message>
    <message>
        <source>%1 (candidate)</source>
        <translation>%1 (Kandidat)</translation>
    </message>
    <message>
        <source>Prometheus unreachable: %1 (last success %2)</source>
        <translation>Prometheus nicht erreichbar: %1 (zuletzt erfolgreich %2)</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
</context>
<context>
    <name>PastIncidentView</name>
    <message>
        <source>acknowledged</source>
        <translation>quittiert</translation>
    </message>
    <message>
        <source>mitigated</source>
        <translation>eingedämmt</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>behoben</translation>
    </message>
    <message>
        <source>note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>escalated</source>
        <translation>eskaliert</translation>
    </message>
    <message>
        <source>Alert onsets</source>
        <translation>Alarmbeginn</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Metriken</translation>
    </message>
    <message>
        <source>Alerts of the past incident</source>
        <translation>Alarme des früheren Vorfalls</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Human actions and runbook runs</source>
        <translation>Manuelle Aktionen und Runbook-Läufe</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <source>Actions &amp;&amp; runbook runs</source>
        <translation>Aktionen &amp;&amp; Runbook-Läufe</translation>
    </message>
    <message>
        <source>No incident opened</source>
        <translation>Kein Vorfall geöffnet</translation>
    </message>
    <message>
        <source>Pick an incident from the results to see it as it looked, then replay it.</source>
        <translation>Einen Vorfall aus den Ergebnissen wählen, um ihn so zu sehen, wie er damals aussah, und ihn dann abzuspielen.</translation>
    </message>
    <message>
        <source>Began %1 · lasted %2 · %3 · %4 alerts, %5 notifications</source>
        <translation>Beginn %1 · Dauer %2 · %3 · %4 Alarme, %5 Benachrichtigungen</translation>
    </message>
    <message>
        <source> · resolved by %1</source>
        <translation> · behoben von %1</translation>
    </message>
    <message>
        <source> · no graph snapshot was kept</source>
        <translation> · kein Stand des Graphen gespeichert</translation>
    </message>
    <message>
        <source>fixed by runbook %1%2</source>
        <translation>behoben durch Runbook %1%2</translation>
    </message>
    <message>
        <source>fixed by: %1</source>
        <translation>behoben durch: %1</translation>
    </message>
    <message>
        <source>root cause confirmed: %1</source>
        <translation>Ursache bestätigt: %1</translation>
    </message>
    <message>
        <source>the suggestion was right</source>
        <translation>der Vorschlag war richtig</translation>
    </message>
    <message>
        <source>the suggestion was wrong</source>
        <translation>der Vorschlag war falsch</translation>
    </message>
    <message>
        <source>actionable page</source>
        <translation>Alarmierung mit Handlungsbedarf</translation>
    </message>
    <message>
        <source>not actionable</source>
        <translation>ohne Handlungsbedarf</translation>
    </message>
    <message>
        <source>Resolution (%1, %2): %3</source>
        <translation>Behebung (%1, %2): %3</translation>
    </message>
    <message>
        <source>Metrics (none kept)</source>
        <translation>Metriken (keine gespeichert)</translation>
    </message>
    <message>
        <source>runbook %1 / %2: %3</source>
        <translation>Runbook %1 / %2: %3</translation>
    </message>
    <message>
        <source>Actions &amp;&amp; runbook runs (%1)</source>
        <translation>Aktionen &amp;&amp; Runbook-Läufe (%1)</translation>
    </message>
    <message>
        <source>%1 alerts known, %2 firing</source>
        <translation>%1 Alarme bekannt, %2 aktiv</translation>
    </message>
    <message>
        <source> · alerting: %1</source>
        <translation> · mit aktivem Alarm: %1</translation>
    </message>
    <message>
        <source> · diagnosis as the console made it then</source>
        <translation> · Diagnose, wie die Konsole sie damals stellte</translation>
    </message>
    <message>
        <source> · the stored diagnosis</source>
        <translation> · die gespeicherte Diagnose</translation>
    </message>
</context>
<context>
    <name>ReplayScrubber</name>
    <message>
        <source>One minute back (Left)</source>
        <translation>Eine Minute zurück (Links)</translation>
    </message>
    <message>
        <source>Replay minute by minute (Space)</source>
        <translation>Minute für Minute abspielen (Leertaste)</translation>
    </message>
    <message>
        <source>One minute forward (Right)</source>
        <translation>Eine Minute vor (Rechts)</translation>
    </message>
    <message>
        <source>Play replay</source>
        <translation>Wiedergabe starten</translation>
    </message>
    <message>
        <source>Replay position in minutes</source>
        <translation>Wiedergabeposition in Minuten</translation>
    </message>
    <message>
        <source>Pause replay</source>
        <translation>Wiedergabe anhalten</translation>
    </message>
    <message>
        <source>no replay</source>
        <translation>keine Wiedergabe</translation>
    </message>
    <message>
        <source>%1 · minute %2 of %3</source>
        <translation>%1 · Minute %2 von %3</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>On-call health report</source>
        <translation>On-Call-Bericht</translation>
    </message>
    <message>
        <source>First day of the period</source>
        <translation>Erster Tag des Zeitraums</translation>
    </message>
    <message>
        <source>Day after the period</source>
        <translation>Tag nach dem Zeitraum</translation>
    </message>
    <message>
        <source>&amp;Compute</source>
        <translation>&amp;Berechnen</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>to (exclusive)</source>
        <translation>bis (ausschließlich)</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>Alarmierungen</translation>
    </message>
    <message>
        <source>Notifications / incident</source>
        <translation>Benachrichtigungen / Vorfall</translation>
    </message>
    <message>
        <source>MTTA (median)</source>
        <translation>MTTA (Median)</translation>
    </message>
    <message>
        <source>MTTR (median)</source>
        <translation>MTTR (Median)</translation>
    </message>
    <message>
        <source>Auto-resolved</source>
        <translation>Von selbst behoben</translation>
    </message>
    <message>
        <source>Night pages</source>
        <translation>Nachtalarmierungen</translation>
    </message>
    <message>
        <source>Pages per week</source>
        <translation>Alarmierungen pro Woche</translation>
    </message>
    <message>
        <source>Median MTTA and MTTR per week (minutes)</source>
        <translation>Median von MTTA und MTTR pro Woche (Minuten)</translation>
    </message>
    <message>
        <source>Noisy alert</source>
        <translation>Störalarm</translation>
    </message>
    <message>
        <source>Noisy pages</source>
        <translation>Unnötige Alarmierungen</translation>
    </message>
    <message>
        <source>Owners</source>
        <translation>Teams</translation>
    </message>
    <message>
        <source>Recurring root cause</source>
        <translation>Wiederkehrende Ursache</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>Vorfälle</translation>
    </message>
    <message>
        <source>Top noisy alerts</source>
        <translation>Häufigste Störalarme</translation>
    </message>
    <message>
        <source>Top recurring root causes</source>
        <translation>Häufigste wiederkehrende Ursachen</translation>
    </message>
    <message>
        <source>Export &amp;Markdown…</source>
        <translation>Als &amp;Markdown exportieren…</translation>
    </message>
    <message>
        <source>Export &amp;HTML…</source>
        <translation>Als &amp;HTML exportieren…</translation>
    </message>
    <message>
        <source>Export &amp;PDF…</source>
        <translation>Als &amp;PDF exportieren…</translation>
    </message>
    <message>
        <source>The end date must be after the start date.</source>
        <translation>Das Enddatum muss nach dem Startdatum liegen.</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>Berechne…</translation>
    </message>
    <message>
        <source>Cannot compute the report: %1</source>
        <translation>Bericht kann nicht berechnet werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n incident(s), %1 notifications, %2</source>
        <translation>
            <numerusform>%n Vorfall, %1 Benachrichtigungen, %2</numerusform>
            <numerusform>%n Vorfälle, %1 Benachrichtigungen, %2</numerusform>
        </translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Tag</translation>
    </message>
    <message>
        <source>Night</source>
        <translation>Nacht</translation>
    </message>
    <message>
        <source>MTTA</source>
        <translation>MTTA</translation>
    </message>
    <message>
        <source>MTTR</source>
        <translation>MTTR</translation>
    </message>
    <message>
        <source>(no team label)</source>
        <translation>(kein team-Label)</translation>
    </message>
    <message>
        <source>There is no report to export yet.</source>
        <translation>Es gibt noch keinen Bericht zum Exportieren.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Kann %1 nicht schreiben: %2</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>HTML (*.html)</source>
        <translation>HTML (*.html)</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Export the report</source>
        <translation>Bericht exportieren</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <source>Nothing of this kind in the period.</source>
        <translation>Nichts dieser Art im Zeitraum.</translation>
    </message>
</context>
<context>
    <name>ResolveDialog</name>
    <message>
        <source>Resolve incident #%1</source>
        <translation>Vorfall #%1 beheben</translation>
    </message>
    <message>
        <source>Three answers teach the console for the next incident like this one.</source>
        <translation>Drei Antworten helfen der Konsole beim nächsten ähnlichen Vorfall.</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>    step %1 of %2</source>
        <translation>    Schritt %1 von %2</translation>
    </message>
    <message>
        <source>Something else…</source>
        <translation>Etwas anderes…</translation>
    </message>
    <message>
        <source>What fixed it, in a few words</source>
        <translation>Was geholfen hat, in wenigen Worten</translation>
    </message>
    <message>
        <source>What fixed it?</source>
        <translation>Was hat geholfen?</translation>
    </message>
    <message>
        <source>Yes, it was %1</source>
        <translation>Ja, es war %1</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Nein</translation>
    </message>
    <message>
        <source>There was no suggestion</source>
        <translation>Es gab keinen Vorschlag</translation>
    </message>
    <message>
        <source>No, it was %1</source>
        <translation>Nein, es war %1</translation>
    </message>
    <message>
        <source>Was the suggested root cause right?</source>
        <translation>War die vorgeschlagene Ursache richtig?</translation>
    </message>
    <message>
        <source>Yes, it needed a human</source>
        <translation>Ja, ein Mensch musste eingreifen</translation>
    </message>
    <message>
        <source>No, nothing to do (noise)</source>
        <translation>Nein, nichts zu tun (Störalarm)</translation>
    </message>
    <message>
        <source>Was the page actionable?</source>
        <translation>Erforderte die Alarmierung ein Eingreifen?</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>Beheben</translation>
    </message>
    <message>
        <source>Say what fixed it, or pick a runbook.</source>
        <translation>Angeben, was geholfen hat, oder ein Runbook wählen.</translation>
    </message>
</context>
<context>
    <name>RunbookLibrary</name>
    <message>
        <source>Alert %1 on %2 names it in its runbook label.</source>
        <translation>Alarm %1 auf %2 nennt es in seinem Runbook-Label.</translation>
    </message>
    <message>
        <source>It handles the alert %1 of this incident.</source>
        <translation>Es behandelt den Alarm %1 dieses Vorfalls.</translation>
    </message>
    <message>
        <source>The diagnosed root cause is %1.</source>
        <translation>Die diagnostizierte Ursache ist %1.</translation>
    </message>
    <message>
        <source>Alert %1 on %2 reports the cause %3.</source>
        <translation>Alarm %1 auf %2 meldet die Ursache %3.</translation>
    </message>
    <message>
        <source>The diagnosis points at %1: “%2”</source>
        <translation>Die Diagnose deutet auf %1: „%2“</translation>
    </message>
    <message>
        <source>Its service %1 is the diagnosed root cause.</source>
        <translation>Sein Dienst %1 ist die diagnostizierte Ursache.</translation>
    </message>
    <message>
        <source>Its service %1 is affected.</source>
        <translation>Sein Dienst %1 ist betroffen.</translation>
    </message>
    <message>
        <source>Alert %1 carries %2.</source>
        <translation>Alarm %1 trägt %2.</translation>
    </message>
    <message>
        <source>Its record on similar past incidents adds %1 to its rank.</source>
        <translation>Seine Bilanz bei ähnlichen früheren Vorfällen hebt seinen Rang um %1.</translation>
    </message>
    <message>
        <source>Similar past incidents: %1.</source>
        <translation>Ähnliche frühere Vorfälle: %1.</translation>
    </message>
    <message>
        <source>Picked by hand: nothing in this incident matches it.</source>
        <translation>Von Hand gewählt: Nichts in diesem Vorfall passt dazu.</translation>
    </message>
</context>
<context>
    <name>RunbookOutputPane</name>
    <message>
        <source>Output of the steps you run appears here as it streams.</source>
        <translation>Die Ausgabe ausgeführter Schritte erscheint hier, sobald sie eintrifft.</translation>
    </message>
</context>
<context>
    <name>RunbookPanel</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>RUNBOOKS</source>
        <translation>RUNBOOKS</translation>
    </message>
    <message>
        <source>Choose a runbook…</source>
        <translation>Runbook wählen…</translation>
    </message>
    <message>
        <source>PARAMETERS</source>
        <translation>PARAMETER</translation>
    </message>
    <message>
        <source>STEPS · EACH RUNS ONLY WHEN YOU APPROVE IT</source>
        <translation>SCHRITTE · JEDER LÄUFT ERST NACH IHRER FREIGABE</translation>
    </message>
    <message>
        <source>OUTPUT</source>
        <translation>AUSGABE</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>Why escalate? (recorded with the incident)</source>
        <translation>Warum eskalieren? (wird beim Vorfall gespeichert)</translation>
    </message>
    <message>
        <source>Escalate</source>
        <translation>Eskalieren</translation>
    </message>
    <message>
        <source>Hand this incident on: records your note, the runbook and the state of its steps</source>
        <translation>Vorfall weitergeben: speichert Ihre Notiz, das Runbook und den Stand seiner Schritte</translation>
    </message>
    <message>
        <source>RUNBOOKS FOR INCIDENT #%1 · %2 PROPOSED</source>
        <translation>RUNBOOKS FÜR VORFALL #%1 · %2 VORGESCHLAGEN</translation>
    </message>
    <message>
        <source>RUNBOOKS · %1 PROPOSED</source>
        <translation>RUNBOOKS · %1 VORGESCHLAGEN</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>%1 · %2 (not proposed)</source>
        <translation>%1 · %2 (nicht vorgeschlagen)</translation>
    </message>
    <message>
        <source>Select an incident to see the runbooks proposed for it.</source>
        <translation>Einen Vorfall auswählen, um die dafür vorgeschlagenen Runbooks zu sehen.</translation>
    </message>
    <message>
        <source>No runbook is loaded.</source>
        <translation>Kein Runbook geladen.</translation>
    </message>
    <message>
        <source>No runbook matches this incident. You can still pick one from the list.</source>
        <translation>Kein Runbook passt zu diesem Vorfall. Sie können trotzdem eines aus der Liste wählen.</translation>
    </message>
    <message>
        <source>No runbook chosen.</source>
        <translation>Kein Runbook gewählt.</translation>
    </message>
    <message>
        <source>This runbook has no steps.</source>
        <translation>Dieses Runbook hat keine Schritte.</translation>
    </message>
    <message>
        <source>approved by you at %1</source>
        <translation>von Ihnen freigegeben um %1</translation>
    </message>
    <message>
        <source>▶ %1 · step %2 approved at %3</source>
        <translation>▶ %1 · Schritt %2 freigegeben um %3</translation>
    </message>
    <message>
        <source>rollback approved by you at %1</source>
        <translation>Rollback von Ihnen freigegeben um %1</translation>
    </message>
    <message>
        <source>↺ %1 · rollback of %2 approved at %3</source>
        <translation>↺ %1 · Rollback von %2 freigegeben um %3</translation>
    </message>
    <message>
        <source>skipped by you at %1</source>
        <translation>von Ihnen übersprungen um %1</translation>
    </message>
    <message>
        <source>» %1 · step %2 skipped</source>
        <translation>» %1 · Schritt %2 übersprungen</translation>
    </message>
    <message>
        <source>Dry run of %1 · step %2: nothing was started.</source>
        <translation>Probelauf von %1 · Schritt %2: Nichts wurde gestartet.</translation>
    </message>
    <message>
        <source>It cannot run yet: %1</source>
        <translation>Kann noch nicht laufen: %1</translation>
    </message>
    <message numerus="yes">
        <source>Would run %n argument(s), as they are, without a shell:</source>
        <translation>
            <numerusform>Würde %n Argument unverändert ohne Shell ausführen:</numerusform>
            <numerusform>Würde %n Argumente unverändert ohne Shell ausführen:</numerusform>
        </translation>
    </message>
    <message>
        <source>Parameters:</source>
        <translation>Parameter:</translation>
    </message>
    <message>
        <source>  %1 = %2   (%3)</source>
        <translation>  %1 = %2   (%3)</translation>
    </message>
    <message>
        <source>Environment: %1 · timeout %2</source>
        <translation>Umgebung: %1 · Timeout %2</translation>
    </message>
    <message>
        <source>Then verify: %1</source>
        <translation>Danach prüfen: %1</translation>
    </message>
    <message>
        <source>Then verify (PromQL, not evaluated yet): %1</source>
        <translation>Danach prüfen (PromQL, noch nicht ausgewertet): %1</translation>
    </message>
    <message>
        <source>On failure, roll back automatically: %1</source>
        <translation>Bei Fehler automatisch Rollback: %1</translation>
    </message>
    <message>
        <source>On failure, offer the rollback: %1</source>
        <translation>Bei Fehler Rollback anbieten: %1</translation>
    </message>
    <message>
        <source>Copied the command of step %1 to the clipboard.</source>
        <translation>Befehl von Schritt %1 in die Zwischenablage kopiert.</translation>
    </message>
    <message>
        <source>Escalated from runbook %1</source>
        <translation>Eskaliert aus Runbook %1</translation>
    </message>
    <message>
        <source>Escalated from the runbook panel</source>
        <translation>Eskaliert aus dem Runbook-Bereich</translation>
    </message>
    <message>
        <source>⚑ %1</source>
        <translation>⚑ %1</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>verifying</source>
        <translation>prüft</translation>
    </message>
    <message>
        <source>rolling back</source>
        <translation>Rollback läuft</translation>
    </message>
    <message>
        <source>%1…</source>
        <translation>%1…</translation>
    </message>
    <message>
        <source>%1 %2…</source>
        <translation>%1 %2…</translation>
    </message>
    <message>
        <source>%1 %2: %3</source>
        <translation>%1 %2: %3</translation>
    </message>
    <message>
        <source>No step can run until these parameters are valid: %1.</source>
        <translation>Kein Schritt kann laufen, solange diese Parameter nicht gültig sind: %1.</translation>
    </message>
</context>
<context>
    <name>RunbookParamForm</name>
    <message>
        <source>from alert label %1</source>
        <translation>aus Alarm-Label %1</translation>
    </message>
    <message>
        <source>from the diagnosed service</source>
        <translation>vom diagnostizierten Dienst</translation>
    </message>
    <message>
        <source>the runbook&apos;s default</source>
        <translation>Vorgabe des Runbooks</translation>
    </message>
    <message>
        <source>typed by you</source>
        <translation>von Ihnen eingegeben</translation>
    </message>
    <message>
        <source>Pattern: %1 (at most %2 characters)</source>
        <translation>Muster: %1 (höchstens %2 Zeichen)</translation>
    </message>
    <message>
        <source>Rejected: %1</source>
        <translation>Abgelehnt: %1</translation>
    </message>
    <message>
        <source>typed; runs as one argument</source>
        <translation>eingegeben; läuft als ein Argument</translation>
    </message>
    <message>
        <source>Required: type a value</source>
        <translation>Erforderlich: Wert eingeben</translation>
    </message>
    <message>
        <source>Required: %1 gives no value; type one</source>
        <translation>Erforderlich: %1 liefert keinen Wert; bitte eingeben</translation>
    </message>
</context>
<context>
    <name>RunbookStepCard</name>
    <message>
        <source>How careful to be with this step, as the runbook declares it</source>
        <translation>Wie vorsichtig dieser Schritt laut Runbook zu behandeln ist</translation>
    </message>
    <message>
        <source>COMMAND · DISPLAY ONLY</source>
        <translation>BEFEHL · NUR ANZEIGE</translation>
    </message>
    <message>
        <source>Shown quoted for reading and for pasting into a shell. The console runs these arguments directly, never through a shell.</source>
        <translation>Zum Lesen und Einfügen in eine Shell quotiert angezeigt. Die Konsole führt diese Argumente direkt aus, nie über eine Shell.</translation>
    </message>
    <message>
        <source>Dry run</source>
        <translation>Probelauf</translation>
    </message>
    <message>
        <source>Show exactly the arguments that would run and where each parameter came from; nothing is started</source>
        <translation>Genau die Argumente zeigen, die laufen würden, und woher jeder Parameter stammt; nichts wird gestartet</translation>
    </message>
    <message>
        <source>Copy command</source>
        <translation>Befehl kopieren</translation>
    </message>
    <message>
        <source>Copy the command, quoted for a POSIX shell, to run it by hand</source>
        <translation>Den Befehl für eine POSIX-Shell quotiert kopieren, um ihn von Hand auszuführen</translation>
    </message>
    <message>
        <source>Approve &amp;&amp; run</source>
        <translation>Freigeben &amp;&amp; ausführen</translation>
    </message>
    <message>
        <source>Approve this step with exactly the arguments shown and run it now (only this step)</source>
        <translation>Diesen Schritt mit genau den gezeigten Argumenten freigeben und jetzt ausführen (nur diesen Schritt)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Terminate the step&apos;s process group, as its timeout would</source>
        <translation>Die Prozessgruppe des Schritts beenden, wie es sein Timeout täte</translation>
    </message>
    <message>
        <source>Approve rollback</source>
        <translation>Rollback freigeben</translation>
    </message>
    <message>
        <source>Approve and run this step&apos;s rollback command</source>
        <translation>Den Rollback-Befehl dieses Schritts freigeben und ausführen</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>Überspringen</translation>
    </message>
    <message>
        <source>Do not run this step; the next one becomes available</source>
        <translation>Diesen Schritt nicht ausführen; der nächste wird verfügbar</translation>
    </message>
    <message>
        <source>%1. %2</source>
        <translation>%1. %2</translation>
    </message>
    <message>
        <source>Runs as an argument list, never through a shell</source>
        <translation>Läuft als Argumentliste, nie über eine Shell</translation>
    </message>
    <message>
        <source>Parameters missing or invalid: {placeholders} are not filled in yet</source>
        <translation>Parameter fehlen oder sind ungültig: {Platzhalter} sind noch nicht ausgefüllt</translation>
    </message>
    <message>
        <source>rollback, run automatically on failure: %1</source>
        <translation>Rollback, bei Fehler automatisch: %1</translation>
    </message>
    <message>
        <source>rollback, offered on failure: %1</source>
        <translation>Rollback, bei Fehler angeboten: %1</translation>
    </message>
    <message>
        <source>Approve &amp;&amp; run again</source>
        <translation>Freigeben &amp;&amp; erneut ausführen</translation>
    </message>
</context>
<context>
    <name>RunbookStepModel</name>
    <message>
        <source>%1. %2 — %3</source>
        <translation>%1. %2 — %3</translation>
    </message>
    <message>
        <source>PENDING</source>
        <translation>AUSSTEHEND</translation>
    </message>
    <message>
        <source>APPROVED</source>
        <translation>FREIGEGEBEN</translation>
    </message>
    <message>
        <source>RUNNING</source>
        <translation>LÄUFT</translation>
    </message>
    <message>
        <source>PASSED</source>
        <translation>ERFOLGREICH</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>FEHLGESCHLAGEN</translation>
    </message>
    <message>
        <source>ROLLED BACK</source>
        <translation>ZURÜCKGEROLLT</translation>
    </message>
    <message>
        <source>SKIPPED</source>
        <translation>ÜBERSPRUNGEN</translation>
    </message>
    <message>
        <source>READ-ONLY</source>
        <translation>NUR LESEND</translation>
    </message>
    <message>
        <source>LOW RISK</source>
        <translation>GERINGES RISIKO</translation>
    </message>
    <message>
        <source>HIGH RISK</source>
        <translation>HOHES RISIKO</translation>
    </message>
    <message>
        <source>rollback</source>
        <translation>Rollback</translation>
    </message>
    <message>
        <source>exit %1</source>
        <translation>Exit %1</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>rolled back automatically</source>
        <translation>automatisch zurückgerollt</translation>
    </message>
    <message>
        <source>verify passed</source>
        <translation>Prüfung bestanden</translation>
    </message>
    <message>
        <source>verify failed</source>
        <translation>Prüfung fehlgeschlagen</translation>
    </message>
    <message>
        <source>verify not evaluated (no Prometheus)</source>
        <translation>Prüfung nicht ausgewertet (kein Prometheus)</translation>
    </message>
    <message>
        <source>verify skipped</source>
        <translation>Prüfung übersprungen</translation>
    </message>
</context>
<context>
    <name>RuntimeOptions</name>
    <message>
        <source>Replay the built-in Black-Friday alert storm on the demo graph (fresh demo database).</source>
        <translation>Den eingebauten Black-Friday-Alarmsturm auf dem Demo-Graphen abspielen (frische Demo-Datenbank).</translation>
    </message>
    <message>
        <source>file</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Dependency graph JSON: {&quot;nodes&quot;:[{&quot;id&quot;}],&quot;edges&quot;:[{&quot;from&quot;,&quot;to&quot;}]}.</source>
        <translation>Abhängigkeitsgraph als JSON: {&quot;nodes&quot;:[{&quot;id&quot;}],&quot;edges&quot;:[{&quot;from&quot;,&quot;to&quot;}]}.</translation>
    </message>
    <message>
        <source>Poll this Alertmanager&apos;s API v2 (repeatable, e.g. an HA pair).</source>
        <translation>API v2 dieses Alertmanagers abfragen (wiederholbar, z. B. für ein HA-Paar).</translation>
    </message>
    <message>
        <source>url</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Seconds between Alertmanager polls (default 15).</source>
        <translation>Sekunden zwischen Alertmanager-Abfragen (Standard 15).</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <source>Replay a recorded feed (scenario format) paced by its arrival times.</source>
        <translation>Einen aufgezeichneten Feed (Szenarioformat) im Takt seiner Ankunftszeiten abspielen.</translation>
    </message>
    <message>
        <source>Webhook receiver address (default 127.0.0.1:9797). Token: NIGHTWATCH_WEBHOOK_TOKEN.</source>
        <translation>Adresse des Webhook-Empfängers (Standard 127.0.0.1:9797). Token: NIGHTWATCH_WEBHOOK_TOKEN.</translation>
    </message>
    <message>
        <source>host:port</source>
        <translation>host:port</translation>
    </message>
    <message>
        <source>Do not start the webhook receiver.</source>
        <translation>Den Webhook-Empfänger nicht starten.</translation>
    </message>
    <message>
        <source>Alertmanager config YAML whose inhibit_rules apply.</source>
        <translation>Alertmanager-Konfiguration (YAML), deren inhibit_rules gelten.</translation>
    </message>
    <message>
        <source>JSON pointers (YAML or JSON file) for POST /api/v1/alerts/generic. PagerDuty webhook secret: NIGHTWATCH_PAGERDUTY_SECRET.</source>
        <translation>JSON-Pointer (YAML- oder JSON-Datei) für POST /api/v1/alerts/generic. PagerDuty-Webhook-Geheimnis: NIGHTWATCH_PAGERDUTY_SECRET.</translation>
    </message>
    <message>
        <source>--generic-mapping: %1</source>
        <translation>--generic-mapping: %1</translation>
    </message>
    <message>
        <source>--poll-interval: expected 1 to 3600 seconds, got &apos;%1&apos;</source>
        <translation>--poll-interval: 1 bis 3600 Sekunden erwartet, nicht &apos;%1&apos;</translation>
    </message>
    <message>
        <source>--listen: expected host:port such as 127.0.0.1:9797, got &apos;%1&apos;</source>
        <translation>--listen: host:port wie 127.0.0.1:9797 erwartet, nicht &apos;%1&apos;</translation>
    </message>
    <message>
        <source>SQLite database file (default: nightwatch.sqlite in the user&apos;s data directory), or a shared team store: postgresql://user[:password]@host[:port]/database.</source>
        <translation>SQLite-Datenbankdatei (Standard: nightwatch.sqlite im Datenverzeichnis des Benutzers) oder ein gemeinsamer Team-Speicher: postgresql://user[:password]@host[:port]/database.</translation>
    </message>
    <message>
        <source>file|url</source>
        <translation>Datei|URL</translation>
    </message>
    <message>
        <source>Allow --listen on a non-loopback address without a token.</source>
        <translation>--listen auf einer Adresse außerhalb von Loopback ohne Token erlauben.</translation>
    </message>
    <message>
        <source>--listen %1: a non-loopback address needs a token (NIGHTWATCH_WEBHOOK_TOKEN), or --insecure-listen</source>
        <translation>--listen %1: eine Adresse außerhalb von Loopback braucht ein Token (NIGHTWATCH_WEBHOOK_TOKEN) oder --insecure-listen</translation>
    </message>
    <message>
        <source>Discover the dependency graph from this Prometheus&apos; service-graph metrics (Tempo, Istio), merged with --graph; access as --prometheus-*.</source>
        <translation>Den Abhängigkeitsgraphen aus den Service-Graph-Metriken dieses Prometheus erkennen (Tempo, Istio), zusammengeführt mit --graph; Zugang wie --prometheus-*.</translation>
    </message>
    <message>
        <source>Seconds between graph discoveries (default 300).</source>
        <translation>Sekunden zwischen zwei Graph-Erkennungen (Standard 300).</translation>
    </message>
    <message>
        <source>Calls within this window make a discovered edge, e.g. 1h or 30m (default 1h).</source>
        <translation>Aufrufe in diesem Zeitfenster ergeben eine erkannte Kante, z. B. 1h oder 30m (Standard 1h).</translation>
    </message>
    <message>
        <source>duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>--discover-interval: expected 10 to 86400 seconds, got &apos;%1&apos;</source>
        <translation>--discover-interval: 10 bis 86400 Sekunden erwartet, erhalten: „%1“</translation>
    </message>
    <message>
        <source>--discover-window: expected 1m to 30d such as 1h or 30m, got &apos;%1&apos;</source>
        <translation>--discover-window: 1m bis 30d erwartet, etwa 1h oder 30m, erhalten: „%1“</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Takes effect at the next start of the console.</source>
        <translation>Wirkt ab dem nächsten Start der Konsole.</translation>
    </message>
    <message>
        <source>Nightwatch settings</source>
        <translation>Nightwatch-Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Sources</source>
        <translation>&amp;Quellen</translation>
    </message>
    <message>
        <source>&amp;Graph &amp;&amp; runbooks</source>
        <translation>&amp;Graph &amp;&amp; Runbooks</translation>
    </message>
    <message>
        <source>&amp;Prometheus</source>
        <translation>&amp;Prometheus</translation>
    </message>
    <message>
        <source>&amp;Notifications</source>
        <translation>Be&amp;nachrichtigungen</translation>
    </message>
    <message>
        <source>&amp;LLM triage</source>
        <translation>&amp;LLM-Triage</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Browse for %1</source>
        <translation>Durchsuchen: %1</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>Ordner wählen</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>Datei wählen</translation>
    </message>
    <message>
        <source>http://127.0.0.1:9093
http://alertmanager-2:9093</source>
        <translation>http://127.0.0.1:9093
http://alertmanager-2:9093</translation>
    </message>
    <message>
        <source>&amp;Alertmanager URLs</source>
        <translation>&amp;Alertmanager-URLs</translation>
    </message>
    <message>
        <source>One per line; an HA pair is merged. The console polls GET /api/v2/alerts.</source>
        <translation>Eine pro Zeile; ein HA-Paar wird zusammengeführt. Die Konsole fragt GET /api/v2/alerts ab.</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>&amp;Poll interval</source>
        <translation>Abfrage&amp;intervall</translation>
    </message>
    <message>
        <source>&amp;Receive Alertmanager webhooks</source>
        <translation>Alertmanager-Webhooks &amp;empfangen</translation>
    </message>
    <message>
        <source>&amp;Listen on</source>
        <translation>&amp;Webhook-Adresse</translation>
    </message>
    <message>
        <source>The bearer token comes from NIGHTWATCH_WEBHOOK_TOKEN.</source>
        <translation>Das Bearer-Token kommt aus NIGHTWATCH_WEBHOOK_TOKEN.</translation>
    </message>
    <message>
        <source>none: group by time and labels only</source>
        <translation>keiner: nur nach Zeit und Labels gruppieren</translation>
    </message>
    <message>
        <source>&amp;Dependency graph</source>
        <translation>&amp;Abhängigkeitsgraph</translation>
    </message>
    <message>
        <source>JSON {&quot;nodes&quot;:[{&quot;id&quot;}],&quot;edges&quot;:[{&quot;from&quot;,&quot;to&quot;}]}; from calls to.</source>
        <translation>JSON {&quot;nodes&quot;:[{&quot;id&quot;}],&quot;edges&quot;:[{&quot;from&quot;,&quot;to&quot;}]}; from ruft to auf.</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>&amp;Inhibit rules</source>
        <translation>&amp;Unterdrückungsregeln</translation>
    </message>
    <message>
        <source>An Alertmanager configuration whose inhibit_rules apply.</source>
        <translation>Eine Alertmanager-Konfiguration, deren inhibit_rules gelten.</translation>
    </message>
    <message>
        <source>built-in examples only</source>
        <translation>nur eingebaute Beispiele</translation>
    </message>
    <message>
        <source>&amp;Runbook folder</source>
        <translation>&amp;Runbook-Ordner</translation>
    </message>
    <message>
        <source>Runbook YAML files, proposed beside the built-in examples.</source>
        <translation>Runbook-YAML-Dateien, vorgeschlagen neben den eingebauten Beispielen.</translation>
    </message>
    <message>
        <source>&amp;Prometheus URLs</source>
        <translation>&amp;Prometheus-URLs</translation>
    </message>
    <message>
        <source>One per line. Their series appear beside the graph and count as diagnosis evidence.</source>
        <translation>Eine pro Zeile. Ihre Zeitreihen erscheinen neben dem Graphen und zählen als Belege für die Diagnose.</translation>
    </message>
    <message>
        <source>&amp;Tray icon and desktop notifications (takes effect at the next start)</source>
        <translation>&amp;Tray-Symbol und Desktop-Benachrichtigungen (wirkt ab dem nächsten Start)</translation>
    </message>
    <message>
        <source>&amp;Do not disturb: only critical incidents notify</source>
        <translation>Nicht &amp;stören: nur kritische Vorfälle benachrichtigen</translation>
    </message>
    <message>
        <source>c&amp;ritical</source>
        <translation>k&amp;ritisch</translation>
    </message>
    <message>
        <source>&amp;error</source>
        <translation>F&amp;ehler</translation>
    </message>
    <message>
        <source>&amp;warning</source>
        <translation>&amp;Warnung</translation>
    </message>
    <message>
        <source>&amp;info</source>
        <translation>&amp;Info</translation>
    </message>
    <message>
        <source>Beep for</source>
        <translation>Signalton bei</translation>
    </message>
    <message>
        <source>The system bell, once per snapshot that brings a new incident of a ticked severity.</source>
        <translation>Die Systemglocke, einmal pro Stand, der einen neuen Vorfall eines angehakten Schweregrads bringt.</translation>
    </message>
    <message>
        <source>S&amp;lack webhook</source>
        <translation>S&amp;lack-Webhook</translation>
    </message>
    <message>
        <source>Slack &amp;follows do not disturb</source>
        <translation>Slack &amp;folgt „Nicht stören“</translation>
    </message>
    <message>
        <source>One message per new incident: root cause, confidence, counts, affected services.</source>
        <translation>Eine Nachricht pro neuem Vorfall: Ursache, Konfidenz, Anzahlen, betroffene Dienste.</translation>
    </message>
    <message>
        <source>NIGHTWATCH_SLACK_WEBHOOK_URL is set and overrides this URL.</source>
        <translation>NIGHTWATCH_SLACK_WEBHOOK_URL ist gesetzt und hat Vorrang vor dieser URL.</translation>
    </message>
    <message>
        <source>&amp;Ask a language model for an advisory triage</source>
        <translation>Beratende Triage von einem Sprachmodell &amp;anfordern</translation>
    </message>
    <message>
        <source>&amp;Endpoint</source>
        <translation>&amp;Endpunkt</translation>
    </message>
    <message>
        <source>OpenAI-compatible; the console posts to {endpoint}/v1/chat/completions (llama.cpp server, Ollama, or a hosted API).</source>
        <translation>OpenAI-kompatibel; die Konsole sendet an {endpoint}/v1/chat/completions (llama.cpp-Server, Ollama oder eine gehostete API).</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Modell</translation>
    </message>
    <message>
        <source>&amp;Timeout</source>
        <translation>&amp;Timeout</translation>
    </message>
    <message>
        <source>Send alert &amp;labels and annotations</source>
        <translation>Alarm-&amp;Labels und Annotationen senden</translation>
    </message>
    <message>
        <source>Without it only service names, counts, confidences and the evidence sentences are sent.</source>
        <translation>Ohne diese Option werden nur Dienstnamen, Anzahlen, Konfidenzen und die Belegsätze gesendet.</translation>
    </message>
    <message>
        <source>The API key is never stored here: NIGHTWATCH_LLM_API_KEY, else the keyring (secret-tool lookup service nightwatch llm &lt;endpoint host&gt;).</source>
        <translation>Der API-Schlüssel wird nie hier gespeichert: NIGHTWATCH_LLM_API_KEY, sonst der Schlüsselbund (secret-tool lookup service nightwatch llm &lt;endpoint host&gt;).</translation>
    </message>
    <message>
        <source>NIGHTWATCH_LLM_API_KEY is set.</source>
        <translation>NIGHTWATCH_LLM_API_KEY ist gesetzt.</translation>
    </message>
    <message>
        <source>secret-tool is available.</source>
        <translation>secret-tool ist verfügbar.</translation>
    </message>
    <message>
        <source>Neither is available: no key is sent.</source>
        <translation>Keins von beiden ist verfügbar: Es wird kein Schlüssel gesendet.</translation>
    </message>
    <message>
        <source>Advisory only: the deterministic triage shows at once and stays when the model is slow or wrong.</source>
        <translation>Nur beratend: Die deterministische Triage erscheint sofort und bleibt, wenn das Modell langsam ist oder falsch liegt.</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>Quellen</translation>
    </message>
    <message>
        <source>Graph &amp; runbooks</source>
        <translation>Graph &amp; Runbooks</translation>
    </message>
    <message>
        <source>Prometheus</source>
        <translation>Prometheus</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Benachrichtigungen</translation>
    </message>
    <message>
        <source>LLM triage</source>
        <translation>LLM-Triage</translation>
    </message>
    <message>
        <source>a model name is required</source>
        <translation>ein Modellname ist erforderlich</translation>
    </message>
    <message>
        <source>(+%1 more)</source>
        <translation>(+%1 weitere)</translation>
    </message>
    <message>
        <source>none: the graph file only</source>
        <translation>keiner: nur die Graph-Datei</translation>
    </message>
    <message>
        <source>&amp;Discover the graph from</source>
        <translation>Graph &amp;erkennen aus</translation>
    </message>
    <message>
        <source>A Prometheus with Tempo or Istio service-graph metrics: who calls whom in the last hour, every 5 minutes, merged with the graph file.</source>
        <translation>Ein Prometheus mit Service-Graph-Metriken von Tempo oder Istio: wer wen in der letzten Stunde aufgerufen hat, alle 5 Minuten, zusammengeführt mit der Graph-Datei.</translation>
    </message>
</context>
<context>
    <name>SettingsValidator</name>
    <message>
        <source>a secret is not kept in the settings file: give env:VARIABLE or keyring:NAME</source>
        <translation>ein Geheimnis gehört nicht in die Einstellungsdatei: env:VARIABLE oder keyring:NAME angeben</translation>
    </message>
    <message>
        <source>a URL is required</source>
        <translation>eine URL ist erforderlich</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an http(s) URL with a host</source>
        <translation>&apos;%1&apos; ist keine http(s)-URL mit Host</translation>
    </message>
    <message>
        <source>&apos;%1&apos; does not exist</source>
        <translation>&apos;%1&apos; existiert nicht</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a file</source>
        <translation>&apos;%1&apos; ist keine Datei</translation>
    </message>
    <message>
        <source>&apos;%1&apos; cannot be read</source>
        <translation>&apos;%1&apos; kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>not a dependency graph: %1</source>
        <translation>kein Abhängigkeitsgraph: %1</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a folder</source>
        <translation>&apos;%1&apos; ist kein Ordner</translation>
    </message>
    <message>
        <source>expected host:port such as 127.0.0.1:9797, got &apos;%1&apos;</source>
        <translation>host:port wie 127.0.0.1:9797 erwartet, nicht &apos;%1&apos;</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a port between 1 and 65535</source>
        <translation>&apos;%1&apos; ist kein Port zwischen 1 und 65535</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an IP address (or localhost)</source>
        <translation>&apos;%1&apos; ist keine IP-Adresse (oder localhost)</translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <source>critical</source>
        <translation>kritisch</translation>
    </message>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>info</source>
        <translation>Info</translation>
    </message>
</context>
<context>
    <name>ShortcutCheatSheet</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Every action of the console, without a mouse. Letters work whenever the focus is not in a text field; Esc leaves the alert filter.</source>
        <translation>Jede Aktion der Konsole ohne Maus. Buchstaben wirken, solange der Fokus nicht in einem Textfeld ist; Esc verlässt den Alarmfilter.</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source> or </source>
        <translation> oder </translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>  (on)</source>
        <translation>  (an)</translation>
    </message>
    <message>
        <source>  (off)</source>
        <translation>  (aus)</translation>
    </message>
</context>
<context>
    <name>SilenceDialog</name>
    <message>
        <source>Silence incident #%1</source>
        <translation>Vorfall #%1 stummschalten</translation>
    </message>
    <message>
        <source>30 minutes</source>
        <translation>30 Minuten</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 Stunde</translation>
    </message>
    <message>
        <source>2 hours</source>
        <translation>2 Stunden</translation>
    </message>
    <message>
        <source>4 hours</source>
        <translation>4 Stunden</translation>
    </message>
    <message>
        <source>8 hours</source>
        <translation>8 Stunden</translation>
    </message>
    <message>
        <source>24 hours</source>
        <translation>24 Stunden</translation>
    </message>
    <message>
        <source>&amp;Duration</source>
        <translation>&amp;Dauer</translation>
    </message>
    <message>
        <source>why, for the next on-call</source>
        <translation>warum, für die nächste Bereitschaft</translation>
    </message>
    <message>
        <source>&amp;Comment</source>
        <translation>&amp;Kommentar</translation>
    </message>
    <message>
        <source>&amp;Silence</source>
        <translation>&amp;Stummschalten</translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s) silenced in Alertmanager, each by its exact labels.</source>
        <translation>
            <numerusform>%n Alarm wird in Alertmanager stummgeschaltet, genau nach seinen Labels.</numerusform>
            <numerusform>%n Alarme werden in Alertmanager stummgeschaltet, jeder genau nach seinen Labels.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SourceAccess</name>
    <message>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <source>TLS (own CA)</source>
        <translation>TLS (eigene CA)</translation>
    </message>
    <message>
        <source>plain HTTP</source>
        <translation>unverschlüsseltes HTTP</translation>
    </message>
    <message>
        <source>client certificate</source>
        <translation>Client-Zertifikat</translation>
    </message>
    <message>
        <source>credentials withheld (plain HTTP)</source>
        <translation>Zugangsdaten zurückgehalten (unverschlüsseltes HTTP)</translation>
    </message>
    <message>
        <source>bearer</source>
        <translation>Bearer</translation>
    </message>
    <message>
        <source>basic auth as %1</source>
        <translation>Basic-Auth als %1</translation>
    </message>
</context>
<context>
    <name>SourceHealthBar</name>
    <message>
        <source>No alert sources configured</source>
        <translation>Keine Alarmquellen konfiguriert</translation>
    </message>
    <message>
        <source>ok %1</source>
        <translation>ok %1</translation>
    </message>
    <message>
        <source>last ok %1</source>
        <translation>zuletzt ok %1</translation>
    </message>
    <message>
        <source>Not shown for lack of room:</source>
        <translation>Aus Platzmangel nicht angezeigt:</translation>
    </message>
</context>
<context>
    <name>SourceHealthModel</name>
    <message>
        <source>Last success: %1</source>
        <translation>Zuletzt erfolgreich: %1</translation>
    </message>
    <message>
        <source>Last error: %1</source>
        <translation>Letzter Fehler: %1</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Last success</source>
        <translation>Zuletzt erfolgreich</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
    <message>
        <source>Metrics source: while it is down the diagnosis has no metric evidence; alerts still arrive.</source>
        <translation>Metrikquelle: solange sie ausfällt, fehlen der Diagnose Metrik-Belege; Alarme kommen weiterhin an.</translation>
    </message>
    <message>
        <source>Alert source: while it is down its alerts cannot reach the console.</source>
        <translation>Alarmquelle: solange sie ausfällt, erreichen ihre Alarme die Konsole nicht.</translation>
    </message>
    <message>
        <source>Access: %1</source>
        <translation>Zugang: %1</translation>
    </message>
    <message>
        <source>Access</source>
        <translation>Zugang</translation>
    </message>
</context>
<context>
    <name>Theme</name>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Triggered</source>
        <translation>Ausgelöst</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Quittiert</translation>
    </message>
    <message>
        <source>Mitigated</source>
        <translation>Eingedämmt</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Behoben</translation>
    </message>
    <message>
        <source>live</source>
        <translation>aktuell</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>veraltet</translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation>nicht erreichbar</translation>
    </message>
</context>
<context>
    <name>TimelineChartView</name>
    <message>
        <source>No alerts to show</source>
        <translation>Keine Alarme anzuzeigen</translation>
    </message>
    <message>
        <source>(no service)</source>
        <translation>(kein Dienst)</translation>
    </message>
    <message>
        <source>critical</source>
        <extracomment>severity label value, as the alert table shows it; short</extracomment>
        <translation>critical</translation>
    </message>
    <message>
        <source>warning</source>
        <extracomment>severity label value, as the alert table shows it; short</extracomment>
        <translation>warning</translation>
    </message>
    <message>
        <source>other</source>
        <translation>sonstige</translation>
    </message>
    <message>
        <source>root</source>
        <translation>Ursache</translation>
    </message>
    <message>
        <source>change</source>
        <extracomment>a deploy, config change or flag flip; short</extracomment>
        <translation>Change</translation>
    </message>
    <message>
        <source>runbook step</source>
        <translation>Runbook-Schritt</translation>
    </message>
    <message>
        <source>No alert onsets known</source>
        <translation>Kein Alarmbeginn bekannt</translation>
    </message>
    <message>
        <source>root cause row</source>
        <translation>Zeile der Ursache</translation>
    </message>
    <message>
        <source>(other services)</source>
        <translation>(andere Dienste)</translation>
    </message>
    <message>
        <source>%1, before this axis</source>
        <translation>%1, vor dieser Achse</translation>
    </message>
    <message numerus="yes">
        <source>+%n more</source>
        <translation>
            <numerusform>+%n weiterer</numerusform>
            <numerusform>+%n weitere</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TriageBox</name>
    <message>
        <source>Triage</source>
        <translation>Triage</translation>
    </message>
    <message>
        <source>TRIAGE</source>
        <translation>TRIAGE</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>Jetzt</translation>
    </message>
    <message>
        <source>Do not</source>
        <translation>Vermeiden</translation>
    </message>
    <message>
        <source>advisory (LLM: %1)</source>
        <translation>beratend (LLM: %1)</translation>
    </message>
    <message>
        <source>deterministic</source>
        <translation>deterministisch</translation>
    </message>
    <message>
        <source>Written by a language model from the diagnosis: check it before acting</source>
        <translation>Von einem Sprachmodell aus der Diagnose geschrieben: vor dem Handeln prüfen</translation>
    </message>
    <message>
        <source>Built from the diagnosis: top cause, confidence, evidence, proposed runbook</source>
        <translation>Aus der Diagnose erstellt: wahrscheinlichste Ursache, Konfidenz, Belege, vorgeschlagenes Runbook</translation>
    </message>
    <message>
        <source>LLM unavailable: %1</source>
        <translation>LLM nicht verfügbar: %1</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Nightwatch incident console.</source>
        <translation>Nightwatch-Konsole für Vorfälle.</translation>
    </message>
    <message>
        <source>Once every feed has been replayed, save the window as a PNG and exit.</source>
        <translation>Wenn alle Feeds abgespielt sind, das Fenster als PNG speichern und beenden.</translation>
    </message>
    <message>
        <source>file</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Folder of runbook YAML files (beside the built-in examples).</source>
        <translation>Ordner mit Runbook-YAML-Dateien (neben den eingebauten Beispielen).</translation>
    </message>
    <message>
        <source>dir</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Prometheus base URL for the metrics beside an incident (repeatable).</source>
        <translation>Prometheus-Basis-URL für die Metriken neben einem Vorfall (wiederholbar).</translation>
    </message>
    <message>
        <source>url</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Start in war-room mode: full screen, large type (F11 toggles).</source>
        <translation>Im War-Room-Modus starten: Vollbild, große Schrift (F11 schaltet um).</translation>
    </message>
    <message>
        <source>Colour scheme: dark, light or system (the default; setting ui/theme).</source>
        <translation>Farbschema: dark, light oder system (Standard; Einstellung ui/theme).</translation>
    </message>
    <message>
        <source>scheme</source>
        <translation>Schema</translation>
    </message>
    <message>
        <source>Language of the console, e.g. de or en (default: the system locale; setting ui/language).</source>
        <translation>Sprache der Konsole, z. B. de oder en (Standard: Systemsprache; Einstellung ui/language).</translation>
    </message>
    <message>
        <source>language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>--theme: &apos;%1&apos; is not dark, light or system</source>
        <translation>--theme: &apos;%1&apos; ist weder dark noch light noch system</translation>
    </message>
    <message>
        <source>--screenshot needs something to show: --demo or --replay FILE</source>
        <translation>--screenshot braucht etwas zum Anzeigen: --demo oder --replay DATEI</translation>
    </message>
    <message>
        <source>runbook skipped: %1</source>
        <translation>Runbook übersprungen: %1</translation>
    </message>
    <message>
        <source>the replay failed; see the source health</source>
        <translation>das Abspielen ist fehlgeschlagen; siehe Zustand der Quellen</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>kann %1 nicht schreiben</translation>
    </message>
    <message>
        <source>no screenshot after 60 s</source>
        <translation>kein Screenshot nach 60 s</translation>
    </message>
    <message>
        <source>runbook warning: %1</source>
        <translation>Runbook-Warnung: %1</translation>
    </message>
</context>
</TS>
