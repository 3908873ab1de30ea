#pragma once
// IncidentListDelegate: paints an incident row as a compact card — number and title, root cause
// and its labelled confidence, severity, state, counts and first alert time — readable at a glance
// during a storm; and the noise group's row, which a click or Space expands or folds.

#include <QStyledItemDelegate>

class IncidentListDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    bool editorEvent(QEvent* event, QAbstractItemModel* model, const QStyleOptionViewItem& option,
                     const QModelIndex& index) override;
    bool helpEvent(QHelpEvent* event, QAbstractItemView* view, const QStyleOptionViewItem& option,
                   const QModelIndex& index) override;

    // Where the labelled confidence ("root cause 37 %") is drawn in a row: its tooltip explains the number.
    static QRect confidenceRect(const QStyleOptionViewItem& option, const QModelIndex& index);
    static QString confidenceText(const QModelIndex& index);

private:
    void paintNoiseGroup(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const;
};
