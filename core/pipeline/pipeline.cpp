#include "pipeline.h"

#include "history/viewsnapshotjson.h"

#include "correlate/correlator.h"
#include "correlate/inhibitruleset.h"
#include "diagnose/diagnoser.h"
#include "diagnose/incidentsetdiagnosis.h"
#include "graph/servicegraph.h"
#include "ingest/memorytrim.h"
#include "metrics/incidentmetrics.h"
#include "store/sqlitebusytimeout.h"
#include "store/store.h"

#include <QAtomicInteger>
#include <QMetaObject>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <iterator>
#include <limits>

using namespace Qt::StringLiterals;

namespace {
// What a human decided about an incident; the correlator's rebuilt incident knows none of it.
void carryHumanState(Incident& to, const Incident& from)
{
    to.state = from.state;
    to.acknowledgedAt = from.acknowledgedAt;
    to.acknowledgedBy = from.acknowledgedBy;
    to.mitigatedAt = from.mitigatedAt;
    to.mitigatedBy = from.mitigatedBy;
    to.resolvedAt = from.resolvedAt;
    to.resolvedBy = from.resolvedBy;
}

// Incidents whose memory is kept current: every open one and the first few shown (a resolved one may be read).
constexpr int kMemoryOfShown = 20;

// A storm's refresh stores the incidents it changed for at most this long before the deliveries waiting to be
// committed go first (the rest follows in persistMore()): storing an incident rewrites every member row, so with
// many open alerts one refresh would otherwise hold every sender for seconds.
constexpr qint64 kPersistSliceMs = 40;
// Incidents are stored together (one transaction) up to about this many member alerts.
constexpr qsizetype kPersistChunkAlerts = 4'000;

// After a storm of at least this many notifications, the heap is trimmed once deliveries have paused this long, and
// again once everything is stored and diagnosed: glibc keeps the pages that the storm's parsed batches, rebuilt
// incidents and snapshots freed, and the console's RSS would otherwise stay near its peak.
constexpr qint64 kTrimAfterNotifications = 10'000;
constexpr int kTrimQuietMs = 1'000;

// After a store refused because another process holds the lock: the first pause, and the longest.
constexpr int kLockBackoffFirstMs = 250;
constexpr int kLockBackoffMaxMs = 4'000;
constexpr int kLockedBusyTimeoutMs = 100; // a write's wait for the lock while another process is known to hold it

const QString kShuttingDown = u"the receiver is shutting down; nothing of this delivery was stored, send it again"_s;

QString uniqueConnectionName()
{
    static QAtomicInteger<int> counter;
    return u"nightwatch-pipeline-%1"_s.arg(counter.fetchAndAddRelaxed(1));
}
} // namespace

Pipeline::Pipeline(QObject* parent)
    : QObject(parent), m_persistTimer(new QTimer(this)), m_runner(new DiagnosisRunner(this)),
      m_diagnosisTimer(new QTimer(this)), m_refreshTimer(new QTimer(this)), m_trimTimer(new QTimer(this)),
      m_searchIndexTimer(new QTimer(this))
{
    m_searchIndexTimer->setSingleShot(true);
    connect(m_searchIndexTimer, &QTimer::timeout, this, &Pipeline::indexSearchRows);
    m_refreshTimer->setSingleShot(true);
    m_persistTimer->setSingleShot(true);
    m_diagnosisTimer->setSingleShot(true);
    m_trimTimer->setSingleShot(true);
    connect(m_trimTimer, &QTimer::timeout, this, [this] {
        m_untrimmed = 0;
        if (m_store)
            m_store->releaseCache();
        MemoryTrim::later(0);
        m_trimWhenSettled = true; // what the worker and the stored slices still hold goes then
    });
    connect(m_diagnosisTimer, &QTimer::timeout, this, &Pipeline::startDiagnosis);
    connect(m_persistTimer, &QTimer::timeout, this, &Pipeline::persistMore);
    connect(m_refreshTimer, &QTimer::timeout, this, &Pipeline::scheduleRefresh);
    connect(m_runner, &DiagnosisRunner::finished, this, &Pipeline::onDiagnosed);
    qRegisterMetaType<IncidentSnapshotPtr>();
    qRegisterMetaType<SourceHealth>();
    m_snapshot = std::make_shared<const IncidentSnapshot>();
}

