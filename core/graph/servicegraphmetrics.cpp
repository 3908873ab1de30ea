#include "servicegraphmetrics.h"

#include "metrics/prometheusresult.h"

#include <QHash>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {
struct Labels
{
    QString caller;
    QString callee;
};

Labels labelsOf(ServiceGraphMetrics::Family family)
{
    if (family == ServiceGraphMetrics::Family::Istio)
        return {u"source_workload"_s, u"destination_workload"_s};
    return {u"client"_s, u"server"_s};
}

// Tempo names the kind of the server side of a span pair; "virtual_node" says nothing about what it is.
QString kindOf(const QString& connectionType)
{
    if (connectionType == u"database")
        return u"database"_s;
    if (connectionType == u"messaging_system")
        return u"queue"_s;
    return {};
}

bool nameless(const QString& name)
{
    return name.isEmpty() || name.compare(u"unknown"_s, Qt::CaseInsensitive) == 0;
}
} // namespace

QString ServiceGraphMetrics::metricName(Family family)
{
    return family == Family::Istio ? u"istio_requests_total"_s : u"traces_service_graph_request_total"_s;
}

QString ServiceGraphMetrics::duration(int seconds)
{
    seconds = qMax(1, seconds);
    if (seconds % 3600 == 0)
        return QString::number(seconds / 3600) + u'h';
    if (seconds % 60 == 0)
        return QString::number(seconds / 60) + u'm';
    return QString::number(seconds) + u's';
}

QString ServiceGraphMetrics::query(Family family, int windowSeconds)
{
    const Labels l = labelsOf(family);
    // connection_type rides along for Tempo: it tells a database or a queue from a service.
    const QString by = family == Family::TempoServiceGraph ? u"%1, %2, connection_type"_s.arg(l.caller, l.callee)
                                                           : u"%1, %2"_s.arg(l.caller, l.callee);
    return u"sum by (%1) (increase(%2[%3])) > 0"_s.arg(by, metricName(family), duration(windowSeconds));
}

bool ServiceGraphMetrics::edges(Family family, const PrometheusResult& answer, QVector<DiscoveredEdge>* out,
                                int* skipped, QString* error)
{
    if (!answer.ok()) {
        *error = answer.error;
        return false;
    }
    if (answer.resultType != u"vector") {
        *error = u"%1: expected an instant vector, got '%2'"_s.arg(metricName(family), answer.resultType);
        return false;
    }
    const Labels l = labelsOf(family);
    QHash<std::pair<QString, QString>, qsizetype> seen; // pair -> its place in *out
    for (const MetricSeries& s : answer.series) {
        const QString from = s.labels.value(l.caller).trimmed();
        const QString to = s.labels.value(l.callee).trimmed();
        const QString connection = s.labels.value(u"connection_type"_s);
        const bool userStandIn = family == Family::TempoServiceGraph && connection == u"virtual_node" && from == u"user";
        if (nameless(from) || nameless(to) || userStandIn || from == to) {
            ++*skipped;
            continue;
        }
        const double requests = s.points.isEmpty() ? 0.0 : s.points.constFirst().value;
        if (std::isnan(requests) || requests <= 0.0)
            continue; // "> 0" already drops these; a proxy that rewrites the query must not add silent edges
        // One pair can come in several series (connection_type differs between agents): one edge, counts added.
        if (const auto it = seen.constFind({from, to}); it != seen.cend()) {
            DiscoveredEdge& e = (*out)[*it];
            e.requests += requests;
            if (e.calleeKind.isEmpty())
                e.calleeKind = kindOf(connection);
            continue;
        }
        seen.insert({from, to}, out->size());
        out->append({from, to, kindOf(connection), metricName(family), requests});
    }
    return true;
}
