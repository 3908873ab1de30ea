#include "reportformat.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace ReportFormat {

QString duration(double seconds)
{
    const qint64 s = qint64(std::llround(std::max(0.0, seconds)));
    if (s < 60)
        return u"%1 s"_s.arg(s);
    if (s < 3600)
        return u"%1 min %2 s"_s.arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    if (s < 86400)
        return u"%1 h %2 min"_s.arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    return u"%1 d %2 h"_s.arg(s / 86400).arg((s % 86400) / 3600);
}

QString percent(double share)
{
    return u"%1 %"_s.arg(share * 100.0, 0, 'f', 1);
}

QString ratio(double value)
{
    return QString::number(value, 'f', 1);
}

QString time(const QDateTime& t, const QTimeZone& zone)
{
    if (!t.isValid())
        return u"—"_s;
    const QDateTime local = t.toTimeZone(zone);
    QString abbreviation = zone.abbreviation(local);
    if (zone == QTimeZone::utc() || abbreviation.isEmpty())
        abbreviation = zone == QTimeZone::utc() ? u"UTC"_s : QString::fromUtf8(zone.id());
    return local.toString(u"yyyy-MM-dd HH:mm:ss"_s) + u' ' + abbreviation;
}

} // namespace ReportFormat
