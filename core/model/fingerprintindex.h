#pragma once
// FingerprintIndex: fingerprint -> a dense id (0, 1, 2, ...) for whoever already keeps each fingerprint beside its
// record (the correlator's alerts, the store's known alerts), without a second copy of the key. A QHash<QString, int>
// spent a node of a QString handle and an int, span bookkeeping and growth slack on every open alert (~45 bytes;
// 131,000 open alerts after a storm); here a slot is 8 bytes: the low 32 bits of the key's hash and the id, at most
// half of the slots full. A probe reads the owner's key (keyOf(id)) only when those 32 bits match, so a hash collision
// costs a comparison, never a wrong answer. The slot is chosen by the same bits (a table has fewer than 2^32 slots),
// so growing moves slots without reading a key: rehashing by the keys read and hashed every open alert's string
// again, scattered over the heap (70 of the 1,250 ms a 100,000-alert body took with 311,000 open alerts). Those bits
// above the slot's still tell keys of one slot apart (12 of them at a million slots). Open addressing, linear
// probing; no removal (ids are never given back).
// Seeded as QHash seeds: fingerprints come from the network, and a fixed hash would let a sender pick ones that all
// probe the same slots.

#include <QHashFunctions>
#include <QString>

#include <algorithm>
#include <vector>

class FingerprintIndex
{
public:
    using Hash = size_t (*)(const QString&);

    // hash: the key's hash; only tests pass one (to force collisions), the default is qHash with the global seed.
    explicit FingerprintIndex(Hash hash = nullptr) : m_hash(hash ? hash : &seededHash) {}

    qsizetype size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    // Slots taken in memory, for the owner's own accounting.
    qsizetype bytes() const { return qsizetype(m_slots.capacity() * sizeof(Slot)); }

    // The id of key, or -1. keyOf(id) -> the key the owner keeps for id.
    template <typename KeyOf>
    int find(const QString& key, const KeyOf& keyOf) const
    {
        if (m_size == 0)
            return -1;
        const quint32 bits = bitsOf(m_hash(key));
        for (size_t i = bits & mask();; i = (i + 1) & mask()) {
            const Slot& s = m_slots[i];
            if (s.id == 0)
                return -1;
            if (s.hashBits == bits && keyOf(int(s.id - 1)) == key)
                return int(s.id - 1);
        }
    }

    // Adds key as id, which the caller has checked is not there yet (find() == -1).
    void insert(const QString& key, int id)
    {
        reserve(m_size + 1);
        place(bitsOf(m_hash(key)), id);
        ++m_size;
    }

    // Room for this many ids in all without growing; grows geometrically.
    void reserve(qsizetype ids)
    {
        if (size_t(ids) * 2 <= m_slots.size())
            return;
        size_t slots = std::max<size_t>(16, m_slots.size() * 2);
        while (slots < size_t(ids) * 2)
            slots *= 2;
        std::vector<Slot> old(slots);
        old.swap(m_slots);
        for (const Slot& s : old)
            if (s.id != 0)
                place(s.hashBits, int(s.id - 1));
    }

    void clear()
    {
        m_slots = {};
        m_size = 0;
    }

private:
    struct Slot
    {
        quint32 hashBits = 0;
        quint32 id = 0; // id + 1; 0: empty
    };

    static size_t seededHash(const QString& key) { return qHash(key, QHashSeed::globalSeed()); }
    static quint32 bitsOf(size_t h) { return quint32(h); }
    size_t mask() const { return m_slots.size() - 1; }

    void place(quint32 bits, int id)
    {
        size_t i = bits & mask();
        while (m_slots[i].id != 0)
            i = (i + 1) & mask();
        m_slots[i] = Slot{bits, quint32(id) + 1};
    }

    std::vector<Slot> m_slots;
    qsizetype m_size = 0;
    Hash m_hash;
};
