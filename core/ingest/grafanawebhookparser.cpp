#include "grafanawebhookparser.h"

#include "ingestjson.h"

#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace {

std::optional<AlertBatch> fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return std::nullopt;
}

// Grafana sends "values" as {"B": 44.2, "C": 1}; an annotation keeps them readable beside the alert.
QString formatValues(const json& values)
{
    QStringList parts;
    for (auto it = values.begin(); it != values.end(); ++it) {
        if (it.value().is_number())
            parts << QString::fromStdString(it.key()) + u'=' + QString::fromStdString(it.value().dump());
    }
    return parts.join(u", "_s);
}

} // namespace

std::optional<AlertBatch> GrafanaWebhookParser::parse(const json& doc, QString* error, const QDateTime& receivedAt,
                                                      const QString& source)
{
    if (!doc.is_object())
        return fail(error, u"payload must be a JSON object"_s);
    QString version;
    QString status;
    if (!IngestJson::readString(doc, "version", {}, false, &version, error) ||
        !IngestJson::readString(doc, "status", {}, false, &status, error))
        return std::nullopt;
    // Grafana's legacy (pre-9) alerting posted {"ruleName", "state", "evalMatches"} without a version: a
    // different shape, so say which one this route expects rather than misread it.
    if (version.isEmpty())
        return fail(error, u"version is required (Grafana unified alerting webhook, version \"1\"); legacy Grafana "
                           u"alert notifications are not supported"_s);
    if (version != u"1")
        return fail(error, u"version must be \"1\" (Grafana unified alerting webhook), got \""_s + version + u'"');
    if (!status.isEmpty() && status != u"firing" && status != u"resolved")
        return fail(error, u"status must be \"firing\" or \"resolved\""_s);

    const auto alerts = doc.find("alerts");
    if (alerts == doc.end() || alerts->is_null())
        return fail(error, u"alerts is required"_s);
    if (!alerts->is_array())
        return fail(error, u"alerts must be an array"_s);

    const QDateTime received = receivedAt.isValid() ? receivedAt.toUTC() : QDateTime::currentDateTimeUtc();
    const QString src = source.isEmpty() ? u"webhook:grafana"_s : source;
    AlertBatch batch;
    batch.reserve(qsizetype(alerts->size()));
    for (size_t i = 0; i < alerts->size(); ++i) {
        const json& item = (*alerts)[i];
        const QString path = IngestJson::index(u"alerts"_s, i);
        Alert a;
        if (!IngestJson::readAlert(item, path, IngestJson::StatusPolicy::Required, &a, error))
            return std::nullopt;
        for (const char* link : {"silenceURL", "dashboardURL", "panelURL", "imageURL", "valueString"}) {
            QString value;
            if (!IngestJson::readString(item, link, path, false, &value, error))
                return std::nullopt;
            if (!value.isEmpty() && !a.annotations.contains(QString::fromUtf8(link)))
                a.annotations.insert(QString::fromUtf8(link), value);
        }
        if (const auto values = item.find("values"); values != item.end() && values->is_object()) {
            const QString text = formatValues(*values);
            if (!text.isEmpty() && !a.annotations.contains(u"values"_s))
                a.annotations.insert(u"values"_s, text);
        }
        a.receivedAt = received;
        a.source = src;
        batch.append(std::move(a));
    }
    return batch;
}
