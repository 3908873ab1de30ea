#pragma once
// OnsetDetector: finds when a series left its normal behaviour, robustly: each point's z-score against the
// median and MAD of a baseline window (one spike in the baseline moves neither), and the onset is the first
// point of the first run of k consecutive points beyond the threshold (one noisy point is not an onset).

#include "model/metricseries.h"

#include <QVector>

#include <optional>

class OnsetDetector
{
public:
    enum class Direction
    {
        Rising,
        Falling,
        Either
    };

    struct Params
    {
        // Baseline: points before baselineEndMsecs when set (> 0), otherwise the first baselinePoints points.
        qint64 baselineEndMsecs = 0;
        int baselinePoints = 20;
        int minBaselinePoints = 5; // fewer finite baseline points: no verdict
        double threshold = 4.0;    // robust z-score
        int consecutive = 3;       // k
        Direction direction = Direction::Rising;
        // The scale never drops below these, so a perfectly flat baseline does not turn a rounding
        // difference into an infinite z-score.
        double minRelativeScale = 0.01; // of |median|
        double minAbsoluteScale = 1e-9;
    };

    struct Onset
    {
        int index = -1;   // into the series' points
        qint64 msecs = 0; // that point's time
        double z = 0.0;   // its z-score
        double baselineMedian = 0.0;
        double baselineScale = 0.0; // 1.4826 * MAD (or the floor), the "sigma" used
    };

    // nullopt when the baseline is too short or no run of k points crosses the threshold. NaN/Inf points
    // are not counted and break a run.
    static std::optional<Onset> detect(const QVector<MetricSample>& points, const Params& params);
    static std::optional<Onset> detect(const QVector<MetricSample>& points) { return detect(points, Params{}); }

    // The median of values (NaN-free); 0 for none. Exposed because it is the one robust statistic here.
    static double median(QVector<double> values);
};
