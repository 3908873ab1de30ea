#pragma once
// nightwatch-bench, the benchmark harness (not shipped: the CLI stays a user tool). Default mode: a synthetic alert storm over a generated
// 1,000-service graph, measured through the in-process pipeline, our webhook receiver over loopback and
// (when installed) a real Alertmanager, plus diagnosis latency and memory. `--suite DIR`: the
// calibration of the diagnose engine's confidence on generated scenarios, as a reliability table.
// Figures only; nothing here asserts a target.

#include <QStringList>

// args: the arguments after the program name. Returns the process exit code.
int runBenchCommand(const QStringList& args);
