#pragma once
// AlertRowBatch: the alerts rows one SqliteIngest commit writes whole (a fingerprint new to the writer, or one whose
// labels, annotations, source or generator URL changed), encoded and written the way SQLite takes them fastest. One
// big delivery is 100,000 of them, and per row it cost more to reach the alert's scattered label maps in fingerprint
// order, to compare sort keys through pointers and to run one statement per row than SQLite took to store the row:
// - each row's texts are encoded once, in the order the rows are added (the batch's, the order its alerts were
//   allocated in), into one buffer, beside the counters they are written with;
// - the rows are written in fingerprint order (the alerts index is walked once from one end to the other instead of
//   a random page per row), sorted on an 8-byte prefix of the fingerprint held beside the row's number;
// - rows believed new go in multi-row INSERTs (StoreSql::kAlertRowsPerInsert rows a statement); the others, and the
//   rows of an INSERT that met a stored row (SQLite undoes that statement alone), in the single-row upsert, which
//   also counts the flap of a stored row that was resolved.
// Every value is bound; nothing of an alert reaches SQL text.

#include "model/alert.h"
#include "pendingalertcounts.h"
#include "storesql.h"

#include <QByteArray>
#include <QByteArrayView>

#include <functional>
#include <vector>

class SqliteStatement;

class AlertRowBatch
{
public:
    // The connection's prepared statement for an id (nullptr with why when it cannot be prepared).
    using Statements = std::function<SqliteStatement*(StoreSql::Native, QString*)>;

    enum Text
    {
        Fingerprint,
        Labels,
        Annotations,
        Source,
        GeneratorUrl,
        TextCount
    };
    // One row's texts, one after the other from `at` in a buffer (at < 0: none encoded).
    struct Texts
    {
        qsizetype at = -1;
        quint32 length[TextCount] = {};
    };
    // Encodes a's texts at the end of buffer, as add() would: on any thread, ahead of the rows (see adoptTexts).
    static Texts encode(QByteArray& buffer, const Alert& a, QByteArrayView fingerprintUtf8);

    void reserve(qsizetype rows);
    // Before the first add(): the buffer that encode() filled becomes this batch's texts, so rows added with their
    // Texts from it are not encoded again (nor copied).
    void adoptTexts(QByteArray buffer);
    // a: the alert's latest notification (its texts are encoded now, unless given in the adopted buffer); counts: the
    // notifications the row stands for, through counts.lastId; boundaryFlap: the batch opens firing and the row's
    // stored status is not known, so a row stored as resolved flapped once more; likelyNew: not known to be stored
    // (tried in a multi-row INSERT).
    void add(const Alert& a, const AlertCountDelta& counts, bool boundaryFlap, bool likelyNew,
             const Texts* encoded = nullptr);
    bool isEmpty() const { return m_rows.empty(); }
    qsizetype size() const { return qsizetype(m_rows.size()); }
    // Inside the caller's transaction. The batch can be written again only after clear().
    bool write(const Statements& statement, QString* why) const;
    void clear();

private:
    struct Row
    {
        Texts texts; // in m_texts
        bool firing;
        bool boundaryFlap;
        bool likelyNew;
        qint64 startsAt, endsAt, firstStartsAt, firstReceived, lastReceived, lastId;
        int count, flaps;
    };
    QByteArrayView text(const Row& row, Text part) const;
    void bind(SqliteStatement& stmt, int first, const Row& row) const; // parameters first .. first + 13
    bool upsert(SqliteStatement& stmt, const Row& row, QString* why) const;
    // Rows [begin, end) of order in one INSERT of exactly that many rows; *conflict when one was stored already.
    bool insert(SqliteStatement& stmt, const quint32* begin, const quint32* end, bool* conflict, QString* why) const;

    QByteArray m_texts;
    std::vector<Row> m_rows;
};
