#include "graphview.h"

#include "deferscenepaints.h"
#include "graph/servicegraph.h"
#include "model/incident.h"
#include "pipeline/backgroundpool.h"

#include <QFontInfo>
#include <QFontMetricsF>
#include <QFutureWatcher>
#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QMouseEvent>
#include <QSet>
#include <QWheelEvent>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

struct GraphView::Plan
{
    QVector<GraphNodeItem::Info> inGraph;
    QVector<GraphLayout::Edge> edges;
    QVector<GraphNodeItem::Info> outside;
    QString signature;
    bool hasGraph = false;
};

struct GraphView::JobResult
{
    GraphLayout::Result main;
    GraphLayout::Result outside;
};

GraphView::GraphView(QWidget* parent)
    : QGraphicsView(parent), m_scene(new QGraphicsScene(this)),
      m_planner(
          this, [this](Plan plan) { startLayout(std::move(plan)); },
          [this] {
              if (!m_pending)
                  Q_EMIT layoutFinished(); // the picture was the one shown already
          })
{
    setScene(m_scene);
    deferScenePaints(m_scene);
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setBackgroundBrush(Theme::panelBackground());
    setFrameShape(QFrame::NoFrame);
    setAlignment(Qt::AlignCenter);
    m_placeholder = tr("No incident selected");
}

GraphView::~GraphView() = default;

GraphView::Plan GraphView::planFor(const ServiceGraph* graph, const Incident& incident, double fontScale, int scheme)
{
    Plan plan;
    plan.hasGraph = graph != nullptr;

    // What the incident says about each service.
    QHash<QString, GraphNodeItem::Info> infos;
    auto infoFor = [&](const QString& service) -> GraphNodeItem::Info& {
        auto it = infos.find(service);
        if (it == infos.end()) {
            GraphNodeItem::Info info;
            info.service = service;
            info.kind = graph ? graph->kind(service) : QString();
            it = infos.insert(service, info);
        }
        return *it;
    };
    QSet<QString> core;
    for (const TrackedAlert& alert : incident.alerts) {
        const QString service = alert.service();
        if (service.isEmpty())
            continue;
        core.insert(service);
        GraphNodeItem::Info& info = infoFor(service);
        if (alert.isFiring() && !alert.inhibited) {
            ++info.firing;
            const Severity severity = parseSeverity(alert.latest.severity());
            const Theme::AlertState s = severity >= Severity::Error     ? Theme::AlertState::Critical
                                        : severity == Severity::Warning ? Theme::AlertState::Warning
                                                                        : Theme::AlertState::Info;
            if (info.state == Theme::AlertState::None || info.state == Theme::AlertState::Resolved ||
                int(s) < int(info.state))
                info.state = s;
        } else if (alert.isFiring()) {
            ++info.firing; // inhibited: still firing, but painted as a warning at most
            if (info.state == Theme::AlertState::None || info.state == Theme::AlertState::Resolved)
                info.state = Theme::AlertState::Warning;
        } else {
            ++info.resolved;
            if (info.state == Theme::AlertState::None)
                info.state = Theme::AlertState::Resolved;
        }
    }
    const RootCauseCandidate* top = incident.topCause();
    for (int i = 0; i < qMin<qsizetype>(3, incident.rootCauses.size()); ++i)
        core.insert(incident.rootCauses.at(i).service);
    core.remove(QString());
    if (top)
        infoFor(top->service).rootCause = true;

    // Which services to draw.
    QSet<QString> shown;
    if (graph && graph->nodeCount() <= WholeGraphLimit) {
        for (const ServiceGraph::Node& n : graph->nodes())
            shown.insert(n.id);
    } else if (graph) {
        for (const QString& s : core) {
            if (!graph->contains(s))
                continue;
            shown.insert(s);
            for (const QString& n : graph->callers(s))
                shown.insert(n);
            for (const QString& n : graph->callees(s))
                shown.insert(n);
        }
        // A hub (a gateway calling hundreds of services) can explode the neighbourhood; then keep
        // only the incident's own services plus the root's direct neighbours, which stays readable
        // and keeps dot's quadratic cost bounded.
        if (shown.size() > NeighbourhoodLimit) {
            shown.clear();
            for (const QString& s : core) {
                if (graph->contains(s))
                    shown.insert(s);
            }
            if (top && graph->contains(top->service)) {
                for (const QString& n : graph->callers(top->service) + graph->callees(top->service)) {
                    if (shown.size() >= NeighbourhoodLimit)
                        break;
                    shown.insert(n);
                }
            }
        }
    }

    // Blast radius: alerting services that depend (transitively) on the root cause.
    if (graph && top && graph->contains(top->service)) {
        const QHash<QString, int> upstream = graph->upstreamOf(top->service);
        for (auto it = upstream.cbegin(); it != upstream.cend(); ++it) {
            auto info = infos.find(it.key());
            if (info != infos.end() && info->firing > 0)
                info->blastRadius = true;
        }
    }

    QStringList inGraph(shown.cbegin(), shown.cend());
    std::sort(inGraph.begin(), inGraph.end()); // a stable order gives a stable picture
    QHash<QString, int> indexOf;
    for (const QString& s : inGraph) {
        indexOf.insert(s, int(plan.inGraph.size()));
        plan.inGraph.append(infoFor(s));
    }
    if (graph) {
        for (const QString& s : inGraph) {
            for (const QString& callee : graph->callees(s)) {
                if (indexOf.contains(callee))
                    plan.edges.append({indexOf.value(s), indexOf.value(callee)});
            }
        }
    }
    QStringList outside;
    for (const QString& s : core) {
        if (!shown.contains(s))
            outside.append(s);
    }
    std::sort(outside.begin(), outside.end());
    for (const QString& s : outside) {
        GraphNodeItem::Info info = infoFor(s);
        info.outsideGraph = true;
        plan.outside.append(info);
    }

    // Everything the picture depends on; equal signatures mean no new layout is needed.
    QStringList sig;
    auto describe = [](const GraphNodeItem::Info& i) {
        return u"%1|%2|%3|%4|%5|%6|%7"_s.arg(i.service, i.kind)
            .arg(int(i.state))
            .arg(i.firing)
            .arg(i.resolved)
            .arg(i.rootCause)
            .arg(i.blastRadius);
    };
    for (const auto& i : plan.inGraph)
        sig << describe(i);
    for (const auto& e : plan.edges)
        sig << u"%1>%2"_s.arg(e.from).arg(e.to);
    sig << u"--"_s;
    for (const auto& i : plan.outside)
        sig << describe(i);
    sig << QString::number(fontScale); // the nodes' type: the war room lays them out again, larger
    sig << QString::number(scheme);    // the caption's colour is set when the scene is built
    plan.signature = sig.join(u';');
    return plan;
}

