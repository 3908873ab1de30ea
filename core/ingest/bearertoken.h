#pragma once
// BearerToken: whether an Authorization header carries the expected bearer token. Shared by ConnectionGuard
// (which refuses on the headers, before any body is buffered) and WebhookServer (the backstop per route).

#include <QByteArray>

namespace BearerToken {

// Compares without an early exit so response timing does not leak how much of a token matched.
inline bool constantTimeEquals(const QByteArray& a, const QByteArray& b)
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const qsizetype n = qMin(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

// token empty: no authentication, everything matches.
inline bool matches(const QByteArray& authorizationHeader, const QByteArray& token)
{
    if (token.isEmpty())
        return true;
    const QByteArray header = authorizationHeader.trimmed();
    if (!header.startsWith("Bearer ") && !header.startsWith("bearer "))
        return false;
    return constantTimeEquals(header.mid(7).trimmed(), token);
}

} // namespace BearerToken
