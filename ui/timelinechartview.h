#pragma once
// TimelineChartView: when each service's alerts began — one row per service on a category axis,
// onsets as markers on a time axis, the root cause's row highlighted and deploys/changes as
// diamonds — so "what broke first" is visible at a glance.

#include "model/changeevent.h"
#include "model/incident.h"
#include "model/runbookrun.h"
#include "pipeline/latestjobrunner.h"

#include <QByteArray>
#include <QChartView>
#include <QDateTime>
#include <QHash>
#include <QMultiHash>
#include <QPair>
#include <QStringList>
#include <QPointF>
#include <QVector>

#include <memory>
#include <optional>

class QDateTimeAxis;
class QGraphicsLineItem;
class QGraphicsSimpleTextItem;
class QLineSeries;
class QScatterSeries;

class TimelineChartView : public QChartView
{
    Q_OBJECT

public:
    // What the chart is drawn from, and the view's settings that shape it (read on the GUI thread).
    struct PlanInput
    {
        Incident incident;
        QVector<ChangeEvent> changes;
        QVector<RunbookRun> runs;
        int foldRows = 0; // the war room's rows that fit: more services share the last row; 0: a row each
        double fontScale = 1.0;
        int scheme = 0;
    };
    // What the chart shows of an incident, worked out without the widget: the rows and where every marker stands.
    // Reading a storm's incident of many thousand alerts is the costly part, so it is done by planFor, which is
    // pure and may run on a worker; the view only draws the result.
    struct Plan
    {
        QByteArray signature; // of the input: an equal one draws the same chart
        bool unchanged = false; // planFor was told this signature is shown already and stopped there
        bool hasAlerts = false;
        bool hasOnsets = false;
        int foldRows = 0;
        QStringList services; // rows, top to bottom
        QString rootCause;
        QList<QPointF> critical, warning, other, root, changes, actions;
        QMultiHash<QPair<qint64, int>, QString> pointTexts; // (time, row) -> what happened there, for hover
        QHash<QPair<qint64, int>, int> pointMore;           // (time, row) -> alerts of that marker beyond its texts
        int onsets = 0;
        qint64 minT = 0, maxT = 0; // every marker's time
    };
    // shownSignature: what the view shows now; when the input's signature is the same, only that is returned.
    static Plan planFor(const PlanInput& input, const QByteArray& shownSignature = {});

    explicit TimelineChartView(QWidget* parent = nullptr);

    // runs: the runbook steps run for this incident, shown as triangles on the root's row.
    void showIncident(const Incident& incident, const QVector<ChangeEvent>& changes,
                      const QVector<RunbookRun>& runs = {});
    // The same, planned on a worker and drawn when done: for the live console, whose GUI thread must not read every
    // alert of a storm. Requests made while a plan is being worked out coalesce into the latest.
    void showIncidentLater(const Incident& incident, const QVector<ChangeEvent>& changes,
                           const QVector<RunbookRun>& runs = {});
    bool isPlanPending() const { return m_planner.isRunning(); }
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
    void planShown(); // a plan from showIncidentLater is on screen (or was the one shown already)

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Planned // a worker's plan with what it was planned from
    {
        PlanInput input;
        Plan plan;
    };
    PlanInput inputFor(const Incident& incident, const QVector<ChangeEvent>& changes,
                       const QVector<RunbookRun>& runs) const;
    int foldRows() const; // PlanInput::foldRows for this view's height and type
    void showPlan(const PlanInput& input, Plan plan);
    void placeCursor();
    void placeRowLabels(); // beside their rows, whenever the plot area moves
    void rebuild(const Plan* plan);
    // A plan that only moves markers (a storm adding onsets to the same rows) updates the series drawn; false when the
    // chart must be built again (other rows, legend entries, time format or theme).
    bool updateInPlace(const Plan& plan);
    static QByteArray layoutOf(const Plan& plan); // what rebuild() builds besides the markers and the time range
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
    std::optional<PlanInput> m_shown; // what the chart was planned from: planned again when a resize folds otherwise
    std::shared_ptr<const Plan> m_plan; // what rebuild() draws again when the view is resized
    QByteArray m_signature; // what the chart shows; an identical snapshot skips the rebuild (no flicker)
    // Plans for showIncidentLater; a synchronous show or clear cancels the one being worked out.
    LatestJobRunner<Planned> m_planner;
    // What rebuild() drew last, for updateInPlace.
    struct Drawn
    {
        QByteArray layout;
        QList<QScatterSeries*> markers; // critical, warning, other, root, changes, actions
        QLineSeries* band = nullptr;    // the root's row, when it has one
        QDateTimeAxis* xAxis = nullptr;
    };
    std::optional<Drawn> m_drawn;
    static constexpr int MarkerBuckets = 400; // distinct marker positions per row across the incident's onsets
    static constexpr int TextsPerMarker = 8;
};
