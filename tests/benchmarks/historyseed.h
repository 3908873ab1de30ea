#pragma once
// HistorySeed: a synthetic incident history for the search benchmark: years of incidents with a realistic
// label vocabulary (services, teams, alertnames, regions), diagnoses, notes and resolutions, written through
// Store's own transactions (recordNotifications + saveIncidents in batches), so the search index is the one
// the console keeps. Deterministic for a seed.

#include <QDateTime>
#include <QString>

class Store;

namespace HistorySeed {

// Vocabulary shared by the seeder and the benchmark's queries.
const QStringList& services();
const QStringList& teams();
const QStringList& alertnames();

// Writes `count` incidents whose first alerts spread over `years` years before `end`. Returns false with error.
bool seed(Store& store, int count, quint32 seed, const QDateTime& end, int years, QString* error);

} // namespace HistorySeed
