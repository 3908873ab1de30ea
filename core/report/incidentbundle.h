#pragma once
// IncidentBundle: one incident as a JSON file to share or to review on another machine: the incident with
// its lifecycle, member alerts (labels, annotations, every delivery), root causes with evidence, actions,
// the resolution, the runbook audit and the changes around it. Import writes it into another database
// with new row ids and the same keys; importing a bundle twice adds nothing the second time.

#include "store/incidentrecord.h"

#include <QByteArray>
#include <QString>

#include <optional>

class Store;

namespace IncidentBundle {
inline constexpr auto Format = "nightwatch-incident-bundle";
inline constexpr int Version = 1;

QByteArray toJson(const IncidentRecord& record); // indented, keys sorted: two exports of one incident diff cleanly
std::optional<IncidentRecord> fromJson(const QByteArray& json, QString* error);

std::optional<QByteArray> exportIncident(const Store& store, qint64 incidentId, QString* error);

struct ImportResult
{
    qint64 incidentId = 0; // the row in the target database
    bool alreadyPresent = false;
};
std::optional<ImportResult> importBundle(Store& store, const QByteArray& json, QString* error);
} // namespace IncidentBundle
