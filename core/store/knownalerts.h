#pragma once
// KnownAlerts: what SqliteIngest last wrote to each alert row, kept for every alert it has seen: whether it fired
// (to count a flap without reading the row) and its details (so that a repeat with the very same details changes
// only counters). One entry per alert ever stored, so it is kept small: 48 bytes and an 8-byte index slot or two,
// where a FingerprintTable entry with the same fields took 104 (the key twice hashed, and the source and generator
// URL as two strings of 24 bytes although a feed sends a handful of them). Source and generator URL are one number
// into a table of the pairs seen; past kMaxOrigins pairs a new one is not remembered, and such an alert merely never
// counts as an unchanged repeat (its row is written whole: slower, never wrong).
// Not thread-safe: SqliteIngest's, used on its thread.

#include "model/alert.h"
#include "model/fingerprintindex.h"

#include <QHash>

#include <utility>
#include <vector>

class KnownAlerts
{
public:
    static constexpr qsizetype kMaxOrigins = 4096;

    // hash: only tests pass one (FingerprintIndex), to force collisions.
    explicit KnownAlerts(FingerprintIndex::Hash hash = nullptr) : m_index(hash) {}

    qsizetype size() const { return qsizetype(m_entries.size()); }
    bool isEmpty() const { return m_entries.empty(); }
    void reserve(qsizetype alerts);

    // The alert's index, or -1 when it was never stored.
    int find(const QString& fingerprint) const;
    bool firing(int known) const { return m_entries[size_t(known)].firing; }
    void setFiring(int known, bool firing) { m_entries[size_t(known)].firing = firing; }
    // The row holds exactly a's labels, annotations, source and generator URL. Label maps the parser's
    // AlertObjectCache hands out again compare in constant time (shared), others value by value.
    bool sameDetails(int known, const Alert& a) const;
    // What was just written to the row of a.fingerprint (or of fingerprint, when given: the row's key).
    void put(const QString& fingerprint, const Alert& a, bool firing);
    // put() for a fingerprint the caller found absent (find() == -1): not looked for again (a big delivery's
    // 100,000 new rows each paid a second lookup).
    void add(const QString& fingerprint, const Alert& a, bool firing);

    // Heap bytes held (entries, index slots, origin table), for figures.
    qsizetype bytes() const;

private:
    static constexpr quint32 kNoOrigin = 0xffffffffu;

    struct Entry
    {
        QString fingerprint; // shares the alert's string
        LabelSet labels;     // shared with the alert as stored
        LabelSet annotations;
        quint32 origin; // index into m_origins, kNoOrigin when not remembered
        bool firing;
    };
    quint32 originOf(const QString& source, const QString& generatorUrl);
    const QString& keyOf(int known) const { return m_entries[size_t(known)].fingerprint; }

    // The origin last looked up: a batch's alerts nearly always share theirs (one feed), and comparing with it costs
    // less than hashing the pair for every alert.
    std::pair<QString, QString> m_lastOrigin;
    quint32 m_lastOriginId = kNoOrigin;
    FingerprintIndex m_index;
    std::vector<Entry> m_entries;
    std::vector<std::pair<QString, QString>> m_origins; // source, generator URL
    QHash<std::pair<QString, QString>, quint32> m_originIds;
};
