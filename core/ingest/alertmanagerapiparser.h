#pragma once
// AlertmanagerApiParser: reads Alertmanager API v2 answers (GET /api/v2/alerts and
// /api/v2/alerts/groups). Everything the API lists is still firing; its silence/inhibition state
// is kept beside the alert, never mixed into the alert's labels.

#include "model/alert.h"

#include <nlohmann/json_fwd.hpp>

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

struct AlertmanagerApiAlert
{
    enum class State
    {
        Active,
        Suppressed,
        Unprocessed
    };

    Alert alert; // status Firing; receivedAt/source as given to the parser
    State state = State::Active;
    QStringList silencedBy;
    QStringList inhibitedBy;
    QStringList receivers;
    QDateTime updatedAt;
};

struct AlertmanagerApiGroup
{
    LabelSet labels;
    QString receiver;
    QVector<AlertmanagerApiAlert> alerts;
};

class AlertmanagerApiParser
{
public:
    // GET /api/v2/alerts: an array of gettableAlert.
    static std::optional<QVector<AlertmanagerApiAlert>>
    parseAlerts(const QByteArray& body, QString* error, const QDateTime& receivedAt = {}, const QString& source = {});
    // GET /api/v2/alerts/groups: an array of {labels, receiver{name}, alerts[]}.
    static std::optional<QVector<AlertmanagerApiGroup>>
    parseGroups(const QByteArray& body, QString* error, const QDateTime& receivedAt = {}, const QString& source = {});

    static AlertBatch toBatch(const QVector<AlertmanagerApiAlert>& alerts);

private:
    static bool readAlert(const nlohmann::json& obj, const QString& path, const QDateTime& receivedAt,
                          const QString& source, AlertmanagerApiAlert* out, QString* error);
};
