#pragma once
// LabelSet: an alert's labels (or annotations), name -> value, sorted by name as Alertmanager sorts label sets.
// The subset of QMap<QString, QString>'s interface the code uses, over one sorted, implicitly shared block. Every
// open alert keeps a label set; a QMap spends a shared header (64 bytes with the heap's own) and a tree node (96
// bytes) per label on it, here a set is one exactly sized block of 8 bytes and 48 a label, found by binary search.
// The handle is one pointer, as a QMap's: Alert and TrackedAlert, held in vectors by the hundred thousand, keep their
// size (a QList handle, 24 bytes, made each open alert 32 bytes bigger and ate the saving). Copies share the block
// as a QMap's do. The order is QString's operator< (UTF-16 code units), a QMap's, so every iteration, the
// fingerprint and the stored JSON stay as they were. A repeated name keeps its last value, as QMap::insert does.

#include <QAtomicInt>
#include <QMap>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <initializer_list>
#include <iterator>
#include <utility>

struct LabelSetEntry
{
    QString name;
    QString value;
};
Q_DECLARE_TYPEINFO(LabelSetEntry, Q_RELOCATABLE_TYPE); // two QString handles: the array grows by moving bytes

class LabelSet
{
public:
    using Entry = LabelSetEntry;
    using key_type = QString;
    using mapped_type = QString;
    using size_type = qsizetype;

    // QMap's iterators: key() and value(); * gives the value, so `for (const QString& v : set)` reads the values.
    class const_iterator
    {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using difference_type = qsizetype;
        using value_type = QString;
        using pointer = const QString*;
        using reference = const QString&;

        const_iterator() = default;
        explicit const_iterator(const Entry* e) : m_e(e) {}
        const QString& key() const { return m_e->name; }
        const QString& value() const { return m_e->value; }
        const QString& operator*() const { return m_e->value; }
        const QString* operator->() const { return &m_e->value; }
        const_iterator& operator++() { ++m_e; return *this; }
        const_iterator operator++(int) { return const_iterator(m_e++); }
        const_iterator& operator--() { --m_e; return *this; }
        const_iterator operator--(int) { return const_iterator(m_e--); }
        const_iterator operator+(qsizetype n) const { return const_iterator(m_e + n); }
        const_iterator operator-(qsizetype n) const { return const_iterator(m_e - n); }
        qsizetype operator-(const_iterator o) const { return m_e - o.m_e; }
        friend bool operator==(const_iterator a, const_iterator b) { return a.m_e == b.m_e; }
        friend bool operator!=(const_iterator a, const_iterator b) { return a.m_e != b.m_e; }
        const Entry* entry() const { return m_e; }

    private:
        const Entry* m_e = nullptr;
    };

    class iterator
    {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using difference_type = qsizetype;
        using value_type = QString;
        using pointer = QString*;
        using reference = QString&;

        iterator() = default;
        explicit iterator(Entry* e) : m_e(e) {}
        const QString& key() const { return m_e->name; } // a name is not changed in place: it would break the order
        QString& value() const { return m_e->value; }
        QString& operator*() const { return m_e->value; }
        QString* operator->() const { return &m_e->value; }
        iterator& operator++() { ++m_e; return *this; }
        iterator operator++(int) { return iterator(m_e++); }
        iterator& operator--() { --m_e; return *this; }
        iterator operator--(int) { return iterator(m_e--); }
        bool operator==(const iterator& o) const { return m_e == o.m_e; }
        bool operator!=(const iterator& o) const { return m_e != o.m_e; }
        operator const_iterator() const { return const_iterator(m_e); }

    private:
        Entry* m_e = nullptr;
    };
    using ConstIterator = const_iterator;
    using Iterator = iterator;

