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
#include <QPixmapCache>
#include <QResizeEvent>
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

// A tile's frame: the rounded rectangle, filled and outlined, and for an incident its severity bar, painted once per
// look into a pixmap that every row of that look then copies. The list is painted again on every snapshot of a storm,
// and its antialiased rounded rectangles were half of that paint (68 of its 146 samples of the window's thread in
// 30 s of tst_ui_stormstall; with the pictures, the whole list paint took 81); a list shows a handful of looks
// (selected or not, open or not, the severity).
struct TileLook
{
    QSize size;
    QColor fill, border;
    int borderWidth = 1;
    Qt::PenStyle borderStyle = Qt::SolidLine;
    QColor bar; // invalid: no severity bar (the noise group)
};

void paintTile(QPainter* painter, const QRect& r, const TileLook& look)
{
    const qreal dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    const QString key = u"nightwatch-tile:%1x%2@%3:%4:%5:%6:%7:%8"_s.arg(look.size.width())
                            .arg(look.size.height())
                            .arg(dpr)
                            .arg(look.fill.rgba())
                            .arg(look.border.rgba())
                            .arg(look.borderWidth)
                            .arg(int(look.borderStyle))
                            .arg(look.bar.isValid() ? look.bar.rgba() : 0u);
    // A wide outline reaches past the tile's rectangle by half its width: the pixmap has room for it all round.
    const int margin = look.borderWidth;
    QPixmap tile;
    if (!QPixmapCache::find(key, &tile)) {
        tile = QPixmap((QSizeF(look.size + QSize(2 * margin, 2 * margin)) * dpr).toSize());
        tile.setDevicePixelRatio(dpr);
        tile.fill(Qt::transparent);
        QPainter p(&tile);
        p.setRenderHint(QPainter::Antialiasing);
        const QRect at(QPoint(margin, margin), look.size);
        p.setPen(QPen(look.border, look.borderWidth, look.borderStyle));
        p.setBrush(look.fill);
        p.drawRoundedRect(QRectF(at).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5);
        if (look.bar.isValid()) {
            p.setPen(Qt::NoPen);
            p.setBrush(look.bar);
            p.drawRoundedRect(QRect(at.left() + 1, at.top() + 1, 7, at.height() - 1), 3, 3);
        }
        p.end();
        QPixmapCache::insert(key, tile);
    }
    painter->drawPixmap(r.topLeft() - QPoint(margin, margin), tile);
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

QFont boldFont(const QFont& base)
{
    QFont f = base;
    f.setBold(true);
    return f;
}

// Which body lines share a line: decided on the row's width and the widest texts any row can have (not on this
// row's data), so every row has the height sizeHint() gives (uniform item sizes). War-room type in a narrow
// list puts the labelled confidence and the time on lines of their own rather than eliding them.
struct BodyPlan
{
    bool confidenceBesideRoot = true; // "root cause NN %" right of the root cause's name
    bool whenBesideState = true;      // the first alert's time right of "CRITICAL · Triggered"
    bool whenBesideConfidence = false; // else, right of the confidence on its own line, or alone
    bool stateBelowSeverity = false;   // "CRITICAL" and "Triggered" on lines of their own when both do not fit
    int lines = 2;
};

QString severityWord(const QModelIndex& index)
{
    return CoreTranslate::severity(index.data(IncidentListModel::SeverityRole).toString()).toUpper();
}

// The widest "SEVERITY · State" any row can show, or with states apart the widest severity.
int widestState(const QFont& font, bool severityAlone)
{
    const QFontMetrics sfm(boldFont(font));
    int widest = 0;
    for (const char* severity : {"critical", "error", "warning", "info"})
        for (const Incident::State state : {Incident::State::Triggered, Incident::State::Acknowledged,
                                            Incident::State::Mitigated, Incident::State::Resolved}) {
            const QString word = CoreTranslate::severity(QString::fromLatin1(severity)).toUpper();
            widest = qMax(widest, sfm.horizontalAdvance(severityAlone ? word : word + u" · "_s + Theme::stateText(state)));
        }
    return widest;
}

// The row's text width: a noise member's (indented) for every row, so all rows are planned alike.
int planWidth(int rowWidth)
{
    return rowWidth - 16 - 4 - 16 - 10;
}

BodyPlan plannedBody(const QFont& font, int rowWidth)
{
    const int width = planWidth(rowWidth);
    const QFontMetrics bfm(font);
    const int confidence = bfm.horizontalAdvance(IncidentListDelegate::tr("root cause %1 %").arg(100));
    const int when = bfm.horizontalAdvance(u"88:88:88"_s) + 8;
    BodyPlan plan;
    plan.confidenceBesideRoot = width - confidence - 8 >= width / 2; // the name keeps half the row
    plan.stateBelowSeverity = widestState(font, false) > width;
    plan.whenBesideState = widestState(font, plan.stateBelowSeverity) + when <= width;
    plan.whenBesideConfidence = !plan.whenBesideState && !plan.confidenceBesideRoot && confidence + when <= width;
    plan.lines = 2 + (plan.confidenceBesideRoot ? 0 : 1) + (plan.stateBelowSeverity ? 1 : 0) +
                 (plan.whenBesideState || plan.whenBesideConfidence ? 0 : 1);
    return plan;
}

// plannedBody, remembered: it measures every severity and state a row could show, and every row painted asks for it
// (a storm repaints the list on every snapshot). The language is part of the key: the words are measured translated.
BodyPlan bodyPlan(const QFont& font, int rowWidth)
{
    struct Cached
    {
        QString fontKey, language;
        int rowWidth = -1;
        BodyPlan plan;
    };
    static Cached cached;
    const QString language = Theme::stateText(Incident::State::Acknowledged);
    if (cached.rowWidth != rowWidth || cached.fontKey != font.key() || cached.language != language)
        cached = {font.key(), language, rowWidth, plannedBody(font, rowWidth)};
    return cached.plan;
}

// Lines 3 and on: the root cause's name, its labelled confidence, severity and state (and the counts that fit),
// the first alert's time; each whole on its line, only the name (and counts) shortened.
struct Body
{
    QString root, confidence, state, stateDetail, when; // stateDetail: the state below its severity, or empty
    QRect rootRect, confidenceRect, stateRect, stateDetailRect, whenRect;
};

Body body(const QStyleOptionViewItem& option, const QModelIndex& index)
{
    const QRect text = textRect(option, index);
    const BodyPlan plan = bodyPlan(option.font, option.rect.width());
    const QFontMetrics bfm(option.font);
    const QFontMetrics rfm(boldFont(option.font));
    const int lineHeight = bfm.height();
    int y = text.top() + 2 * QFontMetrics(titleFont(option.font)).height() + 2;
    Body b;

    b.root = index.data(IncidentListModel::RootCauseRole).toString();
    if (b.root.isEmpty())
        b.root = IncidentListDelegate::tr("root cause unknown");
    b.confidence = IncidentListDelegate::confidenceText(index);
    const int confidenceWidth = bfm.horizontalAdvance(b.confidence);
    const bool beside = plan.confidenceBesideRoot && !b.confidence.isEmpty();
    const int rootRoom = text.width() - (beside ? confidenceWidth + 8 : 0);
    b.root = rfm.elidedText(b.root, Qt::ElideRight, rootRoom);
    b.rootRect = QRect(text.left(), y, qMin(rootRoom, rfm.horizontalAdvance(b.root)), lineHeight);
    if (beside)
        b.confidenceRect = QRect(text.right() - confidenceWidth + 1, y, confidenceWidth, lineHeight);
    y += lineHeight;

    const auto state = Incident::State(index.data(IncidentListModel::StateRole).toInt());
    QFont stateFont = option.font;
    stateFont.setBold(state == Incident::State::Triggered);
    const QFontMetrics sfm(stateFont);
    b.when = Theme::clock(index.data(IncidentListModel::FirstAlertRole).toDateTime());
    const int whenWidth = bfm.horizontalAdvance(b.when);
    const int stateRoom = text.width() - (plan.whenBesideState ? whenWidth + 8 : 0);
    const QString alerts =
        IncidentListDelegate::tr("%n alert(s)", nullptr, index.data(IncidentListModel::AlertCountRole).toInt());
    const QString services =
        IncidentListDelegate::tr("%n service(s)", nullptr, index.data(IncidentListModel::ServiceCountRole).toInt());
    const QString stateText = index.data(IncidentListModel::StateTextRole).toString();
    QString detail = plan.stateBelowSeverity ? stateText : severityWord(index) + u" · "_s + stateText;
    const int detailRoom = plan.stateBelowSeverity ? text.width() : stateRoom;
    for (const QString& more : {detail + u" · "_s + alerts + u" · "_s + services, detail + u" · "_s + alerts}) {
        if (sfm.horizontalAdvance(more) <= detailRoom) {
            detail = more;
            break;
        }
    }
    detail = sfm.elidedText(detail, Qt::ElideRight, detailRoom);
    if (plan.stateBelowSeverity) {
        b.state = sfm.elidedText(severityWord(index), Qt::ElideRight, stateRoom);
        b.stateDetail = detail;
    } else {
        b.state = detail;
    }
    b.stateRect = QRect(text.left(), y, qMin(stateRoom, sfm.horizontalAdvance(b.state)), lineHeight);
    if (plan.whenBesideState)
        b.whenRect = QRect(text.right() - whenWidth + 1, y, whenWidth, lineHeight);
    y += lineHeight;
    if (plan.stateBelowSeverity) {
        b.stateDetailRect = QRect(text.left(), y, qMin(detailRoom, sfm.horizontalAdvance(detail)), lineHeight);
        y += lineHeight;
    }

    if (!plan.confidenceBesideRoot) {
        b.confidenceRect = QRect(text.left(), y, qMin(confidenceWidth, text.width()), lineHeight);
        if (plan.whenBesideConfidence)
            b.whenRect = QRect(text.right() - whenWidth + 1, y, whenWidth, lineHeight);
        y += lineHeight;
    }
    if (b.whenRect.isNull())
        b.whenRect = QRect(text.right() - whenWidth + 1, y, whenWidth, lineHeight);
    if (b.confidence.isEmpty())
        b.confidenceRect = QRect();
    return b;
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

IncidentListDelegate::IncidentListDelegate(QObject* parent) : QStyledItemDelegate(parent)
{
    if (auto* view = qobject_cast<QAbstractItemView*>(parent))
        view->viewport()->installEventFilter(this);
}

int IncidentListDelegate::rowWidth(const QStyleOptionViewItem& option) const
{
    // The view asks for the size with no rect: the row is as wide as its viewport.
    if (const auto* view = qobject_cast<const QAbstractItemView*>(parent()))
        return view->viewport()->width();
    return option.rect.width() > 0 ? option.rect.width() : 240;
}

bool IncidentListDelegate::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Resize) {
        // Narrower or wider past a plan's threshold: every row's height changes; the view lays them out again.
        const auto* resize = static_cast<QResizeEvent*>(event);
        const auto* view = qobject_cast<const QAbstractItemView*>(parent());
        if (view && watched == view->viewport() &&
            bodyPlan(view->font(), resize->oldSize().width()).lines != bodyPlan(view->font(), resize->size().width()).lines)
            Q_EMIT sizeHintChanged(QModelIndex());
    }
    return QStyledItemDelegate::eventFilter(watched, event);
}

