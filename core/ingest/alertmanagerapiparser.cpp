#include "alertmanagerapiparser.h"

#include "ingestjson.h"

#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace {

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

bool AlertmanagerApiParser::readAlert(const json& obj, const QString& path, const QDateTime& receivedAt,
                                      const QString& source, AlertmanagerApiAlert* out, QString* error)
{
    AlertmanagerApiAlert a;
    // The API's "status" is an object, not the webhook's string, so the alert itself is read as firing.
    if (!IngestJson::readAlert(obj, path, IngestJson::StatusPolicy::Firing, &a.alert, error) ||
        !IngestJson::readTime(obj, "updatedAt", path, false, &a.updatedAt, error))
        return false;

    const auto status = obj.find("status");
    if (status != obj.end() && !status->is_null()) {
        const QString sp = IngestJson::field(path, "status");
        if (!status->is_object())
            return fail(error, sp + u" must be an object"_s);
        QString state;
        if (!IngestJson::readString(*status, "state", sp, true, &state, error) ||
            !IngestJson::readStringList(*status, "silencedBy", sp, &a.silencedBy, error) ||
            !IngestJson::readStringList(*status, "inhibitedBy", sp, &a.inhibitedBy, error))
            return false;
        if (state == u"active")
            a.state = AlertmanagerApiAlert::State::Active;
        else if (state == u"suppressed")
            a.state = AlertmanagerApiAlert::State::Suppressed;
        else if (state == u"unprocessed")
            a.state = AlertmanagerApiAlert::State::Unprocessed;
        else
            return fail(error, IngestJson::field(sp, "state") + u" must be active, suppressed or unprocessed"_s);
    }

    // receivers: [{"name": "..."}] in API v2; plain strings are accepted as well.
    const auto receivers = obj.find("receivers");
    if (receivers != obj.end() && !receivers->is_null()) {
        const QString rp = IngestJson::field(path, "receivers");
        if (!receivers->is_array())
            return fail(error, rp + u" must be an array"_s);
        for (size_t i = 0; i < receivers->size(); ++i) {
            const json& r = (*receivers)[i];
            QString name;
            if (r.is_string())
                name = IngestJson::toQString(r);
            else if (r.is_object()) {
                if (!IngestJson::readString(r, "name", IngestJson::index(rp, i), true, &name, error))
                    return false;
            } else
                return fail(error, IngestJson::index(rp, i) + u" must be an object"_s);
            a.receivers.append(name);
        }
    }

    a.alert.receivedAt = receivedAt.isValid() ? receivedAt.toUTC() : QDateTime::currentDateTimeUtc();
    a.alert.source = source.isEmpty() ? u"alertmanager-api"_s : source;
    *out = std::move(a);
    return true;
}

std::optional<QVector<AlertmanagerApiAlert>> AlertmanagerApiParser::parseAlerts(const QByteArray& body, QString* error,
                                                                                const QDateTime& receivedAt,
                                                                                const QString& source)
{
    json doc;
    if (!IngestJson::parseDocument(body, &doc, error))
        return std::nullopt;
    if (!doc.is_array()) {
        fail(error, u"response must be a JSON array of alerts"_s);
        return std::nullopt;
    }
    const QDateTime received = receivedAt.isValid() ? receivedAt : QDateTime::currentDateTimeUtc();
    QVector<AlertmanagerApiAlert> out;
    out.reserve(qsizetype(doc.size()));
    for (size_t i = 0; i < doc.size(); ++i) {
        AlertmanagerApiAlert a;
        if (!readAlert(doc[i], IngestJson::index(u"alerts"_s, i), received, source, &a, error))
            return std::nullopt;
        out.append(std::move(a));
    }
    return out;
}

std::optional<QVector<AlertmanagerApiGroup>> AlertmanagerApiParser::parseGroups(const QByteArray& body, QString* error,
                                                                                const QDateTime& receivedAt,
                                                                                const QString& source)
{
    json doc;
    if (!IngestJson::parseDocument(body, &doc, error))
        return std::nullopt;
    if (!doc.is_array()) {
        fail(error, u"response must be a JSON array of alert groups"_s);
        return std::nullopt;
    }
    const QDateTime received = receivedAt.isValid() ? receivedAt : QDateTime::currentDateTimeUtc();
    QVector<AlertmanagerApiGroup> out;
    for (size_t g = 0; g < doc.size(); ++g) {
        const json& group = doc[g];
        const QString gp = IngestJson::index(u"groups"_s, g);
        if (!group.is_object()) {
            fail(error, gp + u" must be an object"_s);
            return std::nullopt;
        }
        AlertmanagerApiGroup grp;
        if (!IngestJson::readLabelSet(group, "labels", gp, true, &grp.labels, error))
            return std::nullopt;
        if (const auto r = group.find("receiver"); r != group.end() && !r->is_null()) {
            if (r->is_object()) {
                if (!IngestJson::readString(*r, "name", IngestJson::field(gp, "receiver"), true, &grp.receiver, error))
                    return std::nullopt;
            } else if (r->is_string()) {
                grp.receiver = IngestJson::toQString(*r);
            } else {
                fail(error, IngestJson::field(gp, "receiver") + u" must be an object"_s);
                return std::nullopt;
            }
        }
        const auto alerts = group.find("alerts");
        const QString ap = IngestJson::field(gp, "alerts");
        if (alerts == group.end() || alerts->is_null()) {
            fail(error, ap + u" is required"_s);
            return std::nullopt;
        }
        if (!alerts->is_array()) {
            fail(error, ap + u" must be an array"_s);
            return std::nullopt;
        }
        for (size_t i = 0; i < alerts->size(); ++i) {
            AlertmanagerApiAlert a;
            if (!readAlert((*alerts)[i], IngestJson::index(ap, i), received, source, &a, error))
                return std::nullopt;
            grp.alerts.append(std::move(a));
        }
        out.append(std::move(grp));
    }
    return out;
}

AlertBatch AlertmanagerApiParser::toBatch(const QVector<AlertmanagerApiAlert>& alerts)
{
    AlertBatch batch;
    batch.reserve(alerts.size());
    for (const auto& a : alerts)
        batch.append(a.alert);
    return batch;
}
