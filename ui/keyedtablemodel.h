#pragma once
// KeyedTableModel: a table model whose rows carry a stable key (incident key, fingerprint, source
// id). A fresh snapshot is merged row by row — removals, then insertions: in place while the rows kept
// keep their order and the new ones come in a few runs, else appended and one layout change for the
// new order — instead of a reset, so views keep their selection and scroll position while the
// pipeline publishes every few seconds. Rows a subclass reports unchanged (sameRow) get no dataChanged,
// so a storm that appends alerts costs the views the new rows, not the whole table.

#include <QAbstractTableModel>
#include <QHash>
#include <QScopeGuard>
#include <QSet>
#include <QStringList>
#include <QVector>

#include <algorithm>
#include <numeric>
#include <optional>
#include <utility>

template <typename Row> class KeyedTableModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : int(shownRows()); }

protected:
    // Row i as the views know it (0 <= i < rowCount()): while new rows are announced in steps, the next snapshot's
    // rows are held already and the views see those of them they were told of, in the order they were told (see
    // insertRunsOf, placeNewRows). Every read of a row goes through here.
    const Row& rowAt(qsizetype i) const { return m_rows.at(m_shown ? m_shown->at(i) : i); }
    qsizetype shownRows() const { return m_shown ? m_shown->size() : m_rows.size(); }

    virtual QString rowKey(const Row& row) const = 0;

    // True when `before` and `after` (same key) would show the same: the row is left alone, so a view and a sorting
    // proxy redo only rows that changed. The default says "changed", which is always right.
    virtual bool sameRow(const Row& before, const Row& after) const
    {
        Q_UNUSED(before);
        Q_UNUSED(after);
        return false;
    }

    void replaceRows(QVector<Row> next)
    {
        QSet<QString> newKeys;
        QVector<Run> runs;
        std::optional<QStringList> fast = keysAroundOurs(next, newKeys, runs);
        const QStringList nextKeys = fast ? std::move(*fast) : uniqueKeys(next);
        const auto noteKeys = qScopeGuard([&] {
            if (fast) {
                m_keySet.unite(newKeys);
                return;
            }
            m_keySet = QSet<QString>(m_keys.cbegin(), m_keys.cend());
            m_suffixedKeys = std::any_of(m_keys.cbegin(), m_keys.cend(),
                                         [](const QString& key) { return key.contains(QChar(0x1F)); });
        });
        QStringList& keys = m_keys;
        // A storm mostly appends: our rows are the first rows of the next ones, in order, and nothing vanished.
        if (fast && (runs.isEmpty() || runs.constLast() == Run{m_rows.size(), next.size()})) {
            // The next rows begin with ours: they are taken whole, rather than ours (shared with the snapshot they
            // came from) detached and copied to append to; then the kept rows whose values changed are announced.
            const QVector<Row> before = m_rows;
            const int kept = int(before.size());
            if (nextKeys.size() > kept)
                beginInsertRows({}, kept, int(nextKeys.size()) - 1);
            m_rows = std::move(next);
            keys = nextKeys;
            if (nextKeys.size() > kept)
                endInsertRows();
            announceChanged(before, kept);
            return;
        }
        // Our rows, in order, with new rows among them (a storm's late onsets: a group's alerts that began firing
        // before the newest ones shown).
        if (fast) {
            keys = nextKeys;
            insertAmongOurs(std::move(next), runs);
            return;
        }

        QVector<int> added; // next's rows that are new
        {
            const QSet<QString> nextSet(nextKeys.cbegin(), nextKeys.cend());
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

            const QSet<QString> have(keys.cbegin(), keys.cend());
            // The rows left are in order: the new ones go in among them, as above.
            if (const auto later = runsAmongKept(keys, nextKeys, have)) {
                keys = nextKeys;
                insertAmongOurs(std::move(next), *later);
                return;
            }
            for (int i = 0; i < nextKeys.size(); ++i) {
                if (!have.contains(nextKeys.at(i)))
                    added.append(i);
            }
        }

        // 2. Rows that are new, appended; step 3 moves them into place.
        const int kept = int(m_rows.size()); // rows that were there before and still are
        if (!added.isEmpty()) {
            beginInsertRows({}, kept, kept + int(added.size()) - 1);
            for (int i : added) {
                m_rows.append(next.at(i));
                keys.append(nextKeys.at(i));
            }
            endInsertRows();
        }

        // 3. Same rows now; fresh values and, if needed, the new order.
        if (keys != nextKeys) {
            Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
            const QModelIndexList from = persistentIndexList();
            const QVector<int> newRows = newRowsByKey(from, keys, nextKeys);
            QModelIndexList to;
            to.reserve(from.size());
            for (qsizetype i = 0; i < from.size(); ++i)
                to.append(index(newRows.at(i), from.at(i).column()));
            m_rows = std::move(next);
            keys = nextKeys;
            changePersistentIndexList(from, to);
            Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
            if (!m_rows.isEmpty())
                Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, columnCount() - 1));
            return;
        }
        // Same order: only the runs of kept rows whose values changed are announced (the new ones are fresh).
        takeNext(std::move(next));
    }

