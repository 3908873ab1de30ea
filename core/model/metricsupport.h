#pragma once
// MetricSupport: what a signal beside the alerts says for one root-cause candidate, by service: Prometheus
// (core/metrics' MetricEvidence, as plain data) or incident memory (a past incident's confirmed cause). Shared by
// the diagnoser, the incident-set diagnosis and the console's pipeline.

#include <QHash>
#include <QString>
#include <QStringList>

struct MetricSupportOf
{
    double strength = 0.0; // 0..1
    QStringList evidence;  // strongest first
    bool operator==(const MetricSupportOf&) const = default;
};
using MetricSupportMap = QHash<QString, MetricSupportOf>; // by service