Pipeline::~Pipeline()
{
    // Deliveries received but not yet stored are kept, although nobody is left to answer them. No refresh on the
    // way out (refreshMs < 0): what they change is saved just below like everything else that changed.
    m_refreshTimer->stop();
    m_persistTimer->stop();
    m_diagnosisTimer->stop();
    m_searchIndexTimer->stop();
    m_options.refreshMs = -1;
    // After beginShutdown() the exit has a deadline: the incidents are derived data, rebuilt from the stored
    // notifications at the next start, so their final save is what gives way.
    QDeadlineTimer deadline(QDeadlineTimer::Forever);
    if (const qint64 by = m_shutdownDeadline.load(); by >= 0)
        deadline.setDeadline(by);
    do
        storeWaiting();
    while (!m_chunked.isEmpty() && !deadline.hasExpired());
    // A worker's diagnosis ends early (a storm's could take long): what it found is saved, the rest is diagnosed
    // at the next start, which rebuilds the incidents from the notifications anyway.
    if (std::optional<DiagnosisRunner::Result> answer = m_runner->wait(true))
        applyDiagnosis(*answer);
    constexpr qint64 kSaveNeedsMs = 2'000; // a rebuild is not interruptible: not begun with less than this left
    const auto left = [&] { return deadline.isForever() ? qint64(-1) : deadline.remainingTime(); };
    if (m_store && m_store->isOpen() &&
        (!m_changedKeys.isEmpty() || !m_diagnosedKeys.isEmpty() || !m_unsaved.isEmpty() ||
         !m_removedIncidents.isEmpty() || m_changesSinceDiagnosis)) {
        QString why = u"no time left before the exit deadline"_s;
        bool saved = false;
        if (left() < 0 || left() > kSaveNeedsMs) {
            rebuildChanged();
            saved = persistChanged(&why, left() < 0 ? -1 : qMax<qint64>(0, left() - kSaveNeedsMs / 2));
            if (saved && !m_unsaved.isEmpty()) {
                saved = false;
                why = u"%1 incidents left when the exit deadline came"_s.arg(m_unsaved.size());
            }
        }
        if (!saved)
            qWarning("nightwatch: incidents not saved at exit (rebuilt from notifications at next start): %s",
                     qPrintable(why));
    }
    // The search rows still stale (a quiet console wrote them already: scheduleSearchIndex), so the history is complete
    // without waiting for the next start; under a deadline only with plenty of time left, and none begun after the
    // point that leaves kSaveNeedsMs for closing (one incident's index is not interruptible).
    if (m_store && m_store->isOpen() && (left() < 0 || left() > 2 * kSaveNeedsMs)) {
        QString why;
        qsizetype notReached = 0;
        const QDeadlineTimer by =
            left() < 0 ? QDeadlineTimer(QDeadlineTimer::Forever) : QDeadlineTimer(left() - kSaveNeedsMs);
        if (!m_store->refreshSearchIndex(&why, by, &notReached))
            qWarning("nightwatch: search index not refreshed at exit (done at next start): %s", qPrintable(why));
        else if (notReached > 0)
            qWarning("nightwatch: search rows of %lld incidents left for the next start (exit deadline)",
                     qlonglong(notReached));
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
    return submitChanges({change}, error);
}

bool Pipeline::submitChanges(const QVector<ChangeEvent>& changes, QString* error)
{
    return onOwnThread([&] { return submitChangesHere(changes, error); });
}

void Pipeline::submitChangesDeferred(QVector<ChangeEvent> changes, ChangeSink::ChangesStored done)
{
    QMetaObject::invokeMethod(
        this,
        [this, changes = std::move(changes), done = std::move(done)] {
            QString error;
            const bool stored = submitChangesHere(changes, &error);
            done(stored, error);
        },
        Qt::QueuedConnection);
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
    m_storeConnection = uniqueConnectionName();
    m_store = std::make_unique<Store>(m_storeConnection);
    if (!m_store->open(options.databasePath, error)) {
        m_store.reset();
        return false;
    }
    if (options.searchIndexDelayMs >= 0)
        m_store->setSearchIndexDelay(options.searchIndexDelayMs);
    // Listen before reading the history: what another console commits meanwhile is announced, not lost. The
    // announcements are handled from the event loop, after this function.
    if (m_store->isShared() &&
        !m_store->watchOthers(
            this, [this](const QString& what, const QString& subject) { onOtherConsole(what, subject); }, error)) {
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
        m_inhibitRules = std::make_shared<const InhibitRuleSet>(*rules);
    }
    m_runner->wait(true); // an answer about the incidents of a previous open() would be stale
    auto diagnoser = std::make_shared<Diagnoser>(m_graph, m_correlator->reach());
    m_finder = std::make_unique<SimilarIncidentFinder>(options.memory);
    Store::PastQuery resolved;
    resolved.limit = options.memory.historyLimit;
    m_finder->setHistory(m_store->pastIncidents(resolved));
    m_memory.clear();
    m_memoryInput.clear();
    delete m_metrics;
    m_metrics = nullptr;
    m_metricSupport.clear();
    m_metricsAskedAt.clear();
    if (!options.prometheusUrls.isEmpty()) {
        m_metrics = new IncidentMetrics(this);
        m_metrics->setServers(options.prometheusUrls, options.prometheusAccess);
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
    m_diagnosedKeys.clear();
    m_toDiagnose.clear();
    m_changedAt.clear();
    m_removedIncidents.clear();
    m_notificationCount = 0;

    m_changes = m_store->loadChanges(
        QDateTime::currentDateTimeUtc().addSecs(-qint64(options.restoreHours) * 3600).addSecs(-3600));
    diagnoser->setChanges(m_changes);
    m_diagnoser = std::move(diagnoser);
    m_restoring = true;
    if (!options.restoreInBackground)
        return restoreHere(error);
    // Behind this call on the pipeline's thread: the caller starts the receiver meanwhile.
    QMetaObject::invokeMethod(
        this,
        [this] {
            QString why;
            if (!restoreHere(&why))
                Q_EMIT failed(u"the incidents were not restored: %1"_s.arg(why));
        },
        Qt::QueuedConnection);
    return true;
}

bool Pipeline::restoreHere(QString* error)
{
    // Rebuild what was open when the console last ran: the same notifications through the same
    // correlator give the same incident keys, and the stored rows give back ids and human decisions.
    const QDateTime since = QDateTime::currentDateTimeUtc().addSecs(-qint64(m_options.restoreHours) * 3600);
    QVector<Alert> history = m_store->loadNotifications(since);
    m_interner.intern(history);            // read back, each label is a string of its own
    m_notificationCount += history.size(); // plus those stored since open() (their tracking waits for us)
    // In steps, with the deliveries that arrived meanwhile stored and answered in between (letWaitingIn): a restart
    // on a big store would otherwise keep every sender waiting for the whole rebuild.
    trackInSteps(history);
    history = {};
    rebuildChanged();
    const QVector<Incident> stored = m_store->loadIncidents(m_options.snapshotIncidentLimit);
    for (const Incident& s : stored) {
        auto it = m_incidents.find(s.key);
        if (it == m_incidents.end())
            continue;
        it->id = s.id;
        carryHumanState(*it, s);
    }
    m_removedIncidents.clear();
    const bool saved = persistChanged(error);
    m_runbookRuns.clear();
    for (const Incident& inc : std::as_const(m_incidents)) {
        if (inc.id <= 0)
            continue; // not stored (yet): nothing can have been run for it
        if (QVector<RunbookRun> runs = m_store->runbookRuns(inc.id); !runs.isEmpty())
            m_runbookRuns.insert(inc.id, std::move(runs));
    }
    m_restoring = false;
    // The rebuild read every notification of the window back, saved the incidents and grew SQLite's page cache: all
    // freed or releasable now, as after a storm. Without a trim a restarted console held ~70 MB more than one that
    // took the same alerts in live (nightwatch-bench --serve-storm, serve_rss_fresh_restore_mb).
    if (m_store)
        m_store->releaseCache();
    MemoryTrim::later(0);
    m_trimWhenSettled = true; // and again once the restored incidents are diagnosed
    publish();
    startDiagnosis();
    Q_EMIT restored();
    return saved;
}

bool Pipeline::submitHere(const AlertBatch& batch, QString* error)
{
    if (!hasStore(error))
        return false;
    if (batch.isEmpty())
        return true;
    AlertBatch interned = batch; // what the store and the correlator keep shares its strings with the open alerts
    m_interner.intern(interned);
    // Durable first: a feed is told "accepted" only for what survives a crash.
    if (!m_store->recordNotifications(interned, error))
        return false;
    noteStored(interned.size());
    track(interned);
    scheduleRefresh();
    return true;
}

bool Pipeline::bigDelivery(const AlertBatch& batch) const
{
    return m_options.chunkAlerts > 0 && batch.size() > m_options.chunkAlerts;
}

qsizetype Pipeline::storedBefore(const Waiting& big)
{
    if (big.key.isEmpty() || m_options.resendWindowMs <= 0 || !m_store)
        return 0;
    QString error;
    const std::optional<DeliveryJournal::Mark> mark =
        m_store->deliveryMark(big.key, QDateTime::currentDateTimeUtc().addMSecs(-m_options.resendWindowMs), &error);
    if (!error.isEmpty())
        qWarning("nightwatch: delivery journal not read (the delivery is stored whole): %s", qPrintable(error));
    // The same bytes parse to the same alerts in the same order: its first mark->stored are the ones committed.
    if (!mark || mark->total != big.batch.size() || mark->stored <= 0)
        return 0;
    const qsizetype stored = qMin<qsizetype>(mark->stored, big.batch.size());
    qInfo("nightwatch: a resent delivery of %lld alerts: %lld of them were stored by an earlier attempt and are "
          "skipped",
          qlonglong(big.batch.size()), qlonglong(stored));
    return stored;
}

void Pipeline::beginShutdown(QDeadlineTimer storeBy, QDeadlineTimer deadline)
{
    m_storeBy.store(storeBy.deadline());
    m_shutdownDeadline.store(deadline.deadline());
    m_stopping.store(true);
    QVector<Waiting> refused;
    {
        QMutexLocker lock(&m_waitingMutex);
        for (qsizetype i = 0; i < m_waiting.size();) {
            if (bigDelivery(m_waiting.at(i).batch))
                refused.append(m_waiting.takeAt(i));
            else
                ++i;
        }
    }
    for (const Waiting& w : std::as_const(refused))
        w.done(false, kShuttingDown);
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_refreshTimer->stop();
            m_persistTimer->stop();
            m_diagnosisTimer->stop();
            // Only the front one can be partly stored: it is finished (storeWaiting goes on with its chunks).
            for (qsizetype i = m_chunked.size() - 1; i >= 0; --i) {
                if (i == 0 && m_chunkedStored > 0)
                    break;
                m_chunked.takeAt(i).done(false, kShuttingDown);
            }
        },
        Qt::QueuedConnection);
}

