#include "viewsnapshotjson.h"

#include "graph/servicegraph.h"
#include "metrics/decimate.h"

#include <QSet>

#include <nlohmann/json.hpp>

#include <cmath>

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace {

constexpr int WholeGraphLimit = 60; // GraphView::WholeGraphLimit: what the view draws whole, kept whole

std::string utf8(const QString& s)
{
    return s.toStdString();
}

QString str(const json& j, const char* key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

const char* kindName(IncidentMetricsResult::Kind k)
{
    switch (k) {
    case IncidentMetricsResult::Kind::Saturation:
        return "saturation";
    case IncidentMetricsResult::Kind::Errors:
        return "errors";
    case IncidentMetricsResult::Kind::Latency:
        return "latency";
    }
    return "saturation";
}

IncidentMetricsResult::Kind kindFrom(const QString& s)
{
    return s == u"errors"    ? IncidentMetricsResult::Kind::Errors
           : s == u"latency" ? IncidentMetricsResult::Kind::Latency
                             : IncidentMetricsResult::Kind::Saturation;
}

json stringArray(const QStringList& list)
{
    json a = json::array();
    for (const QString& s : list)
        a.push_back(utf8(s));
    return a;
}

QStringList stringsOf(const json& j, const char* key)
{
    QStringList out;
    const auto it = j.find(key);
    if (it == j.end() || !it->is_array())
        return out;
    for (const json& v : *it)
        if (v.is_string())
            out << QString::fromStdString(v.get<std::string>());
    return out;
}

} // namespace

namespace ViewSnapshotJson {

QByteArray graphNeighbourhood(const ServiceGraph& graph, const Incident& incident)
{
    QSet<QString> shown;
    if (graph.nodeCount() <= WholeGraphLimit) {
        for (const ServiceGraph::Node& n : graph.nodes())
            shown.insert(n.id);
    } else {
        QSet<QString> core;
        for (const TrackedAlert& t : incident.alerts)
            core.insert(t.service());
        for (int i = 0; i < qMin<qsizetype>(3, incident.rootCauses.size()); ++i)
            core.insert(incident.rootCauses.at(i).service);
        core.remove(QString());
        for (const QString& s : std::as_const(core)) {
            if (!graph.contains(s))
                continue;
            shown.insert(s);
            for (const QString& n : graph.callers(s))
                shown.insert(n);
            for (const QString& n : graph.callees(s))
                shown.insert(n);
        }
    }
    QStringList ids(shown.cbegin(), shown.cend());
    ids.sort(); // the same neighbourhood always gives the same bytes
    json nodes = json::array();
    json edges = json::array();
    for (const QString& id : std::as_const(ids)) {
        json node = {{"id", utf8(id)}};
        if (const QString kind = graph.kind(id); !kind.isEmpty())
            node["kind"] = utf8(kind);
        nodes.push_back(std::move(node));
        QStringList callees = graph.callees(id);
        callees.sort();
        for (const QString& to : std::as_const(callees))
            if (shown.contains(to))
                edges.push_back({{"from", utf8(id)}, {"to", utf8(to)}});
    }
    const json doc = {{"nodes", std::move(nodes)}, {"edges", std::move(edges)}};
    return QByteArray::fromStdString(doc.dump());
}

std::shared_ptr<const ServiceGraph> graphFrom(const QByteArray& bytes, QString* error)
{
    const json doc = json::parse(bytes.cbegin(), bytes.cend(), nullptr, false);
    if (doc.is_discarded()) {
        if (error)
            *error = u"graph snapshot is not valid JSON"_s;
        return nullptr;
    }
    std::optional<ServiceGraph> graph = ServiceGraph::fromJson(doc, error);
    if (!graph)
        return nullptr;
    return std::make_shared<const ServiceGraph>(std::move(*graph));
}

QByteArray metrics(const IncidentMetricsResult& result, int maxColumns)
{
    const qint64 from = result.start.isValid() ? result.start.toMSecsSinceEpoch() : 0;
    const qint64 to = result.end.isValid() ? result.end.toMSecsSinceEpoch() : 0;
    json series = json::array();
    for (const IncidentMetricsResult::Series& s : result.series) {
        const QVector<MetricSample> kept =
            to > from ? Decimate::minMax(s.points, from, to, maxColumns) : s.points.mid(0, 2 * maxColumns);
        json points = json::array();
        for (const MetricSample& p : kept)
            if (std::isfinite(p.value))
                points.push_back(json::array({p.msecs, p.value}));
        json one = {{"service", utf8(s.service)}, {"template", utf8(s.templateId)}, {"noun", utf8(s.noun)},
                    {"kind", kindName(s.kind)},   {"query", utf8(s.query)},         {"server", utf8(s.server)},
                    {"points", std::move(points)}};
        if (s.hasOnset)
            one["onset"] = s.onsetMsecs;
        series.push_back(std::move(one));
    }
    json evidence = json::array();
    for (const IncidentMetricsResult::RootEvidence& e : result.evidence)
        evidence.push_back({{"service", utf8(e.service)},
                            {"noun", utf8(e.noun)},
                            {"evidence", stringArray(e.evidence)},
                            {"against", stringArray(e.against)},
                            {"strength", e.strength}});
    const json doc = {{"incident", utf8(result.incidentKey)},
                      {"start", from},
                      {"end", to},
                      {"step", result.stepSeconds},
                      {"series", std::move(series)},
                      {"evidence", std::move(evidence)}};
    return QByteArray::fromStdString(doc.dump());
}

std::optional<IncidentMetricsResult> metricsFrom(const QByteArray& bytes, QString* error)
{
    const json doc = json::parse(bytes.cbegin(), bytes.cend(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("series") || !doc["series"].is_array()) {
        if (error)
            *error = u"metrics snapshot is not a metrics document"_s;
        return std::nullopt;
    }
    IncidentMetricsResult r;
    r.incidentKey = str(doc, "incident");
    r.start = QDateTime::fromMSecsSinceEpoch(doc.value("start", qint64(0)), Qt::UTC);
    r.end = QDateTime::fromMSecsSinceEpoch(doc.value("end", qint64(0)), Qt::UTC);
    r.stepSeconds = doc.value("step", 0);
    for (const json& s : doc["series"]) {
        if (!s.is_object())
            continue;
        IncidentMetricsResult::Series one;
        one.service = str(s, "service");
        one.templateId = str(s, "template");
        one.noun = str(s, "noun");
        one.kind = kindFrom(str(s, "kind"));
        one.query = str(s, "query");
        one.server = str(s, "server");
        if (const auto p = s.find("points"); p != s.end() && p->is_array()) {
            for (const json& pt : *p)
                if (pt.is_array() && pt.size() == 2 && pt[0].is_number() && pt[1].is_number())
                    one.points.append({pt[0].get<qint64>(), pt[1].get<double>()});
        }
        if (const auto o = s.find("onset"); o != s.end() && o->is_number()) {
            one.hasOnset = true;
            one.onsetMsecs = o->get<qint64>();
        }
        r.series.append(std::move(one));
    }
    if (const auto ev = doc.find("evidence"); ev != doc.end() && ev->is_array()) {
        for (const json& e : *ev) {
            if (!e.is_object())
                continue;
            IncidentMetricsResult::RootEvidence re;
            re.service = str(e, "service");
            re.noun = str(e, "noun");
            re.evidence = stringsOf(e, "evidence");
            re.against = stringsOf(e, "against");
            re.strength = e.value("strength", 0.0);
            r.evidence.append(std::move(re));
        }
    }
    r.finishedAt = r.end;
    return r;
}

} // namespace ViewSnapshotJson
