// LLM triage against a stub chat-completions endpoint on 127.0.0.1: a good answer is parsed; a silent
// endpoint times out and a malformed or failed answer falls back to the deterministic triage with the
// reason; alert labels and annotations are in the request only when sendAlertData is on. Also the
// deterministic triage itself and the keyring lookup through a stand-in secret-tool.

#include "stubhttpserver.h"
#include "triage/apikeylookup.h"
#include "triage/deterministictriage.h"
#include "triage/llmtriageclient.h"
#include "triage/triageprompt.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
Incident stormIncident()
{
    Incident i;
    i.id = 42;
    i.key = u"k42"_s;
    i.severity = u"critical"_s;
    i.notificationCount = 9;
    i.firstAlertAt = QDateTime(QDate(2024, 11, 29), QTime(3, 12), Qt::UTC);
    i.lastAlertAt = i.firstAlertAt.addSecs(600);
    const QList<std::pair<QString, QString>> members = {{u"order-service"_s, u"ConnectionPoolExhausted"_s},
                                                        {u"payment"_s, u"HighLatency"_s},
                                                        {u"checkout"_s, u"HighErrorRate"_s}};
    for (const auto& [service, name] : members) {
        TrackedAlert a;
        a.latest.labels = {{u"service"_s, service},
                           {u"alertname"_s, name},
                           {u"instance"_s, u"db-7.internal.example:5432"_s}};
        a.latest.annotations = {{u"summary"_s, u"pool usage above 95 percent on %1"_s.arg(service)}};
        a.latest.generatorUrl = u"http://prometheus.corp.example/graph?g0.expr=up"_s;
        a.latest.fingerprint = Alert::fingerprintOf(a.latest.labels);
        a.firstStartsAt = i.firstAlertAt;
        a.notificationCount = 3;
        i.alerts << a;
        i.affectedServices << service;
    }
    i.affectedServices.sort();
    RootCauseCandidate top;
    top.service = u"postgres-main"_s;
    top.confidence = 0.81;
    top.hasOwnAlert = false;
    top.evidence = {u"3 callers of postgres-main alerted within 2 minutes"_s, u"order-service fired first"_s};
    RootCauseCandidate next;
    next.service = u"order-service"_s;
    next.confidence = 0.12;
    i.rootCauses = {top, next};
    return i;
}

QByteArray completion(const QString& content, const QString& model = u"llama-3-8b"_s)
{
    const QJsonObject message{{u"role"_s, u"assistant"_s}, {u"content"_s, content}};
    return QJsonDocument(QJsonObject{{u"model"_s, model},
                                     {u"choices"_s, QJsonArray{QJsonObject{{u"index"_s, 0}, {u"message"_s, message}}}}})
        .toJson();
}

const QString goodContent =
    uR"({"summary":["Checkout is failing.","postgres-main is the likely cause (81 %).","Three callers alerted within two minutes."],
        "immediate_action":"Inspect postgres-main's connection count.","do_not_do":"Do not restart checkout."})"_s;

LlmTriageClient::Config config(const StubHttpServer& stub, int timeoutMs = 15'000, bool sendAlertData = false)
{
    LlmTriageClient::Config c;
    c.enabled = true;
    c.endpoint = QUrl(QString::fromUtf8(stub.baseUrl()));
    c.model = u"llama-3-8b"_s;
    c.timeoutMs = timeoutMs;
    c.sendAlertData = sendAlertData;
    return c;
}
} // namespace

class TestLlmTriage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void completionsUrl_data();
    void completionsUrl();
    void goodAnswerIsParsed();
    void slowEndpointTimesOutToDeterministic();
    void badAnswerFallsBack_data();
    void badAnswerFallsBack();
    void alertDataOnlyWhenEnabled_data();
    void alertDataOnlyWhenEnabled();
    void disabledNeverCallsOut();
    void fencedAnswerIsAccepted();
    void deterministic_data();
    void deterministic();
    void keyringLookup_data();
    void keyringLookup();
};

void TestLlmTriage::completionsUrl_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("expected");
    QTest::addRow("host") << u"http://127.0.0.1:8080"_s << u"http://127.0.0.1:8080/v1/chat/completions"_s;
    QTest::addRow("trailing slash") << u"http://127.0.0.1:8080/"_s << u"http://127.0.0.1:8080/v1/chat/completions"_s;
    QTest::addRow("already /v1") << u"https://api.example.org/v1/"_s << u"https://api.example.org/v1/chat/completions"_s;
    QTest::addRow("path prefix") << u"http://gw/llm"_s << u"http://gw/llm/v1/chat/completions"_s;
}