void Pipeline::submitDeferred(AlertBatch batch, Stored done)
{
    submitDelivery(std::move(batch), {}, std::move(done));
}

void Pipeline::submitDelivery(AlertBatch batch, const QByteArray& key, Stored done)
{
    if (m_stopping.load() && bigDelivery(batch)) {
        done(false, kShuttingDown); // see beginShutdown()
        return;
    }
    bool first = false;
    {
        QMutexLocker lock(&m_waitingMutex);
        first = m_waiting.isEmpty();
        m_waiting.append(Waiting{std::move(batch), std::move(done), key});
    }
    // One queued call per group: whatever arrives until it runs joins the same transaction. While the pipeline
    // stores, correlates or refreshes, deliveries pile up here and then cost one commit instead of one each.
    if (first)
        QMetaObject::invokeMethod(this, &Pipeline::storeWaiting, Qt::QueuedConnection);
}

void Pipeline::storeWaiting()
{
    m_chunkQueued = false;
    QVector<Waiting> group = takeWaiting();
    // Stored while a refresh was writing: correlated first, in the order they were stored (but not between a big
    // delivery's chunks: see below).
    const bool untracked = !m_untracked.isEmpty() && m_chunkedStored == 0;
    if (untracked)
        track(std::exchange(m_untracked, {}));
    // A big delivery waits its turn in m_chunked and goes in one chunk per call; the small ones that arrived are
    // stored now, in the same transaction as the next chunk, so none waits for more than a chunk's worth of work.
    // It arrives here parsed and checked whole, and its chunks are not stored while the rest of its body is still
    // being read: a body that proves malformed half-way is answered 400, and a sender does not resend what was
    // refused, so chunks stored before the error would stay durable, correlated and shown although refused, and
    // neither the store nor the correlator can take them back. The overlap would save at most the parse, which
    // FastJsonSax made a small part of a big body's time (about a fifth of storing and correlating it).
    AlertBatch all;
    QVector<DeliveryJournal::Mark> marks;                      // theirs, and the big one's below
    QVector<Stored> answered = takeSmall(group, &all, &marks); // the deliveries this commit completes
    Waiting* big = m_chunked.isEmpty() ? nullptr : &m_chunked.front();
    if (answered.isEmpty() && !big) {
        if (untracked)
            scheduleRefresh();
        return;
    }
    m_interner.intern(all); // before the store and the correlator keep copies
    // A big one's first step works out the order its chunks take (ChunkOrder) and stores no chunk: the sort (10-25 ms
    // for 100,000 alerts) is a step of its own, as a chunk is, for the deliveries waiting behind it; on the receiver's
    // thread, where the pipeline is handed the delivery, it held /healthz and every other request up as long.
    bool ordering = false;
    if (big && !std::exchange(big->resumed, true)) {
        big->order = ChunkOrder(big->batch);
        m_chunkedStored = storedBefore(*big); // a resend goes on where the last attempt stopped
        big->resumedFrom = m_chunkedStored;
        if (m_store)
            m_store->expectAlerts(big->batch.size() - m_chunkedStored);
        big->ahead = std::make_shared<ChunkAhead>(m_interner, big->batch.data(), big->order, m_chunkedStored,
                                                  m_options.chunkAlerts);
        ordering = true;
    }
    // The big one's chunk: its next alerts in fingerprint order, copies sharing their data, prepared on its own thread
    // meanwhile (ChunkAhead), stored after the small ones. The correlator takes the big one from its batch, in body
    // order, once it is all stored.
    PreparedNotifications chunk;
    if (big && !ordering)
        chunk = big->ahead->take();
    const qsizetype taken = chunk.size();
    // How far the big one got, committed with its chunk: a resend after a stop or a crash skips exactly that.
    if (big && taken > 0 && !big->key.isEmpty() && m_options.resendWindowMs > 0)
        marks.append(DeliveryJournal::Mark{big->key, m_chunkedStored + taken, big->batch.size(), 0});
    expireJournalWith(marks);
    QString error;
    bool stored = hasStore(&error);
    if (stored && taken > 0) {
        chunk.putBefore(all);
        stored = m_store->recordNotifications(std::move(chunk), &error, marks);
    } else if (stored) {
        stored = m_store->recordNotifications(all, &error, marks);
    }
    noteStoreResult(stored, error);
    if (stored && all.size() + taken > 0)
        noteStored(all.size() + taken);
    AlertBatch bigStored; // a big one done with: what this run stored of it, in body order, to be correlated
    if (big && (!stored || m_chunkedStored + taken == big->batch.size())) {
        // Told "accepted" only once all of it is durable. A failed chunk fails the whole delivery: the sender sends
        // it again, and the resend stores only the chunks its journal row does not show committed. Chunks stored
        // before a failed one are shown all the same.
        big->ahead.reset(); // done, or stopped where it got to: the alerts move below
        const qsizetype through = stored ? big->batch.size() : m_chunkedStored;
        if (big->resumedFrom == 0 && through == big->batch.size()) {
            bigStored = std::move(big->batch);
        } else {
            const QVector<qsizetype> indexes = big->order.inBodyOrder(big->resumedFrom, through);
            bigStored.reserve(indexes.size());
            for (const qsizetype i : indexes)
                bigStored.append(std::move(big->batch[i]));
        }
        answered.append(std::move(big->done));
        m_chunked.removeFirst();
        m_chunkedStored = 0;
    } else if (big) {
        m_chunkedStored += taken;
    }
    // Answered as soon as they are durable; correlating and refreshing are ours to do, not the sender's to wait for.
    for (const Stored& done : std::as_const(answered))
        done(stored, error);
    if (!m_chunked.isEmpty())
        storeWaitingLater(); // after whatever the event loop has queued meanwhile
    // Between a big delivery's chunks what is stored is correlated later, once its last chunk is answered: correlating
    // each chunk took a sixth of the time its sender waited, and nothing is shown before its last chunk anyway (see
    // scheduleRefresh). The deliveries that arrived meanwhile in the order stored, then the big one.
    if (m_chunkedStored > 0) {
        if (stored)
            m_untracked.append(std::move(all));
        return;
    }
    if ((!m_untracked.isEmpty() || !bigStored.isEmpty()) && (stored || big)) {
        // Correlated in steps with the deliveries that arrived meanwhile let in between, as a restore does: the
        // 100,000 alerts of one body at once held the small deliveries behind it (the bench's small_max during the
        // body, median of 5: 229 ms at once, 147 ms in steps, 116 ms when each chunk was correlated as it was
        // stored).
        AlertBatch pending = std::exchange(m_untracked, {});
        if (stored)
            pending.append(std::move(all));
        pending.append(std::move(bigStored));
        trackInSteps(pending);
        scheduleRefresh();
        return;
    }
    if (!stored && big)
        scheduleRefresh();
    if (!stored || all.isEmpty())
        return;
    track(all);
    scheduleRefresh();
}

void Pipeline::trackInSteps(const AlertBatch& batch)
{
    const qsizetype step = m_options.chunkAlerts > 0 ? m_options.chunkAlerts : qMax<qsizetype>(1, batch.size());
    qsizetype work = 0;
    for (qsizetype at = 0; at < batch.size(); at += step) {
        const qsizetype n = qMin(step, batch.size() - at);
        track(std::span<const Alert>(batch.constData() + at, size_t(n)));
        letWaitingIn(&work, n);
    }
}

