#pragma once
// IngestBatch: one batch of notifications folded per fingerprint before either ingest strategy writes it: the alerts
// table sees at most one write per fingerprint per batch instead of one per notification. Shared by SqliteIngest and
// SharedIngest; private to core/store.

#include "fingerprinttable.h"
#include "model/alert.h"
#include "pendingalertcounts.h"

#include <QString>
#include <QVector>

namespace IngestBatch {

constexpr qint64 noTime = AlertCountDelta::noTime;

// One fingerprint's notifications within a batch, folded.
struct Fold
{
    qsizetype last; // index of the latest notification in the batch
    QString fingerprint;
    AlertCountDelta delta; // flaps here: only those inside the batch until classified against the row
    bool firstFiring;
    bool known = false;  // the strategy knows the row's status (its flap is counted in delta)
    bool narrow = false; // known, details unchanged: only the counters change
};

struct Folded
{
    QVector<Fold> folds;
    QVector<qsizetype> foldOfRow;       // per notification
    QVector<qint64> received;           // per notification, ms; stamped with now when the feed gave none
    FingerprintTable<qsizetype> foldOf; // fingerprint -> its fold

    const Fold* find(const QString& fingerprint) const
    {
        const qsizetype* k = foldOf.find(fingerprint);
        return k ? &folds.at(*k) : nullptr;
    }
};

Folded fold(const AlertBatch& batch);

inline qint64 msOrNoTime(const QDateTime& t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : noTime;
}

} // namespace IngestBatch
