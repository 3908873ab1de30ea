#include "pagerdutywebhookparser.h"

#include "constanttime.h"
#include "ingestjson.h"

#include <nlohmann/json.hpp>

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace {

std::optional<AlertBatch> fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return std::nullopt;
}

// An optional member that must be an object when present ("service": {...}); null counts as absent.
bool readObject(const json& obj, const char* name, const QString& path, const json** out, QString* error)
{
    *out = nullptr;
    const auto it = obj.find(name);
    if (it == obj.end() || it->is_null())
        return true;
    if (!it->is_object()) {
        if (error)
            *error = IngestJson::field(path, name) + u" must be an object"_s;
        return false;
    }
    *out = &*it;
    return true;
}

// A reference such as {"id": "PF9KMXH", "summary": "API Service", "type": "service_reference"}: its summary.
bool readSummary(const json& obj, const char* name, const QString& path, QString* out, QString* error)
{
    out->clear();
    const json* ref = nullptr;
    if (!readObject(obj, name, path, &ref, error))
        return false;
    return !ref || IngestJson::readString(*ref, "summary", IngestJson::field(path, name), false, out, error);
}

// "assignees": [{"summary": "User 123"}, ...] as "User 123, ...".
bool readSummaries(const json& obj, const char* name, const QString& path, QString* out, QString* error)
{
    out->clear();
    const auto it = obj.find(name);
    if (it == obj.end() || it->is_null())
        return true;
    const QString p = IngestJson::field(path, name);
    if (!it->is_array()) {
        if (error)
            *error = p + u" must be an array"_s;
        return false;
    }
    QStringList names;
    for (size_t i = 0; i < it->size(); ++i) {
        const json& ref = (*it)[i];
        if (!ref.is_object()) {
            if (error)
                *error = IngestJson::index(p, i) + u" must be an object"_s;
            return false;
        }
        QString summary;
        if (!IngestJson::readString(ref, "summary", IngestJson::index(p, i), false, &summary, error))
            return false;
        if (!summary.isEmpty())
            names << summary;
    }
    *out = names.join(u", "_s);
    return true;
}

} // namespace

QByteArray PagerDutyWebhookParser::sign(const QByteArray& body, const QByteArray& secret)
{
    return "v1=" + QMessageAuthenticationCode::hash(body, secret, QCryptographicHash::Sha256).toHex();
}

PagerDutyWebhookParser::Signature
PagerDutyWebhookParser::verifySignature(const QByteArray& body, const QByteArray& header, const QByteArray& secret)
{
    const QByteArray expected = sign(body, secret);
    bool anyV1 = false;
    bool matched = false;
    for (const QByteArray& part : header.split(',')) {
        const QByteArray candidate = part.trimmed();
        if (!candidate.startsWith("v1="))
            continue; // a future signature version this receiver cannot check
        anyV1 = true;
        // Every candidate is compared in full, so the answer's timing says nothing about which one was close.
        // Hex case is not part of the secret: compare the lower-case spelling PagerDuty documents.
        matched |= ConstantTime::equals(candidate.toLower(), expected);
    }
    if (!anyV1)
        return Signature::Missing;
    return matched ? Signature::Valid : Signature::Mismatch;
}

QString PagerDutyWebhookParser::fingerprintOf(const QString& incidentId)
{
    // Through the one label hash every feed uses, over a label no other feed writes.
    return Alert::fingerprintOf(LabelSet{{u"pagerduty_incident"_s, incidentId}});
}

