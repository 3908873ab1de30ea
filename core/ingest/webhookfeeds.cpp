#include "webhookfeeds.h"

#include "alertmanagerwebhookparser.h"
#include "genericjsonparser.h"
#include "grafanawebhookparser.h"
#include "ingestjson.h"
#include "pagerdutywebhookparser.h"

using namespace Qt::StringLiterals;

QString WebhookFeeds::routePath(Feed feed)
{
    switch (feed) {
    case Feed::Alertmanager:
        return u"/api/v1/alerts/alertmanager"_s;
    case Feed::Grafana:
        return u"/api/v1/alerts/grafana"_s;
    case Feed::PagerDuty:
        return u"/api/v1/alerts/pagerduty"_s;
    case Feed::Generic:
        return u"/api/v1/alerts/generic"_s;
    }
    return {};
}

std::optional<AlertBatch> WebhookFeeds::parse(Feed feed, const Settings& settings, const QByteArray& body,
                                              const QByteArray& signatureHeader, const QDateTime& receivedAt,
                                              Refusal* refusal)
{
    Refusal r;
    std::optional<AlertBatch> alerts;
    nlohmann::json doc;
    // Alertmanager's parser has a fast path over the raw bytes; the others read the document once, here.
    const auto document = [&] { return IngestJson::parseDocument(body, &doc, &r.reason); };
    switch (feed) {
    case Feed::Alertmanager:
        if (auto payload = AlertmanagerWebhookParser::parse(body, &r.reason, receivedAt))
            alerts = std::move(payload->alerts);
        break;
    case Feed::Grafana:
        if (document())
            alerts = GrafanaWebhookParser::parse(doc, &r.reason, receivedAt);
        break;
    case Feed::PagerDuty:
        // Checked before the body is parsed: nothing from an unauthenticated sender is read.
        if (!settings.pagerDutySecret.isEmpty()) {
            switch (PagerDutyWebhookParser::verifySignature(body, signatureHeader, settings.pagerDutySecret)) {
            case PagerDutyWebhookParser::Signature::Valid:
                break;
            case PagerDutyWebhookParser::Signature::Missing:
                r = {401, u"missing X-PagerDuty-Signature (a v1 signature is required)"_s};
                break;
            case PagerDutyWebhookParser::Signature::Mismatch:
                r = {401, u"X-PagerDuty-Signature does not match the body and the configured secret"_s};
                break;
            }
            if (r.httpStatus == 401)
                break;
        }
        if (document())
            alerts = PagerDutyWebhookParser::parse(doc, &r.reason, receivedAt);
        break;
    case Feed::Generic:
        if (!settings.genericMapping) {
            r = {501, u"the generic JSON feed needs a mapping file (--generic-mapping FILE or the setting "
                      u"webhook/genericMapping)"_s};
            break;
        }
        if (document())
            alerts = GenericJsonParser::parse(doc, *settings.genericMapping, &r.reason, receivedAt);
        break;
    }
    if (!alerts && refusal)
        *refusal = r;
    return alerts;
}
