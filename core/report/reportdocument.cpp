#include "reportdocument.h"

using namespace Qt::StringLiterals;

using Block = ReportDocument::Block;

ReportDocument::Section& ReportDocument::addSection(const QString& title)
{
    sections.append(Section{title, {}});
    return sections.last();
}

QString ReportDocument::escapeMarkdown(const QString& text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c == u'\n' || c == u'\r') {
            out += u' ';
            continue;
        }
        // Characters that would start emphasis, code, links, HTML or break a table cell.
        if (QStringView(u"\\`*_[]<>|#").contains(c))
            out += u'\\';
        out += c;
    }
    return out;
}

namespace {

QString markdownTable(const QStringList& header, const QVector<QStringList>& rows)
{
    QString out;
    const auto line = [&out](const QStringList& cells) {
        out += u"|"_s;
        for (const QString& c : cells)
            out += u' ' + ReportDocument::escapeMarkdown(c) + u" |"_s;
        out += u'\n';
    };
    line(header);
    out += u"|"_s;
    for (qsizetype i = 0; i < header.size(); ++i)
        out += u" --- |"_s;
    out += u'\n';
    for (const QStringList& r : rows)
        line(r);
    return out;
}

QString esc(const QString& s)
{
    return s.toHtmlEscaped();
}

} // namespace

QString ReportDocument::toMarkdown() const
{
    QString out = u"# "_s + escapeMarkdown(title) + u"\n\n"_s;
    if (!subtitle.isEmpty())
        out += escapeMarkdown(subtitle) + u"\n\n"_s;
    for (const Section& s : sections) {
        out += u"## "_s + escapeMarkdown(s.title) + u"\n\n"_s;
        for (const Block& b : s.blocks) {
            switch (b.kind) {
            case Block::Kind::Paragraph:
                out += escapeMarkdown(b.text) + u"\n\n"_s;
                break;
            case Block::Kind::Bullets:
                for (const QString& i : b.items)
                    out += u"- "_s + escapeMarkdown(i) + u'\n';
                out += u'\n';
                break;
            case Block::Kind::Checklist:
                for (const QString& i : b.items)
                    out += u"- [ ] "_s + escapeMarkdown(i) + u'\n';
                out += u'\n';
                break;
            case Block::Kind::Table:
                out += markdownTable(b.header, b.rows) + u'\n';
                break;
            case Block::Kind::Facts:
                for (const QStringList& r : b.rows)
                    out += u"- **"_s + escapeMarkdown(r.value(0)) + u":** "_s + escapeMarkdown(r.value(1)) + u'\n';
                out += u'\n';
                break;
            case Block::Kind::Figure:
                break; // the numbers behind a figure are in a table beside it
            }
        }
    }
    return out;
}

QString ReportDocument::toHtml(const HtmlOptions& options) const
{
    QString out;
    out += u"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"_s + esc(title) +
           u"</title>\n"_s;
    // Small and inline: the file is mailed around and opened offline.
    out += uR"(<style>
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #1d2430; margin: 24px; max-width: 960px; }
h1 { font-size: 22px; margin: 0 0 4px 0; }
h2 { font-size: 16px; margin: 22px 0 8px 0; border-bottom: 1px solid #d5dae1; padding-bottom: 3px; }
p.subtitle { color: #5a6472; margin: 0 0 12px 0; }
table { border-collapse: collapse; margin: 6px 0 10px 0; }
th, td { border: 1px solid #d5dae1; padding: 3px 8px; text-align: left; vertical-align: top; font-size: 13px; }
th { background: #eef1f5; }
table.facts th { background: none; border: none; padding: 2px 12px 2px 0; color: #5a6472; font-weight: normal; }
table.facts td { border: none; padding: 2px 0; font-weight: bold; }
ul.checklist { list-style: none; padding-left: 4px; }
figure { margin: 8px 0; }
figcaption { color: #5a6472; font-size: 12px; }
</style>
</head>
<body>
)"_s;
    out += u"<h1>"_s + esc(title) + u"</h1>\n"_s;
    if (!subtitle.isEmpty())
        out += u"<p class=\"subtitle\">"_s + esc(subtitle) + u"</p>\n"_s;
    for (const Section& s : sections) {
        out += u"<h2>"_s + esc(s.title) + u"</h2>\n"_s;
        for (const Block& b : s.blocks) {
            switch (b.kind) {
            case Block::Kind::Paragraph:
                out += u"<p>"_s + esc(b.text) + u"</p>\n"_s;
                break;
            case Block::Kind::Bullets:
            case Block::Kind::Checklist: {
                const bool check = b.kind == Block::Kind::Checklist;
                out += check ? u"<ul class=\"checklist\">\n"_s : u"<ul>\n"_s;
                for (const QString& i : b.items)
                    out += (check ? u"<li>&#9744; "_s : u"<li>"_s) + esc(i) + u"</li>\n"_s;
                out += u"</ul>\n"_s;
                break;
            }
            case Block::Kind::Table:
                out += u"<table>\n<tr>"_s;
                for (const QString& h : b.header)
                    out += u"<th>"_s + esc(h) + u"</th>"_s;
                out += u"</tr>\n"_s;
                for (const QStringList& r : b.rows) {
                    out += u"<tr>"_s;
                    for (const QString& c : r)
                        out += u"<td>"_s + esc(c) + u"</td>"_s;
                    out += u"</tr>\n"_s;
                }
                out += u"</table>\n"_s;
                break;
            case Block::Kind::Facts:
                out += u"<table class=\"facts\">\n"_s;
                for (const QStringList& r : b.rows)
                    out += u"<tr><th>"_s + esc(r.value(0)) + u"</th><td>"_s + esc(r.value(1)) + u"</td></tr>\n"_s;
                out += u"</table>\n"_s;
                break;
            case Block::Kind::Figure:
                if (options.inlineSvg && !b.svg.isEmpty())
                    out += u"<figure>"_s + b.svg + u"<figcaption>"_s + esc(b.caption) + u"</figcaption></figure>\n"_s;
                else if (!options.inlineSvg && !b.imageName.isEmpty())
                    out += u"<p><img src=\""_s + esc(b.imageName) + u"\"><br><i>"_s + esc(b.caption) + u"</i></p>\n"_s;
                break;
            }
        }
    }
    out += u"</body>\n</html>\n"_s;
    return out;
}

namespace ReportBlocks {

Block paragraph(const QString& text)
{
    Block b;
    b.kind = Block::Kind::Paragraph;
    b.text = text;
    return b;
}

Block bullets(const QStringList& items)
{
    Block b;
    b.kind = Block::Kind::Bullets;
    b.items = items;
    return b;
}

Block checklist(const QStringList& items)
{
    Block b;
    b.kind = Block::Kind::Checklist;
    b.items = items;
    return b;
}

Block table(const QStringList& header, const QVector<QStringList>& rows)
{
    Block b;
    b.kind = Block::Kind::Table;
    b.header = header;
    b.rows = rows;
    return b;
}

Block facts(const QVector<QStringList>& rows)
{
    Block b;
    b.kind = Block::Kind::Facts;
    b.rows = rows;
    return b;
}

Block figure(const QString& svg, const QString& imageName, const QString& caption)
{
    Block b;
    b.kind = Block::Kind::Figure;
    b.svg = svg;
    b.imageName = imageName;
    b.caption = caption;
    return b;
}

} // namespace ReportBlocks
