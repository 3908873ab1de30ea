#include "historyresultmodel.h"

#include "theme.h"

#include <QColor>
#include <QFont>
#include <QLocale>

using namespace Qt::StringLiterals;

HistoryResultModel::HistoryResultModel(QObject* parent) : QAbstractTableModel(parent) {}

void HistoryResultModel::setFirstPage(const HistoryPage& page)
{
    beginResetModel();
    m_rows = page.rows;
    m_total = page.total;
    m_pendingOffset = -1;
    endResetModel();
}

void HistoryResultModel::appendPage(const HistoryPage& page)
{
    if (page.offset != m_rows.size()) {
        m_pendingOffset = -1;
        return; // an answer for another position (the query changed in between)
    }
    m_pendingOffset = -1;
    m_total = page.total;
    if (page.rows.isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page.rows.size() - 1));
    m_rows += page.rows;
    endInsertRows();
}

void HistoryResultModel::clear()
{
    setFirstPage({});
}

int HistoryResultModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int HistoryResultModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool HistoryResultModel::canFetchMore(const QModelIndex& parent) const
{
    return !parent.isValid() && m_rows.size() < m_total && m_pendingOffset != int(m_rows.size());
}

void HistoryResultModel::fetchMore(const QModelIndex& parent)
{
    if (!canFetchMore(parent))
        return;
    m_pendingOffset = int(m_rows.size());
    Q_EMIT moreWanted(m_pendingOffset);
}

QString HistoryResultModel::durationText(qint64 ms)
{
    const qint64 minutes = ms / 60'000;
    if (minutes < 1)
        return tr("< 1 min");
    if (minutes < 60)
        return tr("%1 min").arg(minutes);
    if (minutes < 48 * 60)
        return tr("%1 h %2 min").arg(minutes / 60).arg(minutes % 60, 2, 10, QChar(u'0'));
    return tr("%1 d %2 h").arg(minutes / (24 * 60)).arg(minutes / 60 % 24);
}

QVariant HistoryResultModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const HistorySummary& s = m_rows.at(index.row());
    if (role == IdRole)
        return s.id;
    if (role == SummaryRole)
        return QVariant::fromValue(s);
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Began:
            return QLocale().toString(s.firstAlertAt.toLocalTime(), u"yyyy-MM-dd HH:mm"_s);
        case Duration:
            return durationText(s.durationMs());
        case Severity:
            return Theme::severityLabel(s.severity);
        case Title:
            return u"#%1  %2"_s.arg(s.id).arg(s.title);
        case RootCause:
            return s.topCause.isEmpty() ? QString() : tr("%1 (%2%)").arg(s.topCause).arg(qRound(s.confidence * 100));
        case Services:
            return s.services.join(u", "_s);
        case State:
            return Theme::stateText(s.state);
        case Alerts:
            return s.alertCount;
        }
    }
    if (role == Qt::ToolTipRole && index.column() == Services)
        return s.services.join(u"\n"_s);
    if (role == Qt::ToolTipRole && index.column() == Title && !s.summary.isEmpty())
        return s.summary;
    if (role == Qt::ForegroundRole && index.column() == Severity)
        return Theme::severityColor(s.severity);
    if (role == Qt::FontRole && index.column() == RootCause) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Alerts || index.column() == Duration))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant HistoryResultModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Began:
        return tr("Began");
    case Duration:
        return tr("Duration");
    case Severity:
        return tr("Severity");
    case Title:
        return tr("What happened");
    case RootCause:
        return tr("Root cause");
    case Services:
        return tr("Services");
    case State:
        return tr("State");
    case Alerts:
        return tr("Alerts");
    }
    return {};
}
