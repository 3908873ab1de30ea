#include "labelinterner.h"

LabelInterner::LabelInterner(qsizetype capacity) : m_capacity(qMax<qsizetype>(1, capacity)) {}

QString LabelInterner::intern(const QString& s)
{
    if (s.isEmpty())
        return s;
    if (m_strings.size() >= m_capacity && !m_strings.contains(s)) {
        // Full of one-off values: start over rather than grow. Sized for a full table at once: a big delivery's
        // one-off values (an alert name each) fill it again, and growing it step by step rehashed it each time.
        m_strings.clear();
        m_strings.reserve(m_capacity);
    }
    return *m_strings.insert(s); // one lookup: an equal string already there is kept, and returned
}

bool LabelInterner::isInterned(const QString& s) const
{
    if (s.isEmpty())
        return true;
    const auto known = m_strings.constFind(s);
    return known != m_strings.cend() && known->isSharedWith(s);
}

void LabelInterner::internSet(LabelSet& set)
{
    // Looked at first: a set that shares its strings already (a repeat, or one an alert cache hands out again) is
    // left alone, so it is not detached from those who share it.
    bool namesShared = true;
    for (auto it = set.cbegin(); it != set.cend() && namesShared; ++it)
        namesShared = isInterned(it.key());
    if (namesShared) {
        // Each value looked up once: the map is written (detached) from the first value that is not the shared one.
        for (auto it = set.cbegin(); it != set.cend(); ++it) {
            QString shared = intern(it.value());
            if (shared.isSharedWith(it.value()))
                continue;
            const QString name = it.key(); // the const iterator is not valid once the map detaches
            auto write = set.find(name);
            *write = std::move(shared);
            for (++write; write != set.end(); ++write)
                *write = intern(*write);
            return;
        }
        return;
    }
    // A map's keys cannot be replaced in place: a new map, filled in order (each insert at the end).
    LabelSet interned;
    for (auto it = set.cbegin(); it != set.cend(); ++it)
        interned.insert(interned.cend(), intern(it.key()), intern(it.value()));
    set = interned;
}

void LabelInterner::intern(Alert& alert)
{
    internSet(alert.labels);
    internSet(alert.annotations);
    if (!isInterned(alert.source))
        alert.source = intern(alert.source);
    if (!isInterned(alert.generatorUrl))
        alert.generatorUrl = intern(alert.generatorUrl);
}

void LabelInterner::intern(AlertBatch& batch)
{
    for (Alert& a : batch)
        intern(a);
}
