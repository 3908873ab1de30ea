#include "incidentlistdelegate.h"

#include "i18n/coretranslate.h"
#include "incidentlistmodel.h"
#include "theme.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QTextLayout>
#include <QToolTip>

using namespace Qt::StringLiterals;

namespace {
QFont titleFont(const QFont& base)
{
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() + Theme::points(1.5)); // the base is already scaled: keep the proportion
    f.setBold(true);
    return f;
}

// The name over two lines at most, the second elided: a list pane is narrow, and a name cut after its first
// word names nothing.
QStringList twoLines(const QString& text, const QFont& font, int width)
{
    const QFontMetrics fm(font);
    if (fm.horizontalAdvance(text) <= width)
        return {text};
    QTextLayout layout(text, font);
    layout.beginLayout();
    QTextLine first = layout.createLine();
    first.setLineWidth(width);
    const int length = first.textLength();
    layout.endLayout();
    return {text.left(length).trimmed(), fm.elidedText(text.mid(length).trimmed(), Qt::ElideRight, width)};
}

// The text area of a row; a noise incident listed under its group is indented under it.
QRect textRect(const QStyleOptionViewItem& option, const QModelIndex& index)
{
    const bool member = index.data(IncidentListModel::IsNoiseMemberRole).toBool();
    return option.rect.adjusted(member ? 16 : 4, 3, -4, -3).adjusted(16, 6, -10, -6);
}

// The root cause's name and its labelled confidence share line 3: the label shortens to the number alone, then
// the name elides, so the two never overlap.
struct RootLine
{
    QString root;
    QString confidence;
    QRect rootRect;
    QRect confidenceRect;
};

RootLine rootLine(const QStyleOptionViewItem& option, const QModelIndex& index)
{
    const QRect text = textRect(option, index);
    const QFontMetrics bfm(option.font);
    QFont rootFont = option.font;
    rootFont.setBold(true);
    const QFontMetrics rfm(rootFont);
    RootLine line;
    line.root = index.data(IncidentListModel::RootCauseRole).toString();
    if (line.root.isEmpty())
        line.root = IncidentListDelegate::tr("root cause unknown");
    const QVariant confidence = index.data(IncidentListModel::ConfidenceRole);
    const int y = text.top() + 2 * QFontMetrics(titleFont(option.font)).height() + 2;
    if (confidence.isValid()) {
        line.confidence = IncidentListDelegate::confidenceText(index);
        const QString percent = IncidentListDelegate::tr("%1 %").arg(qRound(confidence.toDouble() * 100));
        if (rfm.horizontalAdvance(line.root) + 8 + bfm.horizontalAdvance(line.confidence) > text.width())
            line.confidence = percent;
        const int width = bfm.horizontalAdvance(line.confidence);
        line.confidenceRect = QRect(text.right() - width + 1, y, width, bfm.height());
    }
    const int rootRoom = text.width() - (line.confidence.isEmpty() ? 0 : line.confidenceRect.width() + 8);
    line.root = rfm.elidedText(line.root, Qt::ElideRight, rootRoom);
    line.rootRect = QRect(text.left(), y, qMin(rootRoom, rfm.horizontalAdvance(line.root)), bfm.height());
    return line;
}

// Tile colours from the window palette's roles, so a dark scheme gets dark tiles with light text.
QColor tileFill(const QStyleOptionViewItem& option, bool selected, bool open)
{
    const QPalette& pal = option.palette;
    if (selected) { // a tint of the highlight over the base: the text keeps its contrast
        const QColor base = pal.color(QPalette::Base), hl = pal.color(QPalette::Highlight);
        return QColor::fromRgbF(0.82f * base.redF() + 0.18f * hl.redF(), 0.82f * base.greenF() + 0.18f * hl.greenF(),
                                0.82f * base.blueF() + 0.18f * hl.blueF());
    }
    return pal.color(open ? QPalette::Base : QPalette::AlternateBase);
}
} // namespace

IncidentListDelegate::Colours IncidentListDelegate::colours(const QStyleOptionViewItem& option, const QModelIndex& index)
{
    const bool selected = option.state & QStyle::State_Selected;
    const bool group = index.data(IncidentListModel::IsNoiseGroupRole).toBool();
    const bool open = !group && index.data(IncidentListModel::IsOpenRole).toBool();
    Colours c;
    c.fill = tileFill(option, selected, open); // the noise group and closed incidents are the quieter tile
    c.border = selected ? option.palette.color(QPalette::Highlight) : Theme::chromeBorder();
    c.ink = Theme::readableAccent(option.palette.color(QPalette::Text), c.fill);
    c.muted = Theme::readableAccent(Theme::secondaryText(), c.fill);
    c.root = open ? Theme::readableAccent(Theme::accentText(), c.fill) : c.muted;
    const QColor sev = index.data(IncidentListModel::SeverityColorRole).value<QColor>();
    const auto state = Incident::State(index.data(IncidentListModel::StateRole).toInt());
    c.state = state == Incident::State::Triggered && !group ? Theme::readableAccent(sev, c.fill) : c.muted;
    return c;
}

