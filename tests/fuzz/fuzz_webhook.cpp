// Fuzz target: an Alertmanager webhook body, through the receiver's parser (SAX fast path with its span scan
// and object cache, then the DOM reader that words errors). Both paths must agree: whenever the fast path
// accepts a body, the DOM reader accepts it too and yields the same alerts. So must the reading of a big body in
// two halves on two threads, which read() takes only from 20,000 alerts on, here run on every body of two or more.
#include "ingest/alertmanagerwebhookparser.h"
#include "ingest/alertmanagerwebhooksax.h"
#include "ingest/ingestjson.h"
#include "ingest/webhookalertspans.h"

#include <nlohmann/json.hpp>

#include <QByteArray>
#include <QDateTime>
#include <cstdint>
#include <cstdlib>

using namespace Qt::StringLiterals;

namespace {
bool sameAlert(const Alert& a, const Alert& b)
{
    return a.fingerprint == b.fingerprint && a.labels == b.labels && a.annotations == b.annotations &&
           a.status == b.status && a.startsAt == b.startsAt && a.endsAt == b.endsAt && a.generatorUrl == b.generatorUrl &&
           a.receivedAt == b.receivedAt && a.source == b.source;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char*>(data), qsizetype(size));
    const QDateTime receivedAt = QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC);
    const QString source = u"fuzz"_s;

    if (auto spans = WebhookAlertSpans::scan(body)) {
        for (const QByteArrayView element : spans->elements)
            (void)AlertStateSpans::scan(element);
    }

    QString error;
    const auto parsed = AlertmanagerWebhookParser::parse(body, &error, receivedAt, source);
    if (!parsed && error.isEmpty())
        std::abort(); // a refusal must say why

    // Twice, so the second read takes the object cache's repeat path.
    const auto fast = AlertmanagerWebhookSax::read(body, receivedAt, source);
    const auto again = AlertmanagerWebhookSax::read(body, receivedAt, source);
    if (fast.has_value() != again.has_value())
        std::abort();
    const auto parts = AlertmanagerWebhookSax::readInTwoParts(body, receivedAt, source);
    if (!fast && !parts)
        return 0;
    // The DOM reader, read once for both: whatever either fast reading accepts, it accepts too.
    nlohmann::json doc;
    QString domError;
    if (!IngestJson::parseDocument(body, &doc, &domError))
        std::abort(); // a fast reading accepted what is not JSON
    const auto dom = AlertmanagerWebhookParser::parse(doc, &domError, receivedAt, source);
    if (!dom)
        std::abort();

    // The halves' reading: the same envelope and the same alerts in the same order.
    if (parts) {
        if (dom->alerts.size() != parts->alerts.size() || dom->status != parts->status ||
            dom->receiver != parts->receiver || dom->groupKey != parts->groupKey || dom->externalUrl != parts->externalUrl ||
            dom->truncatedAlerts != parts->truncatedAlerts || dom->groupLabels != parts->groupLabels ||
            dom->commonLabels != parts->commonLabels || dom->commonAnnotations != parts->commonAnnotations)
            std::abort();
        for (qsizetype i = 0; i < parts->alerts.size(); ++i) {
            if (!sameAlert(parts->alerts.at(i), dom->alerts.at(i)))
                std::abort();
        }
    }

    if (fast) {
        if (dom->alerts.size() != fast->alerts.size() || again->alerts.size() != fast->alerts.size())
            std::abort();
        for (qsizetype i = 0; i < fast->alerts.size(); ++i) {
            const Alert& a = fast->alerts.at(i);
            const Alert& b = dom->alerts.at(i);
            const Alert& c = again->alerts.at(i);
            if (a.labels != b.labels || a.fingerprint != b.fingerprint || a.labels != c.labels ||
                a.fingerprint != c.fingerprint)
                std::abort();
        }
    }
    return 0;
}
