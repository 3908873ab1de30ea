#pragma once
// GraphLayout: runs Graphviz `dot` on plain data and returns positions and edge splines. Pure
// function of its input, callable from any thread; calls are serialised internally because
// libgvc/libcgraph keep global state and are not thread-safe.

#include <QPainterPath>
#include <QRectF>
#include <QSizeF>
#include <QString>
#include <QVector>

class GraphLayout
{
public:
    struct Node
    {
        QString id;
        QSizeF size; // in scene units (Graphviz points)
        // Room kept free of other nodes above the box (a badge drawn there). Graphviz is asked for a node this much
        // taller above and below, so the box stays centred on its rank; edges are drawn on to the box itself.
        qreal reserveAbove = 0;
    };
    struct Edge
    {
        int from = 0; // caller
        int to = 0;   // callee
    };
    struct Request
    {
        QVector<Node> nodes;
        QVector<Edge> edges;
        bool leftToRight = false;
        // For nodes without edges: dot puts them all in one rank; invisible edges from node i to
        // i + wrapColumns stack them into a grid of that many columns instead.
        int wrapColumns = 0;
    };
    struct PlacedEdge
    {
        int from = 0;
        int to = 0;
        QPainterPath path; // the spline, y pointing down
        QPointF arrowBase; // arrowhead from base to tip (tip touches the callee)
        QPointF arrowTip;
        bool hasArrow = false;
    };
    struct Result
    {
        QVector<QRectF> nodeRects; // the boxes, without their reserved room; same order as Request::nodes
        QVector<PlacedEdge> edges;
        QRectF bounds;
        QString error; // empty on success
    };

    static Result compute(const Request& request);
};
