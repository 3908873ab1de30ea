#include "ingestbatch.h"

namespace IngestBatch {

Folded fold(const AlertBatch& batch)
{
    Folded out;
    FingerprintTable<qsizetype>& foldOf = out.foldOf;
    out.folds.reserve(batch.size());
    out.foldOfRow.reserve(batch.size());
    out.received.reserve(batch.size());
    foldOf.reserve(batch.size());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (qsizetype i = 0; i < batch.size(); ++i) {
        const Alert& a = batch.at(i);
        const QString fingerprint = a.fingerprint.isEmpty() ? Alert::fingerprintOf(a.labels) : a.fingerprint;
        const bool firing = a.isFiring();
        const qint64 received = a.receivedAt.isValid() ? a.receivedAt.toMSecsSinceEpoch() : now;
        out.received.append(received);
        AlertCountDelta d;
        d.lastFiring = firing;
        d.startsAt = d.firstStartsAt = msOrNoTime(a.startsAt);
        d.endsAt = msOrNoTime(a.endsAt);
        d.firstReceived = d.lastReceived = received;
        d.count = 1;
        bool added = false;
        qsizetype& slot = foldOf.findOrInsert(fingerprint, &added);
        if (added) {
            slot = out.folds.size();
            out.foldOfRow.append(slot);
            d.fingerprintUtf8 = fingerprint.toUtf8();
            out.folds.append(Fold{i, fingerprint, std::move(d), firing});
            continue;
        }
        out.foldOfRow.append(slot);
        Fold& f = out.folds[slot];
        d.flaps = firing && !f.delta.lastFiring ? 1 : 0;
        f.delta.merge(d);
        f.last = i;
    }
    return out;
}

} // namespace IngestBatch
