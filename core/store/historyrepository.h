#pragma once
// HistoryRepository: the offline-review reads and the views' snapshots: one page of the incident history
// matching a query (the SearchIndex's tables), the JSON a view showed for an incident, and the notifications
// around an incident a replay needs. None of it is on the ingest path. Errors come back as text.

#include "model/alert.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QString>
#include <QVector>

#include <optional>

struct HistoryPage;
struct HistoryQuery;
class SearchIndex;
struct StoreConnection;

class HistoryRepository
{
public:
    HistoryRepository(StoreConnection& connection, const SearchIndex& search)
        : m_connection(connection)
        , m_search(search)
    {
    }

    std::optional<HistoryPage> search(const HistoryQuery& query, QString* error) const;

    bool saveViewSnapshot(qint64 incidentId, const QString& kind, const QByteArray& json, const QDateTime& at,
                          QString* error);
    QHash<QString, QByteArray> viewSnapshots(qint64 incidentId, QString* error) const;

    // The notifications received from beforeMs before the incident's first onset to afterMs after its last, of its
    // member alerts (members) or of every other alert, in arrival order.
    QVector<Alert> notificationsInWindow(qint64 incidentId, qint64 beforeMs, qint64 afterMs, bool members,
                                         QString* error) const;

private:
    StoreConnection& m_connection;
    const SearchIndex& m_search;
};
