#pragma once
// Store::Impl: the open connection (StoreConnection: database, backend, prepared statements) and the Store's
// single-writer state around it. Private to core/store: the Store's own .cpp files and its repositories.

#include "historyrepository.h"
#include "humanrecordrepository.h"
#include "model/alert.h"
#include "pendingalertcounts.h"
#include "searchindex.h"
#include "sqlitestatement.h"
#include "store.h"
#include "storeconnection.h"
#include "storesql.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <array>
#include <memory>

// The connection (database, backend, prepared statements) and the single-writer state around it.
struct Store::Impl : StoreConnection
{
    // Chosen once at open from the backend: other consoles write the same database (PostgreSQL), so the
    // single-writer caches below stay off (another console may have changed any row) and the notifications
    // others commit are tracked by id.
    bool shared = false;

    // Which notifications this Store has seen (its own or returned by othersNotifications): every id up to
    // contiguous, and the ones above it in seenAbove. A hole below a seen id is a transaction of another
    // console still in flight (ids are taken before commit), so it is asked for again until it fills or
    // is older than gapPatienceMs (a rolled-back insert leaves a hole for good).
    qint64 contiguous = 0;
    QSet<qint64> seenAbove;
    QElapsedTimer gapSince;
    static constexpr qint64 gapPatienceMs = 30'000;

    void markSeen(qint64 id)
    {
        if (id > contiguous)
            seenAbove.insert(id);
    }
    void advanceCursor()
    {
        while (seenAbove.remove(contiguous + 1))
            ++contiguous;
        if (seenAbove.isEmpty()) {
            gapSince.invalidate();
            return;
        }
        if (!gapSince.isValid()) {
            gapSince.start();
        } else if (gapSince.elapsed() > gapPatienceMs) {
            contiguous = *std::min_element(seenAbove.cbegin(), seenAbove.cend()) - 1;
            gapSince.invalidate();
            advanceCursor();
        }
    }
    // SQLite only: the statements a storm runs per notification and per alert, bound natively (see
    // SqliteStatement). Prepared on first use; destroyed before the connection closes.
    std::array<std::unique_ptr<SqliteStatement>, StoreSql::NativeCount> natives;
    SqliteStatement* native(StoreSql::Native id, QString* why)
    {
        auto& slot = natives[id];
        if (!slot) {
            auto stmt = std::make_unique<SqliteStatement>();
            if (!stmt->prepare(db, StoreSql::nativeText(id), why))
                return nullptr;
            slot = std::move(stmt);
        }
        return slot.get();
    }
    // SQLite only: counters of known alerts not yet written to their rows (see PendingAlertCounts), and the
    // steady clock their age is measured on.
    PendingAlertCounts pending;
    qint64 lastNotificationId = 0; // the newest notification this Store wrote or found at open
    QElapsedTimer steady;
    qint64 nowMs()
    {
        if (!steady.isValid())
            steady.start();
        return steady.elapsed();
    }

    // What this Store last wrote to each alerts row it touched: enough to count a flap and to know
    // that the narrow UpdateKnownAlerts suffices. Valid because the Store is the database's only
    // writer; filled only after a commit, so a rolled-back batch cannot leave it ahead of the file.
    struct KnownAlert
    {
        bool firing;
        // The details stored in its row, kept as implicitly shared copies: a repeat that arrives with the very
        // same label maps (the parser's AlertObjectCache hands them out) compares in constant time, anything
        // else value by value, so a changed alert is never taken for a repeat.
        LabelSet labels;
        LabelSet annotations;
        QString source;
        QString generatorUrl;
        bool sameDetails(const Alert& a) const
        {
            return labels == a.labels && annotations == a.annotations && source == a.source &&
                   generatorUrl == a.generatorUrl;
        }
    };
    QHash<QString, KnownAlert> known;
    // Per incident id: hash of the member and root-cause rows last committed. A storm touches the same
    // incident with every repeat notification; its rows are rewritten only when they really changed.
    QHash<qint64, RowsDigest> writtenDetail;
    std::unique_ptr<SearchIndex> search;
    std::unique_ptr<HumanRecordRepository> humanRecord;
    std::unique_ptr<HistoryRepository> history;
};
