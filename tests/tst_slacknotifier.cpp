// SlackNotifier against a stub incoming webhook on 127.0.0.1: one POST per new incident however many alerts
// its storm brings, the body's fields, one retry on a 5xx or a network error (never on a 4xx), failures
// reported without anything waiting, do-not-disturb for non-critical incidents when configured, and a new incident
// announced once its first root cause candidate lands, or without one after the diagnosis wait.

#include "notify/slacknotifier.h"
#include "stubhttpserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
Incident incident(const QString& key, const QString& severity, int alerts, qint64 id = 7)
{
    Incident i;
    i.id = id;
    i.key = key;
    i.severity = severity;
    for (int n = 0; n < alerts; ++n) {
        TrackedAlert a;
        a.latest.fingerprint = key + QString::number(n);
        a.latest.labels = {{u"service"_s, u"svc-%1"_s.arg(n % 4)}, {u"alertname"_s, u"HighErrorRate"_s}};
        i.alerts << a;
    }
    i.notificationCount = alerts * 2;
    for (int n = 0; n < qMin(alerts, 4); ++n)
        i.affectedServices << u"svc-%1"_s.arg(n);
    RootCauseCandidate root;
    root.service = u"postgres-main"_s;
    root.confidence = 0.78;
    i.rootCauses = {root};
    return i;
}

IncidentSnapshotPtr snapshot(const QVector<Incident>& incidents)
{
    auto s = std::make_shared<IncidentSnapshot>();
    s->incidents = incidents;
    return s;
}

QJsonObject json(const QByteArray& body)
{
    return QJsonDocument::fromJson(body).object();
}

// Every text of the message's blocks, joined: what a reader of the channel sees. Plain-text objects (the
// header) are shown verbatim by Slack, never parsed for mentions or links; mrkdwnOnly leaves them out.
QString blockText(const QJsonObject& message, bool mrkdwnOnly = false)
{
    QStringList out;
    for (const QJsonValue& block : message.value(u"blocks"_s).toArray()) {
        const QJsonObject b = block.toObject();
        const QJsonObject text = b.value(u"text"_s).toObject();
        if (!mrkdwnOnly || text.value(u"type"_s).toString() == u"mrkdwn")
            out << text.value(u"text"_s).toString();
        for (const QJsonValue& f : b.value(u"fields"_s).toArray())
            out << f.toObject().value(u"text"_s).toString();
        for (const QJsonValue& e : b.value(u"elements"_s).toArray())
            out << e.toObject().value(u"text"_s).toString();
    }
    return out.join(u'\n');
}
} // namespace

class TestSlackNotifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void payload_data();
    void payload();
    void stormPostsOncePerIncident();
    void retries_data();
    void retries();
    void deadEndpointIsReportedWithoutBlocking();
    void silentEndpointTimesOut();
    void doNotDisturbHoldsNonCritical();
    void enablingLaterDoesNotAnnounceTheBacklog();
    void waitsForTheFirstDiagnosis_data();
    void waitsForTheFirstDiagnosis();
};

void TestSlackNotifier::payload_data()
{
    QTest::addColumn<IncidentNotice>("notice");
    QTest::addColumn<QStringList>("mustContain");
    QTest::addColumn<QStringList>("mustNotContain");

    IncidentNotice full;
    full.incidentId = 12;
    full.key = u"abc123"_s;
    full.severity = u"critical"_s;
    full.rootCause = u"postgres-main"_s;
    full.confidence = 0.784;
    full.alertCount = 31;
    full.notificationCount = 44;
    full.serviceCount = 3;
    full.affectedServices = {u"checkout"_s, u"order-service"_s, u"payment"_s};
    QTest::addRow("root cause, confidence, counts, services")
        << full
        << QStringList{u"CRITICAL incident #12: postgres-main"_s, u"78 %"_s, u"31 / 44"_s, u"checkout, order-service, payment"_s,
                       u"Affected services (3)"_s, u"abc123"_s}
        << QStringList{};

    IncidentNotice noCause = full;
    noCause.rootCause.clear();
    QTest::addRow("no candidate yet") << noCause << QStringList{u"no candidate yet"_s, u"CRITICAL incident #12"_s}
                                      << QStringList{u"78 %"_s};

    IncidentNotice hostile = full;
    hostile.rootCause = u"<!channel> & <http://evil|click>"_s;
    hostile.affectedServices = {u"<@U123>"_s};
    QTest::addRow("label values cannot mention or link")
        << hostile << QStringList{u"&lt;!channel&gt; &amp; &lt;http://evil|click&gt;"_s, u"&lt;@U123&gt;"_s}
        << QStringList{u"<!channel>"_s, u"<@U123>"_s, u"<http://evil"_s};

    IncidentNotice many = full;
    many.affectedServices.clear();
    for (int i = 0; i < 25; ++i)
        many.affectedServices << u"service-%1"_s.arg(i, 2, 10, QLatin1Char('0'));
    many.serviceCount = 25;
    QTest::addRow("long service lists are cut")
        << many << QStringList{u"service-19"_s, u"+5 more"_s, u"Affected services (25)"_s}
        << QStringList{u"service-20"_s};
}

