#include "incidentlistmodel.h"

#include "model/incidenttitle.h"
#include "pipeline/backgroundpool.h"
#include "theme.h"

#include <QFutureWatcher>
#include <QSet>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
// The group row's key: the unit separator never starts a correlator key ("fingerprint@onset") or "id:N".
const QString noiseGroupKey = u"\x1Fnoise"_s;
} // namespace

IncidentListModel::IncidentListModel(QObject* parent) : KeyedTableModel<Incident>(parent) {}

QString IncidentListModel::incidentKey(const Incident& incident)
{
    return incident.key.isEmpty() ? u"id:"_s + QString::number(incident.id) : incident.key;
}

void IncidentListModel::setIncidents(QVector<Incident> incidents)
{
    std::stable_sort(incidents.begin(), incidents.end(), &Incident::listedBefore);
    m_all = std::move(incidents);
    m_noiseCount = int(std::count_if(m_all.cbegin(), m_all.cend(), &IncidentListModel::isNoise));
    showRows();
}

bool IncidentListModel::isNoise(const Incident& incident)
{
    return incident.alerts.size() <= 1 &&
           incident.severityLevel() < Severity::Error; // the console paints error as critical
}

void IncidentListModel::showRows()
{
    QVector<Incident> rows;
    rows.reserve(m_all.size() + 1);
    bool grouped = false;
    for (const Incident& incident : m_all) {
        if (!isGroupedNoise(incident)) {
            rows.append(incident);
            continue;
        }
        if (grouped)
            continue;
        grouped = true;
        Incident group;
        group.key = noiseGroupKey;
        rows.append(group);
        if (m_noiseExpanded)
            std::copy_if(m_all.cbegin(), m_all.cend(), std::back_inserter(rows),
                         [this](const Incident& i) { return isGroupedNoise(i); });
    }
    // Titles of incidents no longer listed go; the others stay until their incident changes.
    if (!m_titles.isEmpty()) {
        QSet<QString> listed;
        for (const Incident& incident : std::as_const(rows))
            listed.insert(incidentKey(incident));
        m_titles.removeIf([&](const auto& it) { return !listed.contains(it.key()); });
    }
    replaceRows(std::move(rows));
}

IncidentListModel::Revision IncidentListModel::revisionOf(const Incident& incident)
{
    const RootCauseCandidate* top = incident.topCause();
    return {incident.alerts.size(), incident.notificationCount, incident.lastAlertAt, incident.severity,
            top ? top->service : QString()};
}

bool IncidentListModel::sameRow(const Incident& before, const Incident& after) const
{
    const RootCauseCandidate *a = before.topCause(), *b = after.topCause();
    return revisionOf(before) == revisionOf(after) && before.id == after.id && before.state == after.state &&
           before.firstAlertAt == after.firstAlertAt && before.affectedServices == after.affectedServices &&
           (a ? b && a->confidence == b->confidence : !b) && isGroupedNoise(before) == isGroupedNoise(after) &&
           before.key != noiseGroupKey; // the group row shows the model's noise count: always refreshed
}

QString IncidentListModel::titleOf(const Incident& incident) const
{
    const Revision revision = revisionOf(incident);
    const QString key = incidentKey(incident);
    auto it = m_titles.find(key);
    if (it != m_titles.end() && it->revision == revision)
        return it->title;
    if (it == m_titles.end() || incident.alerts.size() <= SyncTitleAlerts)
        return m_titles.insert(key, {revision, IncidentTitle::of(incident)})->title;
    if (m_titlesWanted.isEmpty() && !m_titleJob) // scheduling is not a change of what the model holds
        QMetaObject::invokeMethod(const_cast<IncidentListModel*>(this), &IncidentListModel::refreshTitles,
                                  Qt::QueuedConnection);
    m_titlesWanted.insert(key);
    return it->title;
}

