#include "incidentlistmodel.h"

#include "theme.h"

#include <algorithm>

using namespace Qt::StringLiterals;

IncidentListModel::IncidentListModel(QObject* parent) : KeyedTableModel<Incident>(parent) {}

QString IncidentListModel::incidentKey(const Incident& incident)
{
    return incident.key.isEmpty() ? u"id:"_s + QString::number(incident.id) : incident.key;
}

void IncidentListModel::setIncidents(QVector<Incident> incidents)
{
    std::stable_sort(incidents.begin(), incidents.end(), [](const Incident& a, const Incident& b) {
        return Incident::listedBefore(a, b, &Theme::severityRank);
    });
    replaceRows(std::move(incidents));
}

const Incident* IncidentListModel::incidentAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

int IncidentListModel::rowOfKey(const QString& key) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (incidentKey(m_rows.at(i)) == key)
            return i;
    }
    return -1;
}

int IncidentListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant IncidentListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Incident& incident = m_rows.at(index.row());
    const RootCauseCandidate* top = incident.topCause();

    switch (role) {
    case IncidentIdRole:
        return incident.id;
    case IncidentKeyRole:
        return incidentKey(incident);
    case SeverityRole:
        return incident.severity;
    case SeverityColorRole:
        return Theme::severityColor(incident.severity);
    case RootCauseRole:
        return top ? top->service : QString();
    case ConfidenceRole:
        return top ? QVariant(top->confidence) : QVariant();
    case AlertCountRole:
        return int(incident.alerts.size());
    case NotificationCountRole:
        return incident.notificationCount;
    case ServiceCountRole:
        return int(incident.affectedServices.size());
    case StateRole:
        return int(incident.state);
    case StateTextRole:
        return Theme::stateText(incident.state);
    case FirstAlertRole:
        return incident.firstAlertAt;
    case IsOpenRole:
        return incident.isOpen();
    case Qt::ToolTipRole:
        return tr("Incident #%1 — %2, %3, first alert %4")
            .arg(incident.id)
            .arg(tr("%n alert(s)", nullptr, int(incident.alerts.size())),
                 tr("%n notification(s)", nullptr, incident.notificationCount),
                 Theme::clockDate(incident.firstAlertAt));
    case Qt::DisplayRole:
        switch (index.column()) {
        case SeverityColumn:
            return incident.severity;
        case RootCauseColumn:
            return top ? top->service : tr("unknown");
        case AlertsColumn:
            return tr("%n alert(s)", nullptr, int(incident.alerts.size()));
        case StateColumn:
            return Theme::stateText(incident.state);
        case FirstAlertColumn:
            return Theme::clock(incident.firstAlertAt);
        }
        break;
    case Qt::DecorationRole:
        if (index.column() == SeverityColumn)
            return Theme::severityColor(incident.severity);
        break;
    }
    return {};
}

QVariant IncidentListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeverityColumn:
        return tr("Severity");
    case RootCauseColumn:
        return tr("Root cause");
    case AlertsColumn:
        return tr("Alerts");
    case StateColumn:
        return tr("State");
    case FirstAlertColumn:
        return tr("First alert");
    }
    return {};
}
