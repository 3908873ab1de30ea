// Tests for the feed parsers: Alertmanager webhook v4, Alertmanager API v2, scenario files and the
// RFC 3339 helper they share.

#include "ingest/alertmanagerapiparser.h"
#include "ingest/alertmanagerwebhookparser.h"
#include "ingest/alertmanagerwebhooksax.h"
#include "ingest/alertsink.h"
#include "ingest/replaysource.h"
#include "ingest/scenarioreader.h"
#include "ingest/timeparse.h"
#include "ingest/webhookalertspans.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <functional>

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace {

json goodAlert(const std::string& name, const std::string& service)
{
    return json{{"status", "firing"},
                {"labels", {{"alertname", name}, {"service", service}, {"severity", "critical"}}},
                {"annotations", {{"summary", name + " on " + service}}},
                {"startsAt", "2026-11-27T23:47:00.123456789Z"},
                {"endsAt", "0001-01-01T00:00:00Z"},
                {"generatorURL", "http://prometheus:9090/graph?g0.expr=up"},
                {"fingerprint", "a1b2c3d4e5f60718"}};
}

json goodWebhook()
{
    json alerts = json::array({goodAlert("DatabaseConnectionPoolExhausted", "postgres-main"),
                               goodAlert("ServiceErrorRateHigh", "checkout"), goodAlert("HighCPU", "frontend")});
    alerts[1].erase("fingerprint");
    alerts[2]["status"] = "resolved";
    alerts[2]["endsAt"] = "2026-11-27T23:59:00+01:00";
    return json{{"version", "4"},
                {"groupKey", "{}:{alertname=\"X\"}"},
                {"status", "firing"},
                {"receiver", "nightwatch"},
                {"groupLabels", {{"alertname", "X"}}},
                {"commonLabels", {{"severity", "critical"}}},
                {"commonAnnotations", json::object()},
                {"externalURL", "http://alertmanager:9093"},
                {"alerts", alerts}};
}

QByteArray bytes(const json& j)
{
    const std::string s = j.dump();
    return QByteArray(s.data(), qsizetype(s.size()));
}

QDateTime utc(const char* iso)
{
    QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs);
    t.setTimeSpec(Qt::UTC);
    return t;
}

} // namespace

class TestAlertParsers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void timestamps_data();
    void timestamps();
    void goZeroTimeIsUnknown();

    void webhookGood();
    void webhookInvalid_data();
    void webhookInvalid();
    void webhookEmptyAlerts();
    void webhookUnicodeAndUnknownFields();
    void webhookFingerprintFallback();
    void webhookFastPathMatchesDom_data();
    void webhookFastPathMatchesDom();
    void webhookChangedObjectIsNotARepeat_data();
    void webhookChangedObjectIsNotARepeat();
    void webhookBrokenAroundKnownObjects_data();
    void webhookBrokenAroundKnownObjects();
    void alertSpans_data();
    void alertSpans();
    void alertStateSpans_data();
    void alertStateSpans();

    void apiAlerts();
    void apiInvalid_data();
    void apiInvalid();
    void apiGroups();

    void scenarioFixture();
    void scenarioGenerated();
    void scenarioInvalid_data();
    void scenarioInvalid();

    void replayAllAtOnce();
    void replayPaced();
    void replayBadFile();
};

void TestAlertParsers::timestamps_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected"); // invalid: must be rejected

    QTest::addRow("utc") << u"2026-11-27T23:47:00Z"_s << utc("2026-11-27T23:47:00.000");
    QTest::addRow("nanoseconds") << u"2026-11-27T23:47:00.123456789Z"_s << utc("2026-11-27T23:47:00.123");
    QTest::addRow("one fractional digit") << u"2026-11-27T23:47:00.5Z"_s << utc("2026-11-27T23:47:00.500");
    QTest::addRow("plus offset") << u"2026-11-27T23:47:00+01:00"_s << utc("2026-11-27T22:47:00.000");
    QTest::addRow("minus offset, day rolls") << u"2026-11-27T23:47:00.25-05:30"_s << utc("2026-11-28T05:17:00.250");
    QTest::addRow("lower case") << u"2026-11-27t23:47:00z"_s << utc("2026-11-27T23:47:00.000");
    QTest::addRow("no zone") << u"2026-11-27T23:47:00"_s << QDateTime();
    QTest::addRow("offset without colon") << u"2026-11-27T23:47:00+0100"_s << QDateTime();
    QTest::addRow("empty fraction") << u"2026-11-27T23:47:00.Z"_s << QDateTime();
    QTest::addRow("month 13") << u"2026-13-01T00:00:00Z"_s << QDateTime();
    QTest::addRow("trailing junk") << u"2026-11-27T23:47:00Zjunk"_s << QDateTime();
    QTest::addRow("garbage") << u"yesterday"_s << QDateTime();
    QTest::addRow("empty") << QString() << QDateTime();
}

void TestAlertParsers::timestamps()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);
    const QDateTime parsed = TimeParse::parseRfc3339(text);
    QCOMPARE(parsed.isValid(), expected.isValid());
    if (expected.isValid()) {
        QCOMPARE(parsed.timeSpec(), Qt::UTC);
        QCOMPARE(parsed.toMSecsSinceEpoch(), expected.toMSecsSinceEpoch());
    }
}

void TestAlertParsers::goZeroTimeIsUnknown()
{
    bool ok = false;
    QVERIFY(!TimeParse::parseAlertTime("0001-01-01T00:00:00Z", &ok).isValid());
    QVERIFY(ok); // well-formed, just "unknown"
    QVERIFY(!TimeParse::parseAlertTime("0001-13-01T00:00:00Z", &ok).isValid());
    QVERIFY(!ok);
    QCOMPARE(TimeParse::toRfc3339(utc("2026-11-27T23:47:00.120")), u"2026-11-27T23:47:00.120Z"_s);
}

