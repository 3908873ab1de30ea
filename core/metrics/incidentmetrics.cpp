#include "incidentmetrics.h"

#include "graph/servicegraph.h"
#include "metrics/metricevidence.h"
#include "metrics/onsetdetector.h"
#include "metrics/prometheusclient.h"

#include <QPair>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

struct IncidentMetrics::Job
{
    struct Query
    {
        int serverPos = 0;        // index into Job::servers of the server asked now
        bool okSomewhere = false; // a server answered it without error (possibly with no data)
        QString lastError;
        IncidentMetricsResult::Series series;
    };

    quint64 id = 0;
    Plan plan;
    QString incidentKey;
    QString focusService;
    QList<PrometheusClient*> servers; // the order to ask them in: the healthiest first
    QVector<Query> queries;
    int outstanding = 0;
    bool anyAnswer = false; // some server answered some query (even with an error about the query)
    QString lastError;
};

namespace {

QDateTime firstOnsetOf(const Incident& incident)
{
    if (incident.firstAlertAt.isValid())
        return incident.firstAlertAt;
    QDateTime first;
    for (const TrackedAlert& a : incident.alerts) {
        if (a.firstStartsAt.isValid() && (!first.isValid() || a.firstStartsAt < first))
            first = a.firstStartsAt;
    }
    return first;
}

// Earliest onset per service, so callers are judged in the order the cascade reached them.
QHash<QString, qint64> onsetsByService(const Incident& incident)
{
    QHash<QString, qint64> out;
    for (const TrackedAlert& a : incident.alerts) {
        if (!a.firstStartsAt.isValid())
            continue;
        const qint64 t = a.firstStartsAt.toMSecsSinceEpoch();
        auto it = out.find(a.service());
        if (it == out.end() || t < *it)
            out.insert(a.service(), t);
    }
    return out;
}

int severityOrder(SourceHealth::State state)
{
    switch (state) {
    case SourceHealth::State::Live:
        return 0;
    case SourceHealth::State::Stale:
        return 1;
    case SourceHealth::State::Unreachable:
        return 2;
    }
    return 2;
}

} // namespace

IncidentMetrics::IncidentMetrics(QObject* parent)
    : QObject(parent), m_templates(PromQLTemplate::defaults()), m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
}

IncidentMetrics::~IncidentMetrics()
{
    cancel();
}

void IncidentMetrics::setServers(const QList<QUrl>& urls, const SourceAccess& access)
{
    cancel();
    for (PrometheusClient* client : std::as_const(m_clients)) {
        client->disconnect(this);
        // Later, not now: this may run inside one of the client's own signals.
        client->deleteLater();
    }
    m_clients.clear();
    for (const QUrl& url : urls) {
        auto* client = new PrometheusClient(url, this);
        client->setAccess(access);
        connect(client, &PrometheusClient::finished, this,
                [this, client](quint64 id, const PrometheusResult& r) { onClientFinished(client, id, r); });
        connect(client, &PrometheusClient::healthChanged, this, &IncidentMetrics::serverHealthChanged);
        m_clients.append(client);
    }
}

void IncidentMetrics::setTemplates(const QVector<PromQLTemplate>& templates)
{
    m_templates = templates;
}

void IncidentMetrics::setGraph(std::shared_ptr<const ServiceGraph> graph)
{
    m_graph = std::move(graph);
}

void IncidentMetrics::setClock(std::function<QDateTime()> clock)
{
    m_clock = std::move(clock);
}

QVector<SourceHealth> IncidentMetrics::serverHealth() const
{
    QVector<SourceHealth> out;
    for (const PrometheusClient* client : m_clients)
        out.append(client->health());
    return out;
}

IncidentMetrics::Kind IncidentMetrics::kindOf(const QString& templateId)
{
    if (templateId.startsWith(u"error"_s))
        return Kind::Errors;
    if (templateId.startsWith(u"latency"_s))
        return Kind::Latency;
    return Kind::Saturation;
}

