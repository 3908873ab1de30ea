#pragma once
// GraphView: the incident's neighbourhood of the service dependency graph, laid out by Graphviz
// `dot` on a worker thread. Shows the whole graph when it is small, else the affected services,
// the root-cause candidates and their direct neighbours; services missing from the graph are
// drawn apart below it. Results of an outdated layout job are dropped.

#include "graphlayout.h"
#include "graphnodeitem.h"
#include "pipeline/latestjobrunner.h"

#include <QGraphicsView>
#include <memory>

class QGraphicsScene;
class ServiceGraph;
struct Incident;

class GraphView : public QGraphicsView
{
    Q_OBJECT

public:
    static constexpr int WholeGraphLimit = 60;     // graphs up to this size are shown whole
    static constexpr int NeighbourhoodLimit = 120; // beyond this, direct neighbours are kept only around the root
    // In the war room node names are never drawn smaller than this on screen (12 pt at 96 dpi).
    static constexpr int WarRoomMinimumNamePixels = 16;
    // The smallest view scale fit() uses: 0 at a desk, what keeps names at WarRoomMinimumNamePixels in the war room.
    static qreal minimumZoom();

    explicit GraphView(QWidget* parent = nullptr);
    ~GraphView() override;

    // Starts a background layout unless the picture would be the same as the one shown.
    void showIncident(std::shared_ptr<const ServiceGraph> graph, const Incident& incident);
    // The same, but what to draw is also worked out on a worker (it reads every alert of the incident): for the live
    // console under a storm. Requests made meanwhile coalesce into the latest.
    void showIncidentLater(std::shared_ptr<const ServiceGraph> graph, const Incident& incident);
    void clear();

    bool isLayoutPending() const { return m_pending || m_planner.isRunning(); }
    int nodeItemCount() const;
    QString highlightedRootCause() const;
    QStringList nodeNames() const;   // services drawn, sorted
    QStringList blastRadius() const; // services drawn with the blast-radius halo, sorted
    QString layoutError() const { return m_error; }

Q_SIGNALS:
    void layoutFinished();
    void serviceActivated(const QString& service); // double-click on a node

protected:
    void resizeEvent(QResizeEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void drawBackground(QPainter* painter, const QRectF& rect) override;

private:
    struct Plan;
    struct JobResult;

    static Plan planFor(const ServiceGraph* graph, const Incident& incident, double fontScale, int scheme);
    void startLayout(Plan plan); // unless the picture would be the same as the one shown
    void applyLayout(const Plan& plan, const JobResult& result);
    void fit();
    // At the war room's smallest zoom, the part of the scene (of the given size) the view shows.
    QRectF cropFor(const QSizeF& room) const;

    QGraphicsScene* m_scene = nullptr;
    quint64 m_jobId = 0;
    bool m_pending = false;
    QString m_signature; // what the scene shows (or the pending job will show)
    QString m_error;
    QString m_placeholder;
    bool m_userZoomed = false; // after a wheel zoom, resizes and updates stop re-fitting until a double-click
    // Plans for showIncidentLater; a synchronous show or clear cancels the one being worked out.
    LatestJobRunner<Plan> m_planner;
};
