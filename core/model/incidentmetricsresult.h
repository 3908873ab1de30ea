#pragma once
// IncidentMetricsResult: everything one metrics job found for an incident, as plain data: the series per
// service and kind (full resolution, for analysis and for the charts to decimate), each series' onset, the
// metric evidence per root candidate, and how every Prometheus server did, so a view can say "unreachable"
// without asking anyone.

#include "model/metricseries.h"
#include "model/sourcehealth.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

struct IncidentMetricsResult
{
    enum class Kind
    {
        Saturation, // connections, CPU, memory: what a root fills up
        Errors,
        Latency
    };

    struct Series
    {
        QString service;
        QString templateId; // PromQLTemplate::id(): "saturation", "error_ratio", ...
        QString noun;       // how sentences and the chart name the values: "connections"
        Kind kind = Kind::Saturation;
        QString query;  // the rendered PromQL, for "copy query" and for tests
        QString server; // the base URL that answered; empty when none did
        QVector<MetricSample> points;
        bool hasOnset = false;
        qint64 onsetMsecs = 0;
        double onsetZ = 0.0;
        QString error; // why no server answered this query (empty when one did, even with no data)
    };

    // What the series say about one root candidate (MetricEvidence's output, without its internals).
    struct RootEvidence
    {
        QString service;
        QString noun;          // of the root series the callers were judged against
        QStringList evidence;  // strongest first
        QStringList against;   // callers that moved before the root
        double strength = 0.0; // in [0, 1]
    };

    quint64 jobId = 0;
    QString incidentKey;
    QString focusService; // set when the job fetched one service on request (a click on a graph node)
    QDateTime start;      // the query window, UTC
    QDateTime end;
    int stepSeconds = 0;
    QVector<Series> series; // in fetch priority order: roots first, then their callers
    QVector<RootEvidence> evidence;
    QVector<SourceHealth> servers; // one per configured Prometheus, as the job left them
    // Set when no server answered any query: the panel says it and keeps what it showed.
    QString error;
    QDateTime lastSuccessAt; // the latest answer any server gave (invalid: never)
    QDateTime finishedAt;

    bool degraded() const { return !error.isEmpty(); }
};

Q_DECLARE_METATYPE(IncidentMetricsResult)