    LabelSet() = default;
    LabelSet(const LabelSet& other) : d(other.d)
    {
        if (d)
            d->ref.ref();
    }
    LabelSet(LabelSet&& other) noexcept : d(std::exchange(other.d, nullptr)) {}
    LabelSet& operator=(const LabelSet& other)
    {
        LabelSet copy(other);
        std::swap(d, copy.d);
        return *this;
    }
    LabelSet& operator=(LabelSet&& other) noexcept
    {
        std::swap(d, other.d);
        return *this;
    }
    ~LabelSet() { release(d); }
    LabelSet(std::initializer_list<std::pair<QString, QString>> list)
    {
        for (const auto& [name, value] : list)
            insert(name, value);
    }
    // For the few places that hand a set to an interface taking a QMap (runbook parameters, process environments).
    explicit LabelSet(const QMap<QString, QString>& map)
    {
        for (auto it = map.cbegin(); it != map.cend(); ++it)
            insert(it.key(), it.value());
    }
    QMap<QString, QString> toMap() const
    {
        QMap<QString, QString> map;
        for (auto it = cbegin(); it != cend(); ++it)
            map.insert(map.cend(), it.key(), it.value());
        return map;
    }

    qsizetype size() const { return d ? d->size : 0; }
    qsizetype count() const { return size(); }
    bool isEmpty() const { return size() == 0; }
    bool empty() const { return size() == 0; }
    void clear() { release(std::exchange(d, nullptr)); }

    const_iterator cbegin() const { return const_iterator(d ? d->entries() : nullptr); }
    const_iterator cend() const { return const_iterator(d ? d->entries() + d->size : nullptr); }
    const_iterator begin() const { return cbegin(); }
    const_iterator end() const { return cend(); }
    const_iterator constBegin() const { return cbegin(); }
    const_iterator constEnd() const { return cend(); }
    iterator begin()
    {
        detach();
        return iterator(d ? d->entries() : nullptr);
    }
    iterator end()
    {
        detach();
        return iterator(d ? d->entries() + d->size : nullptr);
    }

    const_iterator constFind(const QString& name) const
    {
        const qsizetype i = indexOf(name);
        return i < 0 ? cend() : cbegin() + i;
    }
    const_iterator find(const QString& name) const { return constFind(name); }
    iterator find(const QString& name)
    {
        const qsizetype i = indexOf(name);
        if (i < 0)
            return end();
        detach();
        return iterator(d->entries() + i);
    }
    bool contains(const QString& name) const { return indexOf(name) >= 0; }
    QString value(const QString& name, const QString& defaultValue = QString()) const
    {
        const qsizetype i = indexOf(name);
        return i < 0 ? defaultValue : d->entries()[i].value;
    }
    QString operator[](const QString& name) const { return value(name); }
    QString& operator[](const QString& name) { return *insertSlot(name); }
    QStringList keys() const
    {
        QStringList out;
        out.reserve(size());
        for (auto it = cbegin(); it != cend(); ++it)
            out << it.key();
        return out;
    }
    QStringList values() const { return QStringList(cbegin(), cend()); }

    // Sets name's value, adding the name where the order puts it. Names mostly come sorted (Alertmanager sorts
    // them): the end is looked at first.
    iterator insert(const QString& name, const QString& value)
    {
        iterator it = insertSlot(name);
        it.value() = value;
        return it;
    }
    // QMap's hinted insert; the hint is not needed to be fast here.
    iterator insert(const_iterator, const QString& name, const QString& value) { return insert(name, value); }
    qsizetype remove(const QString& name)
    {
        const qsizetype i = indexOf(name);
        if (i < 0)
            return 0;
        removeAt(i);
        return 1;
    }
    QString take(const QString& name)
    {
        const qsizetype i = indexOf(name);
        if (i < 0)
            return QString();
        QString value = d->entries()[i].value;
        removeAt(i);
        return value;
    }

    // A block is always exactly its labels' size: nothing to squeeze (kept for QList-like callers).
    void squeeze() {}
    qsizetype capacity() const { return size(); }
    // Replaces each name and value by f(string), which must return an equal string (another instance of it, as an
    // interner does): the order stays. Strings already identical to f's are left alone, so a set that shares them
    // all is not detached from its copies.
    template <typename F>
    void replaceStrings(F&& f)
    {
        for (qsizetype i = 0; i < size(); ++i) {
            const Entry& e = d->entries()[i];
            QString name = f(e.name), value = f(e.value);
            if (!sameInstance(name, e.name) || !sameInstance(value, e.value)) {
                detach(); // once
                Entry& mine = d->entries()[i];
                mine.name = std::move(name);
                mine.value = std::move(value);
            }
        }
    }
    bool isSharedWith(const LabelSet& other) const { return d == other.d; }

