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
    f.setPointSizeF(base.pointSizeF() + 1.5);
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
} // namespace

QSize IncidentListDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    const QFontMetrics title(titleFont(option.font));
    const QFontMetrics body(option.font);
    return {240, 12 + 2 * title.height() + 2 * body.height() + 8};
}

QRect IncidentListDelegate::confidenceRect(const QStyleOptionViewItem& option, const QModelIndex& index)
{
    const QString conf = confidenceText(index);
    if (conf.isEmpty())
        return {};
    const QRect text = textRect(option, index);
    const QFontMetrics bfm(option.font);
    const int width = bfm.horizontalAdvance(conf);
    return {text.right() - width + 1, text.top() + 2 * QFontMetrics(titleFont(option.font)).height() + 2, width,
            bfm.height()};
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

    painter->setPen(QPen(selected ? QColor(0x15, 0x65, 0xC0) : Theme::panelBorder(), selected ? 2 : 1));
    painter->setBrush(selected ? QColor(0xE3, 0xF2, 0xFD) : (open ? QColor(Qt::white) : QColor(0xF5, 0xF6, 0xF7)));
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
    const QColor ink = open ? QColor(0x1A, 0x23, 0x2B) : Theme::mutedText();

    // Lines 1-2: #number and the incident's name.
    const qint64 id = index.data(IncidentListModel::IncidentIdRole).toLongLong();
    const QString title = (id > 0 ? u"#%1  "_s.arg(id) : QString()) + index.data(IncidentListModel::TitleRole).toString();
    painter->setFont(tf);
    painter->setPen(ink);
    const QStringList titleLines = twoLines(title, tf, text.width());
    for (int i = 0; i < titleLines.size(); ++i)
        painter->drawText(QRect(text.left(), text.top() + i * tfm.height(), text.width(), tfm.height()),
                          Qt::AlignLeft | Qt::AlignVCenter, titleLines.at(i));

    // Line 3: root cause  ............  root cause NN %
    painter->setFont(option.font);
    const int y2 = text.top() + 2 * tfm.height() + 2;
    QString root = index.data(IncidentListModel::RootCauseRole).toString();
    if (root.isEmpty())
        root = tr("root cause unknown");
    const QString conf = confidenceText(index);
    const int confWidth = conf.isEmpty() ? 0 : bfm.horizontalAdvance(conf) + 8;
    QFont rootFont = option.font;
    rootFont.setBold(true);
    painter->setFont(rootFont);
    painter->setPen(open ? Theme::rootCauseColor() : Theme::mutedText());
    painter->drawText(QRect(text.left(), y2, text.width() - confWidth, bfm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetrics(rootFont).elidedText(root, Qt::ElideRight, text.width() - confWidth));
    painter->setFont(option.font);
    painter->setPen(ink);
    painter->drawText(QRect(text.left(), y2, text.width(), bfm.height()), Qt::AlignRight | Qt::AlignVCenter, conf);

    // Line 4: severity, state and the counts that fit  ............  first alert time
    const int y3 = y2 + bfm.height();
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
    painter->setPen(state == Incident::State::Triggered ? sev.darker(130) : Theme::mutedText());
    painter->drawText(QRect(text.left(), y3, text.width() - whenWidth, bfm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                      sfm.elidedText(left, Qt::ElideRight, text.width() - whenWidth));
    painter->setFont(option.font);
    painter->setPen(Theme::mutedText());
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
    painter->setPen(QPen(selected ? QColor(0x15, 0x65, 0xC0) : Theme::panelBorder(), selected ? 2 : 1,
                         selected ? Qt::SolidLine : Qt::DashLine));
    painter->setBrush(QColor(0xF5, 0xF6, 0xF7));
    painter->drawRoundedRect(QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5);

    const QRect text = r.adjusted(12, 6, -10, -6);
    const QFont tf = titleFont(option.font);
    const QFontMetrics tfm(tf);
    const QFontMetrics bfm(option.font);
    painter->setFont(tf);
    painter->setPen(QColor(0x1A, 0x23, 0x2B));
    const QString title = (expanded ? u"▾ "_s : u"▸ "_s) + index.data(Qt::DisplayRole).toString();
    const QStringList titleLines = twoLines(title, tf, text.width());
    for (int i = 0; i < titleLines.size(); ++i)
        painter->drawText(QRect(text.left(), text.top() + i * tfm.height(), text.width(), tfm.height()),
                          Qt::AlignLeft | Qt::AlignVCenter, titleLines.at(i));
    painter->setFont(option.font);
    painter->setPen(Theme::mutedText());
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
