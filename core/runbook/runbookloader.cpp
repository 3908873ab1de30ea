#include "runbookloader.h"

#include "paramresolver.h"
#include "yamldocuments.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSet>

#include <yaml-cpp/yaml.h>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 maxFileBytes = 1 << 20; // a runbook is a page of YAML, not a data file
constexpr int maxTimeoutMs = 24 * 3600 * 1000;

// Thrown inside the reader and turned into the one-line error at the top: it keeps every check one line.
struct LoadError
{
    QString field;
    QString message;
    int line = -1; // 1-based; -1 when unknown
};

[[noreturn]] void fail(const YAML::Node& node, const QString& field, const QString& message)
{
    // A missing key reads as an invalid node whose Mark() would throw.
    const YAML::Mark mark = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
    throw LoadError{field, message, mark.is_null() ? -1 : mark.line + 1};
}

bool matchesWhole(const QString& pattern, const QString& text)
{
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern)).match(text).hasMatch();
}

const QString idPattern = u"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"_s;
const QString paramNamePattern = u"[A-Za-z_][A-Za-z0-9_]{0,63}"_s;
const QString envNamePattern = u"[A-Za-z_][A-Za-z0-9_]{0,127}"_s;

QString text(const YAML::Node& node, const QString& field)
{
    if (!node.IsScalar())
        fail(node, field, u"must be a string"_s);
    const std::string& s = node.Scalar();
    const auto decoded = ParamResolver::decodeUtf8(QByteArray::fromStdString(s));
    if (!decoded)
        fail(node, field, u"is not valid UTF-8"_s);
    return *decoded;
}

QString requiredText(const YAML::Node& map, const char* key, const QString& field)
{
    const YAML::Node node = map[key];
    if (!node)
        fail(map, field, u"is missing"_s);
    const QString value = text(node, field);
    if (value.trimmed().isEmpty())
        fail(node, field, u"is empty"_s);
    return value;
}

QString optionalText(const YAML::Node& map, const char* key, const QString& field)
{
    const YAML::Node node = map[key];
    return node && !node.IsNull() ? text(node, field) : QString();
}

bool flag(const YAML::Node& map, const char* key, const QString& field, bool fallback)
{
    const YAML::Node node = map[key];
    if (!node)
        return fallback;
    bool value = fallback;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
        fail(node, field, u"must be true or false"_s);
    return value;
}

QStringList textList(const YAML::Node& node, const QString& field)
{
    if (!node.IsSequence())
        fail(node, field, u"must be a list of strings"_s);
    QStringList out;
    for (std::size_t i = 0; i < node.size(); ++i)
        out.append(text(node[i], u"%1[%2]"_s.arg(field).arg(i)));
    return out;
}

// "90", "90s", "500ms", "5m", "1h": a bare number is seconds.
int duration(const YAML::Node& map, const char* key, const QString& field, int fallbackMs)
{
    const YAML::Node node = map[key];
    if (!node)
        return fallbackMs;
    static const QRegularExpression re(u"^(\\d{1,9})(ms|s|m|h)?$"_s);
    const QRegularExpressionMatch m = re.match(text(node, field).trimmed());
    if (!m.hasMatch())
        fail(node, field, u"must be a duration like 30s, 5m or 1h"_s);
    const QString unit = m.captured(2);
    const qint64 n = m.captured(1).toLongLong();
    const qint64 ms = unit == u"ms" ? n : unit == u"m" ? n * 60'000 : unit == u"h" ? n * 3'600'000 : n * 1000;
    if (ms <= 0 || ms > maxTimeoutMs)
        fail(node, field, u"must be more than 0 and at most 24h"_s);
    return int(ms);
}

