#include "labelinterner.h"

LabelInterner::LabelInterner(qsizetype capacity) : m_capacity(qMax<qsizetype>(1, capacity)) {}

QString LabelInterner::intern(const QString& s)
{
    if (s.isEmpty())
        return s;
    if (const auto known = m_strings.constFind(s); known != m_strings.cend())
        return *known;
    if (m_strings.size() >= m_capacity)
        m_strings.clear(); // full of one-off values: start over rather than grow
    m_strings.insert(s);
    return s;
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
    bool namesShared = true, valuesShared = true;
    for (auto it = set.cbegin(); it != set.cend() && (namesShared || valuesShared); ++it) {
        namesShared = namesShared && isInterned(it.key());
        valuesShared = valuesShared && isInterned(it.value());
    }
    if (namesShared && valuesShared)
        return;
    if (!namesShared) {
        // A map's keys cannot be replaced in place: a new map, filled in order (each insert at the end).
        LabelSet interned;
        for (auto it = set.cbegin(); it != set.cend(); ++it)
            interned.insert(interned.cend(), intern(it.key()), intern(it.value()));
        set = interned;
        return;
    }
    for (auto it = set.begin(); it != set.end(); ++it)
        it.value() = intern(it.value());
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
