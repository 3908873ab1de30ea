#pragma once
// Decimate: thins a time series for drawing without changing what the eye sees: per pixel column (bucket) of
// the visible time range it keeps the lowest and the highest sample, in time order, so spikes and dips survive
// and the line through the kept points covers the same pixels as the line through all of them. Only views use
// it; analysis always works on the full series.

#include "model/metricseries.h"

#include <QVector>

class Decimate
{
public:
    // points: ascending in time. [fromMsecs, toMsecs] is split into `buckets` equal columns. Points outside it
    // are dropped except the nearest one on each side, so the line still runs to the plot's edges. Non-finite
    // values are dropped (a chart cannot draw them). The result keeps original samples (exact values for a
    // tooltip), ascending, at most 2 * buckets + 2 of them; data that already fits is returned unthinned.
    static QVector<MetricSample> minMax(const QVector<MetricSample>& points, qint64 fromMsecs, qint64 toMsecs,
                                        int buckets);
};