// One of a few words, as its enum value; the error lists the words in the order given.
template <typename Enum>
Enum choice(const YAML::Node& node, const QString& field, std::initializer_list<std::pair<const char*, Enum>> words)
{
    const QString value = text(node, field);
    QStringList names;
    for (const auto& [word, e] : words) {
        if (value == QLatin1StringView(word))
            return e;
        names.append(QString::fromLatin1(word));
    }
    const QString last = names.takeLast();
    fail(node, field, u"must be %1 or %2"_s.arg(names.join(u", "_s), last));
}

void onlyKeys(const YAML::Node& map, const QString& field, std::initializer_list<const char*> allowed)
{
    if (!map.IsMap())
        fail(map, field, u"must be a mapping"_s);
    for (auto it = map.begin(); it != map.end(); ++it) {
        const std::string key = it->first.Scalar();
        if (std::none_of(allowed.begin(), allowed.end(), [&](const char* k) { return key == k; }))
            fail(it->first, field.isEmpty() ? QString::fromStdString(key) : field + u'.' + QString::fromStdString(key),
                 u"is not a known key"_s);
    }
}

// Placeholders must name declared parameters, and the program itself is always literal: a parameter
// may choose what to act on, never what runs.
void checkArgv(const YAML::Node& node, const QStringList& argv, const QString& field, const QSet<QString>& params)
{
    if (argv.isEmpty())
        fail(node, field, u"is empty"_s);
    if (argv.constFirst().trimmed().isEmpty())
        fail(node, field + u"[0]"_s, u"names no program"_s);
    if (!ParamResolver::placeholders(argv.constFirst()).isEmpty())
        fail(node, field + u"[0]"_s, u"the program must be literal, not a {parameter}"_s);
    for (qsizetype i = 0; i < argv.size(); ++i)
        for (const QString& name : ParamResolver::placeholders(argv.at(i)))
            if (!params.contains(name))
                fail(node, u"%1[%2]"_s.arg(field).arg(i), u"uses {%1}, which is not a declared parameter"_s.arg(name));
}

RunbookParam readParam(const YAML::Node& node, const QString& field)
{
    onlyKeys(node, field, {"name", "source", "label", "type", "root", "pattern", "max_length", "default", "description"});
    RunbookParam p;
    p.name = requiredText(node, "name", field + u".name"_s);
    if (!matchesWhole(paramNamePattern, p.name))
        fail(node["name"], field + u".name"_s, u"must be a letter or '_' followed by letters, digits or '_'"_s);
    using Source = RunbookParam::Source;
    p.source = node["source"]
                   ? choice<Source>(node["source"], field + u".source"_s,
                                    {{"label", Source::Label}, {"service", Source::Service}, {"input", Source::Input}})
                   : Source::Input;
    p.label = optionalText(node, "label", field + u".label"_s);
    if (!p.label.isEmpty() && p.source != RunbookParam::Source::Label)
        fail(node["label"], field + u".label"_s, u"is only for source: label"_s);
    using Type = RunbookParam::Type;
    if (node["type"])
        p.type = choice<Type>(node["type"], field + u".type"_s, {{"text", Type::Text}, {"path", Type::Path}});
    if (p.type == Type::Path) {
        p.root = requiredText(node, "root", field + u".root"_s);
        QString why;
        if (!ParamResolver::checkPath(u"/"_s, p.root, &why))
            fail(node["root"], field + u".root"_s, why);
        p.root = QDir::cleanPath(p.root);
    } else if (node["root"]) {
        fail(node["root"], field + u".root"_s, u"is only for type: path"_s);
    }
    // Every value is untrusted: a parameter without a validation pattern is refused, not defaulted.
    p.pattern = requiredText(node, "pattern", field + u".pattern"_s);
    const QRegularExpression re(p.pattern);
    if (!re.isValid())
        fail(node["pattern"], field + u".pattern"_s, u"is not a valid regular expression: "_s + re.errorString());
    if (const YAML::Node max = node["max_length"]) {
        bool ok = false;
        p.maxLength = text(max, field + u".max_length"_s).toInt(&ok);
        if (!ok || p.maxLength < 1 || p.maxLength > 4096)
            fail(max, field + u".max_length"_s, u"must be a number from 1 to 4096"_s);
    }
    if (const YAML::Node def = node["default"]) {
        p.defaultValue = text(def, field + u".default"_s);
        p.hasDefault = true;
        QString why;
        if (!ParamResolver::validate(p, p.defaultValue, &why))
            fail(def, field + u".default"_s, why);
    }
    p.description = optionalText(node, "description", field + u".description"_s);
    return p;
}

