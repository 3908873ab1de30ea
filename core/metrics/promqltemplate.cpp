#include "promqltemplate.h"

#include <algorithm>
#include <iterator>
#include <utility>

using namespace Qt::StringLiterals;

namespace {

// Where a double-quoted string starts, what kind of label matcher (if any) it is the value of.
// Inside {...} a string follows =, !=, =~ or !~; anything else (a function argument such as
// label_replace's, a string outside a selector) is not a matcher value.
enum class Context
{
    NotAMatcher,
    Exact,
    Regex
};

Context matcherContext(const QString& text, qsizetype quote, int braceDepth)
{
    if (braceDepth <= 0)
        return Context::NotAMatcher;
    qsizetype i = quote - 1;
    while (i >= 0 && text.at(i).isSpace())
        --i;
    if (i < 0)
        return Context::NotAMatcher;
    if (text.at(i) == u'~' && i > 0 && (text.at(i - 1) == u'=' || text.at(i - 1) == u'!'))
        return Context::Regex;
    if (text.at(i) == u'=')
        return Context::Exact; // = or != (the ! changes nothing about the value)
    return Context::NotAMatcher;
}

QString where(const QString& text, qsizetype offset)
{
    qsizetype line = 1;
    qsizetype column = 1;
    for (qsizetype i = 0; i < offset && i < text.size(); ++i) {
        if (text.at(i) == u'\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return u"line %1, column %2"_s.arg(line).arg(column);
}

bool placeholderAt(const QString& text, qsizetype i)
{
    return QStringView(text).sliced(i).startsWith(PromQLTemplate::placeholder);
}

} // namespace

std::optional<PromQLTemplate> PromQLTemplate::compile(const QString& id, const QString& noun, const QString& text,
                                                      QString* error)
{
    const auto fail = [&](const QString& why, qsizetype offset) -> std::optional<PromQLTemplate> {
        if (error)
            *error = u"template \"%1\": %2 at %3"_s.arg(id, why, where(text, offset));
        return std::nullopt;
    };
    const QString notInMatcher = u"{service} must be inside a double-quoted label matcher value, "
                                 u"such as service=\"{service}\""_s;

    PromQLTemplate t;
    t.m_id = id;
    t.m_noun = noun;
    t.m_text = text;
    QString literal;
    int braceDepth = 0;
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (i < n) {
        const QChar c = text.at(i);
        if (c == u'#') { // a comment runs to the end of the line; a value there would be invisible anyway
            const qsizetype end = text.indexOf(u'\n', i);
            const qsizetype stop = end < 0 ? n : end;
            const qsizetype inside = text.indexOf(placeholder, i);
            if (inside >= 0 && inside < stop)
                return fail(notInMatcher + u" (this one is in a comment)"_s, inside);
            literal += QStringView(text).sliced(i, stop - i);
            i = stop;
        } else if (c == u'"' || c == u'\'' || c == u'`') {
            const Context context = c == u'"' ? matcherContext(text, i, braceDepth) : Context::NotAMatcher;
            literal += c;
            qsizetype j = i + 1;
            for (;; ++j) {
                if (j >= n || (c != u'`' && text.at(j) == u'\n'))
                    return fail(u"unterminated string"_s, i);
                const QChar d = text.at(j);
                if (d == c)
                    break;
                if (d == u'\\' && c != u'`') { // an escape: the next character is never a quote or placeholder
                    literal += d;
                    if (++j >= n)
                        return fail(u"unterminated string"_s, i);
                    literal += text.at(j);
                    continue;
                }
                if (d == u'{' && placeholderAt(text, j)) {
                    if (c == u'\'' || c == u'`')
                        return fail(notInMatcher + u" (single quotes and backticks escape differently)"_s, j);
                    if (context == Context::NotAMatcher)
                        return fail(notInMatcher + u" (this string is not a label matcher value)"_s, j);
                    t.m_pieces.append(
                        {std::exchange(literal, {}), context == Context::Regex ? Slot::Regex : Slot::Exact});
                    j += placeholder.size() - 1;
                    continue;
                }
                literal += d;
            }
            literal += c;
            i = j + 1;
        } else if (c == u'{') {
            if (placeholderAt(text, i))
                return fail(notInMatcher + u" (this one is outside any quotes)"_s, i);
            ++braceDepth;
            literal += c;
            ++i;
        } else if (c == u'}') {
            if (--braceDepth < 0)
                return fail(u"unbalanced '}'"_s, i);
            literal += c;
            ++i;
        } else {
            literal += c;
            ++i;
        }
    }
    if (braceDepth != 0)
        return fail(u"unbalanced '{'"_s, n);
    if (t.m_pieces.isEmpty())
        return fail(u"no {service} placeholder, so every service would get the same query"_s, 0);
    t.m_pieces.append({literal, Slot::None});
    return t;
}

QVector<PromQLTemplate> PromQLTemplate::defaults()
{
    // Conventional metric names (Prometheus client libraries, cAdvisor, postgres_exporter); a site with other
    // names replaces them in the settings.
    const struct
    {
        QString id, noun, text;
    } builtIn[] = {
        {u"error_ratio"_s, u"errors"_s,
         u"sum(rate(http_requests_total{service=\"{service}\",code=~\"5..\"}[5m]))"
         u" / sum(rate(http_requests_total{service=\"{service}\"}[5m]))"_s},
        {u"latency_p99"_s, u"p99 latency"_s,
         u"histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service=\"{service}\"}[5m])))"_s},
        {u"saturation"_s, u"connections"_s, u"sum(pg_stat_activity_count{service=\"{service}\"})"_s},
        {u"cpu"_s, u"CPU"_s, u"sum(rate(container_cpu_usage_seconds_total{service=\"{service}\"}[5m]))"_s},
        {u"memory"_s, u"memory"_s, u"sum(container_memory_working_set_bytes{service=\"{service}\"})"_s},
    };
    QVector<PromQLTemplate> out;
    for (const auto& b : builtIn) {
        QString error;
        auto t = compile(b.id, b.noun, b.text, &error);
        Q_ASSERT_X(t, "PromQLTemplate::defaults", qUtf8Printable(error));
        if (t)
            out.append(std::move(*t));
    }
    return out;
}

QString PromQLTemplate::render(const QString& service) const
{
    const QString exact = escapeStringContent(service);
    const QString regex = escapeStringContent(quoteRegexMeta(service));
    QString out;
    for (const Piece& p : m_pieces) {
        out += p.literal;
        if (p.slot == Slot::Exact)
            out += exact;
        else if (p.slot == Slot::Regex)
            out += regex;
    }
    return out;
}

QString PromQLTemplate::escapeStringContent(QStringView value)
{
    QString out;
    out.reserve(value.size() + 8);
    // The characters with a short escape; other controls get \uXXXX below.
    static constexpr std::pair<char32_t, QStringView> shortEscapes[] = {
        {U'\\', u"\\\\"}, {U'"', u"\\\""}, {U'\n', u"\\n"}, {U'\r', u"\\r"}, {U'\t', u"\\t"}};
    // Code points, not UTF-16 units: a lone surrogate becomes U+FFFD instead of invalid UTF-8 on the wire.
    for (const char32_t cp : value.toUcs4()) {
        const auto known = std::find_if(std::begin(shortEscapes), std::end(shortEscapes),
                                        [cp](const auto& e) { return e.first == cp; });
        if (known != std::end(shortEscapes))
            out += known->second;
        else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) // C0, DEL, C1: never raw in a query
            out += u"\\u%1"_s.arg(uint(cp), 4, 16, QChar(u'0'));
        else
            out += QStringView(QChar::fromUcs4(cp));
    }
    return out;
}

QString PromQLTemplate::quoteRegexMeta(QStringView value)
{
    static constexpr QStringView special = u"\\.+*?()|[]{}^$";
    QString out;
    out.reserve(value.size() + 4);
    for (const QChar c : value) {
        if (special.contains(c))
            out += u'\\';
        out += c;
    }
    return out;
}
