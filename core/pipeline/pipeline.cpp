#include "pipeline.h"

#include "history/viewsnapshotjson.h"

#include "correlate/correlator.h"
#include "correlate/inhibitruleset.h"
#include "diagnose/diagnoser.h"
#include "graph/servicegraph.h"
#include "metrics/incidentmetrics.h"
#include "store/store.h"

#include <QAtomicInteger>
#include <QMetaObject>
#include <QThread>
#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
// Open incidents first, then the most severe, then the most recently active: what needs eyes now.
bool shownBefore(const Incident& a, const Incident& b)
{
    if (a.isOpen() != b.isOpen())
        return a.isOpen();
    const int sa = Incident::severityRank(a.severity), sb = Incident::severityRank(b.severity);
    if (sa != sb)
        return sa > sb;
    return a.lastAlertAt > b.lastAlertAt;
}

// What the diagnoser reads of an incident: which alerts, their onsets, whether they fire or are inhibited.
size_t diagnosisInput(const Incident& incident)
{
    size_t h = qHash(incident.alerts.size());
    for (const TrackedAlert& t : incident.alerts)
        h = qHashMulti(h, t.fingerprint(), t.firstStartsAt.toMSecsSinceEpoch(), t.isFiring(), t.inhibited);
    return h;
}

QString uniqueConnectionName()
{
    static QAtomicInteger<int> counter;
    return u"nightwatch-pipeline-%1"_s.arg(counter.fetchAndAddRelaxed(1));
}
} // namespace

Pipeline::Pipeline(QObject* parent) : QObject(parent), m_refreshTimer(new QTimer(this))
{
    m_refreshTimer->setSingleShot(true);
    connect(m_refreshTimer, &QTimer::timeout, this, &Pipeline::flush);
    qRegisterMetaType<IncidentSnapshotPtr>();
    qRegisterMetaType<SourceHealth>();
    m_snapshot = std::make_shared<const IncidentSnapshot>();
}

Pipeline::~Pipeline()
{
    if (m_store && m_store->isOpen() && (!m_changedKeys.isEmpty() || !m_removedIncidents.isEmpty())) {
        rebuildChanged();
        QString why;
        if (!persistChanged(&why))
            qWarning("nightwatch: incidents not saved at exit (rebuilt from notifications at next start): %s",
                     qPrintable(why));
    }
    if (m_store && m_store->isOpen()) {
        // The search rows a storm deferred, so the history is complete without waiting for the next start.
        QString why;
        if (!m_store->refreshSearchIndex(&why))
            qWarning("nightwatch: search index not refreshed at exit (done at next start): %s", qPrintable(why));
    }
}

// QtSql ties a connection to the thread that opened it, and the store wants one writer: every store call
// runs on the pipeline's thread. A caller on another thread (a webhook worker) waits for the result there.
template <typename F> auto Pipeline::onOwnThread(F&& f) -> decltype(f())
{
    if (QThread::currentThread() == thread())
        return f();
    decltype(f()) result{};
    QMetaObject::invokeMethod(
        this, [&] { result = f(); }, Qt::BlockingQueuedConnection);
    return result;
}

bool Pipeline::open(const Options& options, QString* error)
{
    return onOwnThread([&] { return openHere(options, error); });
}

bool Pipeline::isOpen() const
{
    return m_store && m_store->isOpen();
}

bool Pipeline::submit(const AlertBatch& batch, QString* error)
{
    return onOwnThread([&] { return submitHere(batch, error); });
}

bool Pipeline::submitChange(const ChangeEvent& change, QString* error)
{
    return onOwnThread([&] { return submitChangeHere(change, error); });
}

qint64 Pipeline::incidentIdOf(const QString& fingerprint) const
{
    return const_cast<Pipeline*>(this)->onOwnThread([&]() -> qint64 {
        if (!m_correlator)
            return 0;
        return m_incidents.value(m_correlator->incidentKeyOf(fingerprint)).id;
    });
}

