// `nightwatch-cli serve --listen` on a non-loopback address: refused without a token unless --insecure-listen
// is given, so the receiver never ends up open to the network by accident; and a port already taken (another serve
// on it) ends serve with exit 2, not a process that runs on without its receiver.

#include "../alertmanagerprocess.h"

#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestServeListenCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void listenAddress_data();
    void listenAddress();
};

void TestServeListenCli::listenAddress_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("token");
    QTest::addColumn<bool>("insecure");
    QTest::addColumn<bool>("starts");
    QTest::addColumn<bool>("portTaken");
    QTest::addColumn<QByteArray>("refusal"); // in stderr when it does not start
    QTest::addRow("loopback, no token") << u"127.0.0.1"_s << QString() << false << true << false << QByteArray();
    QTest::addRow("any address, no token")
        << u"0.0.0.0"_s << QString() << false << false << false << QByteArray("--insecure-listen");
    QTest::addRow("any address, token") << u"0.0.0.0"_s << u"s3cret"_s << false << true << false << QByteArray();
    QTest::addRow("any address, --insecure-listen")
        << u"0.0.0.0"_s << QString() << true << true << false << QByteArray();
    QTest::addRow("loopback, port taken")
        << u"127.0.0.1"_s << QString() << false << false << true << QByteArray("cannot listen on 127.0.0.1");
}

void TestServeListenCli::listenAddress()
{
    QFETCH(QString, host);
    QFETCH(QString, token);
    QFETCH(bool, insecure);
    QFETCH(bool, starts);
    QFETCH(bool, portTaken);
    QFETCH(QByteArray, refusal);
    QTemporaryDir dir;
    QTcpServer taker; // another serve, say
    if (portTaken)
        QVERIFY(taker.listen(QHostAddress::LocalHost));
    const quint16 port = portTaken ? taker.serverPort() : testsupport::freePort();
    QProcess serve;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, dir.path());
    env.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config"_s));
    env.remove(u"NIGHTWATCH_WEBHOOK_TOKEN"_s);
    if (!token.isEmpty())
        env.insert(u"NIGHTWATCH_WEBHOOK_TOKEN"_s, token);
    serve.setProcessEnvironment(env);
    QStringList args{u"serve"_s, u"--db"_s, dir.filePath(u"serve.sqlite"_s), u"--listen"_s,
                     u"%1:%2"_s.arg(host).arg(port)};
    if (insecure)
        args << u"--insecure-listen"_s;
    serve.start(QStringLiteral(NIGHTWATCH_CLI), args);
    QVERIFY(serve.waitForStarted(10'000));
    QByteArray output;
    connect(&serve, &QProcess::readyReadStandardOutput, this, [&] { output += serve.readAllStandardOutput(); });
    QTRY_VERIFY_WITH_TIMEOUT(output.contains("webhook: listening") || serve.state() == QProcess::NotRunning, 20'000);
    if (starts) {
        QCOMPARE(serve.state(), QProcess::Running);
        serve.kill();
        serve.waitForFinished(10'000);
        return;
    }
    QVERIFY(serve.state() == QProcess::NotRunning || serve.waitForFinished(10'000));
    QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
    QCOMPARE(serve.exitCode(), 2);
    const QByteArray stderrText = serve.readAllStandardError();
    QVERIFY2(stderrText.contains(refusal), stderrText.constData());
}

QTEST_GUILESS_MAIN(TestServeListenCli)
#include "tst_serve_listen_cli.moc"
