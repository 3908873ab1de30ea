#pragma once
// StoreSchema: the database schema as an ordered list of migrations. migrations()[i] takes a
// database from user_version i to i + 1. Steps are append-only: a released step is never edited,
// because databases in the field were built by it; change the schema by adding a step.

#include <QStringList>
#include <QVector>

namespace StoreSchema {

const QVector<QStringList>& migrations(); // each step: SQL statements run in order, one transaction per open
inline int latestVersion() { return int(migrations().size()); }

// PostgreSQL (the shared team store) keeps the same tables and column names in its own dialect: BIGINT
// milliseconds, BIGSERIAL ids, DOUBLE PRECISION scores, "user" quoted. A fresh database gets the schema of
// postgresBaselineVersion() in one step, because the SQLite steps before it back-fill with SQLite's JSON
// functions; later steps run there as postgresStep() translates them. The version lives in a
// schema_version table (PostgreSQL has no PRAGMA user_version).
int postgresBaselineVersion();
const QStringList& postgresBaseline();
// migrations()[step] in PostgreSQL's dialect (step >= postgresBaselineVersion()): INTEGER PRIMARY KEY ->
// BIGSERIAL PRIMARY KEY, INTEGER -> BIGINT, REAL -> DOUBLE PRECISION, a user column quoted. A step that
// needs more than that must get its own PostgreSQL text here.
QStringList postgresStep(int step);

} // namespace StoreSchema
