#pragma once
// HealthReportDocument: the on-call health report as a document: the figures, the weekly table with its
// charts (inline SVG in HTML; named images the PDF writer draws), noisy alerts and recurring causes.

#include "report/healthreport.h"
#include "report/reportdocument.h"

namespace HealthReportDocument {
inline constexpr auto PagesChart = "chart-pages-per-week.png";
inline constexpr auto TimesChart = "chart-mtta-mttr.png";

ReportDocument build(const HealthReport& report);
QString pagesPerWeekSvg(const HealthReport& report);
QString responseTimesSvg(const HealthReport& report); // median MTTA and MTTR per week, minutes
} // namespace HealthReportDocument
