#include "laggedcorrelation.h"

#include <QMap>

#include <cmath>

namespace {

// Grid slot of each finite sample, counted in steps from origin; Prometheus puts both series of one
// query_range on the same start + k*step grid, and rounding absorbs sub-step jitter from other sources.
QMap<qint64, double> onGrid(const QVector<MetricSample>& points, qint64 origin, qint64 step)
{
    QMap<qint64, double> out; // ordered, so r is summed in time order and is the same on every run
    for (const MetricSample& s : points) {
        if (std::isfinite(s.value))
            out.insert(std::llround(double(s.msecs - origin) / double(step)), s.value);
    }
    return out;
}

} // namespace

std::optional<double> LaggedCorrelation::pearson(const QVector<double>& x, const QVector<double>& y)
{
    const qsizetype n = qMin(x.size(), y.size());
    if (n < 2)
        return std::nullopt;
    double mx = 0, my = 0;
    for (qsizetype i = 0; i < n; ++i) {
        mx += x.at(i);
        my += y.at(i);
    }
    mx /= double(n);
    my /= double(n);
    double sxy = 0, sxx = 0, syy = 0;
    for (qsizetype i = 0; i < n; ++i) {
        const double dx = x.at(i) - mx;
        const double dy = y.at(i) - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (sxx <= 0 || syy <= 0)
        return std::nullopt;
    return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

QVector<LaggedCorrelation::LagPoint> LaggedCorrelation::scan(const QVector<MetricSample>& leader,
                                                             const QVector<MetricSample>& follower,
                                                             const Params& params)
{
    QVector<LagPoint> out;
    if (leader.isEmpty() || follower.isEmpty() || params.stepMsecs <= 0)
        return out;
    const qint64 step = params.stepMsecs;
    const qint64 origin = leader.first().msecs;
    const QMap<qint64, double> x = onGrid(leader, origin, step);
    const QMap<qint64, double> y = onGrid(follower, origin, step);

    // Lags are whole steps: a fraction of a step cannot be told apart on this grid.
    const qint64 firstLag = qint64(std::ceil(double(params.minLagMsecs) / double(step)));
    const qint64 lastLag = qint64(std::floor(double(params.maxLagMsecs) / double(step)));
    QVector<double> xs, ys;
    for (qint64 lag = firstLag; lag <= lastLag; ++lag) {
        xs.clear();
        ys.clear();
        for (auto it = x.cbegin(); it != x.cend(); ++it) {
            const auto other = y.constFind(it.key() + lag);
            if (other == y.cend())
                continue;
            xs.append(it.value());
            ys.append(other.value());
        }
        if (xs.size() < qMax(2, params.minOverlap))
            continue;
        if (const auto r = pearson(xs, ys))
            out.append({lag * step, *r, int(xs.size())});
    }
    return out;
}

std::optional<LaggedCorrelation::LagPoint> LaggedCorrelation::best(const QVector<MetricSample>& leader,
                                                                   const QVector<MetricSample>& follower,
                                                                   const Params& params)
{
    std::optional<LagPoint> top;
    // Within 1e-9 counts as a tie, so floating-point noise does not pick a longer lag.
    for (const LagPoint& p : scan(leader, follower, params)) {
        if (!top || p.r > top->r + 1e-9 || (p.r > top->r - 1e-9 && std::llabs(p.lagMsecs) < std::llabs(top->lagMsecs)))
            top = p;
    }
    return top;
}