// A value the pattern lets through that climbs out of a directory, or nothing: probes built from the
// pattern's literal start and end, the default and a few '..' shapes. Only text parameters need it; a
// path parameter refuses '..' whatever its pattern says.
QString dotDotAdmitted(const RunbookParam& p)
{
    static const QRegularExpression literalStart(u"^(?:\\\\[./-]|[A-Za-z0-9_/-])+"_s);
    static const QRegularExpression literalEnd(u"(?:\\\\[./-]|[A-Za-z0-9_/-])+$"_s);
    const auto unescaped = [](QString text) { return text.remove(u'\\'); };
    const QString prefix = unescaped(literalStart.match(p.pattern).captured(0));
    const QString suffix = unescaped(literalEnd.match(p.pattern).captured(0));
    const QStringList bases{QString(), prefix, p.defaultValue, u"/"_s};
    const QStringList climbs{u".."_s, u"../x"_s, u"x/../.."_s, u"x/../../x"_s, u"../../x"_s};
    const QRegularExpression re(QRegularExpression::anchoredPattern(p.pattern));
    for (const QString& base : bases)
        for (const QString& climb : climbs)
            for (const QString& end : {QString(), suffix}) {
                QString probe = base;
                if (!probe.isEmpty() && !probe.endsWith(u'/'))
                    probe += u'/';
                probe += climb + end;
                if (re.match(probe).hasMatch())
                    return probe;
            }
    return {};
}

RunbookStep readStep(const YAML::Node& node, const QString& field, const QSet<QString>& params)
{
    onlyKeys(node, field,
             {"name", "description", "argv", "env", "timeout", "safety", "requires_approval", "verify", "rollback"});
    RunbookStep s;
    s.name = requiredText(node, "name", field + u".name"_s);
    if (!matchesWhole(idPattern, s.name))
        fail(node["name"], field + u".name"_s, u"must be letters, digits, '.', '_' or '-' (approvals name it)"_s);
    s.description = optionalText(node, "description", field + u".description"_s);
    if (!node["argv"])
        fail(node, field + u".argv"_s, u"is missing"_s);
    if (node["argv"].IsScalar())
        fail(node["argv"], field + u".argv"_s, u"must be a list (program and arguments), never a shell string"_s);
    s.argv = textList(node["argv"], field + u".argv"_s);
    checkArgv(node["argv"], s.argv, field + u".argv"_s, params);
    if (node["env"]) {
        s.env = textList(node["env"], field + u".env"_s);
        for (const QString& name : std::as_const(s.env))
            if (!matchesWhole(envNamePattern, name))
                fail(node["env"], field + u".env"_s, u"'%1' is not a variable name"_s.arg(name));
    }
    s.timeoutMs = duration(node, "timeout", field + u".timeout"_s, s.timeoutMs);

    if (!node["safety"])
        fail(node, field + u".safety"_s, u"is missing"_s);
    using Safety = RunbookStep::Safety;
    s.safety = choice<Safety>(node["safety"], field + u".safety"_s,
                              {{"read-only", Safety::ReadOnly}, {"low", Safety::Low}, {"high", Safety::High}});
    s.requiresApproval = flag(node, "requires_approval", field + u".requires_approval"_s, true);
    if (!s.requiresApproval && s.safety != RunbookStep::Safety::ReadOnly)
        fail(node["requires_approval"], field + u".requires_approval"_s, u"may be false only for read-only steps"_s);

    if (const YAML::Node verify = node["verify"]) {
        const QString vfield = field + u".verify"_s;
        if (verify.IsSequence()) {
            s.verify.argv = textList(verify, vfield);
        } else {
            onlyKeys(verify, vfield, {"argv", "promql", "timeout"});
            if (verify["argv"])
                s.verify.argv = textList(verify["argv"], vfield + u".argv"_s);
            s.verify.promql = optionalText(verify, "promql", vfield + u".promql"_s);
            s.verify.timeoutMs = duration(verify, "timeout", vfield + u".timeout"_s, s.verify.timeoutMs);
            if (verify["argv"] && verify["promql"])
                fail(verify, vfield, u"takes argv or promql, not both"_s);
        }
        if (s.verify.isEmpty())
            fail(verify, vfield, u"needs argv (a command) or promql (a condition)"_s);
        if (!s.verify.argv.isEmpty())
            checkArgv(verify, s.verify.argv, vfield + u".argv"_s, params);
        for (const QString& name : ParamResolver::placeholders(s.verify.promql))
            if (!params.contains(name))
                fail(verify, vfield + u".promql"_s, u"uses {%1}, which is not a declared parameter"_s.arg(name));
    }

    if (const YAML::Node rollback = node["rollback"]) {
        const QString rfield = field + u".rollback"_s;
        if (rollback.IsSequence()) {
            s.rollback = textList(rollback, rfield);
        } else {
            onlyKeys(rollback, rfield, {"argv", "automatic"});
            if (!rollback["argv"])
                fail(rollback, rfield + u".argv"_s, u"is missing"_s);
            s.rollback = textList(rollback["argv"], rfield + u".argv"_s);
            s.rollbackAutomatic = flag(rollback, "automatic", rfield + u".automatic"_s, false);
        }
        checkArgv(rollback, s.rollback, rfield, params);
    }
    return s;
}

