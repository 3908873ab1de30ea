#pragma once
// SqliteCheckpointer: copies the console's SQLite write-ahead log back into the database file on a thread of its
// own, instead of inside the commit that crossed SQLite's threshold. With the default auto-checkpoint the commit
// of a big delivery (tens of megabytes of WAL) also wrote every page a second time into the database and waited
// for two fsyncs before its 200 could be answered: a third of the store's time. The log is still checkpointed
// as soon as it passes the same 1,000 pages, just not by the writer.
//
// It changes no row (a checkpoint only moves committed pages from the log into the file; the Store's one
// connection stays the only writer of data) and nothing about durability: a commit is durable once it is in the
// log (WAL, synchronous=NORMAL), and a crash mid-checkpoint is redone from the log at the next open. Passive
// checkpoints never block the writer or a reader. Should the thread fall far behind (a reader holding an old
// snapshot), the commit checkpoints itself again, so the log stays bounded.

#include <QString>

#include <condition_variable>
#include <mutex>
#include <thread>

struct sqlite3;

class SqliteCheckpointer
{
public:
    SqliteCheckpointer() = default;
    ~SqliteCheckpointer();
    SqliteCheckpointer(const SqliteCheckpointer&) = delete;
    SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

    // Takes over writer's checkpoints (its WAL hook) when its main database is a file in WAL mode; false (and the
    // writer keeps checkpointing itself) otherwise, with why when something failed rather than did not apply.
    bool start(sqlite3* writer, QString* why);
    // Gives the checkpoints back to the writer and ends the thread: call before the writer's connection closes.
    void stop();
    bool isRunning() const { return m_thread.joinable(); }
    // Passive checkpoints the thread has finished (each whole or partial).
    int checkpointsDone() const;

    static constexpr int kTriggerFrames = 1000;         // SQLite's own auto-checkpoint threshold
    static constexpr int kWriterFallbackFrames = 65536; // 256 MiB of 4 KiB pages: the writer checkpoints itself

private:
    static int walHook(void* self, sqlite3* db, const char* name, int frames);
    void run();

    sqlite3* m_writer = nullptr;
    sqlite3* m_own = nullptr; // the thread's connection to the same file
    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_due = false;
    bool m_stopping = false;
    int m_done = 0;
};
