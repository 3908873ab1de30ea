#pragma once
// AlertmanagerWebhookParser: turns one Alertmanager webhook (payload version 4) into normalised
// alerts, rejecting wrong shapes with a message that names the field, and ignoring fields newer
// Alertmanagers add (truncatedAlerts, routeLabels, ...).

#include "model/alert.h"

#include <nlohmann/json_fwd.hpp>

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

struct AlertmanagerWebhook
{
    QString version;
    QString groupKey;
    QString status; // "firing" | "resolved": the group's status
    QString receiver;
    QString externalUrl;
    LabelSet groupLabels;
    LabelSet commonLabels;
    LabelSet commonAnnotations;
    int truncatedAlerts = 0;
    AlertBatch alerts; // in payload order; receivedAt and source filled in by the parser
};

class AlertmanagerWebhookParser
{
public:
    // receivedAt defaults to now; source defaults to "webhook:alertmanager".
    static std::optional<AlertmanagerWebhook> parse(const QByteArray& body, QString* error,
                                                    const QDateTime& receivedAt = {}, const QString& source = {});
    static std::optional<AlertmanagerWebhook> parse(const nlohmann::json& payload, QString* error,
                                                    const QDateTime& receivedAt = {}, const QString& source = {});
};
