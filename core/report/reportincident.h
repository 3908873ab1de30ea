#pragma once
// ReportIncident: the few facts about one stored incident that the on-call health report needs, read in
// bulk by ReportQuery (whole incidents would be far heavier over months of history).

#include <QDateTime>
#include <QString>
#include <QVector>

#include <optional>

struct ReportIncident
{
    struct Member
    {
        QString fingerprint;
        QString alertname;
        QString service;
        QString team; // the alert's `team` label: who owns a noisy alert
        bool resolved = false;
        QDateTime resolvedAt; // when it cleared (endsAt, else its last delivery); invalid while firing
    };

    qint64 id = 0;
    QString key; // fingerprint of the founding alert: the one that paged
    QString severity;
    QDateTime firstAlertAt;
    QDateTime acknowledgedAt;
    QDateTime resolvedAt;
    std::optional<bool> actionable; // from the engineer's resolution; nullopt when not answered
    QString confirmedRootCause;     // the engineer's answer, empty when not given
    QString topRootCause;           // the diagnosis's best candidate
    QVector<Member> members;        // onset order

    // The member whose alert opened the incident (the page); the first member when the key is not one.
    const Member* pagingAlert() const
    {
        for (const Member& m : members)
            if (m.fingerprint == key)
                return &m;
        return members.isEmpty() ? nullptr : &members.front();
    }
};
