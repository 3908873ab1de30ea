#include "runbookoutputpane.h"

#include "runbookstyle.h"

#include <QScrollBar>
#include <QTextCursor>

using namespace Qt::StringLiterals;

namespace {

constexpr int MaxLines = 2000;
constexpr int MaxChars = 1'000'000; // a step that never prints a newline is bounded too

// Output is shown, never interpreted: carriage returns and escape sequences (colours, cursor moves) would
// only garble the pane, so control characters other than newline and tab become a visible dot.
QString printable(QString text)
{
    for (QChar& c : text)
        if ((c.unicode() < 0x20 && c != u'\n' && c != u'\t') || c.unicode() == 0x7f)
            c = u'·';
    return text;
}

} // namespace

RunbookOutputPane::RunbookOutputPane(QWidget* parent) : QPlainTextEdit(parent)
{
    setObjectName(u"runbookOutput"_s);
    setReadOnly(true);
    setMaximumBlockCount(MaxLines);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    setFont(RunbookStyle::monospace());
    setStyleSheet(u"QPlainTextEdit#runbookOutput { background: #1F2933; color: #E3E7EB; border: 1px solid #1F2933; "
                  u"border-radius: 4px; padding: 2px; }"_s);
    setPlaceholderText(tr("Output of the steps you run appears here as it streams."));
}

void RunbookOutputPane::resetStreams()
{
    m_stdout.resetState();
    m_stderr.resetState();
}

void RunbookOutputPane::appendOutput(const QByteArray& chunk, bool fromStderr)
{
    QString text = fromStderr ? m_stderr.decode(chunk) : m_stdout.decode(chunk);
    text.remove(u'\r');
    insert(printable(text), fromStderr ? QColor(0xFF, 0xCC, 0x80) : QColor(0xE3, 0xE7, 0xEB));
}

void RunbookOutputPane::appendNote(const QString& text)
{
    insert((m_atLineStart ? QString() : u"\n"_s) + printable(text) + u'\n', QColor(0x90, 0xCA, 0xF9), true);
}

void RunbookOutputPane::insert(const QString& text, const QColor& color, bool bold)
{
    if (text.isEmpty())
        return;
    QScrollBar* bar = verticalScrollBar();
    const bool follow = bar->value() >= bar->maximum() - 4; // keep the engineer's place when scrolled up
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    QTextCharFormat format;
    format.setForeground(color);
    format.setFontWeight(bold ? QFont::Bold : QFont::Normal);
    cursor.insertText(text, format);
    m_atLineStart = text.endsWith(u'\n');
    if (document()->characterCount() > MaxChars) {
        cursor.setPosition(0);
        cursor.setPosition(document()->characterCount() - MaxChars * 3 / 4, QTextCursor::KeepAnchor);
        cursor.removeSelectedText();
    }
    if (follow)
        bar->setValue(bar->maximum());
}