void Pipeline::letWaitingIn(qsizetype* work, qsizetype alerts)
{
    *work += alerts;
    if (m_options.chunkAlerts <= 0 || *work < m_options.chunkAlerts)
        return;
    *work = 0;
    storeWaitingNow();
}

void Pipeline::storeWaitingNow()
{
    QVector<Waiting> group = takeWaiting();
    if (group.isEmpty())
        return;
    AlertBatch all;
    QVector<DeliveryJournal::Mark> marks;
    // A big one's chunks go from storeWaiting(), as usual.
    const QVector<Stored> answered = takeSmall(group, &all, &marks);
    m_interner.intern(all); // before the store and the correlator keep copies
    expireJournalWith(marks);
    QString error;
    const bool stored = answered.isEmpty() || (hasStore(&error) && m_store->recordNotifications(all, &error, marks));
    if (!answered.isEmpty())
        noteStoreResult(stored, error);
    for (const Stored& done : std::as_const(answered))
        done(stored, error);
    if (stored && !all.isEmpty()) {
        noteStored(all.size());
        m_untracked.append(std::move(all));
    }
    storeWaitingLater(); // tracks them (and goes on with any big one) once the work under way is done
}

QVector<Pipeline::Waiting> Pipeline::takeWaiting()
{
    QVector<Waiting> group;
    {
        QMutexLocker lock(&m_waitingMutex);
        group = std::exchange(m_waiting, {});
    }
    if (!m_stopping.load() || QDeadlineTimer::current().deadline() < m_storeBy.load())
        return group;
    for (const Waiting& w : std::as_const(group)) // see beginShutdown()
        w.done(false, kShuttingDown);
    return {};
}

QVector<Pipeline::Stored> Pipeline::takeSmall(QVector<Waiting>& group, AlertBatch* all,
                                              QVector<DeliveryJournal::Mark>* marks)
{
    const bool journal = m_options.resendWindowMs > 0;
    const QSet<QByteArray> resent = journal ? resentSmall(group) : QSet<QByteArray>();
    QVector<Stored> answered;
    for (Waiting& w : group) {
        if (bigDelivery(w.batch)) {
            m_chunked.append(std::move(w));
            continue;
        }
        if (!w.key.isEmpty() && resent.contains(w.key)) {
            // Durable since the earlier attempt; its sender only missed our 200. Stored again, its alerts would
            // count twice (a doubled delivery count reads as a noisier alert, and the incident's count too).
            qInfo("nightwatch: a resent delivery of %lld alerts was stored by an earlier attempt (its answer was "
                  "lost): answered, not stored again",
                  qlonglong(w.batch.size()));
            w.done(true, QString());
            continue;
        }
        // Committed with the batch: a resend after a crash before our 200 finds it (see Options::resendWindowMs).
        if (journal && !w.key.isEmpty() && !w.batch.isEmpty())
            marks->append(DeliveryJournal::Mark{w.key, w.batch.size(), w.batch.size(), 0});
        all->append(std::move(w.batch));
        answered.append(std::move(w.done));
    }
    return answered;
}

QSet<QByteArray> Pipeline::resentSmall(const QVector<Waiting>& group)
{
    QList<QByteArray> keys;
    for (const Waiting& w : group)
        if (!w.key.isEmpty() && !w.batch.isEmpty() && !bigDelivery(w.batch))
            keys.append(w.key);
    if (keys.isEmpty() || !m_store)
        return {};
    // One indexed read per delivery (the journal's primary key): a storm's deliveries miss, and cost only that.
    QString error;
    const QHash<QByteArray, DeliveryJournal::Mark> found =
        m_store->deliveryMarks(keys, QDateTime::currentDateTimeUtc().addMSecs(-m_options.resendWindowMs), &error);
    if (!error.isEmpty())
        qWarning("nightwatch: delivery journal not read (the deliveries are stored as sent): %s", qPrintable(error));
    QSet<QByteArray> resent;
    for (const Waiting& w : group) {
        const auto mark = found.constFind(w.key);
        if (w.key.isEmpty() || mark == found.cend() || mark->total != w.batch.size() || mark->stored != mark->total ||
            bigDelivery(w.batch))
            continue;
        // Another body of this group speaks of one of its alerts: the same bytes around other news are news too.
        QSet<QString> fingerprints;
        for (const Alert& a : w.batch)
            fingerprints.insert(a.fingerprint);
        const bool others = std::any_of(group.cbegin(), group.cend(), [&](const Waiting& o) {
            return o.key != w.key && std::any_of(o.batch.cbegin(), o.batch.cend(),
                                                 [&](const Alert& a) { return fingerprints.contains(a.fingerprint); });
        });
        if (others)
            continue;
        error.clear();
        if (!m_store->alertsStandAsIn(w.batch, &error)) {
            if (!error.isEmpty())
                qWarning("nightwatch: alert states not read (a resent delivery is stored again): %s",
                         qPrintable(error));
            continue;
        }
        resent.insert(w.key);
    }
    return resent;
}

void Pipeline::expireJournalWith(QVector<DeliveryJournal::Mark>& marks)
{
    // One DELETE for every row that aged meanwhile, rather than one with every commit of a storm.
    constexpr qint64 kExpireEveryMs = 10'000;
    if (marks.isEmpty() || (m_journalExpired.isValid() && m_journalExpired.elapsed() < kExpireEveryMs))
        return;
    m_journalExpired.start();
    marks.front().expireBeforeMs = QDateTime::currentMSecsSinceEpoch() - m_options.resendWindowMs;
}

void Pipeline::storeWaitingLater()
{
    if (std::exchange(m_chunkQueued, true))
        return;
    QMetaObject::invokeMethod(this, &Pipeline::storeWaiting, Qt::QueuedConnection);
}

bool Pipeline::submitChangesHere(const QVector<ChangeEvent>& changes, QString* error)
{
    if (!hasStore(error))
        return false;
    if (changes.isEmpty())
        return true;
    if (!m_store->recordChanges(changes, error))
        return false;
    m_changes += changes;
    std::stable_sort(m_changes.begin(), m_changes.end(),
                     [](const ChangeEvent& a, const ChangeEvent& b) { return a.at < b.at; });
    // A new diagnoser rather than a change to the one a worker may be reading.
    auto diagnoser = std::make_shared<Diagnoser>(*m_diagnoser);
    diagnoser->setChanges(m_changes);
    m_diagnoser = std::move(diagnoser);
    // A change may speak for a cause of any open incident: all are diagnosed again, but at the next refresh, once
    // for however many changes arrive meanwhile, and never while the sender waits for its answer.
    m_changesSinceDiagnosis = true;
    if (m_options.refreshMs == 0) {
        refresh(false);
    } else if (m_options.refreshMs > 0 && !m_refreshTimer->isActive()) {
        // At least as long as the last refresh took: with many open incidents a re-diagnosis of all of them costs
        // more than refreshMs, and senders posting one change at a time would otherwise find the pipeline busy
        // re-diagnosing most of the time.
        const qint64 interval = qMax<qint64>(m_options.refreshMs, m_lastRefreshMs);
        const qint64 since = m_sinceRefresh.isValid() ? m_sinceRefresh.elapsed() : interval;
        m_refreshTimer->start(int(qMax<qint64>(0, interval - since)));
    }
    return true;
}

bool Pipeline::hasStore(QString* error) const
{
    if (!m_store && error)
        *error = u"the pipeline has no open database"_s;
    return bool(m_store);
}

