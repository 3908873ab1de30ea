#pragma once
// StoreSchema: the database schema as an ordered list of migrations. migrations()[i] takes a
// database from user_version i to i + 1. Steps are append-only: a released step is never edited,
// because databases in the field were built by it; change the schema by adding a step.

#include <QStringList>
#include <QVector>

namespace StoreSchema {

const QVector<QStringList>& migrations(); // each step: SQL statements run in order, one transaction per open
inline int latestVersion() { return int(migrations().size()); }

} // namespace StoreSchema
