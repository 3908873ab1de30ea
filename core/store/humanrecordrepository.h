#pragma once
// HumanRecordRepository: what people decided about incidents: actions (ack, mitigate, resolve, notes, ...) with
// the incident's lifecycle times they set, the engineer's resolution, and the runbook audit. Writers stamp the
// OS user (Store::currentUser) and announce the change to other writers; notes and resolutions keep the search
// index current in the same transaction. Errors come back as text; the Store facade records them.

#include "model/incidentaction.h"
#include "model/resolution.h"
#include "model/runbookrun.h"

#include <QDateTime>
#include <QString>
#include <QVector>

#include <optional>

class SearchIndex;
struct StoreConnection;

class HumanRecordRepository
{
public:
    HumanRecordRepository(StoreConnection& connection, SearchIndex& search)
        : m_connection(connection)
        , m_search(search)
    {
    }

    bool recordAction(qint64 incidentId, const QString& kind, const QString& note, const QDateTime& when,
                      QString* error);
    QVector<IncidentAction> actions(qint64 incidentId, QString* error) const; // oldest first

    bool recordResolution(const Resolution& resolution, QString* error);
    std::optional<Resolution> resolution(qint64 incidentId, QString* error) const;

    qint64 recordRunbookRun(const RunbookRun& run, QString* error); // the row id, 0 on error
    QVector<RunbookRun> runbookRuns(std::optional<qint64> incidentId, QString* error) const;

private:
    bool incidentExists(qint64 incidentId, QString* error) const;

    StoreConnection& m_connection;
    SearchIndex& m_search;
};
