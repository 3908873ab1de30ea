#pragma once
// diagnoseAll: the one way a set of concurrent incidents is diagnosed, used by the console (Pipeline), the history
// browser's replay (ReplayTimeline::diagnosisAt) and `nightwatch-cli diagnose` / the benchmark (diagnoseScenario),
// so the three cannot drift apart. Each incident is diagnosed with the alerts of the others that bear on it
// (Diagnoser::Context::elsewhere) and the causes the smaller ones lend it (Diagnoser::causeLentBy): smallest
// first, so those causes are final when a bigger incident reads them.

#include "diagnose/diagnoser.h"
#include "model/incident.h"
#include "model/metricsupport.h"

#include <QHash>
#include <QSet>
#include <QString>

#include <functional>

// What the diagnosis knows besides the incidents, the graph and the changes (both held by the Diagnoser). Every
// member is optional: a source that has nothing to say leaves it empty.
struct IncidentSetSupport
{
    std::function<MetricSupportMap(const Incident&)> metrics;   // Prometheus' evidence for its candidates
    std::function<MetricSupportMap(const Incident&)> pastRoots; // history: SimilarIncidentFinder::rootSupport
    std::function<QHash<QString, double>(const Incident&)> anomaly; // metric series (SeriesAnomaly::scores)
    // Sees each incident and its context just before it is diagnosed (the calibration benchmark's features).
    std::function<void(const Incident&, const Diagnoser::Context&)> inspect;
    // Asked before each incident: true ends the run early (a console closing while a worker diagnoses a storm);
    // what was diagnosed until then is kept and returned.
    std::function<bool()> stop;
};

// Diagnoses the incidents named by `keys` in place (their rootCauses); every incident of `incidents` counts as a
// neighbour. Without `memo` exactly those are diagnosed (a smaller incident's cause is lent only to bigger ones, so
// naming an incident and all smaller ones gives it its final candidates). With `memo` (by key: a digest of what
// the last diagnosis read; the console's incremental mode), an incident whose alerts, neighbours' alerts and lent
// causes did not change keeps its candidates (remove its entry to force a new diagnosis: new metrics, history or
// changes), and after one whose top cause changed the bigger open incidents it lends that cause to follow.
// Returns the keys whose candidates were recomputed.
QSet<QString> diagnoseAll(const Diagnoser& diagnoser, QHash<QString, Incident>& incidents, const QSet<QString>& keys,
                          const IncidentSetSupport& support = {}, QHash<QString, size_t>* memo = nullptr);

// The console's refresh: the incidents whose alerts changed (`changed`), and every open incident one of them may bear
// on (Diagnoser::mayBearOn: a root alert kept apart changes a neighbour's diagnosis), through diagnoseAll() with
// `memo`, so those whose input did not change keep their candidates. The one definition the pipeline uses both on
// its worker's copy of the incidents and in place (Pipeline::flush(), Options::diagnoseInBackground off).
QSet<QString> diagnoseChanged(const Diagnoser& diagnoser, QHash<QString, Incident>& incidents,
                              const QSet<QString>& changed, const IncidentSetSupport& support,
                              QHash<QString, size_t>* memo);
