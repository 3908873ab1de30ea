#include "reportpdfwriter.h"

#include "report/healthreportdocument.h"

#include <QFileInfo>
#include <QPageLayout>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgRenderer>
#include <QTextDocument>
#include <QUrl>

using namespace Qt::StringLiterals;

QImage ReportPdfWriter::rasterise(const QString& svg, qreal scale)
{
    QSvgRenderer renderer(svg.toUtf8());
    if (!renderer.isValid())
        return {};
    const QSize size = (QSizeF(renderer.defaultSize()) * scale).toSize();
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    renderer.render(&painter);
    painter.end();
    image.setDevicePixelRatio(scale); // laid out at the SVG's own size, drawn sharp
    return image;
}

bool ReportPdfWriter::write(const ReportDocument& document, const QString& path, QString* error,
                            const QHash<QString, QImage>& images)
{
    // Write to a temporary name beside the target, then rename: a failure never leaves half a PDF behind.
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly)) {
        *error = u"cannot write %1: %2"_s.arg(path, out.errorString());
        return false;
    }
    {
        QPdfWriter writer(&out);
        writer.setTitle(document.title);
        writer.setCreator(u"Nightwatch"_s);
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait, QMarginsF(0, 0, 0, 0),
                                         QPageLayout::Millimeter));
        writer.setResolution(144);

        QTextDocument text;
        text.setDocumentMargin(0);
        QFont font(u"DejaVu Sans"_s);
        font.setPointSizeF(9);
        text.setDefaultFont(font);
        for (const auto& section : document.sections) {
            for (const auto& block : section.blocks) {
                if (block.kind != ReportDocument::Block::Kind::Figure || block.imageName.isEmpty())
                    continue;
                QImage image = images.value(block.imageName);
                if (image.isNull())
                    image = rasterise(block.svg);
                if (!image.isNull())
                    text.addResource(QTextDocument::ImageResource, QUrl(block.imageName), image);
            }
        }
        ReportDocument::HtmlOptions options;
        options.inlineSvg = false;
        text.setHtml(document.toHtml(options));
        // No page size of our own: print() then lays the document out for the writer itself, with 2 cm
        // margins and page numbers.
        text.print(&writer);
    }
    if (!out.commit()) {
        *error = u"cannot write %1: %2"_s.arg(path, out.errorString());
        return false;
    }
    return true;
}

bool ReportPdfWriter::writeHealthReport(const HealthReport& report, const QString& path, QString* error)
{
    return write(HealthReportDocument::build(report), path, error);
}
