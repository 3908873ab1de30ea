#include "alerttablemodel.h"

#include "theme.h"

#include <QFont>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
// The root cause's own alerts: a purple tint of the panel, light on the light theme and dark on the dark one, so the
// text colour chosen for it (Theme::readableOn) stays readable in every theme.
QColor rootRowBackground()
{
    const QColor panel = Theme::panelBackground(), tint = Theme::rootCauseColor();
    constexpr double share = 0.18;
    return QColor::fromRgbF(float(panel.redF() * (1 - share) + tint.redF() * share),
                            float(panel.greenF() * (1 - share) + tint.greenF() * share),
                            float(panel.blueF() * (1 - share) + tint.blueF() * share));
}

// Labels already shown in their own columns are left out of the "Labels" column.
bool hasOwnColumn(const QString& name)
{
    return name == u"alertname" || name == u"service" || name == u"severity";
}

QString otherLabels(const LabelSet& labels)
{
    QStringList parts;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        if (!hasOwnColumn(it.key()))
            parts.append(it.key() + u'=' + it.value());
    }
    return parts.join(u"  "_s);
}
} // namespace

AlertTableModel::AlertTableModel(QObject* parent) : KeyedTableModel<TrackedAlert>(parent) {}

void AlertTableModel::setAlerts(QVector<TrackedAlert> alerts)
{
    // Rows are kept in onset order whatever order they come in: the alert proxy shows that order as its default sort.
    // An incident's alerts come sorted so (Correlator::materialize): then the check costs one pass and no copy.
    const auto earlier = [](const TrackedAlert& a, const TrackedAlert& b) { return a.firstStartsAt < b.firstStartsAt; };
    if (!std::is_sorted(std::as_const(alerts).begin(), std::as_const(alerts).end(), earlier))
        std::stable_sort(alerts.begin(), alerts.end(), earlier);
    replaceRows(std::move(alerts));
}

bool AlertTableModel::sameRow(const TrackedAlert& before, const TrackedAlert& after) const
{
    // The fingerprint is the key and stands for the labels; everything else a column, tooltip or filter shows.
    const Alert &a = before.latest, &b = after.latest;
    return before.notificationCount == after.notificationCount && before.flapCount == after.flapCount &&
           before.inhibited == after.inhibited && before.firstStartsAt == after.firstStartsAt &&
           before.lastReceivedAt == after.lastReceivedAt && before.inhibitedBy == after.inhibitedBy &&
           a.status == b.status && a.startsAt == b.startsAt && a.endsAt == b.endsAt && a.source == b.source &&
           a.labels == b.labels && a.annotations == b.annotations;
}

void AlertTableModel::setRootCause(const QString& service)
{
    if (m_rootCause == service)
        return;
    m_rootCause = service;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

const TrackedAlert* AlertTableModel::alertAt(int row) const
{
    return row >= 0 && row < rowCount() ? &rowAt(row) : nullptr;
}

int AlertTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TrackedAlert& alert = rowAt(index.row());
    const Alert& latest = alert.latest;

    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case AlertNameColumn:
            return latest.alertName();
        case ServiceColumn:
            return latest.service();
        case SeverityColumn:
            return latest.severity();
        case StatusColumn:
            return latest.isFiring() ? tr("firing") : tr("resolved");
        case OnsetColumn:
            return Theme::clock(alert.firstStartsAt);
        case NotificationsColumn:
            return alert.notificationCount;
        case InhibitedColumn:
            return alert.inhibited ? tr("inhibited") : QString();
        case LabelsColumn:
            return otherLabels(latest.labels);
        }
        break;
    case SortRole:
        switch (index.column()) {
        case OnsetColumn:
            return alert.firstStartsAt;
        case NotificationsColumn:
            return alert.notificationCount;
        case SeverityColumn:
            return int(parseSeverity(latest.severity()));
        case InhibitedColumn:
            return alert.inhibited;
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::ToolTipRole:
        switch (index.column()) {
        case OnsetColumn:
            return Theme::clockDate(alert.firstStartsAt);
        case InhibitedColumn:
            return alert.inhibited ? tr("Inhibited by alert %1").arg(alert.inhibitedBy) : QVariant();
        case LabelsColumn:
            return otherLabels(latest.labels);
        case AlertNameColumn:
            return latest.annotations.value(u"summary"_s, latest.annotations.value(u"description"_s));
        }
        break;
    case Qt::ForegroundRole:
        if (index.column() == SeverityColumn)
            return Theme::readableOn(Theme::severityColor(latest.severity()));
        if (!latest.isFiring() || alert.inhibited)
            return Theme::secondaryText(); // muted, yet readable on the theme's panel (dark or light)
        if (!m_rootCause.isEmpty() && latest.service() == m_rootCause)
            return Theme::readableOn(rootRowBackground());
        break;
    case Qt::BackgroundRole:
        if (index.column() == SeverityColumn)
            return Theme::severityColor(latest.severity());
        if (!m_rootCause.isEmpty() && latest.service() == m_rootCause)
            return rootRowBackground();
        break;
    case Qt::FontRole:
        if (index.column() == AlertNameColumn || (index.column() == ServiceColumn && latest.service() == m_rootCause)) {
            QFont font;
            font.setBold(true);
            return font;
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == NotificationsColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        if (index.column() == SeverityColumn || index.column() == StatusColumn)
            return int(Qt::AlignCenter);
        break;
    case LabelsRole: {
        QVariantMap map;
        for (auto it = latest.labels.cbegin(); it != latest.labels.cend(); ++it)
            map.insert(it.key(), it.value());
        return map;
    }
    case SearchTextRole: {
        QStringList parts;
        for (auto it = latest.labels.cbegin(); it != latest.labels.cend(); ++it)
            parts << it.key() + u'=' + it.value();
        for (auto it = latest.annotations.cbegin(); it != latest.annotations.cend(); ++it)
            parts << it.value();
        parts << (latest.isFiring() ? u"firing"_s : u"resolved"_s) << alert.fingerprint() << latest.source;
        if (alert.inhibited)
            parts << u"inhibited"_s;
        return parts.join(u'\n').toLower();
    }
    case FingerprintRole:
        return alert.fingerprint();
    }
    return {};
}

QVariant AlertTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case AlertNameColumn:
        return tr("Alert");
    case ServiceColumn:
        return tr("Service");
    case SeverityColumn:
        return tr("Severity");
    case StatusColumn:
        return tr("Status");
    case OnsetColumn:
        return tr("Onset");
    case NotificationsColumn:
        return tr("Notif.");
    case InhibitedColumn:
        return tr("Inhibited");
    case LabelsColumn:
        return tr("Labels");
    }
    return {};
}
