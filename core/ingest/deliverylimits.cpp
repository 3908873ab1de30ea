#include "deliverylimits.h"

#include "webhookalertspans.h"

#include <cstring>

using namespace Qt::StringLiterals;

namespace DeliveryLimits {

namespace {

// UTF-8 size without converting when the UTF-16 length already decides: a UTF-16 unit is 1 to 3 UTF-8 bytes.
bool withinBytes(const QString& s, int limit, qsizetype* bytes)
{
    if (s.size() * 3 <= limit)
        return true;
    *bytes = s.size() > limit ? s.size() : s.toUtf8().size();
    return *bytes <= limit;
}

Verdict tooLong(QString* error, const QString& field, qsizetype bytes, int limit)
{
    if (error)
        *error = u"%1 is %2 bytes, the limit is %3"_s.arg(field).arg(bytes).arg(limit);
    return Verdict::TooLong;
}

Verdict tooMany(QString* error, const QString& field, qsizetype count, int limit)
{
    if (error)
        *error = u"%1 has %2 entries, the limit is %3"_s.arg(field).arg(count).arg(limit);
    return Verdict::TooMany;
}

// field() names the value in the refusal; called only then: building "alerts[17].labels" for every alert of every
// delivery that passes cost a tenth of its parse.
template <typename Field>
Verdict checkString(const QString& value, int limit, const Field& field, QString* error)
{
    qsizetype bytes = 0;
    return withinBytes(value, limit, &bytes) ? Verdict::Ok : tooLong(error, field(), bytes, limit);
}

template <typename Field>
Verdict checkSet(const LabelSet& set, int maxEntries, int maxValueBytes, const HttpLimits& limits, const Field& field,
                 QString* error)
{
    if (set.size() > maxEntries)
        return tooMany(error, field(), set.size(), maxEntries);
    for (auto it = set.cbegin(); it != set.cend(); ++it) {
        qsizetype bytes = 0;
        if (!withinBytes(it.key(), limits.maxLabelNameBytes, &bytes))
            return tooLong(error, field() + u" name \""_s + it.key().left(32) + u"...\""_s, bytes,
                           limits.maxLabelNameBytes);
        if (!withinBytes(it.value(), maxValueBytes, &bytes))
            return tooLong(error, field() + u'.' + it.key(), bytes, maxValueBytes);
    }
    return Verdict::Ok;
}

// The name of a field of the index-th entry of list ("alerts[3].labels"), for a refusal.
auto fieldOf(const char16_t* list, qsizetype index, const char16_t* field)
{
    return [=] { return u"%1[%2].%3"_s.arg(QStringView(list)).arg(index).arg(QStringView(field)); };
}

// How deep arrays and objects nest, outside strings; stops as soon as it passes limit.
bool nestsDeeperThan(const QByteArray& body, int limit)
{
    int depth = 0;
    const char* p = body.constData();
    const char* const end = p + body.size();
    while (p < end) {
        switch (*p) {
        case '[':
        case '{':
            if (++depth > limit)
                return true;
            break;
        case ']':
        case '}':
            --depth;
            break;
        case '"':
            // To the closing quote: one not escaped by an odd run of backslashes.
            for (++p; p < end; ++p) {
                p = static_cast<const char*>(std::memchr(p, '"', size_t(end - p)));
                if (!p)
                    return false;
                const char* q = p;
                while (q[-1] == '\\')
                    --q;
                if ((p - q) % 2 == 0)
                    break;
            }
            break;
        default:
            break;
        }
        ++p;
    }
    return false;
}

} // namespace

Verdict checkBody(const QByteArray& body, const HttpLimits& limits, QString* error)
{
    if (nestsDeeperThan(body, limits.maxJsonDepth)) {
        if (error)
            *error = u"the JSON nests deeper than %1 levels"_s.arg(limits.maxJsonDepth);
        return Verdict::TooLong;
    }
    // Each alert takes at least 3 bytes ("{}," ): only a body this big can hold too many, and only then is it counted.
    if (body.size() > 3 * qsizetype(limits.maxAlertsPerDelivery)) {
        if (const auto spans = WebhookAlertSpans::scan(body); spans && spans->elements.size() > limits.maxAlertsPerDelivery)
            return tooMany(error, u"alerts"_s, spans->elements.size(), limits.maxAlertsPerDelivery);
    }
    return Verdict::Ok;
}

Verdict checkAlerts(const QList<Alert>& alerts, const HttpLimits& limits, QString* error)
{
    if (alerts.size() > limits.maxAlertsPerDelivery)
        return tooMany(error, u"alerts"_s, alerts.size(), limits.maxAlertsPerDelivery);
    for (qsizetype i = 0; i < alerts.size(); ++i) {
        const Alert& a = alerts[i];
        Verdict v = checkString(a.fingerprint, limits.maxFingerprintBytes, fieldOf(u"alerts", i, u"fingerprint"), error);
        if (v == Verdict::Ok)
            v = checkString(a.generatorUrl, limits.maxUrlBytes, fieldOf(u"alerts", i, u"generatorURL"), error);
        if (v == Verdict::Ok)
            v = checkSet(a.labels, limits.maxLabelsPerAlert, limits.maxLabelValueBytes, limits,
                         fieldOf(u"alerts", i, u"labels"), error);
        if (v == Verdict::Ok)
            v = checkSet(a.annotations, limits.maxAnnotationsPerAlert, limits.maxAnnotationValueBytes, limits,
                         fieldOf(u"alerts", i, u"annotations"), error);
        if (v != Verdict::Ok)
            return v;
    }
    return Verdict::Ok;
}

Verdict checkChanges(const QList<ChangeEvent>& changes, const HttpLimits& limits, QString* error)
{
    if (changes.size() > limits.maxChangesPerRequest)
        return tooMany(error, u"changes"_s, changes.size(), limits.maxChangesPerRequest);
    for (qsizetype i = 0; i < changes.size(); ++i) {
        const ChangeEvent& c = changes[i];
        Verdict v = checkString(c.service, limits.maxLabelValueBytes, fieldOf(u"changes", i, u"service"), error);
        if (v == Verdict::Ok)
            v = checkString(c.kind, limits.maxLabelValueBytes, fieldOf(u"changes", i, u"kind"), error);
        if (v == Verdict::Ok)
            v = checkString(c.description, limits.maxChangeDescriptionBytes, fieldOf(u"changes", i, u"description"),
                            error);
        if (v == Verdict::Ok)
            v = checkString(c.link, limits.maxUrlBytes, fieldOf(u"changes", i, u"link"), error);
        if (v != Verdict::Ok)
            return v;
    }
    return Verdict::Ok;
}

} // namespace DeliveryLimits
