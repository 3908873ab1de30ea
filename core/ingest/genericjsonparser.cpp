#include "genericjsonparser.h"

#include "ingestjson.h"
#include "timeparse.h"

#include <cmath>

using namespace Qt::StringLiterals;
using nlohmann::json;
using Pointer = GenericJsonMapping::Pointer;

namespace {

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

QString describe(const Pointer& p)
{
    return u'"' + QString::fromStdString(p.to_string()) + u'"';
}

// The value p names in obj, or nullptr when there is none (null counts as none).
const json* resolve(const json& obj, const Pointer& p)
{
    try {
        // contains() is false for a missing member or index; an index too large for size_t throws.
        if (!obj.contains(p))
            return nullptr;
        const json& v = obj.at(p);
        return v.is_null() ? nullptr : &v;
    } catch (const json::exception&) {
        return nullptr;
    }
}

// A label value: strings as they are, numbers and booleans as JSON writes them. *out stays empty when absent.
bool readScalar(const json& obj, const Pointer& p, const QString& where, const QString& what, QString* out,
                QString* error)
{
    out->clear();
    const json* v = resolve(obj, p);
    if (!v)
        return true;
    if (v->is_string())
        *out = IngestJson::toQString(*v);
    else if (v->is_number() || v->is_boolean())
        *out = QString::fromStdString(v->dump());
    else
        return fail(error, where + what + u" pointer "_s + describe(p) + u" must name a string or a number, not "_s +
                               QString::fromUtf8(v->type_name()));
    return true;
}

bool readOptionalScalar(const json& obj, const std::optional<Pointer>& p, const QString& where, const QString& what,
                        QString* out, QString* error)
{
    out->clear();
    return !p || readScalar(obj, *p, where, what, out, error);
}

// RFC 3339 text, or seconds since the epoch as a number or a string of digits. Invalid when absent.
bool readTime(const json& obj, const std::optional<Pointer>& p, const QString& where, const QString& what,
              QDateTime* out, QString* error)
{
    *out = QDateTime();
    if (!p)
        return true;
    const json* v = resolve(obj, *p);
    if (!v)
        return true;
    const QString prefix = where + what + u" pointer "_s + describe(*p);
    double seconds = 0;
    if (v->is_number()) {
        seconds = v->get<double>();
    } else if (v->is_string()) {
        const std::string& text = v->get_ref<const std::string&>();
        *out = TimeParse::parseRfc3339(text);
        if (out->isValid())
            return true;
        bool ok = false;
        seconds = QString::fromStdString(text).toDouble(&ok);
        if (!ok)
            return fail(error, prefix + u": \""_s + QString::fromStdString(text) +
                                   u"\" is neither an RFC 3339 time nor epoch seconds"_s);
    } else {
        return fail(error, prefix + u" must name an RFC 3339 string or epoch seconds, not "_s +
                               QString::fromUtf8(v->type_name()));
    }
    // Epoch milliseconds read as seconds would land tens of thousands of years ahead: say so instead.
    if (!std::isfinite(seconds) || seconds <= 0 || seconds >= 1e11)
        return fail(error, prefix + u": "_s + QString::number(seconds, 'g', 15) +
                               u" is not epoch seconds between 1970 and 5138 (milliseconds?)"_s);
    *out = QDateTime::fromMSecsSinceEpoch(qint64(std::llround(seconds * 1000)), Qt::UTC);
    return true;
}

bool readAlert(const json& obj, const GenericJsonMapping& m, const QString& where, const QDateTime& received,
               Alert* out, QString* error)
{
    if (!obj.is_object())
        return fail(error, where + u"an alert must be a JSON object, not "_s + QString::fromUtf8(obj.type_name()));
    Alert a;
    QString name, service, severity, fingerprint, status, url;
    if (!readScalar(obj, m.name, where, u"name"_s, &name, error) ||
        !readOptionalScalar(obj, m.service, where, u"service"_s, &service, error) ||
        !readOptionalScalar(obj, m.severity, where, u"severity"_s, &severity, error) ||
        !readOptionalScalar(obj, m.fingerprint, where, u"fingerprint"_s, &fingerprint, error) ||
        !readOptionalScalar(obj, m.status, where, u"status"_s, &status, error) ||
        !readOptionalScalar(obj, m.url, where, u"url"_s, &url, error) ||
        !readTime(obj, m.time, where, u"time"_s, &a.startsAt, error) ||
        !readTime(obj, m.endTime, where, u"endTime"_s, &a.endsAt, error))
        return false;
    if (name.isEmpty())
        return fail(error, where + u"name pointer "_s + describe(m.name) + u" names nothing (or an empty string)"_s);
    a.labels.insert(u"alertname"_s, name);
    if (!service.isEmpty())
        a.labels.insert(u"service"_s, service);
    if (!severity.isEmpty())
        a.labels.insert(u"severity"_s, severity.toLower());
    for (const auto& [label, pointer] : m.labels) {
        QString value;
        if (!readScalar(obj, pointer, where, u"labels."_s + label, &value, error))
            return false;
        if (!value.isEmpty())
            a.labels.insert(label, value);
    }
    for (const auto& [annotation, pointer] : m.annotations) {
        QString value;
        if (!readScalar(obj, pointer, where, u"annotations."_s + annotation, &value, error))
            return false;
        if (!value.isEmpty())
            a.annotations.insert(annotation, value);
    }
    a.status = m.resolvedValues.contains(status, Qt::CaseInsensitive) && !status.isEmpty() ? Alert::Status::Resolved
                                                                                           : Alert::Status::Firing;
    if (!a.startsAt.isValid())
        a.startsAt = received;
    if (a.status == Alert::Status::Resolved && !a.endsAt.isValid())
        a.endsAt = received;
    a.fingerprint = fingerprint.isEmpty() ? Alert::fingerprintOf(a.labels) : fingerprint;
    a.generatorUrl = url;
    a.receivedAt = received;
    *out = std::move(a);
    return true;
}

} // namespace

std::optional<AlertBatch> GenericJsonParser::parse(const json& doc, const GenericJsonMapping& mapping, QString* error,
                                                   const QDateTime& receivedAt, const QString& source)
{
    const json* list = &doc;
    if (mapping.alerts) {
        list = resolve(doc, *mapping.alerts);
        if (!list) {
            fail(error, u"alerts pointer "_s + describe(*mapping.alerts) + u" names nothing"_s);
            return std::nullopt;
        }
    }
    const QDateTime received = receivedAt.isValid() ? receivedAt.toUTC() : QDateTime::currentDateTimeUtc();
    const QString src = source.isEmpty() ? u"webhook:generic"_s : source;
    AlertBatch batch;
    if (list->is_array()) {
        batch.reserve(qsizetype(list->size()));
        for (size_t i = 0; i < list->size(); ++i) {
            Alert a;
            if (!readAlert((*list)[i], mapping, IngestJson::index(u"alerts"_s, i) + u": "_s, received, &a, error))
                return std::nullopt;
            a.source = src;
            batch.append(std::move(a));
        }
    } else {
        Alert a;
        if (!readAlert(*list, mapping, QString(), received, &a, error))
            return std::nullopt;
        a.source = src;
        batch.append(std::move(a));
    }
    return batch;
}
