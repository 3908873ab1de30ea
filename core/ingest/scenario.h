#pragma once
// Scenario: the contents of a scenario / recorded feed file (docs/scenario-format.md) minus
// the ground truth: the graph, the alert notifications in arrival order, change events and the
// raw metric series for whoever reads them later.

#include "graph/servicegraph.h"
#include "model/alert.h"
#include "model/changeevent.h"

#include <nlohmann/json.hpp>

#include <QString>
#include <QVector>

#include <optional>

struct Scenario
{
    QString name;
    nlohmann::json topology;           // raw, as in the file (null when absent)
    std::optional<ServiceGraph> graph; // built from topology when present
    AlertBatch alerts;                 // arrival order; receivedAt as recorded (startsAt when missing)
    QVector<ChangeEvent> changes;
    nlohmann::json metrics; // raw, as in the file (null when absent)
};
