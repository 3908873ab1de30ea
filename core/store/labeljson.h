#pragma once
// LabelJson: the JSON text form of label/annotation sets and string lists as the store keeps them.
// Written by hand because recordNotifications encodes one label set per alert per batch and this is
// several times faster than building a document; read back with nlohmann::json.

#include "model/alert.h"

#include <QStringList>

namespace LabelJson {

QString encode(const LabelSet& labels);           // {"name":"value",...}, keys in LabelSet order
LabelSet decodeLabels(const QString& json);       // tolerant: non-string values become their JSON text
QString encode(const QStringList& list);          // ["a","b"]
QStringList decodeList(const QString& json);

// Building blocks for batch documents bound as one parameter (see Store::recordNotifications).
void appendString(QString& out, const QString& s); // quoted and escaped
void appendObject(QString& out, const LabelSet& labels);

// The same texts straight in UTF-8, appended to a buffer the caller reuses: byte for byte what encode(...).toUtf8()
// and s.toUtf8() give, without a QString and a converted copy per alert (SqliteIngest binds them natively, and the
// two copies cost as much as the row's insert).
void appendUtf8Object(QByteArray& out, const LabelSet& labels);
void appendUtf8(QByteArray& out, QStringView s); // plain text: not quoted, not escaped

} // namespace LabelJson