void TestAlertParsers::webhookGood()
{
    const QDateTime received = utc("2026-11-27T23:48:00.000");
    QString error;
    const auto w = AlertmanagerWebhookParser::parse(bytes(goodWebhook()), &error, received);
    QVERIFY2(w, qPrintable(error));
    QCOMPARE(w->version, u"4"_s);
    QCOMPARE(w->receiver, u"nightwatch"_s);
    QCOMPARE(w->status, u"firing"_s);
    QCOMPARE(w->externalUrl, u"http://alertmanager:9093"_s);
    QCOMPARE(w->groupLabels.value(u"alertname"_s), u"X"_s);
    QCOMPARE(w->commonLabels.value(u"severity"_s), u"critical"_s);
    QCOMPARE(w->alerts.size(), 3);

    const Alert& a = w->alerts[0];
    QCOMPARE(a.fingerprint, u"a1b2c3d4e5f60718"_s);
    QCOMPARE(a.alertName(), u"DatabaseConnectionPoolExhausted"_s);
    QCOMPARE(a.service(), u"postgres-main"_s);
    QCOMPARE(a.annotations.value(u"summary"_s), u"DatabaseConnectionPoolExhausted on postgres-main"_s);
    QCOMPARE(a.status, Alert::Status::Firing);
    QCOMPARE(a.startsAt, utc("2026-11-27T23:47:00.123"));
    QVERIFY(!a.endsAt.isValid()); // Go zero time: no end known
    QCOMPARE(a.generatorUrl, u"http://prometheus:9090/graph?g0.expr=up"_s);
    QCOMPARE(a.receivedAt, received);
    QCOMPARE(a.source, u"webhook:alertmanager"_s);

    QCOMPARE(w->alerts[1].fingerprint, Alert::fingerprintOf(w->alerts[1].labels));
    QCOMPARE(w->alerts[2].status, Alert::Status::Resolved);
    QCOMPARE(w->alerts[2].endsAt, utc("2026-11-27T22:59:00.000"));
}

void TestAlertParsers::webhookInvalid_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expectedError");

    auto row = [](const char* tag, const std::function<void(json&)>& mutate, const QString& expected) {
        json j = goodWebhook();
        mutate(j);
        QTest::addRow("%s", tag) << bytes(j) << expected;
    };
    QTest::addRow("not json") << QByteArray("{\"version\": \"4\", ") << u"not valid JSON"_s;
    QTest::addRow("top-level array") << QByteArray("[]") << u"payload must be a JSON object"_s;
    row(
        "version missing", [](json& j) { j.erase("version"); }, u"version is required"_s);
    row(
        "version number", [](json& j) { j["version"] = 4; }, u"version must be a string"_s);
    row(
        "version 3", [](json& j) { j["version"] = "3"; }, u"version must be \"4\""_s);
    row(
        "status invalid", [](json& j) { j["status"] = "pending"; }, u"status must be"_s);
    row(
        "groupLabels not object", [](json& j) { j["groupLabels"] = "x"; }, u"groupLabels must be an object"_s);
    row(
        "commonLabels value number", [](json& j) { j["commonLabels"]["severity"] = 3; },
        u"commonLabels.severity must be a string"_s);
    row(
        "alerts missing", [](json& j) { j.erase("alerts"); }, u"alerts is required"_s);
    row(
        "alerts object", [](json& j) { j["alerts"] = json::object(); }, u"alerts must be an array"_s);
    row(
        "alert not object", [](json& j) { j["alerts"][1] = "x"; }, u"alerts[1] must be an object"_s);
    row(
        "labels missing", [](json& j) { j["alerts"][0].erase("labels"); }, u"alerts[0].labels is required"_s);
    row(
        "labels array", [](json& j) { j["alerts"][2]["labels"] = json::array(); },
        u"alerts[2].labels must be an object"_s);
    row(
        "labels empty", [](json& j) { j["alerts"][2]["labels"] = json::object(); },
        u"alerts[2].labels must not be empty"_s);
    row(
        "label value number", [](json& j) { j["alerts"][1]["labels"]["severity"] = 2; },
        u"alerts[1].labels.severity must be a string"_s);
    row(
        "label value null", [](json& j) { j["alerts"][1]["labels"]["severity"] = nullptr; },
        u"alerts[1].labels.severity must be a string"_s);
    row(
        "annotations string", [](json& j) { j["alerts"][0]["annotations"] = "x"; },
        u"alerts[0].annotations must be an object"_s);
    row(
        "status missing", [](json& j) { j["alerts"][2].erase("status"); }, u"alerts[2].status is required"_s);
    row(
        "status unknown", [](json& j) { j["alerts"][0]["status"] = "active"; }, u"alerts[0].status must be"_s);
    row(
        "startsAt missing", [](json& j) { j["alerts"][1].erase("startsAt"); }, u"alerts[1].startsAt is required"_s);
    row(
        "startsAt number", [](json& j) { j["alerts"][1]["startsAt"] = 1700000000; },
        u"alerts[1].startsAt must be an RFC 3339 string"_s);
    row(
        "startsAt malformed", [](json& j) { j["alerts"][1]["startsAt"] = "27/11/2026"; },
        u"alerts[1].startsAt is not an RFC 3339 timestamp"_s);
    row(
        "endsAt malformed", [](json& j) { j["alerts"][0]["endsAt"] = "soon"; },
        u"alerts[0].endsAt is not an RFC 3339 timestamp"_s);
    row(
        "fingerprint number", [](json& j) { j["alerts"][0]["fingerprint"] = 12; },
        u"alerts[0].fingerprint must be a string"_s);
    row(
        "generatorURL object", [](json& j) { j["alerts"][0]["generatorURL"] = json::object(); },
        u"alerts[0].generatorURL must be a string"_s);
}

void TestAlertParsers::webhookInvalid()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, expectedError);
    QString error;
    const auto w = AlertmanagerWebhookParser::parse(body, &error);
    QVERIFY(!w);
    QVERIFY2(error.contains(expectedError), qPrintable(u"got: "_s + error));
    QVERIFY(!error.contains(u'\n'));
    // The SAX fast path must never accept what the DOM reader rejects, read whole or in halves.
    QVERIFY(!AlertmanagerWebhookSax::read(body, QDateTime::currentDateTimeUtc(), u"webhook:test"_s));
    QVERIFY(!AlertmanagerWebhookSax::readInTwoParts(body, QDateTime::currentDateTimeUtc(), u"webhook:test"_s));
}

