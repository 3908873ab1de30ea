// `nightwatch-cli serve --listen` on a non-loopback address: refused without a token unless --insecure-listen
// is given, so the receiver never ends up open to the network by accident.

#include "../alertmanagerprocess.h"

#include <QProcess>
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
    QTest::addRow("loopback, no token") << u"127.0.0.1"_s << QString() << false << true;
    QTest::addRow("any address, no token") << u"0.0.0.0"_s << QString() << false << false;
    QTest::addRow("any address, token") << u"0.0.0.0"_s << u"s3cret"_s << false << true;
    QTest::addRow("any address, --insecure-listen") << u"0.0.0.0"_s << QString() << true << true;
}

void TestServeListenCli::listenAddress()
{
    QFETCH(QString, host);
    QFETCH(QString, token);
    QFETCH(bool, insecure);
    QFETCH(bool, starts);
    QTemporaryDir dir;
    const quint16 port = testsupport::freePort();
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
    QVERIFY(serve.exitCode() != 0);
    const QByteArray stderrText = serve.readAllStandardError();
    QVERIFY2(stderrText.contains("--insecure-listen"), stderrText.constData());
}

QTEST_GUILESS_MAIN(TestServeListenCli)
#include "tst_serve_listen_cli.moc"
