#pragma once
// SeriesAnomaly: how far each service's metric series left their pre-onset level, as a robust z (median and MAD
// of the window before the incident began). Read from a scenario's `metrics` (docs/scenario-format.md); a service
// with several series gets its largest rise. Nothing here knows what the metrics mean beyond "higher is worse".

#include <nlohmann/json.hpp>

#include <QHash>
#include <QString>
#include <QVector>

class SeriesAnomaly
{
public:
    // `metrics` as in a scenario file; anything malformed leaves the series out (an empty result, never an error:
    // metrics are optional evidence).
    static SeriesAnomaly fromScenarioJson(const nlohmann::json& metrics);

    bool isEmpty() const { return m_series.isEmpty(); }
    // Robust z per service for an incident whose alerts began at `onset` and last began at `lastOnset` (seconds
    // since the epoch): the series' median from a step before onset to a step after lastOnset, against the median
    // and MAD of everything before that.
    QHash<QString, double> scores(qint64 onset, qint64 lastOnset) const;

private:
    struct Series
    {
        QString service;
        QVector<double> values;
    };
    QVector<Series> m_series;
    qint64 m_start = 0;
    qint64 m_step = 60;
};
