// IncidentTitle: the human name every view gives an incident, from its alerts and top cause.

#include "model/incidenttitle.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {
// "alertname@service:severity" with onsets a minute apart in list order; "~" before the name: resolved.
QVector<TrackedAlert> alertsOf(const QStringList& specs)
{
    QVector<TrackedAlert> out;
    const QDateTime t0(QDate(2026, 11, 27), QTime(23, 40), Qt::UTC);
    for (int i = 0; i < specs.size(); ++i) {
        QString spec = specs.at(i);
        TrackedAlert t;
        if (spec.startsWith(u'~')) {
            t.latest.status = Alert::Status::Resolved;
            spec.remove(0, 1);
        }
        const QString name = spec.section(u'@', 0, 0).section(u':', 0, 0);
        const QString service = spec.section(u'@', 1).section(u':', 0, 0);
        const QString severity = spec.section(u':', 1);
        t.latest.labels.insert(u"alertname"_s, name);
        if (!service.isEmpty())
            t.latest.labels.insert(u"service"_s, service);
        t.latest.labels.insert(u"severity"_s, severity);
        t.firstStartsAt = t0.addSecs(60 * i);
        out.append(t);
    }
    return out;
}
} // namespace

class TestIncidentTitle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void symptoms_data();
    void symptoms();
    void titles_data();
    void titles();
    void incidentUsesItsTopCause();
};

void TestIncidentTitle::symptoms_data()
{
    QTest::addColumn<QString>("alertName");
    QTest::addColumn<QString>("symptom");
    QTest::addRow("pool") << u"DatabaseConnectionPoolExhausted"_s << u"pool"_s;
    QTest::addRow("errors") << u"ServiceErrorRateHigh"_s << u"errors"_s;
    QTest::addRow("acronym") << u"HighCPU"_s << u"CPU"_s;
    QTest::addRow("timeout before connection") << u"RedisConnectionTimeout"_s << u"timeouts"_s;
    QTest::addRow("down") << u"KafkaBrokerDown"_s << u"down"_s;
    QTest::addRow("lag") << u"KafkaConsumerLagHigh"_s << u"lag"_s;
    QTest::addRow("replication") << u"DatabaseReplicationLag"_s << u"replication lag"_s;
    QTest::addRow("crash") << u"PodCrashLooping"_s << u"crashing"_s;
    QTest::addRow("memory") << u"MemoryLeakSuspected"_s << u"memory"_s;
    QTest::addRow("certificate") << u"CertificateExpiresSoon"_s << u"certificate"_s;
    QTest::addRow("snake case") << u"api_5xx_ratio"_s << u"errors"_s;
    QTest::addRow("slo") << u"SLOBurnRateFast"_s << u"SLO burn"_s;
    QTest::addRow("apdex") << u"ApdexLow"_s << u"latency"_s;
    QTest::addRow("unknown words") << u"WatchdogSilent"_s << u"watchdog silent"_s;
}

void TestIncidentTitle::symptoms()
{
    QFETCH(QString, alertName);
    QFETCH(QString, symptom);
    QCOMPARE(IncidentTitle::symptomOf(alertName), symptom);
}

void TestIncidentTitle::titles_data()
{
    QTest::addColumn<QStringList>("alerts");
    QTest::addColumn<QString>("root");
    QTest::addColumn<QString>("title");
    QTest::addRow("cascade: the symptom users feel, then the root's own part")
        << QStringList{u"DatabaseConnectionPoolExhausted@postgres-main:warning"_s,
                       u"ServiceErrorRateHigh@payment:critical"_s, u"ServiceErrorRateHigh@checkout:critical"_s,
                       u"ServiceLatencyHigh@order-service:warning"_s}
        << u"postgres-main"_s << u"Checkout errors — postgres-main pool"_s;
    QTest::addRow("silent root") << QStringList{u"UpstreamTimeouts@cart:warning"_s} << u"redis"_s
                                 << u"Cart timeouts — redis"_s;
    QTest::addRow("one service") << QStringList{u"CertificateExpiresSoon@api-gateway:info"_s} << u"api-gateway"_s
                                 << u"Api-gateway certificate"_s;
    QTest::addRow("resolved alerts yield to firing ones")
        << QStringList{u"~ServiceErrorRateHigh@checkout:critical"_s, u"ServiceLatencyHigh@search:warning"_s}
        << u"es"_s << u"Search latency — es"_s;
    QTest::addRow("no diagnosis") << QStringList{u"HighCPU@batch:warning"_s} << QString() << u"Batch CPU"_s;
    QTest::addRow("no service label") << QStringList{u"Watchdog:info"_s} << QString() << u"Watchdog"_s;
    QTest::addRow("nothing at all") << QStringList{} << QString() << u"Unnamed incident"_s;
}

void TestIncidentTitle::titles()
{
    QFETCH(QStringList, alerts);
    QFETCH(QString, root);
    QFETCH(QString, title);
    QCOMPARE(IncidentTitle::of(alertsOf(alerts), root), title);
}

void TestIncidentTitle::incidentUsesItsTopCause()
{
    Incident incident;
    incident.alerts = alertsOf({u"ServiceErrorRateHigh@checkout:critical"_s, u"RedisMemoryHigh@redis:warning"_s});
    QCOMPARE(IncidentTitle::of(incident), u"Checkout errors"_s);
    incident.rootCauses = {RootCauseCandidate{u"redis"_s, 1.0, 0.6, {}, true, true}};
    QCOMPARE(IncidentTitle::of(incident), u"Checkout errors — redis memory"_s);
}

QTEST_GUILESS_MAIN(TestIncidentTitle)
#include "tst_incidenttitle.moc"