void GraphView::showIncident(std::shared_ptr<const ServiceGraph> graph, const Incident& incident)
{
    m_planner.cancel(); // newer than any plan being worked out
    setBackgroundBrush(Theme::panelBackground()); // the canvas is the panel's, light or dark
    startLayout(planFor(graph.get(), incident, Theme::fontScale(), int(Theme::scheme())));
}

void GraphView::showIncidentLater(std::shared_ptr<const ServiceGraph> graph, const Incident& incident)
{
    setBackgroundBrush(Theme::panelBackground());
    m_planner.request([graph = std::move(graph), incident, fontScale = Theme::fontScale(), scheme = int(Theme::scheme())] {
        return planFor(graph.get(), incident, fontScale, scheme);
    });
}

void GraphView::startLayout(Plan plan)
{
    if (plan.signature == m_signature)
        return;
    m_signature = plan.signature;

    GraphLayout::Request main;
    for (const auto& info : plan.inGraph)
        main.nodes.append({info.service, GraphNodeItem::preferredSize(info), GraphNodeItem::reservedAbove(info)});
    main.edges = plan.edges;
    GraphLayout::Request outside;
    for (const auto& info : plan.outside)
        outside.nodes.append({info.service, GraphNodeItem::preferredSize(info), GraphNodeItem::reservedAbove(info)});
    outside.wrapColumns = qMax(1, int(std::ceil(std::sqrt(1.5 * double(outside.nodes.size())))));

    // Both orientations for a small graph; the one that fills this panel best wins (a wide panel
    // suits left-to-right, a tall one top-to-bottom). Big neighbourhoods get one dot run only.
    const QSizeF room = viewport()->size().isEmpty() ? QSizeF(600, 400) : QSizeF(viewport()->size());
    const bool tryBoth = main.nodes.size() <= WholeGraphLimit;

    const quint64 job = ++m_jobId;
    m_pending = true;
    auto* watcher = new QFutureWatcher<JobResult>(this);
    connect(watcher, &QFutureWatcher<JobResult>::finished, this, [this, watcher, job, plan = std::move(plan)]() {
        watcher->deleteLater();
        if (job != m_jobId)
            return; // a newer incident or update superseded this layout
        applyLayout(plan, watcher->result());
        m_pending = false;
        Q_EMIT layoutFinished();
    });
    watcher->setFuture(QtConcurrent::run(BackgroundPool::instance(), [main, outside, room, tryBoth]() {
        JobResult result{GraphLayout::compute(main), GraphLayout::compute(outside)};
        if (!tryBoth || !result.main.error.isEmpty())
            return result;
        GraphLayout::Request across = main;
        across.leftToRight = true;
        GraphLayout::Result other = GraphLayout::compute(across);
        auto scaleFor = [&](const GraphLayout::Result& r) {
            const qreal extra = result.outside.nodeRects.isEmpty() ? 0 : result.outside.bounds.height() + 50;
            const QSizeF size(qMax(r.bounds.width(), result.outside.bounds.width()) + 24,
                              r.bounds.height() + extra + 40);
            return qMin(room.width() / size.width(), room.height() / size.height());
        };
        if (other.error.isEmpty() && scaleFor(other) > scaleFor(result.main) * 1.05)
            result.main = std::move(other);
        return result;
    }));
}

