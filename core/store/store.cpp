#include "store.h"

#include <pwd.h>
#include <unistd.h>

#include "history/historyquery.h"
#include "history/historysummary.h"
#include "sqltransaction.h"
#include "sqlvalues.h"
#include "storeimpl.h"
#include "storeschema.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <limits>

using namespace Qt::StringLiterals;
using namespace StoreSql;
using namespace SqlValues;

Store::Store(const QString& connectionName) : m_connectionName(connectionName) {}

Store::~Store()
{
    close();
}

bool Store::fail(const QString& message, QString* error) const
{
    m_lastError = message;
    if (error)
        *error = message;
    return false;
}

void Store::noteRead(const QString& why) const
{
    if (!why.isEmpty())
        m_lastError = why;
}

int Store::latestSchemaVersion()
{
    return StoreSchema::latestVersion();
}

QString Store::currentUser()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME");
    if (user.isEmpty()) {
        // Services, cron and sudo often run without USER; the account itself still has a name.
        if (const passwd* account = getpwuid(geteuid()); account && account->pw_name)
            user = QString::fromLocal8Bit(account->pw_name);
    }
    return user.isEmpty() ? u"unknown"_s : user;
}

bool Store::isServerUrl(const QString& path)
{
    return StoreBackend::isServerUrl(path);
}

QString Store::displayName(const QString& path)
{
    return StoreBackend::forPath(path)->displayName(path);
}

bool Store::isShared() const
{
    return m_impl && m_impl->backend->hasOtherWriters();
}

bool Store::open(const QString& path, QString* error, OpenMode mode)
{
    close();
    if (path.isEmpty())
        return fail(u"no database path given"_s, error);
    m_impl = std::make_unique<Impl>();
    m_impl->backend = StoreBackend::forPath(path);
    m_impl->search = std::make_unique<SearchIndex>(*m_impl);
    m_impl->ingest = IngestRepository::create(*m_impl, *m_impl->search);
    m_impl->humanRecord = std::make_unique<HumanRecordRepository>(*m_impl, *m_impl->search);
    m_impl->history = std::make_unique<HistoryRepository>(*m_impl, *m_impl->search);
    m_impl->past = std::make_unique<PastIncidentRepository>(*m_impl);
    QString why;
    if (!m_impl->backend->open(*m_impl, m_connectionName, path, mode == OpenMode::ReadOnly, &why)) {
        close();
        return fail(why, error);
    }
    if (mode == OpenMode::ReadOnly) {
        m_lastError.clear();
        return true;
    }
    // Everything already stored counts as seen (loadNotifications() is how a console reads history), and what a
    // previous run committed but had not finished is finished now.
    const QString shown = m_impl->backend->displayName(path);
    if (!m_impl->ingest->open(&why)) {
        close();
        return fail(u"database %1: %2"_s.arg(shown, why), error);
    }
    // Rows a previous run left stale (it stopped inside a storm's delay) are brought up to date now. Another
    // writer (the console beside a report or a CLI) may hold the lock: the rows stay marked and the next save
    // or open catches up, so the store still opens.
    if (!refreshSearchIndex(&why))
        qWarning("nightwatch: search index of %s not brought up to date now: %s", qPrintable(shown), qPrintable(why));
    m_lastError.clear();
    return true;
}

void Store::close()
{
    if (!m_impl)
        return;
    QString why;
    if (!m_impl->ingest->settle(&why)) // else the next open() folds them in from the notifications
        qWarning("nightwatch: alert counters not written at close: %s", qPrintable(why));
    m_impl->ingest->release();
    m_impl->releaseStatements();
    // Invalid when the open failed before adding it (the name belongs to another Store then).
    const bool added = m_impl->db.isValid();
    m_impl->db.close();
    m_impl.reset(); // drops the last QSqlDatabase copy, so removeDatabase does not warn
    if (added)
        QSqlDatabase::removeDatabase(m_connectionName);
}

bool Store::isOpen() const
{
    return m_impl && m_impl->db.isOpen();
}

QSqlDatabase Store::connection() const
{
    settleAlertCountsForReaders(); // the report reads alert rows through it
    return m_impl ? m_impl->db : QSqlDatabase();
}

