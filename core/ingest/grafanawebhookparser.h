#pragma once
// GrafanaWebhookParser: turns one Grafana unified-alerting webhook (contact point "Webhook", payload
// version "1") into normalised alerts. The alerts are Alertmanager-shaped, so each is read by the shared
// IngestJson::readAlert; Grafana's own per-alert links and values become annotations.

#include "model/alert.h"

#include <nlohmann/json_fwd.hpp>

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

class GrafanaWebhookParser
{
public:
    // The body read with IngestJson::parseDocument. receivedAt defaults to now; source defaults to "webhook:grafana".
    static std::optional<AlertBatch> parse(const nlohmann::json& payload, QString* error,
                                           const QDateTime& receivedAt = {}, const QString& source = {});
};
