#pragma once
// FastJsonSax: drives an nlohmann SAX handler over a JSON text, event for event as nlohmann::json::sax_parse
// (strict: nothing but whitespace after the value) would, for the JSON webhook senders write. nlohmann's lexer
// copies every string into its token buffer one byte at a time (and again into a second buffer kept for error
// messages): most of a big webhook body's parse was spent there. This reads each run of plain bytes in one go.
//
// It vouches only for what it fully understands and answers false for everything else: invalid JSON, numbers
// with a fraction, an exponent or more than 18 digits, nesting deeper than 256, and whatever the handler refuses.
// The caller then parses the same text with nlohmann, which decides (and words errors): so a false here never
// changes a result, and a true gives exactly the events nlohmann would have given.
//
// Why not simdjson (Debian's libsimdjson-dev): measured on the bench's 100,000-alert body (10.4 MB), reading it
// with a do-nothing handler took 7 ms here against 105-203 ms for a fresh simdjson parser (about 14 bytes of
// buffer per body byte, 40 MB faulted in per big body) and 9-10 ms for one kept per thread, which would then hold
// those 40 MB in every receiver thread. The handler, not the reading, is where the parse's time goes.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace FastJsonSax {

namespace detail {

template <typename Sax> class Reader
{
public:
    Reader(const char* begin, const char* end, Sax* sax) : m_p(begin), m_end(end), m_sax(sax) {}

    bool run()
    {
        skipSpace();
        if (!value(0))
            return false;
        skipSpace();
        return m_p == m_end;
    }

private:
    static constexpr int kMaxDepth = 256;

    bool at(char c) const { return m_p < m_end && *m_p == c; }

    void skipSpace()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t'))
            ++m_p;
    }

    bool value(int depth)
    {
        if (m_p >= m_end)
            return false;
        switch (*m_p) {
        case '{':
            return object(depth);
        case '[':
            return array(depth);
        case '"':
            return string() && m_sax->string(m_text);
        case 't':
            return literal("true", 4) && m_sax->boolean(true);
        case 'f':
            return literal("false", 5) && m_sax->boolean(false);
        case 'n':
            return literal("null", 4) && m_sax->null();
        default:
            return number();
        }
    }

    // After an object's or array's opening bracket: its members or elements, each read by one(), with commas
    // between them, then the closing bracket.
    template <typename One> bool sequence(char close, One one)
    {
        skipSpace();
        if (at(close)) {
            ++m_p;
            return true;
        }
        for (;;) {
            skipSpace();
            if (!one())
                return false;
            skipSpace();
            if (at(',')) {
                ++m_p;
                continue;
            }
            if (!at(close))
                return false;
            ++m_p;
            return true;
        }
    }

    bool object(int depth)
    {
        if (depth >= kMaxDepth)
            return false;
        ++m_p;
        const auto member = [this, depth] {
            if (!at('"') || !string() || !m_sax->key(m_text))
                return false;
            skipSpace();
            if (!at(':'))
                return false;
            ++m_p;
            skipSpace();
            return value(depth + 1);
        };
        return m_sax->start_object(std::size_t(-1)) && sequence('}', member) && m_sax->end_object();
    }

    bool array(int depth)
    {
        if (depth >= kMaxDepth)
            return false;
        ++m_p;
        return m_sax->start_array(std::size_t(-1)) && sequence(']', [this, depth] { return value(depth + 1); }) &&
               m_sax->end_array();
    }

    bool literal(const char* word, std::ptrdiff_t length)
    {
        if (m_end - m_p < length)
            return false;
        for (std::ptrdiff_t i = 0; i < length; ++i) {
            if (m_p[i] != word[i])
                return false;
        }
        m_p += length;
        return true; // what follows is checked by the object or array around it, or by run()
    }

    // Integers only: nlohmann's float conversion (and its overflow rules) are not ours to copy.
    bool number()
    {
        const bool negative = at('-');
        if (negative)
            ++m_p;
        const char* digits = m_p;
        while (m_p < m_end && *m_p >= '0' && *m_p <= '9')
            ++m_p;
        const std::ptrdiff_t count = m_p - digits;
        if (count == 0 || count > 18 || (count > 1 && *digits == '0'))
            return false;
        if (at('.') || at('e') || at('E'))
            return false;
        std::uint64_t v = 0;
        for (const char* d = digits; d < m_p; ++d)
            v = v * 10 + std::uint64_t(*d - '0');
        if (negative)
            return m_sax->number_integer(-std::int64_t(v));
        return m_sax->number_unsigned(v);
    }

    static int hexDigit(char c)
    {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    }

