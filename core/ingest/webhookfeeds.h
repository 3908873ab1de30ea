#pragma once
// WebhookFeeds: which parser each alert route of the receiver hands its body to, with the settings those
// parsers need (PagerDuty signing secret, generic JSON mapping). One call turns a delivery into alerts or
// into the HTTP status and reason it is refused with, so WebhookServer keeps one path (limits, auth,
// store-before-200) for every feed.

#include "model/alert.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <array>
#include <memory>
#include <optional>

struct GenericJsonMapping;

class WebhookFeeds
{
public:
    enum class Feed
    {
        Alertmanager,
        Grafana,
        PagerDuty,
        Generic,
    };
    static constexpr std::array<Feed, 4> all{Feed::Alertmanager, Feed::Grafana, Feed::PagerDuty, Feed::Generic};

    struct Settings
    {
        // Set: PagerDuty deliveries without a matching X-PagerDuty-Signature get 401. From the environment only.
        QByteArray pagerDutySecret;
        // Unset: POST /api/v1/alerts/generic answers 501.
        std::shared_ptr<const GenericJsonMapping> genericMapping;
    };

    struct Refusal
    {
        int httpStatus = 400;
        QString reason;
    };

    // "/api/v1/alerts/grafana", ...
    static QString routePath(Feed feed);

    // signatureHeader: the X-PagerDuty-Signature value (read for the PagerDuty feed only).
    static std::optional<AlertBatch> parse(Feed feed, const Settings& settings, const QByteArray& body,
                                           const QByteArray& signatureHeader, const QDateTime& receivedAt,
                                           Refusal* refusal);
};