qint64 Pipeline::lockedFor() const
{
    return m_lockBackoffMs > 0 && !m_lockedUntil.hasExpired() ? qMax<qint64>(1, m_lockedUntil.remainingTime()) : 0;
}

void Pipeline::noteStoreResult(bool ok, const QString& error)
{
    if (ok) {
        if (std::exchange(m_lockBackoffMs, 0) > 0 && m_store)
            SqliteBusyTimeout::set(m_storeConnection, -1); // the lock is gone: short contention is waited out again
        return;
    }
    if (!error.contains(u"locked"_s) || !m_store)
        return; // another fault (disk full, read-only): not a matter of waiting
    // Another process holds the write lock. Waiting out the store's 5 s busy timeout on every try would hold this
    // thread (and every sender behind it) for good: while it lasts a try waits kLockedBusyTimeoutMs, so a delivery
    // hears 503 at once and the first one after the lock clears is stored, and the incidents' save is retried after
    // a pause that grows up to kLockBackoffMaxMs.
    if (m_lockBackoffMs == 0)
        SqliteBusyTimeout::set(m_storeConnection, kLockedBusyTimeoutMs);
    m_lockBackoffMs = m_lockBackoffMs > 0 ? qMin(2 * m_lockBackoffMs, kLockBackoffMaxMs) : kLockBackoffFirstMs;
    m_lockedUntil = QDeadlineTimer(m_lockBackoffMs);
}

void Pipeline::scheduleRefresh()
{
    if (m_stopping.load())
        return; // the deliveries go first; the destructor saves what changed

    // A big delivery is refreshed after its last chunk, not after each: a refresh rebuilds and rewrites its incidents
    // whole, so one per chunk would cost the square of its size. What arrives meanwhile is stored and answered all
    // the same, and shown after it (its last chunk, or a failed one, calls this again).
    if (m_chunkedStored > 0)
        return;
    // The first delivery after a quiet spell shows at once; during a storm, rebuilding and rewriting a big
    // incident for every delivery is wasted work: the engineer sees it a few times a second, and the
    // notifications behind it are already safe.
    // Counted from the end of the last refresh, and at least twice as long as it took: rebuilding the incidents a
    // storm touches costs more with more open alerts, and a refresh due again as soon as it ended would leave the
    // deliveries only the gaps between refreshes.
    const qint64 interval = qMax<qint64>(m_options.refreshMs, 2 * m_lastRefreshMs);
    const qint64 since = m_sinceRefresh.isValid() ? m_sinceRefresh.elapsed() : interval;
    if (m_options.refreshMs == 0 || (m_options.refreshMs > 0 && since >= interval))
        refresh(false);
    else if (m_options.refreshMs > 0 && !m_refreshTimer->isActive())
        m_refreshTimer->start(int(interval - since));
}

void Pipeline::flush()
{
    onOwnThread([&] {
        refresh(true);
        return true;
    });
}

void Pipeline::refresh(bool settle)
{
    m_refreshTimer->stop();
    QElapsedTimer took;
    took.start();
    if (!m_store) {
        m_sinceRefresh.restart();
        return;
    }
    rebuildChanged();
    if (settle)
        diagnoseNow();
    QString why;
    // refreshMs > 0 (the console, `serve`): deliveries keep coming, so the incidents are stored in slices between
    // their commits. 0 and flush(): stored before this returns, as the caller expects.
    const qint64 budget = settle || m_options.refreshMs <= 0 ? -1 : kPersistSliceMs;
    QElapsedTimer persisting;
    persisting.start();
    qint64 refusedMs = 0;
    if (const qint64 locked = lockedFor(); locked > 0) {
        // Saved once the pause after a lock is over; nothing waits on the busy timeout meanwhile.
        if (!m_refreshTimer->isActive())
            m_refreshTimer->start(int(locked));
    } else if (!persistChanged(&why, budget)) {
        noteStoreResult(false, why);
        // A store that refused (locked by another process, disk full) may have kept us waiting for its busy
        // timeout: that wait is no measure of a refresh's work, and must not space the next one out.
        refusedMs = persisting.elapsed();
        // What the feeds delivered is safe already; the incident rows are rebuilt from it at the next start.
        Q_EMIT failed(u"could not save incidents: %1"_s.arg(why));
    } else {
        noteStoreResult(true, {});
        queuePersist(persisting.elapsed());
    }
    publish();
    askMetricsForTopIncident();
    startDiagnosis();
    m_lastRefreshMs = took.elapsed() - refusedMs;
    m_sinceRefresh.restart();
    if (!settledHere())
        return;
    if (std::exchange(m_trimWhenSettled, false)) {
        if (m_store)
            m_store->releaseCache(); // the slices stored since the pause grew it again
        MemoryTrim::later(0);
    }
    Q_EMIT diagnosisSettled();
}

bool Pipeline::isDiagnosisSettled() const
{
    return const_cast<Pipeline*>(this)->onOwnThread([&] { return settledHere(); });
}

bool Pipeline::hasWaitingDeliveries() const
{
    QMutexLocker lock(&const_cast<Pipeline*>(this)->m_waitingMutex);
    return !m_waiting.isEmpty();
}

bool Pipeline::settledHere() const
{
    const bool waiting = hasWaitingDeliveries() || !m_chunked.isEmpty() || !m_untracked.isEmpty() || m_restoring;
    return !waiting && !m_refreshTimer->isActive() && !m_persistTimer->isActive() && m_changedKeys.isEmpty() &&
           m_diagnosedKeys.isEmpty() && m_unsaved.isEmpty() && m_toDiagnose.isEmpty() && !m_changesSinceDiagnosis &&
           !m_runner->isRunning();
}

void Pipeline::markForDiagnosis(const QString& key)
{
    m_toDiagnose.insert(key);
    m_changedAt.insert(key, ++m_version);
}

IncidentSetSupport Pipeline::diagnosisSupport()
{
    IncidentSetSupport support;
    support.metrics = [metrics = m_metricSupport](const Incident& incident) { return metrics.value(incident.key); };
    // Past incidents vouch for a candidate only when it was their confirmed root cause (see Diagnoser::PastRoot).
    // A copy, renewed when the history grows: the finder caches weights as it reads, so the worker gets its own.
    if (m_finder) {
        if (!m_finderForDiagnosis || m_finderForDiagnosis->generation() != m_finder->generation())
            m_finderForDiagnosis = std::make_shared<const SimilarIncidentFinder>(*m_finder);
        support.pastRoots = [finder = m_finderForDiagnosis](const Incident& incident) {
            return finder->rootSupport(incident);
        };
    }
    if (m_options.beforeDiagnosis)
        support.inspect = [see = m_options.beforeDiagnosis](const Incident& incident, const Diagnoser::Context&) {
            see(incident);
        };
    return support;
}

void Pipeline::diagnoseNow()
{
    if (std::optional<DiagnosisRunner::Result> answer = m_runner->wait())
        applyDiagnosis(*answer);
    if (m_toDiagnose.isEmpty())
        return;
    const QSet<QString> changed = std::exchange(m_toDiagnose, {});
    const QSet<QString> diagnosed =
        diagnoseChanged(*m_diagnoser, m_incidents, changed, diagnosisSupport(), &m_diagnosedInput);
    m_diagnosedKeys.unite(diagnosed);
    m_diagnosisCount += diagnosed.size();
}