    bool hex4(unsigned* out)
    {
        if (m_end - m_p < 4)
            return false;
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            const int d = hexDigit(m_p[i]);
            if (d < 0)
                return false;
            v = v * 16 + unsigned(d);
        }
        m_p += 4;
        *out = v;
        return true;
    }

    void appendUtf8(unsigned cp)
    {
        if (cp < 0x80) {
            m_text.push_back(char(cp));
        } else if (cp < 0x800) {
            m_text.push_back(char(0xc0 | (cp >> 6)));
            m_text.push_back(char(0x80 | (cp & 0x3f)));
        } else if (cp < 0x10000) {
            m_text.push_back(char(0xe0 | (cp >> 12)));
            m_text.push_back(char(0x80 | ((cp >> 6) & 0x3f)));
            m_text.push_back(char(0x80 | (cp & 0x3f)));
        } else {
            m_text.push_back(char(0xf0 | (cp >> 18)));
            m_text.push_back(char(0x80 | ((cp >> 12) & 0x3f)));
            m_text.push_back(char(0x80 | ((cp >> 6) & 0x3f)));
            m_text.push_back(char(0x80 | (cp & 0x3f)));
        }
    }

    // After the backslash.
    bool escape()
    {
        if (m_p >= m_end)
            return false;
        const char c = *m_p++;
        switch (c) {
        case '"':
        case '\\':
        case '/':
            m_text.push_back(c);
            return true;
        case 'b':
            m_text.push_back('\b');
            return true;
        case 'f':
            m_text.push_back('\f');
            return true;
        case 'n':
            m_text.push_back('\n');
            return true;
        case 'r':
            m_text.push_back('\r');
            return true;
        case 't':
            m_text.push_back('\t');
            return true;
        case 'u': {
            unsigned cp = 0;
            if (!hex4(&cp))
                return false;
            if (cp >= 0xdc00 && cp <= 0xdfff)
                return false; // a low surrogate alone
            if (cp >= 0xd800 && cp <= 0xdbff) {
                unsigned low = 0;
                if (m_end - m_p < 2 || m_p[0] != '\\' || m_p[1] != 'u')
                    return false;
                m_p += 2;
                if (!hex4(&low) || low < 0xdc00 || low > 0xdfff)
                    return false;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            }
            appendUtf8(cp);
            return true;
        }
        default:
            return false;
        }
    }

    // One UTF-8 sequence starting at a byte >= 0x80, as RFC 3629 (and nlohmann) allow it: no overlong forms, no
    // surrogates, nothing past U+10FFFF.
    bool utf8()
    {
        const auto byte = [this](std::ptrdiff_t i) { return static_cast<unsigned char>(m_p[i]); };
        const unsigned char lead = byte(0);
        std::ptrdiff_t length = 0;
        unsigned char low = 0x80, high = 0xbf; // the second byte's range
        if (lead >= 0xc2 && lead <= 0xdf) {
            length = 2;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            length = 3;
            if (lead == 0xe0)
                low = 0xa0;
            else if (lead == 0xed)
                high = 0x9f;
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            length = 4;
            if (lead == 0xf0)
                low = 0x90;
            else if (lead == 0xf4)
                high = 0x8f;
        } else {
            return false;
        }
        if (m_end - m_p < length || byte(1) < low || byte(1) > high)
            return false;
        for (std::ptrdiff_t i = 2; i < length; ++i) {
            if (byte(i) < 0x80 || byte(i) > 0xbf)
                return false;
        }
        m_text.append(m_p, std::size_t(length));
        m_p += length;
        return true;
    }

    // Past whole 8-byte words of plain string bytes (none a quote, a backslash, a control character or beyond
    // ASCII); the byte loop after it finds exactly where the run ends. The tests below only ever err towards
    // stopping early.
    void skipPlainWords()
    {
        constexpr std::uint64_t ones = 0x0101010101010101ULL;
        constexpr std::uint64_t highs = 0x8080808080808080ULL;
        const auto hasZeroByte = [](std::uint64_t w) { return (w - ones) & ~w & highs; };
        while (m_end - m_p >= 8) {
            std::uint64_t w;
            std::memcpy(&w, m_p, 8);
            const std::uint64_t special = (w & highs) | ((w - 0x20 * ones) & ~w & highs) |
                                          hasZeroByte(w ^ (0x22 * ones)) | hasZeroByte(w ^ (0x5c * ones));
            if (special)
                return;
            m_p += 8;
        }
    }

    // At the opening quote: the decoded string into m_text, past the closing quote.
    bool string()
    {
        ++m_p;
        m_text.clear();
        for (;;) {
            const char* run = m_p;
            skipPlainWords();
            while (m_p < m_end) {
                const auto c = static_cast<unsigned char>(*m_p);
                if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
                    break;
                ++m_p;
            }
            m_text.append(run, std::size_t(m_p - run));
            if (m_p >= m_end)
                return false;
            const auto c = static_cast<unsigned char>(*m_p);
            if (c == '"') {
                ++m_p;
                return true;
            }
            if (c < 0x20)
                return false; // a raw control character: JSON wants it escaped
            if (c == '\\') {
                ++m_p;
                if (!escape())
                    return false;
            } else if (!utf8()) {
                return false;
            }
        }
    }

    const char* m_p;
    const char* m_end;
    Sax* m_sax;
    std::string m_text; // the string being read; reused, so its capacity stays
};

} // namespace detail

// True: the whole text was valid JSON within the limits above and the handler accepted every event.
template <typename Sax> bool parse(const char* begin, const char* end, Sax* sax)
{
    return detail::Reader<Sax>(begin, end, sax).run();
}

} // namespace FastJsonSax
