#pragma once
// ReportPdfWriter: a ReportDocument as a PDF (QTextDocument laid out on QPdfWriter pages). Figures are the
// document's own SVG charts rasterised with QSvgRenderer, so the PDF shows exactly what the HTML shows.
// Needs a QGuiApplication (fonts); the CLI starts one offscreen for this.

#include "report/healthreport.h"
#include "report/reportdocument.h"

#include <QHash>
#include <QImage>
#include <QString>

class ReportPdfWriter
{
public:
    // images: by Figure imageName; a figure without an image falls back to its SVG, rasterised.
    static bool write(const ReportDocument& document, const QString& path, QString* error,
                      const QHash<QString, QImage>& images = {});
    static bool writeHealthReport(const HealthReport& report, const QString& path, QString* error);
    static QImage rasterise(const QString& svg, qreal scale = 2.0);
};