void GraphView::clear()
{
    m_planner.cancel();
    ++m_jobId; // drops whatever is still running
    m_pending = false;
    m_signature.clear();
    m_error.clear();
    m_scene->clear();
    m_placeholder = tr("No incident selected");
    setBackgroundBrush(Theme::panelBackground());
    viewport()->update();
}

void GraphView::applyLayout(const Plan& plan, const JobResult& result)
{
    m_scene->clear();
    m_error = result.main.error.isEmpty() ? result.outside.error : result.main.error;
    m_placeholder = m_error.isEmpty() ? QString() : tr("Graph layout failed: %1").arg(m_error);
    if (!m_error.isEmpty()) {
        viewport()->update();
        return;
    }

    const bool blastEdges =
        std::any_of(plan.inGraph.cbegin(), plan.inGraph.cend(), [](const auto& i) { return i.blastRadius; });
    auto onBlastPath = [&](int from, int to) {
        const auto& a = plan.inGraph.at(from);
        const auto& b = plan.inGraph.at(to);
        return blastEdges && a.blastRadius && (b.blastRadius || b.rootCause);
    };

    for (const GraphLayout::PlacedEdge& edge : result.main.edges) {
        const bool hot = onBlastPath(edge.from, edge.to);
        const QColor color = hot ? Theme::blastRadiusColor() : QColor(0x78, 0x90, 0x9C); // mid grey: either canvas
        QPen pen(color, hot ? 2.4 : 1.3);
        pen.setCapStyle(Qt::RoundCap);
        auto* path = m_scene->addPath(edge.path, pen);
        path->setZValue(0);
        if (edge.hasArrow) {
            const QLineF line(edge.arrowTip, edge.arrowBase);
            const double angle = std::atan2(line.dy(), line.dx());
            const double len = hot ? 10 : 9;
            const double spread = 0.42;
            QPolygonF head;
            head << edge.arrowTip
                 << edge.arrowTip + QPointF(std::cos(angle + spread) * len, std::sin(angle + spread) * len)
                 << edge.arrowTip + QPointF(std::cos(angle - spread) * len, std::sin(angle - spread) * len);
            auto* arrow = m_scene->addPolygon(head, QPen(color, 1), color);
            arrow->setZValue(0);
        }
    }
    for (int i = 0; i < plan.inGraph.size() && i < result.main.nodeRects.size(); ++i)
        m_scene->addItem(new GraphNodeItem(plan.inGraph.at(i), result.main.nodeRects.at(i)));

    // Services the graph does not know: their own row under a caption, well below the graph.
    if (!plan.outside.isEmpty()) {
        const qreal gap = plan.inGraph.isEmpty() ? 0 : 44;
        const QRectF mainBounds = result.main.bounds;
        const qreal top = (plan.inGraph.isEmpty() ? 0 : mainBounds.bottom()) + gap;
        auto* caption =
            m_scene->addSimpleText(plan.inGraph.isEmpty() && !plan.hasGraph ? tr("No dependency graph configured")
                                                                            : tr("Not in the dependency graph"));
        QFont font = GraphNodeItem::subtitleFont();
        font.setItalic(true);
        caption->setFont(font);
        caption->setBrush(Theme::secondaryText());
        const qreal left = plan.inGraph.isEmpty() ? 0 : mainBounds.center().x() - result.outside.bounds.width() / 2;
        caption->setPos(left, top - QFontMetricsF(font).height() - 4);
        // The row goes below the caption with everything it paints, a root cause's badge and halo included.
        QVector<GraphNodeItem*> row;
        qreal rowTop = top;
        for (int i = 0; i < plan.outside.size() && i < result.outside.nodeRects.size(); ++i) {
            const QRectF r = result.outside.nodeRects.at(i).translated(left, top + 6);
            row << new GraphNodeItem(plan.outside.at(i), r);
            m_scene->addItem(row.last());
            rowTop = qMin(rowTop, row.last()->sceneBoundingRect().top());
        }
        for (GraphNodeItem* node : std::as_const(row))
            node->moveBy(0, top - rowTop);
    }
    if (plan.inGraph.isEmpty() && plan.outside.isEmpty())
        m_placeholder = tr("No services to show");
    m_userZoomed = false;
    fit();
}

