#pragma once
// IncidentSummaryCard: the answer first — probable root cause with its confidence and the
// evidence sentences, then what is affected, when it began, how noisy it is, its state, and the
// Acknowledge button.

#include "model/incident.h"
#include "model/incidentmemory.h"

#include <QWidget>

class QBoxLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class TriageBox;

class IncidentSummaryCard : public QWidget
{
    Q_OBJECT

public:
    explicit IncidentSummaryCard(QWidget* parent = nullptr);

    void setIncident(const Incident& incident);
    // What past incidents say about the one shown (the top similar ones); empty: the section says so.
    void setMemory(const IncidentMemory& memory);
    // message replaces "No incident selected"; detail (plain text, may hold alert-source errors) replaces
    // "Nothing needs you right now." and is shown large: it explains why the list is empty.
    void clear(const QString& message = {}, const QString& detail = {});
    QString detailText() const; // the plain text under the headline, as shown
    // War-room presentation: every evidence line instead of "+N more (hover)", type scaled by fontScale.
    // Also re-reads Theme's colours; takes effect on the next setIncident()/clear().
    void setPresentation(bool showAllEvidence, double fontScale);
    bool showsAllEvidence() const { return m_showAllEvidence; }

    qint64 incidentId() const { return m_incidentId; }
    QPushButton* acknowledgeButton() const { return m_ackButton; }
    QPushButton* mitigateButton() const { return m_mitigateButton; }
    QPushButton* resolveButton() const { return m_resolveButton; }
    QString stateText() const;
    QString timesText() const; // "MTTA · MTTR" as shown
    QStringList similarLines() const { return m_similarLines; } // one per similar past incident, as shown
    QString rootCauseText() const;
    QString confidenceText() const;
    QString notesText() const; // under the root cause: silent root, not in the graph, "Also possible: ..."
    QStringList evidence() const { return m_evidenceLines; }
    // Filled by the window (it knows the runbooks and the LLM); cleared with the card.
    TriageBox* triageBox() const { return m_triage; }

Q_SIGNALS:
    void acknowledgeRequested(qint64 incidentId);
    void mitigateRequested(qint64 incidentId);
    void resolveRequested(qint64 incidentId);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void applyStyle();
    // The root cause's name on one line beside its percentage: its type shrinks (down to body size) rather than
    // the name breaking mid-word or running into the percentage.
    void fitRootService();
    QString sized(double points) const; // "font-size: 12pt;" at the current scale

    qint64 m_incidentId = 0;
    bool m_showAllEvidence = false;
    double m_fontScale = 1.0;
    QList<QLabel*> m_captions;
    QStringList m_evidenceLines;
    QStringList m_similarLines;
    QDateTime m_incidentStart;

    QBoxLayout* m_topRow = nullptr; // badges beside the Acknowledge button, or above it when the card is narrow
    QLabel* m_badges = nullptr;
    QString m_badgesKey; // the badges' text and font when m_badgesWidth was measured
    int m_badgesWidth = 0;
    QLabel* m_rootCaption = nullptr;
    QLabel* m_rootService = nullptr;
    QLabel* m_confidence = nullptr;
    QProgressBar* m_confidenceBar = nullptr;
    QLabel* m_others = nullptr;
    QLabel* m_evidence = nullptr;
    QLabel* m_affected = nullptr;
    QLabel* m_window = nullptr; // first → last alert
    QLabel* m_counts = nullptr;
    QLabel* m_state = nullptr;
    QPushButton* m_ackButton = nullptr;
    TriageBox* m_triage = nullptr;
    QPushButton* m_mitigateButton = nullptr;
    QPushButton* m_resolveButton = nullptr;
    QLabel* m_times = nullptr; // MTTA / MTTR
    QLabel* m_similarCaption = nullptr;
    QLabel* m_similar = nullptr;
};