void TestSlackNotifier::payload()
{
    QFETCH(IncidentNotice, notice);
    QFETCH(QStringList, mustContain);
    QFETCH(QStringList, mustNotContain);
    const QJsonObject message = json(SlackNotifier::payload(notice));
    QVERIFY(!message.value(u"text"_s).toString().isEmpty());
    const QString all = message.value(u"text"_s).toString() + u'\n' + blockText(message);
    const QString parsed = message.value(u"text"_s).toString() + u'\n' + blockText(message, true);
    for (const QString& s : mustContain)
        QVERIFY2(all.contains(s), qPrintable(s + u" missing in:\n"_s + all));
    for (const QString& s : mustNotContain)
        QVERIFY2(!parsed.contains(s), qPrintable(s + u" present in:\n"_s + parsed));
}

void TestSlackNotifier::stormPostsOncePerIncident()
{
    StubHttpServer stub;
    QVERIFY(stub.listen());
    SlackNotifier slack;
    slack.setWebhookUrl(QUrl(QString::fromUtf8(stub.baseUrl() + "/services/T0/B0/secret")));
    QSignalSpy delivered(&slack, &SlackNotifier::delivered);

    // The storm: incident A grows from 5 to 200 alerts over 40 snapshots.
    for (int alerts = 5; alerts <= 200; alerts += 5)
        slack.setSnapshot(snapshot({incident(u"A"_s, u"critical"_s, alerts)}));
    QTRY_COMPARE(delivered.size(), 1);
    for (int alerts = 200; alerts <= 400; alerts += 50)
        slack.setSnapshot(snapshot({incident(u"A"_s, u"critical"_s, alerts)}));
    // A second incident: its message is the next one the stub sees, so none for A came in between.
    slack.setSnapshot(snapshot({incident(u"A"_s, u"critical"_s, 400), incident(u"B"_s, u"warning"_s, 2, 8)}));
    QTRY_COMPARE(delivered.size(), 2);
    QCOMPARE(stub.requests.size(), 2);
    QCOMPARE(delivered.at(0).at(0).toString(), u"A"_s);
    QCOMPARE(delivered.at(1).at(0).toString(), u"B"_s);

    const StubHttpServer::Request& first = stub.requests.at(0);
    QCOMPARE(first.method, "POST");
    QCOMPARE(first.path, "/services/T0/B0/secret");
    QVERIFY(first.headers.value("content-type").startsWith("application/json"));
    const QJsonObject message = json(first.body);
    const QString text = message.value(u"text"_s).toString();
    QVERIFY2(text.contains(u"CRITICAL incident #7: postgres-main"_s), qPrintable(text));
    QVERIFY2(text.contains(u"78 % confidence"_s), qPrintable(text));
    QVERIFY2(text.contains(u"5 alerts, 10 notifications, 4 services affected"_s), qPrintable(text));
    const QJsonArray blocks = message.value(u"blocks"_s).toArray();
    QCOMPARE(blocks.at(0).toObject().value(u"type"_s).toString(), u"header"_s);
    const QString shown = blockText(message);
    QVERIFY2(shown.contains(u"*Confidence*\n78 %"_s), qPrintable(shown));
    QVERIFY2(shown.contains(u"*Alerts / notifications*\n5 / 10"_s), qPrintable(shown));
    QVERIFY2(shown.contains(u"svc-0, svc-1, svc-2, svc-3"_s), qPrintable(shown));
    QVERIFY(json(stub.requests.at(1).body).value(u"text"_s).toString().startsWith(u"WARNING incident #8"_s));
}

