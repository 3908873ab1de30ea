#pragma once
// IncidentTitle: a human name for an incident, "Checkout errors — postgres-main pool": the symptom people
// feel (the most severe firing alert, on the service reached last) and the root cause with its own failing
// part. Computed from the incident's alerts and top cause alone, so the console list, the CLI, the history
// and the reports all name an incident the same way.

#include "incident.h"

#include <QString>
#include <QVector>

class IncidentTitle
{
public:
    static QString of(const Incident& incident);
    // rootService: the diagnosis' best candidate ("" when it has none).
    static QString of(const QVector<TrackedAlert>& alerts, const QString& rootService);

    // What an alert name says is wrong, in a word or two: "DatabaseConnectionPoolExhausted" -> "pool",
    // "ServiceErrorRateHigh" -> "errors"; names it cannot read come back as words ("Watchdog" -> "watchdog").
    static QString symptomOf(const QString& alertName);
};
