#pragma once
// HealthReport: how on-call went over a period [from, to): pages (one incident = one page) per ISO week,
// the notifications behind them, time to acknowledge and to resolve, pages that needed nobody, pages at
// night, the alerts that page for nothing and the causes that keep coming back. compute() is a pure
// function of the incidents, so the figures can be checked by hand; fromStore() reads them first.

#include "report/reportincident.h"

#include <QDate>
#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QTimeZone>
#include <QVector>

#include <optional>

class Store;

struct HealthReport
{
    struct Durations
    {
        int count = 0;            // incidents that have the time (acknowledged / resolved)
        double medianSeconds = 0; // 0 when count is 0
        double meanSeconds = 0;
    };
    struct Week
    {
        QDate monday; // local date of its Monday
        int isoYear = 0;
        int isoWeek = 0;
        int pages = 0;
        int nightPages = 0;
        Durations mtta;
        Durations mttr;
        QString label() const; // "2026-W48"
    };
    struct NoisyAlert
    {
        QString alertname;
        int noisyPages = 0; // pages marked not actionable or auto-resolved before an ack
        int pages = 0;      // every page this alertname opened in the period
        QStringList owners; // distinct `team` labels of those noisy pages, sorted
    };
    struct RecurringCause
    {
        QString service;
        int incidents = 0;
    };

    QDate fromDate; // local dates: the period is [fromDate 00:00, toDate 00:00) in timeZone
    QDate toDate;
    QDateTime from;
    QDateTime to;
    QTimeZone timeZone;

    int incidents = 0; // = pages
    qint64 notifications = 0;
    double dedupRatio = 0; // notifications per incident; 0 without incidents
    Durations mtta;
    Durations mttr;
    int autoResolved = 0;
    double autoResolvedShare = 0; // of incidents, 0..1
    int nightPages = 0;           // first alert at local 22:00–07:00
    double nightShare = 0;
    QVector<Week> weeks;                     // every ISO week the period touches, also the quiet ones
    QVector<NoisyAlert> noisyAlerts;         // most noisy pages first
    QVector<RecurringCause> recurringCauses; // causes of two incidents or more, most first

    static constexpr int TopCount = 10;

    // The night: local 22:00 up to 07:00.
    static bool isNight(const QDateTime& t, const QTimeZone& zone);
    // Every member alert cleared, and before anyone acknowledged (if anyone did).
    static bool isAutoResolved(const ReportIncident& incident);
    static Durations durations(QVector<double> seconds);

    // incidents: those whose first alert is in [from, to) (others are ignored); notifications: deliveries
    // received in the period.
    static HealthReport compute(const QVector<ReportIncident>& incidents, qint64 notifications, const QDate& fromDate,
                                const QDate& toDate, const QTimeZone& zone);
    static std::optional<HealthReport> fromStore(const Store& store, const QDate& fromDate, const QDate& toDate,
                                                 const QTimeZone& zone, QString* error);
};
