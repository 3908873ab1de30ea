// nightwatch-cli report / postmortem / bundle as a user runs them: real processes on a real SQLite file.
// The PDF is checked with poppler's pdftotext: it must be a PDF whose text holds the title and the figures.
#include "../reportfixture.h"

#include "store/store.h"

#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestReportCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void pdfHasTitleAndFigures();
    void textFormats_data();
    void textFormats();
    void badArguments_data();
    void badArguments();
    void postmortemCommand();
    void bundleExportImport();

private:
    struct Run
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    static Run cli(const QStringList& args, bool withoutDisplay = false);

    QTemporaryDir m_dir;
    QString m_db;
    qint64 m_richId = 0;
};

TestReportCli::Run TestReportCli::cli(const QStringList& args, bool withoutDisplay)
{
    QProcess p;
    if (withoutDisplay) {
        // As on a server over ssh: the CLI must pick the offscreen platform on its own.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(u"QT_QPA_PLATFORM"_s);
        env.remove(u"DISPLAY"_s);
        env.remove(u"WAYLAND_DISPLAY"_s);
        p.setProcessEnvironment(env);
    }
    p.start(QStringLiteral(NIGHTWATCH_CLI), args);
    if (!p.waitForFinished(120000))
        return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

void TestReportCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_db = m_dir.filePath(u"history.sqlite"_s);
    Store store(u"tst-report-cli"_s);
    QString error;
    QVERIFY2(store.open(m_db, &error), qPrintable(error));
    ReportFixture::seed(store, ReportFixture::handHistory());
    m_richId = ReportFixture::seedRichIncident(store);
}

void TestReportCli::pdfHasTitleAndFigures()
{
    const QString pdftotext = QStandardPaths::findExecutable(u"pdftotext"_s);
    QVERIFY2(!pdftotext.isEmpty(), "pdftotext (poppler-utils) is not installed: packaging/dev.sh installs it");
    const QString pdf = m_dir.filePath(u"report.pdf"_s);
    const Run run = cli({u"report"_s, u"--from"_s, u"2026-03-02"_s, u"--to"_s, u"2026-03-16"_s, u"--tz"_s, u"UTC"_s,
                         u"--format"_s, u"pdf"_s, u"--db"_s, m_db, u"--out"_s, pdf},
                        true);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QFile file(pdf);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.read(5) == "%PDF-");

    QProcess text;
    text.start(pdftotext, {u"-layout"_s, pdf, u"-"_s});
    QVERIFY(text.waitForFinished(60000));
    QCOMPARE(text.exitCode(), 0);
    // NFKC: the PDF's font draws "fi" as a ligature, which pdftotext hands back as one character.
    const QString body =
        QString::fromUtf8(text.readAllStandardOutput()).normalized(QString::NormalizationForm_KC).simplified();
    for (const QString& expected : {u"On-call health report"_s, u"Pages (incidents) 7"_s, u"Notifications 16"_s,
                                    u"median 5 min 00 s, mean 6 min 36 s"_s, u"3 (42.9 %)"_s,
                                    u"DiskSpaceWarning 3 3 team-storage"_s, u"2026-W10 2026-03-02 4 2"_s})
        QVERIFY2(body.contains(expected), qPrintable(u"missing '%1' in:\n%2"_s.arg(expected, body)));
}

void TestReportCli::textFormats_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("expected");
    QTest::addRow("md UTC") << u"md"_s << u"UTC"_s << u"- **Pages (incidents):** 7"_s;
    QTest::addRow("md New York") << u"md"_s << u"America/New_York"_s << u"- **Pages (incidents):** 8"_s;
    QTest::addRow("html") << u"html"_s << u"UTC"_s << u"<th>Night pages (22:00–07:00)</th><td>3 (42.9 %)</td>"_s;
}

void TestReportCli::textFormats()
{
    QFETCH(QString, format);
    QFETCH(QString, zone);
    QFETCH(QString, expected);
    const Run run = cli({u"report"_s, u"--from"_s, u"2026-03-02"_s, u"--to"_s, u"2026-03-16"_s, u"--tz"_s, zone,
                         u"--format"_s, format, u"--db"_s, m_db});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(QString::fromUtf8(run.out).contains(expected), run.out.constData());
}

