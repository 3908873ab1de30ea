#include "alertobjectcache.h"

AlertObjectCache::AlertObjectCache(qsizetype generationSize) : m_generationSize(qMax<qsizetype>(1, generationSize)) {}

const Alert* AlertObjectCache::find(QByteArrayView object)
{
    // A raw-data key: looking up costs no copy of the bytes.
    const QByteArray key = QByteArray::fromRawData(object.data(), object.size());
    if (const auto it = m_current.constFind(key); it != m_current.cend())
        return &*it;
    const auto old = m_previous.constFind(key);
    if (old == m_previous.cend())
        return nullptr;
    const Alert alert = *old;
    insert(object, alert);
    return &*m_current.constFind(key);
}

void AlertObjectCache::insert(QByteArrayView object, const Alert& alert)
{
    if (m_current.size() >= m_generationSize) {
        m_previous = std::move(m_current);
        m_current = {};
        m_current.reserve(m_generationSize);
    }
    m_current.insert(object.toByteArray(), alert);
}