void GraphView::fit()
{
    const QRectF bounds = m_scene->itemsBoundingRect().adjusted(-12, -12, 12, 12);
    if (bounds.isEmpty()) {
        resetTransform();
        return;
    }
    m_scene->setSceneRect(bounds);
    fitInView(bounds, Qt::KeepAspectRatio);
    // Small graphs stay at natural size rather than blowing text up.
    if (transform().m11() > 1.15) {
        resetTransform();
        scale(1.15, 1.15);
        centerOn(bounds.center());
    }
    // The war room reads the names from across the room: rather than shrink a large graph to a picture of
    // unreadable boxes, keep the names at a readable size around the root cause (drag to see the rest).
    const qreal floor = minimumZoom();
    if (transform().m11() < floor) {
        resetTransform();
        scale(floor, floor);
        centerOn(cropFor(QSizeF(viewport()->size()) / floor).center());
    }
}

namespace {
constexpr qreal Clear = 6; // scene units between a box and the crop's edge: rounding never leaves a one-pixel sliver

// Where a crop's edge may go on one axis so that it cuts no box (given as its [low, high] extents): just before or
// just past each box, on the near or the far edge. Kept within [from, to]; from and to themselves too.
QVector<qreal> edgeCandidates(const QVector<std::pair<qreal, qreal>>& boxes, qreal length, qreal from, qreal to)
{
    QVector<qreal> out{from, to};
    for (const auto& [low, high] : boxes)
        for (qreal at : {low - Clear, high + Clear, low - Clear - length, high + Clear - length})
            if (at > from && at < to)
                out.append(at);
    return out;
}
} // namespace

QRectF GraphView::cropFor(const QSizeF& room) const
{
    // The war room keeps names readable rather than the picture whole, so only part of it shows. Which part: the root
    // cause, then as much of its blast radius (nearest first), then of the incident's other services, as fits whole;
    // and among the places that show those, the one that cuts the fewest boxes in half at the panel's edges (a box
    // half under the legend reads as a fault, a box wholly out of view as "drag to see more").
    struct Box
    {
        QRectF rect;
        int weight; // what cutting it costs
        int rank;
    };
    QVector<Box> boxes;
    QRectF root;
    for (QGraphicsItem* item : m_scene->items()) {
        if (item->type() == GraphNodeItem::Type) {
            const auto* node = static_cast<const GraphNodeItem*>(item);
            const GraphNodeItem::Info& info = node->info();
            const int rank = info.rootCause ? 0 : info.blastRadius ? 1 : info.firing + info.resolved > 0 ? 2 : 3;
            boxes.append({node->sceneBoundingRect(), rank == 3 ? 1 : 4 - rank, rank});
            if (info.rootCause)
                root = node->sceneBoundingRect();
        } else if (item->type() == QGraphicsSimpleTextItem::Type) {
            boxes.append({item->sceneBoundingRect(), 1, 2}); // the caption of the services off the graph
        }
    }
    const QRectF bounds = m_scene->sceneRect();
    if (root.isNull())
        root = QRectF(bounds.center(), QSizeF(1, 1));
    std::sort(boxes.begin(), boxes.end(), [&](const Box& a, const Box& b) {
        if (a.rank != b.rank)
            return a.rank < b.rank;
        return QLineF(a.rect.center(), root.center()).length() < QLineF(b.rect.center(), root.center()).length();
    });
    QRectF shown = root;
    for (const Box& box : std::as_const(boxes)) {
        const QRectF with = shown | box.rect;
        if (box.rank < 3 && with.width() <= room.width() - 2 * Clear && with.height() <= room.height() - 2 * Clear)
            shown = with;
    }

    // Each axis on its own: the crop's left edge from where shown's right edge still fits to shown's left edge.
    auto place = [&](bool horizontal, const QRectF& across) {
        const qreal length = horizontal ? room.width() : room.height();
        const qreal low = horizontal ? shown.left() : shown.top();
        const qreal high = horizontal ? shown.right() : shown.bottom();
        const qreal from = high + Clear - length, to = low - Clear;
        if (from >= to)
            return (from + to) / 2; // shown is as long as the room
        QVector<std::pair<qreal, qreal>> extents;
        for (const Box& box : std::as_const(boxes))
            extents.append(horizontal ? std::pair{box.rect.left(), box.rect.right()}
                                      : std::pair{box.rect.top(), box.rect.bottom()});
        const qreal centred = (from + to) / 2;
        qreal best = centred;
        qreal bestCost = std::numeric_limits<qreal>::max();
        for (const qreal at : edgeCandidates(extents, length, from, to)) {
            qreal cost = 0;
            for (const Box& box : std::as_const(boxes)) {
                // Only boxes in the crop's span on the other axis can be cut by this axis' edges.
                if (horizontal ? (box.rect.bottom() < across.top() || box.rect.top() > across.bottom())
                               : (box.rect.right() < across.left() || box.rect.left() > across.right()))
                    continue;
                const qreal a = horizontal ? box.rect.left() : box.rect.top();
                const qreal b = horizontal ? box.rect.right() : box.rect.bottom();
                if ((a < at && b > at) || (a < at + length && b > at + length))
                    cost += box.weight;
            }
            cost += std::abs(at - centred) / (length + 1); // less than any box: between equals, the centred one
            if (cost < bestCost) {
                bestCost = cost;
                best = at;
            }
        }
        return best;
    };
    // The vertical placement first (the panel is usually wider than tall, so a cut row hurts most), over the
    // columns shown; then the horizontal one over the rows the crop has.
    const qreal top = place(false, QRectF(shown.center().x() - room.width() / 2, bounds.top(), room.width(),
                                         bounds.height()));
    const qreal left = place(true, QRectF(bounds.left(), top, bounds.width(), room.height()));
    return QRectF(QPointF(left, top), room);
}

