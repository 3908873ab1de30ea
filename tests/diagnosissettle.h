#pragma once
// Waiting for a pipeline's diagnosis to settle in tests, by its diagnosisSettled() signal rather than by sleeping.

#include "pipeline/pipeline.h"

#include <QSignalSpy>

namespace testsupport {

// Until nothing is left to diagnose. `settled` spies on the pipeline's (or its ConsoleRuntime's) diagnosisSettled();
// a signal that came between the check and the wait is not lost: the state is asked again when the wait ends
// without one.
inline bool waitSettled(const Pipeline* pipeline, QSignalSpy& settled, int timeoutMs = 10'000)
{
    for (int round = 0; round < 1000; ++round) {
        if (pipeline->isDiagnosisSettled())
            return true;
        settled.clear();
        if (!settled.wait(timeoutMs) && !pipeline->isDiagnosisSettled())
            return false;
    }
    return false;
}

} // namespace testsupport