void TestReportCli::badArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("reason");
    const QString missing = u"/nonexistent-dir/none.sqlite"_s;
    QTest::addRow("reversed period") << QStringList{u"report"_s, u"--from"_s, u"2026-03-16"_s, u"--to"_s,
                                                    u"2026-03-02"_s}
                                     << u"--to must be after --from"_s;
    QTest::addRow("not a date") << QStringList{u"report"_s, u"--from"_s, u"March"_s, u"--to"_s, u"2026-03-02"_s}
                                << u"--from: 'March' is not a date"_s;
    QTest::addRow("unknown zone") << QStringList{u"report"_s,     u"--from"_s, u"2026-03-02"_s,      u"--to"_s,
                                                 u"2026-03-16"_s, u"--tz"_s,   u"Nowhere/Atlantis"_s}
                                  << u"unknown time zone 'Nowhere/Atlantis'"_s;
    QTest::addRow("bad format") << QStringList{u"report"_s,     u"--from"_s,   u"2026-03-02"_s, u"--to"_s,
                                               u"2026-03-16"_s, u"--format"_s, u"docx"_s}
                                << u"'docx' is not md, html or pdf"_s;
    QTest::addRow("pdf to stdout") << QStringList{u"report"_s,     u"--from"_s,   u"2026-03-02"_s, u"--to"_s,
                                                  u"2026-03-16"_s, u"--format"_s, u"pdf"_s}
                                   << u"needs --out"_s;
    QTest::addRow("no database") << QStringList{u"report"_s,     u"--from"_s, u"2026-03-02"_s, u"--to"_s,
                                                u"2026-03-16"_s, u"--db"_s,   missing}
                                 << u"no database at"_s;
    QTest::addRow("postmortem of nothing") << QStringList{u"postmortem"_s, u"abc"_s} << u"not an incident id"_s;
    QTest::addRow("bundle verb") << QStringList{u"bundle"_s, u"send"_s, u"1"_s} << u"usage: bundle"_s;
}

void TestReportCli::badArguments()
{
    QFETCH(QStringList, args);
    QFETCH(QString, reason);
    const Run run = cli(args);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(QString::fromUtf8(run.err).contains(reason), run.err.constData());
}

void TestReportCli::postmortemCommand()
{
    const QString out = m_dir.filePath(u"pm.html"_s);
    Run run =
        cli({u"postmortem"_s, QString::number(m_richId), u"--format"_s, u"html"_s, u"--db"_s, m_db, u"--out"_s, out});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString html = QString::fromUtf8(file.readAll());
    QVERIFY(html.contains(u"<h1>Postmortem: DatabaseConnectionPoolExhausted on order-service (+1 alerts)</h1>"_s));
    QVERIFY(html.contains(u"kubectl rollout restart deployment/pgbouncer"_s));
    QVERIFY(html.contains(u"DB connection pool"_s) || html.contains(u"Timeline"_s));

    run = cli({u"postmortem"_s, QString::number(m_richId + 1000), u"--db"_s, m_db});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(QByteArray::number(m_richId + 1000)), run.err.constData());
}

void TestReportCli::bundleExportImport()
{
    const QString bundle = m_dir.filePath(u"incident.json"_s);
    const QString other = m_dir.filePath(u"laptop.sqlite"_s);
    Run run = cli({u"bundle"_s, u"export"_s, QString::number(m_richId), u"--db"_s, m_db, u"--out"_s, bundle});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    run = cli({u"bundle"_s, u"import"_s, bundle, u"--db"_s, other});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.out.startsWith("imported as incident 1"), run.out.constData());
    run = cli({u"bundle"_s, u"import"_s, bundle, u"--db"_s, other});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.out.startsWith("already present as incident 1"), run.out.constData());
    // The imported incident reads back as the same postmortem (ids aside).
    const Run a = cli({u"postmortem"_s, QString::number(m_richId), u"--db"_s, m_db});
    const Run b = cli({u"postmortem"_s, u"1"_s, u"--db"_s, other});
    QCOMPARE(QString::fromUtf8(b.out).section(u'\n', 3), QString::fromUtf8(a.out).section(u'\n', 3));

    QFile broken(m_dir.filePath(u"broken.json"_s));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write(
        R"({"format":"nightwatch-incident-bundle","version":1,"incident":{"key":"k","first_alert_at":"soon"}})");
    broken.close();
    run = cli({u"bundle"_s, u"import"_s, broken.fileName(), u"--db"_s, other});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("incident.first_alert_at"), run.err.constData());
}

QTEST_GUILESS_MAIN(TestReportCli)
#include "tst_report_cli.moc"
