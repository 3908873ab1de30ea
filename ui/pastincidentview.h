#pragma once
// PastIncidentView: one stored incident, read-only, as it looked: the summary card, the graph from its
// snapshot, the alert onsets and the stored metric series, its alerts, and what people did (acks, notes, the
// resolve, runbook runs) with who and when. The ReplayScrubber under it walks the incident minute by minute:
// at each moment the views show only what the console knew then (ReplayTimeline).

#include "history/pastincident.h"
#include "history/replaytimeline.h"

#include <QWidget>

class AlertTableModel;
class GraphView;
class IncidentSummaryCard;
class MetricChartsView;
class QLabel;
class QTabWidget;
class QTableView;
class QTableWidget;
class ReplayScrubber;
class TimelineChartView;

class PastIncidentView : public QWidget
{
    Q_OBJECT

public:
    explicit PastIncidentView(QWidget* parent = nullptr);

    // Shows the incident as it ended (the scrubber at its last minute).
    void setPastIncident(const ReviewedIncident& past);
    void clear(const QString& message = {});

    qint64 incidentId() const { return m_past.incident.id; }
    const ReplayTimeline& timeline() const { return m_timeline; }
    QDateTime shownTime() const { return m_shownAt; } // the replayed moment on screen
    int visibleActionCount() const;                   // actions and runbook runs listed up to the moment

    ReplayScrubber* scrubber() const { return m_scrubber; }
    IncidentSummaryCard* card() const { return m_card; }
    GraphView* graphView() const { return m_graph; }
    TimelineChartView* timelineView() const { return m_onsets; }
    MetricChartsView* metricsView() const { return m_metrics; }
    AlertTableModel* alertModel() const { return m_alertModel; }
    QTableWidget* actionsTable() const { return m_actions; }
    QTabWidget* chartTabs() const { return m_chartTabs; }

private:
    void showMinute(int minute);
    void fillActions();

    ReviewedIncident m_past;
    ReplayTimeline m_timeline;
    QDateTime m_shownAt;

    QLabel* m_title = nullptr;
    QLabel* m_subtitle = nullptr;
    QLabel* m_resolution = nullptr;
    IncidentSummaryCard* m_card = nullptr;
    GraphView* m_graph = nullptr;
    QTabWidget* m_chartTabs = nullptr;
    TimelineChartView* m_onsets = nullptr;
    MetricChartsView* m_metrics = nullptr;
    QTabWidget* m_bottomTabs = nullptr;
    AlertTableModel* m_alertModel = nullptr;
    QTableView* m_alertView = nullptr;
    QTableWidget* m_actions = nullptr;
    ReplayScrubber* m_scrubber = nullptr;
    QVector<QDateTime> m_actionTimes; // per row of m_actions
};
