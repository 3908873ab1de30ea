// Decimate::minMax, data-driven: small inputs with the exact points expected, and long generated series (noise,
// spikes, steps, gaps) checked for what the chart relies on: at most two points per pixel column, every column's
// lowest and highest sample kept, original samples only, ascending time, the plot edges reached.

#include "metrics/decimate.h"

#include <QPointF>
#include <QTest>

#include <cmath>
#include <functional>
#include <limits>

using namespace Qt::StringLiterals;

namespace {

using Points = QList<QPointF>; // x = msecs, y = value: a metatype QTest columns take as they are

QVector<MetricSample> samples(const Points& points)
{
    QVector<MetricSample> out;
    for (const QPointF& p : points)
        out.append({qint64(p.x()), p.y()});
    return out;
}

Points pointsOf(const QVector<MetricSample>& samples)
{
    Points out;
    for (const MetricSample& s : samples)
        out.append({double(s.msecs), s.value});
    return out;
}

Points generated(int n, qint64 stepMsecs, const std::function<double(int)>& value)
{
    Points out;
    for (int i = 0; i < n; ++i)
        out.append({double(i * stepMsecs), value(i)});
    return out;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

} // namespace

class TestDecimate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exact_data();
    void exact();
    void properties_data();
    void properties();
};

void TestDecimate::exact_data()
{
    QTest::addColumn<Points>("input");
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    QTest::addColumn<int>("buckets");
    QTest::addColumn<Points>("expected");

    QTest::addRow("empty") << Points{} << qint64(0) << qint64(100) << 10 << Points{};
    QTest::addRow("fits: unchanged") << Points{{0, 1}, {10, 2}, {20, 3}} << qint64(0) << qint64(20) << 2
                                     << Points{{0, 1}, {10, 2}, {20, 3}};
    QTest::addRow("no buckets: unchanged") << Points{{0, 1}, {10, 2}, {20, 3}, {30, 4}, {40, 5}} << qint64(0)
                                           << qint64(40) << 0 << Points{{0, 1}, {10, 2}, {20, 3}, {30, 4}, {40, 5}};
    // Two columns of [0, 79]: 0..39 and 40..79. Column one's max (9 at 10) comes before its min (1 at 30).
    QTest::addRow("max before min keeps time order")
        << Points{{0, 5}, {10, 9}, {20, 5}, {30, 1}, {40, 5}, {50, 6}, {60, 2}, {70, 5}} << qint64(0) << qint64(79) << 1
        << Points{{10, 9}, {30, 1}};
    QTest::addRow("two columns") << Points{{0, 5}, {10, 9}, {20, 5}, {30, 1}, {40, 5}, {50, 6}, {60, 2}, {70, 5}}
                                 << qint64(0) << qint64(79) << 2 << Points{{10, 9}, {30, 1}, {50, 6}, {60, 2}};
    QTest::addRow("flat column keeps one point")
        << Points{{0, 3}, {10, 3}, {20, 3}, {30, 3}, {40, 3}} << qint64(0) << qint64(49) << 1 << Points{{0, 3}};
    QTest::addRow("neighbours outside the range")
        << Points{{-20, 7}, {-10, 8}, {0, 1}, {10, 2}, {20, 3}, {30, 0}, {40, 4}, {50, 9}, {60, 6}} << qint64(0)
        << qint64(40) << 1 << Points{{-10, 8}, {30, 0}, {40, 4}, {50, 9}};
    QTest::addRow("non-finite dropped") << Points{{0, 1},
                                                  {10, kNaN},
                                                  {20, std::numeric_limits<double>::infinity()},
                                                  {30, 2}}
                                        << qint64(0) << qint64(30) << 5 << Points{{0, 1}, {30, 2}};
    QTest::addRow("non-finite neighbour skipped") << Points{{-20, 4}, {-10, kNaN}, {0, 1}, {10, 2}} << qint64(0)
                                                  << qint64(10) << 5 << Points{{-20, 4}, {0, 1}, {10, 2}};
}

