#include "historyquery.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {

// Whitespace-separated tokens; a double quote starts a region that runs to the next quote (or the end)
// in which whitespace does not separate. Quotes are kept: the caller decides what they mean.
QStringList tokens(const QString& input)
{
    QStringList out;
    QString current;
    bool quoted = false;
    for (const QChar c : input) {
        if (c == u'"')
            quoted = !quoted;
        if (!quoted && c.isSpace()) {
            if (!current.isEmpty())
                out << current;
            current.clear();
            continue;
        }
        current += c;
    }
    if (!current.isEmpty())
        out << current;
    return out;
}

QString unquoted(const QString& token)
{
    if (token.size() >= 2 && token.startsWith(u'"') && token.endsWith(u'"'))
        return token.mid(1, token.size() - 2);
    return token;
}

} // namespace

HistoryQuery HistoryQuery::parse(const QString& input)
{
    static const QRegularExpression labelToken(u"^([A-Za-z_][A-Za-z0-9_]*)=(.+)$"_s);
    HistoryQuery q;
    QStringList text;
    for (const QString& token : tokens(input)) {
        const QRegularExpressionMatch m = labelToken.match(token);
        if (m.hasMatch()) {
            const QString value = unquoted(m.captured(2));
            if (!value.isEmpty()) {
                q.labels.append({m.captured(1), value});
                continue;
            }
        }
        text << token;
    }
    q.text = text.join(u' ');
    return q;
}

QStringList HistoryQuery::terms() const
{
    QStringList out;
    for (const QString& token : tokens(text)) {
        const QString term = unquoted(token).trimmed();
        if (!term.isEmpty())
            out << term;
    }
    return out;
}

QString HistoryQuery::ftsString(const QString& term)
{
    QString s = term;
    s.replace(u'"', u"\"\""_s);
    return u'"' + s + u'"';
}

QString HistoryQuery::likePattern(const QString& term)
{
    QString s = term;
    s.replace(u'\\', u"\\\\"_s);
    s.replace(u'%', u"\\%"_s);
    s.replace(u'_', u"\\_"_s);
    return u'%' + s + u'%';
}

QString HistoryQuery::ftsExpression() const
{
    QStringList parts;
    for (const QString& term : terms()) {
        if (term.size() >= MinIndexedTermLength)
            parts << ftsString(term);
    }
    return parts.join(u" AND "_s);
}

QStringList HistoryQuery::likePatterns() const
{
    QStringList out;
    for (const QString& term : terms()) {
        if (term.size() < MinIndexedTermLength)
            out << likePattern(term);
    }
    return out;
}