void Pipeline::startDiagnosis()
{
    if (!m_options.diagnoseInBackground || m_runner->isRunning() || m_toDiagnose.isEmpty())
        return;
    // Nor while a big delivery is stored chunk by chunk: the worker would take a core from it (the parse of the next
    // body, the log's checkpoints), and its incidents change with the last chunk anyway, whose refresh starts it.
    if (!m_chunked.isEmpty())
        return;
    // In a storm every refresh changes the big incidents again: a worker that starts over as soon as it ends would
    // take a core from storing and correlating for good. It rests as long as its last job took (console: refreshMs
    // > 0), and the changes meanwhile are diagnosed together.
    if (m_options.refreshMs > 0 && m_sinceDiagnosis.isValid() && m_sinceDiagnosis.elapsed() < m_lastDiagnosisMs) {
        if (!m_diagnosisTimer->isActive())
            m_diagnosisTimer->start(int(m_lastDiagnosisMs - m_sinceDiagnosis.elapsed()));
        return;
    }
    m_diagnosisTimer->stop();
    m_diagnosisStarted.start();
    DiagnosisRunner::Job job;
    job.version = m_version;
    job.incidents = m_incidents; // shared until the next rebuild writes to ours
    job.changed = std::exchange(m_toDiagnose, {});
    job.memo = m_diagnosedInput;
    job.diagnoser = m_diagnoser;
    job.support = diagnosisSupport();
    m_runner->start(std::move(job));
}

void Pipeline::onDiagnosed(const DiagnosisRunner::Result& result)
{
    m_lastDiagnosisMs = m_diagnosisStarted.elapsed();
    m_sinceDiagnosis.start();
    applyDiagnosis(result);
    // Stored and published with the next refresh, at most refreshMs away, which also starts on what changed
    // meanwhile: during a storm the worker's answers do not add refreshes of their own (refreshMs < 0: at flush()).
    if (m_options.refreshMs >= 0)
        scheduleRefresh();
}

void Pipeline::applyDiagnosis(const DiagnosisRunner::Result& result)
{
    m_diagnosisCount += result.causes.size();
    for (auto it = result.causes.cbegin(); it != result.causes.cend(); ++it) {
        const auto incident = m_incidents.find(it.key());
        if (incident == m_incidents.end())
            continue; // merged away meanwhile
        // An incident that changed again while the worker read the copy still gets this answer (in a storm the
        // biggest incident changes at every refresh and would otherwise never show one), but not its digest:
        // it is marked already, and the next job diagnoses it as it is now.
        incident->rootCauses = *it;
        m_diagnosedKeys.insert(it.key());
        if (m_changedAt.value(it.key()) <= result.version)
            m_diagnosedInput.insert(it.key(), result.memo.value(it.key()));
    }
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
    refresh(false);
}

void Pipeline::track(const AlertBatch& batch)
{
    track(std::span<const Alert>(batch.constData(), size_t(batch.size())));
}

void Pipeline::track(std::span<const Alert> batch)
{
    // One Update for the whole batch: a storm's repeats touch the same few incidents again and again.
    Correlator::Update update;
    for (const Alert& a : batch)
        m_correlator->add(a, &update);
    // Removed first: a key can go (merged away) and come back (a split re-founds it) within one batch, and then
    // it is in both lists and changed.
    for (const QString& key : std::as_const(update.removed)) {
        m_changedKeys.remove(key);
        if (const auto it = m_incidents.constFind(key); it != m_incidents.cend()) {
            m_removedIncidents.insert(key, *it);
            m_incidents.erase(it);
        }
        m_diagnosedInput.remove(key);
        m_changedAt.insert(key, ++m_version); // a worker's answer about it is stale
    }
    for (const QString& key : std::as_const(update.changed))
        m_changedKeys.insert(key);
}

void Pipeline::rebuildChanged()
{
    // The totals shown move with the incidents they describe, not ahead of them between refreshes.
    m_shownNotifications = m_notificationCount;
    m_shownAlerts = m_correlator->alertCount();
    // Once per refresh, not per notification: a storm touches one incident many times in between.
    QVector<QString> rebuilt;
    qsizetype sinceWaiting = 0;
    for (const QString& key : std::as_const(m_changedKeys)) {
        std::optional<Incident> fresh = m_correlator->incident(key);
        if (!fresh)
            continue;
        const Incident previous = m_incidents.value(key);
        fresh->id = previous.id;
        carryHumanState(*fresh, previous);
        if (fresh->id == 0) {
            // A merge keeps the surviving key; if a merged-away incident had been acknowledged the
            // engineer's decision carries over to what it became.
            for (const Incident& gone : std::as_const(m_removedIncidents)) {
                if (gone.state != Incident::State::Triggered && fresh->state == Incident::State::Triggered)
                    carryHumanState(*fresh, gone);
            }
        }
        fresh->rootCauses = previous.rootCauses;
        letWaitingIn(&sinceWaiting, fresh->alerts.size());
        m_incidents.insert(key, std::move(*fresh));
        rebuilt << key;
    }
    // Diagnosis reads neighbouring incidents too (Diagnoser::Context::elsewhere): diagnoseChanged() also takes the
    // unchanged incidents a rebuilt one may bear on, e.g. when a root alert that was kept apart changed.
    for (const QString& key : std::as_const(rebuilt))
        markForDiagnosis(key);
    // Rebuilt, so theirs to store now. Only here: a key tracked since names an incident that still has to be rebuilt,
    // and a persist slice between two refreshes (persistMore) would otherwise store it stale and drop its key.
    m_unsaved.unite(m_changedKeys);
    m_changedKeys.clear();
    if (std::exchange(m_changesSinceDiagnosis, false)) {
        for (auto it = m_incidents.cbegin(); it != m_incidents.cend(); ++it) {
            if (it->isOpen()) {
                m_diagnosedInput.remove(it.key()); // the changes are not part of its digest
                markForDiagnosis(it.key());
            }
        }
    }
    if (!m_options.diagnoseInBackground)
        diagnoseNow();
}

void Pipeline::rediagnoseAll()
{
    for (auto it = m_incidents.cbegin(); it != m_incidents.cend(); ++it) {
        if (it->isOpen()) {
            m_diagnosedInput.remove(it.key());
            markForDiagnosis(it.key());
        }
    }
    if (!m_options.diagnoseInBackground)
        diagnoseNow();
}

