#include "ingestbatch.h"

namespace IngestBatch {

Folded fold(const AlertBatch& batch, bool withTexts)
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
    if (withTexts) {
        out.textsOf.reserve(size_t(out.folds.size()));
        out.textBuffer.reserve(out.folds.size() * 160);
        for (const Fold& f : std::as_const(out.folds))
            out.textsOf.push_back(AlertRowBatch::encode(out.textBuffer, batch.at(f.last), f.delta.fingerprintUtf8));
    }
    return out;
}

void append(Folded& head, qsizetype headRows, Folded&& tail)
{
    Q_ASSERT(head.textsOf.empty() && head.received.size() == headRows);
    // The tail is the big part (a chunk of thousands, the head the few small deliveries stored with it): the head's
    // folds go into the tail's table, so that only they are hashed. A fingerprint in both keeps the tail's fold,
    // with the head's notifications folded in before its own; the head's others follow the tail's folds (the order of
    // folds changes nothing that is written).
    QVector<qsizetype> slotOf(head.folds.size());
    if (!tail.textsOf.empty())
        tail.textsOf.reserve(tail.textsOf.size() + size_t(head.folds.size()));
    for (Fold& t : tail.folds)
        t.last += headRows;
    for (qsizetype k = 0; k < head.folds.size(); ++k) {
        Fold& h = head.folds[k];
        bool added = false;
        qsizetype& slot = tail.foldOf.findOrInsert(h.fingerprint, &added);
        if (added) {
            slot = tail.folds.size();
            slotOf[k] = slot;
            tail.folds.append(std::move(h));
            if (!tail.textsOf.empty())
                tail.textsOf.emplace_back(); // none: encoded when written
            continue;
        }
        slotOf[k] = slot;
        // As fold() would have gone on from the head's last notification of it into the tail's.
        Fold& t = tail.folds[slot];
        AlertCountDelta later = std::move(t.delta);
        later.flaps += t.firstFiring && !h.delta.lastFiring ? 1 : 0;
        t.delta = std::move(h.delta);
        t.delta.merge(later);
        t.firstFiring = h.firstFiring;
    }
    QVector<qsizetype> foldOfRow;
    foldOfRow.reserve(headRows + tail.foldOfRow.size());
    for (const qsizetype k : std::as_const(head.foldOfRow))
        foldOfRow.append(slotOf.at(k));
    foldOfRow.append(tail.foldOfRow);
    tail.foldOfRow = std::move(foldOfRow);
    head.received.append(tail.received);
    tail.received = std::move(head.received);
    head = std::move(tail);
}

} // namespace IngestBatch