void TestLlmTriage::completionsUrl()
{
    QFETCH(QString, base);
    QFETCH(QString, expected);
    QCOMPARE(LlmTriageClient::completionsUrl(QUrl(base)).toString(), expected);
}

void TestLlmTriage::goodAnswerIsParsed()
{
    StubHttpServer stub;
    QVERIFY(stub.listen());
    stub.script({200, completion(goodContent), false});
    LlmTriageClient client;
    LlmTriageClient::Config c = config(stub);
    c.apiKey = u"sk-test-123"_s;
    client.setConfig(c);
    QSignalSpy finished(&client, &LlmTriageClient::finished);
    const quint64 id = client.request(stormIncident(), u"RB-DB-001 step inspect"_s);
    QCOMPARE(finished.size(), 0); // never answered from inside request()
    QVERIFY(finished.wait(10'000));
    QCOMPARE(finished.at(0).at(0).toULongLong(), id);
    QCOMPARE(finished.at(0).at(1).toString(), u"k42"_s);
    const auto result = finished.at(0).at(2).value<TriageResult>();
    QVERIFY(result.isLlm());
    QCOMPARE(result.model, u"llama-3-8b"_s);
    QCOMPARE(result.summary, (QStringList{u"Checkout is failing."_s, u"postgres-main is the likely cause (81 %)."_s,
                                          u"Three callers alerted within two minutes."_s}));
    QCOMPARE(result.immediateAction, u"Inspect postgres-main's connection count."_s);
    QCOMPARE(result.doNotDo, u"Do not restart checkout."_s);
    QVERIFY(result.fallbackReason.isEmpty());

    QCOMPARE(stub.requests.size(), 1);
    const StubHttpServer::Request& r = stub.requests.at(0);
    QCOMPARE(r.method, "POST");
    QCOMPARE(r.path, "/v1/chat/completions");
    QCOMPARE(r.headers.value("authorization"), "Bearer sk-test-123");
    const QJsonObject body = QJsonDocument::fromJson(r.body).object();
    QCOMPARE(body.value(u"model"_s).toString(), u"llama-3-8b"_s);
    const QJsonArray messages = body.value(u"messages"_s).toArray();
    QCOMPARE(messages.size(), 2);
    const QJsonObject context =
        QJsonDocument::fromJson(messages.at(1).toObject().value(u"content"_s).toString().toUtf8()).object();
    QCOMPARE(context.value(u"incident_id"_s).toInteger(), 42);
    QCOMPARE(context.value(u"proposed_runbook_first_step"_s).toString(), u"RB-DB-001 step inspect"_s);
    QCOMPARE(context.value(u"root_cause_candidates"_s).toArray().at(0).toObject().value(u"confidence_percent"_s).toInt(),
             81);
}

void TestLlmTriage::slowEndpointTimesOutToDeterministic()
{
    StubHttpServer stub;
    QVERIFY(stub.listen());
    stub.script({200, {}, true}); // reads the request, never answers
    LlmTriageClient client;
    client.setConfig(config(stub, 300));
    QSignalSpy finished(&client, &LlmTriageClient::finished);
    client.request(stormIncident());
    QVERIFY(finished.wait(10'000));
    const auto result = finished.at(0).at(2).value<TriageResult>();
    QVERIFY(!result.isLlm());
    QVERIFY2(result.fallbackReason.contains(u"no answer within"_s), qPrintable(result.fallbackReason));
    QCOMPARE(result.summary, DeterministicTriage::build(stormIncident()).summary);
    QCOMPARE(client.pendingCount(), 0);
}

void TestLlmTriage::badAnswerFallsBack_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QString>("reasonContains");
    QTest::addRow("not JSON") << 200 << QByteArray("<html>gateway</html>") << u"not JSON"_s;
    QTest::addRow("no choices") << 200 << QByteArray(R"({"object":"error"})") << u"choices[0].message.content"_s;
    QTest::addRow("content is prose") << 200 << completion(u"Restart everything, I guess."_s)
                                      << u"did not answer with the JSON object"_s;
    QTest::addRow("fields missing") << 200 << completion(uR"({"summary":["a","b","c"]})"_s)
                                    << u"lacks summary, immediate_action or do_not_do"_s;
    QTest::addRow("HTTP 500") << 500 << QByteArray(R"({"error":"model not loaded"})") << u"HTTP 500"_s;
    QTest::addRow("HTTP 401") << 401 << QByteArray(R"({"error":"bad key"})") << u"HTTP 401"_s;
}

void TestLlmTriage::badAnswerFallsBack()
{
    QFETCH(int, status);
    QFETCH(QByteArray, answer);
    QFETCH(QString, reasonContains);
    StubHttpServer stub;
    QVERIFY(stub.listen());
    stub.script({status, answer, false});
    LlmTriageClient client;
    client.setConfig(config(stub));
    QSignalSpy finished(&client, &LlmTriageClient::finished);
    client.request(stormIncident(), u"RB-DB-001 step inspect"_s);
    QVERIFY(finished.wait(10'000));
    const auto result = finished.at(0).at(2).value<TriageResult>();
    QVERIFY(!result.isLlm());
    QVERIFY2(result.fallbackReason.contains(reasonContains), qPrintable(result.fallbackReason));
    QVERIFY(result.immediateAction.contains(u"RB-DB-001 step inspect"_s)); // the deterministic one, complete
    QCOMPARE(result.summary.size(), 3);
}

void TestLlmTriage::alertDataOnlyWhenEnabled_data()
{
    QTest::addColumn<bool>("sendAlertData");
    QTest::addRow("off") << false;
    QTest::addRow("on") << true;
}

void TestLlmTriage::alertDataOnlyWhenEnabled()
{
    QFETCH(bool, sendAlertData);
    StubHttpServer stub;
    QVERIFY(stub.listen());
    stub.script({200, completion(goodContent), false});
    LlmTriageClient client;
    client.setConfig(config(stub, 15'000, sendAlertData));
    QSignalSpy finished(&client, &LlmTriageClient::finished);
    client.request(stormIncident());
    QVERIFY(finished.wait(10'000));
    QCOMPARE(stub.requests.size(), 1);
    // The user message is JSON inside a JSON string: compare on the decoded text.
    const QString sent = QJsonDocument::fromJson(stub.requests.at(0).body)
                             .object()
                             .value(u"messages"_s)
                             .toArray()
                             .at(1)
                             .toObject()
                             .value(u"content"_s)
                             .toString();
    // Always: service names, counts, the diagnosis' evidence sentences.
    for (const QString& s : {u"postgres-main"_s, u"checkout"_s, u"payment"_s, u"\"alert_count\":3"_s,
                             u"3 callers of postgres-main alerted within 2 minutes"_s})
        QVERIFY2(sent.contains(s), qPrintable(s + u" missing: "_s + sent));
    // Label and annotation values other than the service name: only when the engineer allowed it.
    for (const QString& s : {u"db-7.internal.example:5432"_s, u"ConnectionPoolExhausted"_s, u"HighLatency"_s,
                             u"pool usage above 95 percent"_s})
        QVERIFY2(sent.contains(s) == sendAlertData, qPrintable(s + u": "_s + sent));
    QVERIFY(!sent.contains(u"prometheus.corp.example"_s)); // generator URLs never
    QVERIFY(!stub.requests.at(0).body.contains("prometheus.corp.example"));
}

void TestLlmTriage::disabledNeverCallsOut()
{
    StubHttpServer stub;
    QVERIFY(stub.listen());
    LlmTriageClient client;
    LlmTriageClient::Config c = config(stub);
    c.enabled = false;
    client.setConfig(c);
    QVERIFY(!client.isEnabled());
    QSignalSpy finished(&client, &LlmTriageClient::finished);
    client.request(stormIncident());
    QCOMPARE(finished.size(), 0);
    QVERIFY(finished.wait(5'000));
    QVERIFY(!finished.at(0).at(2).value<TriageResult>().isLlm());
    QCOMPARE(stub.requests.size(), 0);
}

void TestLlmTriage::fencedAnswerIsAccepted()
{
    QString error;
    const auto result = TriagePrompt::parseResponse(
        completion(u"```json\n{\"summary\":\"one\\ntwo\\nthree\\nfour\",\"immediate_action\":\"act\",\"do_not_do\":\"no\"}\n```"_s),
        &error);
    QVERIFY2(result, qPrintable(error));
    QCOMPARE(result->summary, (QStringList{u"one"_s, u"two"_s, u"three"_s})); // at most three lines
}

void TestLlmTriage::deterministic_data()
{
    QTest::addColumn<Incident>("incident");
    QTest::addColumn<QString>("step");
    QTest::addColumn<QStringList>("summaryContains");
    QTest::addColumn<QString>("actionContains");
    QTest::addColumn<QString>("doNotContains");

    const Incident storm = stormIncident();
    QTest::addRow("cause, evidence, runbook step")
        << storm << u"RB-DB-001 (Pool), step 'inspect': show connections"_s
        << QStringList{u"Critical incident: 3 alerts (9 notifications) across 3 services since 03:12 UTC."_s,
                       u"postgres-main (81 % confidence), silent"_s, u"3 callers of postgres-main"_s}
        << u"RB-DB-001 (Pool), step 'inspect'"_s << u"Do not restart or roll back checkout, order-service, payment"_s;
    QTest::addRow("no runbook: check the cause first")
        << storm << QString() << QStringList{u"postgres-main"_s} << u"Check postgres-main first"_s
        << u"follow from postgres-main"_s;

    Incident weak = storm;
    weak.rootCauses[0].confidence = 0.22;
    QTest::addRow("low confidence: a lead") << weak << QString() << QStringList{u"22 % confidence"_s}
                                            << u"Check postgres-main"_s << u"a lead, not a finding"_s;
    Incident middling = storm;
    middling.rootCauses[0].confidence = 0.6;
    QTest::addRow("middling confidence: forbid nothing") << middling << QString() << QStringList{u"60 % confidence"_s}
                                                         << u"Check postgres-main"_s << QString();
    Incident none = storm;
    none.rootCauses.clear();
    QTest::addRow("no candidate") << none << QString() << QStringList{u"No root-cause candidate yet."_s}
                                  << u"earliest alerts"_s << u"on a guess"_s;
}

void TestLlmTriage::deterministic()
{
    QFETCH(Incident, incident);
    QFETCH(QString, step);
    QFETCH(QStringList, summaryContains);
    QFETCH(QString, actionContains);
    QFETCH(QString, doNotContains);
    const TriageResult result = DeterministicTriage::build(incident, step);
    QVERIFY(!result.isLlm());
    QCOMPARE(result.summary.size(), 3);
    const QString summary = result.summary.join(u'\n');
    for (const QString& s : summaryContains)
        QVERIFY2(summary.contains(s), qPrintable(s + u" missing: "_s + summary));
    QVERIFY2(result.immediateAction.contains(actionContains), qPrintable(result.immediateAction));
    if (doNotContains.isEmpty())
        QVERIFY2(result.doNotDo.isEmpty(), qPrintable(result.doNotDo));
    else
        QVERIFY2(result.doNotDo.contains(doNotContains), qPrintable(result.doNotDo));
}

void TestLlmTriage::keyringLookup_data()
{
    QTest::addColumn<QString>("script"); // the stand-in secret-tool; empty: none on PATH
    QTest::addColumn<QString>("expectedKey");
    QTest::addColumn<QString>("errorContains");
    // Answers only the exact lookup the README documents.
    QTest::addRow("key found") << u"#!/bin/sh\n[ \"$1 $2 $3 $4 $5\" = \"lookup service nightwatch llm api.example.org\" ] "
                                  u"&& printf 'sk-from-keyring\\n' && exit 0\nexit 1\n"_s
                               << u"sk-from-keyring"_s << QString();
    QTest::addRow("no such key") << u"#!/bin/sh\nexit 1\n"_s << QString() << u"no key in the keyring"_s;
    QTest::addRow("no secret-tool") << QString() << QString() << u"not installed"_s;
}

void TestLlmTriage::keyringLookup()
{
    QFETCH(QString, script);
    QFETCH(QString, expectedKey);
    QFETCH(QString, errorContains);
    QTemporaryDir bin;
    QVERIFY(bin.isValid());
    if (!script.isEmpty()) {
        QFile tool(bin.filePath(u"secret-tool"_s));
        QVERIFY(tool.open(QIODevice::WriteOnly));
        tool.write(script.toUtf8());
        tool.close();
        tool.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    const QByteArray oldPath = qgetenv("PATH");
    qputenv("PATH", bin.path().toUtf8() + ":/usr/bin:/bin"); // a real secret-tool in /usr/bin would answer too
    const bool realTool = !QStandardPaths::findExecutable(u"secret-tool"_s, {u"/usr/bin"_s, u"/bin"_s}).isEmpty();
    if (script.isEmpty() && realTool) {
        qputenv("PATH", oldPath);
        QSKIP("libsecret-tools is installed here: cannot test its absence");
    }
    QCOMPARE(ApiKeyLookup::keyringAvailable(), !script.isEmpty());
    ApiKeyLookup lookup;
    QSignalSpy finished(&lookup, &ApiKeyLookup::finished);
    lookup.start(u"api.example.org"_s);
    qputenv("PATH", oldPath);
    QVERIFY(finished.wait(10'000));
    QCOMPARE(finished.at(0).at(0).toString(), expectedKey);
    QVERIFY2(finished.at(0).at(1).toString().contains(errorContains), qPrintable(finished.at(0).at(1).toString()));
}

QTEST_GUILESS_MAIN(TestLlmTriage)
#include "tst_llmtriage.moc"
