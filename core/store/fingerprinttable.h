#pragma once
// FingerprintTable<T>: fingerprint -> T for the ingest's per-alert bookkeeping, where one big delivery adds 100,000
// entries at once. QHash<QString, T> compared the text of every key it probed (a cache miss into another alert's
// string each) and grew each span's storage in small steps (a reallocation and a move every few dozen inserts);
// together a seventh of storing a big delivery. Here each slot keeps 32 bits of its key's hash, so a probe reads a
// key only when those match, and the entries sit in one vector in insertion order. Open addressing, linear probing,
// at most half full. No removal (the ingest only ever adds alerts).

#include <QHashFunctions>
#include <QString>

#include <algorithm>
#include <vector>

template <typename T>
class FingerprintTable
{
public:
    qsizetype size() const { return qsizetype(m_entries.size()); }
    bool isEmpty() const { return m_entries.empty(); }

    // Room for entries in all; grows geometrically, so reserving a few more with every delivery stays linear.
    void reserve(qsizetype entries)
    {
        if (size_t(entries) > m_entries.capacity())
            m_entries.reserve(std::max(size_t(entries), m_entries.capacity() * 2));
        if (size_t(entries) * 2 > m_slots.size())
            rehash(size_t(entries));
    }

    T* find(const QString& key)
    {
        if (m_entries.empty())
            return nullptr;
        const size_t h = hashOf(key);
        for (size_t i = h & mask();; i = (i + 1) & mask()) {
            const Slot& s = m_slots[i];
            if (s.entry == 0)
                return nullptr;
            if (s.hashBits == high(h) && m_entries[s.entry - 1].key == key)
                return &m_entries[s.entry - 1].value;
        }
    }
    const T* find(const QString& key) const { return const_cast<FingerprintTable*>(this)->find(key); }

    // The value for key; inserted as T() when missing, and then *inserted is true.
    T& findOrInsert(const QString& key, bool* inserted)
    {
        if ((m_entries.size() + 1) * 2 > m_slots.size())
            rehash(m_entries.size() + 1);
        const size_t h = hashOf(key);
        size_t i = h & mask();
        for (;; i = (i + 1) & mask()) {
            const Slot& s = m_slots[i];
            if (s.entry == 0)
                break;
            if (s.hashBits == high(h) && m_entries[s.entry - 1].key == key) {
                *inserted = false;
                return m_entries[s.entry - 1].value;
            }
        }
        m_entries.push_back(Entry{key, h, T()});
        m_slots[i] = Slot{high(h), quint32(m_entries.size())};
        *inserted = true;
        return m_entries.back().value;
    }

    void clear()
    {
        m_entries = {};
        m_slots = {};
    }

private:
    struct Slot
    {
        quint32 hashBits = 0;
        quint32 entry = 0; // index + 1 into m_entries; 0: empty
    };
    struct Entry
    {
        QString key;
        size_t hash;
        T value;
    };

    // Seeded as QHash seeds it: fingerprints come from the network, and a fixed hash would let a sender pick ones
    // that all probe the same slots.
    static size_t hashOf(const QString& key) { return qHash(key, QHashSeed::globalSeed()); }
    static quint32 high(size_t h) { return quint32(quint64(h) >> 32); }
    size_t mask() const { return m_slots.size() - 1; }

    // Slots for at least twice entries (a power of two), refilled from the hashes the entries keep.
    void rehash(size_t entries)
    {
        size_t slots = 16;
        while (slots < entries * 2)
            slots *= 2;
        if (slots <= m_slots.size())
            return;
        m_slots.assign(slots, Slot{});
        for (size_t e = 0; e < m_entries.size(); ++e) {
            size_t i = m_entries[e].hash & mask();
            while (m_slots[i].entry != 0)
                i = (i + 1) & mask();
            m_slots[i] = Slot{high(m_entries[e].hash), quint32(e + 1)};
        }
    }

    std::vector<Slot> m_slots;
    std::vector<Entry> m_entries;
};