void TestSlackNotifier::retries_data()
{
    QTest::addColumn<QList<int>>("statuses");
    QTest::addColumn<int>("expectedRequests");
    QTest::addColumn<bool>("expectDelivered");
    QTest::addColumn<QString>("reasonContains");

    QTest::addRow("500 then 200: retried once") << QList<int>{500, 200} << 2 << true << QString();
    QTest::addRow("503 twice: one retry, then failed") << QList<int>{503, 503, 200} << 2 << false << u"HTTP 503"_s;
    QTest::addRow("400: not retried") << QList<int>{400, 200} << 1 << false << u"HTTP 400"_s;
    QTest::addRow("200 at once") << QList<int>{200} << 1 << true << QString();
}

void TestSlackNotifier::retries()
{
    QFETCH(QList<int>, statuses);
    QFETCH(int, expectedRequests);
    QFETCH(bool, expectDelivered);
    QFETCH(QString, reasonContains);

    StubHttpServer stub;
    QVERIFY(stub.listen());
    for (int status : statuses)
        stub.script({status, status == 200 ? QByteArray("ok") : QByteArray("invalid_payload"), false});
    SlackNotifier slack;
    slack.setRetryDelay(0);
    slack.setWebhookUrl(QUrl(QString::fromUtf8(stub.baseUrl() + "/hook")));
    QSignalSpy delivered(&slack, &SlackNotifier::delivered);
    QSignalSpy failed(&slack, &SlackNotifier::failed);
    slack.setSnapshot(snapshot({incident(u"A"_s, u"critical"_s, 3)}));
    QTRY_COMPARE(delivered.size() + failed.size(), 1);
    QCOMPARE(stub.requests.size(), expectedRequests);
    QCOMPARE(slack.pendingCount(), 0);
    if (expectDelivered) {
        QCOMPARE(delivered.at(0).at(1).toInt(), expectedRequests);
    } else {
        QVERIFY2(failed.at(0).at(1).toString().contains(reasonContains), qPrintable(failed.at(0).at(1).toString()));
    }
    if (expectedRequests == 2) // the retry carries the same message
        QCOMPARE(stub.requests.at(1).body, stub.requests.at(0).body);
}

