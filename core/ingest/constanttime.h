#pragma once
// ConstantTime: comparing secrets (tokens, signatures) without an early exit, so the time an answer takes
// does not tell an attacker how much of a guess matched.

#include <QByteArrayView>

namespace ConstantTime {

inline bool equals(QByteArrayView a, QByteArrayView b)
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const qsizetype n = qMin(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

} // namespace ConstantTime
