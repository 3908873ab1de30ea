#pragma once
// IncidentMetrics: fetches the metrics that can confirm or refute an incident's diagnosis. It plans a bounded
// set of queries (the root candidates' saturation, errors and latency, their alerting callers' errors and
// latency) over the incident's time span, asks one or more Prometheus servers without blocking (the first
// server with data answers each query), and emits one IncidentMetricsResult per job with the series, their
// onsets and the evidence sentences. Selecting another incident cancels the previous job; an outdated job's
// answers are dropped. An unreachable Prometheus ends the job with an error, never with a wait.

#include "ingest/sourceaccess.h"
#include "metrics/promqltemplate.h"
#include "model/incident.h"
#include "model/incidentmetricsresult.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QUrl>
#include <QVector>

#include <functional>
#include <memory>

class PrometheusClient;
class ServiceGraph;
struct PrometheusResult;

class IncidentMetrics : public QObject
{
    Q_OBJECT
public:
    using Kind = IncidentMetricsResult::Kind;

    struct Options
    {
        qint64 lookBeforeSeconds = 15 * 60; // before the first alert: the baseline and a root that rose early
        qint64 afterSeconds = 5 * 60;       // after the last alert
        qint64 maxSpanSeconds = 6 * 3600;   // an incident open for days still gets a readable window
        int minStepSeconds = 15;
        int maxPointsPerSeries = 1000; // the step grows beyond this (Prometheus refuses > 11 000)
        int maxSeries = 20;
        int maxRoots = 2;          // the top candidates judged with metrics
        int maxCallersPerRoot = 5; // alerting callers per root, nearest and earliest first
    };

    struct PlannedQuery
    {
        QString service;
        int templateIndex = -1;
        Kind kind = Kind::Saturation;
        QString query;
    };

    struct RootPlan
    {
        QString service;
        QStringList callers; // alerting services that depend on it, in the order they are judged
    };

    // What one job asks for; a pure function of its inputs so it is tested without a server.
    struct Plan
    {
        QDateTime start;
        QDateTime end;
        int stepSeconds = 15;
        qint64 baselineEndMsecs = 0;   // onsets are measured against the points before this (0: the first points)
        QVector<PlannedQuery> queries; // priority order, at most Options::maxSeries
        QVector<RootPlan> roots;
    };

    explicit IncidentMetrics(QObject* parent = nullptr);
    ~IncidentMetrics() override;

    // One PrometheusClient per URL, owned by this object (replaces the previous ones, cancelling their work).
    void setServers(const QList<QUrl>& urls, const SourceAccess& access = {});
    QList<PrometheusClient*> clients() const { return m_clients; } // to tune timeouts and retries
    void setTemplates(const QVector<PromQLTemplate>& templates);
    QVector<PromQLTemplate> templates() const { return m_templates; }
    void setGraph(std::shared_ptr<const ServiceGraph> graph);
    void setOptions(const Options& options) { m_options = options; }
    Options options() const { return m_options; }
    // "Now" for open incidents; tests replaying recorded times set it (default: the system clock, UTC).
    void setClock(std::function<QDateTime()> clock);

    // Ids starting with "error" are errors, with "latency" latency; everything else is saturation.
    static Kind kindOf(const QString& templateId);
    static Plan plan(const Incident& incident, const ServiceGraph* graph, const QVector<PromQLTemplate>& templates,
                     const Options& options, const QDateTime& now);

    // Starts a job for the incident and returns its id; any earlier job is cancelled and never reported.
    quint64 load(const Incident& incident);
    // Every template for one service over the current incident's window (a click on a graph node); cancels only
    // an earlier service job. Returns 0 when no incident was loaded.
    quint64 loadService(const QString& service);
    void cancel();
    bool isBusy() const { return !m_jobs.isEmpty(); }
    QVector<SourceHealth> serverHealth() const;

Q_SIGNALS:
    void started(quint64 jobId);
    // Exactly once per job that was not cancelled.
    void finished(const IncidentMetricsResult& result);
    void serverHealthChanged(const SourceHealth& health);

private:
    struct Job;
    struct Pending
    {
        quint64 jobId = 0;
        int queryIndex = -1;
    };

    quint64 startJob(const Plan& plan, const QString& focusService);
    void ask(Job& job, int queryIndex);
    void onClientFinished(PrometheusClient* client, quint64 requestId, const PrometheusResult& answer);
    void cancelJob(quint64 jobId);
    void finishJob(quint64 jobId);
    void analyse(const Job& job, IncidentMetricsResult& result) const;

    QList<PrometheusClient*> m_clients;
    QVector<PromQLTemplate> m_templates;
    std::shared_ptr<const ServiceGraph> m_graph;
    Options m_options;
    std::function<QDateTime()> m_clock;
    Incident m_incident; // the last loaded, for loadService() and the onset baseline
    quint64 m_nextJob = 1;
    quint64 m_incidentJob = 0;
    quint64 m_serviceJob = 0;
    QHash<quint64, std::shared_ptr<Job>> m_jobs;
    QHash<PrometheusClient*, QHash<quint64, Pending>> m_pending; // request id -> job and query
};
