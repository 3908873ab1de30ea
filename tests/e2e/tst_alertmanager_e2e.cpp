// End to end with a real Alertmanager: the demo storm is posted to Debian's prometheus-alertmanager,
// which both lists it on its API v2 (polled by one console) and pushes it through its webhook (to a second
// console's receiver). Both consoles run the real ConsoleRuntime (threads, store, correlator, diagnoser)
// on their own SQLite files, and must store the same incidents with the same root cause.

#include "graph/servicegraph.h"
#include "ingest/scenarioreader.h"
#include "ingest/timeparse.h"
#include "pipeline/consoleruntime.h"
#include "store/store.h"

#include "../alertmanagerprocess.h"
#include "../diagnosissettle.h"

#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <set>

using namespace Qt::StringLiterals;
using testsupport::AlertmanagerProcess;

namespace {
using Partition = std::set<std::set<QString>>; // incidents as sets of member fingerprints

QJsonObject labelsToJson(const LabelSet& labels)
{
    QJsonObject o;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

struct StoredView
{
    Partition partition;
    std::map<std::set<QString>, QString> topCause; // by member set
    int alertCount = 0;
};

StoredView readStore(const QString& path)
{
    StoredView view;
    Store store(u"e2e-reader-"_s + path);
    QString error;
    if (!store.open(path, &error)) {
        qWarning() << error;
        return view;
    }
    for (const Incident& inc : store.loadIncidents()) {
        std::set<QString> members;
        for (const TrackedAlert& t : inc.alerts)
            members.insert(t.fingerprint());
        view.partition.insert(members);
        view.topCause[members] = inc.topCause() ? inc.topCause()->service : QString();
    }
    view.alertCount = int(store.alertCount());
    return view;
}
} // namespace

class TestAlertmanagerE2E : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void pollerAndWebhookStoreTheSameIncident();

private:
    QNetworkAccessManager m_nam;
    std::shared_ptr<const ServiceGraph> m_graph;
    AlertBatch m_storm; // one firing notification per demo fingerprint, onsets shifted to just before now
};

void TestAlertmanagerE2E::initTestCase()
{
    qRegisterMetaType<IncidentSnapshotPtr>();
    QVERIFY2(QFile::exists(testsupport::alertmanagerBinary),
             "prometheus-alertmanager is not installed: run packaging/dev.sh test, which installs it");
    QString error;
    auto graph = ServiceGraph::fromFile(u":/demo/blackfriday-graph.json"_s, &error);
    QVERIFY2(graph, qPrintable(error));
    m_graph = std::make_shared<const ServiceGraph>(std::move(*graph));
    const auto demo = ScenarioReader::readFile(u":/demo/blackfriday-feed.json"_s, &error);
    QVERIFY2(demo, qPrintable(error));

    QSet<QString> seen;
    QDateTime lastOnset;
    for (const Alert& a : demo->alerts) {
        if (a.isFiring() && !seen.contains(a.fingerprint)) {
            seen.insert(a.fingerprint);
            m_storm << a;
            lastOnset = std::max(lastOnset, a.startsAt);
        }
    }
    QVERIFY(m_storm.size() >= 10);
    // Alertmanager refuses nothing from the past, but keep the storm recent so it is "now" for both consoles.
    const qint64 shift = lastOnset.secsTo(QDateTime::currentDateTimeUtc()) - 30;
    for (Alert& a : m_storm)
        a.startsAt = a.startsAt.addSecs(shift);
}

