#pragma once
// Incident: a group of alerts the correlator believes share one cause, with the diagnosis attached.

#include "rootcausecandidate.h"
#include "severity.h"
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
    QString severity;          // highest member severity (highestSeverity), compared as a Severity

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
    Severity severityLevel() const { return parseSeverity(severity); }
    // The one order of every incident list (the console, the pipeline's snapshots and memory budget,
    // `nightwatch-cli diagnose` and `replay`): open ones first, then the most severe, then the newest onset, since at
    // 3 AM the page that just arrived is the one asked about. Onset rather than last notification: re-notifications
    // would reshuffle the list every repeat interval. The key breaks ties so equal incidents never swap places.
    static bool listedBefore(const Incident& a, const Incident& b)
    {
        if (a.isOpen() != b.isOpen())
            return a.isOpen();
        const Severity sa = a.severityLevel(), sb = b.severityLevel();
        if (sa != sb)
            return sa > sb;
        if (a.firstAlertAt != b.firstAlertAt)
            return a.firstAlertAt > b.firstAlertAt;
        if (a.key != b.key)
            return a.key < b.key;
        return a.id < b.id;
    }
    // The incident's severity: the label of its first most severe member, the word as the feed wrote it; empty when
    // no member has a known severity.
    static QString highestSeverity(const QVector<TrackedAlert>& alerts)
    {
        Severity worst = Severity::Unknown;
        QString label;
        for (const TrackedAlert& t : alerts) {
            const Severity s = parseSeverity(t.latest.severity());
            if (s > worst) {
                worst = s;
                label = t.latest.severity();
            }
        }
        return label;
    }
    const RootCauseCandidate* topCause() const { return rootCauses.isEmpty() ? nullptr : &rootCauses.front(); }
};

Q_DECLARE_METATYPE(Incident)
