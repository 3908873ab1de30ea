#pragma once
// AlertSink: where every feed delivers its normalised notifications. submit() returns only after the
// batch is durably stored (a webhook answers 200 only then), so it may block; callers are never on
// the GUI thread. Implementations are thread-safe.

#include "model/alert.h"

class AlertSink
{
public:
    virtual ~AlertSink() = default;
    virtual bool submit(const AlertBatch& batch, QString* error) = 0;
};