void TestAlertParsers::webhookFastPathMatchesDom_data()
{
    QTest::addColumn<QByteArray>("body");

    auto row = [](const char* tag, const std::function<void(json&)>& mutate) {
        json j = goodWebhook();
        mutate(j);
        QTest::addRow("%s", tag) << bytes(j);
    };
    row("as sent", [](json&) {});
    row("no alerts", [](json& j) { j["alerts"] = json::array(); });
    row("unknown fields of every type", [](json& j) {
        j["truncatedAlerts"] = 7;
        j["routeLabels"] = {{"team", "db"}, {"nested", {{"deep", json::array({1, json::object(), "x"})}}}};
        j["flag"] = true;
        j["ratio"] = 0.5;
        j["alerts"][1]["extra"] = json::array({json::array(), json::object({{"a", nullptr}})});
    });
    row("nulls for optional fields", [](json& j) {
        j["groupKey"] = nullptr;
        j["commonAnnotations"] = nullptr;
        j["alerts"][0]["endsAt"] = nullptr;
        j["alerts"][0]["annotations"] = nullptr;
        j["alerts"][0]["generatorURL"] = nullptr;
        j["alerts"][0]["fingerprint"] = nullptr;
    });
    row("truncatedAlerts not a number", [](json& j) { j["truncatedAlerts"] = "many"; });
    row("unicode and escapes", [](json& j) {
        j["alerts"][0]["labels"]["サービス"] = "データベース 🚀";
        j["alerts"][0]["labels"]["équipe"] = "paie\"ments\"\n\t\u0001";
        j["alerts"][2]["annotations"]["description"] = "Ünïcödé ✓";
    });
    row("no fingerprints", [](json& j) {
        for (auto& a : j["alerts"])
            a.erase("fingerprint");
    });
    row("numeric offset and fractions", [](json& j) {
        j["alerts"][0]["startsAt"] = "2026-11-27T23:47:00.5+05:30";
        j["alerts"][1]["endsAt"] = "2026-11-28t00:00:00.999999z";
    });
    row("brackets, quotes and backslashes inside strings", [](json& j) {
        j["alerts"][0]["annotations"]["summary"] = "}]{[\"\\\\\"";
        j["alerts"][1]["labels"]["path"] = "C:\\dir\\";
        j["receiver"] = "{\"alerts\":[1]}";
    });
    row("same object twice in one payload", [](json& j) { j["alerts"][1] = j["alerts"][0]; });
    // More alert objects than the reader remembers (two generations of 4,096): read without remembering them.
    row("more alerts than the object cache holds", [](json& j) {
        const json first = j["alerts"][0];
        for (int i = 0; i < 9000; ++i) {
            json a = first;
            a["labels"]["instance"] = "host-" + std::to_string(i);
            a.erase("fingerprint");
            j["alerts"].push_back(a);
        }
        j["alerts"].push_back(first); // a repeat of the first object, after all the others
    });
    // 20,000 alert objects or more are read in two parts at once, each half its own: the halves (an odd count, so
    // they differ) must join in body order, with what is unusual on either side of the cut.
    row("read in two parts", [](json& j) {
        const json first = j["alerts"][0];
        for (int i = 0; i < 20'000; ++i) {
            json a = first;
            a["labels"]["instance"] = "host-" + std::to_string(i);
            if (i % 2)
                a.erase("fingerprint");
            if (i % 7 == 0)
                a["annotations"]["summary"] = "Ünïcödé ✓ \"quoted\" " + std::to_string(i);
            if (i % 11 == 0)
                a["status"] = "resolved";
            j["alerts"].push_back(a);
        }
        j["alerts"].push_back(first);
    });
    // The fast reader hashes the label bytes as read: names beyond ASCII, a name from U+E000 up (whose UTF-16 order
    // is not its UTF-8 order), a name given twice (the last value counts) and labels given twice.
    row("fingerprints of unusual label sets", [](json& j) {
        for (auto& a : j["alerts"])
            a.erase("fingerprint");
        j["alerts"][0]["labels"]["サービス"] = "データベース";
        j["alerts"][0]["labels"]["zone"] = "\u00e9t\u00e9";
        j["alerts"][1]["labels"]["\ue000private"] = "x";
        j["alerts"][1]["labels"]["\U0001F680rocket"] = "y";
        j["alerts"][2]["labels"]["empty"] = "";
    });
    QTest::addRow("fingerprint of repeated label names") << QByteArray(
        R"({"version":"4","alerts":[{"status":"firing","startsAt":"2026-11-27T23:47:00Z",
        "labels":{"b":"1","a":"2","b":"3"}},{"status":"firing","startsAt":"2026-11-27T23:47:00Z",
        "labels":{"gone":"1"},"labels":{"z":"\u0000","y":"\ud83d\ude80","z":"last"}}]})");
    // Numbers the fast reader leaves to nlohmann (fractions, exponents, long integers) and big integers it reads.
    QTest::addRow("numbers of every form") << QByteArray(
        R"({"version":"4","truncatedAlerts":123456789012345678,"x":[-0,0,1e3,-2.5E-2,12345678901234567890,-9],
        "alerts":[]})");
    QTest::addRow("pretty-printed") << QByteArray::fromStdString(goodWebhook().dump(4));
    // Repeated keys: both readers keep the last value.
    QTest::addRow("repeated keys") << QByteArray(
        R"({"version":"4","receiver":"a","receiver":"b","alerts":[{"status":"resolved","status":"firing",
        "startsAt":"2026-11-27T23:47:00Z","labels":{"x":"1"},"labels":{"alertname":"A","alertname":"B"},
        "generatorURL":"u","generatorURL":null}]})");
}

namespace {
// Every field the parsers fill, one by one so a failure names the field.
void compareWebhooks(const AlertmanagerWebhook& fast, const AlertmanagerWebhook& dom)
{
    QCOMPARE(fast.version, dom.version);
    QCOMPARE(fast.groupKey, dom.groupKey);
    QCOMPARE(fast.status, dom.status);
    QCOMPARE(fast.receiver, dom.receiver);
    QCOMPARE(fast.externalUrl, dom.externalUrl);
    QCOMPARE(fast.groupLabels, dom.groupLabels);
    QCOMPARE(fast.commonLabels, dom.commonLabels);
    QCOMPARE(fast.commonAnnotations, dom.commonAnnotations);
    QCOMPARE(fast.truncatedAlerts, dom.truncatedAlerts);
    QCOMPARE(fast.alerts.size(), dom.alerts.size());
    for (qsizetype i = 0; i < fast.alerts.size(); ++i) {
        const Alert& f = fast.alerts[i];
        const Alert& d = dom.alerts[i];
        QCOMPARE(f.fingerprint, d.fingerprint);
        QCOMPARE(f.labels, d.labels);
        QCOMPARE(f.annotations, d.annotations);
        QCOMPARE(f.status, d.status);
        QCOMPARE(f.startsAt, d.startsAt);
        QCOMPARE(f.endsAt, d.endsAt);
        QCOMPARE(f.generatorUrl, d.generatorUrl);
        QCOMPARE(f.receivedAt, d.receivedAt);
        QCOMPARE(f.source, d.source);
    }
}
} // namespace

