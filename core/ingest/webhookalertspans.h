#pragma once
// WebhookAlertSpans: where each element of a webhook body's top-level "alerts" array lies, found by a
// structural scan (strings skipped with memchr, brackets counted) without parsing anything. It lets the
// parser recognise an alert object it has already read, byte for byte, and read only the rest.
//
// The scan vouches for nothing but the array's own punctuation (whitespace, commas, brackets): what it
// returns is the body minus the array (the envelope, with "alerts":[] in its place) and the raw bytes of each
// element, and the caller must still validate both. It gives up (nullopt) on anything it cannot place for
// certain, so the caller falls back to a full parse: no raw "alerts" key, the key twice, any top-level key
// with an escape (it could spell "alerts"), an element that is not an object, unbalanced brackets.

#include <QByteArray>
#include <QByteArrayView>
#include <QVector>

#include <optional>

struct WebhookAlertSpans
{
    QByteArray envelope;              // the body with the alerts array replaced by []
    QVector<QByteArrayView> elements; // views into the scanned body: each alert object, braces included

    // body must outlive the returned views.
    static std::optional<WebhookAlertSpans> scan(const QByteArray& body);
};
