#pragma once
// diagnoseScenario: a whole recorded scenario through correlation and diagnosis in one call, the engine behind
// `nightwatch-cli diagnose` and the calibration benchmark (nightwatch-bench --suite), so the benchmark measures
// exactly what the command prints.

#include "diagnose/diagnoser.h"
#include "model/incident.h"

#include <QVector>

#include <functional>

class InhibitRuleSet;
struct Scenario;

// Correlates the scenario's alerts (inhibited by rules when given), diagnoses every incident and returns them in
// list order (Incident::listedBefore). inspect, when set, sees each incident before diagnosis, smallest first (diagnoseAll).
QVector<Incident> diagnoseScenario(Scenario scenario, const InhibitRuleSet* rules,
                                   const std::function<void(const Diagnoser&, const Incident&, const Diagnoser::Context&)>& inspect = {});
