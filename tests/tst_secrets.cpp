// Secrets stay out of the settings file and off plain-http wires: a setting names its secret (env:/keyring:), a
// secret written in it is reported and not used, and no token, API key or Slack hook goes to http:// other than
// loopback.

#include "notify/slacknotifier.h"
#include "secrets/secretref.h"
#include "triage/llmtriageclient.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestSecrets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keyringThroughSecretTool_data();
    void keyringThroughSecretTool();
    void configured_data();
    void configured();
    void llmKeyNeverCrossesPlainHttp_data();
    void llmKeyNeverCrossesPlainHttp();
    void slackHookNeverCrossesPlainHttp_data();
    void slackHookNeverCrossesPlainHttp();
};

void TestSecrets::keyringThroughSecretTool_data()
{
    QTest::addColumn<QString>("reference");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("errorPart");
    QTest::addRow("stored") << u"keyring:grafana"_s << u"glsa_token"_s << u""_s;
    QTest::addRow("not stored") << u"keyring:mimir"_s << u""_s << u"no secret named mimir in the keyring"_s;
}

void TestSecrets::keyringThroughSecretTool()
{
    QFETCH(QString, reference);
    QFETCH(QString, expected);
    QFETCH(QString, errorPart);
    // A stand-in secret-tool first on PATH: it answers only the exact lookup Nightwatch documents, so the
    // arguments are checked too. (The desktop keyring itself cannot run in a test.)
    QTemporaryDir bin;
    QFile tool(bin.filePath(u"secret-tool"_s));
    QVERIFY(tool.open(QIODevice::WriteOnly));
    tool.write("#!/bin/sh\n"
               "[ \"$*\" = \"lookup service nightwatch secret grafana\" ] && { echo glsa_token; exit 0; }\n"
               "exit 1\n");
    tool.close();
    QVERIFY(tool.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    const QByteArray path = qgetenv("PATH");
    qputenv("PATH", bin.path().toLocal8Bit() + ':' + path);
    QString error;
    const QString value = SecretRef::resolve(reference, &error);
    qputenv("PATH", path);
    QCOMPARE(value, expected);
    QVERIFY2(errorPart.isEmpty() ? error.isEmpty() : error.contains(errorPart), qPrintable(error));
}

void TestSecrets::configured_data()
{
    QTest::addColumn<QByteArray>("env"); // NW_TEST_SECRET; empty: unset
    QTest::addColumn<QString>("setting");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("plainText");
    QTest::addColumn<QString>("errorPart"); // empty: no error

    QTest::addRow("environment wins") << QByteArray("from-env") << u"keyring:x"_s << u"from-env"_s << false << u""_s;
    QTest::addRow("nothing configured") << QByteArray() << u""_s << u""_s << false << u""_s;
    QTest::addRow("setting names a variable") << QByteArray() << u"env:NW_TEST_OTHER"_s << u"other"_s << false << u""_s;
    QTest::addRow("setting names an unset variable") << QByteArray() << u"env:NW_TEST_UNSET"_s << u""_s << false
                                                     << u"webhook/token: environment variable NW_TEST_UNSET"_s;
    QTest::addRow("plain text in the setting: ignored")
        << QByteArray() << u"s3cret-token"_s << u""_s << true << u"holds a secret in plain text"_s;
    QTest::addRow("Slack URL in the setting: ignored")
        << QByteArray() << u"https://hooks.slack.com/services/T0/B0/x"_s << u""_s << true << u"NW_TEST_SECRET"_s;
}

void TestSecrets::configured()
{
    QFETCH(QByteArray, env);
    QFETCH(QString, setting);
    QFETCH(QString, expected);
    QFETCH(bool, plainText);
    QFETCH(QString, errorPart);
    if (env.isEmpty())
        qunsetenv("NW_TEST_SECRET");
    else
        qputenv("NW_TEST_SECRET", env);
    qputenv("NW_TEST_OTHER", "other");
    qunsetenv("NW_TEST_UNSET");

    QString error;
    bool plain = false;
    QCOMPARE(SecretRef::configured("NW_TEST_SECRET", u"webhook/token"_s, setting, &error, &plain), expected);
    QCOMPARE(plain, plainText);
    QVERIFY2(errorPart.isEmpty() ? error.isEmpty() : error.contains(errorPart), qPrintable(error));
    QVERIFY2(!error.contains(u"s3cret"_s) && !error.contains(u"hooks.slack"_s), "the error must not echo the secret");
}

void TestSecrets::llmKeyNeverCrossesPlainHttp_data()
{
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("refused");
    QTest::addRow("key to http elsewhere") << u"http://llm.example:8080"_s << u"sk-1"_s << true;
    // Without a key nothing secret is sent: a local-network model server over http stays usable.
    QTest::addRow("no key to http elsewhere") << u"http://0.0.0.0:1"_s << u""_s << false;
    QTest::addRow("key to loopback http") << u"http://127.0.0.1:1"_s << u"sk-1"_s << false;
}

void TestSecrets::llmKeyNeverCrossesPlainHttp()
{
    QFETCH(QString, endpoint);
    QFETCH(QString, key);
    QFETCH(bool, refused);
    LlmTriageClient client;
    LlmTriageClient::Config config;
    config.enabled = true;
    config.endpoint = QUrl(endpoint);
    config.model = u"m"_s;
    config.apiKey = key;
    config.timeoutMs = 2000;
    client.setConfig(config);
    QSignalSpy finished(&client, &LlmTriageClient::finished);
    Incident incident;
    incident.key = u"k"_s;
    client.request(incident);
    QVERIFY(finished.wait(10'000));
    const QString reason = finished.first().at(2).value<TriageResult>().fallbackReason;
    QCOMPARE(reason.contains(u"refusing to send credentials"_s), refused);
}

void TestSecrets::slackHookNeverCrossesPlainHttp_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("enabled");
    QTest::addRow("https hook") << u"https://hooks.slack.com/services/T0/B0/x"_s << true;
    QTest::addRow("http hook elsewhere") << u"http://hooks.example/services/T0/B0/x"_s << false;
    QTest::addRow("http hook on loopback") << u"http://127.0.0.1:9/hook"_s << true;
}

void TestSecrets::slackHookNeverCrossesPlainHttp()
{
    QFETCH(QString, url);
    QFETCH(bool, enabled);
    SlackNotifier slack;
    slack.setWebhookUrl(QUrl(url));
    QCOMPARE(slack.isEnabled(), enabled);
}

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
