#include "alertmanagerwebhooksax.h"

#include "alertobjectcache.h"
#include "fastjsonsax.h"
#include "timeparse.h"
#include "webhookalertspans.h"

#include <nlohmann/json.hpp>
#define OPENSSL_SUPPRESS_DEPRECATED // SHA256_Init and friends: see RawLabels::sha256
#include <openssl/sha.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace {

QString fromUtf8(const std::string& s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// Label names repeat in every alert of a storm (alertname, service, severity, ...). Sharing one
// QString per name saves an allocation per label; the table is per thread and bounded, because a
// feed could send endless distinct names.
class NameTable
{
public:
    const QString& intern(const std::string& name)
    {
        const auto found = m_names.find(name);
        if (found != m_names.end())
            return found->second;
        if (m_names.size() >= 4096)
            m_names.clear();
        return m_names.emplace(name, fromUtf8(name)).first->second;
    }

private:
    std::unordered_map<std::string, QString> m_names;
};

NameTable& names()
{
    thread_local NameTable table;
    return table;
}

// A storm's alerts, and every alert of one big body, mostly carry the same few timestamps: the last one read is
// remembered with its bytes, so a repeat costs a compare instead of a parse (QDate and QTime checks, UTC math).
class LastTime
{
public:
    QDateTime parse(const std::string& text, bool* ok)
    {
        if (m_valid && text == m_text) {
            *ok = m_ok;
            return m_time;
        }
        m_time = TimeParse::parseAlertTime(std::string_view(text), &m_ok);
        m_text = text;
        m_valid = true;
        *ok = m_ok;
        return m_time;
    }

private:
    std::string m_text;
    QDateTime m_time;
    bool m_ok = false;
    bool m_valid = false;
};

// Alert::fingerprintOf for an alert whose labels arrived as these UTF-8 name/value pairs (in payload order, a
// repeated name's last value counting, as in the LabelSet): the same SHA-256 of name, 0xff, value, 0xfe in name
// order, hashed from the bytes as read instead of converting each string back to UTF-8, with OpenSSL's SHA-256
// (SHA-NI where the CPU has it). An alert without a fingerprint (most webhook alerts) spent a quarter of its parse
// in Qt's portable SHA-256 and the conversions. The name order is the LabelSet's, QString's UTF-16 order, which is
// UTF-8's byte order except against characters from U+E000 up: a name with one (lead byte 0xee and up) is left to
// Alert::fingerprintOf.
class RawLabels
{
public:
    void clear() { m_count = 0; }
    void add(const std::string& name, const std::string& value)
    {
        if (m_count == m_pairs.size())
            m_pairs.emplace_back();
        m_pairs[m_count].first.assign(name); // the strings keep their capacity from alert to alert
        m_pairs[m_count].second.assign(value);
        ++m_count;
    }

    // Empty when the names do not allow it.
    QString fingerprint()
    {
        m_order.clear();
        for (size_t i = 0; i < m_count; ++i) {
            for (const char c : m_pairs[i].first) {
                if (static_cast<unsigned char>(c) >= 0xee)
                    return {};
            }
            m_order.push_back(i);
        }
        // Stable by the index: std::stable_sort would allocate a buffer for every alert.
        std::sort(m_order.begin(), m_order.end(), [this](size_t a, size_t b) {
            const int order = m_pairs[a].first.compare(m_pairs[b].first);
            return order < 0 || (order == 0 && a < b);
        });
        m_bytes.clear();
        for (size_t k = 0; k < m_order.size(); ++k) {
            if (k + 1 < m_order.size() && m_pairs[m_order[k]].first == m_pairs[m_order[k + 1]].first)
                continue; // an earlier value of a repeated name: the last one is the label's
            const auto& [name, value] = m_pairs[m_order[k]];
            m_bytes.append(name).append(1, '\xff').append(value).append(1, '\xfe');
        }
        unsigned char digest[SHA256_DIGEST_LENGTH];
        if (!sha256(m_bytes, digest))
            return {};
        static constexpr char hex[] = "0123456789abcdef";
        QString text(16, Qt::Uninitialized);
        QChar* out = text.data();
        for (int i = 0; i < 8; ++i) {
            out[2 * i] = QLatin1Char(hex[digest[i] >> 4]);
            out[2 * i + 1] = QLatin1Char(hex[digest[i] & 0xf]);
        }
        return text;
    }

private:
    static bool sha256(const std::string& bytes, unsigned char* digest)
    {
        // The low-level calls: EVP_DigestInit_ex2 frees and allocates the digest's context for every alert (OpenSSL
        // 3.0), and SHA256() also looks the algorithm up under a lock. Deprecated in 3.0, but kept by it.
        SHA256_CTX context;
        return SHA256_Init(&context) && SHA256_Update(&context, bytes.data(), bytes.size()) &&
               SHA256_Final(digest, &context);
    }

    std::vector<std::pair<std::string, std::string>> m_pairs;
    size_t m_count = 0;
    std::vector<size_t> m_order;
    std::string m_bytes;
};

// What a value being read belongs to. Objects and arrays nobody asked for are skipped whole.
enum class Slot
{
    None,
    Version,
    GroupKey,
    Status,
    Receiver,
    ExternalUrl,
    TruncatedAlerts,
    GroupLabels,
    CommonLabels,
    CommonAnnotations,
    Alerts,
    AlertLabels,
    AlertAnnotations,
    AlertStartsAt,
    AlertEndsAt,
    AlertGeneratorUrl,
    AlertFingerprint,
    AlertStatus,
};

// An alert's "status" value, read the same way whether it comes through the parser or from AlertStateSpans.
std::optional<Alert::Status> statusNamed(std::string_view value)
{
    if (value == "firing")
        return Alert::Status::Firing;
    if (value == "resolved")
        return Alert::Status::Resolved;
    return std::nullopt;
}

struct AlertFields
{
    Alert alert;
    bool hasLabels = false;
    bool hasStartsAt = false;
    bool hasStatus = false;
};

// Returning false from any callback stops the parse: the DOM parser takes over.
class Handler : public nlohmann::json_sax<json>
{
public:
    AlertmanagerWebhook webhook;
    bool hasVersion = false;
    bool hasAlerts = false;

    Handler() = default;
    // Reads one element of the alerts array on its own, in the state the whole payload's reader is in
    // when it reaches one: the element comes out exactly as it would from the whole payload.
    struct OneAlert
    {
    };
    explicit Handler(OneAlert) : m_slot(Slot::Alerts), m_depth(1), m_inAlerts(true) {}

    bool null() override
    {
        if (m_skip)
            return true;
        if (m_labels)
            return false; // a label value must be a string
        // The DOM parser treats null as absent: a null required field is an error it will word.
        if (m_slot == Slot::Alerts)
            hasAlerts = false;
        else if (m_slot == Slot::AlertLabels)
            m_current.hasLabels = false;
        else if (m_slot == Slot::AlertStartsAt)
            m_current.hasStartsAt = false;
        else if (m_slot == Slot::AlertStatus)
            m_current.hasStatus = false;
        else if (m_slot == Slot::Version)
            hasVersion = false;
        return afterValue(true);
    }
    bool boolean(bool) override { return scalarNotString(); }
    bool number_integer(number_integer_t value) override
    {
        if (!m_skip && m_slot == Slot::TruncatedAlerts)
            webhook.truncatedAlerts = int(value);
        return scalarNotString();
    }
    bool number_unsigned(number_unsigned_t value) override
    {
        if (!m_skip && m_slot == Slot::TruncatedAlerts)
            webhook.truncatedAlerts = int(value);
        return scalarNotString();
    }
    bool number_float(number_float_t, const string_t&) override { return scalarNotString(); }
    bool binary(binary_t&) override { return false; }

    bool string(string_t& value) override
    {
        if (m_skip)
            return true;
        switch (m_slot) {
        case Slot::None:
            return afterValue(true);
        case Slot::Version:
            webhook.version = fromUtf8(value);
            hasVersion = true;
            return afterValue(true);
        case Slot::GroupKey:
            webhook.groupKey = fromUtf8(value);
            return afterValue(true);
        case Slot::Status:
            webhook.status = fromUtf8(value);
            return afterValue(true);
        case Slot::Receiver:
            webhook.receiver = fromUtf8(value);
            return afterValue(true);
        case Slot::ExternalUrl:
            webhook.externalUrl = fromUtf8(value);
            return afterValue(true);
        case Slot::TruncatedAlerts: // not an integer: the DOM parser ignores it too
            return afterValue(true);
        case Slot::GroupLabels:
        case Slot::CommonLabels:
        case Slot::CommonAnnotations:
        case Slot::AlertLabels:
        case Slot::AlertAnnotations:
            if (!m_labels || m_labelName.isNull())
                return false; // a string where an object belongs
            m_labels->insert(m_labelName, fromUtf8(value));
            m_labelName = QString();
            if (m_slot == Slot::AlertLabels)
                m_rawLabels.add(m_rawName, value);
            return true;
        case Slot::AlertStartsAt:
        case Slot::AlertEndsAt: {
            bool ok = false;
            const QDateTime t = m_times.parse(value, &ok);
            if (!ok)
                return false;
            (m_slot == Slot::AlertStartsAt ? m_current.alert.startsAt : m_current.alert.endsAt) = t;
            if (m_slot == Slot::AlertStartsAt)
                m_current.hasStartsAt = true;
            return afterValue(true);
        }
        case Slot::AlertGeneratorUrl:
            m_current.alert.generatorUrl = fromUtf8(value);
            return afterValue(true);
        case Slot::AlertFingerprint:
            m_current.alert.fingerprint = fromUtf8(value);
            return afterValue(true);
        case Slot::AlertStatus: {
            const std::optional<Alert::Status> status = statusNamed(value);
            if (!status)
                return false;
            m_current.alert.status = *status;
            m_current.hasStatus = true;
            return afterValue(true);
        }
        case Slot::Alerts:
            return false;
        }
        return false;
    }

    bool start_object(std::size_t) override
    {
        if (m_skip) {
            ++m_skip;
            return true;
        }
        if (m_labels)
            return false; // a label value must be a string
        ++m_depth;
        if (m_depth == 1)
            return true; // the payload itself
        switch (m_slot) {
        case Slot::GroupLabels:
            return openLabels(&webhook.groupLabels);
        case Slot::CommonLabels:
            return openLabels(&webhook.commonLabels);
        case Slot::CommonAnnotations:
            return openLabels(&webhook.commonAnnotations);
        case Slot::AlertLabels:
            m_current.hasLabels = true;
            return openLabels(&m_current.alert.labels);
        case Slot::AlertAnnotations:
            return openLabels(&m_current.alert.annotations);
        case Slot::Alerts:
            if (!m_inAlerts)
                return false; // "alerts": {} is not an array
            m_current = AlertFields();
            m_rawLabels.clear();
            m_inAlert = true;
            return true;
        case Slot::None:
        case Slot::TruncatedAlerts:
            --m_depth;
            m_skip = 1;
            return true;
        default:
            return false; // an object where a string belongs
        }
    }

    bool key(string_t& name) override
    {
        if (m_skip)
            return true;
        if (m_labels) {
            if (!m_labelName.isNull())
                return false;
            m_labelName = names().intern(name);
            if (m_slot == Slot::AlertLabels)
                m_rawName.assign(name);
            return true;
        }
        if (m_inAlert) {
            m_slot = name == "labels"         ? Slot::AlertLabels
                     : name == "annotations"  ? Slot::AlertAnnotations
                     : name == "startsAt"     ? Slot::AlertStartsAt
                     : name == "endsAt"       ? Slot::AlertEndsAt
                     : name == "generatorURL" ? Slot::AlertGeneratorUrl
                     : name == "fingerprint"  ? Slot::AlertFingerprint
                     : name == "status"       ? Slot::AlertStatus
                                              : Slot::None;
            // A repeated key replaces the earlier value, as in the DOM.
            if (m_slot == Slot::AlertLabels) {
                m_current.alert.labels.clear();
                m_rawLabels.clear();
            }
            else if (m_slot == Slot::AlertAnnotations)
                m_current.alert.annotations.clear();
            else if (m_slot == Slot::AlertEndsAt)
                m_current.alert.endsAt = QDateTime();
            else if (m_slot == Slot::AlertGeneratorUrl)
                m_current.alert.generatorUrl = QString();
            else if (m_slot == Slot::AlertFingerprint)
                m_current.alert.fingerprint = QString();
            return true;
        }
        if (m_depth != 1)
            return false;
        m_slot = name == "version"             ? Slot::Version
                 : name == "groupKey"          ? Slot::GroupKey
                 : name == "status"            ? Slot::Status
                 : name == "receiver"          ? Slot::Receiver
                 : name == "externalURL"       ? Slot::ExternalUrl
                 : name == "truncatedAlerts"   ? Slot::TruncatedAlerts
                 : name == "groupLabels"       ? Slot::GroupLabels
                 : name == "commonLabels"      ? Slot::CommonLabels
                 : name == "commonAnnotations" ? Slot::CommonAnnotations
                 : name == "alerts"            ? Slot::Alerts
                                               : Slot::None;
        if (m_slot == Slot::GroupLabels)
            webhook.groupLabels.clear();
        else if (m_slot == Slot::CommonLabels)
            webhook.commonLabels.clear();
        else if (m_slot == Slot::CommonAnnotations)
            webhook.commonAnnotations.clear();
        else if (m_slot == Slot::Alerts)
            webhook.alerts.clear();
        else if (m_slot == Slot::GroupKey)
            webhook.groupKey = QString();
        else if (m_slot == Slot::Status)
            webhook.status = QString();
        else if (m_slot == Slot::Receiver)
            webhook.receiver = QString();
        else if (m_slot == Slot::ExternalUrl)
            webhook.externalUrl = QString();
        else if (m_slot == Slot::TruncatedAlerts)
            webhook.truncatedAlerts = 0;
        return true;
    }

    bool end_object() override
    {
        if (m_skip) {
            if (--m_skip == 0)
                return afterValue(true);
            return true;
        }
        --m_depth;
        if (m_labels) {
            m_labels = nullptr;
            return afterValue(m_labelName.isNull());
        }
        if (m_inAlert) {
            m_inAlert = false;
            if (!m_current.hasLabels || m_current.alert.labels.isEmpty() || !m_current.hasStartsAt ||
                !m_current.hasStatus)
                return false;
            if (m_current.alert.fingerprint.isEmpty())
                m_current.alert.fingerprint = m_rawLabels.fingerprint();
            if (m_current.alert.fingerprint.isEmpty())
                m_current.alert.fingerprint = Alert::fingerprintOf(m_current.alert.labels);
            webhook.alerts.append(std::move(m_current.alert));
            m_slot = Slot::Alerts;
            return true;
        }
        return m_depth == 0;
    }

    bool start_array(std::size_t) override
    {
        if (m_skip) {
            ++m_skip;
            return true;
        }
        if (m_slot == Slot::Alerts && m_depth == 1 && !m_inAlerts) {
            m_inAlerts = true;
            hasAlerts = true;
            return true;
        }
        if (m_slot == Slot::None || m_slot == Slot::TruncatedAlerts) {
            m_skip = 1;
            return true;
        }
        return false; // an array where an object or a string belongs
    }

    bool end_array() override
    {
        if (m_skip) {
            if (--m_skip == 0)
                return afterValue(true);
            return true;
        }
        if (!m_inAlerts || m_inAlert)
            return false;
        m_inAlerts = false;
        m_slot = Slot::None;
        return true;
    }

    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

private:
    bool openLabels(LabelSet* target)
    {
        m_labels = target;
        m_labelName = QString();
        return true;
    }
    bool scalarNotString()
    {
        if (m_skip)
            return true;
        // Numbers and booleans are fine only where nothing is read (or truncatedAlerts).
        if (m_slot == Slot::None || m_slot == Slot::TruncatedAlerts)
            return afterValue(true);
        return false;
    }
    // A member's value is done: the next key decides the slot again.
    bool afterValue(bool ok)
    {
        if (m_inAlert)
            m_slot = Slot::None;
        else if (m_depth == 1 && !m_inAlerts)
            m_slot = Slot::None;
        return ok;
    }

    Slot m_slot = Slot::None;
    int m_depth = 0; // object nesting outside skipped values
    int m_skip = 0;  // > 0 while inside a value nobody reads
    bool m_inAlerts = false;
    bool m_inAlert = false;
    LabelSet* m_labels = nullptr; // the label set being filled
    QString m_labelName;          // its pending name; null between members
    AlertFields m_current;
    LastTime m_times;
    RawLabels m_rawLabels; // the alert's labels as read, for its fingerprint
    std::string m_rawName; // the pending label name as read
};

// The whole payload through one SAX pass.
// FastJsonSax first, nlohmann when that cannot vouch for the text: both give the handler the same events, so the
// handler (a fresh one for the second try) ends up the same either way.
template <typename... HandlerArgs> bool saxParse(QByteArrayView text, Handler* handler, HandlerArgs... args)
{
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (FastJsonSax::parse(begin, end, handler))
        return true;
    const qsizetype reserved = handler->webhook.alerts.capacity();
    *handler = Handler(args...);
    handler->webhook.alerts.reserve(reserved);
    return json::sax_parse(begin, end, handler, nlohmann::detail::input_format_t::json, true);
}

std::optional<AlertmanagerWebhook> readWhole(const QByteArray& body, qsizetype expectedAlerts = 0)
{
    Handler handler;
    handler.webhook.alerts.reserve(expectedAlerts); // one allocation instead of a copy at every doubling
    if (!saxParse(body, &handler))
        return std::nullopt;
    if (!handler.hasVersion || !handler.hasAlerts)
        return std::nullopt;
    return std::move(handler.webhook);
}

std::optional<Alert> readOneAlert(QByteArrayView object)
{
    Handler handler{Handler::OneAlert{}};
    if (!saxParse(object, &handler, Handler::OneAlert{}) || handler.webhook.alerts.size() != 1)
        return std::nullopt;
    return std::move(handler.webhook.alerts.front());
}

AlertObjectCache& recentAlerts()
{
    thread_local AlertObjectCache cache;
    return cache;
}

// The same firing objects by identity (AlertStateSpans): what their resolve is read from.
AlertObjectCache& recentIdentities()
{
    thread_local AlertObjectCache cache;
    return cache;
}

// The alert read from an object of the same identity, with this object's status and endsAt: exactly what
// reading this object would give, since every other byte is the same. nullopt when either value would not
// read (the full parse then words the error).
std::optional<Alert> restated(const Alert& sameIdentity, const AlertStateSpans& state)
{
    const std::optional<Alert::Status> status =
        statusNamed(std::string_view(state.status.data(), size_t(state.status.size())));
    if (!status)
        return std::nullopt;
    bool ok = false;
    const QDateTime endsAt =
        TimeParse::parseAlertTime(std::string_view(state.endsAt.data(), size_t(state.endsAt.size())), &ok);
    if (!ok)
        return std::nullopt;
    Alert alert = sameIdentity;
    alert.status = *status;
    alert.endsAt = endsAt;
    return alert;
}

// The envelope (everything but the alerts) through SAX, then each alert object from the cache when its
// exact bytes were read before, or from its identity's when only its state changed (a resolve), else through
// SAX on its own and remembered.
std::optional<AlertmanagerWebhook> readBySpans(const WebhookAlertSpans& spans)
{
    std::optional<AlertmanagerWebhook> w = readWhole(spans.envelope);
    if (!w || !w->alerts.isEmpty())
        return std::nullopt;
    AlertObjectCache& cache = recentAlerts();
    AlertObjectCache& identities = recentIdentities();
    w->alerts.reserve(spans.elements.size());
    for (const QByteArrayView object : spans.elements) {
        if (const Alert* known = cache.find(object)) {
            w->alerts.append(*known);
            continue;
        }
        const std::optional<AlertStateSpans> state = AlertStateSpans::scan(object);
        if (state) {
            if (const Alert* firing = identities.find(state->identity)) {
                if (std::optional<Alert> resolve = restated(*firing, *state)) {
                    w->alerts.append(std::move(*resolve));
                    continue;
                }
            }
        }
        std::optional<Alert> alert = readOneAlert(object);
        if (!alert)
            return std::nullopt;
        // A resolved object is sent once or twice and then dropped from its group (and its endsAt is new each
        // time it resolves): remembering its bytes would only push out the firing objects that do repeat. It is
        // read from its firing object's identity instead.
        if (alert->isFiring()) {
            cache.insert(object, *alert);
            if (state)
                identities.insert(state->identity, *alert);
        }
        w->alerts.append(std::move(*alert));
    }
    return w;
}

// A body of at least this many alerts is read in two parts at once (readInParts). Below it the second thread's start
// and the parts' copies are not worth it, and a delivery that small is stored in one step anyway.
constexpr qsizetype kTwoPartsFrom = 20'000;

// The alert objects elements[from, to) read on their own, as the whole body's reader reads them: their bytes, with
// the commas and whitespace between them, wrapped in an envelope of their own.
std::optional<QVector<Alert>> readAlertsOf(const QVector<QByteArrayView>& elements, qsizetype from, qsizetype to,
                                           qsizetype capacity)
{
    const char* begin = elements.at(from).data();
    const char* end = elements.at(to - 1).data() + elements.at(to - 1).size();
    QByteArray text;
    text.reserve(qsizetype(end - begin) + 32);
    text.append(R"({"version":"4","alerts":[)").append(begin, qsizetype(end - begin)).append("]}");
    std::optional<AlertmanagerWebhook> part = readWhole(text, qMax(capacity, to - from));
    if (!part || part->alerts.size() != to - from)
        return std::nullopt;
    return std::move(part->alerts);
}

// One big body (a 100,000-alert delivery) read by two threads, each half its alerts: the parse is a third of the time
// its sender waits for our answer, and its storing cannot start before the whole body has proved well-formed (see
// Pipeline::storeWaiting), so the pipeline's thread has nothing to do meanwhile but the small deliveries. The same
// alerts in the same order as one pass over the body: an alert object reads the same wherever it stands.
std::optional<AlertmanagerWebhook> readInParts(const WebhookAlertSpans& spans)
{
    std::optional<AlertmanagerWebhook> w = readWhole(spans.envelope);
    if (!w || !w->alerts.isEmpty())
        return std::nullopt;
    const qsizetype count = spans.elements.size();
    const qsizetype half = count / 2;
    std::optional<QVector<Alert>> second;
    const auto readSecond = [&] {
        try {
            second = readAlertsOf(spans.elements, half, count, 0);
        } catch (...) { // out of memory: the caller's full parse words the refusal
            second.reset();
        }
    };
    // A thread of its own, started per body: no pool's queue to wait in behind the small deliveries' parses. It takes
    // this worker's name and priority (Linux threads inherit both). None to be had: both halves here, one by one.
    // Joined however this returns (jthread), before `second` goes.
    std::jthread other;
    try {
        other = std::jthread(readSecond);
    } catch (const std::system_error&) {
        readSecond();
    }
    // Room for the second's alerts: appended without a copy.
    std::optional<QVector<Alert>> first = readAlertsOf(spans.elements, 0, half, count);
    if (other.joinable())
        other.join();
    if (!first || !second)
        return std::nullopt;
    w->alerts = std::move(*first);
    for (Alert& a : *second)
        w->alerts.append(std::move(a));
    return w;
}

// What every path's result must be to be taken: a v4 payload of a known status, stamped with its delivery.
std::optional<AlertmanagerWebhook> stamped(std::optional<AlertmanagerWebhook> w, const QDateTime& receivedAt,
                                           const QString& source)
{
    if (!w || w->version != u"4")
        return std::nullopt;
    if (!w->status.isEmpty() && w->status != u"firing" && w->status != u"resolved")
        return std::nullopt;
    for (Alert& a : w->alerts) {
        a.receivedAt = receivedAt;
        a.source = source;
    }
    return w;
}

} // namespace

