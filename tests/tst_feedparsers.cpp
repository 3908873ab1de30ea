// Tests for the Grafana, PagerDuty and generic JSON feeds: each fixture in tests/data/feeds (written from
// the vendors' published payload formats) gives the expected normalised alerts, each malformed one a 400
// reason that names the field, the PagerDuty signature check (valid, wrong, rotated, missing) and the
// generic mapping file's own errors.

#include "ingest/genericjsonmapping.h"
#include "ingest/pagerdutywebhookparser.h"
#include "ingest/webhookfeeds.h"

#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;
using Feed = WebhookFeeds::Feed;

Q_DECLARE_METATYPE(WebhookFeeds::Feed)

namespace {

const QDateTime received = QDateTime(QDate(2026, 12, 5), QTime(12, 0), Qt::UTC);

QByteArray fixture(const QString& name)
{
    QFile file(QFINDTESTDATA(u"data/feeds/"_s + name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return file.readAll();
}

WebhookFeeds::Settings settingsWith(const QString& mappingFile)
{
    WebhookFeeds::Settings s;
    if (!mappingFile.isEmpty()) {
        QString error;
        auto m = GenericJsonMapping::fromFile(QFINDTESTDATA(u"data/feeds/generic/"_s + mappingFile), &error);
        if (!m)
            qFatal("mapping: %s", qPrintable(error));
        s.genericMapping = std::make_shared<const GenericJsonMapping>(std::move(*m));
    }
    return s;
}

QDateTime utc(const char* text)
{
    return QDateTime::fromString(QString::fromLatin1(text), Qt::ISODateWithMs).toUTC();
}

} // namespace

class TestFeedParsers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fixtures_data();
    void fixtures();
    void malformed_data();
    void malformed();
    void grafanaKeepsItsLinks();
    void pagerDutyIncidentKeepsOneFingerprint();
    void pagerDutyAnnotations();
    void genericLabelsAndAnnotations();
    void genericFingerprintFallsBackToLabels();
    void signature_data();
    void signature();
    void signatureGatesTheFeed();
    void genericWithoutMappingIs501();
    void mappingErrors_data();
    void mappingErrors();
};

void TestFeedParsers::fixtures_data()
{
    QTest::addColumn<Feed>("feed");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("mapping");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("index"); // which alert the remaining columns describe
    QTest::addColumn<QString>("fingerprint");
    QTest::addColumn<QString>("alertname");
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("severity");
    QTest::addColumn<bool>("firing");
    QTest::addColumn<QDateTime>("startsAt");
    QTest::addColumn<QDateTime>("endsAt");

    const QString pdIncident = PagerDutyWebhookParser::fingerprintOf(u"Q2R7XK4V9DZLMN"_s);
    const QDateTime none;
    QTest::addRow("grafana firing, first") << Feed::Grafana << u"grafana/firing-two.json"_s << QString() << 2 << 0
                                           << u"c6eadffa33fcdf37"_s << u"High memory usage"_s << u"payment-service"_s
                                           << u"critical"_s << true << utc("2026-11-27T22:47:03.157Z") << none;
    QTest::addRow("grafana firing, second") << Feed::Grafana << u"grafana/firing-two.json"_s << QString() << 2 << 1
                                            << u"bc97ff14869b13e3"_s << u"High CPU usage"_s << u"checkout-service"_s
                                            << u"warning"_s << true << utc("2026-11-27T22:48:03.157Z") << none;
    QTest::addRow("grafana resolved") << Feed::Grafana << u"grafana/resolved.json"_s << QString() << 1 << 0
                                      << u"c6eadffa33fcdf37"_s << u"High memory usage"_s << u"payment-service"_s
                                      << u"critical"_s << false << utc("2026-11-27T22:47:03.157Z")
                                      << utc("2026-11-28T00:02:03Z");
    QTest::addRow("grafana no data") << Feed::Grafana << u"grafana/nodata.json"_s << QString() << 1 << 0
                                     << u"5c2bb05a6c1d7e41"_s << u"DatasourceNoData"_s << QString() << QString() << true
                                     << utc("2026-11-27T22:51:00Z") << none;
    QTest::addRow("pagerduty triggered") << Feed::PagerDuty << u"pagerduty/incident-triggered.json"_s << QString() << 1
                                         << 0 << pdIncident << u"Replication lag on postgres-main above 30s"_s
                                         << u"postgres-main"_s << u"critical"_s << true << utc("2026-11-27T23:47:12Z")
                                         << none;
    QTest::addRow("pagerduty acknowledged")
        << Feed::PagerDuty << u"pagerduty/incident-acknowledged.json"_s << QString() << 1 << 0 << pdIncident
        << u"Replication lag on postgres-main above 30s"_s << u"postgres-main"_s << u"critical"_s << true
        << utc("2026-11-27T23:47:12Z") << none;
    QTest::addRow("pagerduty resolved") << Feed::PagerDuty << u"pagerduty/incident-resolved.json"_s << QString() << 1
                                        << 0 << pdIncident << u"Replication lag on postgres-main above 30s"_s
                                        << u"postgres-main"_s << u"critical"_s << false << utc("2026-11-27T23:47:12Z")
                                        << utc("2026-11-28T00:20:05.731Z");
    QTest::addRow("pagerduty low urgency")
        << Feed::PagerDuty << u"pagerduty/incident-low-urgency.json"_s << QString() << 1 << 0
        << PagerDutyWebhookParser::fingerprintOf(u"PLW3A8C"_s) << u"Disk 80% full on kafka-2"_s << u"kafka"_s
        << u"warning"_s << true << utc("2026-11-28T02:10:00Z") << none;
    QTest::addRow("generic events, rfc 3339")
        << Feed::Generic << u"generic/events.json"_s << u"mapping.yaml"_s << 2 << 0 << u"chk-8812-eu1"_s
        << u"HTTP 5xx ratio"_s << u"checkout-service"_s << u"critical"_s << true << utc("2026-11-27T23:47:00Z") << none;
    QTest::addRow("generic events, epoch, resolved")
        << Feed::Generic << u"generic/events.json"_s << u"mapping.yaml"_s << 2 << 1 << u"8813"_s
        << u"TLS certificate expiry"_s << u"edge-proxy"_s << u"warning"_s << false << utc("2026-12-02T23:45:00Z")
        << utc("2026-12-03T00:45:00Z");
    QTest::addRow("generic single object") << Feed::Generic << u"generic/single.json"_s << u"mapping-bare.json"_s << 1
                                           << 0 << QString() << u"Queue depth high"_s << u"notification-service"_s
                                           << u"warning"_s << true << utc("2026-11-27T22:49:30.250Z") << none;
    QTest::addRow("generic array, fractional epoch")
        << Feed::Generic << u"generic/array.json"_s << u"mapping-bare.json"_s << 2 << 0 << QString()
        << u"Queue depth high"_s << u"notification-service"_s << u"warning"_s << true << utc("2026-12-02T22:49:30.500Z")
        << none;
    QTest::addRow("generic array, resolved without end")
        << Feed::Generic << u"generic/array.json"_s << u"mapping-bare.json"_s << 2 << 1 << QString()
        << u"Consumer lag"_s << u"kafka"_s << u"error"_s << false << utc("2026-11-27T23:50:00Z") << received;
}

void TestFeedParsers::fixtures()
{
    QFETCH(Feed, feed);
    QFETCH(QString, file);
    QFETCH(QString, mapping);
    QFETCH(int, count);
    QFETCH(int, index);
    QFETCH(QString, fingerprint);
    QFETCH(QString, alertname);
    QFETCH(QString, service);
    QFETCH(QString, severity);
    QFETCH(bool, firing);
    QFETCH(QDateTime, startsAt);
    QFETCH(QDateTime, endsAt);

    WebhookFeeds::Refusal refusal;
    const auto alerts = WebhookFeeds::parse(feed, settingsWith(mapping), fixture(file), {}, received, &refusal);
    QVERIFY2(alerts, qPrintable(refusal.reason));
    QCOMPARE(alerts->size(), count);
    const Alert& a = alerts->at(index);
    // No fingerprint in the payload and none mapped: the hash of the labels, as every feed does.
    QCOMPARE(a.fingerprint, fingerprint.isEmpty() ? Alert::fingerprintOf(a.labels) : fingerprint);
    QCOMPARE(a.alertName(), alertname);
    QCOMPARE(a.service(), service);
    QCOMPARE(a.severity(), severity);
    QCOMPARE(a.isFiring(), firing);
    QCOMPARE(a.startsAt, startsAt);
    QCOMPARE(a.endsAt, endsAt);
    QCOMPARE(a.receivedAt, received);
    const QString expectedSource = feed == Feed::Grafana     ? u"webhook:grafana"_s
                                   : feed == Feed::PagerDuty ? u"webhook:pagerduty"_s
                                                             : u"webhook:generic"_s;
    QCOMPARE(a.source, expectedSource);
}

void TestFeedParsers::malformed_data()
{
    QTest::addColumn<Feed>("feed");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("mapping");
    QTest::addColumn<QString>("expectedError");

    QTest::addRow("grafana legacy format") << Feed::Grafana << u"grafana/bad-legacy.json"_s << QString()
                                           << u"version is required (Grafana unified alerting webhook"_s;
    QTest::addRow("grafana labels array")
        << Feed::Grafana << u"grafana/bad-labels.json"_s << QString() << u"alerts[1].labels must be an object"_s;
    QTest::addRow("grafana alert status") << Feed::Grafana << u"grafana/bad-status.json"_s << QString()
                                          << u"alerts[0].status must be \"firing\" or \"resolved\""_s;
    QTest::addRow("grafana truncated") << Feed::Grafana << u"grafana/bad-truncated.json"_s << QString()
                                       << u"body is not valid JSON"_s;
    QTest::addRow("grafana alertmanager payload")
        << Feed::Grafana << u"../ingest_scenario.json"_s << QString() << u"version is required"_s;
    QTest::addRow("pagerduty events api v2") << Feed::PagerDuty << u"pagerduty/bad-events-v2.json"_s << QString()
                                             << u"event is required (PagerDuty v3 webhook)"_s;
    QTest::addRow("pagerduty created_at") << Feed::PagerDuty << u"pagerduty/bad-created-at.json"_s << QString()
                                          << u"event.data.created_at is not an RFC 3339 timestamp"_s;
    QTest::addRow("pagerduty no id") << Feed::PagerDuty << u"pagerduty/bad-no-id.json"_s << QString()
                                     << u"event.data.id is required"_s;
    QTest::addRow("pagerduty service string")
        << Feed::PagerDuty << u"pagerduty/bad-service.json"_s << QString() << u"event.data.service must be an object"_s;
    QTest::addRow("pagerduty data string")
        << Feed::PagerDuty << u"pagerduty/bad-data.json"_s << QString() << u"event.data must be an object"_s;
    QTest::addRow("pagerduty truncated") << Feed::PagerDuty << u"grafana/bad-truncated.json"_s << QString()
                                         << u"body is not valid JSON"_s;
    QTest::addRow("generic list missing") << Feed::Generic << u"generic/bad-no-events.json"_s << u"mapping.yaml"_s
                                          << u"alerts pointer \"/events\" names nothing"_s;
    QTest::addRow("generic name missing") << Feed::Generic << u"generic/bad-name-missing.json"_s << u"mapping.yaml"_s
                                          << u"alerts[1]: name pointer \"/check/name\" names nothing"_s;
    QTest::addRow("generic time text") << Feed::Generic << u"generic/bad-time.json"_s << u"mapping.yaml"_s
                                       << u"alerts[0]: time pointer \"/triggered_at\": \"yesterday evening\" is "
                                          u"neither an RFC 3339 time nor epoch seconds"_s;
    QTest::addRow("generic time millis") << Feed::Generic << u"generic/bad-time-millis.json"_s << u"mapping.yaml"_s
                                         << u"(milliseconds?)"_s;
    QTest::addRow("generic service object")
        << Feed::Generic << u"generic/bad-service-object.json"_s << u"mapping.yaml"_s
        << u"alerts[0]: service pointer \"/host/service\" must name a string or a number, not object"_s;
    QTest::addRow("generic body not object") << Feed::Generic << u"generic/events.json"_s << u"mapping-bare.json"_s
                                             << u"name pointer \"/title\" names nothing"_s;
}

void TestFeedParsers::malformed()
{
    QFETCH(Feed, feed);
    QFETCH(QString, file);
    QFETCH(QString, mapping);
    QFETCH(QString, expectedError);
    WebhookFeeds::Refusal refusal;
    QVERIFY(!WebhookFeeds::parse(feed, settingsWith(mapping), fixture(file), {}, received, &refusal));
    QCOMPARE(refusal.httpStatus, 400);
    QVERIFY2(refusal.reason.contains(expectedError), qPrintable(refusal.reason));
}

void TestFeedParsers::grafanaKeepsItsLinks()
{
    const auto alerts =
        WebhookFeeds::parse(Feed::Grafana, {}, fixture(u"grafana/firing-two.json"_s), {}, received, nullptr);
    QVERIFY(alerts);
    const Alert& first = alerts->at(0);
    QCOMPARE(first.generatorUrl, u"https://grafana.example.com/alerting/grafana/1afz29v7z/view?orgId=1"_s);
    QCOMPARE(first.annotations.value(u"dashboardURL"_s), u"https://grafana.example.com/d/payments?orgId=1"_s);
    QVERIFY(first.annotations.value(u"silenceURL"_s).startsWith(u"https://grafana.example.com/alerting/silence/"_s));
    QVERIFY(first.annotations.value(u"valueString"_s).contains(u"value=94.23943737541908"_s));
    QCOMPARE(first.annotations.value(u"runbook_url"_s), u"https://runbooks.example.com/payment/memory"_s);
    QCOMPARE(first.labels.value(u"grafana_folder"_s), u"Checkout"_s);
    // Empty links are left out; "values" is written out when there is no valueString.
    const Alert& second = alerts->at(1);
    QVERIFY(!second.annotations.contains(u"dashboardURL"_s));
    QCOMPARE(second.annotations.value(u"values"_s), u"B=88.5, C=1"_s);
}

void TestFeedParsers::pagerDutyIncidentKeepsOneFingerprint()
{
    QStringList fingerprints;
    QList<LabelSet> labels;
    for (const char* name : {"incident-triggered", "incident-acknowledged", "incident-resolved"}) {
        const auto alerts =
            WebhookFeeds::parse(Feed::PagerDuty, {}, fixture(u"pagerduty/"_s + QLatin1StringView(name) + u".json"_s),
                                {}, received, nullptr);
        QVERIFY(alerts && alerts->size() == 1);
        fingerprints << alerts->at(0).fingerprint;
        labels << alerts->at(0).labels;
    }
    QCOMPARE(fingerprints.size(), 3);
    QCOMPARE(fingerprints.count(fingerprints[0]), 3);
    QCOMPARE(labels[1], labels[0]); // acknowledging changes annotations only
    QCOMPARE(labels[2], labels[0]);
    QVERIFY(fingerprints[0] !=
            PagerDutyWebhookParser::fingerprintOf(u"PLW3A8C"_s)); // another incident, another fingerprint

    // Events about no incident state: valid and empty, so PagerDuty keeps the subscription enabled.
    for (const char* name : {"incident-annotated", "pagey-ping", "service-updated"}) {
        WebhookFeeds::Refusal refusal;
        const auto alerts =
            WebhookFeeds::parse(Feed::PagerDuty, {}, fixture(u"pagerduty/"_s + QLatin1StringView(name) + u".json"_s),
                                {}, received, &refusal);
        QVERIFY2(alerts, qPrintable(refusal.reason));
        QVERIFY2(alerts->isEmpty(), name);
    }
}

void TestFeedParsers::pagerDutyAnnotations()
{
    const auto alerts = WebhookFeeds::parse(Feed::PagerDuty, {}, fixture(u"pagerduty/incident-acknowledged.json"_s), {},
                                            received, nullptr);
    QVERIFY(alerts && alerts->size() == 1);
    const Alert& a = alerts->at(0);
    QCOMPARE(a.generatorUrl, u"https://acme.pagerduty.com/incidents/Q2R7XK4V9DZLMN"_s);
    QCOMPARE(a.annotations.value(u"pagerduty_status"_s), u"acknowledged"_s);
    QCOMPARE(a.annotations.value(u"pagerduty_event"_s), u"incident.acknowledged"_s);
    QCOMPARE(a.annotations.value(u"priority"_s), u"P1"_s);
    QCOMPARE(a.annotations.value(u"assignees"_s), u"Dana Oncall"_s);
    QCOMPARE(a.annotations.value(u"escalation_policy"_s), u"Data stores"_s);
    QCOMPARE(a.annotations.value(u"teams"_s), u"Platform"_s);
    QCOMPARE(a.annotations.value(u"incident_number"_s), u"4711"_s);
    QCOMPARE(a.labels.value(u"pagerduty_incident"_s), u"Q2R7XK4V9DZLMN"_s);
    QCOMPARE(a.labels.value(u"pagerduty_service"_s), u"PF9KMXH"_s);
}

void TestFeedParsers::genericLabelsAndAnnotations()
{
    const auto alerts = WebhookFeeds::parse(Feed::Generic, settingsWith(u"mapping.yaml"_s),
                                            fixture(u"generic/events.json"_s), {}, received, nullptr);
    QVERIFY(alerts && alerts->size() == 2);
    const Alert& a = alerts->at(0);
    QCOMPARE(a.labels.value(u"host"_s), u"web-3"_s);
    QCOMPARE(a.labels.value(u"region"_s), u"eu-1"_s);
    QCOMPARE(a.labels.value(u"severity"_s), u"critical"_s); // "CRITICAL" as the other feeds spell it
    QCOMPARE(a.annotations.value(u"summary"_s), u"12% of requests to /checkout answered 5xx"_s);
    QCOMPARE(a.generatorUrl, u"https://uptime.example.com/checks/8812"_s);
    QVERIFY(a.isFiring());              // "alerting" is not one of resolvedValues
    QVERIFY(!alerts->at(1).isFiring()); // "ok" is
    QVERIFY(alerts->at(1).generatorUrl.isEmpty());
}

void TestFeedParsers::genericFingerprintFallsBackToLabels()
{
    const auto one = WebhookFeeds::parse(Feed::Generic, settingsWith(u"mapping-bare.json"_s),
                                         fixture(u"generic/single.json"_s), {}, received, nullptr);
    const auto again = WebhookFeeds::parse(Feed::Generic, settingsWith(u"mapping-bare.json"_s),
                                           fixture(u"generic/single.json"_s), {}, received.addSecs(60), nullptr);
    QVERIFY(one && again);
    QCOMPARE(one->at(0).fingerprint, again->at(0).fingerprint);
    QCOMPARE(one->at(0).fingerprint.size(), 16);
    const auto other = WebhookFeeds::parse(Feed::Generic, settingsWith(u"mapping-bare.json"_s),
                                           fixture(u"generic/array.json"_s), {}, received, nullptr);
    QVERIFY(other);
    QVERIFY(other->at(1).fingerprint != one->at(0).fingerprint);
}

void TestFeedParsers::signature_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<int>("expected");
    const QByteArray body = fixture(u"pagerduty/incident-triggered.json"_s);
    const QByteArray good = PagerDutyWebhookParser::sign(body, "s3cr3t-current");
    const QByteArray old = PagerDutyWebhookParser::sign(body, "s3cr3t-previous");
    using S = PagerDutyWebhookParser::Signature;
    QTest::addRow("valid") << good << int(S::Valid);
    QTest::addRow("rotated, new last") << old + "," + good << int(S::Valid);
    QTest::addRow("rotated, new first, spaces") << good + " , " + old << int(S::Valid);
    QTest::addRow("upper-case hex") << "v1=" + good.mid(3).toUpper() << int(S::Valid);
    QTest::addRow("wrong secret") << old << int(S::Mismatch);
    QTest::addRow("one byte off") << good.left(good.size() - 1) + (good.endsWith('0') ? "1" : "0") << int(S::Mismatch);
    QTest::addRow("truncated") << good.left(20) << int(S::Mismatch);
    QTest::addRow("missing") << QByteArray() << int(S::Missing);
    QTest::addRow("other version only") << "v2=" + good.mid(3) << int(S::Missing);
    QTest::addRow("bare hex") << good.mid(3) << int(S::Missing);
}

