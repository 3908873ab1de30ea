#pragma once
// RunbookLibrary: the runbooks the console knows (a folder's YAML files plus the built-in examples) and,
// for one incident, which of them to propose and why: first those a member alert names by its `runbook`
// label, then those whose `matches` fit the incident's alerts and its top root cause, best score first.

#include "model/incident.h"
#include "model/runbook.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <functional>

class RunbookLibrary : public QObject
{
    Q_OBJECT
public:
    struct Proposal
    {
        Runbook runbook;
        double score = 0.0;  // match score plus history; comparable only within one incident
        bool named = false;  // a member alert's `runbook` label names this runbook's id
        QStringList reasons; // plain sentences saying why it is proposed, strongest first
        LabelSet labels;     // of the alert it is proposed for: what its `source: label` parameters read
        QString service;     // the diagnosed root-cause service (else that alert's service)
        QString history;     // its record on similar past incidents, e.g. "fixed 3 of 4 similar incidents"
    };

    // How well a runbook did on past incidents like this one (core/knowledge's RunbookRanker), added to the
    // match score of a runbook already proposed: history ranks, it never proposes on its own. note, when given,
    // is shown as the reason ("fixed 3 of 4 similar incidents").
    struct HistoryVerdict
    {
        double score = 0.0;
        QString note;
    };
    using HistoryScore = std::function<HistoryVerdict(const Runbook& runbook, const Incident& incident)>;

    static QString builtInFolder() { return QStringLiteral(":/runbooks"); }
    static QString runbookLabel() { return QStringLiteral("runbook"); } // alert label naming a runbook id
    static QString causeLabel() { return QStringLiteral("cause"); }     // alert label naming a cause

    explicit RunbookLibrary(QObject* parent = nullptr);

    // Replaces what was loaded: every runbook directly in dir (empty: none) and, when includeBuiltIn, the
    // shipped examples. A folder runbook overrides a built-in one with the same id (the site knows best).
    void load(const QString& dir, bool includeBuiltIn = true);
    void setRunbooks(const QVector<Runbook>& runbooks); // already loaded elsewhere; sorted by id
    const QVector<Runbook>& runbooks() const { return m_runbooks; }
    QStringList errors() const { return m_errors; }     // one line per file skipped
    QStringList warnings() const { return m_warnings; } // one line per risk in a file loaded
    const Runbook* find(const QString& id) const;

    void setHistoryScore(HistoryScore score) { m_history = std::move(score); }

    QVector<Proposal> propose(const Incident& incident) const;
    // The same context for a runbook the engineer picked although nothing proposed it.
    Proposal unproposed(const Runbook& runbook, const Incident& incident) const;

Q_SIGNALS:
    void changed();

private:
    QVector<Runbook> m_runbooks;
    QStringList m_errors;
    QStringList m_warnings;
    HistoryScore m_history;
};
