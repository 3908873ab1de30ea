#pragma once
// Pipeline: the one path every notification takes: store durably, correlate, diagnose, publish.
// It owns the Store (the only writer of the database) and runs every store call on the thread it
// lives in: move it to a worker thread and feeds on other threads may still call submit(), which
// then hops to that thread and waits there until the batch is committed. Views only ever see the
// immutable IncidentSnapshot it publishes. With Options::diagnoseInBackground the re-diagnosis runs on a
// DiagnosisRunner's thread instead, so no delivery ever waits for it.

#include "diagnose/diagnoser.h"
#include "ingest/alertsink.h"
#include "ingest/changesink.h"
#include "ingest/sourceaccess.h"
#include "knowledge/similarincidentfinder.h"
#include "metrics/promqltemplate.h"
#include "model/incidentsnapshot.h"
#include "model/resolution.h"
#include "model/runbookrun.h"
#include "model/sourcehealth.h"
#include "pipeline/chunkahead.h"
#include "pipeline/chunkorder.h"
#include "pipeline/diagnosisrunner.h"
#include "pipeline/labelinterner.h"
#include "store/deliveryjournal.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSet>

#include <QUrl>

#include <atomic>
#include <functional>
#include <memory>
#include <span>

class Correlator;
class InhibitRuleSet;
class IncidentMetrics;
struct IncidentMetricsResult;
class QTimer;
class ServiceGraph;
class Store;

class Pipeline : public QObject, public AlertSink, public ChangeSink
{
    Q_OBJECT
public:
    struct Options
    {
        QString databasePath;
        std::shared_ptr<const ServiceGraph> graph; // empty graph when none is configured
        QString inhibitRulesFile;                  // Alertmanager config YAML with inhibit_rules (optional)
        int restoreHours = 24;                     // notifications re-read at start to rebuild open incidents
        int snapshotIncidentLimit = 500;
        // Notifications are always stored before submit() returns; incidents are derived from them and are
        // rebuilt, diagnosed, stored and published after every batch (0), at most every refreshMs during a
        // storm (> 0: the last batch is reflected within refreshMs), or only on flush() (< 0).
        int refreshMs = 0;
        // Prometheus servers whose series become diagnosis evidence for the incident on top (none: no metrics).
        QList<QUrl> prometheusUrls;
        SourceAccess prometheusAccess;           // token, tenant header, TLS for all of them
        QVector<PromQLTemplate> metricTemplates; // empty: PromQLTemplate::defaults()
        std::function<QDateTime()> metricsClock; // "now" for open incidents; empty: the system clock
        // Incident memory: similar resolved incidents (read from the store at open, newest first, at most
        // memory.historyLimit), their decay and thresholds.
        SimilarIncidentFinder::Options memory;
        // false: a refresh diagnoses the incidents that changed before it stores and publishes them, on the
        // pipeline's thread (deterministic: what replay and most tests want). true (the console and `serve`): a
        // refresh stores and publishes them with their previous diagnosis at once, and a worker diagnoses a copy
        // of them meanwhile; its answer is stored and published at a later refresh, and diagnosisSettled() tells
        // when nothing is left to diagnose. flush() diagnoses in place either way.
        bool diagnoseInBackground = false;
        // Sees each incident just before it is diagnosed, on the thread that diagnoses it (the worker's with
        // diagnoseInBackground): a test holds a diagnosis there to show what does not wait for it.
        std::function<void(const Incident&)> beforeDiagnosis;
        // A delivery of more alerts than this is taken in (stored, then correlated) this many at a time, one
        // transaction each, and the deliveries that arrive meanwhile are stored between its chunks: a 100,000-alert
        // body no longer holds every other sender for seconds. Its done() runs after its last chunk is committed,
        // so a sender is told "accepted" only for the whole body. A stop or a crash in between leaves a part
        // committed and unacknowledged: with the delivery's key (submitDelivery()) each chunk's commit records how far
        // it got (DeliveryJournal), and the sender's resend of the same body stores only the rest; without a key
        // the resend stores it all again. 0: every delivery in one piece.
        int chunkAlerts = 2'500;
        // How long a delivery's journal row (DeliveryJournal, keyed by the route and the body bytes) lets a resend
        // of the same body go on where it stopped (a big one cut between chunks) or, stored whole already, its lost
        // 200 be answered again with nothing stored. Every delivery with a key is journaled, small ones too, in the
        // transaction that commits it: a crash (SIGKILL, OOM, power) or a stop that falls between that commit and
        // the 200 reaching the sender, or a connection cut in that moment, made Alertmanager send it again and its
        // notifications count twice (counts and flaps doubled in the incident). Alertmanager retries a failed
        // notification only until the next group_interval tick (the notify context's deadline: group_interval, at
        // least 10 s; default 5 min), and sends an unchanged group again only after repeat_interval (never sooner
        // than group_interval; default 4 h): five minutes covers its retries with the default timing, including a
        // restart in between, and stays below its repeats.
        // An identical body within the window is not always a resend, so it is taken as one only when storing it
        // again would change nothing but the counters (what an on-call engineer could be misled by is state, not
        // a count). Alertmanager's retry of a group never follows that group's next notification (a group's
        // notifications go out one after the other, retries included), and its payload has no send time in it:
        // firing alerts carry endsAt 0001-01-01, so a group that did not change is the same bytes. Honest identical
        // bodies within five minutes are therefore (a) a repeat_interval set under five minutes: a "still firing"
        // reminder, skipped, which loses a count and nothing else (the row expires five minutes after the copy that
        // was stored, not after the skipped one, so one in every window is still counted); (b) two Alertmanagers of
        // an HA pair that both sent one notification (a gossip delay): counted once, which is right; (c) an alert
        // that resolved and fired again with the same startsAt (Prometheus keeps activeAt when only the link to
        // Alertmanager failed, and a generic feed may send no times at all): the same bytes now mean "firing again"
        // after a "resolved" was stored. (c) must count: a skipped copy would leave the alert shown resolved while
        // it fires. So a journaled body is skipped only while every one of its alerts still stands as it says
        // (Store::alertsStandAsIn: their stored latest status is the body's) and no other body of the same commit
        // group speaks of its alerts; anything else is stored and counted as before. 0: no journal (every resend
        // counts again).
        qint64 resendWindowMs = 5 * 60'000;
        // false: open() returns once the incidents of the restore window are rebuilt. true (the console, `serve`):
        // open() returns once the database is open and checked, the rebuild follows on the pipeline's thread, and
        // deliveries that arrive meanwhile are stored and answered between its steps (chunkAlerts of work each),
        // then correlated after it, as if they had come right after it. restored() tells when it is done.
        bool restoreInBackground = false;
        // How long a saved incident's search row may lag (Store::setSearchIndexDelay); < 0: the store's own (10 s).
        // With refreshMs > 0 the rows that fall due are written once deliveries pause, not left for the exit.
        int searchIndexDelayMs = -1;
    };