namespace AlertmanagerWebhookSax {

std::optional<AlertmanagerWebhook> read(const QByteArray& body, const QDateTime& receivedAt, const QString& source)
{
    // nlohmann's lexer ends the input at a NUL byte, so "{...}\0garbage" would read as one document; JSON text never
    // holds a NUL, and the DOM reader (IngestJson::parseDocument) refuses it, so the fast path must not accept it.
    if (body.contains('\0'))
        return std::nullopt;
    const std::optional<WebhookAlertSpans> spans = WebhookAlertSpans::scan(body);
    // A body of more alerts than the cache holds (one 100,000-alert delivery) is read in one pass, remembering
    // nothing: it would only push out what the cache holds, one by one, and none of its own would stay to be found
    // when it is sent again in the same order; one parser over the whole body also costs less than one per object.
    const bool whole = !spans || spans->elements.size() > recentAlerts().capacity();
    const bool inParts = spans && spans->elements.size() >= kTwoPartsFrom;
    return stamped(inParts ? readInParts(*spans)
                   : whole ? readWhole(body, spans ? spans->elements.size() : 0)
                           : readBySpans(*spans),
                   receivedAt, source);
}

std::optional<AlertmanagerWebhook> readInTwoParts(const QByteArray& body, const QDateTime& receivedAt,
                                                  const QString& source)
{
    if (body.contains('\0'))
        return std::nullopt;
    const std::optional<WebhookAlertSpans> spans = WebhookAlertSpans::scan(body);
    if (!spans || spans->elements.size() < 2)
        return std::nullopt;
    return stamped(readInParts(*spans), receivedAt, source);
}

} // namespace AlertmanagerWebhookSax