void Store::releaseCache()
{
    if (!isOpen() || isShared())
        return;
    QSqlQuery shrink(m_impl->db);
    shrink.exec(u"PRAGMA shrink_memory"_s); // only memory at stake: a failure leaves the cache as it was
}

void Store::expectAlerts(qsizetype alerts)
{
    if (m_impl)
        m_impl->ingest->expectAlerts(alerts);
}

int Store::schemaVersion() const
{
    return m_impl ? m_impl->version : 0;
}

QString Store::lastError() const
{
    return m_lastError;
}

void Store::setSearchIndexDelay(int ms)
{
    if (m_impl)
        m_impl->search->setDelay(ms);
}

bool Store::refreshSearchIndex(QString* error, QDeadlineTimer deadline, qsizetype* notReached)
{
    return reindexSearchRows(true, deadline, notReached, error);
}

bool Store::indexDueSearchRows(QString* error)
{
    return reindexSearchRows(false, QDeadlineTimer(QDeadlineTimer::Forever), nullptr, error);
}

qint64 Store::searchRowsDueInMs() const
{
    return m_impl ? m_impl->search->msUntilDue() : -1;
}

bool Store::reindexSearchRows(bool all, QDeadlineTimer deadline, qsizetype* notReached, QString* error)
{
    if (notReached)
        *notReached = 0;
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    SqlTransaction tx(m_impl->db);
    if (!tx.isActive())
        return fail(u"cannot begin transaction: "_s + StoreConnection::describe(m_impl->db.lastError()), error);
    QString why;
    m_impl->search->beginBatch();
    if (!m_impl->search->reindexStale(all, &why, deadline, notReached))
        return fail(why, error);
    if (!tx.commit())
        return fail(u"cannot commit the search index: "_s + StoreConnection::describe(m_impl->db.lastError()), error);
    m_impl->search->committed();
    return true;
}

void Store::settleAlertCountsForReaders() const
{
    QString why;
    if (m_impl && !m_impl->ingest->settle(&why))
        qWarning("nightwatch: alert counters not written before a read (they trail by a moment): %s", qPrintable(why));
}

bool Store::recordNotifications(const AlertBatch& batch, QString* error, const DeliveryJournal::Mark* mark)
{
    return recordNotifications(batch, error,
                               mark ? std::span<const DeliveryJournal::Mark>(mark, 1)
                                    : std::span<const DeliveryJournal::Mark>());
}

bool Store::recordNotifications(const AlertBatch& batch, QString* error, std::span<const DeliveryJournal::Mark> marks)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    QString why;
    return m_impl->ingest->recordNotifications(batch, marks, &why) || fail(why, error);
}

bool Store::recordNotifications(PreparedNotifications&& prepared, QString* error,
                                std::span<const DeliveryJournal::Mark> marks)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    if (!prepared.m_folded)
        return true; // nothing to store
    QString why;
    return m_impl->ingest->recordFolded(prepared.m_batch, std::move(*prepared.m_folded), marks, &why) ||
           fail(why, error);
}

QHash<QByteArray, DeliveryJournal::Mark> Store::deliveryMarks(const QList<QByteArray>& keys, const QDateTime& notBefore,
                                                              QString* error)
{
    if (!m_impl) {
        fail(u"store is not open"_s, error);
        return {};
    }
    QString why;
    QHash<QByteArray, DeliveryJournal::Mark> marks = DeliveryJournal::read(*m_impl, keys, notBefore, &why);
    if (!why.isEmpty())
        fail(why, error);
    return marks;
}

bool Store::alertsStandAsIn(const AlertBatch& batch, QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    settleAlertCountsForReaders(); // a repeat's latest status may still wait in memory
    QHash<QString, bool> firing;   // by fingerprint: the batch's last word on each alert
    for (const Alert& a : batch)
        firing.insert(a.fingerprint, a.isFiring());
    QSqlQuery q(m_impl->db);
    q.setForwardOnly(true);
    if (!q.prepare(u"SELECT status FROM alerts WHERE fingerprint = ?"_s))
        return fail(u"cannot read alert states: "_s + StoreConnection::describe(q.lastError()), error);
    for (auto it = firing.cbegin(); it != firing.cend(); ++it) {
        q.bindValue(0, it.key());
        if (!q.exec())
            return fail(u"cannot read alert states: "_s + StoreConnection::describe(q.lastError()), error);
        const bool same = q.next() && (q.value(0).toString() == u"firing") == it.value();
        q.finish();
        if (!same)
            return false;
    }
    return true;
}

