#pragma once

// Lowers the calling thread's scheduling priority (its nice value, Linux) by steps. Threads it starts later inherit
// the value, so calling it first thing on a worker thread covers the pools that worker starts too.
// Why: on a two-core laptop a storm keeps the pipeline, the receiver and their pools busy, and the window's thread,
// at the same priority, waited in the run queue longer than it ran (576 ms waiting for 349 ms running in 10 s of
// tst_ui_stormstall): hundreds of milliseconds between frames while its own work took a few.
namespace WorkerPriority {
// Steps between the window's thread and the console's workers: five gives the window about three times a worker's
// share of a busy core (ConsoleRuntime::Config::workerNiceSteps).
constexpr int kBelowWindow = 5;

// false when the system refused (the thread keeps its priority; nothing else depends on it) or does not support it.
bool lowerCurrentThread(int steps);
} // namespace WorkerPriority
