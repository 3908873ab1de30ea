// Fuzz target: the generic JSON feed. Each input is read twice: as a body under a fixed mapping (the one of
// tests/data/feeds/generic/mapping.yaml, inlined: a fuzz run reads no file), through the receiver's entry
// (WebhookFeeds::parse), and as a mapping file (GenericJsonMapping::fromYaml) that, when accepted, then reads a
// fixed body.
#include "ingest/genericjsonmapping.h"
#include "ingest/webhookfeeds.h"

#include <QByteArray>
#include <QDateTime>
#include <cstdint>
#include <cstdlib>
#include <memory>

using namespace Qt::StringLiterals;

namespace {
const QByteArray kMapping = R"(alerts: /events
name: /check/name
service: /host/service
severity: /level
time: /triggered_at
endTime: /cleared_at
fingerprint: /id
status: /state
url: /link
resolvedValues: [ok, resolved]
labels:
  host: /host/name
  region: /host/tags/region
annotations:
  summary: /message
)"_ba;

const QByteArray kBody = R"({"events": [{"check": {"name": "DiskFull"}, "host": {"service": "db", "name": "db-1",
"tags": {"region": "eu"}}, "level": "critical", "triggered_at": "2026-11-27T23:49:30Z", "id": "e1", "state": "open",
"message": "disk 97%"}], "title": "Queue depth high", "service": "api", "severity": "warning", "ts": 1764287370,
"status": "firing"})"_ba;

void check(const std::optional<AlertBatch>& alerts, const WebhookFeeds::Refusal& refusal)
{
    if (!alerts && refusal.reason.isEmpty())
        std::abort(); // a refusal must say why
    for (const Alert& a : alerts.value_or(AlertBatch()))
        if (a.fingerprint.isEmpty())
            std::abort();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), qsizetype(size));
    const QDateTime receivedAt = QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC);
    using Feed = WebhookFeeds::Feed;

    static const auto fixed = [] {
        QString error;
        auto m = GenericJsonMapping::fromYaml(kMapping, &error);
        if (!m)
            std::abort();
        return std::make_shared<const GenericJsonMapping>(std::move(*m));
    }();
    WebhookFeeds::Settings settings;
    settings.genericMapping = fixed;
    WebhookFeeds::Refusal refusal;
    check(WebhookFeeds::parse(Feed::Generic, settings, input, {}, receivedAt, &refusal), refusal);

    QString error;
    auto mapping = GenericJsonMapping::fromYaml(input, &error);
    if (!mapping) {
        if (error.isEmpty())
            std::abort();
        return 0;
    }
    settings.genericMapping = std::make_shared<const GenericJsonMapping>(std::move(*mapping));
    refusal = {};
    check(WebhookFeeds::parse(Feed::Generic, settings, kBody, {}, receivedAt, &refusal), refusal);
    return 0;
}
