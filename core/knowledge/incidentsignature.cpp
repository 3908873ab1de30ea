#include "incidentsignature.h"

namespace {
void addTo(QStringList& set, const QString& value)
{
    if (!value.isEmpty())
        set << value;
}

void normalise(IncidentSignature& s)
{
    for (QStringList* set : {&s.alertnames, &s.services, &s.layers}) {
        set->sort();
        set->removeDuplicates();
    }
}
} // namespace

IncidentSignature IncidentSignature::of(const Incident& incident, bool withRootCause)
{
    IncidentSignature s;
    for (const TrackedAlert& t : incident.alerts) {
        addTo(s.alertnames, t.latest.alertName());
        addTo(s.services, t.service());
        addTo(s.layers, t.latest.labels.value(QStringLiteral("layer")));
    }
    if (withRootCause && incident.topCause())
        s.rootCause = incident.topCause()->service;
    normalise(s);
    return s;
}

IncidentSignature IncidentSignature::of(const PastIncident& incident)
{
    IncidentSignature s;
    for (const PastIncident::Member& m : incident.members) {
        addTo(s.alertnames, m.alertname);
        addTo(s.services, m.service);
        addTo(s.layers, m.layer);
    }
    s.rootCause = incident.confirmedRootCause();
    normalise(s);
    return s;
}
