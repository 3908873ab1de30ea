#pragma once
// The `nightwatch-cli diagnose SCENARIO.json` subcommand: reads a scenario (shared/scenarios/FORMAT.md),
// runs the correlator and the diagnoser over it and prints the incidents as JSON, in the order the console lists them
// (Incident::listedBefore). Never reads the scenario's `truth`.

#include "diagnose/diagnoser.h"
#include "model/incident.h"

#include <QStringList>
#include <QVector>

#include <functional>

class InhibitRuleSet;
struct Scenario;

// args: the arguments after "diagnose". Returns the process exit code (2 for unusable input).
int runDiagnoseCommand(const QStringList& args);

// The engine behind the command, shared with `bench --suite` so the benchmark measures exactly what is
// printed: correlates the scenario's alerts (inhibited by rules when given), diagnoses every incident and
// returns them in list order. inspect, when set, sees each incident before diagnosis, in correlator order.
QVector<Incident> diagnoseScenario(Scenario scenario, const InhibitRuleSet* rules,
                                   const std::function<void(const Diagnoser&, const Incident&, const Diagnoser::Context&)>& inspect = {});
