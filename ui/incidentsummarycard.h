#pragma once
// IncidentSummaryCard: the answer first — probable root cause with its confidence and the
// evidence sentences, then what is affected, when it began, how noisy it is, its state, and the
// Acknowledge button.

#include "model/incident.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

class IncidentSummaryCard : public QWidget
{
    Q_OBJECT

public:
    explicit IncidentSummaryCard(QWidget* parent = nullptr);

    void setIncident(const Incident& incident);
    void clear(const QString& message = {}); // message replaces "No incident selected"

    qint64 incidentId() const { return m_incidentId; }
    QPushButton* acknowledgeButton() const { return m_ackButton; }
    QString rootCauseText() const;
    QString confidenceText() const;
    QStringList evidence() const { return m_evidenceLines; }

Q_SIGNALS:
    void acknowledgeRequested(qint64 incidentId);

private:
    qint64 m_incidentId = 0;
    QStringList m_evidenceLines;

    QLabel* m_badges = nullptr;
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
};