bool Pipeline::openHere(const Options& options, QString* error)
{
    m_options = options;
    m_graph = options.graph ? options.graph : std::make_shared<const ServiceGraph>();
    m_store = std::make_unique<Store>(uniqueConnectionName());
    if (!m_store->open(options.databasePath, error)) {
        m_store.reset();
        return false;
    }
    m_correlator = std::make_unique<Correlator>(m_graph);
    if (!options.inhibitRulesFile.isEmpty()) {
        const auto rules = InhibitRuleSet::fromFile(options.inhibitRulesFile, error);
        if (!rules) {
            m_store.reset();
            return false;
        }
        m_correlator->setInhibitRules(*rules);
    }
    m_diagnoser = std::make_unique<Diagnoser>(m_graph, m_correlator->reach());
    delete m_metrics;
    m_metrics = nullptr;
    m_metricSupport.clear();
    m_metricsAskedAt.clear();
    if (!options.prometheusUrls.isEmpty()) {
        m_metrics = new IncidentMetrics(this);
        m_metrics->setServers(options.prometheusUrls);
        if (!options.metricTemplates.isEmpty())
            m_metrics->setTemplates(options.metricTemplates);
        if (options.metricsClock)
            m_metrics->setClock(options.metricsClock);
        m_metrics->setGraph(m_graph);
        connect(m_metrics, &IncidentMetrics::finished, this, &Pipeline::onMetrics);
    }
    m_incidents.clear();
    m_diagnosedInput.clear();
    m_changedKeys.clear();
    m_removedIncidents.clear();

    // Rebuild what was open when the console last ran: the same notifications through the same
    // correlator give the same incident keys, and the stored rows give back ids and human decisions.
    const QDateTime since = QDateTime::currentDateTimeUtc().addSecs(-qint64(options.restoreHours) * 3600);
    m_changes = m_store->loadChanges(since.addSecs(-3600));
    m_diagnoser->setChanges(m_changes);
    const QVector<Alert> history = m_store->loadNotifications(since);
    m_notificationCount = history.size();
    track(history);
    rebuildChanged();
    const QVector<Incident> stored = m_store->loadIncidents(options.snapshotIncidentLimit);
    for (const Incident& s : stored) {
        auto it = m_incidents.find(s.key);
        if (it == m_incidents.end())
            continue;
        it->id = s.id;
        it->state = s.state;
        it->acknowledgedAt = s.acknowledgedAt;
        it->acknowledgedBy = s.acknowledgedBy;
    }
    m_removedIncidents.clear();
    if (!persistChanged(error))
        return false;
    m_runbookRuns.clear();
    for (const Incident& inc : std::as_const(m_incidents)) {
        if (inc.id <= 0)
            continue; // not stored (yet): nothing can have been run for it
        if (QVector<RunbookRun> runs = m_store->runbookRuns(inc.id); !runs.isEmpty())
            m_runbookRuns.insert(inc.id, std::move(runs));
    }
    publish();
    return true;
}

bool Pipeline::submitHere(const AlertBatch& batch, QString* error)
{
    if (!hasStore(error))
        return false;
    if (batch.isEmpty())
        return true;
    // Durable first: a feed is told "accepted" only for what survives a crash.
    if (!m_store->recordNotifications(batch, error))
        return false;
    m_notificationCount += batch.size();
    track(batch);
    scheduleRefresh();
    return true;
}

bool Pipeline::submitChangeHere(const ChangeEvent& change, QString* error)
{
    if (!hasStore(error))
        return false;
    if (!m_store->recordChange(change, error))
        return false;
    m_changes << change;
    std::stable_sort(m_changes.begin(), m_changes.end(),
                     [](const ChangeEvent& a, const ChangeEvent& b) { return a.at < b.at; });
    m_diagnoser->setChanges(m_changes);
    rebuildChanged();
    rediagnoseAll();
    flush();
    return true;
}

