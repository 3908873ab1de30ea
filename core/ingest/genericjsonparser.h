#pragma once
// GenericJsonParser: turns a JSON body from any tool into normalised alerts through a GenericJsonMapping
// (JSON pointers for name, service, severity, time, ...). A value the mapping needs but the body lacks is a
// 400 that names the pointer, so whoever wires a tool up sees which field to fix.

#include "genericjsonmapping.h"
#include "model/alert.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

class GenericJsonParser
{
public:
    // The body read with IngestJson::parseDocument. receivedAt defaults to now; source defaults to "webhook:generic".
    static std::optional<AlertBatch> parse(const nlohmann::json& payload, const GenericJsonMapping& mapping,
                                           QString* error, const QDateTime& receivedAt = {},
                                           const QString& source = {});
};
