// OnsetDetector, LaggedCorrelation and MetricEvidence on synthetic series with known answers.
#include "metrics/laggedcorrelation.h"
#include "metrics/metricevidence.h"
#include "metrics/onsetdetector.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 kStep = 15'000;
constexpr qint64 kT0 = 1'790'000'000'000; // a fixed instant; only differences matter

// Deterministic noise in [-1, 1] (a fixed LCG: the same on every compiler, unlike <random>'s distributions).
struct Noise
{
    quint32 state;
    double next()
    {
        state = state * 1664525u + 1013904223u;
        return double(state >> 8) / double(1u << 23) - 1.0;
    }
};

// n points every step; value(i) gives each value.
template <typename F> QVector<MetricSample> series(int n, F value, qint64 offset = 0)
{
    QVector<MetricSample> out;
    for (int i = 0; i < n; ++i)
        out.append({kT0 + offset + i * kStep, value(i)});
    return out;
}

QVector<MetricSample> noisyStep(int n, int at, double low, double high, double noise, quint32 seed, qint64 offset = 0)
{
    Noise rng{seed};
    return series(
        n, [&](int i) { return (i >= at ? high : low) + noise * rng.next(); }, offset);
}
} // namespace

class TestOnset : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void onset_data();
    void onset();
    void onsetAfterBaselineTime();
    void lag_data();
    void lag();
    void pearson();
    void evidence();
    void evidenceWithoutRootOnset();
    void durations();
};

void TestOnset::onset_data()
{
    QTest::addColumn<QVector<MetricSample>>("points");
    QTest::addColumn<int>("direction");
    QTest::addColumn<int>("expected"); // index, -1 for none
    using D = OnsetDetector::Direction;
    const double nan = std::numeric_limits<double>::quiet_NaN();

    QTest::addRow("noisy step") << noisyStep(120, 60, 10, 40, 1.0, 1) << int(D::Rising) << 60;
    QTest::addRow("no change") << noisyStep(120, 500, 10, 40, 1.0, 2) << int(D::Rising) << -1;
    QTest::addRow("flat zero then errors")
        << series(60, [](int i) { return i >= 33 ? 0.02 : 0.0; }) << int(D::Rising) << 33;
    QTest::addRow("lone spike is not an onset")
        << series(80, [](int i) { return i == 30 ? 500.0 : (i >= 50 ? 40.0 : 10.0 + (i % 3)); }) << int(D::Rising)
        << 50;
    QTest::addRow("two-point blip is not an onset")
        << series(80, [](int i) { return (i == 30 || i == 31) ? 500.0 : (i >= 50 ? 40.0 : 10.0 + (i % 3)); })
        << int(D::Rising) << 50;
    QTest::addRow("spike in the baseline changes nothing")
        << series(80, [](int i) { return i == 5 ? 1e6 : (i >= 50 ? 40.0 : 10.0 + (i % 3)); }) << int(D::Rising) << 50;
    QTest::addRow("NaN breaks a run") << series(80, [&](int i) {
        return i == 42 ? nan : (i >= 40 ? 40.0 : 10.0 + (i % 3));
    }) << int(D::Rising) << 43;
    QTest::addRow("falling") << noisyStep(100, 70, 50, 5, 1.0, 3) << int(D::Falling) << 70;
    QTest::addRow("rising ignores a fall") << noisyStep(100, 70, 50, 5, 1.0, 3) << int(D::Rising) << -1;
    QTest::addRow("either") << noisyStep(100, 70, 50, 5, 1.0, 3) << int(D::Either) << 70;
    QTest::addRow("ramp crosses late") << series(100, [](int i) {
        return i < 40 ? 10.0 + (i % 2) : 10.0 + (i - 40) * 0.5;
    }) << int(D::Rising) << 47; // 10.5 + 4 * 0.741 first exceeded at 13.5
    QTest::addRow("baseline too short") << series(4, [](int i) { return double(i); }) << int(D::Rising) << -1;
    QTest::addRow("empty") << QVector<MetricSample>() << int(D::Rising) << -1;
}

