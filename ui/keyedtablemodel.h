#pragma once
// KeyedTableModel: a table model whose rows carry a stable key (incident key, fingerprint, source
// id). A fresh snapshot is merged row by row — removals, insertions, then one layout change for the
// new order — instead of a reset, so views keep their selection and scroll position while the
// pipeline publishes every few seconds.

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>
#include <QStringList>
#include <QVector>

template <typename Row> class KeyedTableModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }

protected:
    virtual QString rowKey(const Row& row) const = 0;

    void replaceRows(QVector<Row> next)
    {
        const QStringList nextKeys = uniqueKeys(next);
        const QSet<QString> nextSet(nextKeys.cbegin(), nextKeys.cend());
        QStringList keys = uniqueKeys(m_rows);

        // 1. Rows that vanished, bottom up in contiguous runs.
        for (int r = int(m_rows.size()) - 1; r >= 0; --r) {
            if (nextSet.contains(keys.at(r)))
                continue;
            int first = r;
            while (first > 0 && !nextSet.contains(keys.at(first - 1)))
                --first;
            beginRemoveRows({}, first, r);
            m_rows.remove(first, r - first + 1);
            keys.remove(first, r - first + 1);
            endRemoveRows();
            r = first;
        }

        // 2. Rows that are new, appended; step 3 moves them into place.
        const QSet<QString> have(keys.cbegin(), keys.cend());
        QVector<int> added;
        for (int i = 0; i < nextKeys.size(); ++i) {
            if (!have.contains(nextKeys.at(i)))
                added.append(i);
        }
        if (!added.isEmpty()) {
            const int first = int(m_rows.size());
            beginInsertRows({}, first, first + int(added.size()) - 1);
            for (int i : added) {
                m_rows.append(next.at(i));
                keys.append(nextKeys.at(i));
            }
            endInsertRows();
        }

        // 3. Same rows now; fresh values and, if needed, the new order.
        if (keys != nextKeys) {
            Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
            QHash<QString, int> newRowOf;
            for (int i = 0; i < nextKeys.size(); ++i)
                newRowOf.insert(nextKeys.at(i), i);
            const QModelIndexList from = persistentIndexList();
            QModelIndexList to;
            to.reserve(from.size());
            for (const QModelIndex& idx : from)
                to.append(index(newRowOf.value(keys.at(idx.row())), idx.column()));
            m_rows = std::move(next);
            changePersistentIndexList(from, to);
            Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
        } else {
            m_rows = std::move(next);
        }
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, columnCount() - 1));
    }

    QVector<Row> m_rows;

private:
    // Duplicate keys (two incidents without a key yet) get an occurrence suffix, so the merge stays exact.
    QStringList uniqueKeys(const QVector<Row>& rows) const
    {
        QStringList keys;
        keys.reserve(rows.size());
        QHash<QString, int> seen;
        for (const Row& row : rows) {
            const QString key = rowKey(row);
            const int n = seen[key]++;
            keys.append(n == 0 ? key : key + QChar(0x1F) + QString::number(n));
        }
        return keys;
    }
};
