#pragma once
// PendingAlertCounts: what repeats of known alerts did to their rows in the alerts table (deliveries, flaps,
// first/last received, latest status and times) that the Store has not written there yet.
//
// Why: in a storm most notifications repeat an alert whose row is already stored. Rewriting that row with
// every delivery made each commit rewrite dozens of scattered pages of the alerts table, most of the disk
// traffic of an ingest. Every notification is still committed to the notifications table before its
// delivery is answered (the durable record); the counters it implies are folded here and written to their
// rows in one go at the next flush (a save of incidents, a read of alert rows, close, or after a second).
// A crash in between loses nothing: each row records the last notification it counts (counted_through) and
// open() folds in the notifications past it.

#include "model/alert.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <limits>
#include <memory>

struct AlertCountDelta
{
    static constexpr qint64 noTime = std::numeric_limits<qint64>::max();

    QByteArray fingerprintUtf8;
    bool lastFiring = true;   // latest notification's status
    qint64 startsAt = noTime; // latest notification's startsAt / endsAt; noTime: NULL
    qint64 endsAt = noTime;
    qint64 firstStartsAt = noTime; // earliest startsAt among the notifications folded; noTime: none had one
    qint64 firstReceived = noTime;
    qint64 lastReceived = std::numeric_limits<qint64>::min();
    int count = 0;
    int flaps = 0;     // resolved -> firing, counted against the row's status before these notifications
    qint64 lastId = 0; // the newest notification folded in: the row's counted_through once written
    // The latest notification itself, for the repeats held back only (see SqliteIngest): should the row have vanished
    // meanwhile, it is written whole again. A pointer, as a big delivery folds 100,000 deltas that never need one.
    std::shared_ptr<const Alert> latest;

    // Folds later notifications of the same alert in: the latest status and times win, counts add up.
    void merge(const AlertCountDelta& later);
};

class PendingAlertCounts
{
public:
    bool isEmpty() const { return m_byFingerprint.isEmpty(); }
    qsizetype size() const { return m_byFingerprint.size(); }
    // Milliseconds (steady clock) since the oldest pending delta was added; 0 when empty.
    qint64 ageMs(qint64 nowMs) const { return isEmpty() ? 0 : nowMs - m_since; }

    void add(const QString& fingerprint, const AlertCountDelta& delta, qint64 nowMs);
    void add(const QString& fingerprint, AlertCountDelta&& delta, qint64 nowMs); // a storm's repeats: not copied
    const AlertCountDelta* find(const QString& fingerprint) const;
    void remove(const QString& fingerprint) { m_byFingerprint.remove(fingerprint); }
    const QHash<QString, AlertCountDelta>& all() const { return m_byFingerprint; }
    void clear() { m_byFingerprint.clear(); }

private:
    QHash<QString, AlertCountDelta> m_byFingerprint;
    qint64 m_since = 0;
};
