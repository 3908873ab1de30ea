#pragma once
// IncidentMemory: what past incidents say about one incident, computed on the pipeline's thread and shown by
// the views: the most similar resolved incidents and each runbook's track record on them.

#include <QDateTime>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>

// One resolved incident like the current one.
struct PastIncidentMatch
{
    qint64 incidentId = 0;
    double similarity = 0.0; // 0..1, signature overlap
    double weight = 0.0;     // similarity x age decay: what it counts for
    QDateTime firstAlertAt;  // when it happened
    qint64 mttrSecs = -1;    // first alert -> resolved; -1 unknown
    QString rootCause;       // the confirmed root cause, empty when unknown
    QString fixedBy;         // "RB-DB-001 / restart-pool", or the engineer's words; empty when not answered
    QString fixedByRunbook;  // the runbook id when a runbook fixed it
    QStringList ignored;     // suggestions not taken: "RB-X proposed, not run", "root cause svc marked wrong"
};

// How a runbook did on the similar incidents it was tried on.
struct RunbookTrackRecord
{
    QString runbookId;
    int fixes = 0;    // similar incidents it fixed
    int attempts = 0; // similar incidents it was run on or named as the fix of
    double weightedFixes = 0.0;
    double weightedAttempts = 0.0;
    double score = 0.0; // added to the runbook's proposal score (see RunbookRanker)
    QString note;       // "fixed 3 of 4 similar incidents"
};

struct IncidentMemory
{
    QVector<PastIncidentMatch> similar;          // best first, at most a few
    QHash<QString, RunbookTrackRecord> runbooks; // by runbook id
    bool isEmpty() const { return similar.isEmpty() && runbooks.isEmpty(); }
};
