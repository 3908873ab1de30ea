#pragma once
// IngestBatch: one batch of notifications folded per fingerprint before either ingest strategy writes it: the alerts
// table sees at most one write per fingerprint per batch instead of one per notification. Shared by SqliteIngest and
// SharedIngest; private to core/store.

#include "alertrowbatch.h"
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
    // Optional (fold() with texts): per fold, its latest alert's row texts encoded in textBuffer, as the row written
    // whole takes them (AlertRowBatch::adoptTexts). Empty, or one per fold (a fold without: at < 0).
    QByteArray textBuffer;
    std::vector<AlertRowBatch::Texts> textsOf;

    const AlertRowBatch::Texts* textsOfFold(qsizetype k) const
    {
        return textsOf.empty() ? nullptr : &textsOf[size_t(k)];
    }

    const Fold* find(const QString& fingerprint) const
    {
        const qsizetype* k = foldOf.find(fingerprint);
        return k ? &folds.at(*k) : nullptr;
    }
};

// withTexts: every fold's row texts encoded too (textsOf), so that the pipeline can fold a chunk of a big delivery on
// another thread while the store writes the one before it.
Folded fold(const AlertBatch& batch, bool withTexts = false);

// head becomes what fold(headBatch + tailBatch) gives, but for the order of its folds, headRows being headBatch's size:
// the deliveries that arrived meanwhile join a big delivery's chunk folded ahead. head has no texts; the tail's go
// with its folds (a fingerprint in both is written with the tail's latest alert, whose texts they are).
void append(Folded& head, qsizetype headRows, Folded&& tail);

inline qint64 msOrNoTime(const QDateTime& t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : noTime;
}

} // namespace IngestBatch