    explicit Pipeline(QObject* parent = nullptr);
    ~Pipeline() override;

    // Opens (or creates) the database and rebuilds correlation state from recent notifications.
    // Runs on the pipeline's thread (hops there and waits when called from another).
    bool open(const Options& options, QString* error);
    bool isOpen() const;

    bool submit(const AlertBatch& batch, QString* error) override;
    // Group commit: deliveries that arrive while the pipeline is busy wait, and are then stored together in one
    // transaction; each done() runs right after that commit (on the pipeline's thread), before the incidents are
    // refreshed, which follow within refreshMs as for submit().
    void submitDeferred(AlertBatch batch, Stored done) override;
    // The same, and a big delivery's chunks journaled under key (see Options::chunkAlerts).
    void submitDelivery(AlertBatch batch, const QByteArray& key, Stored done) override;
    bool submitChange(const ChangeEvent& change, QString* error) override;
    // Stored in one transaction, all or none, before it returns; the open incidents are diagnosed again with them
    // at the next refresh (at once when refreshMs is 0), once for however many batches arrive until then.
    bool submitChanges(const QVector<ChangeEvent>& changes, QString* error) override;
    // The same, queued to the pipeline's thread; done() runs there right after the commit.
    void submitChangesDeferred(QVector<ChangeEvent> changes, ChangeSink::ChangesStored done) override;