bool Pipeline::hasStore(QString* error) const
{
    if (!m_store && error)
        *error = u"the pipeline has no open database"_s;
    return bool(m_store);
}

void Pipeline::scheduleRefresh()
{
    // The first delivery after a quiet spell shows at once; during a storm, rebuilding and rewriting a big
    // incident for every delivery is wasted work: the engineer sees it a few times a second, and the
    // notifications behind it are already safe.
    const bool quiet = !m_sinceRefresh.isValid() || m_sinceRefresh.elapsed() >= m_options.refreshMs;
    if (m_options.refreshMs == 0 || (m_options.refreshMs > 0 && quiet))
        flush();
    else if (m_options.refreshMs > 0 && !m_refreshTimer->isActive())
        m_refreshTimer->start(int(m_options.refreshMs - m_sinceRefresh.elapsed()));
}

void Pipeline::flush()
{
    onOwnThread([&] {
        m_refreshTimer->stop();
        m_sinceRefresh.restart();
        if (!m_store)
            return true;
        rebuildChanged();
        QString why;
        if (!persistChanged(&why)) {
            // What the feeds delivered is safe already; the incident rows are rebuilt from it at the next start.
            Q_EMIT failed(u"could not save incidents: %1"_s.arg(why));
        }
        publish();
        askMetricsForTopIncident();
        return true;
    });
}

void Pipeline::askMetricsForTopIncident()
{
    // One incident at a time (a job cancels the previous one): the one on top of the console, asked again
    // only when it has grown, so a storm of repeats does not become a storm of queries.
    if (!m_metrics)
        return;
    const IncidentSnapshotPtr shown = snapshot();
    if (shown->incidents.isEmpty() || !shown->incidents.front().isOpen())
        return;
    const Incident& top = shown->incidents.front();
    if (m_metricsAskedAt.value(top.key, -1) == top.alerts.size())
        return;
    m_metricsAskedAt.insert(top.key, top.alerts.size());
    m_metrics->load(top);
}

void Pipeline::onMetrics(const IncidentMetricsResult& result)
{
    if (result.degraded() || !result.focusService.isEmpty() || !m_incidents.contains(result.incidentKey))
        return; // Prometheus down: the diagnosis goes on with what it had
    if (const qint64 id = m_incidents.value(result.incidentKey).id; id != 0 && !result.series.isEmpty()) {
        // What the charts showed, for opening this incident offline later.
        QString why;
        if (!m_store->saveViewSnapshot(id, ViewSnapshotJson::MetricsKind, ViewSnapshotJson::metrics(result), &why))
            qWarning("nightwatch: metrics snapshot not saved: %s", qPrintable(why));
    }
    Diagnoser::MetricSupportMap support;
    for (const IncidentMetricsResult::RootEvidence& e : result.evidence)
        support.insert(e.service, {e.strength, e.evidence});
    if (support == m_metricSupport.value(result.incidentKey))
        return;
    m_metricSupport.insert(result.incidentKey, support);
    m_diagnosedInput.remove(result.incidentKey); // diagnose again with the new evidence
    m_changedKeys.insert(result.incidentKey);
    flush();
}

void Pipeline::track(const AlertBatch& batch)
{
    for (const Alert& a : batch) {
        const Correlator::Update update = m_correlator->add(a);
        for (const QString& key : update.changed)
            m_changedKeys.insert(key);
        for (const QString& key : update.removed) {
            m_changedKeys.remove(key);
            if (const auto it = m_incidents.constFind(key); it != m_incidents.cend()) {
                m_removedIncidents.insert(key, *it);
                m_incidents.erase(it);
            }
            m_diagnosedInput.remove(key);
        }
    }
}

