#pragma once
// The `nightwatch-cli diagnose SCENARIO.json` subcommand: reads a scenario (docs/scenario-format.md),
// runs the correlator and the diagnoser over it and prints the incidents as JSON, in the order the console lists them
// (Incident::listedBefore). Never reads the scenario's `truth`.

#include <QStringList>

// args: the arguments after "diagnose". Returns the process exit code (2 for unusable input).
int runDiagnoseCommand(const QStringList& args);