void TestAlertParsers::webhookFastPathMatchesDom()
{
    QFETCH(QByteArray, body);
    // The second read finds every alert object among those already read (AlertObjectCache): a repeat must
    // come out exactly as a first reading, with this delivery's time and source, not the cached one's.
    const QDateTime first = utc("2026-11-27T23:48:00.000");
    const QDateTime second = utc("2026-11-27T23:53:00.000");
    for (const auto& [received, source] : {std::pair{first, u"webhook:alertmanager"_s}, std::pair{second, u"webhook:other"_s}}) {
        const auto fast = AlertmanagerWebhookSax::read(body, received, source);
        QVERIFY2(fast, "the fast path must take every well-formed payload");
        QString error;
        const auto dom = AlertmanagerWebhookParser::parse(json::parse(body.constData()), &error, received, source);
        QVERIFY2(dom, qPrintable(error));
        compareWebhooks(*fast, *dom);
        if (QTest::currentTestFailed())
            return;
        // The reading in two halves that read() keeps for bodies of 20,000 alerts or more, on this one: every row's
        // unusual objects, and the cut between the halves falls among the few alerts of each.
        const auto halves = AlertmanagerWebhookSax::readInTwoParts(body, received, source);
        if (dom->alerts.size() < 2) {
            QVERIFY2(!halves, "fewer than two alerts make no halves");
            continue;
        }
        QVERIFY2(halves, "the reading in halves must take every well-formed payload");
        compareWebhooks(*halves, *dom);
        if (QTest::currentTestFailed())
            return;
    }
}

void TestAlertParsers::webhookChangedObjectIsNotARepeat_data()
{
    QTest::addColumn<QByteArray>("changed");
    // The first alert of goodWebhook() as it is re-sent after a change; its fingerprint stays the same.
    auto row = [](const char* tag, const std::function<void(json&)>& mutate) {
        json j = goodWebhook();
        mutate(j["alerts"][0]);
        QTest::addRow("%s", tag) << bytes(j);
    };
    row("resolved", [](json& a) {
        a["status"] = "resolved";
        a["endsAt"] = "2026-11-28T00:10:00Z";
    });
    row("new endsAt", [](json& a) { a["endsAt"] = "2026-11-28T00:10:00Z"; });
    row("annotation edited", [](json& a) { a["annotations"]["summary"] = "worse now"; });
    row("label value", [](json& a) { a["labels"]["severity"] = "warning"; });
    row("new startsAt", [](json& a) { a["startsAt"] = "2026-11-27T23:47:01Z"; });
    row("one byte of whitespace", [](json& a) { a["annotations"]["summary"] = a["annotations"]["summary"].get<std::string>() + " "; });
    // Only status and endsAt changed: read from the firing object's identity (AlertStateSpans), which must
    // give what a full reading gives.
    row("resolved, endsAt with offset and fraction", [](json& a) {
        a["status"] = "resolved";
        a["endsAt"] = "2026-11-28T01:10:00.25+01:00";
    });
    row("firing again, endsAt ahead", [](json& a) { a["endsAt"] = "2026-11-28T00:14:00Z"; });
    row("resolved, annotation edited too", [](json& a) {
        a["status"] = "resolved";
        a["endsAt"] = "2026-11-28T00:10:00Z";
        a["annotations"]["summary"] = "recovered";
    });
    // Byte-level variants nlohmann would never write: the scan must step aside and the parser read them.
    auto resolvedBytes = [](const char* tag, const char* from, const char* to) {
        json j = goodWebhook();
        j["alerts"][0]["status"] = "resolved";
        j["alerts"][0]["endsAt"] = "2026-11-28T00:10:00Z";
        QByteArray b = bytes(j);
        const qsizetype at = b.indexOf(from);
        QVERIFY2(at >= 0, tag);
        b.replace(at, qsizetype(qstrlen(from)), to);
        QTest::addRow("%s", tag) << b;
    };
    resolvedBytes("resolved, escaped endsAt", "00:10:00Z", "00:10:00\\u005a");
    resolvedBytes("resolved, escaped status", "\"resolved\"", "\"resolve\\u0064\"");
    resolvedBytes("resolved, status repeated at the end", "\"status\":\"resolved\"}",
                  "\"status\":\"firing\",\"status\":\"resolved\"}");
    resolvedBytes("resolved, spaces around the values", "\"endsAt\":\"", "\"endsAt\" :  \"");
}

void TestAlertParsers::webhookChangedObjectIsNotARepeat()
{
    QFETCH(QByteArray, changed);
    const QDateTime received = utc("2026-11-27T23:48:00.000");
    QVERIFY(AlertmanagerWebhookSax::read(bytes(goodWebhook()), received, u"webhook:alertmanager"_s)); // now known
    const auto fast = AlertmanagerWebhookSax::read(changed, received, u"webhook:alertmanager"_s);
    QVERIFY(fast);
    QString error;
    const auto dom = AlertmanagerWebhookParser::parse(json::parse(changed.constData()), &error, received);
    QVERIFY2(dom, qPrintable(error));
    compareWebhooks(*fast, *dom);
}

void TestAlertParsers::webhookBrokenAroundKnownObjects_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expectedError");
    // The alert objects are all known (read just before): what is wrong lies between or around them, and the
    // DOM reader must still be the one to say what.
    const std::string good = goodWebhook().dump();
    const std::string a0 = goodWebhook()["alerts"][0].dump();
    const auto body = [](const std::string& s) { return QByteArray::fromStdString(s); };
    QTest::addRow("trailing garbage") << body(good + "x") << u"not valid JSON"_s;
    QTest::addRow("no comma between alerts")
        << body(R"({"version":"4","alerts":[)" + a0 + a0 + "]}") << u"not valid JSON"_s;
    QTest::addRow("trailing comma in alerts")
        << body(R"({"version":"4","alerts":[)" + a0 + ",]}") << u"not valid JSON"_s;
    QTest::addRow("version 3") << body(R"({"version":"3","alerts":[)" + a0 + "]}") << u"version must be"_s;
    QTest::addRow("no version") << body(R"({"alerts":[)" + a0 + "]}") << u"version is required"_s;
    QTest::addRow("alerts twice, last is an object")
        << body(R"({"version":"4","alerts":[)" + a0 + R"(],"alerts":{}})") << u"alerts must be an array"_s;
    QTest::addRow("escaped key spelling alerts")
        << body(R"({"version":"4","alerts":[)" + a0 + R"(],"\u0061lerts":null})") << u"alerts is required"_s;
    QTest::addRow("alert among known ones invalid")
        << body(R"({"version":"4","alerts":[)" + a0 + R"(,{"status":"firing"}]})") << u"alerts[1].labels is required"_s;
    QTest::addRow("unclosed") << body(good.substr(0, good.size() - 1)) << u"not valid JSON"_s;
    // A body read in two parts (20,000 alert objects or more) with one bad object: in either half, at either end
    // of the second one.
    const auto twoParts = [&](int bad) {
        std::string alerts;
        for (int i = 0; i < 20'001; ++i) {
            json a = goodWebhook()["alerts"][0];
            a["labels"]["instance"] = "host-" + std::to_string(i);
            if (i == bad)
                a.erase("labels");
            alerts += (i ? "," : "") + a.dump();
        }
        return body(R"({"version":"4","alerts":[)" + alerts + "]}");
    };
    QTest::addRow("two parts, bad alert in the first") << twoParts(3) << u"alerts[3].labels is required"_s;
    QTest::addRow("two parts, bad alert first of the second")
        << twoParts(10'000) << u"alerts[10000].labels is required"_s;
    QTest::addRow("two parts, bad alert last") << twoParts(20'000) << u"alerts[20000].labels is required"_s;
    // A known alert re-sent with only its state changed, to something no alert can have.
    json badState = goodWebhook()["alerts"][0];
    badState["status"] = "Resolved";
    QTest::addRow("known alert, status misspelt")
        << body(R"({"version":"4","alerts":[)" + badState.dump() + "]}") << u"alerts[0].status must be"_s;
    badState["status"] = "resolved";
    badState["endsAt"] = "2026-11-28 00:10";
    QTest::addRow("known alert, endsAt not a timestamp")
        << body(R"({"version":"4","alerts":[)" + badState.dump() + "]}") << u"alerts[0].endsAt is not an RFC 3339"_s;
}

void TestAlertParsers::webhookBrokenAroundKnownObjects()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, expectedError);
    QVERIFY(AlertmanagerWebhookSax::read(bytes(goodWebhook()), QDateTime::currentDateTimeUtc(), u"webhook:test"_s));
    QVERIFY(!AlertmanagerWebhookSax::read(body, QDateTime::currentDateTimeUtc(), u"webhook:test"_s));
    QVERIFY(!AlertmanagerWebhookSax::readInTwoParts(body, QDateTime::currentDateTimeUtc(), u"webhook:test"_s));
    QString error;
    QVERIFY(!AlertmanagerWebhookParser::parse(body, &error));
    QVERIFY2(error.contains(expectedError), qPrintable(u"got: "_s + error));
}

