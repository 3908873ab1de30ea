#pragma once
// IncidentListModel: the incidents of the latest snapshot, one row each, most severe and newest
// first. Rows are keyed by the correlator's incident key, so a new snapshot never drops the
// engineer's selection. A storm's single-alert, non-critical incidents (noise) fold into one group row
// where the first of them would be; expanding the group lists them right under it.

#include "keyedtablemodel.h"
#include "model/incident.h"

#include <QHash>
#include <QSet>

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
        TitleRole,          // QString, IncidentTitle::of: "Checkout errors — postgres-main pool"
        IsNoiseGroupRole,   // bool: the row stands for every noise incident
        IsNoiseMemberRole,  // bool: a noise incident listed under the expanded group
        NoiseCountRole,     // int, on the group row
        NoiseExpandedRole,  // bool, on the group row; setData() on it expands or folds the group
    };
    // Fewer noise incidents than this stay ordinary rows: a group of one hides more than it saves.
    static constexpr int MinimumNoiseGroup = 3;

    explicit IncidentListModel(QObject* parent = nullptr);

    // Orders open incidents before closed ones, then by severity, then newest first.
    void setIncidents(QVector<Incident> incidents);
    // nullptr for the noise group's row.
    const Incident* incidentAt(int row) const;
    int rowOfKey(const QString& key) const;

    // The identity a row keeps across snapshots: the correlator key, else the store id.
    static QString incidentKey(const Incident& incident);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

    // One alert, below critical: the storm's background that must not bury the real incidents.
    static bool isNoise(const Incident& incident);
    bool isNoiseExpanded() const { return m_noiseExpanded; }
    void setNoiseExpanded(bool expanded);
    int noiseCount() const { return m_noiseCount; }
    int noiseGroupRow() const;

protected:
    QString rowKey(const Incident& row) const override { return incidentKey(row); }
    bool sameRow(const Incident& before, const Incident& after) const override;

private:
    void showRows(); // m_all -> the rows shown, folding the noise as m_noiseExpanded says
    bool isGroupRow(int row) const;
    bool isGroupedNoise(const Incident& incident) const { return m_noiseCount >= MinimumNoiseGroup && isNoise(incident); }

    // IncidentTitle::of, cached while the incident is unchanged. A changed big incident keeps showing its previous
    // title while refreshTitles() works the new one out off the GUI thread (it reads every alert).
    QString titleOf(const Incident& incident) const;
    void refreshTitles();

    // What a row shows changes with these; an incident's members only grow or are notified again, both of which
    // move the counts or the last notification time.
    struct Revision
    {
        qsizetype alerts = 0;
        int notifications = 0;
        QDateTime lastAlertAt;
        QString severity;
        QString topCause;
        bool operator==(const Revision&) const = default;
    };
    static Revision revisionOf(const Incident& incident);
    struct CachedTitle
    {
        Revision revision;
        QString title;
    };

    QVector<Incident> m_all; // every incident, in list order
    // Painting asks for each visible row's title; working it out reads all of the incident's alerts.
    mutable QHash<QString, CachedTitle> m_titles;
    mutable QSet<QString> m_titlesWanted; // keys painted with an outdated title
    bool m_titleJob = false;             // refreshTitles() has a job running
    static constexpr qsizetype SyncTitleAlerts = 100; // smaller incidents get their title at once
    int m_noiseCount = 0;
    bool m_noiseExpanded = false;
};
