// Pipeline: what reaches the store, what the views see, and what survives a restart, on a real SQLite file.
#include "diagnosissettle.h"
#include "graph/servicegraph.h"
#include "history/replaytimeline.h"
#include "ingest/alertmanagerwebhookparser.h"
#include "ingest/scenarioreader.h"
#include "model/incidenttimes.h"
#include "pipeline/pipeline.h"
#include "store/store.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QProcess>
#include <QRegularExpression>
#include <QSemaphore>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <nlohmann/json.hpp>

#include <atomic>

using namespace Qt::StringLiterals;

namespace {
// Recent, so a restart's "last day" restore finds them.
const QDateTime kT0 = QDateTime::currentDateTimeUtc().addSecs(-600);

// The pipeline on a worker thread, as in the console. The thread stops (and deletes the pipeline) when this goes
// out of scope, also when a check fails half-way.
struct PipelineOnWorker
{
    QThread worker;
    Pipeline* pipeline = new Pipeline;

    PipelineOnWorker()
    {
        pipeline->moveToThread(&worker);
        QObject::connect(&worker, &QThread::finished, pipeline, &QObject::deleteLater);
        worker.start();
    }
    ~PipelineOnWorker()
    {
        worker.quit();
        worker.wait();
    }
};

Alert alert(const QString& service, const QString& name, int offset, Alert::Status status = Alert::Status::Firing)
{
    Alert a;
    a.labels = {{u"alertname"_s, name}, {u"service"_s, service}, {u"severity"_s, u"critical"_s}};
    a.fingerprint = Alert::fingerprintOf(a.labels);
    a.startsAt = kT0.addSecs(offset);
    a.receivedAt = kT0.addSecs(offset + 20);
    a.status = status;
    a.source = u"test"_s;
    return a;
}

// hub m is called by c1..c8; db1 by a1..a3.
std::shared_ptr<const ServiceGraph> graph()
{
    auto g = std::make_shared<ServiceGraph>();
    for (int i = 1; i <= 8; ++i)
        g->addEdge(u"c%1"_s.arg(i), u"m"_s);
    for (int i = 1; i <= 3; ++i)
        g->addEdge(u"a%1"_s.arg(i), u"db1"_s);
    return g;
}

// One Alertmanager webhook; each entry "service:F" (firing) or "service:R" (resolved at `resolvedAt`). A firing
// alert is the same object, byte for byte, every time it is sent, as Alertmanager re-sends it.
QByteArray webhook(const QStringList& entries, int resolvedAt)
{
    QStringList objects;
    for (const QString& e : entries) {
        const QString service = e.section(u':', 0, 0);
        const bool firing = e.section(u':', 1, 1) == u"F";
        objects << uR"({"status":"%1","labels":{"alertname":"Err","service":"%2","severity":"critical"},)"
                   uR"("annotations":{"summary":"Err on %2"},"startsAt":"%3","endsAt":"%4"})"_s.arg(
                       firing ? u"firing"_s : u"resolved"_s, service, kT0.toString(Qt::ISODate),
                       firing ? u"0001-01-01T00:00:00Z"_s : kT0.addSecs(resolvedAt).toString(Qt::ISODate));
    }
    return (uR"({"version":"4","status":"firing","receiver":"nw","groupKey":"{}","alerts":[)"_s +
            objects.join(u',') + u"]}"_s)
        .toUtf8();
}

// Per fingerprint: deliveries, flaps, firing, last received: what repeats, flaps and resolves leave behind.
QMap<QString, QString> alertCounters(const QVector<Incident>& incidents)
{
    QMap<QString, QString> out;
    for (const Incident& inc : incidents)
        for (const TrackedAlert& t : inc.alerts)
            out.insert(t.fingerprint(), u"%1 %2 %3 %4"_s.arg(t.notificationCount)
                                            .arg(t.flapCount)
                                            .arg(t.isFiring())
                                            .arg(t.lastReceivedAt.toString(Qt::ISODate)));
    return out;
}

// Every incident by key: its candidates' services, best first.
QMap<QString, QStringList> causesByKey(const IncidentSnapshotPtr& shown)
{
    QMap<QString, QStringList> out;
    for (const Incident& inc : shown->incidents) {
        QStringList services;
        for (const RootCauseCandidate& c : inc.rootCauses)
            services << c.service;
        out.insert(inc.key, services);
    }
    return out;
}

Pipeline::Options options(const QString& db)
{
    Pipeline::Options o;
    o.databasePath = db;
    o.graph = graph();
    return o;
}
} // namespace

class TestPipeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<IncidentSnapshotPtr>(); }
    void refusesWithoutDatabase();
    void storesCorrelatesAndPublishes_data();
    void storesCorrelatesAndPublishes();
    void acknowledgementSurvivesRestart();
    void webhookRepeatsStoredAndReloadedEqual_data();
    void webhookRepeatsStoredAndReloadedEqual();
    void mergedIncidentsLeaveOneStoredIncident();
    void incidentsAreNumberedInTheOrderTheyBegan();
    void feedsOnOtherThreadsWaitForTheCommit();
    void deferredDeliveriesAreStoredTogetherInOrder();
    void deferredDeliveryWithoutDatabaseIsRefused();
    void routineSourceNewsWaitsForTheRefresh();
    void deferredDeliveriesWaitingAtTheEndAreStored();
    void quietPipelineWritesStaleSearchRows();
    void stormRefreshesAtMostEveryRefreshMs();
    void burstIsPublishedCoalesced_data();
    void burstIsPublishedCoalesced();
    void changeBatchesAreDiagnosedOnceAtTheRefresh();
    void runbookAuditAndEscalationAreStored();
    void lifecycleAndResolutionTeachTheNextIncident();
    void recurrenceWeeksLaterIsANewIncident();
    void consoleDiagnosesAsTheEngine();
    void deliveriesDoNotWaitForTheDiagnosis();
    void onlyChangedIncidentsAreDiagnosedAgain();
    void backgroundDiagnosisEndsAsInPlace_data();
    void backgroundDiagnosisEndsAsInPlace();
    void bigDeliveryInChunksEqualsOnePiece_data();
    void bigDeliveryInChunksEqualsOnePiece();
    void smallDeliveryIsStoredBetweenChunks_data();
    void smallDeliveryIsStoredBetweenChunks();
    void deliveriesBetweenChunksAreCorrelatedAfterIt_data();
    void deliveriesBetweenChunksAreCorrelatedAfterIt();
    void smallDeliveryIsStoredDuringABigRefresh_data();
    void smallDeliveryIsStoredDuringABigRefresh();
    void deliveryDuringBackgroundRestoreIsStoredAndMerged();
    void resentSmallDeliveryIsCountedOnce_data();
    void resentSmallDeliveryIsCountedOnce();

private:
    QTemporaryDir m_dir;
};

void TestPipeline::refusesWithoutDatabase()
{
    Pipeline pipeline;
    QString error;
    QVERIFY(!pipeline.submit({alert(u"a1"_s, u"Err"_s, 0)}, &error));
    QVERIFY2(error.contains(u"no open database"_s), qPrintable(error));
    QVERIFY(!pipeline.open(options(m_dir.filePath(u"missing-dir/x.sqlite"_s)), &error));
    QVERIFY(!error.isEmpty());
}

void TestPipeline::storesCorrelatesAndPublishes_data()
{
    QTest::addColumn<QVector<Alert>>("notifications");
    QTest::addColumn<int>("incidents");
    QTest::addColumn<int>("alerts");
    QTest::addColumn<QString>("topCause");

    const Alert a1 = alert(u"a1"_s, u"Err"_s, 0);
    QTest::addRow("one alert") << QVector<Alert>{a1} << 1 << 1 << u"a1"_s;
    QTest::addRow("repeats are counted, not duplicated") << QVector<Alert>{a1, a1, a1} << 1 << 1 << u"a1"_s;
    QTest::addRow("three callers of a silent database")
        << QVector<Alert>{alert(u"a1"_s, u"Err"_s, 0), alert(u"a2"_s, u"Err"_s, 10), alert(u"a3"_s, u"Err"_s, 20)} << 1
        << 3 << u"db1"_s;
    QTest::addRow("unrelated faults an hour apart")
        << QVector<Alert>{alert(u"a1"_s, u"Err"_s, 0), alert(u"c1"_s, u"Err"_s, 3600)} << 2 << 2 << QString();
}