IncidentMetrics::Plan IncidentMetrics::plan(const Incident& incident, const ServiceGraph* graph,
                                            const QVector<PromQLTemplate>& templates, const Options& options,
                                            const QDateTime& now)
{
    Plan p;
    const QDateTime first = firstOnsetOf(incident);
    const QDateTime last = incident.lastAlertAt.isValid() ? incident.lastAlertAt : first;
    if (!first.isValid()) {
        p.end = now;
        p.start = now.addSecs(-options.lookBeforeSeconds);
    } else {
        p.start = first.addSecs(-options.lookBeforeSeconds);
        p.end = last.addSecs(options.afterSeconds);
        if (incident.isOpen() && now.isValid() && now > p.end)
            p.end = now; // still going: show up to now
        if (now.isValid() && now > last && p.end > now)
            p.end = now;                                              // nothing to see in the future
        p.end = qMin(p.end, p.start.addSecs(options.maxSpanSeconds)); // the onsets stay in view, the tail goes
    }
    const int minStep = qMax(1, options.minStepSeconds);
    if (p.end <= p.start)
        p.end = p.start.addSecs(minStep);
    const qint64 span = p.start.secsTo(p.end);
    const qint64 wanted = (span + qMax(1, options.maxPointsPerSeries) - 1) / qMax(1, options.maxPointsPerSeries);
    // Whole multiples of the minimum step, so successive windows sample the same instants.
    p.stepSeconds = int(qMax<qint64>(1, (wanted + minStep - 1) / minStep) * minStep);
    // The baseline is the first half of the time before the first alert: a root that rose shortly before the
    // alerts must not be part of its own baseline.
    if (first.isValid())
        p.baselineEndMsecs =
            p.start.toMSecsSinceEpoch() + (first.toMSecsSinceEpoch() - p.start.toMSecsSinceEpoch()) / 2;

    QSet<QPair<QString, int>> planned;
    const auto add = [&](const QString& service, const std::function<bool(Kind)>& wantKind) {
        for (int i = 0; i < templates.size(); ++i) {
            const Kind kind = kindOf(templates.at(i).id());
            if (!wantKind(kind) || p.queries.size() >= options.maxSeries || planned.contains({service, i}))
                continue;
            planned.insert({service, i});
            p.queries.append({service, i, kind, templates.at(i).render(service)});
        }
    };
    const auto saturation = [](Kind k) { return k == Kind::Saturation; };
    const auto symptoms = [](Kind k) { return k != Kind::Saturation; };

    const QHash<QString, qint64> onsets = onsetsByService(incident);
    const QSet<QString> alerting(incident.affectedServices.cbegin(), incident.affectedServices.cend());
    for (const RootCauseCandidate& candidate : incident.rootCauses) {
        if (p.roots.size() >= options.maxRoots)
            break;
        RootPlan root{candidate.service, {}};
        if (graph && graph->contains(candidate.service)) {
            const QHash<QString, int> upstream = graph->upstreamOf(candidate.service);
            for (auto it = upstream.cbegin(); it != upstream.cend(); ++it) {
                if (alerting.contains(it.key()))
                    root.callers.append(it.key());
            }
            // Nearest first (direct callers feel it first), then in the order their alerts began.
            std::sort(root.callers.begin(), root.callers.end(), [&](const QString& a, const QString& b) {
                const int ha = upstream.value(a), hb = upstream.value(b);
                if (ha != hb)
                    return ha < hb;
                const qint64 oa = onsets.value(a, std::numeric_limits<qint64>::max());
                const qint64 ob = onsets.value(b, std::numeric_limits<qint64>::max());
                return oa != ob ? oa < ob : a < b;
            });
            if (root.callers.size() > options.maxCallersPerRoot)
                root.callers.resize(options.maxCallersPerRoot);
        }
        add(root.service, saturation);
        add(root.service, symptoms);
        for (const QString& caller : std::as_const(root.callers))
            add(caller, symptoms);
        p.roots.append(root);
    }
    if (p.roots.isEmpty()) { // no diagnosis yet: at least the alerting services' symptoms
        QStringList services = incident.affectedServices;
        std::stable_sort(services.begin(), services.end(), [&](const QString& a, const QString& b) {
            return onsets.value(a, std::numeric_limits<qint64>::max()) <
                   onsets.value(b, std::numeric_limits<qint64>::max());
        });
        for (const QString& service : std::as_const(services))
            add(service, symptoms);
    }
    return p;
}

quint64 IncidentMetrics::load(const Incident& incident)
{
    cancel();
    m_incident = incident;
    const Plan p = plan(incident, m_graph.get(), m_templates, m_options, m_clock());
    m_incidentJob = startJob(p, {});
    return m_incidentJob;
}

