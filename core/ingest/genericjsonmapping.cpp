#include "genericjsonmapping.h"

#include <yaml-cpp/yaml.h>

#include <QFile>

using namespace Qt::StringLiterals;

namespace {

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

bool readPointer(const YAML::Node& node, const QString& key, GenericJsonMapping::Pointer* out, QString* error)
{
    if (!node.IsScalar())
        return fail(error, key + u": expected a JSON pointer such as \"/labels/service\""_s);
    const std::string text = node.as<std::string>();
    // "" would point at the whole alert object, which is never a label value.
    if (text.empty() || text.front() != '/')
        return fail(error, key + u": \""_s + QString::fromStdString(text) +
                               u"\" is not a JSON pointer (RFC 6901: it starts with '/')"_s);
    try {
        *out = GenericJsonMapping::Pointer(text);
    } catch (const nlohmann::json::exception&) {
        return fail(error, key + u": \""_s + QString::fromStdString(text) +
                               u"\" is not a JSON pointer (RFC 6901: '~' must be followed by 0 or 1)"_s);
    }
    return true;
}

bool readOptional(const YAML::Node& node, const QString& key, std::optional<GenericJsonMapping::Pointer>* out,
                  QString* error)
{
    GenericJsonMapping::Pointer p;
    if (!readPointer(node, key, &p, error))
        return false;
    *out = std::move(p);
    return true;
}

bool readNamedPointers(const YAML::Node& node, const QString& key,
                       QList<std::pair<QString, GenericJsonMapping::Pointer>>* out, QString* error)
{
    if (!node.IsMap())
        return fail(error, key + u": expected a map of name: pointer"_s);
    for (const auto& entry : node) {
        const QString name = QString::fromStdString(entry.first.as<std::string>());
        if (name.isEmpty())
            return fail(error, key + u": a name must not be empty"_s);
        GenericJsonMapping::Pointer p;
        if (!readPointer(entry.second, key + u'.' + name, &p, error))
            return false;
        out->append({name, std::move(p)});
    }
    return true;
}

} // namespace

std::optional<GenericJsonMapping> GenericJsonMapping::fromYaml(const QByteArray& text, QString* error)
{
    GenericJsonMapping m;
    bool haveName = false;
    try {
        const YAML::Node root = YAML::Load(text.toStdString());
        if (!root.IsMap()) {
            fail(error, u"the mapping must be a map of field: JSON pointer"_s);
            return std::nullopt;
        }
        for (const auto& entry : root) {
            const std::string key = entry.first.as<std::string>();
            const QString k = QString::fromStdString(key);
            const YAML::Node& v = entry.second;
            bool ok = true;
            if (key == "alerts")
                ok = readOptional(v, k, &m.alerts, error);
            else if (key == "name")
                ok = haveName = readPointer(v, k, &m.name, error);
            else if (key == "service")
                ok = readOptional(v, k, &m.service, error);
            else if (key == "severity")
                ok = readOptional(v, k, &m.severity, error);
            else if (key == "time")
                ok = readOptional(v, k, &m.time, error);
            else if (key == "endTime")
                ok = readOptional(v, k, &m.endTime, error);
            else if (key == "fingerprint")
                ok = readOptional(v, k, &m.fingerprint, error);
            else if (key == "status")
                ok = readOptional(v, k, &m.status, error);
            else if (key == "url")
                ok = readOptional(v, k, &m.url, error);
            else if (key == "labels")
                ok = readNamedPointers(v, k, &m.labels, error);
            else if (key == "annotations")
                ok = readNamedPointers(v, k, &m.annotations, error);
            else if (key == "resolvedValues") {
                if (!v.IsSequence() || v.size() == 0) {
                    ok = fail(error, u"resolvedValues: expected a non-empty list of status values"_s);
                } else {
                    m.resolvedValues.clear();
                    for (const auto& value : v)
                        m.resolvedValues << QString::fromStdString(value.as<std::string>());
                }
            } else {
                ok = fail(error, u"unknown key \""_s + k +
                                     u"\" (known: alerts, name, service, severity, time, endTime, fingerprint, "
                                     u"status, url, resolvedValues, labels, annotations)"_s);
            }
            if (!ok)
                return std::nullopt;
        }
    } catch (const YAML::Exception& e) {
        fail(error, u"not valid YAML or JSON: "_s + QString::fromStdString(e.what()));
        return std::nullopt;
    }
    if (!haveName) {
        fail(error, u"name is required: the JSON pointer to the alert's name"_s);
        return std::nullopt;
    }
    for (const auto& entry : std::as_const(m.labels)) {
        const QString& label = entry.first;
        if (label == u"alertname" || (label == u"service" && m.service) || (label == u"severity" && m.severity)) {
            fail(error, u"labels."_s + label + u" is already mapped by its own key"_s);
            return std::nullopt;
        }
    }
    return m;
}

std::optional<GenericJsonMapping> GenericJsonMapping::fromFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        fail(error, path + u": "_s + file.errorString());
        return std::nullopt;
    }
    auto m = fromYaml(file.readAll(), error);
    if (!m && error)
        *error = path + u": "_s + *error;
    return m;
}
