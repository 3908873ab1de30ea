#pragma once
// MetricSeries: one time series as a metrics backend returned it (labels + timestamped values), kept as
// plain data so analysis, charts and tests never depend on the wire format.

#include "model/alert.h"

#include <QMetaType>
#include <QVector>

struct MetricSample
{
    qint64 msecs = 0;   // Unix epoch, milliseconds (UTC)
    double value = 0.0; // NaN and ±Inf are kept: Prometheus returns them and they mean something
};

struct MetricSeries
{
    LabelSet labels;              // the series' metric labels (__name__ included when the backend gives it)
    QVector<MetricSample> points; // ascending time
};

Q_DECLARE_METATYPE(MetricSeries)
