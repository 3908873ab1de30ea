#include "healthreportdocument.h"

#include "report/reportformat.h"

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;
using namespace ReportBlocks;

namespace HealthReportDocument {

namespace {

constexpr int ChartWidth = 640;
constexpr int ChartHeight = 200;
constexpr int Left = 40;
constexpr int Bottom = 30;
constexpr int Top = 24;

double niceCeiling(double v)
{
    if (v <= 0)
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(v)));
    for (const double step : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (v <= step * magnitude)
            return step * magnitude;
    return 10 * magnitude;
}

QString axes(double maxValue, const QString& unit)
{
    QString svg;
    const int plotH = ChartHeight - Bottom - Top;
    for (int i = 0; i <= 4; ++i) {
        const double y = Top + plotH - plotH * i / 4.0;
        svg += u"<line x1=\"%1\" y1=\"%2\" x2=\"%3\" y2=\"%2\" stroke=\"#e3e7ec\"/>"_s.arg(Left).arg(y).arg(ChartWidth);
        svg +=
            u"<text x=\"%1\" y=\"%2\" font-size=\"10\" text-anchor=\"end\" fill=\"#5a6472\">%3</text>"_s.arg(Left - 4)
                .arg(y + 3)
                .arg(QString::number(maxValue * i / 4.0, 'g', 3));
    }
    svg += u"<text x=\"4\" y=\"10\" font-size=\"10\" fill=\"#5a6472\">%1</text>"_s.arg(unit.toHtmlEscaped());
    return svg;
}

QString weekLabel(const HealthReport::Week& w)
{
    return u"W%1"_s.arg(w.isoWeek, 2, 10, QLatin1Char('0'));
}

} // namespace

QString pagesPerWeekSvg(const HealthReport& report)
{
    int most = 0;
    for (const auto& w : report.weeks)
        most = std::max(most, w.pages);
    const double top = niceCeiling(most);
    const int plotW = ChartWidth - Left - 8;
    const int plotH = ChartHeight - Bottom - Top;
    QString svg =
        u"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%1\" height=\"%2\" role=\"img\">"_s.arg(ChartWidth)
            .arg(ChartHeight);
    svg += axes(top, u"pages"_s);
    const qsizetype n = std::max<qsizetype>(1, report.weeks.size());
    const double slot = double(plotW) / double(n);
    for (qsizetype i = 0; i < report.weeks.size(); ++i) {
        const auto& w = report.weeks.at(i);
        const double x = Left + 4 + slot * double(i);
        const double h = plotH * w.pages / top;
        const double nh = plotH * w.nightPages / top;
        const double bw = std::max(2.0, slot * 0.7);
        svg +=
            u"<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\" fill=\"#4c78a8\"><title>%5: %6 pages</title></rect>"_s
                .arg(x)
                .arg(Top + plotH - h)
                .arg(bw)
                .arg(h)
                .arg(w.label())
                .arg(w.pages);
        svg += u"<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\" fill=\"#1d3557\"/>"_s.arg(x)
                   .arg(Top + plotH - nh)
                   .arg(bw)
                   .arg(nh);
        svg += u"<text x=\"%1\" y=\"%2\" font-size=\"10\" text-anchor=\"middle\" fill=\"#5a6472\">%3</text>"_s
                   .arg(x + bw / 2)
                   .arg(ChartHeight - Bottom + 14)
                   .arg(weekLabel(w));
    }
    svg += u"</svg>"_s;
    return svg;
}

QString responseTimesSvg(const HealthReport& report)
{
    double most = 0;
    for (const auto& w : report.weeks)
        most = std::max({most, w.mtta.medianSeconds / 60.0, w.mttr.medianSeconds / 60.0});
    const double top = niceCeiling(most);
    const int plotW = ChartWidth - Left - 8;
    const int plotH = ChartHeight - Bottom - Top;
    QString svg =
        u"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%1\" height=\"%2\" role=\"img\">"_s.arg(ChartWidth)
            .arg(ChartHeight);
    svg += axes(top, u"minutes (median)"_s);
    const qsizetype n = std::max<qsizetype>(1, report.weeks.size());
    const double slot = double(plotW) / double(n);
    const auto line = [&](auto value, const QString& colour) {
        QString points;
        for (qsizetype i = 0; i < report.weeks.size(); ++i) {
            const HealthReport::Durations d = value(report.weeks.at(i));
            if (d.count == 0)
                continue;
            points += u"%1,%2 "_s.arg(Left + 4 + slot * (double(i) + 0.35))
                          .arg(Top + plotH - plotH * d.medianSeconds / 60.0 / top);
        }
        return u"<polyline fill=\"none\" stroke=\"%1\" stroke-width=\"2\" points=\"%2\"/>"_s.arg(colour,
                                                                                                 points.trimmed());
    };
    svg += line([](const HealthReport::Week& w) { return w.mtta; }, u"#f28e2b"_s);
    svg += line([](const HealthReport::Week& w) { return w.mttr; }, u"#e15759"_s);
    for (qsizetype i = 0; i < report.weeks.size(); ++i)
        svg += u"<text x=\"%1\" y=\"%2\" font-size=\"10\" text-anchor=\"middle\" fill=\"#5a6472\">%3</text>"_s
                   .arg(Left + 4 + slot * (double(i) + 0.35))
                   .arg(ChartHeight - Bottom + 14)
                   .arg(weekLabel(report.weeks.at(i)));
    svg += u"<text x=\"%1\" y=\"10\" font-size=\"10\" fill=\"#f28e2b\">MTTA</text>"_s.arg(ChartWidth - 110);
    svg += u"<text x=\"%1\" y=\"10\" font-size=\"10\" fill=\"#e15759\">MTTR</text>"_s.arg(ChartWidth - 60);
    svg += u"</svg>"_s;
    return svg;
}

