#pragma once
// DeliveryLimits: checks a parsed delivery against HttpLimits' per-field bounds before anything of it is
// handed to a sink, so an oversized field is refused with its name and never reaches the store.

#include "httplimits.h"
#include "model/alert.h"
#include "model/changeevent.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace DeliveryLimits {

enum class Verdict { Ok, TooLong, TooMany }; // TooLong answers 400, TooMany 413

// On failure *error names the field, e.g. "alerts[3].fingerprint is 9000 bytes, the limit is 128".
Verdict checkAlerts(const QList<Alert>& alerts, const HttpLimits& limits, QString* error);
Verdict checkChanges(const QList<ChangeEvent>& changes, const HttpLimits& limits, QString* error);
// On the raw body, before any parser builds anything of it: nesting deeper than limits.maxJsonDepth (TooLong) and a
// top-level "alerts" array of more than limits.maxAlertsPerDelivery elements (TooMany), found by structural scans
// that allocate next to nothing. A body refused here never costs the memory and time of its parse.
Verdict checkBody(const QByteArray& body, const HttpLimits& limits, QString* error);

} // namespace DeliveryLimits