QSize IncidentListDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    const QFontMetrics title(titleFont(option.font));
    const QFontMetrics body(option.font);
    return {240, 12 + 2 * title.height() + 2 * body.height() + 8};
}

QRect IncidentListDelegate::confidenceRect(const QStyleOptionViewItem& option, const QModelIndex& index)
{
    return rootLine(option, index).confidenceRect;
}

QRect IncidentListDelegate::rootCauseRect(const QStyleOptionViewItem& option, const QModelIndex& index)
{
    return rootLine(option, index).rootRect;
}

QString IncidentListDelegate::shownRootCause(const QStyleOptionViewItem& option, const QModelIndex& index)
{
    return rootLine(option, index).root;
}

QString IncidentListDelegate::confidenceText(const QModelIndex& index)
{
    const QVariant confidence = index.data(IncidentListModel::ConfidenceRole);
    return confidence.isValid() ? tr("root cause %1 %").arg(qRound(confidence.toDouble() * 100)) : QString();
}

void IncidentListDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    if (index.data(IncidentListModel::IsNoiseGroupRole).toBool()) {
        paintNoiseGroup(painter, option, index);
        return;
    }
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const bool member = index.data(IncidentListModel::IsNoiseMemberRole).toBool();
    const QRect r = option.rect.adjusted(member ? 16 : 4, 3, -4, -3);
    const bool selected = option.state & QStyle::State_Selected;
    const bool open = index.data(IncidentListModel::IsOpenRole).toBool();
    const Colours colour = colours(option, index);

    painter->setPen(QPen(colour.border, selected ? 2 : 1));
    painter->setBrush(colour.fill);
    painter->drawRoundedRect(QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5);

    // Severity bar on the left edge.
    const QColor sev = index.data(IncidentListModel::SeverityColorRole).value<QColor>();
    painter->setPen(Qt::NoPen);
    painter->setBrush(open ? sev : sev.lighter(150));
    painter->drawRoundedRect(QRect(r.left() + 1, r.top() + 1, 7, r.height() - 1), 3, 3);

    const QRect text = textRect(option, index);
    const QFont tf = titleFont(option.font);
    const QFontMetrics tfm(tf);
    const QFontMetrics bfm(option.font);

    // Lines 1-2: #number and the incident's name.
    const qint64 id = index.data(IncidentListModel::IncidentIdRole).toLongLong();
    const QString title = (id > 0 ? u"#%1  "_s.arg(id) : QString()) + index.data(IncidentListModel::TitleRole).toString();
    painter->setFont(tf);
    painter->setPen(colour.ink);
    const QStringList titleLines = twoLines(title, tf, text.width());
    for (int i = 0; i < titleLines.size(); ++i)
        painter->drawText(QRect(text.left(), text.top() + i * tfm.height(), text.width(), tfm.height()),
                          Qt::AlignLeft | Qt::AlignVCenter, titleLines.at(i));

    // Line 3: root cause  ............  root cause NN %
    const RootLine line = rootLine(option, index);
    QFont rootFont = option.font;
    rootFont.setBold(true);
    painter->setFont(rootFont);
    painter->setPen(colour.root);
    painter->drawText(QRect(text.left(), line.rootRect.top(), line.rootRect.width() + 2, line.rootRect.height()),
                      Qt::AlignLeft | Qt::AlignVCenter, line.root);
    painter->setFont(option.font);
    painter->setPen(colour.ink);
    painter->drawText(line.confidenceRect, Qt::AlignRight | Qt::AlignVCenter, line.confidence);

    // Line 4: severity, state and the counts that fit  ............  first alert time
    const int y3 = line.rootRect.top() + bfm.height();
    const auto state = Incident::State(index.data(IncidentListModel::StateRole).toInt());
    const QString when = Theme::clock(index.data(IncidentListModel::FirstAlertRole).toDateTime());
    QFont stateFont = option.font;
    stateFont.setBold(state == Incident::State::Triggered);
    const QFontMetrics sfm(stateFont);
    const int whenWidth = bfm.horizontalAdvance(when) + 8;
    const QString alerts = tr("%n alert(s)", nullptr, index.data(IncidentListModel::AlertCountRole).toInt());
    const QString services = tr("%n service(s)", nullptr, index.data(IncidentListModel::ServiceCountRole).toInt());
    QString left = CoreTranslate::severity(index.data(IncidentListModel::SeverityRole).toString()).toUpper() + u" · "_s +
                   index.data(IncidentListModel::StateTextRole).toString();
    for (const QString& more : {left + u" · "_s + alerts + u" · "_s + services, left + u" · "_s + alerts}) {
        if (sfm.horizontalAdvance(more) <= text.width() - whenWidth) {
            left = more;
            break;
        }
    }
    painter->setFont(stateFont);
    painter->setPen(colour.state);
    painter->drawText(QRect(text.left(), y3, text.width() - whenWidth, bfm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                      sfm.elidedText(left, Qt::ElideRight, text.width() - whenWidth));
    painter->setFont(option.font);
    painter->setPen(colour.muted);
    painter->drawText(QRect(text.left(), y3, text.width(), bfm.height()), Qt::AlignRight | Qt::AlignVCenter, when);
    painter->restore();
}