bool Pipeline::persistChanged(QString* error, qint64 budgetMs)
{
    m_unsaved.unite(m_diagnosedKeys); // a worker's answer is applied to m_incidents whole: nothing to rebuild
    m_diagnosedKeys.clear();
    // By key, not by pointer: storing one chunk writes ids into m_incidents, which may detach it.
    QVector<std::pair<QDateTime, QString>> pending;
    pending.reserve(m_unsaved.size());
    for (auto key = m_unsaved.begin(); key != m_unsaved.end();) {
        if (const auto it = m_incidents.constFind(*key); it != m_incidents.cend()) {
            pending.append({it->firstAlertAt, *key});
            ++key;
        } else {
            key = m_unsaved.erase(key); // merged away or gone: nothing of it to store
        }
    }
    // New incidents get their numbers in the order they began, not in the set's hash order: #12 began before #13.
    std::sort(pending.begin(), pending.end());
    QElapsedTimer spent;
    spent.start();
    qsizetype sinceWaiting = 0;
    for (qsizetype next = 0; next < pending.size();) {
        if (budgetMs >= 0 && next > 0 && spent.elapsed() >= budgetMs)
            break;               // the rest at persistMore(), after the deliveries that wait
        QVector<Incident> chunk; // copies share their alerts with ours (implicit sharing)
        qsizetype alerts = 0;
        while (next < pending.size() && (chunk.isEmpty() || alerts < kPersistChunkAlerts)) {
            chunk << std::as_const(m_incidents).value(pending.at(next++).second);
            alerts += chunk.constLast().alerts.size();
        }
        if (!m_store->saveIncidents(chunk, error))
            return false; // what is left stays in m_unsaved for the next refresh
        for (const Incident& saved : std::as_const(chunk)) {
            m_unsaved.remove(saved.key);
            Incident& mine = m_incidents[saved.key];
            const bool firstSave = mine.id == 0;
            mine.id = saved.id;
            // Shared store: another console may have stored and acknowledged this incident before we knew its
            // id (its announcement named an id we could not place). The row has the truth.
            if (firstSave && m_store->isShared())
                refreshHumanState(saved.id);
        }
        saveGraphSnapshots(chunk);
        letWaitingIn(&sinceWaiting, alerts); // a flush's long save lets the waiting deliveries in too
    }
    if (!m_unsaved.isEmpty())
        return true; // merges are marked once what they merged into is stored

    for (auto it = m_removedIncidents.cbegin(); it != m_removedIncidents.cend(); ++it) {
        if (it->id == 0 || it->alerts.isEmpty())
            continue;
        const QString into = m_correlator->incidentKeyOf(it->alerts.constFirst().fingerprint());
        const qint64 intoId = m_incidents.value(into).id;
        if (intoId != 0 && !m_store->markMerged(it.key(), intoId, error))
            return false;
    }
    m_removedIncidents.clear();
    scheduleSearchIndex();
    return true;
}

void Pipeline::noteStored(qsizetype notifications)
{
    m_notificationCount += notifications;
    m_storedSinceSlice = true;
    m_sinceStored.start();
    m_untrimmed += notifications;
    if (m_untrimmed >= kTrimAfterNotifications)
        m_trimTimer->start(kTrimQuietMs); // restarted by every delivery from then on: fires once the storm pauses
}

void Pipeline::queuePersist(qint64 lastSliceMs)
{
    if (m_unsaved.isEmpty() || m_persistTimer->isActive())
        return;
    // While deliveries keep coming, storing incidents takes at most a third of the pipeline's thread: each is
    // rewritten whole, so with many open alerts it could otherwise take most of it and the senders would wait. The
    // incidents are derived from notifications already stored; a lag in their rows loses nothing. Once quiet, the
    // rest follows at once (queued: whatever waits on the thread goes first).
    m_persistTimer->start(std::exchange(m_storedSinceSlice, false) ? int(2 * lastSliceMs) : 0);
}

void Pipeline::scheduleSearchIndex()
{
    if (!m_store || m_options.refreshMs <= 0 || m_searchIndexTimer->isActive())
        return;
    if (const qint64 due = m_store->searchRowsDueInMs(); due >= 0)
        m_searchIndexTimer->start(int(qMin<qint64>(due, std::numeric_limits<int>::max())));
}

