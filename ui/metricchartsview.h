#pragma once
// MetricChartsView: the incident's metrics on one shared time axis, so an engineer sees in the data why the
// console believes its diagnosis. Each metric (connections, errors, p99 latency, ...) gets its own horizontal
// lane scaled to its own maximum, one colour per service (the root in the root-cause colour); alert onsets and
// changes are vertical markers; hovering shows the values under a cursor line that the timeline can also set.
// Lines are decimated to the plot's pixel columns (min/max per column); the full series stay for the tooltip.
// When Prometheus is unreachable an overlay says so and what was shown stays.

#include "model/changeevent.h"
#include "model/incidentmetricsresult.h"

#include <QChartView>
#include <QDateTime>
#include <QHash>
#include <QMap>
#include <QStringList>
#include <QVector>

class QGraphicsLineItem;
class QGraphicsSimpleTextItem;
class QLabel;
class QLineSeries;
struct Incident;

class MetricChartsView : public QChartView
{
    Q_OBJECT

public:
    explicit MetricChartsView(QWidget* parent = nullptr);

    // The incident the next results belong to: its alert onsets and the changes become markers. Another
    // incident's series are dropped; the same incident keeps them until its next result.
    void setIncident(const Incident& incident, const QVector<ChangeEvent>& changes);
    // A result of IncidentMetrics. One for another incident than the one set is ignored (it is outdated).
    // A degraded result (no server answered) shows the overlay and keeps the series already shown.
    void showResult(const IncidentMetricsResult& result);
    // Only this service's series (a click on a graph node); showAll() goes back to the incident's.
    void showService(const QString& service);
    void showAll();
    void clear();
    // Paints the chart in the current scheme (Theme::scheme()): call when it changes.
    void applyTheme();

    // The cursor line; set from outside it never emits cursorMoved().
    void setCursorTime(const QDateTime& time);
    QDateTime cursorTime() const { return m_cursor; }

    bool hasService(const QString& service) const;
    QString focusService() const { return m_focus; }
    QStringList shownServices() const;
    int seriesCount() const { return int(m_lines.size()); } // data lines on the chart (markers excluded)
    QVector<int> displayedPointCounts() const;              // per data line, after decimation
    int plotColumns() const;                                // pixel columns of the plot area
    int onsetMarkerCount() const { return m_onsetMarkers; }
    int changeMarkerCount() const { return m_changeMarkers; }
    bool isDegraded() const;
    QString degradedText() const;
    QString toolTipTextAt(const QDateTime& time) const; // what hovering at that instant shows

Q_SIGNALS:
    void cursorMoved(const QDateTime& time); // the user hovered or clicked the plot

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Line
    {
        QString key;
        QLineSeries* series = nullptr;
        double laneBase = 0.0;
        double laneLow = 0.0;
        double laneHigh = 1.0;
    };
    struct Marker
    {
        qint64 msecs = 0;
        QString text;
        QColor color;
        bool change = false;
    };

    void rebuild();
    void redecimate();
    void updateCursorItem();
    void updateOverlay();
    void placeLegend();
    void userCursorAt(const QPointF& viewPos, const QPoint& globalPos);
    QStringList visibleKeys() const;
    QColor colorOf(const QString& service);
    qint64 xMin() const;
    qint64 xMax() const;

    QString m_incidentKey;
    QVector<Marker> m_markers;
    qint64 m_incidentFrom = 0; // alert span, for the axis before any result arrived
    qint64 m_incidentTo = 0;
    QMap<QString, IncidentMetricsResult::Series> m_data; // "service\x1ftemplateId" -> full series
    QStringList m_incidentKeys;                          // the incident job's series, fetch priority order
    QStringList m_roots;
    QHash<QString, QColor> m_colors;
    qint64 m_from = 0; // the result's window (0: none yet)
    qint64 m_to = 0;
    int m_stepSeconds = 15;
    QString m_focus;
    QString m_error;
    QDateTime m_lastSuccess;
    QDateTime m_cursor;

    QVector<Line> m_lines;
    int m_onsetMarkers = 0;
    int m_changeMarkers = 0;
    int m_decimatedFor = -1; // plot columns the lines were decimated for
    QGraphicsLineItem* m_cursorItem = nullptr;
    QGraphicsSimpleTextItem* m_cursorLabel = nullptr;
    QLabel* m_overlay = nullptr;
};
