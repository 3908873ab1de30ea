#pragma once
// DeliveryJournal: how much of a big delivery is committed. A body of more alerts than the pipeline's chunk is
// stored in chunks, one transaction each, and answered 200 only after the last; a stop (503 once the answer window
// is over) or a crash in between leaves its first chunks committed and the sender sending it all again. The journal
// row, written in the transaction of each chunk (recordNotifications() with a Mark), tells the resend where to go
// on, so no alert of it is counted twice, and a resend of a body already stored whole (its 200 lost) stores nothing.
// Rows older than the resend window are deleted as new ones are written: a body sent again after that is a new
// notification (see Pipeline::Options::resendWindowMs). Works on both backends (plain SQL, the caller's connection).

#include <QByteArray>
#include <QDateTime>

#include <optional>

class QSqlDatabase;

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

    // Inside the caller's transaction: the mark's row, written at now.
    static bool write(QSqlDatabase& db, const Mark& mark, QString* error);
    // The row of key written at or after notBefore; nullopt when there is none (error set when the read failed).
    static std::optional<Mark> read(QSqlDatabase& db, const QByteArray& key, const QDateTime& notBefore,
                                    QString* error);
};
