#pragma once
// SqliteBusyTimeout: how long the writes of an open Store wait for another process's lock before they fail
// "locked". The pipeline shortens it while it knows the file is locked, so that each try fails fast instead of
// holding its thread for the 5 s the store opens with. A no-op on a connection that is not SQLite.

class QString;

namespace SqliteBusyTimeout {

// What SqliteBackend opens every connection with (QSQLITE_BUSY_TIMEOUT), and how long it retries the switch to WAL.
constexpr int OpenedWithMs = 5'000;

// connectionName: the name the Store was constructed with, on the thread that opened it; ms < 0: OpenedWithMs.
void set(const QString& connectionName, int ms);

} // namespace SqliteBusyTimeout
