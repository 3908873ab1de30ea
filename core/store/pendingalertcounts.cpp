#include "pendingalertcounts.h"

#include <algorithm>

void AlertCountDelta::merge(const AlertCountDelta& later)
{
    lastFiring = later.lastFiring;
    startsAt = later.startsAt;
    endsAt = later.endsAt;
    firstStartsAt = std::min(firstStartsAt, later.firstStartsAt);
    firstReceived = std::min(firstReceived, later.firstReceived);
    lastReceived = std::max(lastReceived, later.lastReceived);
    count += later.count;
    flaps += later.flaps;
    lastId = std::max(lastId, later.lastId);
    latest = later.latest;
}

void PendingAlertCounts::add(const QString& fingerprint, const AlertCountDelta& delta, qint64 nowMs)
{
    add(fingerprint, AlertCountDelta(delta), nowMs);
}

const AlertCountDelta* PendingAlertCounts::find(const QString& fingerprint) const
{
    const auto it = m_byFingerprint.constFind(fingerprint);
    return it == m_byFingerprint.cend() ? nullptr : &*it;
}

void PendingAlertCounts::add(const QString& fingerprint, AlertCountDelta&& delta, qint64 nowMs)
{
    if (m_byFingerprint.isEmpty())
        m_since = nowMs;
    const auto it = m_byFingerprint.find(fingerprint);
    if (it == m_byFingerprint.end())
        m_byFingerprint.emplace(fingerprint, std::move(delta));
    else
        it->merge(delta);
}
