// `nightwatch-cli serve` as an operator runs it: the headless console takes Alertmanager webhooks on a
// loopback port, answers 400 with a reason to garbage and 200 once stored, and stops cleanly on SIGTERM
// with everything in its database.

#include "store/store.h"

#include "../alertmanagerprocess.h"
#include "../serveprocess.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;

class TestServeCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void servesWebhooksIntoTheDatabase();
    void stopsCleanlyWhileDeliveriesArrive_data();
    void stopsCleanlyWhileDeliveriesArrive();
    void stopsWithinTenSecondsDuringABigDelivery();
    void damagedDatabaseIsRefused();
    void consoleQuitsCleanlyOnSigterm();

private:
    int post(const QUrl& url, const QByteArray& body, QByteArray* answer);
    QNetworkAccessManager m_nam;
};

int TestServeCli::post(const QUrl& url, const QByteArray& body, QByteArray* answer)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply* reply = m_nam.post(request, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(10'000);
    *answer = reply->readAll();
    reply->deleteLater();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

void TestServeCli::servesWebhooksIntoTheDatabase()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"serve.sqlite"_s);
    const quint16 port = testsupport::freePort();
    QProcess serve;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, dir.path());
    env.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config"_s));
    serve.setProcessEnvironment(env);
    serve.start(QStringLiteral(NIGHTWATCH_CLI),
                {u"serve"_s, u"--db"_s, db, u"--listen"_s, u"127.0.0.1:%1"_s.arg(port), u"--graph"_s,
                 QStringLiteral(NIGHTWATCH_SOURCE_DIR) + u"/resources/demo/blackfriday-graph.json"_s});
    QByteArray output;
    connect(&serve, &QProcess::readyReadStandardOutput, this, [&] { output += serve.readAllStandardOutput(); });
    QVERIFY(serve.waitForStarted(10'000));
    QTRY_VERIFY_WITH_TIMEOUT(output.contains("webhook: listening") || serve.state() == QProcess::NotRunning, 20'000);
    QCOMPARE(serve.state(), QProcess::Running);

    const QUrl url(u"http://127.0.0.1:%1/api/v1/alerts/alertmanager"_s.arg(port));
    QByteArray answer;
    QCOMPARE(post(url, "{\"version\":", &answer), 400);
    QVERIFY2(answer.contains("\"error\""), answer.constData());

    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    const QByteArray payload =
        (uR"({"version":"4","status":"firing","receiver":"nightwatch","groupLabels":{},"commonLabels":{},)"
         uR"("commonAnnotations":{},"externalURL":"http://am","alerts":[)"
         uR"({"status":"firing","labels":{"alertname":"DatabaseConnectionPoolExhausted","service":"order-service",)"
         uR"("severity":"critical"},"annotations":{},"startsAt":"%1","endsAt":"0001-01-01T00:00:00Z"},)"
         uR"({"status":"firing","labels":{"alertname":"UpstreamTimeouts","service":"payment-service",)"
         uR"("severity":"critical"},"annotations":{},"startsAt":"%1","endsAt":"0001-01-01T00:00:00Z"}]})"_s)
            .arg(now)
            .toUtf8();
    QCOMPARE(post(url, payload, &answer), 200);

    // 200 means committed: another connection sees it while the server still runs.
    {
        Store store(u"serve-reader"_s);
        QString error;
        QVERIFY2(store.open(db, &error), qPrintable(error));
        QCOMPARE(store.notificationCount(), 2);
        QCOMPARE(store.alertCount(), 2);
    }

    ::kill(pid_t(serve.processId()), SIGTERM);
    QVERIFY(serve.waitForFinished(10'000));
    QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
    QCOMPARE(serve.exitCode(), 0);

    Store store(u"serve-after"_s);
    QString error;
    QVERIFY2(store.open(db, &error), qPrintable(error));
    // Two alerts are too few to believe a shared cause (the correlator waits for more of the blast radius),
    // so what counts here is that every alert is in a stored incident.
    qsizetype members = 0;
    for (const Incident& incident : store.loadIncidents())
        members += incident.alerts.size();
    QCOMPARE(members, 2);
}

void TestServeCli::stopsCleanlyWhileDeliveriesArrive_data()
{
    QTest::addColumn<int>("signal");
    QTest::addRow("SIGTERM") << int(SIGTERM);
    QTest::addRow("SIGINT") << int(SIGINT);
}

void TestServeCli::stopsCleanlyWhileDeliveriesArrive()
{
    QFETCH(int, signal);
    QTemporaryDir dir;
    const QString db = dir.filePath(u"stop.sqlite"_s);
    testsupport::ServeProcess serve;
    QString why;
    QVERIFY2(serve.start(db, &why), qPrintable(why));
    int nextId = 0;
    testsupport::DeliveryClient client(serve.url(), 20, &nextId);
    client.start(4);
    QTRY_VERIFY_WITH_TIMEOUT(client.acked.size() >= 50, 20'000);

    // The stop request lands while deliveries are in flight and keep coming: those answered 200 must be
    // stored, the rest refused or cut off, and the process gone with exit code 0 well within 10 s.
    QElapsedTimer stopping;
    stopping.start();
    ::kill(pid_t(serve.process->processId()), signal);
    QTRY_VERIFY_WITH_TIMEOUT(serve.process->state() == QProcess::NotRunning, 10'000);
    const qint64 exitMs = stopping.elapsed();
    client.stop();
    QCOMPARE(serve.process->exitStatus(), QProcess::NormalExit);
    QVERIFY2(serve.process->exitCode() == 0, serve.output.constData());
    QVERIFY2(exitMs < 10'000, qPrintable(QString::number(exitMs)));
    std::printf("%s: exited 0 after %lld ms, %lld deliveries acknowledged\n", QTest::currentDataTag(),
                qlonglong(exitMs), qlonglong(client.acked.size()));

    Store store(u"serve-stopped"_s);
    QVERIFY2(store.open(db, &why, Store::OpenMode::ReadOnly), qPrintable(why));
    QSet<QString> stored;
    for (const Alert& a : store.loadNotifications(QDateTime::fromMSecsSinceEpoch(0, Qt::UTC)))
        stored.insert(a.labels.value(u"alertname"_s));
    for (const int id : std::as_const(client.acked))
        for (int k = 0; k < 20; ++k)
            QVERIFY2(stored.contains(testsupport::alertName(id, k)), qPrintable(testsupport::alertName(id, k)));
}

void TestServeCli::stopsWithinTenSecondsDuringABigDelivery()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"big.sqlite"_s);
    testsupport::ServeProcess serve;
    QString why;
    QVERIFY2(serve.start(db, &why), qPrintable(why));
    // 35,000 alerts (8 MiB), stored and answered; the stop comes right after, while the pipeline still has
    // all of them to correlate and save: the exit must not wait for that work, however long it takes.
    QNetworkRequest request(serve.url());
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply* reply = m_nam.post(request, testsupport::alertmanagerDelivery(1, 35'000, 300));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(60'000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    reply->deleteLater();
    QElapsedTimer stopping;
    stopping.start();
    ::kill(pid_t(serve.process->processId()), SIGTERM);
    QTRY_VERIFY_WITH_TIMEOUT(serve.process->state() == QProcess::NotRunning, 15'000);
    const qint64 exitMs = stopping.elapsed();
    std::printf("big delivery just acknowledged: exited %d after %lld ms\n", serve.process->exitCode(),
                qlonglong(exitMs));
    QVERIFY2(exitMs < 10'000, qPrintable(QString::number(exitMs)));
    QCOMPARE(serve.process->exitStatus(), QProcess::NormalExit);
    QCOMPARE(serve.process->exitCode(), 0);

    Store store(u"serve-big"_s);
    QVERIFY2(store.open(db, &why, Store::OpenMode::ReadOnly), qPrintable(why));
    QCOMPARE(store.notificationCount(), 35'000); // acknowledged, so stored, whatever the shutdown skipped
}

void TestServeCli::damagedDatabaseIsRefused()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"damaged.sqlite"_s);
    {
        Store store(u"serve-damage"_s);
        QString error;
        QVERIFY2(store.open(db, &error), qPrintable(error));
        QVector<Alert> alerts;
        for (int i = 0; i < 2000; ++i) {
            Alert a;
            a.labels = {{u"alertname"_s, u"A%1"_s.arg(i)}, {u"service"_s, u"svc"_s}};
            a.fingerprint = Alert::fingerprintOf(a.labels);
            a.startsAt = a.receivedAt = QDateTime::currentDateTimeUtc();
            alerts.append(a);
        }
        QVERIFY2(store.recordNotifications(alerts, &error), qPrintable(error));
    }
    QFile file(db);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.seek(file.size() - 8192));
    QByteArray garbage(8192, '\0');
    for (qsizetype i = 0; i < garbage.size(); ++i)
        garbage[i] = char((i * 131 + 7) % 253);
    file.write(garbage);
    file.close();

    testsupport::ServeProcess serve;
    QString why;
    QVERIFY(!serve.start(db, &why)); // never listens, so never answers 200
    QTRY_VERIFY2_WITH_TIMEOUT(serve.process->state() == QProcess::NotRunning, serve.output.constData(), 10'000);
    QCOMPARE(serve.process->exitCode(), 2);
    QVERIFY2(serve.output.contains("is damaged") && serve.output.contains("quick_check"), serve.output.constData());
}

void TestServeCli::consoleQuitsCleanlyOnSigterm()
{
    // The window console under systemd or a logout: SIGTERM quits as its Quit does (saved, closed, exit 0).
    QTemporaryDir dir;
    const QString db = dir.filePath(u"gui.sqlite"_s);
    const quint16 port = testsupport::freePort();
    QProcess gui;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, dir.path());
    env.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config"_s));
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    gui.setProcessEnvironment(env);
    gui.setProcessChannelMode(QProcess::MergedChannels);
    gui.start(QStringLiteral(NIGHTWATCH_GUI), {u"--db"_s, db, u"--listen"_s, u"127.0.0.1:%1"_s.arg(port)});
    QVERIFY(gui.waitForStarted(10'000));
    const QUrl url(u"http://127.0.0.1:%1/api/v1/alerts/alertmanager"_s.arg(port));
    QByteArray answer;
    int status = 0;
    for (QDeadlineTimer deadline(20'000); status != 200 && !deadline.hasExpired(); QTest::qWait(100))
        status = post(url, testsupport::alertmanagerDelivery(7, 3), &answer); // refused until it listens
    QCOMPARE(status, 200);
    QElapsedTimer stopping;
    stopping.start();
    ::kill(pid_t(gui.processId()), SIGTERM);
    QTRY_VERIFY_WITH_TIMEOUT(gui.state() == QProcess::NotRunning, 10'000);
    std::printf("console: exited %d after %lld ms\n", gui.exitCode(), qlonglong(stopping.elapsed()));
    QCOMPARE(gui.exitStatus(), QProcess::NormalExit); // not killed by the signal
    QCOMPARE(gui.exitCode(), 0);
    Store store(u"gui-after"_s);
    QString why;
    QVERIFY2(store.open(db, &why, Store::OpenMode::ReadOnly), qPrintable(why));
    QCOMPARE(store.notificationCount(), 3);
}

QTEST_GUILESS_MAIN(TestServeCli)
#include "tst_serve_cli.moc"
