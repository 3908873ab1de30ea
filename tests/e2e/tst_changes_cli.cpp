// `nightwatch-cli changes import`: good files are stored whole, bad ones are refused with the JSON path of
// the problem and store nothing.

#include "store/store.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestChangesCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void import_data();
    void import();
};

void TestChangesCli::import_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<int>("stored");
    QTest::addColumn<QString>("message");

    const QByteArray deploy =
        R"({"service":"order-service","kind":"deploy","at":"2026-11-27T23:33:00Z","description":"v3.2.2"})";
    QTest::addRow("one object") << deploy << 0 << 1 << u"imported 1 change events"_s;
    QTest::addRow("array") << "[" + deploy + "," + deploy + "]" << 0 << 2 << u"imported 2"_s;
    QTest::addRow("scenario changes") << R"({"alerts":[],"changes":[)" + deploy + "]}" << 0 << 1 << u"imported 1"_s;
    QTest::addRow("second lacks service")
        << "[" + deploy + R"(,{"kind":"deploy","at":"2026-11-27T23:33:00Z"}])" << 2 << 0 << u"changes[1].service"_s;
    QTest::addRow("bad time") << QByteArray(R"({"service":"a","kind":"deploy","at":"yesterday"})") << 2 << 0 << u"at"_s;
    QTest::addRow("not json") << QByteArray("{") << 2 << 0 << u"not valid JSON"_s;
}

void TestChangesCli::import()
{
    QFETCH(QByteArray, file);
    QFETCH(int, exitCode);
    QFETCH(int, stored);
    QFETCH(QString, message);

    QTemporaryDir dir;
    const QString path = dir.filePath(u"changes.json"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(file);
    f.close();
    const QString db = dir.filePath(u"db.sqlite"_s);
    QProcess cli;
    cli.start(QStringLiteral(NIGHTWATCH_CLI), {u"changes"_s, u"import"_s, path, u"--db"_s, db});
    QVERIFY(cli.waitForFinished(30'000));
    const QString output = QString::fromUtf8(cli.readAllStandardOutput() + cli.readAllStandardError());
    QCOMPARE(cli.exitCode(), exitCode);
    QVERIFY2(output.contains(message), qPrintable(output));

    Store store(u"changes-reader"_s);
    QString error;
    if (exitCode != 0 && !QFile::exists(db))
        return; // refused before a database was even created
    QVERIFY2(store.open(db, &error), qPrintable(error));
    QCOMPARE(store.loadChanges(QDateTime::fromSecsSinceEpoch(0)).size(), stored);
}

QTEST_GUILESS_MAIN(TestChangesCli)
#include "tst_changes_cli.moc"
