#pragma once
// IncidentListDelegate: paints an incident row as a compact card — number and title, root cause
// and its labelled confidence, severity, state, counts and first alert time — readable at a glance
// during a storm; and the noise group's row, which a click or Space expands or folds.

#include <QColor>
#include <QFont>
#include <QList>
#include <QRect>
#include <QStyledItemDelegate>

class IncidentListDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    // With the view as parent, rows are laid out for its viewport's width and again when that width changes.
    explicit IncidentListDelegate(QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    bool editorEvent(QEvent* event, QAbstractItemModel* model, const QStyleOptionViewItem& option,
                     const QModelIndex& index) override;
    bool helpEvent(QHelpEvent* event, QAbstractItemView* view, const QStyleOptionViewItem& option,
                   const QModelIndex& index) override;

    // Where the labelled confidence ("root cause 37 %", or "37 %" when the row is narrow) is drawn in a row: its
    // tooltip explains the number. The root cause's name is drawn left of it, elided rather than overlapping.
    static QRect confidenceRect(const QStyleOptionViewItem& option, const QModelIndex& index);
    static QRect rootCauseRect(const QStyleOptionViewItem& option, const QModelIndex& index);
    static QString shownRootCause(const QStyleOptionViewItem& option, const QModelIndex& index);
    static QString confidenceText(const QModelIndex& index);
    // Every text of a row's lines 3 and on, where and in which font it is drawn (tests check each fits).
    struct ShownText
    {
        QString text;
        QRect rect;
        QFont font;
    };
    static QList<ShownText> shownTexts(const QStyleOptionViewItem& option, const QModelIndex& index);

    // The colours a row is painted in, from the theme's palette roles (tests measure their contrast).
    struct Colours
    {
        QColor fill, border, ink, muted, root, state;
    };
    static Colours colours(const QStyleOptionViewItem& option, const QModelIndex& index);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    int rowWidth(const QStyleOptionViewItem& option) const;
    void paintNoiseGroup(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const;
};