void TestFeedParsers::signature()
{
    QFETCH(QByteArray, header);
    QFETCH(int, expected);
    const QByteArray body = fixture(u"pagerduty/incident-triggered.json"_s);
    QCOMPARE(int(PagerDutyWebhookParser::verifySignature(body, header, "s3cr3t-current")), expected);
    // The signature covers the raw bytes: the same JSON re-spaced is another body.
    if (expected == int(PagerDutyWebhookParser::Signature::Valid))
        QCOMPARE(int(PagerDutyWebhookParser::verifySignature(body + '\n', header, "s3cr3t-current")),
                 int(PagerDutyWebhookParser::Signature::Mismatch));
}

void TestFeedParsers::signatureGatesTheFeed()
{
    const QByteArray body = fixture(u"pagerduty/incident-triggered.json"_s);
    WebhookFeeds::Settings settings;
    settings.pagerDutySecret = "s3cr3t-current";
    WebhookFeeds::Refusal refusal;
    QVERIFY(!WebhookFeeds::parse(Feed::PagerDuty, settings, body, {}, received, &refusal));
    QCOMPARE(refusal.httpStatus, 401);
    QVERIFY(refusal.reason.contains(u"missing X-PagerDuty-Signature"_s));
    QVERIFY(!WebhookFeeds::parse(Feed::PagerDuty, settings, body, PagerDutyWebhookParser::sign(body, "guess"), received,
                                 &refusal));
    QCOMPARE(refusal.httpStatus, 401);
    QVERIFY(refusal.reason.contains(u"does not match"_s));
    // Signed garbage is authentic but still malformed: 400, not 401.
    QVERIFY(!WebhookFeeds::parse(Feed::PagerDuty, settings, "{}", PagerDutyWebhookParser::sign("{}", "s3cr3t-current"),
                                 received, &refusal));
    QCOMPARE(refusal.httpStatus, 400);
    const auto alerts = WebhookFeeds::parse(Feed::PagerDuty, settings, body,
                                            PagerDutyWebhookParser::sign(body, "s3cr3t-current"), received, &refusal);
    QVERIFY2(alerts, qPrintable(refusal.reason));
    QCOMPARE(alerts->size(), 1);
    // Without a secret the header is not looked at.
    QVERIFY(WebhookFeeds::parse(Feed::PagerDuty, {}, body, "v1=nonsense", received, nullptr));
}

