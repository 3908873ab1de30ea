#pragma once
// Histories the report tests share: a small hand-made one whose every figure the tests compute by hand,
// and one richly documented incident for the postmortem and the bundle.

#include "store/store.h"

#include <QDateTime>
#include <QTest>

using namespace Qt::StringLiterals;

namespace ReportFixture {

struct HandAlert
{
    QString alertname;
    QString service;
    QString team;        // empty: no team label
    int deliveries = 1;  // firing notifications, one a minute from the onset
    int clearAfter = -1; // seconds after the incident's start when a resolved notification clears it; -1 firing
};

struct HandIncident
{
    QString key;
    QString start; // first alert, UTC
    QVector<HandAlert> alerts;
    int ackAfter = -1;     // seconds after start; -1: never acknowledged
    int resolveAfter = -1; // -1: never resolved
    int actionable = -2;   // -2: no resolution stored; -1: stored, not answered; 0/1: the answer
    QString confirmedCause;
    QString topCause;
};

inline QDateTime utc(const QString& iso)
{
    return QDateTime::fromString(iso, Qt::ISODate).toUTC();
}

// Stores the incidents as the pipeline would have left them, then the human decisions at their times.
inline QVector<qint64> seed(Store& store, const QVector<HandIncident>& incidents)
{
    QVector<qint64> ids;
    for (const HandIncident& h : incidents) {
        const QDateTime t0 = utc(h.start);
        AlertBatch batch;
        Incident inc;
        inc.key = h.key;
        inc.firstAlertAt = t0;
        inc.severity = u"critical"_s;
        for (qsizetype j = 0; j < h.alerts.size(); ++j) {
            const HandAlert& ha = h.alerts.at(j);
            Alert a;
            a.labels = {{u"alertname"_s, ha.alertname}, {u"service"_s, ha.service}, {u"severity"_s, u"critical"_s}};
            if (!ha.team.isEmpty())
                a.labels.insert(u"team"_s, ha.team);
            a.annotations = {{u"summary"_s, ha.alertname + u" on "_s + ha.service}};
            a.fingerprint = j == 0 ? h.key : h.key + u"-"_s + QString::number(j); // the first one paged
            a.startsAt = t0.addSecs(30 * j);
            a.source = u"webhook:alertmanager"_s;
            TrackedAlert t;
            t.firstStartsAt = a.startsAt;
            for (int k = 0; k < ha.deliveries; ++k) {
                a.receivedAt = a.startsAt.addSecs(60 * k);
                batch.append(a);
            }
            t.notificationCount = ha.deliveries;
            if (ha.clearAfter >= 0) {
                a.status = Alert::Status::Resolved;
                a.endsAt = t0.addSecs(ha.clearAfter);
                a.receivedAt = a.endsAt;
                batch.append(a);
                ++t.notificationCount;
            }
            t.latest = a;
            t.firstReceivedAt = a.startsAt;
            t.lastReceivedAt = a.receivedAt;
            inc.alerts.append(t);
            inc.lastAlertAt = std::max(inc.lastAlertAt, a.receivedAt);
            inc.notificationCount += t.notificationCount;
            if (!inc.affectedServices.contains(ha.service))
                inc.affectedServices << ha.service;
        }
        QString error;
        if (!store.recordNotifications(batch, &error))
            qFatal("seed: %s", qPrintable(error));
        if (!h.topCause.isEmpty()) {
            RootCauseCandidate c;
            c.service = h.topCause;
            c.score = 2;
            c.confidence = 0.7;
            c.evidence = {h.topCause + u" alerted first"_s};
            c.hasOwnAlert = true;
            inc.rootCauses = {c};
        }
        const qint64 id = store.saveIncident(inc, &error);
        if (id == 0)
            qFatal("seed: %s", qPrintable(error));
        if (h.ackAfter >= 0 && !store.recordAction(id, u"ack"_s, {}, &error, t0.addSecs(h.ackAfter)))
            qFatal("seed: %s", qPrintable(error));
        if (h.resolveAfter >= 0 && !store.recordAction(id, u"resolve"_s, {}, &error, t0.addSecs(h.resolveAfter)))
            qFatal("seed: %s", qPrintable(error));
        if (h.actionable > -2) {
            Resolution r;
            r.incidentId = id;
            r.at = t0.addSecs(std::max(0, h.resolveAfter));
            r.rootCause = h.confirmedCause;
            if (h.actionable >= 0)
                r.actionable = h.actionable == 1;
            if (!store.recordResolution(r, &error))
                qFatal("seed: %s", qPrintable(error));
        }
        ids << id;
    }
    return ids;
}

// Two ISO weeks, 2026-W10 (Mon 2 March) and 2026-W11 (Mon 9 March), plus one incident on each side of
// [2026-03-02, 2026-03-16) in UTC. The figures each test expects are worked out beside its data rows.
inline QVector<HandIncident> handHistory()
{
    return {
        // A: day, acked at 2 min, alert cleared at 10 min (after the ack: a human was needed), resolved at 30 min.
        {u"A"_s,
         u"2026-03-02T10:00:00Z"_s,
         {{u"HighCPU"_s, u"api"_s, u"team-core"_s, 3, 600}},
         120,
         1800,
         1,
         {},
         u"api"_s},
        // B: night (23:30), cleared at 5 min, nobody acked or resolved: auto-resolved.
        {u"B"_s,
         u"2026-03-03T23:30:00Z"_s,
         {{u"DiskSpaceWarning"_s, u"db"_s, u"team-storage"_s, 1, 300}},
         -1,
         -1,
         -2,
         {},
         u"db"_s},
        // C: night (03:00), two alerts still firing; the engineer names db, not the diagnosis's checkout.
        {u"C"_s,
         u"2026-03-04T03:00:00Z"_s,
         {{u"ServiceErrorRateHigh"_s, u"checkout"_s, u"team-shop"_s, 2, -1},
          {u"ServiceLatencyHigh"_s, u"payment"_s, u"team-shop"_s, 1, -1}},
         300,
         3600,
         1,
         u"db"_s,
         u"checkout"_s},
        // D: cleared at 200 s, acked only at 600 s: auto-resolved before the ack; also marked not actionable.
        {u"D"_s,
         u"2026-03-05T14:00:00Z"_s,
         {{u"DiskSpaceWarning"_s, u"db"_s, u"team-storage"_s, 1, 200}},
         600,
         700,
         0,
         {},
         u"db"_s},
        // E: 06:59 is still night; still firing, but the engineer marked the page not actionable.
        {u"E"_s,
         u"2026-03-09T06:59:00Z"_s,
         {{u"PodRestarted"_s, u"api"_s, u"team-core"_s, 1, -1}},
         60,
         240,
         0,
         {},
         u"api"_s},
        // F: 07:00 is day; acked at 15 min, never resolved, no resolution.
        {u"F"_s,
         u"2026-03-10T07:00:00Z"_s,
         {{u"HighCPU"_s, u"api"_s, u"team-core"_s, 2, -1}},
         900,
         -1,
         -2,
         {},
         u"api"_s},
        // G: 21:59 is day; cleared at 100 s, never acked, resolved later; resolution stored without answers.
        {u"G"_s, u"2026-03-12T21:59:00Z"_s, {{u"DiskSpaceWarning"_s, u"db"_s, {}, 1, 100}}, -1, 3000, -1, {}, u"db"_s},
        // H: exactly at the end of the UTC period (excluded there); Sunday 15 March 20:00 in New York.
        {u"H"_s,
         u"2026-03-16T00:00:00Z"_s,
         {{u"HighCPU"_s, u"api"_s, u"team-core"_s, 5, -1}},
         -1,
         -1,
         -2,
         {},
         u"api"_s},
        // I: before the period in UTC and in New York (18:00 on 1 March there).
        {u"I"_s,
         u"2026-03-01T23:00:00Z"_s,
         {{u"HighCPU"_s, u"api"_s, u"team-core"_s, 1, -1}},
         -1,
         -1,
         -2,
         {},
         u"api"_s},
    };
}

// One incident with everything a review needs: two alerts, ranked causes with evidence, every kind of
// human action, two runbook runs (one failed and rolled back), a resolution and changes around it.
inline qint64 seedRichIncident(Store& store)
{
    const QDateTime t0 = utc(u"2026-11-27T23:47:00Z"_s);
    Alert pool;
    pool.labels = {{u"alertname"_s, u"DatabaseConnectionPoolExhausted"_s},
                   {u"service"_s, u"order-service"_s},
                   {u"severity"_s, u"critical"_s},
                   {u"team"_s, u"team-orders"_s}};
    pool.annotations = {{u"summary"_s, u"DB connection pool at 95% <b>"_s}};
    pool.fingerprint = u"a1b2c3d4e5f60718"_s;
    pool.startsAt = t0;
    pool.source = u"webhook:alertmanager"_s;
    Alert errors;
    errors.labels = {{u"alertname"_s, u"ServiceErrorRateHigh"_s},
                     {u"service"_s, u"checkout"_s},
                     {u"severity"_s, u"warning"_s},
                     {u"team"_s, u"team-shop"_s}};
    errors.annotations = {{u"summary"_s, u"5xx above 2%"_s}};
    errors.fingerprint = u"0f1e2d3c4b5a6978"_s;
    errors.startsAt = t0.addSecs(75);
    errors.source = u"webhook:alertmanager"_s;

    AlertBatch batch;
    for (int k = 0; k < 3; ++k) {
        pool.receivedAt = t0.addSecs(20 + 300 * k);
        batch << pool;
    }
    errors.receivedAt = t0.addSecs(90);
    batch << errors;
    errors.status = Alert::Status::Resolved;
    errors.endsAt = t0.addSecs(1500);
    errors.receivedAt = errors.endsAt;
    batch << errors;
    QString error;
    if (!store.recordNotifications(batch, &error))
        qFatal("rich: %s", qPrintable(error));

    Incident inc;
    inc.key = pool.fingerprint;
    inc.severity = u"critical"_s;
    inc.firstAlertAt = t0;
    inc.lastAlertAt = t0.addSecs(1500);
    inc.notificationCount = 5;
    inc.affectedServices = {u"checkout"_s, u"order-service"_s};
    TrackedAlert tp;
    tp.latest = pool;
    tp.firstStartsAt = t0;
    tp.firstReceivedAt = t0.addSecs(20);
    tp.lastReceivedAt = t0.addSecs(620);
    tp.notificationCount = 3;
    TrackedAlert te;
    te.latest = errors;
    te.firstStartsAt = errors.startsAt;
    te.firstReceivedAt = t0.addSecs(90);
    te.lastReceivedAt = t0.addSecs(1500);
    te.notificationCount = 2;
    inc.alerts = {tp, te};
    RootCauseCandidate pg;
    pg.service = u"postgres-main"_s;
    pg.score = 3.25;
    pg.confidence = 0.82;
    pg.evidence = {u"order-service's pool alert names postgres-main"_s, u"deploy of postgres-main 10 min before"_s};
    pg.hasOwnAlert = false;
    RootCauseCandidate os;
    os.service = u"order-service"_s;
    os.score = 1.5;
    os.confidence = 0.12;
    os.evidence = {u"first alert"_s};
    os.hasOwnAlert = true;
    inc.rootCauses = {pg, os};
    const qint64 id = store.saveIncident(inc, &error);
    if (id == 0)
        qFatal("rich: %s", qPrintable(error));

    const auto act = [&](const char* kind, const QString& note, int after) {
        if (!store.recordAction(id, QString::fromLatin1(kind), note, &error, t0.addSecs(after)))
            qFatal("rich: %s", qPrintable(error));
    };
    act("ack", u"looking"_s, 240);
    act("note", u"pool at 100%, restarting pgbouncer"_s, 400);

    RunbookRun restart;
    restart.at = t0.addSecs(500);
    restart.incidentId = id;
    restart.runbookId = u"RB-DB-001"_s;
    restart.step = u"restart-pool"_s;
    restart.argv = {u"kubectl"_s, u"rollout"_s, u"restart"_s, u"deployment/pgbouncer"_s};
    restart.approval = u"approved"_s;
    restart.approvedAt = t0.addSecs(495);
    restart.exitCode = 0;
    restart.outcome = RunbookRun::Outcome::Passed;
    restart.durationMs = 4200;
    restart.outputDigest = u"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"_s;
    restart.verify = RunbookRun::Verify::Passed;
    RunbookRun scale = restart;
    scale.at = t0.addSecs(560);
    scale.step = u"scale-pool"_s;
    scale.argv = {u"kubectl"_s, u"scale"_s, u"deployment/pgbouncer"_s, u"--replicas=4"_s};
    scale.exitCode = 1;
    scale.outcome = RunbookRun::Outcome::Failed;
    scale.verify = RunbookRun::Verify::None;
    scale.rolledBack = true;
    scale.rollbackExitCode = 0;
    scale.error = u"exit code 1"_s;
    if (store.recordRunbookRun(restart, &error) == 0 || store.recordRunbookRun(scale, &error) == 0)
        qFatal("rich: %s", qPrintable(error));

    act("mitigate", {}, 900);
    act("resolve", u"pool back to 40%"_s, 1800);
    Resolution r;
    r.incidentId = id;
    r.at = t0.addSecs(1800);
    r.fixedByRunbook = u"RB-DB-001"_s;
    r.fixedByStep = u"restart-pool"_s;
    r.rootCause = u"pgbouncer"_s;
    r.suggestionRight = false;
    r.actionable = false;
    if (!store.recordResolution(r, &error))
        qFatal("rich: %s", qPrintable(error));

    // One deploy just before (in the window), one two days earlier (not).
    if (!store.recordChange({u"postgres-main"_s, u"deploy"_s, t0.addSecs(-600), u"v14.2 rollout"_s, {}}, &error) ||
        !store.recordChange({u"billing"_s, u"deploy"_s, t0.addDays(-2), u"old deploy"_s, {}}, &error))
        qFatal("rich: %s", qPrintable(error));
    return id;
}

} // namespace ReportFixture
