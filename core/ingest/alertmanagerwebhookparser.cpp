#include "alertmanagerwebhookparser.h"

#include "alertmanagerwebhooksax.h"
#include "ingestjson.h"

#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;
using nlohmann::json;

std::optional<AlertmanagerWebhook> AlertmanagerWebhookParser::parse(const QByteArray& body, QString* error,
                                                                    const QDateTime& receivedAt, const QString& source)
{
    const QDateTime received = receivedAt.isValid() ? receivedAt.toUTC() : QDateTime::currentDateTimeUtc();
    const QString src = source.isEmpty() ? u"webhook:alertmanager"_s : source;
    // A body with a NUL byte (nlohmann's lexer would end the document there) is refused by both readers below.
    if (auto fast = AlertmanagerWebhookSax::read(body, received, src))
        return fast;
    // Not a plain well-formed payload: the DOM reader finds and words what is wrong.
    json doc;
    if (!IngestJson::parseDocument(body, &doc, error))
        return std::nullopt;
    return parse(doc, error, received, src);
}

std::optional<AlertmanagerWebhook> AlertmanagerWebhookParser::parse(const json& doc, QString* error,
                                                                    const QDateTime& receivedAt, const QString& source)
{
    auto fail = [error](const QString& message) -> std::optional<AlertmanagerWebhook> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (!doc.is_object())
        return fail(u"payload must be a JSON object"_s);

    AlertmanagerWebhook w;
    const QString root;
    if (!IngestJson::readString(doc, "version", root, true, &w.version, error) ||
        !IngestJson::readString(doc, "groupKey", root, false, &w.groupKey, error) ||
        !IngestJson::readString(doc, "status", root, false, &w.status, error) ||
        !IngestJson::readString(doc, "receiver", root, false, &w.receiver, error) ||
        !IngestJson::readString(doc, "externalURL", root, false, &w.externalUrl, error) ||
        !IngestJson::readLabelSet(doc, "groupLabels", root, false, &w.groupLabels, error) ||
        !IngestJson::readLabelSet(doc, "commonLabels", root, false, &w.commonLabels, error) ||
        !IngestJson::readLabelSet(doc, "commonAnnotations", root, false, &w.commonAnnotations, error))
        return std::nullopt;
    // Version 4 is the only webhook format Alertmanager has ever shipped; a different number
    // means a different shape we would misread.
    if (w.version != u"4")
        return fail(u"version must be \"4\" (Alertmanager webhook payload v4), got \""_s + w.version + u'"');
    if (!w.status.isEmpty() && w.status != u"firing" && w.status != u"resolved")
        return fail(u"status must be \"firing\" or \"resolved\""_s);
    if (const auto t = doc.find("truncatedAlerts"); t != doc.end() && t->is_number_integer())
        w.truncatedAlerts = t->get<int>();

    const auto alerts = doc.find("alerts");
    if (alerts == doc.end() || alerts->is_null())
        return fail(u"alerts is required"_s);
    if (!alerts->is_array())
        return fail(u"alerts must be an array"_s);

    const QDateTime received = receivedAt.isValid() ? receivedAt.toUTC() : QDateTime::currentDateTimeUtc();
    const QString src = source.isEmpty() ? u"webhook:alertmanager"_s : source;
    w.alerts.reserve(qsizetype(alerts->size()));
    for (size_t i = 0; i < alerts->size(); ++i) {
        Alert a;
        if (!IngestJson::readAlert((*alerts)[i], IngestJson::index(u"alerts"_s, i), IngestJson::StatusPolicy::Required,
                                   &a, error))
            return std::nullopt;
        a.receivedAt = received;
        a.source = src;
        w.alerts.append(std::move(a));
    }
    return w;
}
