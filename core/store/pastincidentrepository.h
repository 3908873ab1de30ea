#pragma once
// PastIncidentRepository: the one read incident memory needs (see PastIncident): incidents with their top candidate,
// resolution, member alerts' labels and runbook runs. Three queries over the same selection instead of one per
// incident: 5,000 incidents come back in well under a second. Errors come back as text.

#include "model/pastincident.h"
#include "store.h"

#include <QString>
#include <QVector>

struct StoreConnection;

class PastIncidentRepository
{
public:
    explicit PastIncidentRepository(StoreConnection& connection) : m_connection(connection) {}

    QVector<PastIncident> read(const Store::PastQuery& query, QString* error) const;

private:
    StoreConnection& m_connection;
};