void Pipeline::indexSearchRows()
{
    if (!m_store || m_stopping.load())
        return; // stopping: the destructor catches up, within the exit's deadline
    // Behind the deliveries and the incidents' own saves, which write the due rows themselves: a storm still on
    // gets no extra work from here.
    if (hasWaitingDeliveries() || !m_chunked.isEmpty() || !m_unsaved.isEmpty() || m_persistTimer->isActive() ||
        m_refreshTimer->isActive() || m_restoring) {
        m_searchIndexTimer->start(int(kPersistSliceMs));
        return;
    }
    // Only once deliveries have paused, as the heap's trim: a slice between two deliveries of a storm held the next
    // snapshot back (the window then showed one fewer of them in tst_ui_stormstall).
    if (const qint64 quietFor = m_sinceStored.isValid() ? m_sinceStored.elapsed() : kTrimQuietMs;
        quietFor < kTrimQuietMs) {
        m_searchIndexTimer->start(int(kTrimQuietMs - quietFor));
        return;
    }
    if (const qint64 locked = lockedFor(); locked > 0) {
        m_searchIndexTimer->start(int(locked));
        return;
    }
    QString why;
    const bool indexed = m_store->indexDueSearchRows(&why);
    noteStoreResult(indexed, why); // a lock backs off as for incidents
    if (!indexed) { // the rows stay marked; another fault (disk full) is tried again now and then, quietly
        m_searchIndexTimer->start(lockedFor() > 0 ? int(lockedFor()) : 5'000);
        return;
    }
    scheduleSearchIndex(); // one slice a time (0 ms when more are due): what waits on the thread goes first
}

void Pipeline::persistMore()
{
    if (!m_store || m_unsaved.isEmpty())
        return;
    // Not between a big delivery's chunks: its sender waits for the last one, and a slice of incidents each time
    // took a third of its time (storeWaiting refreshes after its last chunk, and that queues the rest).
    if (!m_chunked.isEmpty())
        return;
    if (const qint64 locked = lockedFor(); locked > 0) {
        m_persistTimer->start(int(locked)); // see noteStoreResult()
        return;
    }
    QElapsedTimer took;
    took.start();
    QString why;
    if (!persistChanged(&why, kPersistSliceMs)) {
        noteStoreResult(false, why);
        Q_EMIT failed(u"could not save incidents: %1"_s.arg(why)); // the next refresh tries again
        return;
    }
    if (!m_unsaved.isEmpty())
        queuePersist(took.elapsed());
    else
        scheduleRefresh(); // publishes the ids of new incidents, and tells when all is settled
}

void Pipeline::refreshMemory()
{
    if (!m_finder)
        return;
    // Every open incident and the first few shown: open ones are listed first, so resolved ones count only when fewer
    // than kMemoryOfShown are open, and only the first of those in list order (no sort of everything per refresh).
    QVector<const Incident*> wanted, resolved;
    for (const Incident& inc : std::as_const(m_incidents))
        (inc.isOpen() ? wanted : resolved) << &inc;
    const qsizetype resolvedShown = qBound<qsizetype>(0, kMemoryOfShown - wanted.size(), resolved.size());
    std::partial_sort(resolved.begin(), resolved.begin() + resolvedShown, resolved.end(),
                      [](const Incident* a, const Incident* b) { return Incident::listedBefore(*a, *b); });
    for (qsizetype i = 0; i < resolvedShown; ++i)
        wanted << resolved.at(i);
    QSet<QString> keep;
    for (const Incident* shown : std::as_const(wanted)) {
        const Incident& inc = *shown;
        keep.insert(inc.key);
        const RootCauseCandidate* top = inc.topCause();
        const size_t input = qHashMulti(m_finder->generation(), inc.id, inc.alerts.size(),
                                        top ? top->service : QString(), inc.firstAlertAt.toMSecsSinceEpoch());
        if (m_memoryInput.value(inc.key) == input && m_memory.contains(inc.key))
            continue;
        m_memoryInput.insert(inc.key, input);
        m_memory.insert(inc.key, m_finder->memory(inc));
    }
    for (auto it = m_memory.begin(); it != m_memory.end();) {
        if (keep.contains(it.key())) {
            ++it;
        } else {
            m_memoryInput.remove(it.key());
            it = m_memory.erase(it);
        }
    }
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
    refreshMemory();
    auto snap = std::make_shared<IncidentSnapshot>();
    // Only the incidents shown are ordered and copied (a copy shares its alerts with ours: implicit sharing).
    QVector<const Incident*> order;
    order.reserve(m_incidents.size());
    for (const Incident& inc : std::as_const(m_incidents))
        order << &inc;
    const qsizetype shown = qBound<qsizetype>(0, qsizetype(m_options.snapshotIncidentLimit), order.size());
    std::partial_sort(order.begin(), order.begin() + shown, order.end(),
                      [](const Incident* a, const Incident* b) { return Incident::listedBefore(*a, *b); });
    snap->incidents.reserve(shown);
    for (qsizetype i = 0; i < shown; ++i)
        snap->incidents << *order.at(i);
    for (const SourceHealth& h : std::as_const(m_sources))
        snap->sources << h;
    std::sort(snap->sources.begin(), snap->sources.end(),
              [](const SourceHealth& a, const SourceHealth& b) { return a.id < b.id; });
    snap->changes = m_changes;
    snap->runbookRuns = m_runbookRuns;
    for (const Incident& inc : std::as_const(snap->incidents))
        if (const auto it = m_memory.constFind(inc.key); it != m_memory.cend() && !it->isEmpty())
            snap->memory.insert(inc.key, *it);
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

bool Pipeline::recordAction(qint64 incidentId, const QString& kind, const QString& note, const QDateTime& when)
{
    if (!m_store || incidentId <= 0)
        return false;
    QString error;
    if (!m_store->recordAction(incidentId, kind, note, &error, when)) {
        Q_EMIT failed(u"could not record %1: %2"_s.arg(kind, error));
        return false;
    }
    if (kind == u"ack" || kind == u"mitigate" || kind == u"resolve")
        refreshHumanState(incidentId);
    return true;
}

void Pipeline::learnFrom(qint64 incidentId)
{
    Store::PastQuery query;
    query.id = incidentId;
    query.limit = 1;
    const QVector<PastIncident> past = m_store->pastIncidents(query);
    if (past.isEmpty())
        return;
    m_finder->add(past.front());
    // What was just learnt may speak for the causes of what is still open.
    rediagnoseAll();
}

void Pipeline::acknowledge(qint64 incidentId, const QString& note)
{
    onOwnThread([&] {
        if (recordAction(incidentId, u"ack"_s, note))
            publish();
        return true;
    });
}

void Pipeline::mitigate(qint64 incidentId, const QString& note)
{
    onOwnThread([&] {
        if (recordAction(incidentId, u"mitigate"_s, note))
            publish();
        return true;
    });
}

void Pipeline::resolve(qint64 incidentId, const Resolution& resolution, const QString& note)
{
    onOwnThread([&] {
        const QDateTime when = resolution.at.isValid() ? resolution.at : QDateTime::currentDateTimeUtc();
        if (!recordAction(incidentId, u"resolve"_s, note, when))
            return true;
        Resolution answer = resolution;
        answer.incidentId = incidentId;
        answer.at = when;
        QString error;
        if (!m_store->recordResolution(answer, &error))
            Q_EMIT failed(u"the resolution was not stored: %1"_s.arg(error)); // the resolve itself is
        learnFrom(incidentId);
        refresh(false);
        return true;
    });
}

void Pipeline::addNote(qint64 incidentId, const QString& note)
{
    onOwnThread([&] {
        if (recordAction(incidentId, u"note"_s, note))
            publish();
        return true;
    });
}

void Pipeline::escalate(qint64 incidentId, const QString& note)
{
    onOwnThread([&] {
        if (recordAction(incidentId, u"escalate"_s, note))
            publish();
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

void Pipeline::onOtherConsole(const QString& what, const QString& subject)
{
    if (!m_store)
        return;
    if (what == u"notifications") {
        // Their deliveries go through our correlator too, so every console derives the same incidents (same
        // keys, hence the same rows) from the one shared log of notifications.
        QVector<Alert> theirs = m_store->othersNotifications();
        m_interner.intern(theirs);
        if (theirs.isEmpty())
            return;
        m_notificationCount += theirs.size();
        track(theirs);
        scheduleRefresh();
    } else if (what == u"action" || what == u"incident") {
        const qint64 id = what == u"action" ? subject.toLongLong() : m_incidents.value(subject).id;
        if (refreshHumanState(id))
            publish();
    } else if (what == u"runbook") {
        const qint64 id = subject.toLongLong();
        if (id <= 0 || keyOfId(id).isEmpty())
            return;
        m_runbookRuns.insert(id, m_store->runbookRuns(id));
        publish();
    }
}

bool Pipeline::refreshHumanState(qint64 incidentId)
{
    const QString key = incidentId > 0 ? keyOfId(incidentId) : QString();
    if (key.isEmpty())
        return false;
    const std::optional<Incident> stored = m_store->loadIncident(incidentId);
    if (!stored)
        return false;
    Incident& inc = m_incidents[key];
    if (inc.state == stored->state && inc.acknowledgedAt == stored->acknowledgedAt &&
        inc.acknowledgedBy == stored->acknowledgedBy && inc.mitigatedAt == stored->mitigatedAt &&
        inc.resolvedAt == stored->resolvedAt)
        return false;
    carryHumanState(inc, *stored);
    return true;
}

void Pipeline::setGraph(std::shared_ptr<const ServiceGraph> graph)
{
    onOwnThread([&] {
        if (!m_store || !graph)
            return true;
        m_graph = std::move(graph);
        m_correlator = std::make_unique<Correlator>(m_graph);
        if (m_inhibitRules)
            m_correlator->setInhibitRules(*m_inhibitRules);
        m_runner->wait(true); // its answer was found on the old graph: dropped, everything is diagnosed again
        auto diagnoser = std::make_shared<Diagnoser>(m_graph, m_correlator->reach());
        diagnoser->setChanges(m_changes);
        m_diagnoser = std::move(diagnoser);
        if (m_metrics)
            m_metrics->setGraph(m_graph);

        QHash<QString, Incident> before;
        before.swap(m_incidents);
        m_changedKeys.clear();
        m_diagnosedInput.clear();
        m_graphSnapshotDigest.clear(); // the neighbourhoods are drawn from the new graph
        const QDateTime since = QDateTime::currentDateTimeUtc().addSecs(-qint64(m_options.restoreHours) * 3600);
        QVector<Alert> history = m_store->loadNotifications(since);
        m_interner.intern(history);
        track(history);
        // The same alerts found the same incidents (keys): those keep their ids, decisions and last diagnosis.
        for (const QString& key : std::as_const(m_changedKeys))
            if (const auto it = before.constFind(key); it != before.cend())
                m_incidents.insert(key, *it);
        for (auto it = before.cbegin(); it != before.cend(); ++it) {
            if (m_incidents.contains(it.key()))
                continue;
            if (it->lastAlertAt.isValid() && it->lastAlertAt < since)
                m_incidents.insert(it.key(), *it); // older than what was re-read: shown as it was
            else
                m_removedIncidents.insert(it.key(), *it); // now part of another: persistChanged marks it merged
        }
        refresh(false);
        return true;
    });
}

void Pipeline::updateSourceHealth(const SourceHealth& health)
{
    onOwnThread([&] {
        // A source's routine news (the time and size of its latest delivery) rides with the next refresh, at most
        // refreshMs away; a change of state, name or error shows at once. In a storm the receiver reports every
        // delivery, and a snapshot per delivery cost more than storing it.
        const auto known = m_sources.constFind(health.id);
        const bool routine = m_options.refreshMs > 0 && known != m_sources.cend() && known->state == health.state &&
                             known->lastError == health.lastError && known->displayName == health.displayName;
        m_sources.insert(health.id, health);
        if (routine)
            scheduleRefresh();
        else
            publish();
        return true;
    });
}
