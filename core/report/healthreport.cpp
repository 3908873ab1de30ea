#include "healthreport.h"

#include "report/reportquery.h"

#include <QHash>
#include <QMap>
#include <QSet>

#include <algorithm>
#include <numeric>

using namespace Qt::StringLiterals;

QString HealthReport::Week::label() const
{
    return u"%1-W%2"_s.arg(isoYear).arg(isoWeek, 2, 10, QLatin1Char('0'));
}

bool HealthReport::isNight(const QDateTime& t, const QTimeZone& zone)
{
    if (!t.isValid())
        return false;
    const int hour = t.toTimeZone(zone).time().hour();
    return hour >= 22 || hour < 7;
}

bool HealthReport::isAutoResolved(const ReportIncident& incident)
{
    if (incident.members.isEmpty())
        return false;
    QDateTime lastClear;
    for (const ReportIncident::Member& m : incident.members) {
        if (!m.resolved)
            return false;
        if (!m.resolvedAt.isValid()) {
            // Cleared at an unknown time: only "never acknowledged" can still make it automatic.
            if (incident.acknowledgedAt.isValid())
                return false;
            continue;
        }
        if (!lastClear.isValid() || m.resolvedAt > lastClear)
            lastClear = m.resolvedAt;
    }
    return !incident.acknowledgedAt.isValid() || (lastClear.isValid() && lastClear < incident.acknowledgedAt);
}

HealthReport::Durations HealthReport::durations(QVector<double> seconds)
{
    Durations d;
    d.count = int(seconds.size());
    if (seconds.isEmpty())
        return d;
    std::sort(seconds.begin(), seconds.end());
    const qsizetype mid = seconds.size() / 2;
    d.medianSeconds = seconds.size() % 2 ? seconds.at(mid) : (seconds.at(mid - 1) + seconds.at(mid)) / 2.0;
    d.meanSeconds = std::accumulate(seconds.cbegin(), seconds.cend(), 0.0) / double(seconds.size());
    return d;
}