quint64 IncidentMetrics::loadService(const QString& service)
{
    if (m_incident.key.isEmpty() && m_incident.alerts.isEmpty())
        return 0;
    if (m_serviceJob != 0)
        cancelJob(std::exchange(m_serviceJob, 0));
    // The incident's window, every template for this one service.
    Incident window = m_incident;
    window.rootCauses.clear();
    window.affectedServices.clear();
    Plan p = plan(window, nullptr, m_templates, m_options, m_clock());
    for (int i = 0; i < m_templates.size() && p.queries.size() < m_options.maxSeries; ++i)
        p.queries.append({service, i, kindOf(m_templates.at(i).id()), m_templates.at(i).render(service)});
    m_serviceJob = startJob(p, service);
    return m_serviceJob;
}

quint64 IncidentMetrics::startJob(const Plan& plan, const QString& focusService)
{
    auto job = std::make_shared<Job>();
    job->id = m_nextJob++;
    job->plan = plan;
    job->incidentKey = m_incident.key;
    job->focusService = focusService;
    job->servers = m_clients;
    // The healthiest first: a server known to be down is only asked when the others have no answer.
    std::stable_sort(job->servers.begin(), job->servers.end(), [](PrometheusClient* a, PrometheusClient* b) {
        return severityOrder(a->health().state) < severityOrder(b->health().state);
    });
    job->queries.resize(plan.queries.size());
    for (int i = 0; i < plan.queries.size(); ++i) {
        const PlannedQuery& q = plan.queries.at(i);
        IncidentMetricsResult::Series& s = job->queries[i].series;
        s.service = q.service;
        s.templateId = m_templates.at(q.templateIndex).id();
        s.noun = m_templates.at(q.templateIndex).noun();
        s.kind = q.kind;
        s.query = q.query;
    }
    const quint64 id = job->id;
    m_jobs.insert(id, job);
    Q_EMIT started(id);
    if (job->servers.isEmpty() || job->queries.isEmpty()) {
        job->outstanding = 0;
        // Reported from the event loop like every other job, never from inside load().
        QTimer::singleShot(0, this, [this, id] {
            if (m_jobs.contains(id))
                finishJob(id);
        });
        return id;
    }
    job->outstanding = int(job->queries.size());
    for (int i = 0; i < job->queries.size(); ++i)
        ask(*job, i);
    return id;
}

void IncidentMetrics::ask(Job& job, int queryIndex)
{
    Job::Query& q = job.queries[queryIndex];
    PrometheusClient* client = job.servers.at(q.serverPos);
    const quint64 request = client->queryRange(q.series.query, job.plan.start, job.plan.end, job.plan.stepSeconds);
    m_pending[client].insert(request, {job.id, queryIndex});
}

void IncidentMetrics::onClientFinished(PrometheusClient* client, quint64 requestId, const PrometheusResult& answer)
{
    auto pendingOfClient = m_pending.find(client);
    if (pendingOfClient == m_pending.end())
        return;
    const Pending pending = pendingOfClient->take(requestId);
    const std::shared_ptr<Job> job = m_jobs.value(pending.jobId);
    if (!job)
        return; // an outdated job: dropped
    Job::Query& q = job->queries[pending.queryIndex];
    // A 4xx with Prometheus' error is an answer about the query: the server is up.
    const bool answered = answer.ok() || (answer.httpStatus >= 400 && answer.httpStatus < 500);
    job->anyAnswer = job->anyAnswer || answered;
    if (answer.ok()) {
        q.okSomewhere = true;
        if (!answer.series.isEmpty()) {
            // Templates aggregate to one series; an unaggregated one keeps its first series only, so the
            // series budget holds whatever the template does.
            q.series.points = answer.series.first().points;
            q.series.server = client->baseUrl().toString();
            q.series.error.clear();
        }
    } else {
        q.lastError = answer.error;
        job->lastError =
            job->servers.size() > 1 ? client->baseUrl().toDisplayString() + u": "_s + answer.error : answer.error;
    }
    // No data yet and another server to ask: the first server with data answers the query.
    if (q.series.points.isEmpty() && ++q.serverPos < job->servers.size()) {
        ask(*job, pending.queryIndex);
        return;
    }
    if (!q.okSomewhere)
        q.series.error = q.lastError;
    if (--job->outstanding == 0)
        finishJob(job->id);
}

