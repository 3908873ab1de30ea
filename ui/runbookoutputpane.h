#pragma once
// RunbookOutputPane: the live output of runbook steps as it streams (stdout light, stderr amber), with the
// console's own notes (what started, dry runs, outcomes) in between. Bounded to the last lines: the full
// output of every step is in its log file.

#include <QPlainTextEdit>
#include <QStringDecoder>

class RunbookOutputPane : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit RunbookOutputPane(QWidget* parent = nullptr);

    void appendOutput(const QByteArray& chunk, bool fromStderr); // raw bytes, any split of UTF-8
    void appendNote(const QString& text);                        // a line (or lines) of the console's own
    void resetStreams(); // a new process: drop half-decoded characters of the last one

private:
    void insert(const QString& text, const QColor& color, bool bold = false);

    QStringDecoder m_stdout{QStringDecoder::Utf8};
    QStringDecoder m_stderr{QStringDecoder::Utf8};
    bool m_atLineStart = true;
};
