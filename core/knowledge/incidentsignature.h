#pragma once
// IncidentSignature: the shape of an incident that similar incidents share: which alerts fired, on which
// services and layers, and what the root cause was. Sets are sorted and unique; rootCause may be empty.

#include "model/incident.h"
#include "model/pastincident.h"

#include <QStringList>

struct IncidentSignature
{
    QStringList alertnames;
    QStringList services;
    QStringList layers;
    QString rootCause;

    // Of a live incident; rootCause is its top candidate when withRootCause (the diagnoser asks without one:
    // the root cause is what it is looking for).
    static IncidentSignature of(const Incident& incident, bool withRootCause = true);
    // Of a stored incident; rootCause is the confirmed one (see PastIncident::confirmedRootCause).
    static IncidentSignature of(const PastIncident& incident);

    bool operator==(const IncidentSignature&) const = default;
};
