#include "labeljson.h"

#include <nlohmann/json.hpp>

namespace {

void appendQuoted(QString& out, const QString& s)
{
    // Copy runs of ordinary characters in one go; only quotes, backslashes and control characters
    // need escaping. Everything else, surrogate pairs included, is kept verbatim.
    out += u'"';
    const QChar* const begin = s.constData();
    const QChar* const end = begin + s.size();
    const QChar* run = begin;
    for (const QChar* p = begin; p != end; ++p) {
        const char16_t u = p->unicode();
        if (u >= 0x20 && u != u'"' && u != u'\\')
            continue;
        out.append(run, p - run);
        run = p + 1;
        switch (u) {
        case u'"': out += u"\\\""; break;
        case u'\\': out += u"\\\\"; break;
        case u'\n': out += u"\\n"; break;
        case u'\r': out += u"\\r"; break;
        case u'\t': out += u"\\t"; break;
        default: {
            static constexpr char16_t hex[] = u"0123456789abcdef";
            out += u"\\u00";
            out += QChar(hex[u >> 4]);
            out += QChar(hex[u & 0xf]);
        }
        }
    }
    out.append(run, end - run);
    out += u'"';
}

// Appends s as UTF-8; when escaped, with quotes, backslashes and control characters escaped as appendQuoted does.
void appendUtf8Text(QByteArray& out, QStringView s, bool escaped)
{
    const char16_t* p = s.utf16();
    const char16_t* const end = p + s.size();
    const auto plainAscii = [escaped](char16_t u) {
        return u < 0x80 && (!escaped || (u >= 0x20 && u != u'"' && u != u'\\'));
    };
    while (p != end) {
        // Label names and values are nearly always plain ASCII: copied a byte per character in one go.
        const char16_t* run = p;
        while (p != end && plainAscii(*p))
            ++p;
        if (p != run) {
            const qsizetype at = out.size();
            out.resize(at + (p - run));
            char* to = out.data() + at;
            for (const char16_t* c = run; c != p; ++c)
                *to++ = char(*c);
        }
        if (p == end)
            break;
        if (*p >= 0x80) {
            // Anything else by Qt's own encoder, so that even a lone surrogate comes out as toUtf8() makes it. A
            // surrogate pair never straddles two runs: both halves are >= 0x80.
            const char16_t* wide = p;
            while (p != end && *p >= 0x80)
                ++p;
            out += QStringView(wide, p - wide).toUtf8();
            continue;
        }
        const char16_t u = *p++;
        switch (u) {
        case u'"': out += "\\\""; break;
        case u'\\': out += "\\\\"; break;
        case u'\n': out += "\\n"; break;
        case u'\r': out += "\\r"; break;
        case u'\t': out += "\\t"; break;
        default: {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 0xf];
        }
        }
    }
}

nlohmann::json parse(const QString& json)
{
    const QByteArray utf8 = json.toUtf8();
    return nlohmann::json::parse(utf8.constBegin(), utf8.constEnd(), nullptr, /*allow_exceptions=*/false);
}

QString toQString(const nlohmann::json& value)
{
    if (value.is_string()) {
        const auto& s = value.get_ref<const std::string&>();
        return QString::fromUtf8(s.data(), qsizetype(s.size()));
    }
    const std::string dumped = value.dump();
    return QString::fromUtf8(dumped.data(), qsizetype(dumped.size()));
}

} // namespace

namespace LabelJson {

void appendString(QString& out, const QString& s)
{
    appendQuoted(out, s);
}

QString encode(const LabelSet& labels)
{
    QString out;
    out.reserve(16 + labels.size() * 32);
    appendObject(out, labels);
    return out;
}

void appendObject(QString& out, const LabelSet& labels)
{
    out += u'{';
    bool first = true;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        if (!first)
            out += u',';
        first = false;
        appendQuoted(out, it.key());
        out += u':';
        appendQuoted(out, it.value());
    }
    out += u'}';
}

void appendUtf8Object(QByteArray& out, const LabelSet& labels)
{
    out += '{';
    bool first = true;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        if (!first)
            out += ',';
        first = false;
        out += '"';
        appendUtf8Text(out, it.key(), true);
        out += "\":\"";
        appendUtf8Text(out, it.value(), true);
        out += '"';
    }
    out += '}';
}

void appendUtf8(QByteArray& out, QStringView s)
{
    appendUtf8Text(out, s, false);
}

LabelSet decodeLabels(const QString& json)
{
    LabelSet labels;
    if (json.isEmpty())
        return labels;
    const nlohmann::json doc = parse(json);
    if (!doc.is_object())
        return labels;
    for (auto it = doc.begin(); it != doc.end(); ++it)
        labels.insert(QString::fromUtf8(it.key().data(), qsizetype(it.key().size())), toQString(it.value()));
    return labels;
}

QString encode(const QStringList& list)
{
    QString out;
    out += u'[';
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (i)
            out += u',';
        appendQuoted(out, list.at(i));
    }
    out += u']';
    return out;
}

QStringList decodeList(const QString& json)
{
    QStringList list;
    if (json.isEmpty())
        return list;
    const nlohmann::json doc = parse(json);
    if (!doc.is_array())
        return list;
    for (const auto& value : doc)
        list.append(toQString(value));
    return list;
}

} // namespace LabelJson