void TestAlertParsers::alertSpans_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("elements"); // empty with envelope "": the scan must give up
    QTest::addColumn<QByteArray>("envelope");
    QTest::addRow("two alerts") << QByteArray(R"( {"version":"4", "alerts" : [ {"a":1} ,{"b":[{}]}] ,"x":null} )")
                                << QStringList{u"{\"a\":1}"_s, u"{\"b\":[{}]}"_s}
                                << QByteArray(R"( {"version":"4", "alerts" : [] ,"x":null} )");
    QTest::addRow("empty array") << QByteArray(R"({"alerts":[],"v":{"alerts":[{}]}})") << QStringList{}
                                 << QByteArray(R"({"alerts":[],"v":{"alerts":[{}]}})");
    QTest::addRow("strings with brackets and escapes")
        << QByteArray(R"({"k":"\"}","alerts":[{"s":"}\"]\\"},{"t":"\\"}]})")
        << QStringList{uR"({"s":"}\"]\\"})"_s, uR"({"t":"\\"})"_s} << QByteArray(R"({"k":"\"}","alerts":[]})");
    QTest::addRow("nested alerts key is not the array") << QByteArray(R"({"g":{"alerts":[{"x":1}]},"alerts":[]})")
                                                         << QStringList{} << QByteArray(R"({"g":{"alerts":[{"x":1}]},"alerts":[]})");
    QTest::addRow("no alerts") << QByteArray(R"({"version":"4"})") << QStringList{} << QByteArray();
    QTest::addRow("alerts null") << QByteArray(R"({"alerts":null})") << QStringList{} << QByteArray();
    QTest::addRow("alerts twice") << QByteArray(R"({"alerts":[],"alerts":[]})") << QStringList{} << QByteArray();
    QTest::addRow("escaped key") << QByteArray(R"({"\u0061lerts":[],"alerts":[]})") << QStringList{} << QByteArray();
    QTest::addRow("element not an object") << QByteArray(R"({"alerts":["x"]})") << QStringList{} << QByteArray();
    QTest::addRow("unbalanced") << QByteArray(R"({"alerts":[{"a":[1}]})") << QStringList{} << QByteArray();
    QTest::addRow("unterminated string") << QByteArray(R"({"alerts":[{"a":"x}]})") << QStringList{} << QByteArray();
    QTest::addRow("array at top") << QByteArray(R"([{"alerts":[]}])") << QStringList{} << QByteArray();
}

void TestAlertParsers::alertSpans()
{
    QFETCH(QByteArray, body);
    QFETCH(QStringList, elements);
    QFETCH(QByteArray, envelope);
    const auto spans = WebhookAlertSpans::scan(body);
    if (envelope.isEmpty()) {
        QVERIFY(!spans);
        return;
    }
    QVERIFY(spans);
    QCOMPARE(spans->envelope, envelope);
    QStringList found;
    for (const QByteArrayView e : spans->elements)
        found << QString::fromUtf8(e);
    QCOMPARE(found, elements);
}

void TestAlertParsers::alertStateSpans_data()
{
    QTest::addColumn<QByteArray>("object");
    QTest::addColumn<QByteArray>("identity"); // empty: the scan must give up
    QTest::addColumn<QByteArray>("status");
    QTest::addColumn<QByteArray>("endsAt");
    QTest::addRow("status first") << QByteArray(
                                         R"({"status":"resolved","labels":{"a":"b"},"endsAt":"2026-11-28T00:10:00Z"})")
                                  << QByteArray(R"({"status":"","labels":{"a":"b"},"endsAt":""})")
                                  << QByteArray("resolved") << QByteArray("2026-11-28T00:10:00Z");
    QTest::addRow("endsAt first, spaces")
        << QByteArray(R"( { "endsAt" : "x" , "status": "firing" } )")
        << QByteArray(R"( { "endsAt" : "" , "status": "" } )") << QByteArray("firing") << QByteArray("x");
    QTest::addRow("nested keys are not the alert's")
        << QByteArray(R"({"labels":{"status":"a","endsAt":"b"},"status":"firing","endsAt":"c"})")
        << QByteArray(R"({"labels":{"status":"a","endsAt":"b"},"status":"","endsAt":""})") << QByteArray("firing")
        << QByteArray("c");
    QTest::addRow("quotes and brackets in other values")
        << QByteArray(R"({"s":"\"status\":\"x\"}","status":"firing","endsAt":""})")
        << QByteArray(R"({"s":"\"status\":\"x\"}","status":"","endsAt":""})") << QByteArray("firing") << QByteArray("");
    QTest::addRow("no endsAt") << QByteArray(R"({"status":"firing"})") << QByteArray() << QByteArray() << QByteArray();
    QTest::addRow("status twice") << QByteArray(R"({"status":"firing","endsAt":"x","status":"resolved"})")
                                  << QByteArray() << QByteArray() << QByteArray();
    QTest::addRow("escaped value") << QByteArray(R"({"status":"firing","endsAt":"\u0030"})") << QByteArray()
                                   << QByteArray() << QByteArray();
    QTest::addRow("escaped key") << QByteArray(R"({"st\u0061tus":"firing","status":"firing","endsAt":"x"})")
                                 << QByteArray() << QByteArray() << QByteArray();
    QTest::addRow("status not a string") << QByteArray(R"({"status":1,"endsAt":"x"})") << QByteArray() << QByteArray()
                                         << QByteArray();
    QTest::addRow("empty object") << QByteArray("{}") << QByteArray() << QByteArray() << QByteArray();
    QTest::addRow("unterminated") << QByteArray(R"({"status":"firing","endsAt":"x)") << QByteArray() << QByteArray()
                                  << QByteArray();
}