    friend bool operator==(const LabelSet& a, const LabelSet& b)
    {
        if (a.d == b.d)
            return true;
        return std::equal(a.cbegin().entry(), a.cend().entry(), b.cbegin().entry(), b.cend().entry(),
                          [](const Entry& x, const Entry& y) { return x.name == y.name && x.value == y.value; });
    }
    friend bool operator!=(const LabelSet& a, const LabelSet& b) { return !(a == b); }

private:
    // One block: the count of sets sharing it, the labels' count, then the labels.
    struct Block
    {
        QBasicAtomicInt ref;
        int size;
        Entry* entries() { return reinterpret_cast<Entry*>(this + 1); }
        const Entry* entries() const { return reinterpret_cast<const Entry*>(this + 1); }
    };
    static_assert(sizeof(Block) % alignof(Entry) == 0);

    static Block* allocate(qsizetype size)
    {
        void* raw = std::malloc(sizeof(Block) + size_t(size) * sizeof(Entry));
        if (!raw)
            qBadAlloc();
        Block* b = static_cast<Block*>(raw);
        b->ref.storeRelaxed(1);
        b->size = int(size);
        return b;
    }
    static void release(Block* b)
    {
        if (!b || b->ref.deref())
            return;
        for (int i = 0; i < b->size; ++i)
            b->entries()[i].~Entry();
        std::free(b);
    }
    // A block of the current labels with room for `extra` more at index `gap` (left unconstructed), this set's own.
    void reshape(qsizetype gap, qsizetype extra)
    {
        const qsizetype n = size();
        if (d && d->ref.loadRelaxed() == 1) {
            // Ours alone: the labels move as bytes (QString is relocatable), no reference counts touched.
            const size_t bytes = sizeof(Block) + size_t(n + extra) * sizeof(Entry);
            Block* b = static_cast<Block*>(std::realloc(static_cast<void*>(d), bytes));
            if (!b)
                qBadAlloc();
            std::memmove(static_cast<void*>(b->entries() + gap + extra), static_cast<const void*>(b->entries() + gap),
                         size_t(n - gap) * sizeof(Entry));
            b->size = int(n + extra);
            d = b;
            return;
        }
        Block* b = allocate(n + extra);
        for (qsizetype i = 0; i < gap; ++i)
            new (b->entries() + i) Entry(d->entries()[i]);
        for (qsizetype i = gap; i < n; ++i)
            new (b->entries() + i + extra) Entry(d->entries()[i]);
        release(std::exchange(d, b));
    }
    void detach()
    {
        if (d && d->ref.loadRelaxed() != 1)
            reshape(d->size, 0);
    }
    void removeAt(qsizetype i)
    {
        detach();
        const qsizetype n = d->size;
        d->entries()[i].~Entry();
        std::memmove(static_cast<void*>(d->entries() + i), static_cast<const void*>(d->entries() + i + 1),
                     size_t(n - i - 1) * sizeof(Entry));
        if (--d->size == 0) {
            std::free(d);
            d = nullptr;
        }
    }
    // One string, not two equal ones. Not isSharedWith(): that is false for empty and literal strings (no header).
    static bool sameInstance(const QString& a, const QString& b)
    {
        return a.constData() == b.constData() && a.size() == b.size();
    }
    // The index of name, or -1.
    qsizetype indexOf(const QString& name) const
    {
        const qsizetype i = lowerBound(name);
        return i < size() && d->entries()[i].name == name ? i : -1;
    }
    qsizetype lowerBound(const QString& name) const
    {
        return std::lower_bound(cbegin().entry(), cend().entry(), name,
                                [](const Entry& e, const QString& n) { return e.name < n; }) -
               cbegin().entry();
    }
    // The entry of name, added with an empty value when missing. Names mostly come sorted: the end is looked at first.
    iterator insertSlot(const QString& name)
    {
        const qsizetype n = size();
        const qsizetype i = n == 0 || d->entries()[n - 1].name < name ? n : lowerBound(name);
        if (i < n && d->entries()[i].name == name) {
            detach();
        } else {
            reshape(i, 1);
            new (d->entries() + i) Entry{name, QString()};
        }
        return iterator(d->entries() + i);
    }

    Block* d = nullptr;
};

Q_DECLARE_TYPEINFO(LabelSet, Q_RELOCATABLE_TYPE); // one pointer
static_assert(sizeof(LabelSet) == sizeof(void*), "a LabelSet handle is one pointer, as a QMap's");
