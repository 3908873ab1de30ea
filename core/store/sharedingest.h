#pragma once
// SharedIngest: the ingest write strategy of the shared PostgreSQL store, which several consoles write at once. No
// single-writer caches (another console may have changed any row since): every batch goes to the server as JSON rows
// bound as one parameter (PostgreSQL parses them as fast as it binds, and its RETURNING gives the ids), every commit
// is announced to the other consoles (NOTIFY), and the notifications they commit are read by id behind a cursor that
// waits for the holes of their transactions still in flight.

#include "ingestrepository.h"

#include <QElapsedTimer>
#include <QSet>

class SharedIngest : public IngestRepository
{
public:
    SharedIngest(StoreConnection& connection, SearchIndex& search) : IngestRepository(connection, search) {}

    bool open(QString* error) override;
    bool recordNotifications(const AlertBatch& batch, std::span<const DeliveryJournal::Mark> marks,
                             QString* error) override;
    QVector<Alert> othersNotifications(QString* error) override;

protected:
    bool rowsToWrite(const Incident& incident, qint64 id, const RowsDigest& digest, bool* members, bool* causes,
                     QString* error) override;
    bool take(qint64 id, bool unseenOnly) override;

private:
    void markSeen(qint64 id);
    void advanceCursor();

    // Which notifications this repository has seen (its own or returned by othersNotifications): every id up to
    // m_contiguous, and the ones above it in m_seenAbove. A hole below a seen id is a transaction of another console
    // still in flight (ids are taken before commit), so it is asked for again until it fills or is older than
    // kGapPatienceMs (a rolled-back insert leaves a hole for good).
    qint64 m_contiguous = 0;
    QSet<qint64> m_seenAbove;
    QElapsedTimer m_gapSince;
    static constexpr qint64 kGapPatienceMs = 30'000;
};
