#pragma once
// HistoryQuery: what the history browser asks of years of stored incidents: free text (words and
// "quoted phrases", each matching anywhere in an incident's text, case-insensitively), exact label filters
// (service=payment), a period, a state and a page. parse() turns what an engineer types into one: tokens of
// the form key=value become label filters, everything else is text. The text never reaches SQL as syntax:
// every term is quoted for FTS5 (or bound as a LIKE pattern), so foo"bar, - or AND match literally.

#include <QDateTime>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QVector>

struct HistoryQuery
{
    QString text;                            // free text: terms and "phrases", all must match
    QVector<QPair<QString, QString>> labels; // key=value, all must match (exact, case-sensitive)
    QDateTime from;                          // incidents still alerting at or after from (invalid: no bound)
    QDateTime to;                            // incidents that began before to (invalid: no bound)
    QString state;                           // "" any, "open" (not resolved), or a state name ("resolved", ...)
    int offset = 0;
    int limit = 100;

    // Splits input into label filters (key=value, key="a value") and text; keeps the rest of the query.
    static HistoryQuery parse(const QString& input);

    // The text as terms: whitespace separates, double quotes group; quotes themselves are dropped only when
    // they enclose a whole term. Empty terms are skipped.
    QStringList terms() const;
    // Terms the trigram index can answer (3 characters or more), as one FTS5 MATCH expression of quoted
    // strings joined by AND; empty when there are none.
    QString ftsExpression() const;
    // Terms too short for trigrams: matched with LIKE instead, as '%term%' patterns escaped with '\'.
    QStringList likePatterns() const;

    static QString ftsString(const QString& term); // "term" with inner quotes doubled
    static QString likePattern(const QString& term);
    static constexpr int MinIndexedTermLength = 3; // the trigram tokenizer's unit
};

Q_DECLARE_METATYPE(HistoryQuery)
