#pragma once
// The incident JSON every CLI command prints (docs/scenario-format.md, "Output the scorer reads").

#include "model/incident.h"

#include <nlohmann/json.hpp>

#include <QVector>

nlohmann::ordered_json incidentsToJson(const QVector<Incident>& incidents);
void printJson(const nlohmann::ordered_json& json);
