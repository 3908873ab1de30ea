#pragma once
// PagerDutyWebhookParser: turns one PagerDuty v3 webhook (one event per delivery) into normalised alerts,
// and checks its X-PagerDuty-Signature. An incident event becomes one alert whose fingerprint comes from the
// incident id, so triggered, acknowledged and resolved deliveries of one incident update one alert; events
// about other things (notes, responders, services, the subscription's ping) are valid and give no alert.

#include "model/alert.h"

#include <nlohmann/json_fwd.hpp>

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

class PagerDutyWebhookParser
{
public:
    enum class Signature
    {
        Valid,    // one of the header's v1 signatures is the body's HMAC-SHA256 with the secret
        Missing,  // no header, or no v1 signature in it
        Mismatch, // signatures present, none of them matches
    };

    // header: the X-PagerDuty-Signature value, "v1=<hex>[,v1=<hex>...]" (several while a secret rotates).
    static Signature verifySignature(const QByteArray& body, const QByteArray& header, const QByteArray& secret);
    // What PagerDuty would send for body with secret: "v1=<hex>".
    static QByteArray sign(const QByteArray& body, const QByteArray& secret);

    // The body read with IngestJson::parseDocument. receivedAt defaults to now; source defaults to "webhook:pagerduty".
    static std::optional<AlertBatch> parse(const nlohmann::json& payload, QString* error,
                                           const QDateTime& receivedAt = {}, const QString& source = {});

    // The fingerprint every delivery about this incident gets.
    static QString fingerprintOf(const QString& incidentId);
};