void TestFeedParsers::genericWithoutMappingIs501()
{
    WebhookFeeds::Refusal refusal;
    QVERIFY(!WebhookFeeds::parse(Feed::Generic, {}, fixture(u"generic/single.json"_s), {}, received, &refusal));
    QCOMPARE(refusal.httpStatus, 501);
    QVERIFY(refusal.reason.contains(u"--generic-mapping"_s));
}

void TestFeedParsers::mappingErrors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expectedError");
    QTest::addRow("no name") << QByteArray("service: /svc\n") << u"name is required"_s;
    QTest::addRow("not a pointer") << QByteArray("name: title\n")
                                   << u"name: \"title\" is not a JSON pointer (RFC 6901: it starts with '/')"_s;
    QTest::addRow("bad escape") << QByteArray("name: /a~2b\n") << u"'~' must be followed by 0 or 1"_s;
    QTest::addRow("typo") << QByteArray("name: /t\nsevrity: /s\n") << u"unknown key \"sevrity\""_s;
    QTest::addRow("label not pointer") << QByteArray("name: /t\nlabels:\n  host: hostname\n")
                                       << u"labels.host: \"hostname\" is not a JSON pointer"_s;
    QTest::addRow("labels not map") << QByteArray("name: /t\nlabels: [/a]\n")
                                    << u"labels: expected a map of name: pointer"_s;
    QTest::addRow("alertname as label") << QByteArray("name: /t\nlabels: {alertname: /x}\n")
                                        << u"labels.alertname is already mapped by its own key"_s;
    QTest::addRow("empty resolvedValues")
        << QByteArray("name: /t\nresolvedValues: []\n") << u"resolvedValues: expected a non-empty list"_s;
    QTest::addRow("not a map") << QByteArray("- /t\n") << u"must be a map"_s;
    QTest::addRow("broken yaml") << QByteArray("name: [/t\n") << u"not valid YAML or JSON"_s;
    QTest::addRow("broken json") << QByteArray(R"({"name": "/t",)") << u"not valid YAML or JSON"_s;
}

void TestFeedParsers::mappingErrors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expectedError);
    QString error;
    QVERIFY(!GenericJsonMapping::fromYaml(text, &error));
    QVERIFY2(error.contains(expectedError), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestFeedParsers)
#include "tst_feedparsers.moc"
