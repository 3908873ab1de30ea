#include "graphlegend.h"

#include "graphnodeitem.h"
#include "theme.h"

#include <QPainter>

namespace {
struct Entry
{
    QString label;
    QColor fill;
    QColor border;
    qreal borderWidth;
    bool halo;
};

QVector<Entry> entries()
{
    // The nodes' own colours in the current scheme, so the key matches the picture above it.
    const QColor ink = GraphNodeItem::borderColor();
    const QColor plain = GraphNodeItem::fill(Theme::AlertState::None);
    return {
        {GraphLegend::tr("critical"), GraphNodeItem::fill(Theme::AlertState::Critical), ink, 1, false},
        {GraphLegend::tr("warning"), GraphNodeItem::fill(Theme::AlertState::Warning), ink, 1, false},
        {GraphLegend::tr("resolved"), GraphNodeItem::fill(Theme::AlertState::Resolved), ink, 1, false},
        {GraphLegend::tr("no alert"), plain, ink, 1, false},
        {GraphLegend::tr("root cause"), plain, GraphNodeItem::rootOutlineColor(), 3, false},
        {GraphLegend::tr("blast radius"), plain, ink, 1, true},
    };
}
} // namespace

GraphLegend::GraphLegend(QWidget* parent) : QWidget(parent)
{
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

int GraphLegend::layoutEntries(int width, QVector<QRectF>* swatches, QVector<QRectF>* labels) const
{
    const int h = fontMetrics().height();
    const int rowHeight = h + 6;
    qreal x = 8;
    qreal y = 3;
    for (const Entry& e : entries()) {
        const int textWidth = fontMetrics().horizontalAdvance(e.label);
        const qreal entryWidth = h + 4 + 5 + textWidth;
        if (x > 8 && x + entryWidth > width - 4) {
            x = 8;
            y += rowHeight;
        }
        if (swatches)
            swatches->append(QRectF(x, y + 3, h + 4, h - 4));
        if (labels)
            labels->append(QRectF(x + h + 9, y, textWidth + 2, h));
        x += entryWidth + 14;
    }
    return int(y) + rowHeight;
}

QColor GraphLegend::textColor()
{
    return Theme::text(); // the legend sits on the graph's panel, the chrome's colour in either scheme
}

int GraphLegend::heightForWidth(int width) const
{
    return layoutEntries(width, nullptr, nullptr);
}

QSize GraphLegend::sizeHint() const
{
    return {480, heightForWidth(480)};
}

QSize GraphLegend::minimumSizeHint() const
{
    return {100, heightForWidth(width() > 0 ? width() : 480)};
}

void GraphLegend::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    updateGeometry(); // the height depends on the width
}

void GraphLegend::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    QVector<QRectF> swatches, labels;
    layoutEntries(width(), &swatches, &labels);
    const QVector<Entry> all = entries();
    for (int i = 0; i < all.size(); ++i) {
        const Entry& e = all.at(i);
        if (e.halo) {
            QColor halo = Theme::blastRadiusColor();
            halo.setAlpha(110);
            painter.setPen(Qt::NoPen);
            painter.setBrush(halo);
            painter.drawRoundedRect(swatches.at(i).adjusted(-2, -2, 2, 2), 4, 4);
        }
        painter.setPen(QPen(e.border, e.borderWidth));
        painter.setBrush(e.fill);
        painter.drawRoundedRect(swatches.at(i), 3, 3);
        painter.setPen(textColor());
        painter.drawText(labels.at(i), Qt::AlignVCenter, e.label);
    }
}