qreal GraphView::minimumZoom()
{
    if (Theme::fontScale() <= 1.0)
        return 0; // at a desk the whole picture wins; hover and zoom read the names
    return qreal(WarRoomMinimumNamePixels) / qMax(1, QFontInfo(GraphNodeItem::nameFont()).pixelSize());
}

void GraphView::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    if (!m_userZoomed)
        fit();
}

void GraphView::wheelEvent(QWheelEvent* event)
{
    const int steps = event->angleDelta().y() / 120;
    if (steps == 0)
        return;
    m_userZoomed = true;
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    const qreal factor = std::pow(1.2, steps);
    const qreal current = transform().m11();
    if (current * factor > 0.2 && current * factor < 4)
        scale(factor, factor);
    event->accept();
}

void GraphView::mouseDoubleClickEvent(QMouseEvent* event)
{
    for (QGraphicsItem* item : items(event->position().toPoint())) {
        if (item->type() == GraphNodeItem::Type) {
            Q_EMIT serviceActivated(static_cast<GraphNodeItem*>(item)->info().service);
            return;
        }
    }
    // Double-click on empty space: back to the whole picture.
    m_userZoomed = false;
    fit();
    QGraphicsView::mouseDoubleClickEvent(event);
}

void GraphView::drawBackground(QPainter* painter, const QRectF& rect)
{
    QGraphicsView::drawBackground(painter, rect);
    if (m_placeholder.isEmpty() || !m_scene->items().isEmpty())
        return;
    painter->save();
    painter->resetTransform();
    painter->setPen(Theme::secondaryText());
    painter->drawText(viewport()->rect(), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
    painter->restore();
}

int GraphView::nodeItemCount() const
{
    int n = 0;
    for (const QGraphicsItem* item : m_scene->items()) {
        if (item->type() == GraphNodeItem::Type)
            ++n;
    }
    return n;
}

QString GraphView::highlightedRootCause() const
{
    for (const QGraphicsItem* item : m_scene->items()) {
        if (item->type() == GraphNodeItem::Type) {
            const auto* node = static_cast<const GraphNodeItem*>(item);
            if (node->info().rootCause)
                return node->info().service;
        }
    }
    return {};
}

QStringList GraphView::nodeNames() const
{
    QStringList names;
    for (const QGraphicsItem* item : m_scene->items()) {
        if (item->type() == GraphNodeItem::Type)
            names.append(static_cast<const GraphNodeItem*>(item)->info().service);
    }
    names.sort();
    return names;
}

QStringList GraphView::blastRadius() const
{
    QStringList names;
    for (const QGraphicsItem* item : m_scene->items()) {
        if (item->type() == GraphNodeItem::Type && static_cast<const GraphNodeItem*>(item)->info().blastRadius)
            names.append(static_cast<const GraphNodeItem*>(item)->info().service);
    }
    names.sort();
    return names;
}
