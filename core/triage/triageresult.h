#pragma once
// TriageResult: the three-part triage an on-call engineer reads first: a summary of at most three lines, the
// one immediate action and the one thing not to do. Either deterministic (built from the diagnosis, always
// there at once) or advisory from an LLM; a fallback says why the LLM's answer is not shown.

#include <QMetaType>
#include <QString>
#include <QStringList>

struct TriageResult
{
    enum class Origin
    {
        Deterministic,
        Llm
    };

    Origin origin = Origin::Deterministic;
    QString model;          // Llm: the model that answered
    QStringList summary;    // at most three lines
    QString immediateAction;
    QString doNotDo;
    QString fallbackReason; // Deterministic after an LLM request failed: why (timeout, HTTP 500, bad JSON…)

    bool isLlm() const { return origin == Origin::Llm; }
    bool isEmpty() const { return summary.isEmpty() && immediateAction.isEmpty() && doNotDo.isEmpty(); }
};

Q_DECLARE_METATYPE(TriageResult)
