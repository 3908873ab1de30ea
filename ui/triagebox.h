#pragma once
// TriageBox: the triage inside the incident card — three summary lines, "Now" (the immediate action) and
// "Do not" — labelled with where it comes from: "deterministic" (the diagnosis, shown at once) or
// "advisory (LLM: model)" once a model answered. While a model is being asked, or when it failed, a status
// line says so; the deterministic triage stays readable throughout.

#include "triage/triageresult.h"

#include <QWidget>

class QLabel;

class TriageBox : public QWidget
{
    Q_OBJECT

public:
    explicit TriageBox(QWidget* parent = nullptr);

    void showResult(const TriageResult& result);
    void setStatus(const QString& status); // "asking llama-3…", "LLM unavailable: …"; empty hides it
    void clear();
    void setFontScale(double scale);

    QString originText() const;
    QString summaryText() const;
    QString actionText() const;
    QString doNotText() const;
    QString statusText() const;
    bool showsLlm() const { return m_llm; }

private:
    void applyStyle();

    QLabel* m_origin = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_action = nullptr;
    QLabel* m_doNot = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_actionCaption = nullptr;
    QLabel* m_doNotCaption = nullptr;
    QLabel* m_caption = nullptr;
    double m_scale = 1.0;
    bool m_llm = false;
};
