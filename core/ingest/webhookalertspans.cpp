#include "webhookalertspans.h"

#include <cstring>

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r'; // JSON's whitespace, nothing more
}

// A cursor over the body that only knows JSON punctuation. Every step returns false when what it expects is
// not there; the scan then gives up and the full parser decides.
class Cursor
{
public:
    Cursor(const char* begin, const char* end) : m_p(begin), m_end(end) {}

    const char* pos() const { return m_p; }
    bool at(char c) const { return m_p < m_end && *m_p == c; }
    void skip() { ++m_p; }
    void skipSpace()
    {
        while (m_p < m_end && isSpace(*m_p))
            ++m_p;
    }

    // At an opening quote: moves past the closing one. *escaped is set when the string holds a backslash.
    bool skipString(bool* escaped = nullptr)
    {
        ++m_p;
        for (;;) {
            const auto* quote = static_cast<const char*>(std::memchr(m_p, '"', size_t(m_end - m_p)));
            if (!quote)
                return false;
            const char* slashes = quote;
            while (slashes > m_p && slashes[-1] == '\\')
                --slashes;
            if (escaped && std::memchr(m_p, '\\', size_t(quote - m_p)))
                *escaped = true;
            m_p = quote + 1;
            if ((quote - slashes) % 2 == 0)
                return true; // an even run of backslashes escapes itself, not the quote
        }
    }

    // At '{' or '[': moves past its matching close. Brackets inside strings do not count; whether the
    // brackets pair up by kind is left to whoever parses the bytes.
    bool skipNested()
    {
        int depth = 0;
        while (m_p < m_end) {
            const char c = *m_p;
            if (c == '"') {
                if (!skipString())
                    return false;
                continue;
            }
            ++m_p;
            if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (--depth == 0)
                    return true;
            }
        }
        return false;
    }

    // At a member of an object: reads its key and moves past the colon and the space after it. An escaped
    // key fails: it could spell any name.
    bool readKey(QByteArrayView* key)
    {
        skipSpace();
        if (!at('"'))
            return false;
        const char* keyBegin = m_p + 1;
        bool escaped = false;
        if (!skipString(&escaped) || escaped)
            return false;
        *key = QByteArrayView(keyBegin, m_p - 1 - keyBegin);
        skipSpace();
        if (!at(':'))
            return false;
        skip();
        skipSpace();
        return true;
    }

    // After a member's value: true past the comma when another member follows; false otherwise, and the caller
    // checks for the closing brace.
    bool nextMember()
    {
        skipSpace();
        if (!at(','))
            return false;
        skip();
        return true;
    }

    bool skipValue()
    {
        if (at('"'))
            return skipString();
        if (at('{') || at('['))
            return skipNested();
        const char* start = m_p; // a number, true, false or null: checked by the envelope's parse
        while (m_p < m_end && *m_p != ',' && *m_p != '}' && *m_p != ']' && !isSpace(*m_p))
            ++m_p;
        return m_p > start;
    }

private:
    const char* m_p;
    const char* m_end;
};

} // namespace

std::optional<WebhookAlertSpans> WebhookAlertSpans::scan(const QByteArray& body)
{
    const char* begin = body.constData();
    Cursor c(begin, begin + body.size());
    c.skipSpace();
    if (!c.at('{'))
        return std::nullopt;
    c.skip();

    WebhookAlertSpans spans;
    const char* arrayBegin = nullptr;
    const char* arrayEnd = nullptr;
    do {
        QByteArrayView key;
        if (!c.readKey(&key))
            return std::nullopt;
        if (key == "alerts") {
            if (arrayBegin || !c.at('['))
                return std::nullopt; // twice, or not an array: the full parser knows which value counts
            arrayBegin = c.pos();
            c.skip();
            c.skipSpace();
            if (c.at(']')) {
                c.skip();
            } else {
                for (;;) {
                    c.skipSpace();
                    if (!c.at('{'))
                        return std::nullopt;
                    const char* element = c.pos();
                    if (!c.skipNested())
                        return std::nullopt;
                    spans.elements.append(QByteArrayView(element, c.pos() - element));
                    c.skipSpace();
                    if (c.at(',')) {
                        c.skip();
                        continue;
                    }
                    if (!c.at(']'))
                        return std::nullopt;
                    c.skip();
                    break;
                }
            }
            arrayEnd = c.pos();
        } else if (!c.skipValue()) {
            return std::nullopt;
        }
    } while (c.nextMember());
    // At the closing brace, or broken: what follows the brace is the envelope parser's to judge.
    if (!c.at('}') || !arrayBegin)
        return std::nullopt;
    const qsizetype head = arrayBegin - begin;
    const qsizetype tail = body.size() - (arrayEnd - begin);
    spans.envelope.reserve(head + 2 + tail);
    spans.envelope.append(begin, head).append("[]", 2).append(arrayEnd, tail);
    return spans;
}

std::optional<AlertStateSpans> AlertStateSpans::scan(QByteArrayView object)
{
    const char* begin = object.data();
    const char* end = begin + object.size();
    Cursor c(begin, end);
    c.skipSpace();
    if (!c.at('{'))
        return std::nullopt;
    c.skip();

    AlertStateSpans spans;
    bool hasStatus = false;
    bool hasEndsAt = false;
    do {
        QByteArrayView key;
        if (!c.readKey(&key))
            return std::nullopt; // also an empty object: no state to find
        bool* seen = key == "status" ? &hasStatus : key == "endsAt" ? &hasEndsAt : nullptr;
        if (seen) {
            if (*seen || !c.at('"'))
                return std::nullopt; // twice (the last one counts), or not a string: the parser decides
            const char* valueBegin = c.pos() + 1;
            bool escaped = false;
            if (!c.skipString(&escaped) || escaped)
                return std::nullopt;
            *seen = true;
            (seen == &hasStatus ? spans.status : spans.endsAt) = QByteArrayView(valueBegin, c.pos() - 1 - valueBegin);
        } else if (!c.skipValue()) {
            return std::nullopt;
        }
    } while (c.nextMember());
    if (!c.at('}') || !hasStatus || !hasEndsAt)
        return std::nullopt;

    const bool statusFirst = spans.status.data() < spans.endsAt.data();
    const QByteArrayView first = statusFirst ? spans.status : spans.endsAt;
    const QByteArrayView second = statusFirst ? spans.endsAt : spans.status;
    const char* firstEnd = first.data() + first.size();
    const char* secondEnd = second.data() + second.size();
    spans.identity.reserve(object.size() - first.size() - second.size());
    spans.identity.append(begin, first.data() - begin)
        .append(firstEnd, second.data() - firstEnd)
        .append(secondEnd, end - secondEnd);
    return spans;
}