    IncidentSnapshotPtr snapshot() const;
    qint64 notificationCount() const;
    // Nothing waits to be refreshed or diagnosed: the snapshot shows the diagnosis of everything stored. Asks the
    // pipeline's thread (waits for it when called from another).
    bool isDiagnosisSettled() const;
    // How many times an incident has been diagnosed since open() (each diagnosis of one incident counts one).
    qint64 diagnosisCount() const { return m_diagnosisCount.load(); }
    // The store's row id of the incident the alert with this fingerprint belongs to (0: none).
    qint64 incidentIdOf(const QString& fingerprint) const;

public Q_SLOTS:
    void acknowledge(qint64 incidentId, const QString& note = {});
    // The rest of the lifecycle: each stored with time and OS user (the first of each counts for MTTM/MTTR).
    void mitigate(qint64 incidentId, const QString& note = {});
    // Resolves and stores the engineer's answer (resolution.incidentId is set from incidentId; resolution.at, when
    // valid, is the resolve time: a seeded or imported history passes its own). The incident becomes history:
    // similar incidents learn from it from now on.
    void resolve(qint64 incidentId, const Resolution& resolution, const QString& note = {});
    void addNote(qint64 incidentId, const QString& note);
    void escalate(qint64 incidentId, const QString& note);
    void recordRunbookRun(const RunbookRun& run); // the audit of a step attempt made in the console
    void updateSourceHealth(const SourceHealth& health);
    // Rebuild, diagnose and store the incidents that changed, then publish; with diagnoseInBackground it waits for
    // a running diagnosis and diagnoses what is left in place, so the snapshot it publishes is settled.
    void flush();
    // A new dependency graph (graph discovery): the incidents of the restore window are correlated and diagnosed
    // again on it from the stored notifications, as a restart with that graph would do; an incident that keeps its
    // key keeps its id and human decisions, one the new graph folds into another is marked merged into it.
    void setGraph(std::shared_ptr<const ServiceGraph> graph);
    // The console stops (SIGTERM, Quit): from now on no refresh runs, what waits is stored and answered at once, a big
    // delivery already being stored in chunks is finished, and big ones not begun are refused (done(false)): a sender
    // told 503 for them has nothing stored that its retry would double. The destructor's final save keeps within
    // deadline (the incidents it leaves are rebuilt from the notifications at the next start). After storeBy no
    // waiting delivery is begun any more (refused instead): the receiver fails what is unanswered then, and a delivery
    // committed after its 503 would be doubled by the retry. Thread-safe.
    void beginShutdown(QDeadlineTimer storeBy, QDeadlineTimer deadline);

Q_SIGNALS:
    void snapshotReady(IncidentSnapshotPtr snapshot);
    void failed(const QString& message);
    // Emitted after a refresh that left nothing to diagnose: the snapshot just published (and the store) hold the
    // diagnosis of every incident as it stands (see isDiagnosisSettled()).
    void diagnosisSettled();
    // The incidents of the restore window are rebuilt (after open(); see Options::restoreInBackground).
    void restored();

private:
    template <typename F> auto onOwnThread(F&& f) -> decltype(f());