void TestAlertmanagerE2E::pollerAndWebhookStoreTheSameIncident()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());

    // Console W: the webhook receiver on a free port, no polling.
    ConsoleRuntime::Config webhookConfig;
    webhookConfig.databasePath = dir.filePath(u"webhook.sqlite"_s);
    webhookConfig.graph = m_graph;
    webhookConfig.webhookPort = 0;
    ConsoleRuntime webhookConsole(webhookConfig);
    IncidentSnapshotPtr viaWebhook, viaPoll;
    connect(&webhookConsole, &ConsoleRuntime::snapshotReady, this, [&](IncidentSnapshotPtr s) { viaWebhook = s; });
    QSignalSpy listening(&webhookConsole, &ConsoleRuntime::webhookListening);
    QSignalSpy webhookSettled(&webhookConsole, &ConsoleRuntime::diagnosisSettled);
    webhookConsole.start();
    QVERIFY(listening.wait(10'000));
    const quint16 receiverPort = listening.constFirst().constFirst().value<quint16>();

    // Alertmanager delivers every alert group to console W: one group per alert ('...'), no waiting.
    AlertmanagerProcess am;
    const QByteArray config = "route:\n"
                              "  receiver: nightwatch\n"
                              "  group_by: ['...']\n"
                              "  group_wait: 1s\n"
                              "  group_interval: 1s\n"
                              "  repeat_interval: 1h\n"
                              "receivers:\n"
                              "  - name: nightwatch\n"
                              "    webhook_configs:\n"
                              "      - url: http://127.0.0.1:" +
                              QByteArray::number(receiverPort) +
                              "/api/v1/alerts/alertmanager\n"
                              "        send_resolved: true\n";
    QString error;
    QVERIFY2(am.start(config, m_nam, &error), qPrintable(error));

    // Console P: polls the same Alertmanager's API v2 every second, no receiver.
    ConsoleRuntime::Config pollConfig;
    pollConfig.databasePath = dir.filePath(u"poll.sqlite"_s);
    pollConfig.graph = m_graph;
    pollConfig.webhookEnabled = false;
    pollConfig.alertmanagerUrls = {am.url()};
    pollConfig.pollIntervalMs = 1000;
    ConsoleRuntime pollConsole(pollConfig);
    connect(&pollConsole, &ConsoleRuntime::snapshotReady, this, [&](IncidentSnapshotPtr s) { viaPoll = s; });
    QSignalSpy pollSettled(&pollConsole, &ConsoleRuntime::diagnosisSettled);
    pollConsole.start();

    QJsonArray postable;
    const QString endsAt = TimeParse::toRfc3339(QDateTime::currentDateTimeUtc().addSecs(3600));
    for (const Alert& a : std::as_const(m_storm)) {
        postable.append(QJsonObject{{u"labels"_s, labelsToJson(a.labels)},
                                    {u"annotations"_s, labelsToJson(a.annotations)},
                                    {u"startsAt"_s, TimeParse::toRfc3339(a.startsAt)},
                                    {u"endsAt"_s, endsAt}});
    }
    QVERIFY(am.postAlerts(postable, m_nam));

    const qint64 expected = m_storm.size();
    QTRY_VERIFY_WITH_TIMEOUT(viaWebhook && viaWebhook->alertCount == expected, 60'000);
    QTRY_VERIFY_WITH_TIMEOUT(viaPoll && viaPoll->alertCount == expected, 60'000);
    // Both diagnose on a worker: the stores are read once that has caught up.
    QVERIFY(testsupport::waitSettled(webhookConsole.pipeline(), webhookSettled));
    QVERIFY(testsupport::waitSettled(pollConsole.pipeline(), pollSettled));

    // Health: the poller's Alertmanager is live; the receiver has taken deliveries.
    bool pollLive = false;
    for (const SourceHealth& h : viaPoll->sources)
        pollLive |= h.state == SourceHealth::State::Live && h.id.contains(QString::number(am.port));
    QVERIFY(pollLive);

    const StoredView webhook = readStore(webhookConfig.databasePath);
    const StoredView poll = readStore(pollConfig.databasePath);
    QCOMPARE(webhook.alertCount, int(expected));
    QCOMPARE(poll.alertCount, int(expected));
    QCOMPARE(webhook.partition, poll.partition);
    QCOMPARE(webhook.topCause, poll.topCause);

    // The storm is one page, whatever stray warning stands beside it, and its cause has a name.
    size_t largest = 0;
    std::set<QString> storm;
    for (const auto& members : poll.partition) {
        if (members.size() > largest) {
            largest = members.size();
            storm = members;
        }
    }
    QVERIFY2(largest >= size_t(expected) - 2,
             qPrintable(u"largest incident holds %1 of %2 alerts"_s.arg(largest).arg(expected)));
    QVERIFY(!poll.topCause.at(storm).isEmpty());
    qInfo("%d alerts -> %d incidents; storm of %d alerts, root cause %s (webhook and poller agree)", int(expected),
          int(poll.partition.size()), int(largest), qPrintable(poll.topCause.at(storm)));
}

QTEST_GUILESS_MAIN(TestAlertmanagerE2E)
#include "tst_alertmanager_e2e.moc"
