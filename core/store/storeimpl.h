#pragma once
// Store::Impl: the open connection (StoreConnection: database, backend, prepared statements) and the repositories
// that share it, one per area. Private to core/store: the Store's own .cpp files.

#include "historyrepository.h"
#include "humanrecordrepository.h"
#include "ingestrepository.h"
#include "pastincidentrepository.h"
#include "searchindex.h"
#include "store.h"
#include "storeconnection.h"

#include <memory>

struct Store::Impl : StoreConnection
{
    std::unique_ptr<SearchIndex> search;
    std::unique_ptr<IngestRepository> ingest; // notifications, alert rows, incidents: the write strategy of the backend
    std::unique_ptr<HumanRecordRepository> humanRecord;
    std::unique_ptr<HistoryRepository> history;
    std::unique_ptr<PastIncidentRepository> past;
};
