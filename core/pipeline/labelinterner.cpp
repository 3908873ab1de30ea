#include "labelinterner.h"

namespace {
// Buckets of two met-once tags each (256 KiB): a body's worth of one-off values, each remembered until two later ones
// land on its bucket. Two: strings that share a bucket and come by turns (two services, every 200 alerts) would
// otherwise push each other out for ever and never be kept.
constexpr std::size_t kMetOnceBuckets = 1 << 15;
} // namespace

LabelInterner::LabelInterner(qsizetype capacity)
    : m_capacity(qMax<qsizetype>(1, capacity)), m_metOnce(2 * kMetOnceBuckets, 0)
{
}

bool LabelInterner::metBefore(const QString& s)
{
    const size_t h = qHash(s);
    quint32* bucket = m_metOnce.data() + 2 * (h % kMetOnceBuckets);
    const quint32 tag = quint32(h >> 15) | 1u; // never 0, the empty slot
    if (bucket[0] == tag || bucket[1] == tag)
        return true;
    bucket[1] = bucket[0]; // the older one goes
    bucket[0] = tag;
    return false;
}

QString LabelInterner::intern(const QString& s)
{
    QMutexLocker lock(&m_mutex);
    return internLocked(s);
}

qsizetype LabelInterner::size() const
{
    QMutexLocker lock(&m_mutex);
    return m_strings.size();
}

QString LabelInterner::internLocked(const QString& s)
{
    if (s.isEmpty())
        return s;
    if (const auto known = m_strings.constFind(s); known != m_strings.cend())
        return *known;
    if (!metBefore(s))
        return s; // once so far: not kept (see the header)
    if (m_strings.size() >= m_capacity) {
        // Full: start over rather than grow. Sized for a full table at once: growing it step by step rehashed it
        // each time.
        m_strings.clear();
        m_strings.reserve(m_capacity);
    }
    return *m_strings.insert(s);
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
    set.replaceStrings([this](const QString& s) { return internLocked(s); });
}

void LabelInterner::intern(Alert& alert)
{
    QMutexLocker lock(&m_mutex);
    internLocked(alert);
}

void LabelInterner::internLocked(Alert& alert)
{
    internSet(alert.labels);
    internSet(alert.annotations);
    if (!isInterned(alert.source))
        alert.source = internLocked(alert.source);
    if (!isInterned(alert.generatorUrl))
        alert.generatorUrl = internLocked(alert.generatorUrl);
}

void LabelInterner::intern(AlertBatch& batch)
{
    QMutexLocker lock(&m_mutex);
    for (Alert& a : batch)
        internLocked(a);
}
