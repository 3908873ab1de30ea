#include "onsetdetector.h"

#include <algorithm>
#include <cmath>

double OnsetDetector::median(QVector<double> values)
{
    if (values.isEmpty())
        return 0.0;
    const qsizetype mid = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + mid, values.end());
    const double upper = values.at(mid);
    if (values.size() % 2 == 1)
        return upper;
    const double lower = *std::max_element(values.begin(), values.begin() + mid);
    return (lower + upper) / 2.0;
}

std::optional<OnsetDetector::Onset> OnsetDetector::detect(const QVector<MetricSample>& points, const Params& params)
{
    // Split at the end of the baseline window.
    qsizetype searchFrom = 0;
    QVector<double> baseline;
    for (qsizetype i = 0; i < points.size(); ++i) {
        const bool inBaseline =
            params.baselineEndMsecs > 0 ? points.at(i).msecs < params.baselineEndMsecs : i < params.baselinePoints;
        if (!inBaseline)
            break;
        searchFrom = i + 1;
        if (std::isfinite(points.at(i).value))
            baseline.append(points.at(i).value);
    }
    if (baseline.size() < qMax(1, params.minBaselinePoints))
        return std::nullopt;

    const double center = median(baseline);
    QVector<double> deviations;
    deviations.reserve(baseline.size());
    for (const double v : std::as_const(baseline))
        deviations.append(std::abs(v - center));
    // 1.4826 * MAD estimates the standard deviation of normal noise, so the threshold reads as "sigmas".
    const double scale =
        std::max({1.4826 * median(deviations), params.minRelativeScale * std::abs(center), params.minAbsoluteScale});

    const int k = qMax(1, params.consecutive);
    int run = 0;
    qsizetype runStart = -1;
    for (qsizetype i = searchFrom; i < points.size(); ++i) {
        const double v = points.at(i).value;
        const double z = (v - center) / scale;
        bool beyond = false;
        if (std::isfinite(v)) {
            switch (params.direction) {
            case Direction::Rising:
                beyond = z > params.threshold;
                break;
            case Direction::Falling:
                beyond = z < -params.threshold;
                break;
            case Direction::Either:
                beyond = std::abs(z) > params.threshold;
                break;
            }
        }
        if (!beyond) {
            run = 0;
            continue;
        }
        if (run++ == 0)
            runStart = i;
        if (run >= k) {
            Onset o;
            o.index = int(runStart);
            o.msecs = points.at(runStart).msecs;
            o.z = (points.at(runStart).value - center) / scale;
            o.baselineMedian = center;
            o.baselineScale = scale;
            return o;
        }
    }
    return std::nullopt;
}
