#pragma once
// DeliveryJournal: how much of a delivery is committed, so that a sender's resend of the same body (its 200 lost to a
// stop, a crash or a cut connection) is not counted twice. A big body (more alerts than the pipeline's chunk) is
// stored in chunks, one transaction each, and answered 200 only after the last; a stop (503 once the answer window is
// over) or a crash in between leaves its first chunks committed and the sender sending it all again. The journal
// row, written in the transaction of each chunk (recordNotifications() with a Mark), tells the resend where to go
// on. A small body commits whole with the deliveries stored beside it, and its row (stored == total) is written in
// that same transaction: a crash between that commit and the 200 leaves the row saying "stored", and the resend
// stores nothing (see Pipeline::Options::resendWindowMs for when an identical body is a resend and when it counts).
// Rows older than the resend window are deleted as new ones are written (the pipeline asks for it every few
// seconds: one DELETE through the updated_at index for all the rows that aged meanwhile): a body sent again after
// that is a new notification. Works on both backends (the connection's prepared-once statements, StoreSql).

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>

#include <optional>
#include <span>

struct StoreConnection;

class DeliveryJournal
{
public:
    struct Mark
    {
        QByteArray key;   // DeliveryKey::of(): the feed and the body bytes
        qint64 stored = 0; // its first `stored` alerts are committed (with this chunk)
        qint64 total = 0;
        qint64 expireBeforeMs = 0; // rows written before this (ms since the epoch) are deleted with this write
    };

    // Inside the caller's transaction: the marks' rows, written at now, after the rows written before the largest
    // expireBeforeMs among them are deleted. True and nothing done when marks is empty.
    static bool write(StoreConnection& connection, std::span<const Mark> marks, QString* error);
    // The row of key written at or after notBefore; nullopt when there is none (error set when the read failed).
    static std::optional<Mark> read(StoreConnection& connection, const QByteArray& key, const QDateTime& notBefore,
                                    QString* error);
    // The rows of keys written at or after notBefore, by key (one statement prepared for all of them); those with
    // none are missing. Empty with error set when a read failed.
    static QHash<QByteArray, Mark> read(StoreConnection& connection, const QList<QByteArray>& keys,
                                        const QDateTime& notBefore, QString* error);
};
