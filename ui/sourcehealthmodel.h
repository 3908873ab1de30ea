#pragma once
// SourceHealthModel: one row per alert feed with its state, last success and last error, so a
// dead feed reads as "unreachable" and never as "no alerts".

#include "keyedtablemodel.h"
#include "model/sourcehealth.h"

class SourceHealthModel : public KeyedTableModel<SourceHealth>
{
    Q_OBJECT

public:
    enum Column
    {
        NameColumn,
        StateColumn,
        LastSuccessColumn,
        AlertsColumn,
        ErrorColumn,
        ColumnCount
    };
    enum Role
    {
        StateRole = Qt::UserRole + 1, // int(SourceHealth::State)
        StateColorRole,
        SourceIdRole,
    };

    explicit SourceHealthModel(QObject* parent = nullptr);

    void setSources(QVector<SourceHealth> sources);
    const SourceHealth* sourceAt(int row) const;

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    QString rowKey(const SourceHealth& row) const override { return row.id; }
};
