#include "sqlitecheckpointer.h"

#include <sqlite3.h>

#ifdef __GLIBC__
#include <pthread.h>
#endif

#include <QByteArray>

using namespace Qt::StringLiterals;

SqliteCheckpointer::~SqliteCheckpointer()
{
    stop();
}

bool SqliteCheckpointer::start(sqlite3* writer, QString* why)
{
    stop();
    const char* file = writer ? sqlite3_db_filename(writer, "main") : nullptr;
    if (!file || !*file)
        return false; // in memory or temporary: no log to checkpoint
    sqlite3_stmt* mode = nullptr;
    QByteArray journal;
    if (sqlite3_prepare_v2(writer, "PRAGMA journal_mode", -1, &mode, nullptr) == SQLITE_OK &&
        sqlite3_step(mode) == SQLITE_ROW)
        journal = QByteArray(reinterpret_cast<const char*>(sqlite3_column_text(mode, 0))).toLower();
    sqlite3_finalize(mode);
    if (journal != "wal")
        return false;
    // Its own connection: the writer's may be mid-transaction whenever a checkpoint is due.
    if (sqlite3_open_v2(file, &m_own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        *why = u"cannot open the database for checkpoints: "_s + QString::fromUtf8(sqlite3_errmsg(m_own));
        sqlite3_close(m_own);
        m_own = nullptr;
        return false;
    }
    sqlite3_busy_timeout(m_own, 1000);
    // A connection opens the log at its first read; until then its checkpoints silently do nothing.
    if (sqlite3_exec(m_own, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr) != SQLITE_OK) {
        *why = u"cannot read the database for checkpoints: "_s + QString::fromUtf8(sqlite3_errmsg(m_own));
        sqlite3_close(m_own);
        m_own = nullptr;
        return false;
    }
    m_writer = writer;
    m_stopping = false;
    m_due = false;
    m_thread = std::thread([this] { run(); });
    // Replaces the writer's auto-checkpoint (which is itself a WAL hook).
    sqlite3_wal_hook(m_writer, &SqliteCheckpointer::walHook, this);
    return true;
}

void SqliteCheckpointer::stop()
{
    if (m_writer)
        sqlite3_wal_autocheckpoint(m_writer, kTriggerFrames); // the writer checkpoints itself again
    if (m_thread.joinable()) {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }
    sqlite3_close(m_own); // a no-op on nullptr
    m_own = nullptr;
    m_writer = nullptr;
}

int SqliteCheckpointer::checkpointsDone() const
{
    std::lock_guard lock(m_mutex);
    return m_done;
}

int SqliteCheckpointer::walHook(void* self, sqlite3* db, const char* name, int frames)
{
    auto* me = static_cast<SqliteCheckpointer*>(self);
    if (frames >= kWriterFallbackFrames) {
        // The thread is far behind: bound the log here, as SQLite's own hook would.
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (frames >= kTriggerFrames) {
        {
            std::lock_guard lock(me->m_mutex);
            me->m_due = true;
        }
        me->m_wake.notify_one();
    }
    return SQLITE_OK;
}

void SqliteCheckpointer::run()
{
#ifdef __GLIBC__
    // Its own name, not the pipeline's it inherits: per-thread CPU figures (bench, top -H) tell the two apart.
    pthread_setname_np(pthread_self(), "nightwatch-ckpt");
#endif
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_due || m_stopping; });
        if (m_stopping)
            return;
        m_due = false;
        lock.unlock();
        // Passive: copies what no reader still needs, never waits for the writer or a reader. A failure (the
        // disk full, the file gone read-only) is the writer's to report: its next commit fails on the same cause.
        sqlite3_wal_checkpoint_v2(m_own, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        lock.lock();
        ++m_done;
    }
}
