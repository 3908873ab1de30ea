#pragma once
// HttpLimits: what one HTTP client may cost the receiver: bytes per request and time per request.

#include <QtGlobal>

struct HttpLimits
{
    qint64 maxBodyBytes = 10ll * 1024 * 1024;  // larger bodies get 413 before they are buffered
    qint64 maxHeaderBytes = 64 * 1024;         // request line + headers; larger gets 431
    int maxHeaderCount = 100;                  // more gets 400 + close: past its own limit QHttpServer dropped the
                                               // header block and parsed the body as the next request (smuggling)
    int requestTimeoutMs = 10'000;             // first byte to last byte of one request, else 408 + close
    int idleTimeoutMs = 30'000;                // a keep-alive connection with no request in flight
    qint64 maxDrainBytes = 64ll * 1024 * 1024; // after a 413, read and discard at most this much so the
                                               // client gets to see the answer before we close

    // What one delivery may hold. Every alert field ends up in the store, in incident keys and in the
    // store's change notifications (PostgreSQL's pg_notify refuses payloads over 8,000 bytes: one alert with a
    // 9,000-byte fingerprint once stopped every console from saving). The bounds sit far above anything
    // Alertmanager or a sane exporter sends, far below what breaks the store. Too long: 400; too many: 413.
    int maxFingerprintBytes = 128;            // Alertmanager sends 16 hex digits
    int maxLabelNameBytes = 256;              // Prometheus names are identifiers
    int maxLabelValueBytes = 4 * 1024;        // labels are keys, not prose
    int maxLabelsPerAlert = 64;               // a key of 64 labels already spans several KiB
    int maxAnnotationValueBytes = 64 * 1024;  // prose (runbook text, descriptions) but not attachments
    int maxAnnotationsPerAlert = 64;
    int maxUrlBytes = 8 * 1024;               // generatorURL, change links: what browsers accept
    int maxAlertsPerDelivery = 100'000;       // a whole Alertmanager's worth; one body stays bounded in time
    int maxChangesPerRequest = 5'000;         // a CI run's deploys, not a history import
    int maxChangeDescriptionBytes = 64 * 1024;
    int maxJsonDepth = 64; // nesting of arrays and objects; a feed's payload needs a handful. Deeper: 400 unparsed
};
