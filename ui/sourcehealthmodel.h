#pragma once
// SourceHealthModel: one row per source (alert feeds and the Prometheus servers the diagnosis reads) with its
// state, last success, last error and how it is reached, so a dead feed reads as "unreachable" and never as
// "no alerts".

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
        AccessColumn, // "TLS (own CA) · bearer · X-Scope-OrgID team-a"; never a secret
        ColumnCount
    };
    enum Role
    {
        StateRole = Qt::UserRole + 1, // int(SourceHealth::State)
        StateColorRole,
        SourceIdRole,
        KindRole, // int(SourceHealth::Kind): a metrics source down never withholds the all-clear
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
