#pragma once
// Incident: a group of alerts the correlator believes share one cause, with the diagnosis attached.

#include "rootcausecandidate.h"
#include "trackedalert.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

struct Incident
{
    enum class State { Triggered, Acknowledged, Mitigated, Resolved };

    qint64 id = 0;                   // the store's row id; 0 until stored
    QString key;                     // the correlator's identity: fingerprint of the founding alert
    QVector<TrackedAlert> alerts;    // members, onset order
    QStringList affectedServices;    // services with a firing member alert, sorted
    QVector<RootCauseCandidate> rootCauses; // best first
    QDateTime firstAlertAt;          // earliest onset among members
    QDateTime lastAlertAt;           // latest notification among members
    State state = State::Triggered;
    QDateTime acknowledgedAt;
    QString acknowledgedBy;
    int notificationCount = 0;       // deliveries behind these alerts, for "31 alerts -> 1 incident"
    QString severity;                // highest member severity: critical > warning > info

    bool isOpen() const { return state != State::Resolved; }
    const RootCauseCandidate* topCause() const { return rootCauses.isEmpty() ? nullptr : &rootCauses.front(); }
};

Q_DECLARE_METATYPE(Incident)
