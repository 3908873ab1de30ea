#include "graphnodeitem.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QPainter>

using namespace Qt::StringLiterals;

namespace {
constexpr qreal Radius = 6;
constexpr qreal Halo = 7;

constexpr qreal BadgeGap = 3;       // between the badge and its box
constexpr qreal BadgeClearance = 6; // between the badge and whatever is above it

QFont badgeFont()
{
    QFont font = GraphNodeItem::subtitleFont();
    font.setBold(true);
    return font;
}

QString badgeLabel()
{
    return QCoreApplication::translate("GraphNodeItem", "ROOT CAUSE");
}

qreal badgeHeight()
{
    return QFontMetricsF(badgeFont()).height() + 4;
}

qreal badgeWidth()
{
    return QFontMetricsF(badgeFont()).horizontalAdvance(badgeLabel()) + 14;
}

bool dark()
{
    return Theme::scheme() == Theme::Scheme::Dark;
}
} // namespace

GraphNodeItem::GraphNodeItem(const Info& info, const QRectF& rect, QGraphicsItem* parent)
    : QGraphicsItem(parent), m_info(info), m_rect(rect), m_badgeHeight(badgeHeight())
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
    // A root cause's box is at least as wide as its badge: the badge stays within the box's column.
    const qreal badge = info.rootCause ? badgeWidth() + 8 : 0;
    return QSizeF(qMax(qMax(96.0 * Theme::fontScale(), badge), qMax(nameWidth, subWidth) + 22),
                  qMax(40.0, name.height() + sub.height() + 10));
}

qreal GraphNodeItem::reservedAbove(const Info& info)
{
    return info.rootCause ? badgeHeight() + BadgeGap + BadgeClearance : 0;
}

QRectF GraphNodeItem::badgeRect() const
{
    if (!m_info.rootCause)
        return {};
    const qreal w = badgeWidth();
    return QRectF(m_rect.center().x() - w / 2, m_rect.top() - m_badgeHeight - BadgeGap, w, m_badgeHeight);
}

QColor GraphNodeItem::fill(Theme::AlertState state)
{
    if (dark() && state == Theme::AlertState::None)
        return QColor(0x2E, 0x38, 0x42);
    if (dark() && state == Theme::AlertState::Resolved)
        return QColor(0x1F, 0x43, 0x25);
    return Theme::alertStateFill(state);
}

QColor GraphNodeItem::textColor(Theme::AlertState state)
{
    if (dark() && state == Theme::AlertState::None)
        return QColor(0xEE, 0xF2, 0xF6);
    if (dark() && state == Theme::AlertState::Resolved)
        return QColor(0xC8, 0xE6, 0xC9);
    return Theme::alertStateText(state);
}

QColor GraphNodeItem::borderColor()
{
    return dark() ? QColor(0x9A, 0xA8, 0xB4) : QColor(0x37, 0x47, 0x4F);
}

QColor GraphNodeItem::rootOutlineColor()
{
    return dark() ? Theme::accentText() : Theme::rootCauseColor(); // deep purple vanishes on the dark canvas
}

QRectF GraphNodeItem::boundingRect() const
{
    const qreal above = m_info.rootCause ? qMax(Halo, m_badgeHeight + BadgeGap) : Halo;
    return m_rect.adjusted(-Halo - 2, -above - 2, Halo + 2, Halo + 2);
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

    QPen border(m_info.rootCause ? rootOutlineColor() : borderColor(), m_info.rootCause ? 4.5 : 1.2);
    if (m_info.outsideGraph && !m_info.rootCause)
        border.setStyle(Qt::DashLine);
    painter->setPen(border);
    painter->setBrush(fill(m_info.state));
    painter->drawRoundedRect(m_rect, Radius, Radius);

    const QColor text = textColor(m_info.state);
    const QRectF inner = m_rect.adjusted(6, 3, -6, -3);
    painter->setPen(text);
    painter->setFont(nameFont());
    painter->drawText(QRectF(inner.left(), inner.top(), inner.width(), inner.height() * 0.55),
                      Qt::AlignHCenter | Qt::AlignBottom, m_info.service);
    painter->setFont(subtitleFont());
    painter->drawText(QRectF(inner.left(), inner.top() + inner.height() * 0.55, inner.width(), inner.height() * 0.45),
                      Qt::AlignHCenter | Qt::AlignTop, subtitle(m_info));

    if (m_info.rootCause) {
        const QRectF badge = badgeRect();
        painter->setPen(Qt::NoPen);
        painter->setBrush(Theme::rootCauseColor());
        painter->drawRoundedRect(badge, m_badgeHeight / 2, m_badgeHeight / 2);
        painter->setPen(Qt::white);
        painter->setFont(badgeFont());
        painter->drawText(badge, Qt::AlignCenter, badgeLabel());
    }
}
