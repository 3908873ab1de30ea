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
    enum class State
    {
        Triggered,
        Acknowledged,
        Mitigated,
        Resolved
    };

    qint64 id = 0;                          // the store's row id; 0 until stored
    QString key;                            // the correlator's identity: founding alert's fingerprint@onset (Correlator::incidentKey)
    QVector<TrackedAlert> alerts;           // members, onset order
    QStringList affectedServices;           // services with a firing member alert, sorted
    QVector<RootCauseCandidate> rootCauses; // best first
    QDateTime firstAlertAt;                 // earliest onset among members
    QDateTime lastAlertAt;                  // latest notification among members
    State state = State::Triggered;
    QDateTime acknowledgedAt;
    QString acknowledgedBy;
    QDateTime mitigatedAt; // first time it was marked mitigated; kept when later resolved
    QString mitigatedBy;
    QDateTime resolvedAt; // when an engineer resolved it (alerts clearing alone do not resolve it)
    QString resolvedBy;
    int notificationCount = 0; // deliveries behind these alerts, for "31 alerts -> 1 incident"
    QString severity;          // highest member severity: critical > warning > info

    bool isOpen() const { return state != State::Resolved; }
    // The lowercase words the store, bundles, JSON output and logs use for a state. An unknown word reads as
    // Triggered: the correlator's "no opinion".
    static QString stateName(State s)
    {
        switch (s) {
        case State::Acknowledged: return QStringLiteral("acknowledged");
        case State::Mitigated: return QStringLiteral("mitigated");
        case State::Resolved: return QStringLiteral("resolved");
        case State::Triggered: break;
        }
        return QStringLiteral("triggered");
    }
    static State stateFrom(const QString& name)
    {
        for (const State s : {State::Acknowledged, State::Mitigated, State::Resolved})
            if (name == stateName(s))
                return s;
        return State::Triggered;
    }
    // critical > error > warning > anything else; case-insensitive, since feeds disagree on case.
    static int severityRank(const QString& severity)
    {
        const QString s = severity.toLower();
        return s == QLatin1String("critical")  ? 3
               : s == QLatin1String("error")   ? 2
               : s == QLatin1String("warning") ? 1
                                               : 0;
    }
    // The order every incident list shows (the console, `nightwatch-cli diagnose` and `replay`): open ones first,
    // then the most severe, then the newest, since at 3 AM the page that just arrived is the one asked about.
    // rank: the severity ranking of the caller (the console's theme knows more spellings).
    static bool listedBefore(const Incident& a, const Incident& b, int (*rank)(const QString&) = &severityRank)
    {
        if (a.isOpen() != b.isOpen())
            return a.isOpen();
        const int ra = rank(a.severity), rb = rank(b.severity);
        if (ra != rb)
            return ra > rb;
        return a.firstAlertAt > b.firstAlertAt;
    }
    const RootCauseCandidate* topCause() const { return rootCauses.isEmpty() ? nullptr : &rootCauses.front(); }
};

Q_DECLARE_METATYPE(Incident)
