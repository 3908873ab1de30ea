#pragma once
// ReportDocument: a small document (title, sections of paragraphs, lists, checklists, tables, figures)
// that renders to Markdown and to self-contained HTML. The health report and the postmortem are built
// as one of these, so both formats always say the same thing.

#include <QString>
#include <QStringList>
#include <QVector>

struct ReportDocument
{
    struct Block
    {
        enum class Kind
        {
            Paragraph, // text
            Bullets,   // items
            Checklist, // items, unchecked boxes
            Table,     // header + rows
            Facts,     // rows of {name, value}: a two-column summary
            Figure     // an image: svg inline in HTML, or imageName for a renderer that supplies it
        };
        Kind kind = Kind::Paragraph;
        QString text;
        QStringList items;
        QStringList header;
        QVector<QStringList> rows;
        QString svg;       // Figure: inline SVG markup (already escaped where it holds text)
        QString imageName; // Figure: resource name when HTML is rendered for QTextDocument
        QString caption;   // Figure
    };
    struct Section
    {
        QString title;
        QVector<Block> blocks;
    };

    struct HtmlOptions
    {
        bool inlineSvg = true; // false: figures become <img src="imageName"> (QTextDocument draws no SVG)
    };

    QString title;
    QString subtitle;
    QVector<Section> sections;

    Section& addSection(const QString& title);

    QString toMarkdown() const;
    QString toHtml(const HtmlOptions& options) const;
    QString toHtml() const { return toHtml(HtmlOptions()); }

    static QString escapeMarkdown(const QString& text); // for text inside table cells and lists
};

// Block builders, so building a document reads like its outline.
namespace ReportBlocks {
ReportDocument::Block paragraph(const QString& text);
ReportDocument::Block bullets(const QStringList& items);
ReportDocument::Block checklist(const QStringList& items);
ReportDocument::Block table(const QStringList& header, const QVector<QStringList>& rows);
ReportDocument::Block facts(const QVector<QStringList>& rows);
ReportDocument::Block figure(const QString& svg, const QString& imageName, const QString& caption);
} // namespace ReportBlocks