void TestPipeline::storesCorrelatesAndPublishes()
{
    QFETCH(QVector<Alert>, notifications);
    QFETCH(int, incidents);
    QFETCH(int, alerts);
    QFETCH(QString, topCause);

    const QString db = m_dir.filePath(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-') + u".sqlite"_s);
    Pipeline pipeline;
    QString error;
    QVERIFY2(pipeline.open(options(db), &error), qPrintable(error));
    QSignalSpy published(&pipeline, &Pipeline::snapshotReady);
    for (const Alert& a : notifications) // one delivery each, as a webhook would
        QVERIFY2(pipeline.submit({a}, &error), qPrintable(error));
    QCOMPARE(published.size(), notifications.size());

    const IncidentSnapshotPtr snap = pipeline.snapshot();
    QCOMPARE(snap->incidents.size(), incidents);
    QCOMPARE(snap->alertCount, qint64(alerts));
    QCOMPARE(snap->notificationCount, qint64(notifications.size()));
    for (const Incident& inc : snap->incidents) {
        QVERIFY(inc.id > 0); // stored before it is shown
        QVERIFY(!inc.rootCauses.isEmpty());
    }
    if (!topCause.isEmpty())
        QCOMPARE(snap->incidents.front().topCause()->service, topCause);

    Store store(u"reader"_s);
    QVERIFY2(store.open(db, &error), qPrintable(error));
    QCOMPARE(store.notificationCount(), qint64(notifications.size()));
    QCOMPARE(store.alertCount(), qint64(alerts));
    QCOMPARE(store.loadIncidents().size(), incidents);
}

void TestPipeline::acknowledgementSurvivesRestart()
{
    const QString db = m_dir.filePath(u"ack.sqlite"_s);
    QString error;
    qint64 id = 0;
    {
        Pipeline pipeline;
        QVERIFY2(pipeline.open(options(db), &error), qPrintable(error));
        QVERIFY(pipeline.submit({alert(u"a1"_s, u"Err"_s, 0), alert(u"a2"_s, u"Err"_s, 5)}, &error));
        id = pipeline.snapshot()->incidents.front().id;
        pipeline.acknowledge(id, u"looking"_s);
        const Incident acked = pipeline.snapshot()->incidents.front();
        QCOMPARE(acked.state, Incident::State::Acknowledged);
        QCOMPARE(acked.acknowledgedBy, Store::currentUser());
        // A later alert joining the incident must not undo the engineer's acknowledgement.
        QVERIFY(pipeline.submit({alert(u"a3"_s, u"Err"_s, 15)}, &error));
        QCOMPARE(pipeline.snapshot()->incidents.front().state, Incident::State::Acknowledged);
    }
    Pipeline restarted;
    QVERIFY2(restarted.open(options(db), &error), qPrintable(error));
    const IncidentSnapshotPtr snap = restarted.snapshot();
    QCOMPARE(snap->incidents.size(), 1);
    QCOMPARE(snap->incidents.front().id, id);
    QCOMPARE(snap->incidents.front().alerts.size(), 3);
    QCOMPARE(snap->incidents.front().state, Incident::State::Acknowledged);
    QCOMPARE(snap->notificationCount, 3);
}

void TestPipeline::webhookRepeatsStoredAndReloadedEqual_data()
{
    // Deliveries separated by '/', alerts by ' '.
    QTest::addColumn<QString>("deliveries");
    QTest::addRow("repeats") << u"a1:F a2:F/a1:F a2:F/a1:F a2:F a3:F/a1:F"_s;
    QTest::addRow("flaps") << u"a1:F/a1:R/a1:F a2:F/a1:R a2:F/a1:F"_s;
    QTest::addRow("final resolves") << u"a1:F a2:F a3:F/a1:F a2:F a3:F/a1:R a2:R/a3:F/a3:R"_s;
    QTest::addRow("repeat inside one delivery") << u"a1:F a1:F a2:F/a2:F a2:F/a1:R a1:F"_s;
}

void TestPipeline::webhookRepeatsStoredAndReloadedEqual()
{
    // The webhook parser copies alert objects it has read before, and the store writes repeats' counters to their
    // alert rows a moment later. Neither may change what is kept: the pipeline's view, the stored rows and what a
    // restart rebuilds agree, and equal what parsing every body from scratch (the DOM reader) gives.
    QFETCH(QString, deliveries);
    const QStringList bodies = deliveries.split(u'/');
    QString error;
    QMap<QString, QString> live, fromScratch;
    const QString db = m_dir.filePath(u"repeats.sqlite"_s);
    const QString scratchDb = m_dir.filePath(u"repeats-dom.sqlite"_s);
    QFile::remove(db);
    QFile::remove(scratchDb);
    {
        Pipeline pipeline, scratch;
        QVERIFY2(pipeline.open(options(db), &error), qPrintable(error));
        QVERIFY2(scratch.open(options(scratchDb), &error), qPrintable(error));
        for (qsizetype i = 0; i < bodies.size(); ++i) {
            const QByteArray body = webhook(bodies[i].split(u' '), 100 + int(i));
            const QDateTime received = kT0.addSecs(30 + i);
            const auto fast = AlertmanagerWebhookParser::parse(body, &error, received);
            QVERIFY2(fast, qPrintable(error));
            const auto dom = AlertmanagerWebhookParser::parse(nlohmann::json::parse(body.constData()), &error, received);
            QVERIFY2(dom, qPrintable(error));
            QVERIFY2(pipeline.submit(fast->alerts, &error), qPrintable(error));
            QVERIFY2(scratch.submit(dom->alerts, &error), qPrintable(error));
        }
        pipeline.flush();
        scratch.flush();
        live = alertCounters(pipeline.snapshot()->incidents);
        fromScratch = alertCounters(scratch.snapshot()->incidents);
        QVERIFY(!live.isEmpty());
        QCOMPARE(live, fromScratch);
        Store reader(u"repeats-reader"_s);
        QVERIFY2(reader.open(db, &error), qPrintable(error));
        QCOMPARE(alertCounters(reader.loadIncidents()), live); // what the rows say while the console runs
    }
    Pipeline restarted;
    QVERIFY2(restarted.open(options(db), &error), qPrintable(error));
    QCOMPARE(alertCounters(restarted.snapshot()->incidents), live);
    Store reader(u"repeats-reader-after"_s);
    QVERIFY2(reader.open(db, &error), qPrintable(error));
    QCOMPARE(alertCounters(reader.loadIncidents()), live);
}

void TestPipeline::mergedIncidentsLeaveOneStoredIncident()
{
    // c1..c3 share only the hub m at first (too little of its blast radius alerts): three incidents. The
    // fourth caller makes m plausible and the correlator merges them; the store must follow.
    const QString db = m_dir.filePath(u"merge.sqlite"_s);
    Pipeline pipeline;
    QString error;
    QVERIFY2(pipeline.open(options(db), &error), qPrintable(error));
    for (int i = 1; i <= 3; ++i)
        QVERIFY(pipeline.submit({alert(u"c%1"_s.arg(i), u"Err"_s, i * 10)}, &error));
    QCOMPARE(pipeline.snapshot()->incidents.size(), 3);
    QVERIFY(pipeline.submit({alert(u"c4"_s, u"Err"_s, 40)}, &error));
    QCOMPARE(pipeline.snapshot()->incidents.size(), 1);

    Store store(u"merge-reader"_s);
    QVERIFY2(store.open(db, &error), qPrintable(error));
    const QVector<Incident> stored = store.loadIncidents();
    QCOMPARE(stored.size(), 1);
    QCOMPARE(stored.front().alerts.size(), 4);
    QCOMPARE(stored.front().topCause()->service, u"m"_s);
}

void TestPipeline::incidentsAreNumberedInTheOrderTheyBegan()
{
    // Six unrelated alerts in one delivery, newest first: six incidents stored in one refresh. Their numbers
    // must follow their onsets, whatever order the delivery (or a hash) lists them in.
    QVector<Alert> delivery;
    for (int i = 6; i >= 1; --i)
        delivery << alert(u"lone%1"_s.arg(i), u"Err"_s, i * 60);
    Pipeline pipeline;
    QString error;
    QVERIFY2(pipeline.open(options(m_dir.filePath(u"numbered.sqlite"_s)), &error), qPrintable(error));
    QVERIFY2(pipeline.submit(delivery, &error), qPrintable(error));
    QVector<Incident> incidents = pipeline.snapshot()->incidents;
    QCOMPARE(incidents.size(), 6);
    std::sort(incidents.begin(), incidents.end(),
              [](const Incident& a, const Incident& b) { return a.firstAlertAt < b.firstAlertAt; });
    QStringList order;
    for (const Incident& inc : std::as_const(incidents))
        order << u"%1:%2"_s.arg(inc.id).arg(inc.alerts.constFirst().service());
    for (qsizetype i = 1; i < incidents.size(); ++i)
        QVERIFY2(incidents[i - 1].id < incidents[i].id, qPrintable(order.join(u' ')));
}

void TestPipeline::feedsOnOtherThreadsWaitForTheCommit()
{
    // The pipeline on a worker thread, as in the console; this (another) thread is a feed.
    const QString db = m_dir.filePath(u"threads.sqlite"_s);
    PipelineOnWorker onWorker;
    Pipeline* pipeline = onWorker.pipeline;
    QString error;
    QVERIFY2(pipeline->open(options(db), &error), qPrintable(error));
    QVERIFY(pipeline->submit({alert(u"a1"_s, u"Err"_s, 0)}, &error));
    // submit() returned: the notification is committed, readable by another connection right now.
    Store store(u"thread-reader"_s);
    QVERIFY2(store.open(db, &error), qPrintable(error));
    QCOMPARE(store.notificationCount(), 1);
    QCOMPARE(pipeline->incidentIdOf(alert(u"a1"_s, u"Err"_s, 0).fingerprint), store.loadIncidents().front().id);
}

void TestPipeline::deferredDeliveriesAreStoredTogetherInOrder()
{
    // The webhook receiver's way in: deliveries that arrive while the pipeline is busy wait and are then stored
    // together; each is reported stored only after its commit, and none is lost or reordered.
    const QString db = m_dir.filePath(u"deferred.sqlite"_s);
    PipelineOnWorker onWorker;
    Pipeline* pipeline = onWorker.pipeline;
    QString error;
    QVERIFY2(pipeline->open(options(db), &error), qPrintable(error));

    QSemaphore busy; // the pipeline's thread is kept busy until released
    QMetaObject::invokeMethod(pipeline, [&busy] { busy.acquire(); });
    QMutex mutex;
    QList<int> reported;
    QList<bool> storedFlags;
    QList<bool> onPipelineThread;
    QVector<QString> sent; // fingerprints in submission order
    for (int i = 0; i < 5; ++i) {
        const AlertBatch batch = {alert(u"c%1"_s.arg(i + 1), u"Err"_s, i), alert(u"c%1"_s.arg(i + 1), u"Slow"_s, i)};
        for (const Alert& a : batch)
            sent << a.fingerprint;
        pipeline->submitDeferred(batch, [&, i](bool stored, const QString&) {
            QMutexLocker lock(&mutex);
            reported << i;
            storedFlags << stored;
            onPipelineThread << (QThread::currentThread() == &onWorker.worker);
        });
    }
    QTest::qWait(100);
    {
        QMutexLocker lock(&mutex);
        QVERIFY(reported.isEmpty()); // nothing is reported before the pipeline got to store it
    }
    busy.release();
    QTRY_COMPARE_WITH_TIMEOUT((QMutexLocker(&mutex), reported.size()), 5, 10'000);
    QCOMPARE(reported, (QList<int>{0, 1, 2, 3, 4}));
    QCOMPARE(storedFlags, QList<bool>(5, true));
    QCOMPARE(onPipelineThread, QList<bool>(5, true));

    Store store(u"deferred-reader"_s);
    QVERIFY2(store.open(db, &error), qPrintable(error));
    QVector<QString> stored;
    for (const Alert& a : store.loadNotifications(kT0.addSecs(-3600)))
        stored << a.fingerprint;
    QCOMPARE(stored, sent);
    // And they were correlated like submitted ones: one incident under hub m, shown within refreshMs.
    pipeline->flush();
    QCOMPARE(pipeline->snapshot()->notificationCount, 10);
    QCOMPARE(pipeline->incidentIdOf(sent.front()), pipeline->incidentIdOf(sent.back()));
}

void TestPipeline::deferredDeliveryWithoutDatabaseIsRefused()
{
    Pipeline pipeline; // never opened
    bool called = false, stored = true;
    QString why;
    pipeline.submitDeferred({alert(u"a1"_s, u"Err"_s, 0)}, [&](bool ok, const QString& error) {
        called = true;
        stored = ok;
        why = error;
    });
    QTRY_VERIFY_WITH_TIMEOUT(called, 5000);
    QVERIFY(!stored);
    QVERIFY2(why.contains(u"no open database"_s), qPrintable(why));
}

void TestPipeline::deferredDeliveriesWaitingAtTheEndAreStored()
{
    // The console closes while deliveries wait for the pipeline: nobody can be answered any more, but what was
    // received is kept (and a sender that saw no 200 sends it again: a repeat, not a loss).
    const QString db = m_dir.filePath(u"closing.sqlite"_s);
    bool stored = false;
    {
        Pipeline pipeline; // on this thread: its queued store cannot run before it is destroyed below
        QString error;
        Pipeline::Options o = options(db);
        o.refreshMs = 200;
        QVERIFY2(pipeline.open(o, &error), qPrintable(error));
        pipeline.submitDeferred({alert(u"a1"_s, u"Err"_s, 0), alert(u"a2"_s, u"Err"_s, 1)},
                                [&](bool ok, const QString&) { stored = ok; });
        QVERIFY(!stored);
    }
    QVERIFY(stored);
    Store store(u"closing-reader"_s);
    QString error;
    QVERIFY2(store.open(db, &error), qPrintable(error));
    QCOMPARE(store.notificationCount(), 2);
    QCOMPARE(store.loadIncidents().size(), 1); // and the incident they made is saved too
}

void TestPipeline::quietPipelineWritesStaleSearchRows()
{
    // A storm's last save leaves its incidents' search rows stale, and no save follows once it is quiet: the rows
    // are written when they fall due all the same, not left for the exit (where 500 incidents of 420,000 alerts
    // took 6 of the 10 s a stop may take).
    const QString db = m_dir.filePath(u"quiet-search.sqlite"_s);
    const auto count = [&](const QString& sql) {
        QSqlDatabase reader = QSqlDatabase::database(u"quiet-search-reader"_s);
        QSqlQuery q(reader);
        return q.exec(sql) && q.next() ? q.value(0).toInt() : -1;
    };
    {
        QSqlDatabase reader = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"quiet-search-reader"_s);
        reader.setDatabaseName(db);
        reader.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
    }
    {
        Pipeline pipeline; // on this thread: its timers run while the test waits
        QString error;
        Pipeline::Options o = options(db);
        o.refreshMs = 50;
        o.searchIndexDelayMs = 300;
        QVERIFY2(pipeline.open(o, &error), qPrintable(error));
        QVERIFY(QSqlDatabase::database(u"quiet-search-reader"_s).open());
        QVERIFY2(pipeline.submit({alert(u"a1"_s, u"ZookeeperSessionExpired"_s, 0)}, &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(count(u"SELECT count(*) FROM search_stale"_s), 1, 2'000); // saved, not indexed
        QCOMPARE(count(u"SELECT count(*) FROM incident_search WHERE incident_search MATCH 'Zookeeper*'"_s), 0);
        QTRY_COMPARE_WITH_TIMEOUT(count(u"SELECT count(*) FROM search_stale"_s), 0, 5'000);
        QCOMPARE(count(u"SELECT count(*) FROM incident_search WHERE incident_search MATCH 'Zookeeper*'"_s), 1);
    }
    QSqlDatabase::database(u"quiet-search-reader"_s).close();
    QSqlDatabase::removeDatabase(u"quiet-search-reader"_s);
}

void TestPipeline::routineSourceNewsWaitsForTheRefresh()
{
    // The receiver reports every delivery of a storm; a snapshot for each would cost more than storing them.
    Pipeline pipeline;
    Pipeline::Options o = options(m_dir.filePath(u"health.sqlite"_s));
    o.refreshMs = 300;
    QString error;
    QVERIFY2(pipeline.open(o, &error), qPrintable(error));
    QSignalSpy published(&pipeline, &Pipeline::snapshotReady);
    SourceHealth h;
    h.id = u"webhook:127.0.0.1:1"_s;
    h.state = SourceHealth::State::Live;
    const auto shown = [&] { return pipeline.snapshot()->sources.value(0); };

    h.alertCount = 1;
    pipeline.updateSourceHealth(h); // a new source: at once
    QCOMPARE(published.size(), 1);
    h.alertCount = 2;
    pipeline.updateSourceHealth(h); // routine, but the first after a quiet spell: at once too
    QCOMPARE(published.size(), 2);
    h.alertCount = 3;
    pipeline.updateSourceHealth(h); // routine, right after: waits for the refresh
    QCOMPARE(published.size(), 2);
    QCOMPARE(shown().alertCount, 2);
    h.state = SourceHealth::State::Unreachable;
    h.lastError = u"connection refused"_s;
    pipeline.updateSourceHealth(h); // bad news never waits
    QCOMPARE(published.size(), 3);
    QCOMPARE(shown().state, SourceHealth::State::Unreachable);
    h.state = SourceHealth::State::Live;
    h.lastError.clear();
    h.alertCount = 4;
    pipeline.updateSourceHealth(h); // nor does recovery
    QCOMPARE(published.size(), 4);
    h.alertCount = 5;
    pipeline.updateSourceHealth(h);
    QCOMPARE(shown().alertCount, 4);
    // The refresh comes by itself and carries the latest news.
    QTRY_COMPARE_WITH_TIMEOUT(shown().alertCount, 5, 5000);
}

void TestPipeline::stormRefreshesAtMostEveryRefreshMs()
{
    const QString db = m_dir.filePath(u"storm.sqlite"_s);
    Pipeline pipeline;
    Pipeline::Options o = options(db);
    o.refreshMs = 300;
    QString error;
    QVERIFY2(pipeline.open(o, &error), qPrintable(error));
    QSignalSpy published(&pipeline, &Pipeline::snapshotReady);
    const Alert a1 = alert(u"a1"_s, u"Err"_s, 0);
    for (int i = 0; i < 50; ++i) // a storm of repeats, back to back
        QVERIFY(pipeline.submit({a1, alert(u"a2"_s, u"Err"_s, 5)}, &error));
    // Every notification is stored before submit returns, whatever the refresh rate.
    Store store(u"storm-reader"_s);
    QVERIFY2(store.open(db, &error), qPrintable(error));
    QCOMPARE(store.notificationCount(), 100);
    // The first batch refreshed at once; the other 49 wait for one refresh, which comes by itself.
    QCOMPARE(published.size(), 1);
    QVERIFY(published.wait(5000));
    QCOMPARE(published.size(), 2);
    const IncidentSnapshotPtr snap = pipeline.snapshot();
    QCOMPARE(snap->notificationCount, 100);
    QCOMPARE(snap->incidents.size(), 1);
    QCOMPARE(snap->incidents.front().notificationCount, 100);
    QCOMPARE(store.loadIncidents().front().notificationCount, 100);
}

namespace {
// What an incident list says, in a fixed order: key, members, state and the top cause.
QStringList summary(QVector<Incident> incidents)
{
    std::sort(incidents.begin(), incidents.end(), [](const Incident& a, const Incident& b) { return a.key < b.key; });
    QStringList out;
    for (const Incident& inc : std::as_const(incidents)) {
        QStringList members;
        for (const TrackedAlert& t : inc.alerts)
            members << t.fingerprint();
        members.sort();
        out << u"%1 [%2] %3 cause %4"_s.arg(inc.key, members.join(u','), Incident::stateName(inc.state),
                                            inc.topCause() ? inc.topCause()->service : u"-"_s);
    }
    return out;
}

// A burst of `deliveries` deliveries of `perDelivery` distinct alerts over `services` services (the graph's and
// others), each delivery stored on its own as a storm's are.
QVector<AlertBatch> burst(int deliveries, int perDelivery, int services)
{
    const QStringList known = {u"m"_s, u"c1"_s, u"c2"_s, u"c3"_s, u"db1"_s, u"a1"_s, u"a2"_s};
    QVector<AlertBatch> out;
    for (int d = 0; d < deliveries; ++d) {
        AlertBatch batch;
        for (int k = 0; k < perDelivery; ++k) {
            const int n = d * perDelivery + k;
            const QString service = n % services < known.size() ? known.at(n % services) : u"s%1"_s.arg(n % services);
            batch << alert(service, u"Burst%1"_s.arg(n), n % 40);
        }
        out << batch;
    }
    return out;
}
} // namespace

void TestPipeline::burstIsPublishedCoalesced_data()
{
    QTest::addColumn<int>("refreshMs");
    QTest::addColumn<int>("deliveries");
    QTest::addColumn<int>("perDelivery");
    QTest::addColumn<int>("services");
    QTest::addRow("100 ms, 200 single alerts, one service") << 100 << 200 << 1 << 1;
    QTest::addRow("100 ms, 200 x 20 alerts, 40 services") << 100 << 200 << 20 << 40;
    QTest::addRow("250 ms, 60 x 50 alerts, 12 services") << 250 << 60 << 50 << 12;
    QTest::addRow("250 ms, 300 x 5 alerts, 200 services") << 250 << 300 << 5 << 200;
}

void TestPipeline::burstIsPublishedCoalesced()
{
    // The console's storm: deliveries committed one after another while the incidents are refreshed, stored and
    // published at most every refreshMs (latest wins), and the worker diagnoses meanwhile. Fewer snapshots than
    // deliveries, yet the last one (and the store) holds every alert, exactly as refreshing after each delivery
    // and diagnosing in place would have it. A delivery after a quiet spell is published at once.
    QFETCH(int, refreshMs);
    QFETCH(int, deliveries);
    QFETCH(int, perDelivery);
    QFETCH(int, services);
    const QVector<AlertBatch> batches = burst(deliveries, perDelivery, services);
    const QString tag = QString::fromLatin1(QTest::currentDataTag()).replace(QRegularExpression(u"[^a-z0-9]+"_s), u"-"_s);

    QStringList expected;
    {
        Pipeline reference; // a refresh per delivery, diagnosed in place
        Pipeline::Options o = options(m_dir.filePath(u"burst-reference-%1.sqlite"_s.arg(tag)));
        o.refreshMs = 0;
        QString error;
        QVERIFY2(reference.open(o, &error), qPrintable(error));
        for (const AlertBatch& b : batches)
            QVERIFY2(reference.submit(b, &error), qPrintable(error));
        reference.flush();
        expected = summary(reference.snapshot()->incidents);
    }

    const QString db = m_dir.filePath(u"burst-%1.sqlite"_s.arg(tag));
    Pipeline pipeline; // on this thread: its timers and queued commits run while the loop below spins
    Pipeline::Options o = options(db);
    o.refreshMs = refreshMs;
    o.diagnoseInBackground = true;
    QString error;
    QVERIFY2(pipeline.open(o, &error), qPrintable(error));
    QSignalSpy published(&pipeline, &Pipeline::snapshotReady);
    QSignalSpy settled(&pipeline, &Pipeline::diagnosisSettled);

    // Quiet: the first delivery is published before submit() returns.
    QVERIFY2(pipeline.submit(batches.front(), &error), qPrintable(error));
    QCOMPARE(published.size(), 1);
    QCOMPARE(pipeline.snapshot()->alertCount, perDelivery);

    int acknowledged = 0;
    for (qsizetype i = 1; i < batches.size(); ++i) {
        pipeline.submitDeferred(batches.at(i), [&](bool stored, const QString& why) {
            QVERIFY2(stored, qPrintable(why));
            ++acknowledged;
        });
        QCoreApplication::processEvents(); // committed now, as a storm's deliveries are one by one
    }
    QTRY_COMPARE_WITH_TIMEOUT(acknowledged, deliveries - 1, 20'000);
    QVERIFY(testsupport::waitSettled(&pipeline, settled, 60'000));
    QVERIFY2(published.size() < deliveries, qPrintable(QString::number(published.size())));

    const IncidentSnapshotPtr last = pipeline.snapshot();
    QCOMPARE(last->alertCount, qint64(deliveries) * perDelivery);
    QCOMPARE(last->notificationCount, qint64(deliveries) * perDelivery);
    QCOMPARE(summary(last->incidents), expected);
    for (const Incident& inc : last->incidents)
        QVERIFY2(inc.id > 0, qPrintable(inc.key)); // stored, and the snapshot knows its row
    Store store(u"burst-reader"_s);
    QVERIFY2(store.open(db, &error), qPrintable(error));
    QCOMPARE(summary(store.loadIncidents()), expected);
}

void TestPipeline::changeBatchesAreDiagnosedOnceAtTheRefresh()
{
    // A CI run posting deploys one by one must not cost a re-diagnosis of every open incident per event while it
    // waits for each answer: each batch is stored before submitChanges returns, and the incidents are diagnosed
    // with all of them at the next refresh, once.
    const QString db = m_dir.filePath(u"changes.sqlite"_s);
    Pipeline pipeline; // on this thread: no refresh can run between the submissions below
    Pipeline::Options o = options(db);
    o.refreshMs = 300;
    QString error;
    QVERIFY2(pipeline.open(o, &error), qPrintable(error));
    QSignalSpy published(&pipeline, &Pipeline::snapshotReady);
    QVERIFY(pipeline.submit({alert(u"m"_s, u"Saturated"_s, 0), alert(u"c1"_s, u"Err"_s, 5),
                             alert(u"c2"_s, u"Err"_s, 9), alert(u"c3"_s, u"Err"_s, 12)},
                            &error));
    QTRY_VERIFY_WITH_TIMEOUT(!pipeline.snapshot()->incidents.isEmpty(), 5000);
    const auto cites = [](const IncidentSnapshotPtr& shown, const QString& what) {
        for (const Incident& inc : shown->incidents)
            for (const RootCauseCandidate& c : inc.rootCauses)
                if (c.evidence.join(u' ').contains(what))
                    return true;
        return false;
    };
    QVERIFY(!cites(pipeline.snapshot(), u"release-"_s));
    const qsizetype before = published.size();

    constexpr int kBatches = 20;
    for (int i = 0; i < kBatches; ++i) {
        const ChangeEvent deploy{u"m"_s, u"deploy"_s, kT0.addSecs(-120 + i), u"release-%1"_s.arg(i), {}};
        QVERIFY2(pipeline.submitChanges({deploy}, &error), qPrintable(error));
        QCOMPARE(published.size(), before); // answered without a refresh
    }
    Store store(u"changes-reader"_s);
    QVERIFY2(store.open(db, &error), qPrintable(error));
    QCOMPARE(store.loadChanges({}).size(), kBatches);

    QVERIFY(published.wait(5000));
    QCOMPARE(published.size(), before + 1); // one refresh for all of them
    const IncidentSnapshotPtr shown = pipeline.snapshot();
    QCOMPARE(shown->changes.size(), kBatches);
    QVERIFY2(cites(shown, u"release-"_s), "the deploys are not part of the diagnosis");
}

void TestPipeline::runbookAuditAndEscalationAreStored()
{
    const QString db = m_dir.filePath(u"audit.sqlite"_s);
    Pipeline pipeline;
    QString error;
    QVERIFY2(pipeline.open(options(db), &error), qPrintable(error));
    QVERIFY(pipeline.submit({alert(u"a1"_s, u"Err"_s, 0)}, &error));
    const qint64 id = pipeline.snapshot()->incidents.front().id;
    RunbookRun run;
    run.incidentId = id;
    run.runbookId = u"RB-DB-001"_s;
    run.step = u"patch-pool"_s;
    run.kind = u"run"_s;
    run.argv = {u"kubectl"_s, u"patch"_s};
    run.at = QDateTime::currentDateTimeUtc();
    run.outcome = RunbookRun::Outcome::Passed;
    pipeline.recordRunbookRun(run);
    pipeline.escalate(id, u"paging the DBA"_s);

    // The snapshot carries what was done, for the incident's timeline.
    QCOMPARE(pipeline.snapshot()->runbookRuns.value(id).size(), 1);
    QCOMPARE(pipeline.snapshot()->runbookRuns.value(id).front().user, Store::currentUser());

    Store store(u"audit-reader"_s);
    QVERIFY2(store.open(db, &error), qPrintable(error));
    const QVector<RunbookRun> runs = store.runbookRuns(id);
    QCOMPARE(runs.size(), 1);
    QCOMPARE(runs.front().step, u"patch-pool"_s);
    QCOMPARE(runs.front().argv, (QStringList{u"kubectl"_s, u"patch"_s}));
    const auto actions = store.actions(id);
    QCOMPARE(actions.size(), 1);
    QCOMPARE(actions.front().kind, u"escalate"_s);
    QCOMPARE(actions.front().user, Store::currentUser());
}

void TestPipeline::lifecycleAndResolutionTeachTheNextIncident()
{
    const QString db = m_dir.filePath(u"lifecycle.sqlite"_s);
    QString error;
    qint64 first = 0;
    QString secondKey;
    const auto again = [](const QString& service, int offset) { // the same alert on another pod: a new fingerprint
        Alert a = alert(service, u"Err"_s, offset);
        a.labels.insert(u"pod"_s, u"p2"_s);
        a.fingerprint = Alert::fingerprintOf(a.labels);
        return a;
    };
    {
        Pipeline pipeline;
        QVERIFY2(pipeline.open(options(db), &error), qPrintable(error));
        QVERIFY(pipeline.submit({alert(u"a1"_s, u"Err"_s, 0), alert(u"a2"_s, u"Err"_s, 5), alert(u"a3"_s, u"Err"_s, 9)},
                                &error));
        first = pipeline.snapshot()->incidents.front().id;
        QCOMPARE(pipeline.snapshot()->incidents.front().topCause()->service, u"db1"_s);
        QVERIFY(pipeline.snapshot()->memory.isEmpty()); // nothing resolved yet: nothing to remember

        pipeline.acknowledge(first);
        pipeline.mitigate(first, u"failed over"_s);
        Incident inc = pipeline.snapshot()->incidents.front();
        QCOMPARE(inc.state, Incident::State::Mitigated);
        QCOMPARE(inc.mitigatedBy, Store::currentUser());
        QVERIFY(IncidentTimes::mttaSecs(inc).has_value());
        QVERIFY(!IncidentTimes::mttrSecs(inc).has_value());

        Resolution answer;
        answer.at = inc.firstAlertAt.addSecs(45 * 60);
        answer.fixedByRunbook = u"RB-DB-001"_s;
        answer.fixedByStep = u"restart-pool"_s;
        answer.rootCause = u"db1"_s;
        answer.suggestionRight = true;
        answer.actionable = true;
        answer.proposedRunbooks = {u"RB-DB-001"_s, u"RB-SCALE"_s};
        pipeline.resolve(first, answer, u"pool restarted"_s);
        inc = pipeline.snapshot()->incidents.front();
        QCOMPARE(inc.id, first);
        QCOMPARE(inc.state, Incident::State::Resolved);
        QCOMPARE(inc.resolvedBy, Store::currentUser());
        QCOMPARE(inc.resolvedAt, answer.at);
        QCOMPARE(IncidentTimes::mttrSecs(inc), std::optional<qint64>(45 * 60));

        // A later alert of the resolved incident's own alerts does not reopen it behind the engineer's back.
        QVERIFY(pipeline.submit({alert(u"a1"_s, u"Err"_s, 30)}, &error));
        QCOMPARE(pipeline.snapshot()->incidents.back().state, Incident::State::Resolved);

        // Two hours later the same shape again: it finds the first, and the diagnosis says so.
        QVERIFY(pipeline.submit({again(u"a1"_s, 7200), again(u"a2"_s, 7205), again(u"a3"_s, 7210)}, &error));
        const IncidentSnapshotPtr snap = pipeline.snapshot();
        QCOMPARE(snap->incidents.size(), 2);
        const Incident& second = snap->incidents.front();
        QVERIFY(second.isOpen());
        secondKey = second.key;
        const IncidentMemory memory = snap->memory.value(second.key);
        QCOMPARE(memory.similar.size(), 1);
        QCOMPARE(memory.similar.front().incidentId, first);
        QCOMPARE(memory.similar.front().fixedBy, u"RB-DB-001 / restart-pool"_s);
        QCOMPARE(memory.similar.front().mttrSecs, 45 * 60);
        QCOMPARE(memory.similar.front().ignored, QStringList{u"RB-SCALE proposed, not run"_s});
        QCOMPARE(memory.runbooks.value(u"RB-DB-001"_s).fixes, 1);
        QCOMPARE(second.topCause()->service, u"db1"_s);
        QVERIFY2(second.topCause()->evidence.join(u'\n').contains(u"matches incident #%1"_s.arg(first)),
                 qPrintable(second.topCause()->evidence.join(u'\n')));
    }
    Store store(u"lifecycle-reader"_s);
    QVERIFY2(store.open(db, &error), qPrintable(error));
    const auto resolution = store.resolution(first);
    QVERIFY(resolution.has_value());
    QCOMPARE(resolution->fixedByStep, u"restart-pool"_s);
    QStringList kinds;
    for (const Store::Action& a : store.actions(first))
        kinds << a.kind;
    QCOMPARE(kinds, (QStringList{u"ack"_s, u"mitigate"_s, u"resolve"_s}));

    // A restart reads the history back from the store: the same answer without living through it again.
    Pipeline restarted;
    QVERIFY2(restarted.open(options(db), &error), qPrintable(error));
    const IncidentMemory memory = restarted.snapshot()->memory.value(secondKey);
    QCOMPARE(memory.similar.size(), 1);
    QCOMPARE(memory.similar.front().incidentId, first);
    for (const Incident& inc : restarted.snapshot()->incidents)
        if (inc.id == first)
            QCOMPARE(inc.resolvedAt, resolution->at);
}

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"

// The same label set paging again weeks after its incident was resolved is a new page, not the old incident
// quietly updated (and still shown as resolved).
void TestPipeline::recurrenceWeeksLaterIsANewIncident()
{
    const QString db = m_dir.filePath(u"recurrence.sqlite"_s);
    QString error;
    const auto weeksAgo = [](Alert a) {
        a.startsAt = a.startsAt.addDays(-21);
        a.receivedAt = a.receivedAt.addDays(-21);
        return a;
    };
    qint64 first = 0;
    {
        Pipeline pipeline;
        QVERIFY2(pipeline.open(options(db), &error), qPrintable(error));
        QVERIFY(pipeline.submit({weeksAgo(alert(u"a1"_s, u"Err"_s, 0)), weeksAgo(alert(u"a2"_s, u"Err"_s, 5))}, &error));
        pipeline.flush();
        first = pipeline.snapshot()->incidents.front().id;
        QVERIFY(first > 0);
        Resolution r;
        r.incidentId = first;
        r.fixedByText = u"restarted a1"_s;
        pipeline.resolve(first, r, {});
    }
    Pipeline restarted;
    QVERIFY2(restarted.open(options(db), &error), qPrintable(error));
    QVERIFY(restarted.submit({alert(u"a1"_s, u"Err"_s, 0), alert(u"a2"_s, u"Err"_s, 5)}, &error));
    restarted.flush();
    const IncidentSnapshotPtr snap = restarted.snapshot();
    QVERIFY(!snap->incidents.isEmpty());
    const Incident& now = snap->incidents.front();
    QVERIFY(now.id > 0);
    QVERIFY2(now.id != first, "the recurrence was stored over the resolved incident");
    QCOMPARE(now.state, Incident::State::Triggered);

    Store store(u"tst-recurrence-check"_s);
    QVERIFY(store.open(db, &error));
    QCOMPARE(store.loadIncident(first)->state, Incident::State::Resolved);
    QCOMPARE(store.loadIncident(now.id)->state, Incident::State::Triggered);
}

// The console builds incidents delivery by delivery and diagnoses them as they grow, each with what its neighbours
// say (Diagnoser::Context::elsewhere); `nightwatch-cli diagnose` sees the whole scenario at once. Both must end
// with the same incidents and the same shortlist, also when a neighbour's alert arrives after an incident was
// last diagnosed. The history browser's replay of each stored incident, from its own and its neighbours' stored
// notifications, must end with that shortlist too. (Seed 60606's first 60 scenarios include incidents that show
// a smaller neighbour's cause, and deliveries of the same second whose order decides a grouping: gen-s60661.)
void TestPipeline::consoleDiagnosesAsTheEngine()
{
    QTemporaryDir suite;
    QVERIFY(suite.isValid());
    QProcess gen;
    gen.start(u"python3"_s, {QStringLiteral(NIGHTWATCH_SCENGEN), u"--suite"_s, suite.path(),
                             u"--count"_s, u"60"_s, u"--seed"_s, u"60606"_s});
    QVERIFY(gen.waitForFinished(120'000));
    QCOMPARE(gen.exitCode(), 0);
    const QStringList files = QDir(suite.path()).entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    QCOMPARE(files.size(), 60);

    int incidents = 0, withNeighbourEvidence = 0, withNeighbourCause = 0, replayDiffersAlone = 0;
    for (const QString& name : files) {
        const QString path = suite.filePath(name);
        QProcess cli;
        cli.start(QStringLiteral(NIGHTWATCH_CLI), {u"diagnose"_s, path});
        QVERIFY(cli.waitForFinished(60'000));
        QCOMPARE(cli.exitCode(), 0);
        QHash<QString, QStringList> engine; // incident key -> top 3
        for (const auto& v : QJsonDocument::fromJson(cli.readAllStandardOutput()).object()[u"incidents"_s].toArray()) {
            QStringList top;
            for (const auto& c : v.toObject()[u"root_causes"_s].toArray())
                if (top.size() < 3)
                    top << c.toObject()[u"service"_s].toString();
            engine.insert(v.toObject()[u"id"_s].toString(), top);
        }

        QString error;
        std::optional<Scenario> scenario = ScenarioReader::readFile(path, &error);
        QVERIFY2(scenario, qPrintable(error));
        Pipeline pipeline;
        Pipeline::Options o;
        o.databasePath = m_dir.filePath(name + u".sqlite"_s);
        o.graph = std::make_shared<const ServiceGraph>(*scenario->graph);
        QVERIFY2(pipeline.open(o, &error), qPrintable(error));
        for (const ChangeEvent& change : std::as_const(scenario->changes))
            QVERIFY2(pipeline.submitChange(change, &error), qPrintable(error));
        for (const Alert& a : std::as_const(scenario->alerts)) // one delivery each, in arrival order
            QVERIFY2(pipeline.submit({a}, &error), qPrintable(error));
        pipeline.flush();

        QHash<QString, QStringList> console;
        for (const Incident& inc : pipeline.snapshot()->incidents) {
            QStringList top;
            for (const RootCauseCandidate& c : inc.rootCauses) {
                if (top.size() < 3)
                    top << c.service;
                withNeighbourEvidence += c.evidence.join(u' ').contains(u"in another incident"_s);
                withNeighbourCause += c.evidence.join(u' ').contains(u"probable cause of a concurrent incident"_s);
            }
            console.insert(inc.key, top);
        }
        QCOMPARE(console.size(), engine.size());
        for (auto it = engine.cbegin(); it != engine.cend(); ++it) {
            QVERIFY2(console.contains(it.key()), qPrintable(name + u": no incident "_s + it.key()));
            QVERIFY2(console.value(it.key()) == *it, qPrintable(u"%1 %2: console %3, engine %4"_s.arg(
                                                         name, it.key(), console.value(it.key()).join(u','),
                                                         it->join(u','))));
        }
        incidents += engine.size();

        Store history(u"tst-replay-"_s + name);
        QVERIFY2(history.open(o.databasePath, &error), qPrintable(error));
        // When all is known: the console was told every change up front, a replay knows a change from its time on,
        // and a change may follow the last alert (within the diagnoser's lookahead after an onset).
        QDateTime settled;
        for (const Alert& a : std::as_const(scenario->alerts))
            settled = std::max(settled, a.receivedAt);
        for (const ChangeEvent& change : std::as_const(scenario->changes))
            settled = std::max(settled, change.at);
        for (const Incident& inc : pipeline.snapshot()->incidents) {
            const std::optional<Incident> stored = history.loadIncident(inc.id);
            QVERIFY(stored);
            ReplayTimeline replay(*stored, history.incidentNotifications(inc.id), {}, {});
            const auto topOf = [&](const QVector<RootCauseCandidate>& causes) {
                QStringList top;
                for (const RootCauseCandidate& c : causes)
                    if (top.size() < 3)
                        top << c.service;
                return top;
            };
            const QStringList alone = topOf(replay.diagnosisAt(settled, o.graph, scenario->changes));
            replay.setNeighbours(history.neighbourNotifications(inc.id));
            const QStringList replayed = topOf(replay.diagnosisAt(settled, o.graph, scenario->changes));
            QVERIFY2(replayed == console.value(inc.key),
                     qPrintable(u"%1 %2: replay %3, console %4"_s.arg(name, inc.key, replayed.join(u','),
                                                                       console.value(inc.key).join(u','))));
            replayDiffersAlone += alone != replayed;
        }
    }
    qInfo("%d incidents in 60 scenarios; %d candidates cite an alert in another incident, %d are another's cause; "
          "%d replays would differ without the neighbours",
          incidents, withNeighbourEvidence, withNeighbourCause, replayDiffersAlone);
    QVERIFY(withNeighbourEvidence > 0); // the suite exercises the neighbours at all
    QVERIFY(withNeighbourCause > 0);
    QVERIFY(replayDiffersAlone > 0);    // ...and the replay needs them
}

void TestPipeline::deliveriesDoNotWaitForTheDiagnosis()
{
    // The first diagnosis is held on the worker until the test lets it go: meanwhile a delivery is answered,
    // stored and published, which is what a storm needs when diagnosing thousands of incidents takes seconds.
    const QString db = m_dir.filePath(u"background.sqlite"_s);
    PipelineOnWorker onWorker;
    Pipeline* pipeline = onWorker.pipeline;
    QSignalSpy settled(pipeline, &Pipeline::diagnosisSettled);
    QSemaphore entered, release;
    std::atomic<bool> hold{true};
    QThread* diagnosedOn = nullptr;
    Pipeline::Options o = options(db);
    o.refreshMs = 0;
    o.diagnoseInBackground = true;
    o.beforeDiagnosis = [&](const Incident&) {
        if (!hold.exchange(false))
            return;
        diagnosedOn = QThread::currentThread();
        entered.release();
        release.acquire();
    };
    QString error;
    QVERIFY2(pipeline->open(o, &error), qPrintable(error));
    QVERIFY2(pipeline->submit({alert(u"m"_s, u"Saturated"_s, 0), alert(u"c1"_s, u"Err"_s, 5)}, &error),
             qPrintable(error));
    QVERIFY(entered.tryAcquire(1, 30'000)); // the worker is inside the diagnosis now, and stays there

    QVERIFY2(pipeline->submit({alert(u"a1"_s, u"Err"_s, 7), alert(u"c2"_s, u"Err"_s, 9)}, &error), qPrintable(error));
    Store store(u"background-reader"_s);
    QVERIFY2(store.open(db, &error, Store::OpenMode::ReadOnly), qPrintable(error));
    QCOMPARE(store.notificationCount(), 4);
    QCOMPARE(pipeline->snapshot()->alertCount, 4); // published too, with what was diagnosed before
    QCOMPARE(pipeline->diagnosisCount(), 0);
    QVERIFY(!pipeline->isDiagnosisSettled());
    QVERIFY(diagnosedOn != &onWorker.worker && diagnosedOn != QThread::currentThread());

    release.release();
    QVERIFY(testsupport::waitSettled(pipeline, settled));
    const IncidentSnapshotPtr shown = pipeline->snapshot();
    QCOMPARE(shown->alertCount, 4);
    QVERIFY(!shown->incidents.isEmpty());
    for (const Incident& inc : shown->incidents)
        QVERIFY2(!inc.rootCauses.isEmpty(), qPrintable(inc.key));
    QVERIFY(pipeline->diagnosisCount() >= shown->incidents.size());
    // ...and stored with them.
    for (const Incident& inc : store.loadIncidents())
        QVERIFY2(!inc.rootCauses.isEmpty(), qPrintable(inc.key));
}

void TestPipeline::onlyChangedIncidentsAreDiagnosedAgain()
{
    // Two incidents an hour apart cannot bear on each other: a new alert in one diagnoses that one again, a repeat
    // of a known alert diagnoses none.
    Pipeline pipeline;
    Pipeline::Options o = options(m_dir.filePath(u"dirty.sqlite"_s));
    o.refreshMs = 0;
    o.diagnoseInBackground = true;
    QSignalSpy settled(&pipeline, &Pipeline::diagnosisSettled);
    QString error;
    QVERIFY2(pipeline.open(o, &error), qPrintable(error));
    QVERIFY2(pipeline.submit({alert(u"m"_s, u"Saturated"_s, 0), alert(u"c1"_s, u"Err"_s, 5),
                              alert(u"db1"_s, u"Down"_s, -3600), alert(u"a1"_s, u"Err"_s, -3595)},
                             &error),
             qPrintable(error));
    QVERIFY(testsupport::waitSettled(&pipeline, settled));
    const IncidentSnapshotPtr first = pipeline.snapshot();
    QCOMPARE(first->incidents.size(), 2);
    const qint64 once = pipeline.diagnosisCount();
    QCOMPARE(once, 2);
    const QMap<QString, QStringList> before = causesByKey(first);

    const auto keyOf = [](const IncidentSnapshotPtr& shown, const Alert& a) {
        for (const Incident& inc : shown->incidents)
            for (const TrackedAlert& t : inc.alerts)
                if (t.fingerprint() == a.fingerprint)
                    return inc.key;
        return QString();
    };
    const QString apart = keyOf(first, alert(u"db1"_s, u"Down"_s, -3600));
    QVERIFY(!apart.isEmpty());
    QVERIFY(!before.value(apart).isEmpty());

    QVERIFY2(pipeline.submit({alert(u"c2"_s, u"Err"_s, 9)}, &error), qPrintable(error));
    QVERIFY(testsupport::waitSettled(&pipeline, settled));
    QCOMPARE(pipeline.diagnosisCount(), once + 1);
    const IncidentSnapshotPtr second = pipeline.snapshot();
    QCOMPARE(second->incidents.size(), 2);
    QCOMPARE(keyOf(second, alert(u"c2"_s, u"Err"_s, 9)), keyOf(second, alert(u"m"_s, u"Saturated"_s, 0)));
    QCOMPARE(causesByKey(second).value(apart), before.value(apart));

    QVERIFY2(pipeline.submit({alert(u"c2"_s, u"Err"_s, 9)}, &error), qPrintable(error)); // a repeat
    QVERIFY(testsupport::waitSettled(&pipeline, settled));
    QCOMPARE(pipeline.diagnosisCount(), once + 1);
    QCOMPARE(pipeline.snapshot()->notificationCount, 6);
}

void TestPipeline::backgroundDiagnosisEndsAsInPlace_data()
{
    // Generated scenarios with concurrent incidents (see consoleDiagnosesAsTheEngine), once for every row.
    QTest::addColumn<QString>("path");
    const QString suite = m_dir.filePath(u"background-suite"_s);
    if (!QDir(suite).exists()) {
        QProcess gen;
        gen.start(u"python3"_s, {QStringLiteral(NIGHTWATCH_SCENGEN), u"--suite"_s, suite, u"--count"_s, u"12"_s,
                                 u"--seed"_s, u"60606"_s});
        QVERIFY(gen.waitForFinished(120'000));
        QCOMPARE(gen.exitCode(), 0);
    }
    const QStringList files = QDir(suite).entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    QCOMPARE(files.size(), 12);
    for (const QString& name : files)
        QTest::addRow("%s", qPrintable(name)) << QDir(suite).filePath(name);
}

void TestPipeline::backgroundDiagnosisEndsAsInPlace()
{
    // The worker diagnoses copies while deliveries keep coming (answers about incidents that changed meanwhile
    // arrive stale): once settled, every incident has the candidates the in-place diagnosis gives it.
    QFETCH(QString, path);
    QString error;
    std::optional<Scenario> scenario = ScenarioReader::readFile(path, &error);
    QVERIFY2(scenario, qPrintable(error));
    const QString name = QFileInfo(path).completeBaseName();
    QMap<QString, QStringList> inPlace;
    for (const bool background : {false, true}) {
        Pipeline pipeline;
        Pipeline::Options o;
        o.databasePath = m_dir.filePath(u"%1-%2.sqlite"_s.arg(name).arg(background));
        o.graph = std::make_shared<const ServiceGraph>(*scenario->graph);
        o.refreshMs = 0;
        o.diagnoseInBackground = background;
        QSignalSpy settled(&pipeline, &Pipeline::diagnosisSettled);
        QVERIFY2(pipeline.open(o, &error), qPrintable(error));
        for (const ChangeEvent& change : std::as_const(scenario->changes))
            QVERIFY2(pipeline.submitChange(change, &error), qPrintable(error));
        for (const Alert& a : std::as_const(scenario->alerts)) { // one delivery each, in arrival order
            QVERIFY2(pipeline.submit({a}, &error), qPrintable(error));
            QCoreApplication::processEvents(); // the worker's answers land between deliveries
        }
        QVERIFY(testsupport::waitSettled(&pipeline, settled));
        const QMap<QString, QStringList> shown = causesByKey(pipeline.snapshot());
        QVERIFY(!shown.isEmpty());
        if (!background) {
            inPlace = shown;
            continue;
        }
        QCOMPARE(shown.keys(), inPlace.keys());
        for (auto it = inPlace.cbegin(); it != inPlace.cend(); ++it)
            QVERIFY2(shown.value(it.key()) == *it,
                     qPrintable(u"%1: background %2, in place %3"_s.arg(it.key(), shown.value(it.key()).join(u','),
                                                                         it->join(u','))));
    }
}

namespace {
// A big delivery with what crosses chunk boundaries: alerts of one incident spread over the whole body, the same
// alert fired and later resolved in it, services in the graph and outside it, onsets minutes apart.
AlertBatch bigDelivery()
{
    const QStringList services = {u"c1"_s, u"c2"_s, u"c3"_s, u"c4"_s, u"m"_s, u"a1"_s, u"a2"_s,
                                  u"db1"_s, u"x1"_s, u"x2"_s, u"c5"_s};
    AlertBatch batch;
    for (int i = 0; i < 240; ++i) {
        const bool resolves = i >= 120 && i % 9 == 0;
        const int n = resolves ? i - 117 : i; // resolves an alert fired earlier in the same body
        batch << alert(services.at(n % services.size()), u"E%1"_s.arg(n % 37), n / 8,
                       resolves ? Alert::Status::Resolved : Alert::Status::Firing);
    }
    return batch;
}

// Everything a delivery leaves behind: each alert's notifications in the order logged, and each incident with its
// alerts' counters. (A big delivery's chunks take its alerts in fingerprint order, see ChunkOrder: the log orders
// one alert's notifications as the body did, not those of different alerts.)
QStringList storedState(Pipeline* pipeline, const QString& db)
{
    pipeline->flush();
    QStringList out;
    Store store(u"chunk-reader"_s);
    QString error;
    if (!store.open(db, &error, Store::OpenMode::ReadOnly))
        return {error};
    QMap<QString, QStringList> notificationsOf;
    for (const Alert& a : store.loadNotifications(kT0.addSecs(-3600)))
        notificationsOf[a.fingerprint] << QString::number(int(a.status));
    for (auto it = notificationsOf.cbegin(); it != notificationsOf.cend(); ++it)
        out << u"notifications %1: %2"_s.arg(it.key(), it->join(u' '));
    const IncidentSnapshotPtr shown = pipeline->snapshot();
    out << u"notifications shown %1, alerts %2"_s.arg(shown->notificationCount).arg(shown->alertCount);
    QVector<Incident> stored = store.loadIncidents();
    std::sort(stored.begin(), stored.end(), [](const Incident& a, const Incident& b) { return a.key < b.key; });
    for (const Incident& inc : stored)
        out << u"stored incident %1 %2 alerts"_s.arg(inc.key).arg(inc.alerts.size());
    const QMap<QString, QString> counters = alertCounters(shown->incidents);
    for (auto it = counters.cbegin(); it != counters.cend(); ++it)
        out << u"alert %1: %2"_s.arg(it.key(), *it);
    return out;
}
} // namespace

void TestPipeline::bigDeliveryInChunksEqualsOnePiece_data()
{
    QTest::addColumn<int>("chunkAlerts");
    // Sent at once, one after the other. Only the first is prepared from hand-over on; the others from their first
    // step, once the one before is stored.
    QTest::addColumn<int>("deliveries");
    QTest::addRow("1 alert a chunk") << 1 << 1;
    QTest::addRow("7 alerts a chunk") << 7 << 1;
    QTest::addRow("100 alerts a chunk") << 100 << 1;
    QTest::addRow("239: the last chunk holds one") << 239 << 1;
    QTest::addRow("240: the delivery is one chunk") << 240 << 1;
    QTest::addRow("three at once, 7 alerts a chunk") << 7 << 3;
    QTest::addRow("three at once, 100 alerts a chunk") << 100 << 3;
}

void TestPipeline::bigDeliveryInChunksEqualsOnePiece()
{
    // A big delivery taken in chunk by chunk ends as the same delivery taken in one piece: the same notifications
    // (each alert's in the same order), the same incidents with the same alerts and counters. So do several of them
    // (the same alerts again: their repeats and flaps counted across deliveries).
    QFETCH(int, chunkAlerts);
    QFETCH(int, deliveries);
    const AlertBatch big = bigDelivery();
    QList<QStringList> states;
    for (const int chunk : {0, chunkAlerts}) {
        const QString db = m_dir.filePath(u"chunks-%1-%2-%3.sqlite"_s.arg(chunkAlerts).arg(chunk).arg(deliveries));
        PipelineOnWorker onWorker;
        Pipeline::Options o = options(db);
        o.chunkAlerts = chunk;
        QString error;
        QVERIFY2(onWorker.pipeline->open(o, &error), qPrintable(error));
        std::atomic<int> answered = 0;
        for (int k = 0; k < deliveries; ++k)
            onWorker.pipeline->submitDeferred(big, [&](bool stored, const QString&) { answered += stored ? 1 : 100; });
        QTRY_COMPARE_WITH_TIMEOUT(answered.load(), deliveries, 10'000);
        states << storedState(onWorker.pipeline, db);
    }
    QVERIFY(states.at(0).size() > big.size());
    QCOMPARE(states.at(1), states.at(0));
}

void TestPipeline::smallDeliveryIsStoredBetweenChunks_data()
{
    QTest::addColumn<int>("chunkAlerts");
    QTest::addColumn<QStringList>("expected");
    QTest::addRow("one piece: the small one waits for all of the big one")
        << 0 << QStringList{u"big stored: 100 in the store"_s, u"small sent"_s, u"small stored: 103 in the store"_s};
    // The big one's first step orders its chunks (ChunkOrder) and stores none: the next chunk is its first.
    QTest::addRow("chunks of 10: the small one goes in with the next chunk")
        << 10 << QStringList{u"small sent"_s, u"small stored: 13 in the store"_s, u"big stored: 103 in the store"_s};
    QTest::addRow("chunks of 40")
        << 40 << QStringList{u"small sent"_s, u"small stored: 43 in the store"_s, u"big stored: 103 in the store"_s};
}

void TestPipeline::smallDeliveryIsStoredBetweenChunks()
{
    // A small delivery that arrives while a big one is being taken in is stored and answered with the big one's
    // next chunk, not after all of it; the big one is answered only once all of it is in the store.
    QFETCH(int, chunkAlerts);
    QFETCH(QStringList, expected);
    const QString db = m_dir.filePath(u"between-%1.sqlite"_s.arg(chunkAlerts));
    Pipeline pipeline; // on this thread: the order of its queued work is the order of events below
    Pipeline::Options o = options(db);
    o.chunkAlerts = chunkAlerts;
    QString error;
    QVERIFY2(pipeline.open(o, &error), qPrintable(error));
    Store reader(u"between-reader"_s);
    QVERIFY2(reader.open(db, &error, Store::OpenMode::ReadOnly), qPrintable(error));
    QStringList events;
    AlertBatch big;
    for (int i = 0; i < 100; ++i)
        big << alert(u"c%1"_s.arg(i % 8 + 1), u"Big%1"_s.arg(i), i / 10);
    pipeline.submitDeferred(big, [&](bool stored, const QString&) {
        events << u"big %1: %2 in the store"_s.arg(stored ? u"stored"_s : u"failed"_s).arg(reader.notificationCount());
    });
    // Queued behind the pipeline's first step: it arrives once the big delivery is ordered in chunks (or all of it is
    // in).
    QMetaObject::invokeMethod(
        &pipeline,
        [&] {
            events << u"small sent"_s;
            pipeline.submitDeferred({alert(u"a1"_s, u"Err"_s, 0), alert(u"a2"_s, u"Err"_s, 1), alert(u"db1"_s, u"Err"_s, 2)},
                                    [&](bool stored, const QString&) {
                                        events << u"small %1: %2 in the store"_s
                                                      .arg(stored ? u"stored"_s : u"failed"_s)
                                                      .arg(reader.notificationCount());
                                    });
        },
        Qt::QueuedConnection);
    QTRY_COMPARE_WITH_TIMEOUT(events.size(), 3, 10'000);
    QCOMPARE(events, expected);
    pipeline.flush();
    QCOMPARE(pipeline.snapshot()->notificationCount, 103);
    QVERIFY(pipeline.isDiagnosisSettled());
}

void TestPipeline::deliveriesBetweenChunksAreCorrelatedAfterIt_data()
{
    QTest::addColumn<int>("chunkAlerts");
    QTest::addColumn<int>("smallOnes"); // small deliveries sent while the big one is taken in, one per chunk
    QTest::addRow("1 alert a chunk") << 1 << 3;
    QTest::addRow("chunks of 7") << 7 << 3;
    QTest::addRow("chunks of 100, more small ones than chunks") << 100 << 5;
    QTest::addRow("chunks of 239") << 239 << 1;
}

void TestPipeline::deliveriesBetweenChunksAreCorrelatedAfterIt()
{
    // The chunks of a big delivery, and the small deliveries stored between them, are correlated once its last chunk
    // is answered, not chunk by chunk: every alert of both ends in the incidents shown and stored, each once, with
    // its counters, as when the same deliveries are taken in one piece after another.
    QFETCH(int, chunkAlerts);
    QFETCH(int, smallOnes);
    const AlertBatch big = bigDelivery();
    // Services of their own (outside the big delivery's), so the order they are taken in does not move any incident.
    const auto small = [](int k) {
        return AlertBatch{alert(u"s%1"_s.arg(k), u"Small"_s, k), alert(u"s%1"_s.arg(k), u"Other"_s, k)};
    };
    QList<QStringList> states;
    for (const int chunk : {0, chunkAlerts}) {
        const QString db = m_dir.filePath(u"untracked-%1-%2-%3.sqlite"_s.arg(chunkAlerts).arg(smallOnes).arg(chunk));
        Pipeline pipeline; // on this thread: each small one is queued behind the store in progress
        Pipeline::Options o = options(db);
        o.chunkAlerts = chunk;
        QString error;
        QVERIFY2(pipeline.open(o, &error), qPrintable(error));
        int answered = 0;
        const auto done = [&](bool stored, const QString&) { answered += stored ? 1 : 100; };
        pipeline.submitDeferred(big, done);
        for (int k = 0; k < smallOnes; ++k)
            QMetaObject::invokeMethod(
                &pipeline, [&, k] { pipeline.submitDeferred(small(k), done); }, Qt::QueuedConnection);
        QTRY_COMPARE_WITH_TIMEOUT(answered, 1 + smallOnes, 10'000);
        QStringList state = storedState(&pipeline, db);
        // The log's order is the one thing that differs: the small ones went in between the chunks.
        state.removeIf([](const QString& line) { return line.startsWith(u"notification "_s); });
        QMap<QString, QStringList> members;
        for (const Incident& inc : pipeline.snapshot()->incidents)
            for (const TrackedAlert& t : inc.alerts)
                members[inc.key] << t.fingerprint();
        for (auto it = members.begin(); it != members.end(); ++it) {
            std::sort(it->begin(), it->end());
            state << u"incident %1: %2"_s.arg(it.key(), it->join(u','));
        }
        states << state;
    }
    // Every alert sent is in exactly one incident.
    QSet<QString> sent;
    for (const Alert& a : big)
        sent << a.fingerprint;
    for (int k = 0; k < smallOnes; ++k)
        for (const Alert& a : small(k))
            sent << a.fingerprint;
    QStringList members;
    for (const QString& line : states.at(0).filter(u"incident "_s))
        if (!line.startsWith(u"stored "_s))
            members += line.section(u": "_s, 1).split(u',');
    QCOMPARE(members.size(), sent.size());
    QCOMPARE(QSet<QString>(members.cbegin(), members.cend()), sent);
    QVERIFY(states.at(0).contains(u"notifications shown %1, alerts %2"_s.arg(big.size() + 2 * smallOnes).arg(sent.size())));
    QCOMPARE(states.at(1), states.at(0));
}

void TestPipeline::smallDeliveryIsStoredDuringABigRefresh_data()
{
    QTest::addColumn<int>("chunkAlerts");
    QTest::addColumn<QStringList>("expected");
    QTest::addRow("one piece: the small one waits for the whole refresh")
        << 0 << QStringList{u"big stored"_s, u"small sent"_s, u"published 100"_s, u"small stored"_s};
    QTest::addRow("chunks of 10: stored between the refresh's writes")
        << 10 << QStringList{u"big stored"_s, u"small sent"_s, u"small stored"_s, u"published 100"_s};
}

void TestPipeline::smallDeliveryIsStoredDuringABigRefresh()
{
    // The refresh after a big delivery rebuilds and writes every alert of its incidents again; a small delivery
    // that arrives meanwhile is stored and answered between two slices of those writes, and shown at the next
    // refresh.
    QFETCH(int, chunkAlerts);
    QFETCH(QStringList, expected);
    const QString db = m_dir.filePath(u"refresh-%1.sqlite"_s.arg(chunkAlerts));
    Pipeline pipeline; // on this thread: the order of its work is the order of events below
    QStringList events;
    bool bigStored = false;
    Pipeline::Options o = options(db);
    o.chunkAlerts = chunkAlerts;
    // The refresh after the big delivery diagnoses its incidents before it writes them: the small one arrives then.
    o.beforeDiagnosis = [&](const Incident&) {
        if (!bigStored || events.contains(u"small sent"_s))
            return;
        events << u"small sent"_s;
        pipeline.submitDeferred({alert(u"a1"_s, u"Err"_s, 0)}, [&](bool stored, const QString&) {
            events << (stored ? u"small stored"_s : u"small failed"_s);
        });
    };
    QString error;
    QVERIFY2(pipeline.open(o, &error), qPrintable(error));
    connect(&pipeline, &Pipeline::snapshotReady, this, [&](const IncidentSnapshotPtr& shown) {
        if (events.contains(u"small sent"_s) && events.filter(u"published"_s).isEmpty())
            events << u"published %1"_s.arg(shown->notificationCount);
    });
    // Ten services outside the graph: ten incidents of ten alerts, written in ten slices of a chunk each.
    AlertBatch big;
    for (int i = 0; i < 100; ++i)
        big << alert(u"y%1"_s.arg(i % 10), u"Big%1"_s.arg(i), i % 10);
    pipeline.submitDeferred(big, [&](bool stored, const QString&) {
        bigStored = stored;
        events << (stored ? u"big stored"_s : u"big failed"_s);
    });
    QTRY_COMPARE_WITH_TIMEOUT(events.size(), 4, 10'000);
    QCOMPARE(events, expected);
    pipeline.flush();
    QCOMPARE(pipeline.snapshot()->notificationCount, 101);
    QVERIFY(pipeline.isDiagnosisSettled());
}

// A restart on a big store listens before it has rebuilt its incidents (Options::restoreInBackground): a delivery that
// comes meanwhile is stored and answered during the rebuild, and once it is done the incidents are those of a restart
// without it that received it afterwards.
void TestPipeline::deliveryDuringBackgroundRestoreIsStoredAndMerged()
{
    const QStringList services = {u"c1"_s, u"c2"_s, u"c3"_s, u"m"_s, u"a1"_s, u"a2"_s, u"db1"_s, u"x1"_s, u"x2"_s};
    AlertBatch history;
    for (int i = 0; i < 3'000; ++i)
        history << alert(services.at(i % services.size()), u"H%1"_s.arg(i % 41), i / 10);
    AlertBatch delivery;
    for (int i = 0; i < 30; ++i)
        delivery << alert(services.at((i * 5) % services.size()), u"N%1"_s.arg(i % 7), 300 + i);

    QList<QStringList> states;
    for (const bool background : {false, true}) {
        const QString db = m_dir.filePath(background ? u"restore-background.sqlite"_s : u"restore-inline.sqlite"_s);
        QString error;
        {
            Pipeline seed;
            QVERIFY2(seed.open(options(db), &error), qPrintable(error));
            QVERIFY2(seed.submit(history, &error), qPrintable(error));
            seed.flush();
        }
        Pipeline pipeline;
        Pipeline::Options o = options(db);
        o.chunkAlerts = 100; // the rebuild lets waiting deliveries in every 100 alerts of work
        o.restoreInBackground = background;
        bool restored = false;
        connect(&pipeline, &Pipeline::restored, this, [&] { restored = true; });
        QVERIFY2(pipeline.open(o, &error), qPrintable(error));
        QCOMPARE(restored, !background);
        bool stored = false;
        bool answeredBeforeRestored = false;
        pipeline.submitDeferred(delivery, [&](bool ok, const QString& why) {
            QVERIFY2(ok, qPrintable(why));
            stored = ok;
            answeredBeforeRestored = !restored;
        });
        QTRY_VERIFY_WITH_TIMEOUT(restored && stored, 20'000);
        QCOMPARE(answeredBeforeRestored, background);
        QTRY_VERIFY_WITH_TIMEOUT(pipeline.isDiagnosisSettled(), 20'000);
        states << storedState(&pipeline, db);
    }
    QCOMPARE(states.at(1), states.at(0));
}

void TestPipeline::resentSmallDeliveryIsCountedOnce_data()
{
    // Deliveries in the order sent: "F" the body with both alerts firing, "R" the same alerts resolved; every one
    // with its DeliveryKey unless keyed is false (a sink that names none).
    QTest::addColumn<QStringList>("sent");
    QTest::addColumn<bool>("keyed");
    QTest::addColumn<qint64>("resendWindowMs");
    QTest::addColumn<int>("notifications"); // stored in the end
    QTest::addColumn<bool>("firing");       // the alerts' latest status in the end
    QTest::addRow("its 200 lost: the resend stores nothing")
        << QStringList{u"F"_s, u"F"_s} << true << qint64(300'000) << 2 << true;
    QTest::addRow("resent twice") << QStringList{u"F"_s, u"F"_s, u"F"_s} << true << qint64(300'000) << 2 << true;
    QTest::addRow("resolved, then the same firing body: it fired again")
        << QStringList{u"F"_s, u"R"_s, u"F"_s} << true << qint64(300'000) << 6 << true;
    QTest::addRow("resolved twice in a row")
        << QStringList{u"F"_s, u"R"_s, u"R"_s} << true << qint64(300'000) << 4 << false;
    QTest::addRow("no key: stored again") << QStringList{u"F"_s, u"F"_s} << false << qint64(300'000) << 4 << true;
    QTest::addRow("no journal: stored again") << QStringList{u"F"_s, u"F"_s} << true << qint64(0) << 4 << true;
}

void TestPipeline::resentSmallDeliveryIsCountedOnce()
{
    // A small delivery commits whole with its journal row; a sender that did not see our 200 sends the same body
    // again, which is answered with nothing stored, unless its alerts changed since (then the same bytes are news).
    QFETCH(QStringList, sent);
    QFETCH(bool, keyed);
    QFETCH(qint64, resendWindowMs);
    QFETCH(int, notifications);
    QFETCH(bool, firing);
    const QString db =
        m_dir.filePath(u"resent-%1.sqlite"_s.arg(QString::fromLatin1(QTest::currentDataTag())).replace(u' ', u'-'));
    PipelineOnWorker onWorker;
    Pipeline::Options o = options(db);
    o.resendWindowMs = resendWindowMs;
    QString error;
    QVERIFY2(onWorker.pipeline->open(o, &error), qPrintable(error));
    for (const QString& body : sent) {
        const Alert::Status status = body == u"F" ? Alert::Status::Firing : Alert::Status::Resolved;
        const AlertBatch batch{alert(u"a1"_s, u"Err"_s, 0, status), alert(u"a2"_s, u"Err"_s, 0, status)};
        const QByteArray key = keyed ? QByteArray(body == u"F" ? "firing-body" : "resolved-body") : QByteArray();
        std::atomic<int> answered = 0;
        onWorker.pipeline->submitDelivery(batch, key, [&](bool stored, const QString&) { answered = stored ? 1 : -1; });
        QTRY_COMPARE_WITH_TIMEOUT(answered.load(), 1, 10'000); // a resend is answered "stored" too
    }
    onWorker.pipeline->flush();
    Store reader(u"resent-reader"_s);
    QVERIFY2(reader.open(db, &error, Store::OpenMode::ReadOnly), qPrintable(error));
    const QVector<Alert> stored = reader.loadNotifications(kT0.addSecs(-3600));
    QCOMPARE(stored.size(), notifications);
    QCOMPARE(stored.back().isFiring(), firing);
    QCOMPARE(onWorker.pipeline->snapshot()->notificationCount, notifications);
}
