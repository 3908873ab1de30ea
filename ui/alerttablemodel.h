#pragma once
// AlertTableModel: the member alerts of one incident, one row per fingerprint, always in onset order (ties in the
// order given), which AlertFilterProxyModel shows for its default sort without sorting again.
// Keyed by fingerprint so repeats and status flips update rows in place.

#include "keyedtablemodel.h"
#include "model/trackedalert.h"

class AlertTableModel : public KeyedTableModel<TrackedAlert>
{
    Q_OBJECT

public:
    enum Column
    {
        AlertNameColumn,
        ServiceColumn,
        SeverityColumn,
        StatusColumn,
        OnsetColumn,
        NotificationsColumn,
        InhibitedColumn,
        LabelsColumn,
        ColumnCount
    };
    enum Role
    {
        LabelsRole = Qt::UserRole + 1, // QVariantMap of every label
        SearchTextRole,                // everything plain-text filtering may match, lower case
        SortRole,                      // typed value for sorting (QDateTime, int)
        FingerprintRole,
    };

    explicit AlertTableModel(QObject* parent = nullptr);

    void setAlerts(QVector<TrackedAlert> alerts);
    void setRootCause(const QString& service); // its rows are marked, so the eye finds them first
    const TrackedAlert* alertAt(int row) const;

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    QString rowKey(const TrackedAlert& row) const override { return row.fingerprint(); }
    bool sameRow(const TrackedAlert& before, const TrackedAlert& after) const override;

private:
    QString m_rootCause;
};