void TestAlertParsers::alertStateSpans()
{
    QFETCH(QByteArray, object);
    QFETCH(QByteArray, identity);
    QFETCH(QByteArray, status);
    QFETCH(QByteArray, endsAt);
    const auto spans = AlertStateSpans::scan(object);
    if (identity.isEmpty()) {
        QVERIFY(!spans);
        return;
    }
    QVERIFY(spans);
    QCOMPARE(spans->identity, identity);
    QCOMPARE(spans->status.toByteArray(), status);
    QCOMPARE(spans->endsAt.toByteArray(), endsAt);
}

void TestAlertParsers::webhookEmptyAlerts()
{
    json j = goodWebhook();
    j["alerts"] = json::array();
    QString error;
    const auto w = AlertmanagerWebhookParser::parse(bytes(j), &error);
    QVERIFY2(w, qPrintable(error));
    QCOMPARE(w->alerts.size(), 0);
}

void TestAlertParsers::webhookUnicodeAndUnknownFields()
{
    json j = goodWebhook();
    j["truncatedAlerts"] = 2;
    j["routeLabels"] = {{"team", "db"}};
    j["somethingFromTheFuture"] = {1, 2, 3};
    j["alerts"][0]["labels"]["サービス"] = "データベース 🚀";
    j["alerts"][0]["labels"]["équipe"] = "paiements\"quoted\"";
    j["alerts"][0]["annotations"]["description"] = "Ünïcödé ✓";
    j["alerts"][0]["unknownPerAlert"] = {{"x", 1}};
    QString error;
    const auto w = AlertmanagerWebhookParser::parse(bytes(j), &error);
    QVERIFY2(w, qPrintable(error));
    QCOMPARE(w->truncatedAlerts, 2);
    const Alert& a = w->alerts[0];
    QCOMPARE(a.labels.value(u"サービス"_s), u"データベース 🚀"_s);
    QCOMPARE(a.labels.value(u"équipe"_s), u"paiements\"quoted\""_s);
    QCOMPARE(a.annotations.value(u"description"_s), u"Ünïcödé ✓"_s);
    QCOMPARE(a.labels.size(), 5);
}

void TestAlertParsers::webhookFingerprintFallback()
{
    // Same label set written in a different member order -> same fingerprint; any change -> another.
    const QByteArray a = R"({"version":"4","alerts":[{"status":"firing","startsAt":"2026-11-27T23:47:00Z",
        "labels":{"alertname":"HighCPU","service":"api","severity":"warning"}}]})";
    const QByteArray b = R"({"version":"4","alerts":[{"status":"firing","startsAt":"2026-11-27T23:47:00Z",
        "labels":{"severity":"warning","service":"api","alertname":"HighCPU"}}]})";
    const QByteArray c = R"({"version":"4","alerts":[{"status":"firing","startsAt":"2026-11-27T23:47:00Z",
        "labels":{"alertname":"HighCPU","service":"api","severity":"critical"}}]})";
    QString error;
    const auto wa = AlertmanagerWebhookParser::parse(a, &error);
    const auto wb = AlertmanagerWebhookParser::parse(b, &error);
    const auto wc = AlertmanagerWebhookParser::parse(c, &error);
    QVERIFY(wa && wb && wc);
    const QString fa = wa->alerts[0].fingerprint;
    QCOMPARE(fa.size(), 16);
    QCOMPARE(fa, wb->alerts[0].fingerprint);
    QVERIFY(fa != wc->alerts[0].fingerprint);
    QCOMPARE(fa, Alert::fingerprintOf(wa->alerts[0].labels));
}

static const char* const apiAlertsJson = R"([
  {"labels": {"alertname": "HighCPU", "service": "api"}, "annotations": {"summary": "cpu"},
   "startsAt": "2026-11-27T23:47:00.5+01:00", "endsAt": "2026-11-28T00:47:00Z",
   "updatedAt": "2026-11-27T23:50:00.000Z", "generatorURL": "http://prom/graph", "fingerprint": "0011223344556677",
   "status": {"state": "suppressed", "silencedBy": ["silence-1"], "inhibitedBy": []},
   "receivers": [{"name": "nightwatch"}, {"name": "pager"}]},
  {"labels": {"alertname": "DiskFull", "service": "db"}, "annotations": {},
   "startsAt": "2026-11-27T23:40:00Z", "endsAt": "2026-11-28T00:40:00Z", "updatedAt": "2026-11-27T23:40:00Z",
   "fingerprint": "8899aabbccddeeff", "status": {"state": "active", "silencedBy": [], "inhibitedBy": []},
   "receivers": [{"name": "nightwatch"}], "futureField": true}
])";

void TestAlertParsers::apiAlerts()
{
    QString error;
    const auto alerts = AlertmanagerApiParser::parseAlerts(QByteArray(apiAlertsJson), &error,
                                                           utc("2026-11-27T23:51:00.000"), u"alertmanager-poll:x"_s);
    QVERIFY2(alerts, qPrintable(error));
    QCOMPARE(alerts->size(), 2);
    const auto& first = alerts->at(0);
    QCOMPARE(first.state, AlertmanagerApiAlert::State::Suppressed);
    QCOMPARE(first.silencedBy, QStringList{u"silence-1"_s});
    QCOMPARE(first.receivers, (QStringList{u"nightwatch"_s, u"pager"_s}));
    QCOMPARE(first.updatedAt, utc("2026-11-27T23:50:00.000"));
    QCOMPARE(first.alert.status, Alert::Status::Firing); // suppressed is still firing
    QCOMPARE(first.alert.startsAt, utc("2026-11-27T22:47:00.500"));
    QCOMPARE(first.alert.fingerprint, u"0011223344556677"_s);
    QCOMPARE(first.alert.source, u"alertmanager-poll:x"_s);
    QCOMPARE(first.alert.receivedAt, utc("2026-11-27T23:51:00.000"));
    QVERIFY(!first.alert.labels.contains(u"state"_s)); // suppression is not smuggled into labels
    QCOMPARE(alerts->at(1).state, AlertmanagerApiAlert::State::Active);
    QCOMPARE(AlertmanagerApiParser::toBatch(*alerts).size(), 2);

    const auto empty = AlertmanagerApiParser::parseAlerts("[]", &error);
    QVERIFY(empty && empty->isEmpty());
}

