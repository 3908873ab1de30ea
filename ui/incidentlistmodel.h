#pragma once
// IncidentListModel: the incidents of the latest snapshot, one row each, most severe and newest
// first. Rows are keyed by the correlator's incident key, so a new snapshot never drops the
// engineer's selection.

#include "keyedtablemodel.h"
#include "model/incident.h"

class IncidentListModel : public KeyedTableModel<Incident>
{
    Q_OBJECT

public:
    enum Column
    {
        SeverityColumn,
        RootCauseColumn,
        AlertsColumn,
        StateColumn,
        FirstAlertColumn,
        ColumnCount
    };
    enum Role
    {
        IncidentIdRole = Qt::UserRole + 1,
        IncidentKeyRole,
        SeverityRole,      // QString, "critical"
        SeverityColorRole, // QColor
        RootCauseRole,     // QString, empty when the diagnosis has no candidate
        ConfidenceRole,    // double 0..1, or invalid
        AlertCountRole,    // int
        NotificationCountRole,
        ServiceCountRole,
        StateRole, // int(Incident::State)
        StateTextRole,
        FirstAlertRole, // QDateTime (UTC)
        IsOpenRole,
    };

    explicit IncidentListModel(QObject* parent = nullptr);

    // Orders open incidents before closed ones, then by severity, then newest first.
    void setIncidents(QVector<Incident> incidents);
    const Incident* incidentAt(int row) const;
    int rowOfKey(const QString& key) const;

    // The identity a row keeps across snapshots: the correlator key, else the store id.
    static QString incidentKey(const Incident& incident);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    QString rowKey(const Incident& row) const override { return incidentKey(row); }
};
