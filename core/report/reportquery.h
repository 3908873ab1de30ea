#pragma once
// ReportQuery: read-only queries for reports, postmortems and bundles, on an open Store's connection
// (so on the Store's thread; the Store is not thread-safe). It never writes.

#include "report/reportincident.h"
#include "store/incidentrecord.h"

#include <QDateTime>
#include <QString>
#include <QVector>

#include <optional>

class Store;

class ReportQuery
{
public:
    explicit ReportQuery(const Store& store);

    // Incidents not merged away whose first alert is in [from, to), oldest first, with their members.
    std::optional<QVector<ReportIncident>> incidents(const QDateTime& from, const QDateTime& to, QString* error) const;
    // Notifications (deliveries) received in [from, to).
    std::optional<qint64> notificationCount(const QDateTime& from, const QDateTime& to, QString* error) const;
    // Everything stored about one incident. Deliveries and changes are those of its window: from
    // changeLookbackSecs before the first alert (a deploy that preceded it) to an hour after its end
    // (resolve, else last alert).
    std::optional<IncidentRecord> incidentRecord(qint64 id, QString* error, int changeLookbackSecs = 2 * 3600) const;

private:
    const Store& m_store;
};