private:
    QVector<Row> m_rows;
    std::optional<QVector<qsizetype>> m_shown; // while new rows are announced in steps: the rows told of (rowAt)

    // Each run of rows inserted among the kept ones moves the rows after it, and a sorting proxy and the views redo
    // their row maps: past this many runs, one layout change costs less. A storm's late onsets make a run or two per
    // snapshot; a merge that interleaves two incidents' alerts could make thousands.
    static constexpr qsizetype kMaxInsertedRuns = 16;

    using Run = std::pair<qsizetype, qsizetype>; // rows [at, end) of the next snapshot

    // Row i, new: it extends the last run or begins one.
    static void extendRuns(QVector<Run>& runs, qsizetype i)
    {
        if (runs.isEmpty() || runs.constLast().second != i)
            runs.append({i, i + 1});
        else
            runs.last().second = i + 1;
    }

    // The runs of new rows in `nextKeys` when `keys` (the rows kept, every one of them in `nextKeys`; `have` holds
    // them) come there in the same order; none when they do not.
    static std::optional<QVector<Run>> runsAmongKept(const QStringList& keys, const QStringList& nextKeys,
                                                     const QSet<QString>& have)
    {
        QVector<Run> runs;
        qsizetype k = 0;
        for (qsizetype i = 0; i < nextKeys.size(); ++i) {
            const QString& key = nextKeys.at(i);
            if (!have.contains(key)) {
                extendRuns(runs, i);
                continue;
            }
            if (k >= keys.size() || keys.at(k) != key)
                return std::nullopt;
            ++k;
        }
        if (k != keys.size())
            return std::nullopt;
        return runs;
    }

    // The next row of each of `from` by its key: few of them (the selection, the current row), so the next keys are
    // looked up in a small hash rather than all of them put in one.
    static QVector<int> newRowsByKey(const QModelIndexList& from, const QStringList& keys, const QStringList& nextKeys)
    {
        QHash<QString, int> newRowOf;
        for (const QModelIndex& idx : from)
            newRowOf.insert(keys.at(idx.row()), -1);
        for (qsizetype i = 0, left = newRowOf.size(); i < nextKeys.size() && left > 0; ++i) {
            if (const auto it = newRowOf.find(nextKeys.at(i)); it != newRowOf.end()) {
                *it = int(i);
                --left;
            }
        }
        QVector<int> out;
        out.reserve(from.size());
        for (const QModelIndex& idx : from)
            out.append(newRowOf.value(keys.at(idx.row())));
        return out;
    }

    // The rows of `rows` outside `runs`, in order: where ours are in next's rows when the runs are the new ones.
    static QVector<qsizetype> rowsOutside(const QVector<Run>& runs, qsizetype rows)
    {
        QVector<qsizetype> outside;
        qsizetype from = 0;
        for (const auto& [at, end] : runs) {
            for (qsizetype i = from; i < at; ++i)
                outside.append(i);
            from = end;
        }
        for (qsizetype i = from; i < rows; ++i)
            outside.append(i);
        return outside;
    }

    // Next's rows: ours, in our order, and `runs` of new rows among them. Next is taken at once (every row's value must
    // be next's; sameRow only says what shows), and the views are told of the new rows in steps while rowAt() shows
    // them only those told of. Copying our rows (shared with the snapshot they came from) to insert into them, then
    // dropping the copy for next's rows, was two thirds of the GUI thread's time applying a storm's snapshots once an
    // incident had about 17,000 alerts, with onsets spread over 3 s (a run or two a snapshot), and most of it with
    // onsets spread over a minute (past kMaxInsertedRuns).
    void insertAmongOurs(QVector<Row> next, const QVector<Run>& runs)
    {
        if (runs.size() <= kMaxInsertedRuns)
            insertRunsOf(std::move(next), runs);
        else
            placeNewRows(std::move(next), runs);
    }

    // Each run of new rows announced where it belongs, so a sorting proxy places just those, where a layout change
    // has it sort every row again. One run each of tst_ui_stormstall with onsets spread over 3 s, about 19,000 alerts:
    // p99 gap 51.7 -> 31.6 ms, GUI thread CPU 1,441 -> 1,148 ms (inserting runs rather than a layout change). The views
    // see ours first, then each run in turn; then the kept rows whose values changed.
    void insertRunsOf(QVector<Row> next, const QVector<Run>& runs)
    {
        const QVector<Row> before = std::exchange(m_rows, std::move(next));
        const QVector<qsizetype> keptAt = rowsOutside(runs, m_rows.size());
        m_shown = keptAt;
        for (const auto& [at, end] : runs) {
            beginInsertRows({}, int(at), int(end - 1));
            m_shown->insert(at, end - at, 0);
            std::iota(m_shown->begin() + at, m_shown->begin() + end, at);
            endInsertRows();
        }
        m_shown.reset();
        announceChanged(before, keptAt);
    }

    // Too many runs to announce each: the views see the new rows appended after ours, then one layout change puts
    // every row in next's order.
    void placeNewRows(QVector<Row> next, const QVector<Run>& runs)
    {
        const QVector<Row> before = std::exchange(m_rows, std::move(next));
        const QVector<qsizetype> keptAt = rowsOutside(runs, m_rows.size());
        m_shown = keptAt;
        const int kept = int(keptAt.size());
        beginInsertRows({}, kept, int(m_rows.size()) - 1);
        for (const auto& [at, end] : runs)
            for (qsizetype i = at; i < end; ++i)
                m_shown->append(i);
        endInsertRows();
        Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
        const QModelIndexList from = persistentIndexList();
        QModelIndexList to;
        to.reserve(from.size());
        for (const QModelIndex& idx : from) // the row shown at idx.row() is next's row m_shown[idx.row()]
            to.append(index(int(m_shown->at(idx.row())), idx.column()));
        m_shown.reset();
        changePersistentIndexList(from, to);
        Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
        announceChanged(before, keptAt);
    }

    // Next's rows, taken whole (row for row where ours are, in the same order), and the runs of rows whose values
    // changed announced.
    void takeNext(QVector<Row> next)
    {
        const QVector<Row> before = std::exchange(m_rows, std::move(next));
        announceChanged(before, int(before.size()));
    }

    // dataChanged for the runs of rows whose values differ from the first `kept` rows of `before`, each where it is
    // now: the same row, or keptAt's (ours in the order they were, with new rows among them).
    void announceChanged(const QVector<Row>& before, const QVector<qsizetype>& keptAt)
    {
        announceChanged(before, int(keptAt.size()), &keptAt);
    }
    void announceChanged(const QVector<Row>& before, int kept, const QVector<qsizetype>* keptAt = nullptr)
    {
        int first = -1, last = -1; // the rows, as they are now, of the changed run being gathered
        const auto flush = [&] {
            if (first >= 0)
                Q_EMIT dataChanged(index(first, 0), index(last, columnCount() - 1));
            first = -1;
        };
        for (int r = 0; r < kept; ++r) {
            const int now = int(keptAt ? keptAt->at(r) : r);
            if (sameRow(before.at(r), m_rows.at(now))) {
                flush();
                continue;
            }
            if (first >= 0 && now != last + 1)
                flush();
            if (first < 0)
                first = now;
            last = now;
        }
        flush();
    }

    QStringList m_keys;          // uniqueKeys(m_rows), kept so a merge computes only the next snapshot's
    QSet<QString> m_keySet;      // the same, to look up
    bool m_suffixedKeys = false; // a key has an occurrence suffix (or the separator): keysAroundOurs does not apply

    // The keys of `next` in the storm's case, worked out from ours rather than all over again: every row of ours is in
    // next, in our order, and the other rows of next have keys new and distinct (added: those; runs: where they are).
    // Null when that is not the case: a row vanished or moved.
    std::optional<QStringList> keysAroundOurs(const QVector<Row>& next, QSet<QString>& added, QVector<Run>& runs) const
    {
        if (m_suffixedKeys || next.size() < m_keys.size())
            return std::nullopt;
        QStringList keys;
        keys.reserve(next.size());
        qsizetype k = 0; // our rows found so far
        for (qsizetype i = 0; i < next.size(); ++i) {
            QString key = rowKey(next.at(i));
            if (k < m_keys.size() && key == m_keys.at(k)) {
                keys.append(m_keys.at(k++));
                continue;
            }
            if (key.contains(QChar(0x1F)) || m_keySet.contains(key) || added.contains(key))
                return std::nullopt;
            added.insert(key);
            keys.append(std::move(key));
            extendRuns(runs, i);
        }
        if (k != m_keys.size())
            return std::nullopt;
        return keys;
    }

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
