#pragma once

// Lowers the calling thread's scheduling priority (its nice value, Linux) by steps. Threads it starts later inherit
// the value, so calling it first thing on a worker thread covers the pools that worker starts too.
// Why: on a two-core laptop a storm keeps the pipeline, the receiver and their pools busy, and the window's thread,
// at the same priority, waited in the run queue longer than it ran (576 ms waiting for 349 ms running in 10 s of
// tst_ui_stormstall): hundreds of milliseconds between frames while its own work took a few.
namespace WorkerPriority {
// Steps between the window's thread and the console's workers (ConsoleRuntime::Config::workerNiceSteps): ten gives the
// window about nine times a worker's share of a busy core. Five (three times) still left the window's thread up to
// 22-47 ms in the run queue within one frame under a storm of 11k alerts/s, 533-785 ms in 30 s of tst_ui_stormstall;
// ten halved that (360-446 ms, longest 10-24 ms) at the same ingest rate.
constexpr int kBelowWindow = 10;

// false when the system refused (the thread keeps its priority; nothing else depends on it) or does not support it.
bool lowerCurrentThread(int steps);

// Sets the calling thread's nice value to the main thread's lowered by steps, whatever the caller's own value: a
// thread started from a worker that is already lowered would otherwise end up lower still. false as above, and when
// the caller is lower than that and the system does not let it rise (raising needs CAP_SYS_NICE).
bool placeCurrentThreadBelowMain(int steps);
// The calling thread's nice value minus the main thread's (0 on systems without per-thread nice values).
int currentThreadBelowMain();
} // namespace WorkerPriority
