#pragma once
// PastIncident: the compact record of one stored incident that incident memory learns from: what it looked
// like (alert names, services, layers, owners), how its lifecycle went, what the engineer answered at
// resolve time and which runbook steps ran. Store::pastIncidents() reads them; core/knowledge consumes them.

#include "resolution.h"

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

struct PastIncident
{
    struct Member
    {
        QString alertname;
        QString service;
        QString layer;
        QString team;          // the `team` label: who owns the alert
        bool resolved = false; // the alert's latest status
        QDateTime endsAt;      // when it cleared (resolved members only)
    };
    struct Run
    {
        QString runbookId;
        QString step;
        bool passed = false;
    };

    qint64 id = 0;
    QString state; // "triggered" | "acknowledged" | "mitigated" | "resolved"
    QString severity;
    QDateTime firstAlertAt;
    QDateTime acknowledgedAt;
    QDateTime resolvedAt;
    int notificationCount = 0;
    QString topCandidate; // the diagnosis' best root-cause candidate as stored
    QVector<Member> members;
    QVector<Run> runs; // runbook step runs (not rollbacks), oldest first
    std::optional<Resolution> resolution;

    // The root cause the engineer confirmed: the one named at resolve time, else the diagnosed one when it was
    // not marked wrong. Empty when nobody can say.
    QString confirmedRootCause() const
    {
        if (resolution && !resolution->rootCause.isEmpty())
            return resolution->rootCause;
        if (resolution && resolution->suggestionRight == false)
            return {};
        return topCandidate;
    }
    // Every member alert had cleared by itself (the latest end among them), else invalid.
    QDateTime allClearedAt() const
    {
        QDateTime last;
        for (const Member& m : members) {
            if (!m.resolved || !m.endsAt.isValid())
                return {};
            if (!last.isValid() || m.endsAt > last)
                last = m.endsAt;
        }
        return last;
    }
};
