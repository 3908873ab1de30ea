#include "knownalerts.h"

#include <algorithm>

void KnownAlerts::reserve(qsizetype alerts)
{
    // Grows geometrically, so reserving a few more with every delivery stays linear.
    if (size_t(alerts) > m_entries.capacity())
        m_entries.reserve(std::max(size_t(alerts), m_entries.capacity() * 2));
    m_index.reserve(alerts);
}

int KnownAlerts::find(const QString& fingerprint) const
{
    return m_index.find(fingerprint, [this](int known) -> const QString& { return keyOf(known); });
}

bool KnownAlerts::sameDetails(int known, const Alert& a) const
{
    const Entry& e = m_entries[size_t(known)];
    if (e.origin == kNoOrigin || e.labels != a.labels || e.annotations != a.annotations)
        return false;
    const auto& [source, generatorUrl] = m_origins[e.origin];
    return source == a.source && generatorUrl == a.generatorUrl;
}

void KnownAlerts::put(const QString& fingerprint, const Alert& a, bool firing)
{
    const quint32 origin = originOf(a.source, a.generatorUrl);
    if (const int known = find(fingerprint); known >= 0) {
        Entry& e = m_entries[size_t(known)];
        e.labels = a.labels;
        e.annotations = a.annotations;
        e.origin = origin;
        e.firing = firing;
        return;
    }
    const int id = int(m_entries.size());
    m_entries.push_back(Entry{fingerprint, a.labels, a.annotations, origin, firing});
    m_index.insert(fingerprint, id);
}

void KnownAlerts::add(const QString& fingerprint, const Alert& a, bool firing)
{
    const int id = int(m_entries.size());
    m_entries.push_back(Entry{fingerprint, a.labels, a.annotations, originOf(a.source, a.generatorUrl), firing});
    m_index.insert(fingerprint, id);
}

quint32 KnownAlerts::originOf(const QString& source, const QString& generatorUrl)
{
    if (m_lastOriginId != kNoOrigin && m_lastOrigin.first == source && m_lastOrigin.second == generatorUrl)
        return m_lastOriginId;
    std::pair<QString, QString> origin(source, generatorUrl);
    if (const auto it = m_originIds.constFind(origin); it != m_originIds.cend()) {
        m_lastOrigin = origin;
        return m_lastOriginId = *it;
    }
    if (qsizetype(m_origins.size()) >= kMaxOrigins)
        return kNoOrigin; // one-off URLs must not grow the table without bound
    const auto id = quint32(m_origins.size());
    m_origins.push_back(origin);
    m_originIds.insert(std::move(origin), id);
    return id;
}

qsizetype KnownAlerts::bytes() const
{
    return qsizetype(m_entries.capacity() * sizeof(Entry)) + m_index.bytes() +
           qsizetype(m_origins.capacity() * sizeof(m_origins.front())) +
           m_originIds.size() * qsizetype(sizeof(std::pair<QString, QString>) + sizeof(quint32));
}
