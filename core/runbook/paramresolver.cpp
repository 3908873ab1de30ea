#include "paramresolver.h"

#include "metrics/promqltemplate.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStringDecoder>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
// Values in a PromQL condition are escaped as the body of a quoted label value, so inside quotes they
// cannot end the string and become PromQL; every value has passed its parameter's pattern before this.
QMap<QString, QString> promqlEscaped(QMap<QString, QString> values)
{
    for (QString& v : values)
        v = PromQLTemplate::escapeStringContent(v);
    return values;
}

const QRegularExpression& placeholderPattern()
{
    static const QRegularExpression re(u"\\{([A-Za-z_][A-Za-z0-9_]*)\\}"_s);
    return re;
}

// Hostile values are quoted back only as a short, escaped preview: the message is one line whatever
// the value holds.
QString preview(const QString& value)
{
    QString out;
    for (const QChar c : value.left(40)) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            out += u"\\x%1"_s.arg(uint(c.unicode()), 2, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return value.size() > 40 ? out + u"…"_s : out;
}

QString sourceName(const RunbookParam& p)
{
    switch (p.source) {
    case RunbookParam::Source::Label:
        return u"label:"_s + (p.label.isEmpty() ? p.name : p.label);
    case RunbookParam::Source::Service:
        return u"service"_s;
    case RunbookParam::Source::Input:
        return u"input"_s;
    }
    return u"input"_s;
}

// The value from the parameter's declared source, or nullopt when that source has none.
std::optional<ResolvedParam> valueFrom(const RunbookParam& p, const ParamResolver::Context& context)
{
    if (context.input.contains(p.name))
        return ResolvedParam{p.name, context.input.value(p.name), u"input"_s};
    if (p.source == RunbookParam::Source::Label) {
        const QString label = p.label.isEmpty() ? p.name : p.label;
        if (context.labels.contains(label))
            return ResolvedParam{p.name, context.labels.value(label), sourceName(p)};
    } else if (p.source == RunbookParam::Source::Service && !context.service.isEmpty()) {
        return ResolvedParam{p.name, context.service, sourceName(p)};
    }
    if (p.hasDefault)
        return ResolvedParam{p.name, p.defaultValue, u"default"_s};
    return std::nullopt;
}

QStringList substituteAll(const QStringList& argv, const QMap<QString, QString>& values, QStringList* used)
{
    QStringList out;
    out.reserve(argv.size());
    for (const QString& element : argv) {
        for (const QString& name : ParamResolver::placeholders(element))
            if (!used->contains(name))
                used->append(name);
        out.append(ParamResolver::substitute(element, values));
    }
    return out;
}

} // namespace

std::optional<QString> ParamResolver::decodeUtf8(const QByteArray& bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder(bytes);
    if (decoder.hasError())
        return std::nullopt;
    return text;
}

bool ParamResolver::validate(const RunbookParam& param, const QString& value, QString* why)
{
    const auto fail = [why](const QString& message) {
        if (why)
            *why = message;
        return false;
    };
    // U+FFFD is what a lossy decoder (QCoreApplication::arguments(), a JSON parser) leaves where the
    // bytes were not UTF-8: treat it as the invalid input it stands for.
    if (!value.isValidUtf16() || value.contains(QChar::ReplacementCharacter))
        return fail(u"is not valid UTF-8"_s);
    if (value.size() > param.maxLength)
        return fail(u"is %1 characters long; at most %2 are allowed"_s.arg(value.size()).arg(param.maxLength));
    for (const QChar c : value) {
        if (c.isNull())
            return fail(u"contains a NUL character"_s);
        if (c == u'\n' || c == u'\r' || c == QChar::LineSeparator || c == QChar::ParagraphSeparator)
            return fail(u"contains a line break"_s);
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            return fail(u"contains the control character U+%1"_s.arg(uint(c.unicode()), 4, 16, QLatin1Char('0')));
    }
    if (value.startsWith(u'-'))
        return fail(u"starts with '-' and could be read as an option: '%1'"_s.arg(preview(value)));
    const QRegularExpression re(QRegularExpression::anchoredPattern(param.pattern));
    if (!re.isValid())
        return fail(u"has an invalid pattern: %1"_s.arg(re.errorString()));
    if (!re.match(value).hasMatch())
        return fail(u"'%1' does not match the pattern %2"_s.arg(preview(value), param.pattern));
    if (param.type == RunbookParam::Type::Path)
        return checkPath(param.root, value, why);
    return true;
}

namespace {
bool isUnder(const QString& path, const QString& root)
{
    return path == root || root == u"/" || path.startsWith(root + u'/');
}

// The path with the symbolic links of its longest existing ancestor resolved; the part that does not
// exist yet is appended as written (it has no '..' and cannot be a link).
QString resolvedPath(const QString& path)
{
    QString existing = path;
    QString rest;
    while (!existing.isEmpty() && existing != u"/") {
        const QFileInfo info(existing);
        // A dangling link counts as existing: what it names is where a write would land.
        if (info.exists() || info.isSymLink()) {
            QString canonical = info.canonicalFilePath();
            if (canonical.isEmpty()) // a dangling link: follow it one step, it names where a write lands
                canonical = QDir::cleanPath(QFileInfo(info.absolutePath(), info.symLinkTarget()).absoluteFilePath());
            return rest.isEmpty() ? canonical : QDir::cleanPath(canonical + u'/' + rest);
        }
        const qsizetype slash = existing.lastIndexOf(u'/');
        rest = rest.isEmpty() ? existing.mid(slash + 1) : existing.mid(slash + 1) + u'/' + rest;
        existing = slash <= 0 ? u"/"_s : existing.left(slash);
    }
    return path;
}
} // namespace

