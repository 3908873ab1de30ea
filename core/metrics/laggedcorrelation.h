#pragma once
// LaggedCorrelation: how well one series, shifted later in time, follows another: Pearson's r of
// leader(t) against follower(t + lag) for every lag in a range, on the samples both series have on a
// common step grid. The best lag says "the follower moves this long after the leader".

#include "model/metricseries.h"

#include <QVector>

#include <optional>

class LaggedCorrelation
{
public:
    struct Params
    {
        qint64 stepMsecs = 15'000; // the grid both series are aligned on (the query_range step)
        qint64 minLagMsecs = -300'000;
        qint64 maxLagMsecs = 300'000;
        int minOverlap = 10; // fewer common finite pairs at a lag: that lag is skipped
    };

    struct LagPoint
    {
        qint64 lagMsecs = 0;
        double r = 0.0;
        int overlap = 0; // pairs that entered r
    };

    // r at each lag from minLag to maxLag in steps (lags with too little overlap or a constant side are left out).
    static QVector<LagPoint> scan(const QVector<MetricSample>& leader, const QVector<MetricSample>& follower,
                                  const Params& params);
    // The lag with the highest r (the shortest |lag| on a tie); nullopt when no lag could be computed.
    static std::optional<LagPoint> best(const QVector<MetricSample>& leader, const QVector<MetricSample>& follower,
                                        const Params& params);

    // Pearson's r of paired values; nullopt for fewer than 2 pairs or zero variance on either side.
    static std::optional<double> pearson(const QVector<double>& x, const QVector<double>& y);
};