void IncidentListModel::refreshTitles()
{
    if (m_titleJob || m_titlesWanted.isEmpty())
        return;
    QVector<Incident> wanted; // shared copies: the job reads them while new snapshots replace the rows
    for (int i = 0; i < rowCount(); ++i)
        if (const Incident& row = rowAt(i); m_titlesWanted.contains(incidentKey(row)))
            wanted.append(row);
    m_titlesWanted.clear();
    if (wanted.isEmpty())
        return;
    m_titleJob = true;
    using Titles = QVector<std::pair<QString, CachedTitle>>;
    auto* watcher = new QFutureWatcher<Titles>(this);
    connect(watcher, &QFutureWatcher<Titles>::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_titleJob = false;
        for (const auto& [key, cached] : watcher->result()) {
            const int row = rowOfKey(key);
            if (row < 0)
                continue;
            m_titles.insert(key, cached);
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1), {TitleRole});
        }
        refreshTitles(); // rows painted while the job ran
    });
    watcher->setFuture(QtConcurrent::run(BackgroundPool::instance(), [wanted = std::move(wanted)] {
        Titles titles;
        for (const Incident& incident : wanted)
            titles.append({incidentKey(incident), CachedTitle{revisionOf(incident), IncidentTitle::of(incident)}});
        return titles;
    }));
}

void IncidentListModel::setNoiseExpanded(bool expanded)
{
    if (expanded == m_noiseExpanded)
        return;
    m_noiseExpanded = expanded;
    showRows();
}

bool IncidentListModel::isGroupRow(int row) const
{
    return row >= 0 && row < rowCount() && rowAt(row).id == 0 && rowAt(row).key == noiseGroupKey;
}

int IncidentListModel::noiseGroupRow() const
{
    for (int row = 0; row < rowCount(); ++row) {
        if (isGroupRow(row))
            return row;
    }
    return -1;
}

const Incident* IncidentListModel::incidentAt(int row) const
{
    return row >= 0 && row < rowCount() && !isGroupRow(row) ? &rowAt(row) : nullptr;
}

bool IncidentListModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != NoiseExpandedRole || !checkIndex(index, CheckIndexOption::IndexIsValid) || !isGroupRow(index.row()))
        return false;
    setNoiseExpanded(value.toBool());
    return true;
}

int IncidentListModel::rowOfKey(const QString& key) const
{
    for (int i = 0; i < rowCount(); ++i) {
        if (incidentKey(rowAt(i)) == key)
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
    if (isGroupRow(index.row())) {
        switch (role) {
        case IsNoiseGroupRole:
            return true;
        case NoiseCountRole:
            return m_noiseCount;
        case NoiseExpandedRole:
            return m_noiseExpanded;
        case IncidentKeyRole:
            return QString(); // no incident: the card stays empty while the group row is current
        case IsOpenRole:
            return true;
        case TitleRole:
        case Qt::DisplayRole:
            return tr("Noise: %n single-alert incident(s)", nullptr, m_noiseCount);
        case Qt::ToolTipRole:
            return m_noiseExpanded ? tr("Incidents of one warning or info alert each. Click or press Space to fold "
                                        "them, so the storm's real incidents stay on screen.")
                                   : tr("Incidents of one warning or info alert each, folded so the storm's real "
                                        "incidents stay on screen. Click or press Space to list them.");
        }
        return {};
    }
    const Incident& incident = rowAt(index.row());
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
    case TitleRole:
        return titleOf(incident);
    case IsNoiseGroupRole:
        return false;
    case IsNoiseMemberRole:
        return isGroupedNoise(incident);
    case Qt::ToolTipRole: {
        QString tip = tr("Incident #%1 — %2, %3, first alert %4")
                          .arg(incident.id)
                          .arg(tr("%n alert(s)", nullptr, int(incident.alerts.size())),
                               tr("%n notification(s)", nullptr, incident.notificationCount),
                               Theme::clockDate(incident.firstAlertAt));
        if (top)
            tip += u"\n"_s + tr("root cause %1 %2 %: the likelihood that it is the cause, calibrated on test suites")
                                 .arg(top->service)
                                 .arg(qRound(top->confidence * 100));
        return tip;
    }
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
