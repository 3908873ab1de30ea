// The command lines are safe to try: help without a display, usage lines that name the command, a replay that
// never writes into the console's own database, graph and JSON mistakes reported with where they are.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
struct Run
{
    int exitCode = -1;
    QProcess::ExitStatus status = QProcess::CrashExit;
    QString out;
    QString err;
};
} // namespace

class TestCliSafety : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void consoleAnswersWithoutDisplay_data();
    void consoleAnswersWithoutDisplay();
    void usageNamesTheCommand_data();
    void usageNamesTheCommand();
    void replayWithoutDbLeavesTheConsoleDatabaseAlone();
    void replayWithDbKeepsIt();
    void badGraphsAndJsonAreErrors_data();
    void badGraphsAndJsonAreErrors();

private:
    // Runs with a private home: no display, no settings or data of the engineer's.
    Run run(const char* program, const QStringList& args, bool offscreen = false);
    QString write(const QString& name, const QByteArray& content);
    QString dataHome() const { return m_home.filePath(u"data"_s); }

    QTemporaryDir m_home;
};

void TestCliSafety::init()
{
    QDir(dataHome()).removeRecursively();
}

Run TestCliSafety::run(const char* program, const QStringList& args, bool offscreen)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        env.remove(QString::fromLatin1(name));
    if (offscreen)
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    env.insert(u"HOME"_s, m_home.path());
    env.insert(u"XDG_DATA_HOME"_s, dataHome());
    env.insert(u"XDG_CONFIG_HOME"_s, m_home.filePath(u"config"_s));
    env.insert(u"XDG_RUNTIME_DIR"_s, m_home.path());
    env.insert(u"LANG"_s, u"C.UTF-8"_s);
    p.setProcessEnvironment(env);
    p.start(QString::fromLocal8Bit(program), args);
    Run r;
    if (!p.waitForFinished(60'000))
        return r;
    r.status = p.exitStatus();
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QString TestCliSafety::write(const QString& name, const QByteArray& content)
{
    QFile file(m_home.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return {};
    return file.fileName();
}

void TestCliSafety::consoleAnswersWithoutDisplay_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("says"); // on stdout for 0, else on stderr
    QTest::addRow("--help") << QStringList{u"--help"_s} << 0 << u"--replay <file>"_s;
    QTest::addRow("-h in German") << QStringList{u"--lang"_s, u"de"_s, u"-h"_s} << 0 << u"--replay"_s;
    QTest::addRow("--version") << QStringList{u"--version"_s} << 0 << u"nightwatch"_s;
    QTest::addRow("a mistyped option") << QStringList{u"--replya"_s, u"x.json"_s} << 1 << u"replya"_s;
}

void TestCliSafety::consoleAnswersWithoutDisplay()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, says);
    const Run r = run(NIGHTWATCH_GUI, args);
    QCOMPARE(r.status, QProcess::NormalExit); // not an abort for want of a display
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2((exitCode == 0 ? r.out : r.err).contains(says), qPrintable(r.out + r.err));
}

void TestCliSafety::usageNamesTheCommand_data()
{
    QTest::addColumn<QString>("command");
    for (const char* c : {"diagnose", "replay", "serve", "changes", "runbook", "report", "postmortem", "bundle"})
        QTest::addRow("%s", c) << QString::fromLatin1(c);
}

void TestCliSafety::usageNamesTheCommand()
{
    QFETCH(QString, command);
    const Run r = run(NIGHTWATCH_CLI, {command, u"--help"_s});
    QCOMPARE(r.exitCode, 0);
    const QString usage = r.out.section(u'\n', 0, 0);
    QVERIFY2(usage.startsWith(u"Usage: nightwatch-cli %1 "_s.arg(command)), qPrintable(usage));
}

void TestCliSafety::replayWithoutDbLeavesTheConsoleDatabaseAlone()
{
    const Run r = run(NIGHTWATCH_CLI, {u"replay"_s, QStringLiteral(NIGHTWATCH_SOURCE_DIR "/tests/data/ingest_scenario.json")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(u"temporary database"_s), qPrintable(r.err));
    const auto incidents = QJsonDocument::fromJson(r.out.toUtf8()).object().value(u"incidents"_s).toArray();
    QVERIFY(!incidents.isEmpty());
    QVERIFY(!incidents.first().toObject().value(u"title"_s).toString().isEmpty());
    // Nothing in the console's data directory, where its real database lives.
    QVERIFY2(!QFile::exists(dataHome() + u"/nightwatch/nightwatch/nightwatch.sqlite"_s),
             "a replay without --db wrote into the console's database");
    QVERIFY(QDir(dataHome()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty());
}

void TestCliSafety::replayWithDbKeepsIt()
{
    const QString db = m_home.filePath(u"replayed.sqlite"_s);
    const Run r = run(NIGHTWATCH_CLI, {u"replay"_s, QStringLiteral(NIGHTWATCH_SOURCE_DIR "/tests/data/ingest_scenario.json"), u"--db"_s, db});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(!r.err.contains(u"temporary database"_s));
    QVERIFY(QFileInfo(db).size() > 0);
}

void TestCliSafety::badGraphsAndJsonAreErrors_data()
{
    QTest::addColumn<QString>("program"); // "cli" or "gui"
    QTest::addColumn<QStringList>("args"); // $EMPTY: a graph without nodes, $BAD: broken JSON on line 2
    QTest::addColumn<QString>("says");
    const QString feed = QStringLiteral(NIGHTWATCH_SOURCE_DIR "/tests/data/ingest_scenario.json");
    QTest::addRow("replay --graph without nodes") << u"cli"_s << QStringList{u"replay"_s, feed, u"--graph"_s, u"$EMPTY"_s}
                                                  << u"no nodes"_s;
    QTest::addRow("console --graph without nodes")
        << u"gui"_s << QStringList{u"--graph"_s, u"$EMPTY"_s, u"--replay"_s, feed, u"--screenshot"_s, u"$SHOT"_s}
        << u"no nodes"_s;
    QTest::addRow("diagnose broken JSON") << u"cli"_s << QStringList{u"diagnose"_s, u"$BAD"_s} << u"line 2, column"_s;
    QTest::addRow("replay --graph broken JSON")
        << u"cli"_s << QStringList{u"replay"_s, feed, u"--graph"_s, u"$BAD"_s} << u"line 2, column"_s;
}

void TestCliSafety::badGraphsAndJsonAreErrors()
{
    QFETCH(QString, program);
    QFETCH(QStringList, args);
    QFETCH(QString, says);
    const QString empty = write(u"empty.json"_s, "{\"nodes\": [], \"edges\": []}\n");
    const QString bad = write(u"bad.json"_s, "{\n  \"alerts\": [,]\n}\n");
    const QString shot = m_home.filePath(u"shot.png"_s);
    args.replaceInStrings(u"$EMPTY"_s, empty).replaceInStrings(u"$BAD"_s, bad).replaceInStrings(u"$SHOT"_s, shot);
    const Run r = run(program == u"cli" ? NIGHTWATCH_CLI : NIGHTWATCH_GUI, args, true);
    QCOMPARE(r.status, QProcess::NormalExit);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(says), qPrintable(r.err));
    QVERIFY(!QFile::exists(shot));
}

QTEST_GUILESS_MAIN(TestCliSafety)
#include "tst_cli_safety.moc"
