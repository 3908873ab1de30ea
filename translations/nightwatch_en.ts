<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>DesktopNotifier</name>
    <message numerus="yes">
        <source>%n alert(s)</source>
        <translation>
            <numerusform>%n alert</numerusform>
            <numerusform>%n alerts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n service(s) affected</source>
        <translation>
            <numerusform>%n service affected</numerusform>
            <numerusform>%n services affected</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Nightwatch — %n unacknowledged incident(s)</source>
        <translation>
            <numerusform>Nightwatch — %n unacknowledged incident</numerusform>
            <numerusform>Nightwatch — %n unacknowledged incidents</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DeterministicTriage</name>
    <message numerus="yes">
        <source>%n alert(s)</source>
        <translation>
            <numerusform>%n alert</numerusform>
            <numerusform>%n alerts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n notification(s)</source>
        <translation>
            <numerusform>%n notification</numerusform>
            <numerusform>%n notifications</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n service(s)</source>
        <translation>
            <numerusform>%n service</numerusform>
            <numerusform>%n services</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Diagnoser</name>
    <message numerus="yes">
        <source>all %n alerting service(s)</source>
        <translation>
            <numerusform>all %n alerting service</numerusform>
            <numerusform>all %n alerting services</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n alerting service(s)</source>
        <translation>
            <numerusform>%1 of %n alerting service</numerusform>
            <numerusform>%1 of %n alerting services</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GraphNodeItem</name>
    <message numerus="yes">
        <source>%n firing</source>
        <translation>
            <numerusform>%n firing</numerusform>
            <numerusform>%n firing</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HistoryBrowser</name>
    <message numerus="yes">
        <source>%n incident(s)</source>
        <translation>
            <numerusform>%n incident</numerusform>
            <numerusform>%n incidents</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IncidentListDelegate</name>
    <message numerus="yes">
        <source>%n alert(s)</source>
        <translation>
            <numerusform>%n alert</numerusform>
            <numerusform>%n alerts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n service(s)</source>
        <translation>
            <numerusform>%n service</numerusform>
            <numerusform>%n services</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IncidentListModel</name>
    <message numerus="yes">
        <source>%n alert(s)</source>
        <translation>
            <numerusform>%n alert</numerusform>
            <numerusform>%n alerts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n notification(s)</source>
        <translation>
            <numerusform>%n notification</numerusform>
            <numerusform>%n notifications</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Noise: %n single-alert incident(s)</source>
        <translation>
            <numerusform>Noise: %n single-alert incident</numerusform>
            <numerusform>Noise: %n single-alert incidents</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IncidentSummaryCard</name>
    <message numerus="yes">
        <source>%n service(s)</source>
        <translation>
            <numerusform>%n service</numerusform>
            <numerusform>%n services</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s)</source>
        <translation>
            <numerusform>%n alert</numerusform>
            <numerusform>%n alerts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n notification(s)</source>
        <translation>
            <numerusform>%n notification</numerusform>
            <numerusform>%n notifications</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n alert(s)</source>
        <translation>
            <numerusform>%n alert</numerusform>
            <numerusform>%n alerts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n incident(s)</source>
        <translation>
            <numerusform>%n incident</numerusform>
            <numerusform>%n incidents</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n notification(s)</source>
        <translation>
            <numerusform>%n notification</numerusform>
            <numerusform>%n notifications</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Nightwatch — %n open incident(s)</source>
        <translation>
            <numerusform>Nightwatch — %n open incident</numerusform>
            <numerusform>Nightwatch — %n open incidents</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n alert(s)</source>
        <translation>
            <numerusform>%1 of %n alert</numerusform>
            <numerusform>%1 of %n alerts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message numerus="yes">
        <source>%n incident(s), %1 notifications, %2</source>
        <translation>
            <numerusform>%n incident, %1 notifications, %2</numerusform>
            <numerusform>%n incidents, %1 notifications, %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RunbookPanel</name>
    <message numerus="yes">
        <source>Would run %n argument(s), as they are, without a shell:</source>
        <translation>
            <numerusform>Would run %n argument, as they are, without a shell:</numerusform>
            <numerusform>Would run %n arguments, as they are, without a shell:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SilenceDialog</name>
    <message numerus="yes">
        <source>%n alert(s) silenced in Alertmanager, each by its exact labels.</source>
        <translation>
            <numerusform>%n alert silenced in Alertmanager, by its exact labels.</numerusform>
            <numerusform>%n alerts silenced in Alertmanager, each by its exact labels.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TimelineChartView</name>
    <message numerus="yes">
        <source>+%n more</source>
        <translation>
            <numerusform>+%n more</numerusform>
            <numerusform>+%n more</numerusform>
        </translation>
    </message>
</context>
</TS>
