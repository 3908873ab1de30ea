#include "pastincident.h"

#include "graph/servicegraph.h"
#include "store/store.h"
#include "viewsnapshotjson.h"

using namespace Qt::StringLiterals;

std::optional<ReviewedIncident> ReviewedIncident::load(const Store& store, qint64 incidentId, QString* error)
{
    std::optional<Incident> incident = store.loadIncident(incidentId);
    if (!incident) {
        if (error)
            *error = store.lastError().isEmpty() ? u"no incident with id %1"_s.arg(incidentId) : store.lastError();
        return std::nullopt;
    }
    ReviewedIncident p;
    p.incident = std::move(*incident);
    p.notifications = store.incidentNotifications(incidentId);
    p.actions = store.actions(incidentId);
    p.runs = store.runbookRuns(incidentId);
    p.resolution = store.resolution(incidentId);

    const QDateTime from = p.incident.firstAlertAt.isValid() ? p.incident.firstAlertAt.addSecs(-2 * 3600) : QDateTime();
    QDateTime to = p.incident.resolvedAt.isValid() ? p.incident.resolvedAt : p.incident.lastAlertAt;
    for (const ChangeEvent& c : store.loadChanges(from)) {
        if (!to.isValid() || c.at <= to)
            p.changes << c;
    }

    const QHash<QString, QByteArray> snapshots = store.viewSnapshots(incidentId);
    QStringList problems;
    if (const auto g = snapshots.constFind(ViewSnapshotJson::GraphKind); g != snapshots.cend()) {
        QString why;
        p.graph = ViewSnapshotJson::graphFrom(*g, &why);
        if (!p.graph)
            problems << u"graph snapshot: "_s + why;
    }
    if (const auto m = snapshots.constFind(ViewSnapshotJson::MetricsKind); m != snapshots.cend()) {
        QString why;
        p.metrics = ViewSnapshotJson::metricsFrom(*m, &why);
        if (!p.metrics)
            problems << u"metrics snapshot: "_s + why;
        else
            p.metrics->incidentKey = p.incident.key; // the charts accept results of the incident they show
    }
    if (p.graph) {
        for (Alert& a : store.neighbourNotifications(incidentId))
            if (p.graph->contains(a.service()))
                p.neighbourNotifications.append(std::move(a));
    }
    p.snapshotProblem = problems.join(u"; "_s);
    return p;
}
