// Fuzz target: a PagerDuty v3 webhook body, through the receiver's entry (WebhookFeeds::parse), unsigned and
// signed. A correct signature must change nothing about what the body yields; a signature header cut from
// the body itself (fuzzing the header's own parsing) must never verify; a body without a v1 signature gets 401.
#include "ingest/pagerdutywebhookparser.h"
#include "ingest/webhookfeeds.h"

#include <QByteArray>
#include <QDateTime>
#include <cstdint>
#include <cstdlib>

using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char*>(data), qsizetype(size));
    const QDateTime receivedAt = QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC);
    using Feed = WebhookFeeds::Feed;

    WebhookFeeds::Refusal refusal;
    const auto unsigned_ = WebhookFeeds::parse(Feed::PagerDuty, {}, body, {}, receivedAt, &refusal);
    if (!unsigned_ && (refusal.reason.isEmpty() || refusal.httpStatus != 400))
        std::abort(); // a refusal must say why
    for (const Alert& a : unsigned_.value_or(AlertBatch()))
        if (a.fingerprint.isEmpty())
            std::abort();

    WebhookFeeds::Settings settings;
    settings.pagerDutySecret = "fuzz-secret"_ba;
    const QByteArray signature = PagerDutyWebhookParser::sign(body, settings.pagerDutySecret);
    WebhookFeeds::Refusal signedRefusal;
    const auto signed_ = WebhookFeeds::parse(Feed::PagerDuty, settings, body, signature, receivedAt, &signedRefusal);
    if (signed_.has_value() != unsigned_.has_value() || (signed_ && signed_->size() != unsigned_->size()) ||
        (!signed_ && signedRefusal.reason != refusal.reason))
        std::abort();

    const QByteArray header = body.left(200);
    if (PagerDutyWebhookParser::verifySignature(body, header, settings.pagerDutySecret) ==
        PagerDutyWebhookParser::Signature::Valid)
        std::abort(); // the body cannot carry its own HMAC
    WebhookFeeds::Refusal forged;
    if (WebhookFeeds::parse(Feed::PagerDuty, settings, body, header, receivedAt, &forged) || forged.httpStatus != 401)
        std::abort(); // nothing from an unauthenticated sender is read
    return 0;
}