bool ParamResolver::checkPath(const QString& root, const QString& value, QString* why)
{
    const auto fail = [why](const QString& message) {
        if (why)
            *why = message;
        return false;
    };
    if (!value.startsWith(u'/'))
        return fail(u"'%1' is not an absolute path"_s.arg(preview(value)));
    for (const QStringView segment : QStringView(value).split(u'/'))
        if (segment == u"." || segment == u"..")
            return fail(u"'%1' has a '%2' segment; a path parameter must name its target directly"_s.arg(
                preview(value), segment.toString()));
    const QString cleanRoot = QDir::cleanPath(root);
    const QString path = QDir::cleanPath(value);
    if (!isUnder(path, cleanRoot))
        return fail(u"'%1' is outside %2"_s.arg(preview(value), cleanRoot));
    // The root itself may be a link (/var/log -> /data/log): compare both with their links resolved.
    const QString realRoot = resolvedPath(cleanRoot);
    const QString realPath = resolvedPath(path);
    if (!isUnder(realPath, realRoot))
        return fail(u"'%1' leads through a symbolic link to %2, outside %3"_s.arg(preview(value), realPath, cleanRoot));
    return true;
}

QString ParamResolver::normalised(const RunbookParam& param, const QString& value)
{
    return param.type == RunbookParam::Type::Path ? QDir::cleanPath(value) : value;
}

QStringList ParamResolver::placeholders(const QString& element)
{
    QStringList names;
    auto it = placeholderPattern().globalMatch(element);
    while (it.hasNext())
        names.append(it.next().captured(1));
    return names;
}

QString ParamResolver::substitute(const QString& element, const QMap<QString, QString>& values)
{
    QString out;
    qsizetype from = 0;
    auto it = placeholderPattern().globalMatch(element);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        out += QStringView(element).mid(from, m.capturedStart() - from);
        const auto value = values.constFind(m.captured(1));
        out += value == values.cend() ? m.captured(0) : *value;
        from = m.capturedEnd();
    }
    out += QStringView(element).mid(from);
    return out;
}

std::optional<ResolvedRunbook> ParamResolver::resolve(const Runbook& runbook, const Context& context, QString* error)
{
    const auto fail = [&](const QString& message) -> std::optional<ResolvedRunbook> {
        if (error)
            *error = u"runbook %1: %2"_s.arg(runbook.id, message);
        return std::nullopt;
    };
    for (auto it = context.input.cbegin(); it != context.input.cend(); ++it) {
        const bool declared = std::any_of(runbook.params.cbegin(), runbook.params.cend(),
                                          [&](const RunbookParam& p) { return p.name == it.key(); });
        if (!declared)
            return fail(u"unknown parameter '%1'"_s.arg(preview(it.key())));
    }

    ResolvedRunbook out{runbook.id, runbook.title, runbook.file, {}, {}};
    QMap<QString, QString> values;
    for (const RunbookParam& p : runbook.params) {
        const auto resolved = valueFrom(p, context);
        if (!resolved)
            return fail(
                u"parameter '%1' has no value (source %2; give it with --param %1=VALUE)"_s.arg(p.name, sourceName(p)));
        QString why;
        if (!validate(p, resolved->value, &why))
            return fail(u"parameter '%1' (from %2) %3"_s.arg(p.name, resolved->source, why));
        ResolvedParam r = *resolved;
        r.value = normalised(p, r.value);
        values.insert(p.name, r.value);
        out.params.append(r);
    }

    const QString path = context.environment.value(u"PATH"_s, u"/usr/local/bin:/usr/bin:/bin"_s);
    for (const RunbookStep& s : runbook.steps) {
        ResolvedStep r;
        r.name = s.name;
        r.safety = s.safety;
        r.requiresApproval = s.requiresApproval;
        r.argv = substituteAll(s.argv, values, &r.params);
        r.timeoutMs = s.timeoutMs;
        r.verifyArgv = substituteAll(s.verify.argv, values, &r.params);
        r.verifyPromql = ParamResolver::substitute(s.verify.promql, promqlEscaped(values));
        r.verifyTimeoutMs = s.verify.timeoutMs;
        r.rollbackArgv = substituteAll(s.rollback, values, &r.params);
        r.rollbackAutomatic = s.rollbackAutomatic;
        for (const QString& name : s.env)
            if (context.environment.contains(name))
                r.env.insert(name, context.environment.value(name));
        r.env.insert(u"PATH"_s, path);
        out.steps.append(std::move(r));
    }
    return out;
}
