#pragma once
// Resolution: what the engineer answered when resolving an incident. It is what later incidents learn
// from: which runbook fixed similar incidents, whether the diagnosis was right, which pages were noise.

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

struct Resolution
{
    qint64 incidentId = 0;
    QDateTime at;             // when it was answered (the resolve); now when left invalid on record
    QString user;             // OS user; filled by the store
    QString fixedByRunbook;   // runbook id when a proposed runbook fixed it, else empty
    QString fixedByStep;      // the step of that runbook, empty for "the runbook as a whole"
    QString fixedByText;      // "something else", in the engineer's words
    QString rootCause;        // the service the engineer names as the cause (may differ from the top candidate)
    std::optional<bool> suggestionRight; // was the top root-cause candidate right? nullopt: not answered
    std::optional<bool> actionable;      // did the page need a human? nullopt: not answered
    QStringList proposedRunbooks;        // what the console proposed when it was resolved: the ones not run
                                         // were ignored, which similar incidents later show

    bool fixedByRunbookStep() const { return !fixedByRunbook.isEmpty(); }
};

Q_DECLARE_METATYPE(Resolution)