QSize IncidentListDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    const QFontMetrics title(titleFont(option.font));
    const QFontMetrics bodyMetrics(option.font);
    const int width = rowWidth(option);
    return {240, 12 + 2 * title.height() + 2 + bodyPlan(option.font, width).lines * bodyMetrics.height() + 8};
}

QRect IncidentListDelegate::confidenceRect(const QStyleOptionViewItem& option, const QModelIndex& index)
{
    return body(option, index).confidenceRect;
}

QRect IncidentListDelegate::rootCauseRect(const QStyleOptionViewItem& option, const QModelIndex& index)
{
    return body(option, index).rootRect;
}

QString IncidentListDelegate::shownRootCause(const QStyleOptionViewItem& option, const QModelIndex& index)
{
    return body(option, index).root;
}

QList<IncidentListDelegate::ShownText> IncidentListDelegate::shownTexts(const QStyleOptionViewItem& option,
                                                                        const QModelIndex& index)
{
    const Body b = body(option, index);
    QFont stateFont = option.font;
    stateFont.setBold(Incident::State(index.data(IncidentListModel::StateRole).toInt()) == Incident::State::Triggered);
    QList<ShownText> out{{b.root, b.rootRect, boldFont(option.font)},
                         {b.state, b.stateRect, stateFont},
                         {b.when, b.whenRect, option.font}};
    if (!b.stateDetail.isEmpty())
        out.append({b.stateDetail, b.stateDetailRect, stateFont});
    if (!b.confidence.isEmpty())
        out.append({b.confidence, b.confidenceRect, option.font});
    return out;
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

    // The severity bar on the left edge, paler once the incident is closed.
    const QColor sev = index.data(IncidentListModel::SeverityColorRole).value<QColor>();
    paintTile(painter, r,
              {r.size(), colour.fill, colour.border, selected ? 2 : 1, Qt::SolidLine, open ? sev : sev.lighter(150)});

    const QRect text = textRect(option, index);
    const QFont tf = titleFont(option.font);
    const QFontMetrics tfm(tf);

    // Lines 1-2: #number and the incident's name.
    const qint64 id = index.data(IncidentListModel::IncidentIdRole).toLongLong();
    const QString title = (id > 0 ? u"#%1  "_s.arg(id) : QString()) + index.data(IncidentListModel::TitleRole).toString();
    painter->setFont(tf);
    painter->setPen(colour.ink);
    const QStringList titleLines = twoLines(title, tf, text.width());
    for (int i = 0; i < titleLines.size(); ++i)
        painter->drawText(QRect(text.left(), text.top() + i * tfm.height(), text.width(), tfm.height()),
                          Qt::AlignLeft | Qt::AlignVCenter, titleLines.at(i));

    // Then the root cause, its labelled confidence, severity and state, the first alert's time.
    const Body b = body(option, index);
    painter->setFont(boldFont(option.font));
    painter->setPen(colour.root);
    painter->drawText(b.rootRect.adjusted(0, 0, 2, 0), Qt::AlignLeft | Qt::AlignVCenter, b.root);
    painter->setFont(option.font);
    painter->setPen(colour.ink);
    painter->drawText(b.confidenceRect, Qt::AlignLeft | Qt::AlignVCenter, b.confidence);
    const auto state = Incident::State(index.data(IncidentListModel::StateRole).toInt());
    QFont stateFont = option.font;
    stateFont.setBold(state == Incident::State::Triggered);
    painter->setFont(stateFont);
    painter->setPen(colour.state);
    painter->drawText(b.stateRect.adjusted(0, 0, 2, 0), Qt::AlignLeft | Qt::AlignVCenter, b.state);
    painter->drawText(b.stateDetailRect.adjusted(0, 0, 2, 0), Qt::AlignLeft | Qt::AlignVCenter, b.stateDetail);
    painter->setFont(option.font);
    painter->setPen(colour.muted);
    painter->drawText(b.whenRect, Qt::AlignRight | Qt::AlignVCenter, b.when);
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
    paintTile(painter, r,
              {r.size(), colour.fill, colour.border, selected ? 2 : 1, selected ? Qt::SolidLine : Qt::DashLine, {}});

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
