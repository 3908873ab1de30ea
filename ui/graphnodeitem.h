#pragma once
// GraphNodeItem: one service in the dependency graph view — a rounded box filled by alert state,
// a purple outline and "ROOT CAUSE" badge for the diagnosed root, an orange halo for the blast
// radius. Geometry comes from Graphviz; this item only paints, in the colours of the current scheme.

#include "theme.h"

#include <QGraphicsItem>
#include <QString>

class GraphNodeItem : public QGraphicsItem
{
public:
    struct Info
    {
        QString service;
        QString kind;
        Theme::AlertState state = Theme::AlertState::None;
        int firing = 0;
        int resolved = 0;
        bool rootCause = false;
        bool blastRadius = false;
        bool outsideGraph = false; // the service is not in the dependency graph
    };

    GraphNodeItem(const Info& info, const QRectF& rect, QGraphicsItem* parent = nullptr);

    enum
    {
        Type = UserType + 1
    };
    int type() const override { return Type; }

    const Info& info() const { return m_info; }
    QRectF nodeRect() const { return m_rect; }

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    // The size a node needs for its text; the layout request asks Graphviz for exactly this.
    static QSizeF preferredSize(const Info& info);
    static QString subtitle(const Info& info);
    // In points of the theme's scale (Theme::fontScale): war-room nodes are laid out larger, like all other text.
    static QFont nameFont();
    static QFont subtitleFont();
    // What the layout keeps free above a root cause's box for its badge (badge, gap and a clearance), so the badge
    // never touches the node above it. 0 for other nodes.
    static qreal reservedAbove(const Info& info);
    // The "ROOT CAUSE" badge in item coordinates (empty unless the node is the root cause).
    QRectF badgeRect() const;

    // The scheme's colours: on the dark canvas the quiet states (no alert, resolved) are dark tiles with light text,
    // the alerting ones keep their fills; the legend draws its swatches with the same.
    static QColor fill(Theme::AlertState state);
    static QColor textColor(Theme::AlertState state);
    static QColor borderColor();
    static QColor rootOutlineColor();

private:
    Info m_info;
    QRectF m_rect;
    qreal m_badgeHeight; // the "ROOT CAUSE" badge above the box, sized to its type when the item was made
};
