#include "graphlayout.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QMutex>
#include <QMutexLocker>

#include <algorithm>
#include <cmath>

// Graphviz's accessor macros are old-style casts; keep our warnings about our own code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wcast-qual"
#include <gvc.h>

using namespace Qt::StringLiterals;

namespace {
QMutex& graphvizMutex()
{
    static QMutex mutex;
    return mutex;
}

// One context for the process: creating one loads the plugin configuration from disk each time.
GVC_t* context()
{
    static GVC_t* gvc = gvContext();
    return gvc;
}

void set(void* object, const char* name, const QByteArray& value)
{
    agsafeset(object, const_cast<char*>(name), const_cast<char*>(value.constData()), const_cast<char*>(""));
}

QByteArray inches(double points)
{
    return QByteArray::number(points / 72.0, 'f', 3);
}

// Where the ray from the box's centre to p leaves the box: an edge clipped at a node's reserved room goes on to
// the box along the line it aimed at the centre with. p itself when it is on or inside the box.
QPointF ontoBox(const QRectF& box, const QPointF& p)
{
    const QPointF c = box.center();
    const QPointF d = p - c;
    qreal t = 1;
    if (std::abs(d.x()) > 1e-6)
        t = std::min(t, box.width() / 2 / std::abs(d.x()));
    if (std::abs(d.y()) > 1e-6)
        t = std::min(t, box.height() / 2 / std::abs(d.y()));
    return t >= 1 - 1e-6 ? p : c + d * t;
}
} // namespace

GraphLayout::Result GraphLayout::compute(const Request& request)
{
    Result result;
    if (request.nodes.isEmpty())
        return result;

    QMutexLocker lock(&graphvizMutex());
    GVC_t* gvc = context();
    if (!gvc) {
        result.error = QCoreApplication::translate("GraphLayout", "Graphviz is not available");
        return result;
    }

    Agraph_t* g = agopen(const_cast<char*>("incident"), Agdirected, nullptr);
    set(g, "rankdir", request.leftToRight ? "LR" : "TB");
    set(g, "nodesep", "0.3");
    set(g, "ranksep", request.leftToRight ? "0.35" : "0.45"); // LR ranks sit side by side: width is scarce
    set(g, "splines", "spline");
    set(g, "outputorder", "edgesfirst");

    QVector<Agnode_t*> nodes;
    nodes.reserve(request.nodes.size());
    for (int i = 0; i < request.nodes.size(); ++i) {
        // Index names, never service names: label text from alerts must not reach Graphviz's parser.
        QByteArray name = "n" + QByteArray::number(i);
        Agnode_t* n = agnode(g, name.data(), 1);
        set(n, "shape", "box");
        set(n, "fixedsize", "true");
        set(n, "label", "");
        set(n, "width", inches(request.nodes.at(i).size.width()));
        set(n, "height", inches(request.nodes.at(i).size.height() + 2 * std::max(0.0, request.nodes.at(i).reserveAbove)));
        nodes.append(n);
    }
    QVector<Agedge_t*> edges;
    for (const Edge& e : request.edges) {
        if (e.from < 0 || e.to < 0 || e.from >= nodes.size() || e.to >= nodes.size() || e.from == e.to) {
            edges.append(nullptr);
            continue;
        }
        edges.append(agedge(g, nodes.at(e.from), nodes.at(e.to), nullptr, 1));
    }

    if (request.wrapColumns > 0) {
        for (int i = 0; i + request.wrapColumns < nodes.size(); ++i) {
            Agedge_t* e = agedge(g, nodes.at(i), nodes.at(i + request.wrapColumns), nullptr, 1);
            set(e, "style", "invis");
        }
    }

    if (gvLayout(gvc, g, "dot") != 0) {
        result.error = QCoreApplication::translate("GraphLayout", "Graphviz could not lay out the graph");
        agclose(g);
        return result;
    }

    const boxf bb = GD_bb(g);
    const double top = bb.UR.y;
    auto toScene = [top](pointf p) { return QPointF(p.x, top - p.y); }; // Graphviz's y grows upwards
    result.bounds = QRectF(QPointF(bb.LL.x, 0), QPointF(bb.UR.x, bb.UR.y - bb.LL.y));

    for (int i = 0; i < nodes.size(); ++i) {
        const QPointF c = toScene(ND_coord(nodes.at(i)));
        const QSizeF size = request.nodes.at(i).size;
        result.nodeRects.append(QRectF(c.x() - size.width() / 2, c.y() - size.height() / 2, size.width(), size.height()));
    }
    const auto reserved = [&](int node) { return request.nodes.at(node).reserveAbove > 0; };
    for (int i = 0; i < edges.size(); ++i) {
        Agedge_t* e = edges.at(i);
        if (!e || !ED_spl(e))
            continue;
        PlacedEdge placed;
        placed.from = request.edges.at(i).from;
        placed.to = request.edges.at(i).to;
        const splines* spl = ED_spl(e);
        for (int s = 0; s < spl->size; ++s) {
            const bezier& bz = spl->list[s];
            if (bz.size < 1)
                continue;
            const QPointF start = toScene(bz.list[0]);
            if (s == 0 && reserved(placed.from)) { // Graphviz clipped it at the reserved room: start at the box
                placed.path.moveTo(ontoBox(result.nodeRects.at(placed.from), start));
                placed.path.lineTo(start);
            } else {
                placed.path.moveTo(start);
            }
            for (int j = 1; j + 2 < bz.size; j += 3)
                placed.path.cubicTo(toScene(bz.list[j]), toScene(bz.list[j + 1]), toScene(bz.list[j + 2]));
            if (bz.eflag) {
                placed.hasArrow = true;
                placed.arrowBase = toScene(bz.list[bz.size - 1]);
                placed.arrowTip = toScene(bz.ep);
            }
        }
        if (reserved(placed.to)) { // the arrow goes on to the box itself
            const QPointF end = placed.hasArrow ? placed.arrowTip : placed.path.currentPosition();
            const QPointF onBox = ontoBox(result.nodeRects.at(placed.to), end);
            if (onBox != end) {
                if (placed.hasArrow) {
                    placed.path.lineTo(end);
                    placed.arrowBase = end;
                    placed.arrowTip = onBox;
                }
                placed.path.lineTo(onBox);
            }
        }
        result.edges.append(placed);
    }

    gvFreeLayout(gvc, g);
    agclose(g);
    return result;
}
#pragma GCC diagnostic pop
