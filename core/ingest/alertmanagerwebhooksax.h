#pragma once
// AlertmanagerWebhookSax: the fast path of AlertmanagerWebhookParser. Reads a webhook body straight
// into an AlertmanagerWebhook with nlohmann's SAX interface, without building a JSON DOM first: in a
// storm the DOM walk (a tree of std::map nodes per alert, then a copy into Qt types) was most of the
// receiver's CPU time.
//
// It only ever says "this is a well-formed v4 payload, here it is" or "not sure": anything unusual
// (a parse error, a wrong type, a missing or invalid field) returns nullopt and the caller re-reads
// the body with the DOM parser, which stays the one place that words error messages. So both paths
// accept exactly the same payloads and produce the same alerts (tests/tst_alertparsers checks that).
//
// The JSON is read by FastJsonSax (whole runs of bytes per string) and only when that cannot vouch for the text by
// nlohmann's own SAX parser, both driving the same handler. A label set's fingerprint, when the alert has none, is
// hashed from the label bytes as read (OpenSSL's SHA-256), the same digest Alert::fingerprintOf computes. A
// 100,000-alert body took 469 ms to read; about a third of that was nlohmann's byte-by-byte lexer and a quarter Qt's
// SHA-256 with the conversions back to UTF-8.
//
// Alert objects it has read lately are remembered by their exact bytes (AlertObjectCache, one per thread):
// when WebhookAlertSpans can place every element of the alerts array, only the envelope and the objects not
// seen before are parsed; a repeat is copied. Parsing an element alone gives what parsing it inside the
// payload gives, so the cache changes the cost, never the result.

#include "alertmanagerwebhookparser.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

namespace AlertmanagerWebhookSax {

// receivedAt must be valid (UTC) and source non-empty: the caller resolves the defaults.
std::optional<AlertmanagerWebhook> read(const QByteArray& body, const QDateTime& receivedAt, const QString& source);

// read() as it reads a body of 20,000 alerts or more (in two halves on two threads), at any size of two alerts or
// more: that path's edges (the cut between the halves, a bad alert on either side of it) are then within reach of
// a fuzzer's inputs and a test's few alerts. nullopt when read() would not take that path (no spans, fewer than two
// alerts) as well as when it is not sure.
std::optional<AlertmanagerWebhook> readInTwoParts(const QByteArray& body, const QDateTime& receivedAt,
                                                  const QString& source);

} // namespace AlertmanagerWebhookSax