void TestOnset::onset()
{
    QFETCH(QVector<MetricSample>, points);
    QFETCH(int, direction);
    QFETCH(int, expected);
    OnsetDetector::Params p;
    p.direction = OnsetDetector::Direction(direction);
    const auto onset = OnsetDetector::detect(points, p);
    QCOMPARE(onset ? onset->index : -1, expected);
    if (onset) {
        QCOMPARE(onset->msecs, points.at(expected).msecs);
        QVERIFY(std::abs(onset->z) > p.threshold);
    }
}

void TestOnset::onsetAfterBaselineTime()
{
    // A baseline given as a time: a change before it is part of "normal" and not reported.
    const auto points = series(100, [](int i) { return i >= 10 && i < 14 ? 90.0 : (i >= 70 ? 30.0 : 10.0 + (i % 2)); });
    OnsetDetector::Params p;
    p.baselineEndMsecs = kT0 + 50 * kStep;
    const auto onset = OnsetDetector::detect(points, p);
    QVERIFY(onset);
    QCOMPARE(onset->index, 70);
    QCOMPARE(onset->baselineMedian, 11.0); // 23 tens, 23 elevens and the four 90s: the median barely moves
}

void TestOnset::lag_data()
{
    QTest::addColumn<QVector<MetricSample>>("leader");
    QTest::addColumn<QVector<MetricSample>>("follower");
    QTest::addColumn<qint64>("expectedLag"); // msecs; INT64_MIN for "no result"
    QTest::addColumn<double>("minR");

    QTest::addRow("follows by 30 s") << noisyStep(240, 160, 10, 80, 2.0, 4) << noisyStep(240, 162, 0.001, 0.3, 0.005, 5)
                                     << qint64(30'000) << 0.9;
    QTest::addRow("follows by 60 s") << noisyStep(240, 160, 10, 80, 2.0, 6) << noisyStep(240, 164, 0.1, 0.9, 0.02, 7)
                                     << qint64(60'000) << 0.9;
    QTest::addRow("same step") << noisyStep(240, 160, 10, 80, 2.0, 8) << noisyStep(240, 160, 1, 5, 0.1, 9) << qint64(0)
                               << 0.9;
    QTest::addRow("follower leads") << noisyStep(240, 160, 10, 80, 2.0, 10) << noisyStep(240, 157, 1, 5, 0.1, 11)
                                    << qint64(-45'000) << 0.9;
    QTest::addRow("jittered timestamps") << noisyStep(240, 160, 10, 80, 2.0, 12)
                                         << noisyStep(240, 162, 1, 5, 0.1, 13, 2'500) << qint64(30'000) << 0.9;
    const double pi = 3.14159265358979;
    QTest::addRow("sine 90 s later") << series(200, [&](int i) { return std::sin(2 * pi * i / 40.0); })
                                     << series(200, [&](int i) { return 3 + 2 * std::sin(2 * pi * (i - 6) / 40.0); })
                                     << qint64(90'000) << 0.99;
    QVector<MetricSample> gappy = noisyStep(240, 162, 1, 5, 0.1, 14);
    for (int i = 1; i < gappy.size(); i += 3) // the step itself (162) stays visible
        gappy[i].value = std::numeric_limits<double>::quiet_NaN();
    QTest::addRow("gaps in the follower") << noisyStep(240, 160, 10, 80, 2.0, 15) << gappy << qint64(30'000) << 0.9;
    QTest::addRow("constant follower") << noisyStep(240, 160, 10, 80, 2.0, 16) << series(240, [](int) { return 1.0; })
                                       << std::numeric_limits<qint64>::min() << 0.0;
    QTest::addRow("no overlap") << noisyStep(20, 10, 10, 80, 2.0, 17) << noisyStep(20, 10, 10, 80, 2.0, 18, 3'600'000)
                                << std::numeric_limits<qint64>::min() << 0.0;
}

void TestOnset::lag()
{
    QFETCH(QVector<MetricSample>, leader);
    QFETCH(QVector<MetricSample>, follower);
    QFETCH(qint64, expectedLag);
    QFETCH(double, minR);
    LaggedCorrelation::Params p;
    p.stepMsecs = kStep;
    const auto best = LaggedCorrelation::best(leader, follower, p);
    if (expectedLag == std::numeric_limits<qint64>::min()) {
        QVERIFY(!best);
        return;
    }
    QVERIFY(best);
    QCOMPARE(best->lagMsecs, expectedLag);
    QVERIFY2(best->r >= minR, qPrintable(QString::number(best->r)));
    QVERIFY(best->overlap >= p.minOverlap);
}

void TestOnset::pearson()
{
    QCOMPARE(*LaggedCorrelation::pearson({1, 2, 3, 4}, {2, 4, 6, 8}), 1.0);
    QCOMPARE(*LaggedCorrelation::pearson({1, 2, 3, 4}, {8, 6, 4, 2}), -1.0);
    QVERIFY(!LaggedCorrelation::pearson({1, 1, 1}, {1, 2, 3}));
    QVERIFY(!LaggedCorrelation::pearson({1}, {1}));
    QVERIFY(std::abs(*LaggedCorrelation::pearson({1, 2, 3, 4, 5}, {2, 1, 4, 3, 5}) - 0.8) < 1e-12);
}

void TestOnset::evidence()
{
    // postgres-0 saturates at step 160; order-service errors follow two steps later, checkout's p99 three
    // steps after that; inventory's errors began before the database did (against it); payment never moved.
    const auto root = series(240, [](int i) { return i >= 160 ? 95.0 : 20.0; });
    const auto orders = series(240, [](int i) { return i >= 162 ? 0.25 : 0.0; });
    const auto checkout = series(240, [](int i) { return i >= 165 ? 2.5 : 0.2; });
    const auto inventory = series(240, [](int i) { return i >= 158 ? 0.4 : 0.0; });
    const auto payment = series(240, [](int) { return 0.01; });
    const auto r =
        MetricEvidence::build({u"postgres-0"_s, u"connections"_s, root}, {{u"order-service"_s, u"errors"_s, orders},
                                                                          {u"checkout"_s, u"p99 latency"_s, checkout},
                                                                          {u"inventory"_s, u"errors"_s, inventory},
                                                                          {u"payment"_s, u"errors"_s, payment}});
    QVERIFY(r.rootOnset);
    QCOMPARE(r.rootOnset->index, 160);
    QCOMPARE(r.evidence,
             (QStringList{u"postgres-0 connections rose 30 s before order-service errors; r = 1.00 at lag 30 s"_s,
                          u"postgres-0 connections rose 75 s before checkout p99 latency; r = 1.00 at lag 75 s"_s}));
    QCOMPARE(r.against,
             (QStringList{u"inventory errors rose 30 s before postgres-0 connections; r = 1.00 at lag -30 s"_s}));
    QCOMPARE(r.findings.size(), 4);
    QVERIFY(r.findings.at(0).supportsRoot && !r.findings.at(2).supportsRoot);
    QVERIFY(r.findings.at(3).sentence.isEmpty() && !r.findings.at(3).callerOnset);
    QCOMPARE(r.strength, 2.0 / 3.0); // two of the three callers that moved follow the root perfectly
}

void TestOnset::evidenceWithoutRootOnset()
{
    const auto flat = series(100, [](int i) { return 20.0 + (i % 2); });
    const auto errors = series(100, [](int i) { return i >= 60 ? 0.3 : 0.0; });
    const auto r = MetricEvidence::build({u"db"_s, u"connections"_s, flat}, {{u"api"_s, u"errors"_s, errors}});
    QVERIFY(!r.rootOnset);
    QVERIFY(r.evidence.isEmpty());
    QVERIFY(r.against.isEmpty());
    QCOMPARE(r.strength, 0.0);
}

void TestOnset::durations()
{
    QCOMPARE(MetricEvidence::formatDuration(38'000), u"38 s"_s);
    QCOMPARE(MetricEvidence::formatDuration(37'600), u"38 s"_s);
    QCOMPARE(MetricEvidence::formatDuration(-30'000), u"-30 s"_s);
    QCOMPARE(MetricEvidence::formatDuration(120'000), u"2 min"_s);
    QCOMPARE(MetricEvidence::formatDuration(125'000), u"2 min 5 s"_s);
}

QTEST_GUILESS_MAIN(TestOnset)
#include "tst_onset.moc"
