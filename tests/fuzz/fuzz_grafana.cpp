// Fuzz target: a Grafana alerting webhook body, through the receiver's entry (WebhookFeeds::parse), as
// POST /api/v1/alerts/grafana hands it over.
#include "ingest/webhookfeeds.h"

#include <QByteArray>
#include <QDateTime>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char*>(data), qsizetype(size));
    const QDateTime receivedAt = QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC);
    WebhookFeeds::Refusal refusal;
    const auto alerts = WebhookFeeds::parse(WebhookFeeds::Feed::Grafana, {}, body, {}, receivedAt, &refusal);
    if (!alerts) {
        if (refusal.reason.isEmpty() || refusal.httpStatus != 400)
            std::abort(); // a refusal must say why, and bad bodies are the sender's fault
        return 0;
    }
    for (const Alert& a : *alerts)
        if (a.fingerprint.isEmpty())
            std::abort(); // the store and the correlator key every alert on it
    return 0;
}