void TestDecimate::exact()
{
    QFETCH(Points, input);
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QFETCH(int, buckets);
    QFETCH(Points, expected);
    QCOMPARE(pointsOf(Decimate::minMax(samples(input), from, to, buckets)), expected);
}

void TestDecimate::properties_data()
{
    QTest::addColumn<Points>("input");
    QTest::addColumn<int>("buckets");

    quint32 state = 7;
    const auto noise = [&state] {
        state = state * 1664525u + 1013904223u;
        return double(state >> 8) / double(1u << 23) - 1.0;
    };
    QTest::addRow("2000 noisy points, 600 columns") << generated(2000, 15'000, [&](int) { return noise(); }) << 600;
    QTest::addRow("2000 points, 97 columns (uneven)")
        << generated(2000, 15'000, [&](int i) { return std::sin(i / 40.0) + 0.1 * noise(); }) << 97;
    QTest::addRow("one spike in 20000 flat points")
        << generated(20'000, 1000, [](int i) { return i == 12'345 ? 1e6 : 1.0; }) << 300;
    QTest::addRow("one dip") << generated(5000, 1000, [](int i) { return i == 4321 ? -50.0 : 10.0; }) << 123;
    QTest::addRow("step") << generated(5000, 1000, [](int i) { return i < 2500 ? 20.0 : 80.0; }) << 50;
    QTest::addRow("gaps and NaN") << generated(4000, 1000, [&](int i) {
        return i % 97 == 0 ? kNaN : 100 + 10 * noise();
    }) << 200;
    QTest::addRow("one column") << generated(3000, 1000, [&](int) { return noise(); }) << 1;
    QTest::addRow("more columns than points") << generated(300, 1000, [&](int) { return noise(); }) << 1000;
}

void TestDecimate::properties()
{
    QFETCH(Points, input);
    QFETCH(int, buckets);
    const QVector<MetricSample> data = samples(input);
    const qint64 from = data.first().msecs, to = data.last().msecs;
    const QVector<MetricSample> out = Decimate::minMax(data, from, to, buckets);

    QVERIFY2(out.size() <= 2 * buckets + 2, qPrintable(QString::number(out.size())));
    QVERIFY(!out.isEmpty());
    // The line starts in the first pixel column and ends in the last one.
    const double span = double(to - from) + 1.0;
    const auto column = [&](qint64 t) { return qBound(0, int(double(t - from) * buckets / span), buckets - 1); };
    QCOMPARE(column(out.first().msecs), 0);
    QCOMPARE(column(out.last().msecs), buckets - 1);
    qsizetype finiteIn = 0;
    for (const MetricSample& s : data)
        finiteIn += std::isfinite(s.value) ? 1 : 0;
    if (finiteIn <= 2 * buckets)
        QCOMPARE(out.size(), finiteIn); // nothing to thin

    // Original samples, ascending, all finite.
    qsizetype j = 0;
    for (qsizetype i = 0; i < out.size(); ++i) {
        QVERIFY(std::isfinite(out.at(i).value));
        if (i > 0)
            QVERIFY(out.at(i).msecs > out.at(i - 1).msecs);
        while (j < data.size() && data.at(j).msecs != out.at(i).msecs)
            ++j;
        QVERIFY2(j < data.size() && data.at(j).value == out.at(i).value, "not an original sample");
    }
    // Every column's extremes survive, so spikes and dips are drawn.
    QHash<int, std::pair<double, double>> extremes, kept;
    const auto track = [&](QHash<int, std::pair<double, double>>& h, const MetricSample& s) {
        const int b = column(s.msecs);
        auto it = h.find(b);
        if (it == h.end())
            h.insert(b, {s.value, s.value});
        else
            *it = {qMin(it->first, s.value), qMax(it->second, s.value)};
    };
    for (const MetricSample& s : data) {
        if (std::isfinite(s.value))
            track(extremes, s);
    }
    for (const MetricSample& s : out)
        track(kept, s);
    QCOMPARE(kept, extremes);
}

QTEST_GUILESS_MAIN(TestDecimate)
#include "tst_decimate.moc"
