#include "ingestjson.h"

#include "timeparse.h"

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace IngestJson {

QString field(const QString& parent, const char* name)
{
    const QString n = QString::fromUtf8(name);
    return parent.isEmpty() ? n : parent + u'.' + n;
}

QString index(const QString& parent, size_t i)
{
    return parent + u'[' + QString::number(i) + u']';
}

QString toQString(const json& v)
{
    const auto& s = v.get_ref<const std::string&>();
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

namespace {

// Returns the member or nullptr; reports "required" when asked.
const json* member(const json& obj, const char* name, const QString& path, bool required, QString* error)
{
    const auto it = obj.find(name);
    if (it == obj.end() || it->is_null()) {
        if (required && error)
            *error = field(path, name) + u" is required"_s;
        return nullptr;
    }
    return &*it;
}

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

bool readString(const json& obj, const char* name, const QString& path, bool required, QString* out, QString* error)
{
    const json* v = member(obj, name, path, required, error);
    if (!v)
        return !required;
    if (!v->is_string())
        return fail(error, field(path, name) + u" must be a string"_s);
    *out = toQString(*v);
    return true;
}

bool readLabelSet(const json& obj, const char* name, const QString& path, bool required, LabelSet* out, QString* error)
{
    out->clear();
    const json* v = member(obj, name, path, required, error);
    if (!v)
        return !required;
    const QString p = field(path, name);
    if (!v->is_object())
        return fail(error, p + u" must be an object"_s);
    for (auto it = v->begin(); it != v->end(); ++it) {
        const QString key = QString::fromUtf8(it.key().data(), qsizetype(it.key().size()));
        if (!it.value().is_string())
            return fail(error, p + u'.' + key + u" must be a string"_s);
        out->insert(key, toQString(it.value()));
    }
    return true;
}

bool readTime(const json& obj, const char* name, const QString& path, bool required, QDateTime* out, QString* error)
{
    *out = QDateTime();
    const json* v = member(obj, name, path, required, error);
    if (!v)
        return !required;
    if (!v->is_string())
        return fail(error, field(path, name) + u" must be an RFC 3339 string"_s);
    bool ok = false;
    *out = TimeParse::parseAlertTime(v->get_ref<const std::string&>(), &ok);
    if (!ok)
        return fail(error, field(path, name) + u" is not an RFC 3339 timestamp"_s);
    return true;
}

bool readStringList(const json& obj, const char* name, const QString& path, QStringList* out, QString* error)
{
    out->clear();
    const json* v = member(obj, name, path, false, error);
    if (!v)
        return true;
    const QString p = field(path, name);
    if (!v->is_array())
        return fail(error, p + u" must be an array"_s);
    for (size_t i = 0; i < v->size(); ++i) {
        if (!(*v)[i].is_string())
            return fail(error, index(p, i) + u" must be a string"_s);
        out->append(toQString((*v)[i]));
    }
    return true;
}

bool readAlert(const json& obj, const QString& path, StatusPolicy policy, Alert* out, QString* error)
{
    if (!obj.is_object())
        return fail(error, path + u" must be an object"_s);
    Alert a;
    if (!readLabelSet(obj, "labels", path, true, &a.labels, error) ||
        !readLabelSet(obj, "annotations", path, false, &a.annotations, error) ||
        !readTime(obj, "startsAt", path, true, &a.startsAt, error) ||
        !readTime(obj, "endsAt", path, false, &a.endsAt, error) ||
        !readString(obj, "generatorURL", path, false, &a.generatorUrl, error) ||
        !readString(obj, "fingerprint", path, false, &a.fingerprint, error))
        return false;
    if (a.labels.isEmpty())
        return fail(error, field(path, "labels") + u" must not be empty"_s);
    if (policy == StatusPolicy::Required) {
        QString status;
        if (!readString(obj, "status", path, true, &status, error))
            return false;
        if (status == u"firing")
            a.status = Alert::Status::Firing;
        else if (status == u"resolved")
            a.status = Alert::Status::Resolved;
        else
            return fail(error, field(path, "status") + u" must be \"firing\" or \"resolved\""_s);
    } else {
        a.status = Alert::Status::Firing;
    }
    if (a.fingerprint.isEmpty())
        a.fingerprint = Alert::fingerprintOf(a.labels);
    *out = std::move(a);
    return true;
}

bool readChange(const json& obj, const QString& path, ChangeEvent* out, QString* error)
{
    if (!obj.is_object())
        return fail(error, (path.isEmpty() ? u"change"_s : path) + u" must be an object"_s);
    ChangeEvent c;
    if (!readString(obj, "service", path, true, &c.service, error) ||
        !readString(obj, "kind", path, true, &c.kind, error) || !readTime(obj, "at", path, true, &c.at, error) ||
        !readString(obj, "description", path, false, &c.description, error) ||
        !readString(obj, "link", path, false, &c.link, error))
        return false;
    if (c.service.isEmpty())
        return fail(error, field(path, "service") + u" must not be empty"_s);
    if (!c.at.isValid())
        return fail(error, field(path, "at") + u" must be a real time"_s);
    *out = std::move(c);
    return true;
}

bool readChanges(const json& doc, QVector<ChangeEvent>* out, QString* error)
{
    const json* list = &doc;
    if (doc.is_object() && doc.contains("changes"))
        list = &doc["changes"];
    QVector<ChangeEvent> changes;
    if (list->is_array()) {
        changes.reserve(qsizetype(list->size()));
        for (size_t i = 0; i < list->size(); ++i) {
            ChangeEvent c;
            if (!readChange((*list)[i], index(u"changes"_s, i), &c, error))
                return false;
            changes.append(std::move(c));
        }
    } else {
        ChangeEvent c;
        if (!readChange(*list, QString(), &c, error))
            return false;
        changes.append(std::move(c));
    }
    *out = std::move(changes);
    return true;
}

QString parseErrorText(const json::parse_error& e)
{
    // nlohmann says "[json.exception.parse_error.101] parse error at line 3, column 14: syntax error ...";
    // the position and the reason are what a person fixing the file needs.
    const QString what = QString::fromUtf8(e.what());
    const qsizetype at = what.indexOf(u"parse error at "_s);
    return at >= 0 ? what.mid(at + 15) : u"byte %1: %2"_s.arg(e.byte).arg(what);
}

bool parseDocument(const QByteArray& body, json* out, QString* error, const QString& what)
{
    // nlohmann's lexer takes a NUL byte for the end of input, so "{...}\0garbage" would pass as one document;
    // a NUL can never be part of JSON text (inside strings it must be escaped).
    if (body.contains('\0'))
        return fail(error, u"%1 is not valid JSON: it contains a NUL byte"_s.arg(what));
    try {
        *out = json::parse(body.constBegin(), body.constEnd());
    } catch (const json::parse_error& e) {
        return fail(error, u"%1 is not valid JSON (%2)"_s.arg(what, parseErrorText(e)));
    } catch (const json::out_of_range&) {
        // A number no double holds (1e400, 400 digits): nlohmann throws out_of_range 406, not a parse error. Found
        // by fuzz_grafana; uncaught, it ended the receiver.
        return fail(error, u"%1 has a number too large to read"_s.arg(what));
    }
    return true;
}

} // namespace IngestJson