void Pipeline::rebuildChanged()
{
    // The totals shown move with the incidents they describe, not ahead of them between refreshes.
    m_shownNotifications = m_notificationCount;
    m_shownAlerts = m_correlator->alertCount();
    // Once per refresh, not per notification: a storm touches one incident many times in between.
    for (const QString& key : std::as_const(m_changedKeys)) {
        std::optional<Incident> fresh = m_correlator->incident(key);
        if (!fresh)
            continue;
        const Incident previous = m_incidents.value(key);
        fresh->id = previous.id;
        fresh->state = previous.state;
        fresh->acknowledgedAt = previous.acknowledgedAt;
        fresh->acknowledgedBy = previous.acknowledgedBy;
        if (fresh->id == 0) {
            // A merge keeps the surviving key; if a merged-away incident had been acknowledged the
            // engineer's decision carries over to what it became.
            for (const Incident& gone : std::as_const(m_removedIncidents)) {
                if (gone.state != Incident::State::Triggered && fresh->state == Incident::State::Triggered) {
                    fresh->state = gone.state;
                    fresh->acknowledgedAt = gone.acknowledgedAt;
                    fresh->acknowledgedBy = gone.acknowledgedBy;
                }
            }
        }
        // Repeats and flaps of known alerts change counters, not what the diagnoser reads: keep its answer.
        const size_t signature = diagnosisInput(*fresh);
        if (previous.alerts.isEmpty() || m_diagnosedInput.value(key) != signature || previous.rootCauses.isEmpty()) {
            fresh->rootCauses = m_diagnoser->diagnose(*fresh, m_metricSupport.value(key));
            m_diagnosedInput.insert(key, signature);
        } else {
            fresh->rootCauses = previous.rootCauses;
        }
        m_incidents.insert(key, std::move(*fresh));
    }
}

void Pipeline::rediagnoseAll()
{
    for (auto it = m_incidents.begin(); it != m_incidents.end(); ++it) {
        if (!it->isOpen())
            continue;
        it->rootCauses = m_diagnoser->diagnose(*it, m_metricSupport.value(it.key()));
        m_changedKeys.insert(it.key());
    }
}

bool Pipeline::persistChanged(QString* error)
{
    QVector<Incident> changed;
    changed.reserve(m_changedKeys.size());
    for (const QString& key : std::as_const(m_changedKeys)) {
        if (const auto it = m_incidents.constFind(key); it != m_incidents.cend())
            changed << *it;
    }
    if (!changed.isEmpty() && !m_store->saveIncidents(changed, error))
        return false;
    for (const Incident& saved : std::as_const(changed))
        m_incidents[saved.key].id = saved.id;
    m_changedKeys.clear();
    saveGraphSnapshots(changed);

    for (auto it = m_removedIncidents.cbegin(); it != m_removedIncidents.cend(); ++it) {
        if (it->id == 0 || it->alerts.isEmpty())
            continue;
        const QString into = m_correlator->incidentKeyOf(it->alerts.constFirst().fingerprint());
        const qint64 intoId = m_incidents.value(into).id;
        if (intoId != 0 && !m_store->markMerged(it.key(), intoId, error))
            return false;
    }
    m_removedIncidents.clear();
    return true;
}

void Pipeline::saveGraphSnapshots(const QVector<Incident>& saved)
{
    // The neighbourhood the graph view drew, rewritten only when it changed (a storm's repeats leave it alone).
    if (!m_graph || m_graph->nodeCount() == 0)
        return;
    for (const Incident& incident : saved) {
        if (incident.id == 0)
            continue;
        // The neighbourhood depends only on the services involved: a cheap digest of those first.
        QStringList services;
        services.reserve(incident.alerts.size() + 3);
        for (const TrackedAlert& t : incident.alerts)
            services << t.service();
        for (int i = 0; i < qMin<qsizetype>(3, incident.rootCauses.size()); ++i)
            services << incident.rootCauses.at(i).service;
        services.sort();
        services.removeDuplicates();
        const size_t digest = qHash(services);
        if (m_graphSnapshotDigest.value(incident.id) == digest)
            continue;
        const QByteArray json = ViewSnapshotJson::graphNeighbourhood(*m_graph, incident);
        QString why;
        if (!m_store->saveViewSnapshot(incident.id, ViewSnapshotJson::GraphKind, json, &why)) {
            qWarning("nightwatch: graph snapshot not saved: %s", qPrintable(why));
            continue;
        }
        m_graphSnapshotDigest.insert(incident.id, digest);
    }
}