void TestAlertParsers::apiInvalid_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expectedError");
    auto row = [](const char* tag, const std::function<void(json&)>& mutate, const QString& expected) {
        json j = json::parse(apiAlertsJson);
        mutate(j);
        QTest::addRow("%s", tag) << bytes(j) << expected;
    };
    QTest::addRow("object instead of array") << QByteArray("{}") << u"must be a JSON array"_s;
    QTest::addRow("truncated") << QByteArray("[{\"labels\":") << u"not valid JSON"_s;
    row(
        "labels missing", [](json& j) { j[1].erase("labels"); }, u"alerts[1].labels is required"_s);
    row(
        "status string", [](json& j) { j[0]["status"] = "firing"; }, u"alerts[0].status must be an object"_s);
    row(
        "state unknown", [](json& j) { j[0]["status"]["state"] = "sleeping"; },
        u"alerts[0].status.state must be active, suppressed or unprocessed"_s);
    row(
        "silencedBy number", [](json& j) { j[0]["status"]["silencedBy"] = 1; },
        u"alerts[0].status.silencedBy must be an array"_s);
    row(
        "receivers object", [](json& j) { j[1]["receivers"] = json::object(); },
        u"alerts[1].receivers must be an array"_s);
    row(
        "updatedAt bad", [](json& j) { j[1]["updatedAt"] = "now"; },
        u"alerts[1].updatedAt is not an RFC 3339 timestamp"_s);
}

void TestAlertParsers::apiInvalid()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, expectedError);
    QString error;
    QVERIFY(!AlertmanagerApiParser::parseAlerts(body, &error));
    QVERIFY2(error.contains(expectedError), qPrintable(u"got: "_s + error));
}

void TestAlertParsers::apiGroups()
{
    const json alerts = json::parse(apiAlertsJson);
    const json groups = json::array({json{{"labels", {{"service", "api"}}},
                                          {"receiver", {{"name", "nightwatch"}}},
                                          {"alerts", json::array({alerts[0]})}},
                                     json{{"labels", {{"service", "db"}}},
                                          {"receiver", {{"name", "pager"}}},
                                          {"alerts", json::array({alerts[1], alerts[0]})}}});
    QString error;
    const auto parsed = AlertmanagerApiParser::parseGroups(bytes(groups), &error);
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(parsed->size(), 2);
    QCOMPARE(parsed->at(1).receiver, u"pager"_s);
    QCOMPARE(parsed->at(1).labels.value(u"service"_s), u"db"_s);
    QCOMPARE(parsed->at(1).alerts.size(), 2);
    QCOMPARE(parsed->at(1).alerts[0].alert.fingerprint, u"8899aabbccddeeff"_s);

    json bad = groups;
    bad[1]["alerts"][1]["labels"] = "x";
    QVERIFY(!AlertmanagerApiParser::parseGroups(bytes(bad), &error));
    QCOMPARE(error, u"groups[1].alerts[1].labels must be an object"_s);
    bad = groups;
    bad[0].erase("alerts");
    QVERIFY(!AlertmanagerApiParser::parseGroups(bytes(bad), &error));
    QCOMPARE(error, u"groups[0].alerts is required"_s);
}

void TestAlertParsers::scenarioFixture()
{
    const QString path = QFINDTESTDATA("data/ingest_scenario.json");
    QVERIFY(!path.isEmpty());
    QString error;
    const auto s = ScenarioReader::readFile(path, &error);
    QVERIFY2(s, qPrintable(error));
    QCOMPARE(s->name, u"ingest-fixture"_s);
    QVERIFY(s->graph);
    QCOMPARE(s->graph->nodeCount(), 3); // "frontend" appears only in an edge
    QCOMPARE(s->graph->callers(u"postgres-main"_s), QStringList{u"checkout"_s});
    QVERIFY(s->topology.is_object());

    QCOMPARE(s->alerts.size(), 3);
    QCOMPARE(s->alerts[0].fingerprint, u"a1b2c3d4e5f60718"_s);
    QCOMPARE(s->alerts[0].receivedAt, utc("2026-11-27T23:47:31.000"));
    QVERIFY(!s->alerts[0].endsAt.isValid());
    QCOMPARE(s->alerts[1].startsAt, utc("2026-11-27T22:48:00.250"));
    QCOMPARE(s->alerts[1].labels.value(u"équipe"_s), u"paiements"_s);
    QCOMPARE(s->alerts[1].fingerprint, Alert::fingerprintOf(s->alerts[1].labels));
    QCOMPARE(s->alerts[2].status, Alert::Status::Resolved);
    QCOMPARE(s->alerts[2].fingerprint, s->alerts[0].fingerprint);
    QCOMPARE(s->alerts[2].source, u"replay:"_s + path);

    QCOMPARE(s->changes.size(), 1);
    QCOMPARE(s->changes[0].service, u"checkout"_s);
    QCOMPARE(s->changes[0].kind, u"deploy"_s);
    QCOMPARE(s->changes[0].at, utc("2026-11-27T23:30:00.000"));
    QCOMPARE(s->changes[0].link, u"https://ci.example/1"_s);
    QCOMPARE(s->metrics.value("step_seconds", 0), 60);
    QCOMPARE(s->metrics["series"].size(), size_t(1));
}