void IncidentMetrics::cancelJob(quint64 jobId)
{
    if (!m_jobs.remove(jobId))
        return;
    for (auto c = m_pending.begin(); c != m_pending.end(); ++c) {
        for (auto it = c->begin(); it != c->end();) {
            if (it->jobId == jobId) {
                c.key()->cancel(it.key());
                it = c->erase(it);
            } else {
                ++it;
            }
        }
    }
}

void IncidentMetrics::cancel()
{
    const auto ids = m_jobs.keys();
    for (const quint64 id : ids)
        cancelJob(id);
    m_incidentJob = 0;
    m_serviceJob = 0;
}

void IncidentMetrics::finishJob(quint64 jobId)
{
    const std::shared_ptr<Job> job = m_jobs.take(jobId);
    if (!job)
        return;
    if (m_incidentJob == jobId)
        m_incidentJob = 0;
    if (m_serviceJob == jobId)
        m_serviceJob = 0;

    IncidentMetricsResult result;
    result.jobId = job->id;
    result.incidentKey = job->incidentKey;
    result.focusService = job->focusService;
    result.start = job->plan.start;
    result.end = job->plan.end;
    result.stepSeconds = job->plan.stepSeconds;
    for (const Job::Query& q : std::as_const(job->queries))
        result.series.append(q.series);
    result.servers = serverHealth();
    for (const SourceHealth& h : std::as_const(result.servers)) {
        if (h.lastSuccessAt.isValid() && (!result.lastSuccessAt.isValid() || h.lastSuccessAt > result.lastSuccessAt))
            result.lastSuccessAt = h.lastSuccessAt;
    }
    if (m_clients.isEmpty())
        result.error = tr("no Prometheus server configured");
    else if (!job->queries.isEmpty() && !job->anyAnswer)
        result.error = job->lastError.isEmpty() ? tr("no answer") : job->lastError;
    result.finishedAt = QDateTime::currentDateTimeUtc();
    analyse(*job, result);
    Q_EMIT finished(result);
}

void IncidentMetrics::analyse(const Job& job, IncidentMetricsResult& result) const
{
    OnsetDetector::Params onset;
    onset.baselineEndMsecs = job.plan.baselineEndMsecs;
    for (IncidentMetricsResult::Series& s : result.series) {
        if (const auto o = OnsetDetector::detect(s.points, onset)) {
            s.hasOnset = true;
            s.onsetMsecs = o->msecs;
            s.onsetZ = o->z;
        }
    }

    MetricEvidence::Params params;
    params.stepMsecs = qint64(job.plan.stepSeconds) * 1000;
    params.onset = onset;
    const auto seriesOf = [&](const QString& service, auto wantKind) {
        QVector<const IncidentMetricsResult::Series*> out;
        for (const IncidentMetricsResult::Series& s : std::as_const(result.series)) {
            if (s.service == service && wantKind(s.kind) && !s.points.isEmpty())
                out.append(&s);
        }
        return out;
    };
    for (const RootPlan& root : job.plan.roots) {
        // The root is judged by its first saturation series that moved (else the first with data).
        const auto saturation = seriesOf(root.service, [](Kind k) { return k == Kind::Saturation; });
        if (saturation.isEmpty())
            continue;
        const auto moved = std::find_if(saturation.cbegin(), saturation.cend(),
                                        [](const IncidentMetricsResult::Series* s) { return s->hasOnset; });
        const IncidentMetricsResult::Series* rootSeries = moved != saturation.cend() ? *moved : saturation.first();
        QVector<MetricEvidence::Series> followers;
        // The root's own symptoms follow its saturation too, then each alerting caller's.
        QStringList services{root.service};
        services += root.callers;
        for (const QString& service : std::as_const(services)) {
            for (const auto* s : seriesOf(service, [](Kind k) { return k != Kind::Saturation; }))
                followers.append({s->service, s->noun, s->points});
        }
        const MetricEvidence::Result r =
            MetricEvidence::build({rootSeries->service, rootSeries->noun, rootSeries->points}, followers, params);
        result.evidence.append({root.service, rootSeries->noun, r.evidence, r.against, r.strength});
    }
}