    bool openHere(const Options& options, QString* error);
    bool restoreHere(QString* error); // the rest of open(): the incidents of the restore window rebuilt
    void track(std::span<const Alert> alerts);
    bool submitHere(const AlertBatch& batch, QString* error);
    void storeWaiting(); // the deliveries submitDeferred() queued, in one transaction, with the next chunk of a big one
    void storeWaitingLater(); // one queued storeWaiting() for the chunks still to come
    // In the middle of long work (a big refresh's writes): stores and answers the small deliveries waiting, and
    // leaves their correlation to the next storeWaiting().
    void storeWaitingNow();
    // Long work counts the alerts it has handled in *work: storeWaitingNow() after every chunk's worth of them.
    void letWaitingIn(qsizetype* work, qsizetype alerts);
    // track() a chunk at a time, letting the deliveries that arrived in between each (letWaitingIn).
    void trackInSteps(const AlertBatch& batch);
    bool submitChangesHere(const QVector<ChangeEvent>& changes, QString* error);
    void track(const AlertBatch& batch); // correlator only: which incidents changed
    void rebuildChanged();               // materialise them and mark them for diagnosis (or diagnose them)
    void scheduleRefresh();
    void refresh(bool settle); // flush()'s work; settle: diagnose in place what is left (else a worker starts on it)
    void markForDiagnosis(const QString& key);
    void diagnoseNow();    // the running job's answer, then what is marked, in place
    void startDiagnosis(); // a worker job on a copy of what is marked, if none runs
    void onDiagnosed(const DiagnosisRunner::Result& result);
    void applyDiagnosis(const DiagnosisRunner::Result& result);
    IncidentSetSupport diagnosisSupport(); // reads only copies: safe on the worker
    bool settledHere() const;
    bool hasWaitingDeliveries() const; // feeds on other threads have deliveries queued for the next commit
    void publish();
    void askMetricsForTopIncident();
    void onMetrics(const IncidentMetricsResult& result);
    void rediagnoseAll();
    // Saves what changed. budgetMs < 0: all of it; else incidents in chunks until budgetMs is spent, the rest stays
    // in m_unsaved for persistMore(), so deliveries waiting to be committed go in between.
    bool persistChanged(QString* error, qint64 budgetMs = -1);
    void persistMore(); // the next chunk of m_unsaved, queued behind whatever waits on the pipeline's thread
    void queuePersist(qint64 lastSliceMs); // persistMore() once, if m_unsaved is not empty
    // The search rows a save left stale are written when they fall due even if no save follows (the last of a storm,
    // a restore's): else they all waited for the exit, where 500 incidents of 420,000 alerts took 6 s of the 10.
    void scheduleSearchIndex();
    void indexSearchRows();
    // Notifications just stored: counted, and the trim timer and the next persist slice learn that a storm is on.
    void noteStored(qsizetype notifications);
    void saveGraphSnapshots(const QVector<Incident>& saved);
    bool hasStore(QString* error) const;
    // Another process held the database's lock at the last write: ms until the incidents' save is tried again.
    qint64 lockedFor() const;
    void noteStoreResult(bool ok, const QString& error);
    bool recordAction(qint64 incidentId, const QString& kind, const QString& note, const QDateTime& when = {});
    void learnFrom(qint64 incidentId); // a resolved incident joins the history
    void refreshMemory();              // of the incidents that changed or when the history did
    QString keyOfId(qint64 incidentId) const;
    // Shared store: what another console committed ("notifications", "incident", "action", "runbook").
    void onOtherConsole(const QString& what, const QString& subject);
    bool refreshHumanState(
        qint64 incidentId); // state, ack, mitigate and resolve times and users as stored; true when they changed

    Options m_options;
    std::shared_ptr<const ServiceGraph> m_graph;
    std::unique_ptr<Store> m_store;
    QString m_storeConnection; // its QtSql connection name
    std::unique_ptr<Correlator> m_correlator;
    std::shared_ptr<const InhibitRuleSet> m_inhibitRules; // kept for a correlator built on a new graph
    std::shared_ptr<const Diagnoser> m_diagnoser;         // replaced, never changed: a worker may be reading it
    LabelInterner m_interner;             // every batch before it is stored or tracked: its equal strings shared
    QHash<QString, Incident> m_incidents; // by correlator key; carries store id and human state
    IncidentMetrics* m_metrics = nullptr; // child; only with prometheusUrls
    QHash<QString, MetricSupportMap> m_metricSupport; // by incident key
    QHash<QString, qsizetype> m_metricsAskedAt;       // by key: its alert count when asked
    QHash<QString, size_t> m_diagnosedInput;          // by key: hash of what the last diagnosis read
    QSet<QString> m_changedKeys;                      // by the correlator: rebuilt at the next refresh
    QSet<QString> m_diagnosedKeys;                    // by a worker's answer: stored and published at the next refresh
    QSet<QString> m_unsaved;         // rebuilt or diagnosed, not stored yet (a storm's refresh stores them in chunks)
    QTimer* m_persistTimer;          // the next persistMore(), after a pause as long as twice the last slice took
    bool m_storedSinceSlice = false; // deliveries came in since the last slice: they get the thread first
    QSet<QString> m_toDiagnose;      // rebuilt (or their evidence changed) since their last diagnosis
    QHash<QString, quint64>
        m_changedAt; // by key: m_version when it was last marked; later than a job: its answer is stale
    quint64 m_version = 0;
    DiagnosisRunner* m_runner;        // child
    QTimer* m_diagnosisTimer;         // starts the worker's next job once it has rested (startDiagnosis)
    QElapsedTimer m_diagnosisStarted; // the running job's start
    QElapsedTimer m_sinceDiagnosis;   // since the last job's answer came
    qint64 m_lastDiagnosisMs = 0;     // how long the last job took
    std::atomic<qint64> m_diagnosisCount{0};
    QHash<QString, Incident> m_removedIncidents; // last known state of incidents merged away
    QHash<QString, SourceHealth> m_sources;
    QVector<ChangeEvent> m_changes;
    bool m_changesSinceDiagnosis = false;             // the next refresh diagnoses every open incident again
    QHash<qint64, QVector<RunbookRun>> m_runbookRuns; // of the incidents shown, by id
    std::unique_ptr<SimilarIncidentFinder> m_finder;
    std::shared_ptr<const SimilarIncidentFinder> m_finderForDiagnosis; // a copy of m_finder as of its generation
    QHash<QString, IncidentMemory> m_memory;     // by key: of open incidents and the first few shown
    QHash<QString, size_t> m_memoryInput;        // by key: what the memory was computed from
    QHash<qint64, size_t> m_graphSnapshotDigest; // by incident id: the neighbourhood last stored
    qint64 m_notificationCount = 0;
    qint64 m_shownNotifications = 0; // as of the last rebuild
    qint64 m_shownAlerts = 0;
    QTimer* m_refreshTimer;
    QTimer* m_trimTimer;            // MemoryTrim once a storm pauses (noteStoredForTrim)
    QTimer* m_searchIndexTimer;     // indexSearchRows() when the next stale search row falls due
    QElapsedTimer m_sinceStored;    // since the last notifications were stored
    qint64 m_untrimmed = 0;         // notifications stored since the trim timer was last started
    bool m_trimWhenSettled = false; // trim again once everything is stored and diagnosed
    QElapsedTimer m_sinceRefresh;   // since the last refresh ended
    qint64 m_lastRefreshMs = 0;     // how long the last refresh took: the next waits at least as long