void Pipeline::publish()
{
    auto snap = std::make_shared<IncidentSnapshot>();
    snap->incidents.reserve(m_incidents.size());
    for (const Incident& inc : std::as_const(m_incidents))
        snap->incidents << inc;
    std::sort(snap->incidents.begin(), snap->incidents.end(), shownBefore);
    if (snap->incidents.size() > m_options.snapshotIncidentLimit)
        snap->incidents.resize(m_options.snapshotIncidentLimit);
    for (const SourceHealth& h : std::as_const(m_sources))
        snap->sources << h;
    std::sort(snap->sources.begin(), snap->sources.end(),
              [](const SourceHealth& a, const SourceHealth& b) { return a.id < b.id; });
    snap->changes = m_changes;
    snap->runbookRuns = m_runbookRuns;
    snap->graph = m_graph;
    snap->notificationCount = m_shownNotifications;
    snap->alertCount = m_shownAlerts;
    IncidentSnapshotPtr published = std::move(snap);
    {
        QMutexLocker lock(&m_snapshotMutex);
        m_snapshot = published;
    }
    Q_EMIT snapshotReady(published);
}

IncidentSnapshotPtr Pipeline::snapshot() const
{
    QMutexLocker lock(&m_snapshotMutex);
    return m_snapshot;
}

qint64 Pipeline::notificationCount() const
{
    return snapshot()->notificationCount;
}

QString Pipeline::keyOfId(qint64 incidentId) const
{
    for (auto it = m_incidents.cbegin(); it != m_incidents.cend(); ++it) {
        if (it->id == incidentId)
            return it.key();
    }
    return {};
}

void Pipeline::recordAction(qint64 incidentId, const QString& kind, const QString& note)
{
    if (!m_store || incidentId <= 0)
        return;
    QString error;
    if (!m_store->recordAction(incidentId, kind, note, &error)) {
        Q_EMIT failed(u"could not record %1: %2"_s.arg(kind, error));
        return;
    }
    if (kind == u"ack") {
        const QString key = keyOfId(incidentId);
        if (const auto stored = m_store->loadIncident(incidentId); stored && m_incidents.contains(key)) {
            Incident& inc = m_incidents[key];
            inc.state = stored->state;
            inc.acknowledgedAt = stored->acknowledgedAt;
            inc.acknowledgedBy = stored->acknowledgedBy;
        }
    }
    publish();
}

void Pipeline::acknowledge(qint64 incidentId, const QString& note)
{
    onOwnThread([&] {
        recordAction(incidentId, u"ack"_s, note);
        return true;
    });
}

void Pipeline::addNote(qint64 incidentId, const QString& note)
{
    onOwnThread([&] {
        recordAction(incidentId, u"note"_s, note);
        return true;
    });
}

void Pipeline::escalate(qint64 incidentId, const QString& note)
{
    onOwnThread([&] {
        recordAction(incidentId, u"escalate"_s, note);
        return true;
    });
}

void Pipeline::recordRunbookRun(const RunbookRun& run)
{
    onOwnThread([&] {
        QString error;
        if (!m_store || m_store->recordRunbookRun(run, &error) == 0) {
            Q_EMIT failed(u"runbook audit not stored: %1"_s.arg(m_store ? error : u"no open database"_s));
            return true;
        }
        if (run.incidentId > 0) { // read back: the stored row has its id and the OS user
            m_runbookRuns.insert(run.incidentId, m_store->runbookRuns(run.incidentId));
            publish();
        }
        return true;
    });
}

void Pipeline::updateSourceHealth(const SourceHealth& health)
{
    onOwnThread([&] {
        m_sources.insert(health.id, health);
        publish();
        return true;
    });
}