ReportDocument build(const HealthReport& r)
{
    ReportDocument doc;
    doc.title = u"On-call health report"_s;
    doc.subtitle = u"%1 to %2 (end exclusive), %3"_s.arg(
        r.fromDate.toString(Qt::ISODate), r.toDate.toString(Qt::ISODate), QString::fromUtf8(r.timeZone.id()));

    const auto durations = [](const HealthReport::Durations& d) {
        return d.count == 0 ? u"— (none)"_s
                            : u"median %1, mean %2 (%3 incidents)"_s
                                  .arg(ReportFormat::duration(d.medianSeconds), ReportFormat::duration(d.meanSeconds))
                                  .arg(d.count);
    };
    auto& summary = doc.addSection(u"Summary"_s);
    summary.blocks.append(facts({
        {u"Pages (incidents)"_s, QString::number(r.incidents)},
        {u"Notifications"_s, QString::number(r.notifications)},
        {u"Notifications per incident (dedup)"_s, ReportFormat::ratio(r.dedupRatio)},
        {u"MTTA"_s, durations(r.mtta)},
        {u"MTTR"_s, durations(r.mttr)},
        {u"Auto-resolved"_s, u"%1 (%2)"_s.arg(r.autoResolved).arg(ReportFormat::percent(r.autoResolvedShare))},
        {u"Night pages (22:00–07:00)"_s, u"%1 (%2)"_s.arg(r.nightPages).arg(ReportFormat::percent(r.nightShare))},
    }));

    auto& weeks = doc.addSection(u"Pages per week"_s);
    weeks.blocks.append(
        figure(pagesPerWeekSvg(r), QString::fromLatin1(PagesChart), u"Pages per ISO week (dark: at night)"_s));
    weeks.blocks.append(figure(responseTimesSvg(r), QString::fromLatin1(TimesChart),
                               u"Median time to acknowledge and to resolve per week, minutes"_s));
    QVector<QStringList> rows;
    for (const auto& w : r.weeks) {
        const auto median = [](const HealthReport::Durations& d) {
            return d.count ? ReportFormat::duration(d.medianSeconds) : u"—"_s;
        };
        rows.append({w.label(), w.monday.toString(Qt::ISODate), QString::number(w.pages), QString::number(w.nightPages),
                     median(w.mtta), median(w.mttr)});
    }
    weeks.blocks.append(
        table({u"Week"_s, u"Monday"_s, u"Pages"_s, u"Night"_s, u"MTTA (median)"_s, u"MTTR (median)"_s}, rows));

    auto& noisy = doc.addSection(u"Top noisy alerts"_s);
    if (r.noisyAlerts.isEmpty()) {
        noisy.blocks.append(paragraph(u"No page was marked not actionable or cleared before an acknowledgement."_s));
    } else {
        noisy.blocks.append(
            paragraph(u"Alerts that paged and were marked not actionable, or cleared on their own "
                      "before anyone acknowledged them. Noisy alerts are bugs: tune or delete them."_s));
        QVector<QStringList> n;
        for (const auto& a : r.noisyAlerts)
            n.append({a.alertname, QString::number(a.noisyPages), QString::number(a.pages),
                      a.owners.isEmpty() ? u"(no team label)"_s : a.owners.join(u", "_s)});
        noisy.blocks.append(table({u"Alert"_s, u"Noisy pages"_s, u"Pages"_s, u"Owners"_s}, n));
    }

    auto& causes = doc.addSection(u"Top recurring root causes"_s);
    if (r.recurringCauses.isEmpty()) {
        causes.blocks.append(paragraph(u"No root cause came back twice in this period."_s));
    } else {
        causes.blocks.append(paragraph(u"The engineer's confirmed cause where given, else the diagnosis's best "
                                       "candidate; causes of two incidents or more."_s));
        QVector<QStringList> c;
        for (const auto& rc : r.recurringCauses)
            c.append({rc.service, QString::number(rc.incidents)});
        causes.blocks.append(table({u"Service"_s, u"Incidents"_s}, c));
    }
    return doc;
}

} // namespace HealthReportDocument