void IncidentListDelegate::paintNoiseGroup(QPainter* painter, const QStyleOptionViewItem& option,
                                           const QModelIndex& index) const
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QRect r = option.rect.adjusted(4, 3, -4, -3);
    const bool selected = option.state & QStyle::State_Selected;
    const bool expanded = index.data(IncidentListModel::NoiseExpandedRole).toBool();
    const Colours colour = colours(option, index);
    painter->setPen(QPen(colour.border, selected ? 2 : 1, selected ? Qt::SolidLine : Qt::DashLine));
    painter->setBrush(colour.fill);
    painter->drawRoundedRect(QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5);

    const QRect text = r.adjusted(12, 6, -10, -6);
    const QFont tf = titleFont(option.font);
    const QFontMetrics tfm(tf);
    const QFontMetrics bfm(option.font);
    painter->setFont(tf);
    painter->setPen(colour.ink);
    const QString title = (expanded ? u"▾ "_s : u"▸ "_s) + index.data(Qt::DisplayRole).toString();
    const QStringList titleLines = twoLines(title, tf, text.width());
    for (int i = 0; i < titleLines.size(); ++i)
        painter->drawText(QRect(text.left(), text.top() + i * tfm.height(), text.width(), tfm.height()),
                          Qt::AlignLeft | Qt::AlignVCenter, titleLines.at(i));
    painter->setFont(option.font);
    painter->setPen(colour.muted);
    const QString hint = tr("one warning or info alert each");
    const QString action = expanded ? tr("click or Space to fold") : tr("click or Space to list them");
    const int y2 = text.top() + 2 * tfm.height() + 2;
    painter->drawText(QRect(text.left(), y2, text.width(), bfm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                      bfm.elidedText(hint, Qt::ElideRight, text.width()));
    painter->drawText(QRect(text.left(), y2 + bfm.height(), text.width(), bfm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                      bfm.elidedText(action, Qt::ElideRight, text.width()));
    painter->restore();
}

bool IncidentListDelegate::editorEvent(QEvent* event, QAbstractItemModel* model, const QStyleOptionViewItem& option,
                                       const QModelIndex& index)
{
    if (index.data(IncidentListModel::IsNoiseGroupRole).toBool()) {
        const bool toggle =
            (event->type() == QEvent::MouseButtonRelease &&
             static_cast<QMouseEvent*>(event)->button() == Qt::LeftButton &&
             option.rect.contains(static_cast<QMouseEvent*>(event)->position().toPoint())) ||
            (event->type() == QEvent::KeyPress && (static_cast<QKeyEvent*>(event)->key() == Qt::Key_Space ||
                                                   static_cast<QKeyEvent*>(event)->key() == Qt::Key_Select));
        if (toggle) {
            const bool expanded = index.data(IncidentListModel::NoiseExpandedRole).toBool();
            return model->setData(index, !expanded, IncidentListModel::NoiseExpandedRole);
        }
    }
    return QStyledItemDelegate::editorEvent(event, model, option, index);
}

bool IncidentListDelegate::helpEvent(QHelpEvent* event, QAbstractItemView* view, const QStyleOptionViewItem& option,
                                     const QModelIndex& index)
{
    if (event->type() == QEvent::ToolTip && confidenceRect(option, index).contains(event->pos())) {
        QToolTip::showText(event->globalPos(),
                           tr("Likelihood that %1 is the root cause, as calibrated on test suites of alert storms.")
                               .arg(index.data(IncidentListModel::RootCauseRole).toString()),
                           view);
        return true;
    }
    return QStyledItemDelegate::helpEvent(event, view, option, index);
}
