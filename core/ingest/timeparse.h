#pragma once
// TimeParse: RFC 3339 timestamps as every alert feed writes them (fractional seconds of any length,
// "Z" or a numeric offset) to UTC QDateTime, in one place so all parsers agree.

#include <QDateTime>
#include <QString>

#include <string_view>

namespace TimeParse {

// "2026-11-27T23:47:00.123456789Z", "2026-11-27T23:47:00+01:00", lower-case 't'/'z' too.
// Returns an invalid QDateTime when the text is not RFC 3339. Digits past milliseconds are
// truncated: QDateTime has millisecond resolution.
QDateTime parseRfc3339(std::string_view text);
QDateTime parseRfc3339(const QString& text);

// Go's zero time ("0001-01-01T00:00:00Z") is how Alertmanager says "no end known".
bool isGoZeroTime(const QDateTime& t);

// Like parseRfc3339, but the Go zero time (and any year <= 1) becomes an invalid QDateTime.
// *ok tells a malformed string apart from "unknown".
QDateTime parseAlertTime(std::string_view text, bool* ok);

// The inverse, for JSON we write: "2026-11-27T23:47:00.123Z" (milliseconds only when non-zero).
QString toRfc3339(const QDateTime& t);

} // namespace TimeParse
