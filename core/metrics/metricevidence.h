#pragma once
// MetricEvidence: turns metrics into reasons for (or against) a root-cause candidate. Given the candidate's
// saturation series and its callers' error/latency series, it finds each series' onset and the lag at which
// the caller best follows the root, and says it in plain words ("postgres-0 connections rose 38 s before
// order-service errors; r = 0.91 at lag 30 s") with a strength in [0, 1] the diagnoser can weigh.

#include "metrics/laggedcorrelation.h"
#include "metrics/onsetdetector.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

class MetricEvidence
{
public:
    struct Series
    {
        QString service; // "postgres-0"
        QString noun;    // what the values are, as a sentence names them: "connections", "errors"
        QVector<MetricSample> points;
    };

    struct Params
    {
        qint64 stepMsecs = 15'000;    // the query step; correlation lags are whole steps
        qint64 maxLagMsecs = 300'000; // lags searched both ways, so a caller that leads is caught too
        int minOverlap = 10;
        OnsetDetector::Params onset;
    };

    // One caller series judged against the root series.
    struct Finding
    {
        QString caller;
        QString callerNoun;
        std::optional<OnsetDetector::Onset> callerOnset;
        std::optional<LaggedCorrelation::LagPoint> correlation;
        bool supportsRoot = false;
        double strength = 0.0; // this caller's share of the support, in [0, 1]
        QString sentence;      // empty when the caller shows no onset (it is not part of the story)
    };

    struct Result
    {
        std::optional<OnsetDetector::Onset> rootOnset;
        QVector<Finding> findings; // callers in input order
        QStringList evidence;      // sentences for the candidate, strongest first
        QStringList against;       // sentences against it (a caller that moved first), strongest first
        double strength = 0.0;     // mean support over the callers that moved; 0 when the root did not move
    };

    static Result build(const Series& root, const QVector<Series>& callers, const Params& params);
    static Result build(const Series& root, const QVector<Series>& callers) { return build(root, callers, Params{}); }

    // "38 s", "2 min 5 s", "-30 s": how durations read in evidence.
    static QString formatDuration(qint64 msecs);
};