void TestAlertParsers::scenarioGenerated()
{
    const QString generator = QStringLiteral(NIGHTWATCH_SCENGEN);
    QVERIFY2(QFile::exists(generator), "tools/scengen.py is missing");
    QProcess python;
    python.start(u"python3"_s, {generator, u"--seed"_s, u"3"_s});
    QVERIFY2(python.waitForFinished(60'000), "scengen.py did not finish");
    QCOMPARE(python.exitCode(), 0);
    const QByteArray content = python.readAllStandardOutput();

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"s3.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();

    QString error;
    const auto s = ScenarioReader::readFile(path, &error);
    QVERIFY2(s, qPrintable(error));

    // Cross-check against an independent JSON reader.
    const QJsonObject doc = QJsonDocument::fromJson(content).object();
    const QJsonArray alerts = doc.value(u"alerts"_s).toArray();
    QVERIFY(!alerts.isEmpty());
    QCOMPARE(s->name, doc.value(u"name"_s).toString());
    QCOMPARE(s->alerts.size(), alerts.size());
    QCOMPARE(s->changes.size(), doc.value(u"changes"_s).toArray().size());
    QVERIFY(s->graph);
    QVERIFY(s->graph->nodeCount() >= doc.value(u"topology"_s).toObject().value(u"nodes"_s).toArray().size());
    for (qsizetype i = 0; i < alerts.size(); ++i) {
        const QJsonObject a = alerts[i].toObject();
        QCOMPARE(s->alerts[i].fingerprint, a.value(u"fingerprint"_s).toString());
        QCOMPARE(s->alerts[i].receivedAt, TimeParse::parseRfc3339(a.value(u"receivedAt"_s).toString()));
        QCOMPARE(s->alerts[i].isFiring(), a.value(u"status"_s).toString() == u"firing");
        QCOMPARE(s->alerts[i].service(), a.value(u"labels"_s).toObject().value(u"service"_s).toString());
    }
}

void TestAlertParsers::scenarioInvalid_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expectedError");
    QTest::addRow("empty file") << QByteArray() << u"not valid JSON"_s;
    QTest::addRow("array") << QByteArray("[]") << u"scenario must be a JSON object"_s;
    QTest::addRow("alerts missing") << QByteArray(R"({"name":"x"})") << u"alerts is required"_s;
    QTest::addRow("name number") << QByteArray(R"({"name":1,"alerts":[]})") << u"name must be a string"_s;
    QTest::addRow("alert labels array")
        << QByteArray(R"({"alerts":[{"status":"firing","labels":{"a":"b"},"startsAt":"2026-11-27T23:47:00Z"},
                                    {"status":"firing","labels":[],"startsAt":"2026-11-27T23:47:00Z"}]})")
        << u"alerts[1].labels must be an object"_s;
    QTest::addRow("receivedAt bad")
        << QByteArray(R"({"alerts":[{"status":"firing","labels":{"a":"b"},"startsAt":"2026-11-27T23:47:00Z",
                                     "receivedAt":"later"}]})")
        << u"alerts[0].receivedAt is not an RFC 3339 timestamp"_s;
    QTest::addRow("topology nodes not array")
        << QByteArray(R"({"alerts":[],"topology":{"nodes":{}}})") << u"topology: "_s;
    QTest::addRow("change at missing") << QByteArray(R"({"alerts":[],"changes":[{"service":"a","kind":"deploy"}]})")
                                       << u"changes[0].at is required"_s;
    QTest::addRow("metrics array") << QByteArray(R"({"alerts":[],"metrics":[]})") << u"metrics must be an object"_s;
}

void TestAlertParsers::scenarioInvalid()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expectedError);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"bad.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();
    QString error;
    QVERIFY(!ScenarioReader::readFile(path, &error));
    QVERIFY2(error.contains(expectedError), qPrintable(u"got: "_s + error));
    QVERIFY(error.startsWith(path)); // says which file
    QVERIFY(!error.contains(u'\n'));

    QVERIFY(!ScenarioReader::readFile(dir.filePath(u"missing.json"_s), &error));
    QVERIFY(error.contains(u"cannot open"_s));
}

namespace {
class BatchRecorder : public AlertSink
{
public:
    bool submit(const AlertBatch& batch, QString*) override
    {
        batches.append(batch);
        times.append(clock.elapsed());
        return true;
    }
    QList<AlertBatch> batches;
    QList<qint64> times;
    QElapsedTimer clock;
};
} // namespace

void TestAlertParsers::replayAllAtOnce()
{
    BatchRecorder sink;
    sink.clock.start();
    const QString path = QFINDTESTDATA("data/ingest_scenario.json");
    ReplaySource replay(&sink, path, ReplaySource::Options{0.0, 0, true});
    QVERIFY2(replay.isValid(), qPrintable(replay.errorString()));
    QSignalSpy finished(&replay, &ReplaySource::finished);
    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    replay.start();
    QVERIFY(finished.count() == 1 || finished.wait(5000));
    QCOMPARE(finished.first().at(0).toBool(), true);
    QCOMPARE(sink.batches.size(), 1);
    const AlertBatch& b = sink.batches[0];
    QCOMPARE(b.size(), 3);
    // Shifted: the last delivery is "now", spacing and onset offsets preserved.
    const QDateTime after = QDateTime::currentDateTimeUtc().addMSecs(1);
    QVERIFY(b[2].receivedAt >= before && b[2].receivedAt <= after);
    QCOMPARE(b[0].receivedAt.msecsTo(b[2].receivedAt),
             utc("2026-11-27T23:47:31.000").msecsTo(utc("2026-11-27T23:55:10.000")));
    QCOMPARE(b[0].startsAt.msecsTo(b[0].receivedAt), 31'000);
    QCOMPARE(b[2].source, u"replay:"_s + path);
    QCOMPARE(replay.health().state, SourceHealth::State::Live);
}

void TestAlertParsers::replayPaced()
{
    // The fixture spans 459 s of arrivals; fill them into 600 ms.
    BatchRecorder sink;
    const QString path = QFINDTESTDATA("data/ingest_scenario.json");
    ReplaySource replay(&sink, path, ReplaySource::Options{0.0, 600, false});
    QSignalSpy finished(&replay, &ReplaySource::finished);
    sink.clock.start();
    replay.start();
    QVERIFY(finished.wait(5000));
    QCOMPARE(sink.batches.size(), 3); // three distinct arrival times
    QVERIFY(sink.times[0] < 100);
    QVERIFY2(sink.times[2] >= 550, qPrintable(QString::number(sink.times[2])));
    QVERIFY(sink.times[1] >= 60 && sink.times[1] < sink.times[2]);
    QCOMPARE(sink.batches[0][0].receivedAt, utc("2026-11-27T23:47:31.000")); // not shifted
    QCOMPARE(replay.delivered(), 3);
}

void TestAlertParsers::replayBadFile()
{
    BatchRecorder sink;
    ReplaySource replay(&sink, u"/nonexistent/feed.json"_s, {});
    QVERIFY(!replay.isValid());
    QSignalSpy finished(&replay, &ReplaySource::finished);
    QSignalSpy health(&replay, &ReplaySource::healthChanged);
    replay.start();
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().at(0).toBool(), false);
    QCOMPARE(health.last().at(0).value<SourceHealth>().state, SourceHealth::State::Unreachable);
    QVERIFY(sink.batches.isEmpty());
}

QTEST_GUILESS_MAIN(TestAlertParsers)
#include "tst_alertparsers.moc"
