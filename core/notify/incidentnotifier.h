#pragma once
// IncidentNotifier: decides, snapshot after snapshot, which incidents deserve a desktop notification: one
// per incident the first time it is seen open and unacknowledged (never one per alert, never again on a
// refresh, not for an incident that merely absorbed or split off alerts already announced), with
// do-not-disturb holding back everything below critical. With a diagnosis wait, a new incident whose diagnosis has
// not named a candidate yet (diagnosis runs on a worker, after the incident is first published) is announced when its
// first candidate lands, or without one once the wait is over: the first notice names the probable cause whenever
// the diagnoser finds one in time, and silence never lasts longer than the wait. Pure bookkeeping: no widgets, no
// timers; the owner passes a monotonic clock and asks due() again when msUntilDue() says.

#include "model/incident.h"

#include <QHash>
#include <QMetaType>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>

struct IncidentNotice
{
    qint64 incidentId = 0;
    QString key;
    QString severity;
    QString rootCause; // empty when the diagnosis has no candidate yet
    double confidence = 0;
    qsizetype alertCount = 0;
    qsizetype serviceCount = 0;
    int notificationCount = 0;    // deliveries behind the alerts (HA duplicates and repeats included)
    QStringList affectedServices; // sorted, as the incident lists them
    bool sound = false;           // the severity is one the engineer wants to hear
};

Q_DECLARE_METATYPE(IncidentNotice)

class IncidentNotifier
{
public:
    void setDoNotDisturb(bool on) { m_doNotDisturb = on; }
    bool doNotDisturb() const { return m_doNotDisturb; }
    // Severities whose notices also beep.
    void setSoundSeverities(const QList<Severity>& severities) { m_soundSeverities = severities; }

    // How long a new incident without a root cause candidate waits for one before it is announced without (0, the
    // default: at once). The console and `serve` use DefaultDiagnosisWaitMs.
    static constexpr int DefaultDiagnosisWaitMs = 3'000;
    void setDiagnosisWait(int ms) { m_diagnosisWaitMs = ms; }
    int diagnosisWait() const { return m_diagnosisWaitMs; }

    // The incidents of the latest snapshot; returns the notices to show now, most severe first. nowMs: a monotonic
    // clock (QElapsedTimer), read only for the diagnosis wait.
    QVector<IncidentNotice> update(const QVector<Incident>& incidents, qint64 nowMs = 0);
    // The waiting incidents whose wait is over at nowMs, announced without a cause (each once), most severe first.
    QVector<IncidentNotice> due(qint64 nowMs);
    // When due() has something to announce: in ms from nowMs (0: now), -1 while nothing waits.
    qint64 msUntilDue(qint64 nowMs) const;

    // Open incidents nobody has acknowledged yet, in the last snapshot given to update().
    int unacknowledgedCount() const { return m_unacknowledged; }
    // The most severe of those; Unknown when none waits (or none of them has a known severity).
    Severity worstUnacknowledged() const { return m_worst; }

    // What do-not-disturb lets through and the tray shows as critical: error or worse (the console paints "error" as
    // critical too).
    static bool isCritical(const Incident& incident);

private:
    struct Waiting
    {
        qint64 since = 0;      // first seen, on the owner's clock
        IncidentNotice notice; // as of the latest snapshot, announced as is when the wait ends
    };
    static IncidentNotice noticeFor(const Incident& incident, const QString& key, bool sound);
    static QString keyOf(const Incident& incident)
    {
        return incident.key.isEmpty() ? QString::number(incident.id) : incident.key;
    }
    // Of the alerts of the incidents that may be news (not announced, held or waiting yet), those that were open in
    // the previous snapshot outside the incidents waiting there: a merge or a split moved them.
    QSet<QString> movedAlerts(const QVector<Incident>& incidents) const;

    QSet<QString> m_announced;         // incident keys already notified
    QSet<QString> m_held;              // keys held back by do-not-disturb: announced if they turn critical
    QHash<QString, Waiting> m_waiting; // new incidents waiting for their first candidate, by key
    int m_diagnosisWaitMs = 0;
    // The previous snapshot's incidents (shared, not copied); their alerts are only looked at when an incident with a
    // new key appears, so a storm that only grows incidents costs no pass over alerts.
    QVector<Incident> m_previous;
    QList<Severity> m_soundSeverities;
    bool m_doNotDisturb = false;
    int m_unacknowledged = 0;
    Severity m_worst = Severity::Unknown;
};
