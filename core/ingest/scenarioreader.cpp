#include "scenarioreader.h"

#include "ingestjson.h"

#include <QFile>

using namespace Qt::StringLiterals;
using nlohmann::json;

std::optional<Scenario> ScenarioReader::read(const QByteArray& content, QString* error, const QString& source)
{
    auto fail = [error](const QString& message) -> std::optional<Scenario> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    json doc;
    if (!IngestJson::parseDocument(content, &doc, error))
        return std::nullopt;
    if (!doc.is_object())
        return fail(u"scenario must be a JSON object"_s);

    Scenario s;
    if (!IngestJson::readString(doc, "name", QString(), false, &s.name, error))
        return std::nullopt;

    if (const auto t = doc.find("topology"); t != doc.end() && !t->is_null()) {
        if (!t->is_object())
            return fail(u"topology must be an object"_s);
        s.topology = *t;
        QString graphError;
        s.graph = ServiceGraph::fromJson(*t, &graphError);
        if (!s.graph)
            return fail(u"topology: "_s + graphError);
    }

    const auto alerts = doc.find("alerts");
    if (alerts == doc.end() || alerts->is_null())
        return fail(u"alerts is required"_s);
    if (!alerts->is_array())
        return fail(u"alerts must be an array"_s);
    const QString src = source.isEmpty() ? u"replay"_s : source;
    s.alerts.reserve(qsizetype(alerts->size()));
    for (size_t i = 0; i < alerts->size(); ++i) {
        const QString path = IngestJson::index(u"alerts"_s, i);
        Alert a;
        if (!IngestJson::readAlert((*alerts)[i], path, IngestJson::StatusPolicy::Required, &a, error) ||
            !IngestJson::readTime((*alerts)[i], "receivedAt", path, false, &a.receivedAt, error))
            return std::nullopt;
        // A recording without delivery times still has an order: fall back to the onset.
        if (!a.receivedAt.isValid())
            a.receivedAt = a.startsAt;
        a.source = src;
        s.alerts.append(std::move(a));
    }

    if (const auto c = doc.find("changes"); c != doc.end() && !c->is_null()) {
        if (!c->is_array())
            return fail(u"changes must be an array"_s);
        for (size_t i = 0; i < c->size(); ++i) {
            ChangeEvent e;
            if (!IngestJson::readChange((*c)[i], IngestJson::index(u"changes"_s, i), &e, error))
                return std::nullopt;
            s.changes.append(std::move(e));
        }
    }

    if (const auto m = doc.find("metrics"); m != doc.end() && !m->is_null()) {
        if (!m->is_object())
            return fail(u"metrics must be an object"_s);
        s.metrics = *m;
    }
    // "truth" is deliberately not looked at.
    return s;
}

std::optional<Scenario> ScenarioReader::readFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = u"cannot open "_s + path + u": "_s + file.errorString();
        return std::nullopt;
    }
    if (file.size() > MaxFileSize) {
        if (error)
            *error = path + u" is larger than 512 MiB"_s;
        return std::nullopt;
    }
    QString inner;
    auto s = read(file.readAll(), &inner, u"replay:"_s + path);
    if (!s && error)
        *error = path + u": "_s + inner;
    return s;
}
