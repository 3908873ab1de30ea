#include "timeparse.h"

namespace TimeParse {

namespace {

bool digits(std::string_view s, size_t pos, size_t count, int* out)
{
    if (pos + count > s.size())
        return false;
    int v = 0;
    for (size_t i = pos; i < pos + count; ++i) {
        const char c = s[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *out = v;
    return true;
}

} // namespace

QDateTime parseRfc3339(std::string_view s)
{
    // Hand-written instead of QDateTime::fromString(Qt::ISODateWithMs): that rejects more than
    // three fractional digits, which Go (and so Alertmanager) emits routinely.
    int year, month, day, hour, minute, second;
    if (s.size() < 20 || !digits(s, 0, 4, &year) || s[4] != '-' || !digits(s, 5, 2, &month) || s[7] != '-' ||
        !digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, &hour) ||
        s[13] != ':' || !digits(s, 14, 2, &minute) || s[16] != ':' || !digits(s, 17, 2, &second))
        return {};
    size_t pos = 19;
    int msec = 0;
    if (s[pos] == '.') {
        ++pos;
        const size_t start = pos;
        int scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            msec += (s[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start)
            return {};
    }
    if (pos >= s.size())
        return {};
    int offsetSeconds = 0;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        int oh, om;
        if (!digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, &om) ||
            oh > 23 || om > 59)
            return {};
        offsetSeconds = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return {};
    }
    if (pos != s.size())
        return {};
    // Leap second 60 is legal RFC 3339; QTime rejects it, so clamp (feeds never depend on it).
    if (second == 60)
        second = 59;
    const QDate date(year, month, day);
    const QTime time(hour, minute, second, msec);
    if (!date.isValid() || !time.isValid())
        return {};
    // The wall time minus its offset is the UTC instant.
    return QDateTime(date, time, Qt::UTC).addSecs(-offsetSeconds);
}

QDateTime parseRfc3339(const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    return parseRfc3339(std::string_view(utf8.constData(), size_t(utf8.size())));
}

bool isGoZeroTime(const QDateTime& t)
{
    return t.isValid() && t.date().year() <= 1;
}

QDateTime parseAlertTime(std::string_view text, bool* ok)
{
    const QDateTime t = parseRfc3339(text);
    if (ok)
        *ok = t.isValid();
    return isGoZeroTime(t) ? QDateTime() : t;
}

QString toRfc3339(const QDateTime& t)
{
    if (!t.isValid())
        return {};
    const QDateTime utc = t.toUTC();
    return utc.toString(utc.time().msec() ? QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ")
                                          : QStringLiteral("yyyy-MM-ddTHH:mm:ssZ"));
}

} // namespace TimeParse
