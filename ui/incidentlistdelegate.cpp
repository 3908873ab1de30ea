#include "incidentlistdelegate.h"

#include "incidentlistmodel.h"
#include "theme.h"

#include <QApplication>
#include <QPainter>

using namespace Qt::StringLiterals;

namespace {
QFont titleFont(const QFont& base)
{
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() + 1.5);
    f.setBold(true);
    return f;
}
} // namespace

QSize IncidentListDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    const QFontMetrics title(titleFont(option.font));
    const QFontMetrics body(option.font);
    return {240, 12 + title.height() + 2 * body.height() + 8};
}

void IncidentListDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QRect r = option.rect.adjusted(4, 3, -4, -3);
    const bool selected = option.state & QStyle::State_Selected;
    const bool open = index.data(IncidentListModel::IsOpenRole).toBool();

    painter->setPen(QPen(selected ? QColor(0x15, 0x65, 0xC0) : Theme::panelBorder(), selected ? 2 : 1));
    painter->setBrush(selected ? QColor(0xE3, 0xF2, 0xFD) : (open ? QColor(Qt::white) : QColor(0xF5, 0xF6, 0xF7)));
    painter->drawRoundedRect(QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5);

    // Severity bar on the left edge.
    const QColor sev = index.data(IncidentListModel::SeverityColorRole).value<QColor>();
    painter->setPen(Qt::NoPen);
    painter->setBrush(open ? sev : sev.lighter(150));
    painter->drawRoundedRect(QRect(r.left() + 1, r.top() + 1, 7, r.height() - 1), 3, 3);

    const QRect text = r.adjusted(16, 6, -10, -6);
    const QFont tf = titleFont(option.font);
    const QFontMetrics tfm(tf);
    const QFontMetrics bfm(option.font);
    const QColor ink = open ? QColor(0x1A, 0x23, 0x2B) : Theme::mutedText();

    // Line 1: root cause  ............  confidence
    QString root = index.data(IncidentListModel::RootCauseRole).toString();
    if (root.isEmpty())
        root = tr("root cause unknown");
    const QVariant confidence = index.data(IncidentListModel::ConfidenceRole);
    const QString conf = confidence.isValid() ? tr("%1 %").arg(qRound(confidence.toDouble() * 100)) : QString();
    painter->setFont(tf);
    const int confWidth = tfm.horizontalAdvance(conf);
    painter->setPen(open ? Theme::rootCauseColor() : Theme::mutedText());
    painter->drawText(QRect(text.left(), text.top(), text.width() - confWidth - 8, tfm.height()),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      tfm.elidedText(root, Qt::ElideRight, text.width() - confWidth - 8));
    painter->setPen(ink);
    painter->drawText(QRect(text.left(), text.top(), text.width(), tfm.height()), Qt::AlignRight | Qt::AlignVCenter,
                      conf);

    // Line 2: counts
    painter->setFont(option.font);
    const int y2 = text.top() + tfm.height() + 2;
    const QString counts = tr("%n alert(s)", nullptr, index.data(IncidentListModel::AlertCountRole).toInt()) +
                           u" · "_s +
                           tr("%n service(s)", nullptr, index.data(IncidentListModel::ServiceCountRole).toInt()) +
                           u" · "_s + tr("%1 notif.").arg(index.data(IncidentListModel::NotificationCountRole).toInt());
    painter->setPen(ink);
    painter->drawText(QRect(text.left(), y2, text.width(), bfm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                      bfm.elidedText(counts, Qt::ElideRight, text.width()));

    // Line 3: severity + state  ............  first alert time
    const int y3 = y2 + bfm.height();
    const auto state = Incident::State(index.data(IncidentListModel::StateRole).toInt());
    const QString left = index.data(IncidentListModel::SeverityRole).toString().toUpper() + u" · "_s +
                         index.data(IncidentListModel::StateTextRole).toString();
    const QString when = Theme::clock(index.data(IncidentListModel::FirstAlertRole).toDateTime());
    QFont stateFont = option.font;
    stateFont.setBold(state == Incident::State::Triggered);
    painter->setFont(stateFont);
    painter->setPen(state == Incident::State::Triggered ? sev.darker(130) : Theme::mutedText());
    const int whenWidth = bfm.horizontalAdvance(when) + 8;
    painter->drawText(QRect(text.left(), y3, text.width() - whenWidth, bfm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetrics(stateFont).elidedText(left, Qt::ElideRight, text.width() - whenWidth));
    painter->setFont(option.font);
    painter->setPen(Theme::mutedText());
    painter->drawText(QRect(text.left(), y3, text.width(), bfm.height()), Qt::AlignRight | Qt::AlignVCenter, when);

    if (option.state & QStyle::State_HasFocus && selected) {
        // The selection border already shows focus; no dotted rectangle on top.
    }
    painter->restore();
}
