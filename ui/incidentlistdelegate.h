#pragma once
// IncidentListDelegate: paints an incident row as a compact card — severity bar, root cause
// and confidence, alert/service counts, state and first alert time — readable at a glance
// during a storm.

#include <QStyledItemDelegate>

class IncidentListDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};
