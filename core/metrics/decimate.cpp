#include "decimate.h"

#include <algorithm>
#include <cmath>

QVector<MetricSample> Decimate::minMax(const QVector<MetricSample>& points, qint64 fromMsecs, qint64 toMsecs,
                                       int buckets)
{
    const auto before = [](const MetricSample& s, qint64 t) { return s.msecs < t; };
    const auto first = std::lower_bound(points.cbegin(), points.cend(), fromMsecs, before);
    const auto last = std::upper_bound(points.cbegin(), points.cend(), toMsecs,
                                       [](qint64 t, const MetricSample& s) { return t < s.msecs; });
    const auto finite = [](const MetricSample& s) { return std::isfinite(s.value); };

    QVector<MetricSample> out;
    // The nearest finite neighbour outside the range on each side: the line enters and leaves the plot.
    const auto outsideBefore =
        std::find_if(std::make_reverse_iterator(first), points.crend(), finite); // scans only the skipped part
    const auto outsideAfter = std::find_if(last, points.cend(), finite);
    if (outsideBefore != points.crend())
        out.append(*outsideBefore);

    const qsizetype inRange = last - first;
    if (buckets <= 0 || toMsecs <= fromMsecs || inRange <= 2 * qsizetype(buckets)) {
        std::copy_if(first, last, std::back_inserter(out), finite);
    } else {
        const double span = double(toMsecs - fromMsecs) + 1.0;
        int current = -1;
        const MetricSample* lo = nullptr;
        const MetricSample* hi = nullptr;
        const auto flush = [&] {
            if (!lo)
                return;
            // Time order inside the column, so the line's path is the real one.
            if (lo == hi) {
                out.append(*lo);
            } else if (lo->msecs <= hi->msecs) {
                out.append(*lo);
                out.append(*hi);
            } else {
                out.append(*hi);
                out.append(*lo);
            }
            lo = hi = nullptr;
        };
        for (auto it = first; it != last; ++it) {
            if (!finite(*it))
                continue;
            const int bucket = qBound(0, int(double(it->msecs - fromMsecs) * buckets / span), buckets - 1);
            if (bucket != current) {
                flush();
                current = bucket;
            }
            if (!lo || it->value < lo->value)
                lo = &*it;
            if (!hi || it->value > hi->value)
                hi = &*it;
        }
        flush();
    }
    if (outsideAfter != points.cend())
        out.append(*outsideAfter);
    return out;
}
