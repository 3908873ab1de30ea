#include "graphnodeitem.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QPainter>

using namespace Qt::StringLiterals;

namespace {
constexpr qreal Radius = 6;
constexpr qreal Halo = 7;

QFont badgeFont()
{
    QFont font = GraphNodeItem::subtitleFont();
    font.setBold(true);
    return font;
}
} // namespace

GraphNodeItem::GraphNodeItem(const Info& info, const QRectF& rect, QGraphicsItem* parent)
    : QGraphicsItem(parent), m_info(info), m_rect(rect), m_badgeHeight(QFontMetricsF(badgeFont()).height() + 4)
{
    setToolTip(
        m_info.service + u'\n' + subtitle(m_info) +
        (m_info.rootCause ? u"\n"_s + QCoreApplication::translate("GraphNodeItem", "Probable root cause") : QString()) +
        (m_info.blastRadius
             ? u"\n"_s + QCoreApplication::translate("GraphNodeItem", "In the blast radius of the root cause")
             : QString()));
    setZValue(1); // above edges
}

QFont GraphNodeItem::nameFont()
{
    QFont font;
    font.setPointSizeF(Theme::points(10));
    font.setBold(true);
    return font;
}

QFont GraphNodeItem::subtitleFont()
{
    QFont font;
    font.setPointSizeF(Theme::points(9));
    return font;
}

QString GraphNodeItem::subtitle(const Info& info)
{
    QString state;
    if (info.firing > 0)
        state = QCoreApplication::translate("GraphNodeItem", "%n firing", nullptr, info.firing);
    else if (info.resolved > 0)
        state = QCoreApplication::translate("GraphNodeItem", "resolved");
    else
        state = QCoreApplication::translate("GraphNodeItem", "no alert");
    // "service" says nothing; database, cache, queue do.
    return info.kind.isEmpty() || info.kind == u"service" ? state : info.kind + u" · "_s + state;
}

QSizeF GraphNodeItem::preferredSize(const Info& info)
{
    const qreal nameWidth = QFontMetricsF(nameFont()).horizontalAdvance(info.service);
    const qreal subWidth = QFontMetricsF(subtitleFont()).horizontalAdvance(subtitle(info));
    const QFontMetricsF name(nameFont()), sub(subtitleFont());
    return QSizeF(qMax(96.0 * Theme::fontScale(), qMax(nameWidth, subWidth) + 22),
                  qMax(40.0, name.height() + sub.height() + 10));
}

QRectF GraphNodeItem::boundingRect() const
{
    return m_rect.adjusted(-Halo - 2, -Halo - m_badgeHeight - 4, Halo + 2, Halo + 2);
}

void GraphNodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    painter->setRenderHint(QPainter::Antialiasing);

    if (m_info.blastRadius) {
        QColor halo = Theme::blastRadiusColor();
        halo.setAlpha(110);
        painter->setPen(Qt::NoPen);
        painter->setBrush(halo);
        painter->drawRoundedRect(m_rect.adjusted(-Halo, -Halo, Halo, Halo), Radius + 4, Radius + 4);
    }

    QPen border(m_info.rootCause ? Theme::rootCauseColor() : QColor(0x37, 0x47, 0x4F), m_info.rootCause ? 4.5 : 1.2);
    if (m_info.outsideGraph && !m_info.rootCause)
        border.setStyle(Qt::DashLine);
    painter->setPen(border);
    painter->setBrush(Theme::alertStateFill(m_info.state));
    painter->drawRoundedRect(m_rect, Radius, Radius);

    const QColor text = Theme::alertStateText(m_info.state);
    const QRectF inner = m_rect.adjusted(6, 3, -6, -3);
    painter->setPen(text);
    painter->setFont(nameFont());
    painter->drawText(QRectF(inner.left(), inner.top(), inner.width(), inner.height() * 0.55),
                      Qt::AlignHCenter | Qt::AlignBottom, m_info.service);
    painter->setFont(subtitleFont());
    painter->drawText(QRectF(inner.left(), inner.top() + inner.height() * 0.55, inner.width(), inner.height() * 0.45),
                      Qt::AlignHCenter | Qt::AlignTop, subtitle(m_info));

    if (m_info.rootCause) {
        const QFont font = badgeFont();
        const QString label = QCoreApplication::translate("GraphNodeItem", "ROOT CAUSE");
        const qreal w = QFontMetricsF(font).horizontalAdvance(label) + 14;
        const QRectF badge(m_rect.center().x() - w / 2, m_rect.top() - m_badgeHeight - 3, w, m_badgeHeight);
        painter->setPen(Qt::NoPen);
        painter->setBrush(Theme::rootCauseColor());
        painter->drawRoundedRect(badge, m_badgeHeight / 2, m_badgeHeight / 2);
        painter->setPen(Qt::white);
        painter->setFont(font);
        painter->drawText(badge, Qt::AlignCenter, label);
    }
}
