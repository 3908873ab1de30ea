#pragma once
// TimelineChartView: when each service's alerts began — one row per service on a category axis,
// onsets as markers on a time axis, the root cause's row highlighted and deploys/changes as
// diamonds — so "what broke first" is visible at a glance.

#include <QByteArray>
#include <QChartView>
#include <QDateTime>
#include <QMultiHash>
#include <QPair>
#include <QStringList>
#include <QVector>

class QGraphicsLineItem;
struct ChangeEvent;
struct Incident;
struct RunbookRun;

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
    void rebuild(const Incident* incident, const QVector<ChangeEvent>& changes, const QVector<RunbookRun>& runs);
    void showPointToolTip(const QPointF& point, bool entered);

    QStringList m_services;
    QString m_rootCause;
    int m_onsets = 0;
    int m_changeMarkers = 0;
    int m_actionMarkers = 0;
    QDateTime m_cursor;
    QGraphicsLineItem* m_cursorLine = nullptr; // owned by the scene
    QByteArray m_signature; // what the chart shows; an identical snapshot skips the rebuild (no flicker)
    QMultiHash<QPair<qint64, int>, QString> m_pointTexts; // (time, row) -> what happened there, for hover
};
