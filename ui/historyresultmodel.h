#pragma once
// HistoryResultModel: the history browser's result list, one row per past incident, newest first. Rows
// arrive a page at a time: the view's scrolling asks fetchMore(), which only emits moreWanted(offset); the
// browser asks its worker and hands the page back with appendPage(). The total is known from the first page.

#include "history/historysummary.h"

#include <QAbstractTableModel>

class HistoryResultModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        Began,
        Duration,
        Severity,
        Title,
        RootCause,
        State,
        Alerts,
        Services,
        ColumnCount
    };
    enum Role
    {
        IdRole = Qt::UserRole + 1,
        SummaryRole
    };

    explicit HistoryResultModel(QObject* parent = nullptr);

    // The first page of a new query: replaces everything.
    void setFirstPage(const HistoryPage& page);
    // A following page; ignored unless it continues exactly where the rows end.
    void appendPage(const HistoryPage& page);
    void clear();

    int total() const { return m_total; }
    const HistorySummary& summary(int row) const { return m_rows.at(row); }
    int loadedCount() const { return int(m_rows.size()); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

    static QString durationText(qint64 ms);

Q_SIGNALS:
    void moreWanted(int offset);

private:
    QVector<HistorySummary> m_rows;
    int m_total = 0;
    int m_pendingOffset = -1; // a page asked for and not yet appended
};
