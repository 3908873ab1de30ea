#pragma once
// HttpLimits: what one HTTP client may cost the receiver: bytes per request and time per request.

#include <QtGlobal>

struct HttpLimits
{
    qint64 maxBodyBytes = 10ll * 1024 * 1024;  // larger bodies get 413 before they are buffered
    qint64 maxHeaderBytes = 64 * 1024;         // request line + headers; larger gets 431
    int requestTimeoutMs = 10'000;             // first byte to last byte of one request, else 408 + close
    int idleTimeoutMs = 30'000;                // a keep-alive connection with no request in flight
    qint64 maxDrainBytes = 64ll * 1024 * 1024; // after a 413, read and discard at most this much so the
                                               // client gets to see the answer before we close
};
