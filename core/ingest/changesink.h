#pragma once
// ChangeSink: where change events (deploys, config changes) posted to the receiver or found in a
// replay file are delivered. Like AlertSink, submitChange() returns only once the event is stored,
// may block, and implementations are thread-safe.

#include "model/changeevent.h"

#include <QString>
#include <QVector>

#include <functional>

class ChangeSink
{
public:
    virtual ~ChangeSink() = default;
    virtual bool submitChange(const ChangeEvent& change, QString* error) = 0;
    // One delivery of several events (a POST to /api/v1/changes). A sink that can store them all or none
    // (Pipeline: one transaction) overrides this; this default stores them one by one and stops at the first
    // failure, leaving the ones before it stored.
    virtual bool submitChanges(const QVector<ChangeEvent>& changes, QString* error)
    {
        for (const ChangeEvent& c : changes)
            if (!submitChange(c, error))
                return false;
        return true;
    }
    // The same promise without the wait: done(stored, error) runs once the batch is stored (or could not be), on
    // whatever thread stored it, so a receiver can answer other requests (/healthz) meanwhile.
    using ChangesStored = std::function<void(bool stored, const QString& error)>;
    virtual void submitChangesDeferred(QVector<ChangeEvent> changes, ChangesStored done)
    {
        QString error;
        const bool stored = submitChanges(changes, &error);
        done(stored, error);
    }
};
