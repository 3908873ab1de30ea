// nightwatch-bench as a developer runs it: the quick storm prints every figure as a positive finite
// number, and the reliability table of `--suite` accounts for every true incident of a generated suite.
// No timing is asserted: the figures depend on the machine.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;

class TestBench : public QObject
{
    Q_OBJECT

private:
    // Runs the benchmark and returns its stdout parsed as one JSON object (empty on any failure, with a warning).
    static QJsonObject runJson(const QStringList& args)
    {
        QProcess cli;
        cli.start(QStringLiteral(NIGHTWATCH_BENCH), args);
        if (!cli.waitForFinished(240'000) || cli.exitStatus() != QProcess::NormalExit || cli.exitCode() != 0) {
            qWarning() << "nightwatch-bench" << args << "failed:" << cli.readAllStandardError();
            return {};
        }
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(cli.readAllStandardOutput(), &error);
        if (!doc.isObject())
            qWarning() << "not one JSON object:" << error.errorString();
        return doc.object();
    }

private Q_SLOTS:
    void quickStormPrintsEveryFigure()
    {
        const QJsonObject figures = runJson({u"--quick"_s, u"--json"_s});
        QVERIFY(!figures.isEmpty());
        QStringList keys{u"ingest_notifications_per_s"_s,
                         u"ingest_one_at_a_time_notifications_per_s"_s,
                         u"http_ingest_notifications_per_s"_s,
                         u"diagnose_p50_ms"_s,
                         u"diagnose_p95_ms"_s,
                         u"rss_mb"_s,
                         u"notifications"_s};
        if (QFileInfo::exists(u"/usr/bin/prometheus-alertmanager"_s))
            keys << u"alertmanager_http_ingest_notifications_per_s"_s;
        for (const QString& key : std::as_const(keys)) {
            QVERIFY2(figures.value(key).isDouble(), qPrintable(key));
            const double value = figures.value(key).toDouble();
            QVERIFY2(std::isfinite(value) && value > 0, qPrintable(u"%1 = %2"_s.arg(key).arg(value)));
        }
        QCOMPARE(figures.value(u"notifications"_s).toInt(), 5000);
        QVERIFY(figures.value(u"diagnose_p50_ms"_s).toDouble() <= figures.value(u"diagnose_p95_ms"_s).toDouble());
    }

    void suiteTableCountsEveryTrueIncident()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess generate;
        generate.start(u"python3"_s, {QStringLiteral(NIGHTWATCH_SCENGEN), u"--suite"_s,
                                      dir.path(), u"--count"_s, u"6"_s, u"--seed"_s, u"77"_s});
        QVERIFY(generate.waitForFinished(60'000));
        QCOMPARE(generate.exitCode(), 0);

        int trueIncidents = 0;
        const QStringList files = QDir(dir.path()).entryList({u"*.json"_s}, QDir::Files);
        QCOMPARE(files.size(), 6);
        for (const QString& name : files) {
            QFile file(dir.filePath(name));
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QJsonObject scenario = QJsonDocument::fromJson(file.readAll()).object();
            trueIncidents += int(scenario.value(u"truth"_s).toObject().value(u"incidents"_s).toArray().size());
        }
        QVERIFY(trueIncidents >= files.size());

        const QJsonObject table =
            runJson({u"--suite"_s, dir.path(), u"--json"_s}).value(u"reliability"_s).toObject();
        QVERIFY(!table.isEmpty());
        QCOMPARE(table.value(u"true_incidents"_s).toInt(), trueIncidents);
        int counted = 0;
        for (const QJsonValue& bin : table.value(u"bins"_s).toArray()) {
            const QJsonObject b = bin.toObject();
            counted += b.value(u"count"_s).toInt();
            QVERIFY(b.value(u"low"_s).toDouble() < b.value(u"high"_s).toDouble());
            if (b.value(u"count"_s).toInt() > 0) {
                const double confidence = b.value(u"mean_confidence"_s).toDouble();
                QVERIFY(confidence >= b.value(u"low"_s).toDouble() && confidence <= b.value(u"high"_s).toDouble());
                const double accuracy = b.value(u"accuracy"_s).toDouble();
                QVERIFY(accuracy >= 0.0 && accuracy <= 1.0);
            }
        }
        QCOMPARE(counted, trueIncidents);
        const double ece = table.value(u"ece"_s).toDouble(-1);
        QVERIFY(ece >= 0.0 && ece <= 1.0);
    }
};

QTEST_GUILESS_MAIN(TestBench)
#include "tst_bench.moc"