HealthReport HealthReport::compute(const QVector<ReportIncident>& incidents, qint64 notifications,
                                   const QDate& fromDate, const QDate& toDate, const QTimeZone& zone)
{
    HealthReport r;
    r.fromDate = fromDate;
    r.toDate = toDate;
    r.timeZone = zone;
    r.from = fromDate.startOfDay(zone);
    r.to = toDate.startOfDay(zone);
    r.notifications = notifications;

    // Weeks first, so a quiet week still shows as a zero.
    QHash<QDate, qsizetype> weekOf; // by Monday
    if (fromDate.isValid() && toDate.isValid() && fromDate < toDate) {
        for (QDate monday = fromDate.addDays(1 - fromDate.dayOfWeek()); monday < toDate; monday = monday.addDays(7)) {
            Week w;
            w.monday = monday;
            w.isoWeek = monday.weekNumber(&w.isoYear);
            weekOf.insert(monday, r.weeks.size());
            r.weeks.append(w);
        }
    }
    QVector<QVector<double>> weekAck(r.weeks.size());
    QVector<QVector<double>> weekResolve(r.weeks.size());
    QVector<double> ack;
    QVector<double> resolve;
    struct AlertTally
    {
        int pages = 0;
        int noisy = 0;
        QSet<QString> owners;
    };
    QMap<QString, AlertTally> tally; // by alertname
    QHash<QString, int> causes;

    for (const ReportIncident& inc : incidents) {
        if (!inc.firstAlertAt.isValid() || inc.firstAlertAt < r.from || inc.firstAlertAt >= r.to)
            continue;
        ++r.incidents;
        const QDate day = inc.firstAlertAt.toTimeZone(zone).date();
        const qsizetype week = weekOf.value(day.addDays(1 - day.dayOfWeek()), -1);
        const bool night = isNight(inc.firstAlertAt, zone);
        r.nightPages += night ? 1 : 0;
        if (week >= 0) {
            ++r.weeks[week].pages;
            r.weeks[week].nightPages += night ? 1 : 0;
        }
        // An ack or resolve stamped before the first alert (clock skew between machines) counts as instant.
        if (inc.acknowledgedAt.isValid()) {
            const double s = std::max<qint64>(0, inc.firstAlertAt.secsTo(inc.acknowledgedAt));
            ack.append(s);
            if (week >= 0)
                weekAck[week].append(s);
        }
        if (inc.resolvedAt.isValid()) {
            const double s = std::max<qint64>(0, inc.firstAlertAt.secsTo(inc.resolvedAt));
            resolve.append(s);
            if (week >= 0)
                weekResolve[week].append(s);
        }
        const bool autoResolved = isAutoResolved(inc);
        r.autoResolved += autoResolved ? 1 : 0;
        if (const ReportIncident::Member* paging = inc.pagingAlert(); paging && !paging->alertname.isEmpty()) {
            AlertTally& t = tally[paging->alertname];
            ++t.pages;
            if (autoResolved || inc.actionable == std::optional<bool>(false)) {
                ++t.noisy;
                if (!paging->team.isEmpty())
                    t.owners.insert(paging->team);
            }
        }
        const QString cause = inc.confirmedRootCause.isEmpty() ? inc.topRootCause : inc.confirmedRootCause;
        if (!cause.isEmpty())
            ++causes[cause];
    }

    r.mtta = durations(ack);
    r.mttr = durations(resolve);
    for (qsizetype w = 0; w < r.weeks.size(); ++w) {
        r.weeks[w].mtta = durations(weekAck.at(w));
        r.weeks[w].mttr = durations(weekResolve.at(w));
    }
    if (r.incidents > 0) {
        r.dedupRatio = double(notifications) / r.incidents;
        r.autoResolvedShare = double(r.autoResolved) / r.incidents;
        r.nightShare = double(r.nightPages) / r.incidents;
    }

    for (auto it = tally.cbegin(); it != tally.cend(); ++it) {
        if (it->noisy == 0)
            continue;
        QStringList owners(it->owners.cbegin(), it->owners.cend());
        owners.sort();
        r.noisyAlerts.append(NoisyAlert{it.key(), it->noisy, it->pages, owners});
    }
    std::stable_sort(r.noisyAlerts.begin(), r.noisyAlerts.end(), [](const NoisyAlert& a, const NoisyAlert& b) {
        return a.noisyPages != b.noisyPages ? a.noisyPages > b.noisyPages : a.pages > b.pages;
    });
    if (r.noisyAlerts.size() > TopCount)
        r.noisyAlerts.resize(TopCount);

    for (auto it = causes.cbegin(); it != causes.cend(); ++it)
        if (*it >= 2)
            r.recurringCauses.append(RecurringCause{it.key(), *it});
    std::sort(r.recurringCauses.begin(), r.recurringCauses.end(), [](const RecurringCause& a, const RecurringCause& b) {
        return a.incidents != b.incidents ? a.incidents > b.incidents : a.service < b.service;
    });
    if (r.recurringCauses.size() > TopCount)
        r.recurringCauses.resize(TopCount);
    return r;
}

std::optional<HealthReport> HealthReport::fromStore(const Store& store, const QDate& fromDate, const QDate& toDate,
                                                    const QTimeZone& zone, QString* error)
{
    if (!fromDate.isValid() || !toDate.isValid() || fromDate >= toDate) {
        if (error)
            *error = u"the period needs a start date before its end date"_s;
        return std::nullopt;
    }
    if (!zone.isValid()) {
        if (error)
            *error = u"unknown time zone"_s;
        return std::nullopt;
    }
    const QDateTime from = fromDate.startOfDay(zone);
    const QDateTime to = toDate.startOfDay(zone);
    const ReportQuery query(store);
    auto incidents = query.incidents(from, to, error);
    if (!incidents)
        return std::nullopt;
    const auto notifications = query.notificationCount(from, to, error);
    if (!notifications)
        return std::nullopt;
    return compute(*incidents, *notifications, fromDate, toDate, zone);
}
