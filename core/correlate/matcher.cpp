#include "matcher.h"

using namespace Qt::StringLiterals;

namespace {
bool fail(QString* error, const QString& why)
{
    if (error)
        *error = why;
    return false;
}

bool isNameStart(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_' || c == u':';
}

bool isNameChar(QChar c)
{
    return isNameStart(c) || (c >= u'0' && c <= u'9');
}

// Go's \s in RE2 is [\t\n\f\r ].
bool isGoSpace(QChar c)
{
    return c == u' ' || c == u'\t' || c == u'\n' || c == u'\f' || c == u'\r';
}
} // namespace

std::optional<Matcher> Matcher::create(Type type, const QString& name, const QString& value, QString* error)
{
    Matcher m;
    m.m_type = type;
    m.m_name = name;
    m.m_value = value;
    if (type == Type::Regexp || type == Type::NotRegexp) {
        m.m_regex = QRegularExpression(u"^(?:"_s + value + u")$"_s, QRegularExpression::DotMatchesEverythingOption);
        if (!m.m_regex.isValid()) {
            fail(error, u"invalid regular expression %1: %2"_s.arg(value, m.m_regex.errorString()));
            return std::nullopt;
        }
        m.m_regex.optimize();
    }
    return m;
}

std::optional<Matcher> Matcher::parse(const QString& text, QString* error)
{
    // Mirrors the regex ^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*((?s).*?)\s*$ by hand.
    int i = 0;
    const int n = int(text.size());
    while (i < n && isGoSpace(text[i]))
        ++i;
    const int nameStart = i;
    if (i >= n || !isNameStart(text[i])) {
        fail(error, u"bad matcher format: %1"_s.arg(text));
        return std::nullopt;
    }
    while (i < n && isNameChar(text[i]))
        ++i;
    const QString name = text.mid(nameStart, i - nameStart);
    while (i < n && isGoSpace(text[i]))
        ++i;
    Type type;
    if (text.mid(i, 2) == u"=~") {
        type = Type::Regexp;
        i += 2;
    } else if (text.mid(i, 2) == u"!=") {
        type = Type::NotEqual;
        i += 2;
    } else if (text.mid(i, 2) == u"!~") {
        type = Type::NotRegexp;
        i += 2;
    } else if (i < n && text[i] == u'=') {
        type = Type::Equal;
        i += 1;
    } else {
        fail(error, u"bad matcher format: %1"_s.arg(text));
        return std::nullopt;
    }
    while (i < n && isGoSpace(text[i]))
        ++i;
    int end = n;
    while (end > i && isGoSpace(text[end - 1]))
        --end;
    QString raw = text.mid(i, end - i);

    bool expectTrailingQuote = false;
    if (raw.startsWith(u'"')) {
        raw.remove(0, 1);
        expectTrailingQuote = true;
    }
    QString value;
    bool escaped = false;
    for (int k = 0; k < raw.size(); ++k) {
        const QChar r = raw[k];
        if (escaped) {
            escaped = false;
            if (r == u'n')
                value += u'\n';
            else if (r == u'"' || r == u'\\')
                value += r;
            else {
                // A spurious escape keeps its backslash, as Alertmanager does.
                value += u'\\';
                value += r;
            }
            continue;
        }
        if (r == u'\\') {
            if (k < raw.size() - 1) {
                escaped = true;
                continue;
            }
            value += u'\\';
        } else if (r == u'"') {
            if (!expectTrailingQuote || k < raw.size() - 1) {
                fail(error, u"matcher value contains unescaped double quote: %1"_s.arg(text.mid(i, end - i)));
                return std::nullopt;
            }
            expectTrailingQuote = false;
        } else {
            value += r;
        }
    }
    if (expectTrailingQuote) {
        fail(error, u"matcher value contains unescaped double quote: %1"_s.arg(text.mid(i, end - i)));
        return std::nullopt;
    }
    return create(type, name, value, error);
}

std::optional<QVector<Matcher>> Matcher::parseList(const QString& input, QString* error)
{
    QString s = input;
    if (s.startsWith(u'{'))
        s.remove(0, 1);
    if (s.endsWith(u'}'))
        s.chop(1);

    // Split on commas outside double quotes, tracking escapes like pkg/labels ParseMatchers.
    QStringList tokens;
    QString token;
    bool insideQuotes = false;
    bool escaped = false;
    for (const QChar r : std::as_const(s)) {
        if (r == u',') {
            if (!insideQuotes) {
                tokens << token;
                token.clear();
                continue;
            }
        } else if (r == u'"') {
            if (!escaped)
                insideQuotes = !insideQuotes;
            else
                escaped = false;
        } else if (r == u'\\') {
            escaped = !escaped;
        } else {
            escaped = false;
        }
        token += r;
    }
    if (const QString last = token.trimmed(); !last.isEmpty())
        tokens << last;

    QVector<Matcher> out;
    for (const QString& t : std::as_const(tokens)) {
        auto m = parse(t, error);
        if (!m)
            return std::nullopt;
        out << *m;
    }
    return out;
}

bool Matcher::matches(const QString& labelValue) const
{
    switch (m_type) {
    case Type::Equal: return labelValue == m_value;
    case Type::NotEqual: return labelValue != m_value;
    case Type::Regexp: return m_regex.match(labelValue).hasMatch();
    case Type::NotRegexp: return !m_regex.match(labelValue).hasMatch();
    }
    return false;
}

bool Matcher::matchesAll(const QVector<Matcher>& matchers, const LabelSet& labels)
{
    for (const Matcher& m : matchers)
        if (!m.matches(labels))
            return false;
    return true;
}

QString Matcher::toString() const
{
    static const char* ops[] = {"=", "!=", "=~", "!~"};
    QString v = m_value;
    v.replace(u"\\"_s, u"\\\\"_s).replace(u"\""_s, u"\\\""_s).replace(u"\n"_s, u"\\n"_s);
    return m_name + QString::fromLatin1(ops[int(m_type)]) + u'"' + v + u'"';
}