void TestSlackNotifier::deadEndpointIsReportedWithoutBlocking()
{
    SlackNotifier slack;
    slack.setRetryDelay(0);
    slack.setWebhookUrl(QUrl(u"http://127.0.0.1:%1/hook"_s.arg(StubHttpServer::deadPort())));
    QSignalSpy failed(&slack, &SlackNotifier::failed);
    slack.setSnapshot(snapshot({incident(u"A"_s, u"critical"_s, 3)}));
    // setSnapshot() returned before anything was known: the message is still on its way.
    QCOMPARE(failed.size(), 0);
    QCOMPARE(slack.pendingCount(), 1);
    QVERIFY(failed.wait(10'000));
    QCOMPARE(failed.at(0).at(0).toString(), u"A"_s);
    QVERIFY2(failed.at(0).at(1).toString().contains(u"refused"_s, Qt::CaseInsensitive),
             qPrintable(failed.at(0).at(1).toString()));
    QCOMPARE(slack.pendingCount(), 0);
}

void TestSlackNotifier::silentEndpointTimesOut()
{
    StubHttpServer stub;
    QVERIFY(stub.listen());
    stub.script({200, {}, true});
    stub.script({200, {}, true});
    SlackNotifier slack;
    slack.setRetryDelay(0);
    slack.setTimeout(300);
    slack.setWebhookUrl(QUrl(QString::fromUtf8(stub.baseUrl() + "/hook")));
    QSignalSpy failed(&slack, &SlackNotifier::failed);
    slack.setSnapshot(snapshot({incident(u"A"_s, u"critical"_s, 3)}));
    QVERIFY(failed.wait(10'000));
    QCOMPARE(stub.requests.size(), 2); // the timeout counts as a network error: retried once
    QVERIFY2(failed.at(0).at(1).toString().contains(u"no answer within"_s), qPrintable(failed.at(0).at(1).toString()));
}

void TestSlackNotifier::doNotDisturbHoldsNonCritical()
{
    StubHttpServer stub;
    QVERIFY(stub.listen());
    SlackNotifier slack;
    slack.setDoNotDisturb(true);
    slack.setWebhookUrl(QUrl(QString::fromUtf8(stub.baseUrl() + "/hook")));
    QSignalSpy delivered(&slack, &SlackNotifier::delivered);
    slack.setSnapshot(snapshot({incident(u"W"_s, u"warning"_s, 3, 1)}));
    QCOMPARE(slack.pendingCount(), 0); // held back at once, nothing sent
    slack.setSnapshot(snapshot({incident(u"W"_s, u"warning"_s, 3, 1), incident(u"C"_s, u"critical"_s, 3, 2)}));
    QTRY_COMPARE(delivered.size(), 1);
    QCOMPARE(delivered.at(0).at(0).toString(), u"C"_s);
    QCOMPARE(stub.requests.size(), 1);
}

void TestSlackNotifier::enablingLaterDoesNotAnnounceTheBacklog()
{
    StubHttpServer stub;
    QVERIFY(stub.listen());
    SlackNotifier slack;
    QSignalSpy delivered(&slack, &SlackNotifier::delivered);
    slack.setSnapshot(snapshot({incident(u"OLD"_s, u"critical"_s, 3, 1)}));
    QCOMPARE(slack.pendingCount(), 0);
    slack.setWebhookUrl(QUrl(u"ftp://example.org/hook"_s)); // refused: stays off
    QVERIFY(!slack.isEnabled());
    slack.setWebhookUrl(QUrl(QString::fromUtf8(stub.baseUrl() + "/hook")));
    slack.setSnapshot(snapshot({incident(u"OLD"_s, u"critical"_s, 3, 1), incident(u"NEW"_s, u"critical"_s, 3, 2)}));
    QTRY_COMPARE(delivered.size(), 1);
    QCOMPARE(delivered.at(0).at(0).toString(), u"NEW"_s);
    QCOMPARE(stub.requests.size(), 1);
}

void TestSlackNotifier::waitsForTheFirstDiagnosis_data()
{
    QTest::addColumn<int>("candidateAfterMs"); // when a snapshot with a candidate comes (-1: never)
    QTest::addColumn<QString>("expectedCause");  // in the one message
    // The wait is 600 ms here (3 s in the console and serve).
    QTest::addRow("candidate before the wait ends: named") << 150 << u"postgres-main"_s;
    QTest::addRow("no candidate: announced without after the wait") << -1 << u"_no candidate yet_"_s;
    QTest::addRow("candidate after the wait: no second message") << 1'200 << u"_no candidate yet_"_s;
}

// Diagnosis runs on a worker after an incident is first published: the message waits for its first candidate (the
// engineer's first question), at most the diagnosis wait, and is still sent once per incident.
void TestSlackNotifier::waitsForTheFirstDiagnosis()
{
    QFETCH(int, candidateAfterMs);
    QFETCH(QString, expectedCause);
    constexpr int waitMs = 600;
    StubHttpServer stub;
    QVERIFY(stub.listen());
    SlackNotifier slack;
    slack.setWebhookUrl(QUrl(QString::fromUtf8(stub.baseUrl() + "/hook")));
    slack.setDiagnosisWait(waitMs);
    QSignalSpy delivered(&slack, &SlackNotifier::delivered);
    Incident undiagnosed = incident(u"A"_s, u"critical"_s, 3);
    undiagnosed.rootCauses.clear();
    const Incident diagnosed = incident(u"A"_s, u"critical"_s, 5);

    QElapsedTimer since;
    since.start();
    slack.setSnapshot(snapshot({undiagnosed}));
    slack.setSnapshot(snapshot({undiagnosed})); // refreshes meanwhile change nothing
    if (candidateAfterMs >= 0) {
        QTest::qWait(candidateAfterMs);
        if (since.elapsed() < waitMs) // else the wait is over: the message may be on its way already
            QCOMPARE(stub.requests.size(), 0);
        slack.setSnapshot(snapshot({diagnosed}));
    }
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 1, 5'000);
    if (expectedCause.startsWith(u'_'))
        QVERIFY2(since.elapsed() >= waitMs, "announced without a cause before the wait was over");
    // Repeats, with or without a candidate, bring no second message.
    slack.setSnapshot(snapshot({diagnosed}));
    slack.setSnapshot(snapshot({undiagnosed}));
    QVERIFY(!delivered.wait(waitMs + 300));
    QCOMPARE(stub.requests.size(), 1);
    const QString shown = blockText(json(stub.requests.at(0).body));
    QVERIFY2(shown.contains(u"*Probable root cause*\n"_s + expectedCause), qPrintable(shown));
}

QTEST_GUILESS_MAIN(TestSlackNotifier)
#include "tst_slacknotifier.moc"