std::optional<DeliveryJournal::Mark> Store::deliveryMark(const QByteArray& key, const QDateTime& notBefore,
                                                         QString* error)
{
    if (!m_impl) {
        fail(u"store is not open"_s, error);
        return std::nullopt;
    }
    QString why;
    std::optional<DeliveryJournal::Mark> mark = DeliveryJournal::read(*m_impl, key, notBefore, &why);
    if (!why.isEmpty())
        fail(why, error);
    return mark;
}

qint64 Store::saveIncident(const Incident& incident, QString* error)
{
    if (!m_impl) {
        fail(u"store is not open"_s, error);
        return 0;
    }
    QString why;
    const qint64 id = m_impl->ingest->saveIncident(incident, &why);
    if (id == 0)
        fail(why, error);
    return id;
}

bool Store::saveIncidents(QVector<Incident>& incidents, QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    QString why;
    return m_impl->ingest->saveIncidents(incidents, &why) || fail(why, error);
}

bool Store::markMerged(const QString& key, qint64 intoId, QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    QString why;
    return m_impl->ingest->markMerged(key, intoId, &why) || fail(why, error);
}

std::optional<Incident> Store::loadIncident(qint64 id) const
{
    if (!m_impl)
        return std::nullopt;
    settleAlertCountsForReaders();
    QString why;
    std::optional<Incident> out = m_impl->ingest->loadIncident(id, &why);
    noteRead(why);
    return out;
}

QVector<Incident> Store::loadIncidents(int limit) const
{
    if (!m_impl)
        return {};
    settleAlertCountsForReaders();
    QString why;
    QVector<Incident> out = m_impl->ingest->loadIncidents(limit, &why);
    noteRead(why);
    return out;
}

QVector<Alert> Store::loadNotifications(const QDateTime& since) const
{
    if (!m_impl)
        return {};
    QString why;
    QVector<Alert> out = m_impl->ingest->loadNotifications(since, &why);
    noteRead(why);
    return out;
}

QVector<Alert> Store::othersNotifications()
{
    if (!m_impl)
        return {};
    QString why;
    QVector<Alert> out = m_impl->ingest->othersNotifications(&why);
    noteRead(why);
    return out;
}

qint64 Store::notificationCount() const
{
    if (!m_impl)
        return 0;
    QString why;
    const qint64 n = m_impl->ingest->notificationCount(&why);
    noteRead(why);
    return n;
}

qint64 Store::alertCount() const
{
    if (!m_impl)
        return 0;
    settleAlertCountsForReaders(); // a row deleted behind the store is back once its counters are written
    QString why;
    const qint64 n = m_impl->ingest->alertCount(&why);
    noteRead(why);
    return n;
}

QVector<PastIncident> Store::pastIncidents(const PastQuery& query) const
{
    if (!isOpen())
        return {};
    settleAlertCountsForReaders();
    QString why;
    QVector<PastIncident> out = m_impl->past->read(query, &why);
    noteRead(why);
    return out;
}

bool Store::recordAction(qint64 incidentId, const QString& kind, const QString& note, QString* error,
                         const QDateTime& when)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    QString why;
    return m_impl->humanRecord->recordAction(incidentId, kind, note, when, &why) || fail(why, error);
}

QVector<Store::Action> Store::actions(qint64 incidentId) const
{
    if (!m_impl)
        return {};
    QString why;
    const QVector<Action> out = m_impl->humanRecord->actions(incidentId, &why);
    if (!why.isEmpty())
        fail(why, nullptr);
    return out;
}

bool Store::watchOthers(QObject* context, std::function<void(const QString&, const QString&)> onChange, QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    QString why;
    if (!m_impl->backend->listen(*m_impl, context, std::move(onChange), &why))
        return fail(why, error);
    return true;
}

bool Store::recordChange(const ChangeEvent& change, QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    QString why;
    QSqlQuery* q = m_impl->statement(InsertChange, &why);
    if (!q)
        return fail(why, error);
    // A change reported without a time happened, as far as anyone knows, when it was reported.
    q->bindValue(0, text(change.service));
    q->bindValue(1, text(change.kind));
    q->bindValue(2, change.at.isValid() ? change.at.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch());
    q->bindValue(3, text(change.description));
    q->bindValue(4, text(change.link));
    if (!q->exec())
        return fail(u"cannot store change: "_s + StoreConnection::describe(q->lastError()), error);
    return true;
}

