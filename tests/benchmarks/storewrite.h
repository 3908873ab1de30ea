#pragma once
// nightwatch-bench --store-write: Store::recordNotifications alone, without parser, HTTP or pipeline: one batch of
// N distinct alerts into a new store (what one big delivery costs the store), the same N again (every one a
// repeat of a known alert), and N more distinct ones into the store that holds the first N. Each figure is the
// median of three runs, each on a new SQLite file (or, with --store-url, a new schema-less PostgreSQL database
// the caller provides: one run there, since the rows stay). Also: the serve storm's big webhook body (parsed, two
// labels an alert) into a new SQLite file, and saveIncidents of one incident holding the first batch (new, grown,
// touched). Figures only: no speed is asserted.

#include <QString>

struct StoreWriteOptions
{
    int alerts = 100'000; // per batch
    int runs = 3;
    QString url;          // a fresh, empty PostgreSQL database instead of SQLite files (one run)
    bool json = false;
};

int runStoreWrite(const StoreWriteOptions& options);
