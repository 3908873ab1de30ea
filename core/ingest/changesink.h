#pragma once
// ChangeSink: where change events (deploys, config changes) posted to the receiver or found in a
// replay file are delivered. Like AlertSink, submitChange() returns only once the event is stored,
// may block, and implementations are thread-safe.

#include "model/changeevent.h"

#include <QString>

class ChangeSink
{
public:
    virtual ~ChangeSink() = default;
    virtual bool submitChange(const ChangeEvent& change, QString* error) = 0;
};