Runbook readRunbook(const YAML::Node& root)
{
    onlyKeys(root, QString(), {"id", "title", "description", "matches", "params", "steps"});
    Runbook rb;
    rb.id = requiredText(root, "id", u"id"_s);
    if (!matchesWhole(idPattern, rb.id))
        fail(root["id"], u"id"_s, u"must be letters, digits, '.', '_' or '-'"_s);
    rb.title = requiredText(root, "title", u"title"_s);
    rb.description = optionalText(root, "description", u"description"_s);

    if (const YAML::Node matches = root["matches"]) {
        onlyKeys(matches, u"matches"_s, {"alertnames", "causes", "services", "labels"});
        if (matches["alertnames"])
            rb.matches.alertnames = textList(matches["alertnames"], u"matches.alertnames"_s);
        if (matches["causes"])
            rb.matches.causes = textList(matches["causes"], u"matches.causes"_s);
        if (matches["services"])
            rb.matches.services = textList(matches["services"], u"matches.services"_s);
        if (const YAML::Node labels = matches["labels"]) {
            if (!labels.IsMap())
                fail(labels, u"matches.labels"_s, u"must be a mapping of label names to values"_s);
            for (auto it = labels.begin(); it != labels.end(); ++it) {
                const QString name = text(it->first, u"matches.labels"_s);
                rb.matches.labels.insert(name, text(it->second, u"matches.labels."_s + name));
            }
        }
    }

    QSet<QString> paramNames;
    if (const YAML::Node params = root["params"]) {
        if (!params.IsSequence())
            fail(params, u"params"_s, u"must be a list"_s);
        for (std::size_t i = 0; i < params.size(); ++i) {
            const QString field = u"params[%1]"_s.arg(i);
            RunbookParam p = readParam(params[i], field);
            if (paramNames.contains(p.name))
                fail(params[i], field + u".name"_s, u"'%1' is declared twice"_s.arg(p.name));
            paramNames.insert(p.name);
            if (p.type == RunbookParam::Type::Text) {
                const QString probe = dotDotAdmitted(p);
                if (!probe.isEmpty())
                    rb.warnings.append(u"%1.pattern: admits '..' (e.g. '%2'); declare the parameter type: path "
                                       u"with a root, or refuse '.' as a first character"_s.arg(field, probe));
            }
            rb.params.append(std::move(p));
        }
    }

    const YAML::Node steps = root["steps"];
    if (!steps)
        fail(root, u"steps"_s, u"is missing"_s);
    if (!steps.IsSequence() || steps.size() == 0)
        fail(steps, u"steps"_s, u"must be a non-empty list"_s);
    QSet<QString> stepNames;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const QString field = u"steps[%1]"_s.arg(i);
        RunbookStep s = readStep(steps[i], field, paramNames);
        if (stepNames.contains(s.name))
            fail(steps[i], field + u".name"_s, u"'%1' is used by another step"_s.arg(s.name));
        stepNames.insert(s.name);
        rb.steps.append(std::move(s));
    }
    return rb;
}

} // namespace