std::optional<AlertBatch> PagerDutyWebhookParser::parse(const json& doc, QString* error, const QDateTime& receivedAt,
                                                        const QString& source)
{
    if (!doc.is_object())
        return fail(error, u"payload must be a JSON object"_s);
    const json* event = nullptr;
    if (!readObject(doc, "event", {}, &event, error))
        return std::nullopt;
    if (!event)
        return fail(error, u"event is required (PagerDuty v3 webhook)"_s);

    const QString e = u"event"_s;
    QString eventType;
    QDateTime occurredAt;
    const json* data = nullptr;
    if (!IngestJson::readString(*event, "event_type", e, true, &eventType, error) ||
        !IngestJson::readTime(*event, "occurred_at", e, false, &occurredAt, error) ||
        !readObject(*event, "data", e, &data, error))
        return std::nullopt;

    AlertBatch batch;
    QString dataType;
    if (data && !IngestJson::readString(*data, "type", u"event.data"_s, false, &dataType, error))
        return std::nullopt;
    // Notes, responders, status updates, services and the subscription's "pagey.ping" describe no incident
    // state: accepted (PagerDuty disables a subscription whose deliveries keep failing) and stored as nothing.
    if (!data || dataType != u"incident")
        return batch;

    const QString d = u"event.data"_s;
    QString id, title, status, htmlUrl, incidentKey, urgency, service, serviceId, priority, escalation, assignees,
        teams;
    QDateTime createdAt;
    const json* serviceRef = nullptr;
    if (!IngestJson::readString(*data, "id", d, true, &id, error) ||
        !IngestJson::readString(*data, "title", d, true, &title, error) ||
        !IngestJson::readTime(*data, "created_at", d, true, &createdAt, error) ||
        !IngestJson::readString(*data, "status", d, false, &status, error) ||
        !IngestJson::readString(*data, "html_url", d, false, &htmlUrl, error) ||
        !IngestJson::readString(*data, "incident_key", d, false, &incidentKey, error) ||
        !IngestJson::readString(*data, "urgency", d, false, &urgency, error) ||
        !readObject(*data, "service", d, &serviceRef, error) || !readSummary(*data, "priority", d, &priority, error) ||
        !readSummary(*data, "escalation_policy", d, &escalation, error) ||
        !readSummaries(*data, "assignees", d, &assignees, error) || !readSummaries(*data, "teams", d, &teams, error))
        return std::nullopt;
    if (serviceRef &&
        (!IngestJson::readString(*serviceRef, "summary", u"event.data.service"_s, false, &service, error) ||
         !IngestJson::readString(*serviceRef, "id", u"event.data.service"_s, false, &serviceId, error)))
        return std::nullopt;
    if (id.isEmpty())
        return fail(error, u"event.data.id must not be empty"_s);
    if (!createdAt.isValid())
        return fail(error, u"event.data.created_at must be a real time"_s);

    const QDateTime received = receivedAt.isValid() ? receivedAt.toUTC() : QDateTime::currentDateTimeUtc();
    Alert a;
    a.fingerprint = fingerprintOf(id);
    // Labels stay the same for the incident's whole life (its fingerprint does not change when an event changes
    // the priority or the assignees), so what changes goes into annotations.
    a.labels.insert(u"alertname"_s, title.isEmpty() ? u"PagerDuty incident"_s : title);
    if (!service.isEmpty())
        a.labels.insert(u"service"_s, service);
    // PagerDuty has two urgencies; high pages someone now, low waits for working hours.
    if (urgency == u"high")
        a.labels.insert(u"severity"_s, u"critical"_s);
    else if (urgency == u"low")
        a.labels.insert(u"severity"_s, u"warning"_s);
    a.labels.insert(u"pagerduty_incident"_s, id);
    if (!serviceId.isEmpty())
        a.labels.insert(u"pagerduty_service"_s, serviceId);

    a.annotations.insert(u"summary"_s, title);
    a.annotations.insert(u"pagerduty_event"_s, eventType);
    const std::pair<const char*, const QString*> notes[] = {
        {"pagerduty_status", &status},
        {"incident_key", &incidentKey},
        {"urgency", &urgency},
        {"priority", &priority},
        {"escalation_policy", &escalation},
        {"assignees", &assignees},
        {"teams", &teams},
    };
    for (const auto& [name, value] : notes) {
        if (!value->isEmpty())
            a.annotations.insert(QString::fromUtf8(name), *value);
    }
    if (const auto number = data->find("number"); number != data->end() && number->is_number_integer())
        a.annotations.insert(u"incident_number"_s, QString::number(number->get<qint64>()));

    a.generatorUrl = htmlUrl;
    a.startsAt = createdAt;
    if (eventType == u"incident.resolved" || status == u"resolved") {
        a.status = Alert::Status::Resolved;
        a.endsAt = occurredAt.isValid() ? occurredAt : received;
    }
    a.receivedAt = received;
    a.source = source.isEmpty() ? u"webhook:pagerduty"_s : source;
    batch.append(std::move(a));
    return batch;
}
