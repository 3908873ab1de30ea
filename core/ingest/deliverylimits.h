#pragma once
// DeliveryLimits: checks a parsed delivery against HttpLimits' per-field bounds before anything of it is
// handed to a sink, so an oversized field is refused with its name and never reaches the store.

#include "httplimits.h"
#include "model/alert.h"
#include "model/changeevent.h"

#include <QList>
#include <QString>

namespace DeliveryLimits {

enum class Verdict { Ok, TooLong, TooMany }; // TooLong answers 400, TooMany 413

// On failure *error names the field, e.g. "alerts[3].fingerprint is 9000 bytes, the limit is 128".
Verdict checkAlerts(const QList<Alert>& alerts, const HttpLimits& limits, QString* error);
Verdict checkChanges(const QList<ChangeEvent>& changes, const HttpLimits& limits, QString* error);

} // namespace DeliveryLimits
