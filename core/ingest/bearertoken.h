#pragma once
// BearerToken: whether an Authorization header carries the expected bearer token. Shared by ConnectionGuard
// (which refuses on the headers, before any body is buffered) and WebhookServer (the backstop per route).

#include "constanttime.h"

#include <QByteArray>

namespace BearerToken {

// token empty: no authentication, everything matches.
inline bool matches(const QByteArray& authorizationHeader, const QByteArray& token)
{
    if (token.isEmpty())
        return true;
    const QByteArray header = authorizationHeader.trimmed();
    if (!header.startsWith("Bearer ") && !header.startsWith("bearer "))
        return false;
    return ConstantTime::equals(header.mid(7).trimmed(), token);
}

} // namespace BearerToken
