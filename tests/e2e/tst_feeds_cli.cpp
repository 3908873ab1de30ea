// `nightwatch-cli serve` with the Grafana, PagerDuty and generic feeds configured as an operator does it:
// the mapping file from --generic-mapping, the PagerDuty secret from NIGHTWATCH_PAGERDUTY_SECRET. Each
// fixture posted to its route ends up in the database; a bad mapping file stops serve with its reason.

#include "ingest/pagerdutywebhookparser.h"
#include "store/store.h"

#include "../serveprocess.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;

namespace {

QByteArray fixture(const QString& name)
{
    QFile file(QStringLiteral(NIGHTWATCH_SOURCE_DIR) + u"/tests/data/feeds/"_s + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return file.readAll();
}

const QString kSecret = u"s3cr3t-current"_s;

QProcessEnvironment isolated(const QTemporaryDir& dir)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, dir.path());
    env.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config"_s));
    env.insert(u"NIGHTWATCH_PAGERDUTY_SECRET"_s, kSecret);
    return env;
}

} // namespace

class TestFeedsCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void feedsIntoTheDatabase();
    void badMappingStopsServe();

private:
    int post(quint16 port, const QString& route, const QByteArray& body, const QByteArray& signature = {});
    QNetworkAccessManager m_nam;
};

int TestFeedsCli::post(quint16 port, const QString& route, const QByteArray& body, const QByteArray& signature)
{
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/api/v1/alerts/%2"_s.arg(port).arg(route)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!signature.isEmpty())
        request.setRawHeader("X-PagerDuty-Signature", signature);
    QNetworkReply* reply = m_nam.post(request, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10'000);
    reply->deleteLater();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

void TestFeedsCli::feedsIntoTheDatabase()
{
    testsupport::ServeProcess serve;
    QVERIFY(serve.home.isValid());
    const QString db = serve.home.filePath(u"feeds.sqlite"_s);
    serve.extraArguments = {u"--generic-mapping"_s,
                            QStringLiteral(NIGHTWATCH_SOURCE_DIR) + u"/tests/data/feeds/generic/mapping.yaml"_s};
    serve.extraEnvironment.insert(u"NIGHTWATCH_PAGERDUTY_SECRET"_s, kSecret);
    QString why;
    QVERIFY2(serve.start(db, &why), qPrintable(why));
    const quint16 port = serve.port;

    QCOMPARE(post(port, u"grafana"_s, fixture(u"grafana/firing-two.json"_s)), 200);
    const QByteArray incident = fixture(u"pagerduty/incident-triggered.json"_s);
    QCOMPARE(post(port, u"pagerduty"_s, incident), 401); // the secret came from the environment
    QCOMPARE(post(port, u"pagerduty"_s, incident, PagerDutyWebhookParser::sign(incident, kSecret.toUtf8())), 200);
    QCOMPARE(post(port, u"generic"_s, fixture(u"generic/events.json"_s)), 200); // the mapping from the file
    QCOMPARE(post(port, u"generic"_s, fixture(u"generic/bad-time.json"_s)), 400);

    {
        Store store(u"feeds-reader"_s);
        QString error;
        QVERIFY2(store.open(db, &error), qPrintable(error));
        QCOMPARE(store.notificationCount(), 2 + 1 + 2);
    }
    ::kill(pid_t(serve.process->processId()), SIGTERM);
    QVERIFY(serve.process->waitForFinished(10'000));
    QCOMPARE(serve.process->exitCode(), 0);
}

void TestFeedsCli::badMappingStopsServe()
{
    QTemporaryDir dir;
    const QString mapping = dir.filePath(u"mapping.yaml"_s);
    QFile file(mapping);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("name: /title\nsevrity: /level\n");
    file.close();
    QProcess serve;
    serve.setProcessEnvironment(isolated(dir));
    serve.start(QStringLiteral(NIGHTWATCH_CLI),
                {u"serve"_s, u"--db"_s, dir.filePath(u"x.sqlite"_s), u"--listen"_s,
                 u"127.0.0.1:%1"_s.arg(testsupport::freePort()), u"--generic-mapping"_s, mapping});
    QVERIFY(serve.waitForFinished(20'000));
    QVERIFY(serve.exitCode() != 0);
    const QByteArray err = serve.readAllStandardError();
    QVERIFY2(err.contains("--generic-mapping: ") && err.contains("unknown key \"sevrity\""), err.constData());
}

QTEST_GUILESS_MAIN(TestFeedsCli)
#include "tst_feeds_cli.moc"
