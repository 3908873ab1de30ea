#pragma once
// TimelineChartView: when each service's alerts began — one row per service on a category axis,
// onsets as markers on a time axis, the root cause's row highlighted and deploys/changes as
// diamonds — so "what broke first" is visible at a glance.

#include "model/changeevent.h"
#include "model/incident.h"
#include "model/runbookrun.h"

#include <QByteArray>
#include <QChartView>
#include <QDateTime>
#include <QHash>
#include <QMultiHash>
#include <QPair>
#include <QStringList>
#include <QVector>

#include <optional>

class QGraphicsLineItem;
class QGraphicsSimpleTextItem;

class TimelineChartView : public QChartView
{
    Q_OBJECT

public:
    explicit TimelineChartView(QWidget* parent = nullptr);

    // runs: the runbook steps run for this incident, shown as triangles on the root's row.
    void showIncident(const Incident& incident, const QVector<ChangeEvent>& changes,
                      const QVector<RunbookRun>& runs = {});
    void clear();

    QStringList services() const { return m_services; } // top to bottom
    // The row of changes to services that have no row of their own (last, when there are such changes).
    static QString otherServicesRow();
    // The label each row shows (elided in the middle when long) -> the service; hovering a label shows it whole.
    QHash<QString, QString> rowLabels() const { return m_rowLabels; }
    // The service whose row is at this scene position ("" between rows or outside).
    QString serviceAt(const QPointF& scenePos) const;
    QString highlightedService() const { return m_rootCause; }
    int onsetCount() const { return m_onsets; }
    int changeCount() const { return m_changeMarkers; }
    int actionCount() const { return m_actionMarkers; }

    // A vertical line at this moment, set from another view (no cursorMoved echo); invalid hides it.
    void setCursorTime(const QDateTime& time);
    QDateTime cursorTime() const { return m_cursor; }

Q_SIGNALS:
    void cursorMoved(const QDateTime& time); // the user hovered the plot at this moment

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void placeCursor();
    void placeRowLabels(); // beside their rows, whenever the plot area moves
    void rebuild(const Incident* incident, const QVector<ChangeEvent>& changes, const QVector<RunbookRun>& runs);
    void showPointToolTip(const QPointF& point, bool entered);

    QStringList m_services;
    QHash<QString, QString> m_rowLabels;
    int m_labelWidth = 0; // room the row labels take left of the plot
    QList<QGraphicsSimpleTextItem*> m_labelItems; // children of the chart, top row first
    QString m_rootCause;
    int m_onsets = 0;
    int m_changeMarkers = 0;
    int m_actionMarkers = 0;
    QDateTime m_cursor;
    QGraphicsLineItem* m_cursorLine = nullptr; // owned by the scene
    std::optional<Incident> m_shown; // what rebuild() draws again when the view is resized
    QVector<ChangeEvent> m_shownChanges;
    QVector<RunbookRun> m_shownRuns;
    QByteArray m_signature; // what the chart shows; an identical snapshot skips the rebuild (no flicker)
    QMultiHash<QPair<qint64, int>, QString> m_pointTexts; // (time, row) -> what happened there, for hover
    QHash<QPair<qint64, int>, int> m_pointMore; // (time, row) -> alerts of that marker beyond its texts
    static constexpr int MarkerBuckets = 400; // distinct marker positions per row across the incident's onsets
    static constexpr int TextsPerMarker = 8;
};
