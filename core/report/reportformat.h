#pragma once
// ReportFormat: how reports write durations, shares and times, one way for every format.

#include <QDateTime>
#include <QString>
#include <QTimeZone>

namespace ReportFormat {
QString duration(double seconds);                        // "45 s", "4 min 30 s", "2 h 05 min", "3 d 4 h"
QString percent(double share);                           // 0.375 -> "37.5 %"
QString ratio(double value);                             // 12.25 -> "12.3"
QString time(const QDateTime& t, const QTimeZone& zone); // "2026-11-27 23:47:00 UTC" / "... CET"
} // namespace ReportFormat