    struct Waiting
    {
        AlertBatch batch;
        Stored done;
        QByteArray key;            // DeliveryKey of its body; empty: not journaled
        bool resumed = false;      // a big one: its journal was read (what a resend finds stored is skipped)
        ChunkOrder order{};        // a big one: the order its chunks take its alerts in (set at its first step)
        qsizetype resumedFrom = 0; // a big one: the ranks (in order) before this were stored by an earlier attempt
        // A big one: prepares its chunks ahead of them (from its first step). After batch: stopped and joined before
        // the alerts it works on go.
        std::shared_ptr<ChunkAhead> ahead{};
    };
    QMutex m_waitingMutex;      // guards m_waiting: feeds on other threads add to it
    QVector<Waiting> m_waiting; // non-empty: a storeWaiting() is queued on the pipeline's thread
    QVector<Waiting> takeWaiting();
    // The small deliveries of group go into *all with their journal rows in *marks, and their done() is returned in
    // order; big ones join m_chunked. A resend of one that is stored already is answered here and stored no more.
    QVector<Stored> takeSmall(QVector<Waiting>& group, AlertBatch* all, QVector<DeliveryJournal::Mark>* marks);
    // The keys of group's small deliveries that an earlier attempt at the same body committed whole, and that storing
    // again would change nothing but counters of (see Options::resendWindowMs).
    QSet<QByteArray> resentSmall(const QVector<Waiting>& group);
    // The rows that aged past the resend window are deleted with the first of marks, every few seconds at most.
    void expireJournalWith(QVector<DeliveryJournal::Mark>& marks);
    QElapsedTimer m_journalExpired; // since the last expiry went with a commit
    // Big deliveries being taken in chunk by chunk (pipeline thread only), oldest first, and how much of the front
    // one is stored.
    QVector<Waiting> m_chunked;
    qsizetype m_chunkedStored = 0;
    bool m_chunkQueued = false; // a storeWaiting() for the next chunk is queued
    AlertBatch m_untracked;     // stored by storeWaitingNow(), not yet correlated

    int m_lockBackoffMs = 0; // the pause after the last lock refusal (0: not locked)
    QDeadlineTimer m_lockedUntil;
    bool m_restoring = false;                        // restoreHere() has not finished yet
    std::atomic<bool> m_stopping{false};             // beginShutdown() was called
    std::atomic<qint64> m_shutdownDeadline{-1};      // its deadline (QDeadlineTimer::deadline()); -1: none
    std::atomic<qint64> m_storeBy{-1};               // and its storeBy
    bool bigDelivery(const AlertBatch& batch) const; // stored in chunks (Options::chunkAlerts)
    // How many of big's alerts a previous attempt at the same body committed (its journal row; 0: none).
    qsizetype storedBefore(const Waiting& big);

    mutable QMutex m_snapshotMutex; // guards m_snapshot only; everything else lives on the pipeline thread
    IncidentSnapshotPtr m_snapshot;
};
