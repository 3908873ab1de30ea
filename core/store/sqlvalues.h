#pragma once
// SqlValues: how the store's conventions map to bound values and back (see store.h): times as INTEGER
// milliseconds since the epoch, NULL when unknown; NOT NULL text columns get '' for a null string; optional
// flags and numbers are NULL when absent.

#include <QDateTime>
#include <QString>
#include <QVariant>

#include <optional>

namespace SqlValues {

inline QVariant msOrNull(const QDateTime& t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant();
}

inline QDateTime timeOf(const QVariant& v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

// A null QString binds as SQL NULL; NOT NULL text columns want ''.
inline QVariant text(const QString& s)
{
    return QVariant(s.isNull() ? QStringLiteral("") : s);
}

inline QVariant textOrNull(const QString& s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

inline QVariant boolOrNull(const std::optional<bool>& b)
{
    return b ? QVariant(*b ? 1 : 0) : QVariant();
}

inline std::optional<bool> boolOrNone(const QVariant& v)
{
    return v.isNull() ? std::optional<bool>() : std::optional<bool>(v.toBool());
}

inline QVariant intOrNull(const std::optional<int>& v)
{
    return v ? QVariant(*v) : QVariant();
}

inline std::optional<int> intOrNone(const QVariant& v)
{
    return v.isNull() ? std::optional<int>() : std::optional<int>(v.toInt());
}

} // namespace SqlValues
