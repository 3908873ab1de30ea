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

// Where an alert object's two top-level state values, "status" and "endsAt", lie, found by the same scan. An
// alert that resolves is re-sent with only these two changed, and each resolve brings a new endsAt, so its
// bytes never repeat those of its firing object; its identity (the object with both values emptied) does.
//
// The spans are the raw bytes between the quotes, which the scan vouches for only as far as this: each key
// appears once at the top level, unescaped, with a string value holding no backslash (so raw and decoded
// bytes are the same). Anything else is nullopt, and the caller parses the object whole.
struct AlertStateSpans
{
    QByteArrayView status;
    QByteArrayView endsAt;
    QByteArray identity; // the object with "status":"" and "endsAt":"" in place of both values

    // object must outlive the returned views.
    static std::optional<AlertStateSpans> scan(QByteArrayView object);
};
