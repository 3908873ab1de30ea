#pragma once
// AlertSink: where every feed delivers its normalised notifications. submit() returns only after the
// batch is durably stored (a webhook answers 200 only then), so it may block; callers are never on
// the GUI thread. Implementations are thread-safe.
//
// submitDeferred() is the same promise without the wait: done(stored, error) runs once the batch is
// durably stored (or could not be), on whatever thread stored it. A receiver uses it to go on reading
// other deliveries meanwhile; a sink that can store several waiting batches in one transaction overrides it.

#include "model/alert.h"

#include <functional>

class AlertSink
{
public:
    using Stored = std::function<void(bool stored, const QString& error)>;

    virtual ~AlertSink() = default;
    virtual bool submit(const AlertBatch& batch, QString* error) = 0;
    virtual void submitDeferred(AlertBatch batch, Stored done)
    {
        QString error;
        const bool stored = submit(batch, &error);
        done(stored, error);
    }
    // The same for a delivery named by key (DeliveryKey: its route and body bytes). A sink that stores a big delivery
    // in several transactions keeps how far it got under the key, so that a resend of the same body (after a 503 or
    // a crash half-way) stores only the rest. An empty key, or a sink without that, stores it as submitDeferred().
    virtual void submitDelivery(AlertBatch batch, const QByteArray& key, Stored done)
    {
        Q_UNUSED(key);
        submitDeferred(std::move(batch), std::move(done));
    }
};
