#pragma once
// IngestJson: the checked readers every feed parser shares (label maps, alert objects, change
// events, timestamps), so "alerts[2].labels must be an object" reads the same in every format.
// Nothing here throws (parse errors are caught where they arise): each reader validates types and reports the JSON path of the first problem.

#include "model/alert.h"
#include "model/changeevent.h"

#include <nlohmann/json.hpp>

#include <QString>

namespace IngestJson {

// A JSON path fragment for error messages: field("alerts[2]", "labels") == "alerts[2].labels".
QString field(const QString& parent, const char* name);
QString index(const QString& parent, size_t i);

QString toQString(const nlohmann::json& stringValue);

// Reads obj[name] when present. Missing and required -> error "<path> is required".
bool readString(const nlohmann::json& obj, const char* name, const QString& path, bool required, QString* out,
                QString* error);
// An object of string values; a missing member with required == false yields an empty map.
bool readLabelSet(const nlohmann::json& obj, const char* name, const QString& path, bool required, LabelSet* out,
                  QString* error);
// An RFC 3339 string; Go's zero time gives an invalid QDateTime (no error).
bool readTime(const nlohmann::json& obj, const char* name, const QString& path, bool required, QDateTime* out,
              QString* error);
bool readStringList(const nlohmann::json& obj, const char* name, const QString& path, QStringList* out, QString* error);

enum class StatusPolicy
{
    Required, // "status" must be "firing" or "resolved" (webhook, scenario files)
    Firing,   // "status" is not a firing/resolved string (API v2 lists only live alerts)
};

// One alert object in Alertmanager's shape: labels, annotations, startsAt, endsAt, generatorURL,
// fingerprint, status. `labels` is required. The fingerprint falls back to Alert::fingerprintOf.
bool readAlert(const nlohmann::json& obj, const QString& path, StatusPolicy policy, Alert* out, QString* error);

// {"service","kind","at","description","link"}: service, kind and at are required.
bool readChange(const nlohmann::json& obj, const QString& path, ChangeEvent* out, QString* error);

// One change object, an array of them, or {"changes": [...]} (a scenario file); all or nothing.
bool readChanges(const nlohmann::json& doc, QVector<ChangeEvent>* out, QString* error);

// Parses; on failure *error says "<what> is not valid JSON (line 3, column 14: <reason>)". No exception leaves.
bool parseDocument(const QByteArray& body, nlohmann::json* out, QString* error, const QString& what = QStringLiteral("body"));
// "line 3, column 14: syntax error while parsing object key - ..." of a parse error.
QString parseErrorText(const nlohmann::json::parse_error& e);

} // namespace IngestJson