QVector<ChangeEvent> Store::loadChanges(const QDateTime& since) const
{
    QVector<ChangeEvent> out;
    if (!m_impl)
        return out;
    QString why;
    QSqlQuery* q = m_impl->statement(SelectChanges, &why);
    if (!q) {
        fail(why, nullptr);
        return out;
    }
    q->bindValue(0, since.isValid() ? since.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min());
    if (!q->exec()) {
        fail(StoreConnection::describe(q->lastError()), nullptr);
        return out;
    }
    while (q->next())
        out.append(ChangeEvent{q->value(0).toString(), q->value(1).toString(), timeOf(q->value(2)),
                               q->value(3).toString(), q->value(4).toString()});
    q->finish();
    return out;
}

qint64 Store::recordRunbookRun(const RunbookRun& run, QString* error)
{
    if (!m_impl) {
        fail(u"store is not open"_s, error);
        return 0;
    }
    QString why;
    const qint64 id = m_impl->humanRecord->recordRunbookRun(run, &why);
    if (id == 0)
        fail(why, error);
    return id;
}

QVector<RunbookRun> Store::runbookRuns(std::optional<qint64> incidentId) const
{
    if (!m_impl)
        return {};
    QString why;
    const QVector<RunbookRun> out = m_impl->humanRecord->runbookRuns(incidentId, &why);
    if (!why.isEmpty())
        fail(why, nullptr);
    return out;
}

bool Store::recordResolution(const Resolution& resolution, QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    QString why;
    return m_impl->humanRecord->recordResolution(resolution, &why) || fail(why, error);
}

std::optional<Resolution> Store::resolution(qint64 incidentId) const
{
    if (!m_impl)
        return std::nullopt;
    QString why;
    std::optional<Resolution> out = m_impl->humanRecord->resolution(incidentId, &why);
    if (!why.isEmpty())
        fail(why, nullptr);
    return out;
}

std::optional<HistoryPage> Store::searchHistory(const HistoryQuery& query, QString* error) const
{
    if (!m_impl) {
        fail(u"store is not open"_s, error);
        return std::nullopt;
    }
    settleAlertCountsForReaders();
    QString why;
    std::optional<HistoryPage> page = m_impl->history->search(query, &why);
    if (!page)
        fail(why, error);
    return page;
}

bool Store::saveViewSnapshot(qint64 incidentId, const QString& kind, const QByteArray& json, QString* error,
                             const QDateTime& at)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    QString why;
    return m_impl->history->saveViewSnapshot(incidentId, kind, json, at, &why) || fail(why, error);
}

QHash<QString, QByteArray> Store::viewSnapshots(qint64 incidentId) const
{
    if (!m_impl)
        return {};
    QString why;
    QHash<QString, QByteArray> out = m_impl->history->viewSnapshots(incidentId, &why);
    if (!why.isEmpty())
        fail(why, nullptr);
    return out;
}

QVector<Alert> Store::incidentNotifications(qint64 incidentId) const
{
    // A fingerprint can fire again in a later incident: only this incident's window counts. The window is read
    // through notifications_by_received (an index by fingerprint would slow every ingest for this rare read).
    return notificationsInWindow(incidentId, 3600 * 1000, 0, true);
}

QVector<Alert> Store::neighbourNotifications(qint64 incidentId) const
{
    // An hour either side, like the members' own window: the diagnoser looks only 5 min back, but the neighbouring
    // groups come out as the console formed them only from enough of their history (a quarter of an hour was not
    // always enough on generated storms).
    return notificationsInWindow(incidentId, 3600 * 1000, 3600 * 1000, false);
}

QVector<Alert> Store::notificationsInWindow(qint64 incidentId, qint64 beforeMs, qint64 afterMs, bool members) const
{
    if (!m_impl)
        return {};
    QString why;
    QVector<Alert> out = m_impl->history->notificationsInWindow(incidentId, beforeMs, afterMs, members, &why);
    if (!why.isEmpty())
        fail(why, nullptr);
    return out;
}