std::optional<Runbook> RunbookLoader::parse(const QByteArray& yaml, const QString& fileName, QString* error)
{
    const auto failWith = [&](const QString& message) -> std::optional<Runbook> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    try {
        QString stuck;
        const auto loaded = YamlDocuments::loadAll(yaml, &stuck);
        if (!loaded)
            return failWith(u"%1:%2"_s.arg(fileName, stuck));
        const std::vector<YAML::Node>& documents = *loaded;
        if (documents.size() != 1 || documents.front().IsNull())
            return failWith(u"%1: expected exactly one runbook (one YAML document), found %2"_s.arg(fileName).arg(
                documents.size() == 1 ? 0 : documents.size()));
        Runbook rb = readRunbook(documents.front());
        rb.file = fileName;
        for (QString& w : rb.warnings)
            w = fileName + u": "_s + w;
        return rb;
    } catch (const LoadError& e) {
        const QString where = e.line > 0 ? u"%1:%2"_s.arg(fileName).arg(e.line) : fileName;
        return failWith(e.field.isEmpty() ? u"%1: %2"_s.arg(where, e.message)
                                          : u"%1: %2: %3"_s.arg(where, e.field, e.message));
    } catch (const YAML::Exception& e) {
        const QString where =
            e.mark.is_null() ? fileName : u"%1:%2:%3"_s.arg(fileName).arg(e.mark.line + 1).arg(e.mark.column + 1);
        return failWith(u"%1: YAML error: %2"_s.arg(where, QString::fromStdString(e.msg)));
    }
}

std::optional<Runbook> RunbookLoader::loadFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = u"%1: cannot read: %2"_s.arg(path, file.errorString());
        return std::nullopt;
    }
    if (file.size() > maxFileBytes) {
        if (error)
            *error = u"%1: is larger than %2 bytes; a runbook is a page of YAML"_s.arg(path).arg(maxFileBytes);
        return std::nullopt;
    }
    return parse(file.readAll(), path, error);
}

RunbookLoader::Folder RunbookLoader::loadFolder(const QString& dir)
{
    Folder out;
    const QDir folder(dir);
    if (!folder.exists()) {
        out.errors.append(u"%1: no such runbook folder"_s.arg(dir));
        return out;
    }
    QSet<QString> ids;
    const QStringList files = folder.entryList({u"*.yaml"_s, u"*.yml"_s}, QDir::Files | QDir::Readable, QDir::Name);
    for (const QString& name : files) {
        QString error;
        auto rb = loadFile(folder.filePath(name), &error);
        if (!rb) {
            out.errors.append(error);
        } else if (ids.contains(rb->id)) {
            out.errors.append(u"%1: id: '%2' is already used by another runbook in %3"_s.arg(rb->file, rb->id, dir));
        } else {
            ids.insert(rb->id);
            out.warnings += rb->warnings;
            out.runbooks.append(std::move(*rb));
        }
    }
    return out;
}
