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
    // One lookup per string. replaceStrings writes only strings that are not already the interned instance, so a
    // set that shares them all (a repeat, or one an alert cache hands out again) is not detached from its copies.
    set.replaceStrings([this](const QString& s) { return intern(s); });
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
