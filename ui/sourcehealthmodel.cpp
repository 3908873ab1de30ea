#include "sourcehealthmodel.h"

#include "theme.h"

SourceHealthModel::SourceHealthModel(QObject* parent) : KeyedTableModel<SourceHealth>(parent) {}

void SourceHealthModel::setSources(QVector<SourceHealth> sources)
{
    replaceRows(std::move(sources));
}

const SourceHealth* SourceHealthModel::sourceAt(int row) const
{
    return row >= 0 && row < rowCount() ? &rowAt(row) : nullptr;
}

int SourceHealthModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SourceHealthModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SourceHealth& source = rowAt(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return source.displayName.isEmpty() ? source.id : source.displayName;
        case StateColumn:
            return Theme::sourceStateText(source.state);
        case LastSuccessColumn:
            return Theme::clock(source.lastSuccessAt);
        case AlertsColumn:
            return source.alertCount;
        case ErrorColumn:
            return source.lastError;
        case AccessColumn:
            return source.access;
        }
        break;
    case Qt::ToolTipRole: {
        QString tip = source.id + u'\n' +
                      (source.kind == SourceHealth::Kind::Metrics
                           ? tr("Metrics source: while it is down the diagnosis has no metric evidence; alerts still "
                                "arrive.")
                           : tr("Alert source: while it is down its alerts cannot reach the console."));
        if (!source.access.isEmpty())
            tip += u'\n' + tr("Access: %1").arg(source.access);
        tip += u'\n' + tr("Last success: %1").arg(Theme::clockDate(source.lastSuccessAt));
        if (!source.lastError.isEmpty())
            tip += u'\n' + tr("Last error: %1").arg(source.lastError);
        return tip;
    }
    case Qt::DecorationRole:
        if (index.column() == StateColumn)
            return Theme::sourceStateColor(source.state);
        break;
    case StateRole:
        return int(source.state);
    case StateColorRole:
        return Theme::sourceStateColor(source.state);
    case SourceIdRole:
        return source.id;
    case KindRole:
        return int(source.kind);
    }
    return {};
}

QVariant SourceHealthModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Source");
    case StateColumn:
        return tr("State");
    case LastSuccessColumn:
        return tr("Last success");
    case AlertsColumn:
        return tr("Alerts");
    case ErrorColumn:
        return tr("Last error");
    case AccessColumn:
        return tr("Access");
    }
    return {};
}
