#pragma once
// PrometheusResult: what one query or query_range answered, parsed from Prometheus' JSON into plain series,
// or why it failed (Prometheus' own error text when it gave one).

#include "model/metricseries.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

struct PrometheusResult
{
    QString resultType;           // "matrix", "vector", "scalar" (a scalar is one unlabelled series)
    QVector<MetricSeries> series; // a vector's series hold one point each
    QStringList warnings;         // Prometheus' warnings, e.g. a partial answer
    QString error;                // empty on success
    QString errorType;            // Prometheus' errorType ("bad_data", "timeout", ...) or "network", "http"
    int httpStatus = 0;           // 0 when no HTTP answer arrived

    bool ok() const { return error.isEmpty(); }

    // Parses the body of /api/v1/query or /api/v1/query_range (success or error envelope). httpStatus is kept
    // in the result; a body that is not Prometheus' JSON becomes an error naming the status.
    static PrometheusResult fromJson(const QByteArray& body, int httpStatus);
};

Q_DECLARE_METATYPE(PrometheusResult)
