// Runbooks without the CLI: the loader's one-line errors, parameter validation against hostile values,
// substitution that keeps every value inside one argv element, approval tokens voided by any change,
// the executor refusing steps it has no valid token for (no process starts), and the audit table.

#include "runbook/approvaltoken.h"
#include "runbook/paramresolver.h"
#include "runbook/runbookaudit.h"
#include "runbook/runbookloader.h"
#include "runbook/stepexecutor.h"
#include "store/store.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <functional>
#include <future>

using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(std::function<void(ResolvedStep&)>)

namespace {

const QByteArray minimal = R"(id: RB-T-1
title: Test
params:
  - name: ns
    source: label
    label: namespace
    pattern: '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?'
    max_length: 63
  - name: svc
    source: service
    pattern: '[a-z0-9-]+'
  - name: count
    pattern: '[0-9]{1,2}'
    default: "3"
steps:
  - name: look
    safety: read-only
    requires_approval: false
    argv: [kubectl, get, 'deployment/{svc}', --namespace, '{ns}']
    env: [HOME]
  - name: scale
    safety: low
    timeout: 90s
    argv: [kubectl, scale, 'deployment/{svc}', '--replicas={count}', '--patch={"spec":{"replicas":{count}}}']
    verify: {argv: [kubectl, rollout, status, 'deployment/{svc}'], timeout: 2m}
    rollback: {argv: [kubectl, scale, 'deployment/{svc}', --replicas=1], automatic: true}
)";

Runbook load(const QByteArray& yaml)
{
    QString error;
    auto rb = RunbookLoader::parse(yaml, u"test.yaml"_s, &error);
    if (!rb)
        qFatal("cannot load the test runbook: %s", qPrintable(error));
    return *rb;
}

RunbookParam param(const QString& pattern, int maxLength = 63)
{
    RunbookParam p;
    p.name = u"value"_s;
    p.pattern = pattern;
    p.maxLength = maxLength;
    return p;
}

QString hostile(const char* which)
{
    const QString name(QString::fromLatin1(which));
    if (name == u"10,000 characters")
        return QString(10'000, u'a');
    if (name == u"non-UTF-8 (decoded lossily)")
        return QString::fromUtf8("ns\xff\xfe");
    if (name == u"lone surrogate")
        return QString(QChar(0xd800)) + u"x"_s;
    return {};
}

ResolvedStep echoStep(const QString& name, const QStringList& argv)
{
    ResolvedStep s;
    s.name = name;
    s.safety = RunbookStep::Safety::Low;
    s.argv = argv;
    s.env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
    s.timeoutMs = 30'000;
    return s;
}

} // namespace

class TestRunbook : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void shippedRunbooksLoad();
    void loadsEveryField();
    void loaderErrors_data();
    void loaderErrors();
    void yamlThatHangsYamlCppIsRefused_data();
    void yamlThatHangsYamlCppIsRefused();
    void folderSkipsBadFilesAndDuplicateIds();
    void paramValidation_data();
    void paramValidation();
    void strictUtf8();
    void shippedRunbooksRefuseHostileValues_data();
    void shippedRunbooksRefuseHostileValues();
    void pathParameter_data();
    void pathParameter();
    void loaderWarnsAboutPatternsAdmittingDotDot_data();
    void loaderWarnsAboutPatternsAdmittingDotDot();
    void shippedAnsibleCheckNeedsApproval();
    void hostileValuesStayOneLiteralElement_data();
    void hostileValuesStayOneLiteralElement();
    void resolverSourcesAndEnvironment();
    void resolverRejects_data();
    void resolverRejects();
    void tokenVoidedByAnyChange_data();
    void tokenVoidedByAnyChange();
    void executorRefusesWithoutValidToken();
    void executorRunsStreamsLogsAndDigests();
    void escapedProcessesDieWithTheStep_data();
    void escapedProcessesDieWithTheStep();
    void stepLogIsBounded();
    void auditRoundTrip();
};

void TestRunbook::shippedRunbooksLoad()
{
    const RunbookLoader::Folder folder = RunbookLoader::loadFolder(u":/runbooks"_s);
    QVERIFY2(folder.errors.isEmpty(), qPrintable(folder.errors.join(u'\n')));
    QCOMPARE(folder.runbooks.size(), 6);
    QStringList programs;
    for (const Runbook& rb : folder.runbooks) {
        const bool hasRollback =
            std::any_of(rb.steps.cbegin(), rb.steps.cend(), [](const RunbookStep& s) { return !s.rollback.isEmpty(); });
        QVERIFY2(hasRollback, qPrintable(rb.id));
        for (const RunbookStep& s : rb.steps)
            programs.append(s.argv.constFirst());
    }
    for (const char* tool : {"kubectl", "kafka-consumer-groups.sh", "find", "ansible-playbook"})
        QVERIFY2(programs.contains(QString::fromLatin1(tool)), tool);
    QVERIFY2(folder.warnings.isEmpty(), qPrintable(folder.warnings.join(u'\n')));
}

void TestRunbook::loadsEveryField()
{
    const Runbook rb = load(minimal);
    QCOMPARE(rb.id, u"RB-T-1"_s);
    QCOMPARE(rb.file, u"test.yaml"_s);
    QCOMPARE(rb.params.size(), 3);
    QCOMPARE(rb.params[0].source, RunbookParam::Source::Label);
    QCOMPARE(rb.params[0].label, u"namespace"_s);
    QCOMPARE(rb.params[1].source, RunbookParam::Source::Service);
    QCOMPARE(rb.params[2].source, RunbookParam::Source::Input);
    QVERIFY(rb.params[2].hasDefault);
    QCOMPARE(rb.steps.size(), 2);
    const RunbookStep& look = rb.steps[0];
    QCOMPARE(look.safety, RunbookStep::Safety::ReadOnly);
    QVERIFY(!look.requiresApproval);
    QCOMPARE(look.env, QStringList{u"HOME"_s});
    const RunbookStep& scale = rb.steps[1];
    QVERIFY(scale.requiresApproval); // the default
    QCOMPARE(scale.timeoutMs, 90'000);
    QCOMPARE(scale.verify.argv.size(), 4);
    QCOMPARE(scale.verify.timeoutMs, 120'000);
    QVERIFY(scale.rollbackAutomatic);
    QCOMPARE(scale.rollback.constLast(), u"--replicas=1"_s);

    const Runbook promql =
        load(QByteArray(minimal).replace("verify: {argv: [kubectl, rollout, status, 'deployment/{svc}'], timeout: 2m}",
                                         "verify: {promql: 'up{job=\"{svc}\"} == 1'}"));
    QCOMPARE(promql.steps[1].verify.promql, u"up{job=\"{svc}\"} == 1"_s);
    QVERIFY(promql.steps[1].verify.argv.isEmpty());
}

void TestRunbook::loaderErrors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected");
    const auto replace = [](const char* from, const char* to) { return QByteArray(minimal).replace(from, to); };
    QTest::addRow("YAML syntax") << QByteArray("id: [unclosed\n") << u"test.yaml:2:1: YAML error"_s;
    QTest::addRow("two documents") << QByteArray(minimal + "---\n" + minimal) << u"exactly one runbook"_s;
    QTest::addRow("empty file") << QByteArray() << u"exactly one runbook"_s;
    QTest::addRow("missing id") << replace("id: RB-T-1\n", "") << u"test.yaml:1: id: is missing"_s;
    QTest::addRow("bad id") << replace("id: RB-T-1", "id: 'RB T/1'") << u"id: must be letters"_s;
    QTest::addRow("argv as a shell string")
        << replace("argv: [kubectl, get, 'deployment/{svc}', --namespace, '{ns}']", "argv: kubectl get all")
        << u"steps[0].argv: must be a list (program and arguments), never a shell string"_s;
    QTest::addRow("empty argv") << replace("argv: [kubectl, get, 'deployment/{svc}', --namespace, '{ns}']", "argv: []")
                                << u"steps[0].argv: is empty"_s;
    QTest::addRow("misspelt key") << replace("    timeout: 90s", "    requires_aproval: false")
                                  << u"steps[1].requires_aproval: is not a known key"_s;
    QTest::addRow("unapproved write step") << replace("    timeout: 90s", "    requires_approval: false")
                                           << u"steps[1].requires_approval: may be false only for read-only steps"_s;
    QTest::addRow("not a bool") << replace("requires_approval: false", "requires_approval: maybe")
                                << u"steps[0].requires_approval: must be true or false"_s;
    QTest::addRow("param without pattern")
        << replace("    pattern: '[a-z0-9-]+'\n", "") << u"params[1].pattern: is missing"_s;
    QTest::addRow("invalid pattern") << replace("'[a-z0-9-]+'", "'([a-z'") << u"params[1].pattern: is not a valid"_s;
    QTest::addRow("default not matching")
        << replace("default: \"3\"", "default: many") << u"params[2].default: 'many' does not match"_s;
    QTest::addRow("undeclared placeholder") << replace("--replicas={count}", "--replicas={cnt}")
                                            << u"steps[1].argv[3]: uses {cnt}, which is not a declared parameter"_s;
    QTest::addRow("program from a parameter") << replace("argv: [kubectl, get,", "argv: ['{svc}', get,")
                                              << u"steps[0].argv[0]: the program must be literal"_s;
    QTest::addRow("duplicate step") << replace("name: scale", "name: look") << u"'look' is used by another step"_s;
    QTest::addRow("duplicate param") << replace("name: svc", "name: ns") << u"'ns' is declared twice"_s;
    QTest::addRow("unknown safety") << replace("safety: low", "safety: medium")
                                    << u"steps[1].safety: must be read-only, low or high"_s;
    QTest::addRow("missing safety") << replace("    safety: low\n", "") << u"steps[1].safety: is missing"_s;
    QTest::addRow("bad timeout") << replace("timeout: 90s", "timeout: soon")
                                 << u"steps[1].timeout: must be a duration"_s;
    QTest::addRow("timeout over a day") << replace("timeout: 90s", "timeout: 25h") << u"at most 24h"_s;
    QTest::addRow("verify with both") << replace("timeout: 2m}", "promql: 'up == 1'}")
                                      << u"steps[1].verify: takes argv or promql, not both"_s;
    QTest::addRow("bad env name") << replace("env: [HOME]", "env: ['HOME=/root']")
                                  << u"steps[0].env: 'HOME=/root' is not a variable name"_s;
    QTest::addRow("no steps") << QByteArray("id: X\ntitle: t\nsteps: []\n") << u"steps: must be a non-empty list"_s;
    QTest::addRow("unknown source") << replace("source: service", "source: env")
                                    << u"params[1].source: must be label, service or input"_s;
}

void TestRunbook::loaderErrors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, expected);
    QString error;
    QVERIFY(!RunbookLoader::parse(yaml, u"test.yaml"_s, &error));
    QVERIFY2(error.startsWith(u"test.yaml"_s), qPrintable(error));
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY2(!error.contains(u'\n'), qPrintable(error));
}

void TestRunbook::yamlThatHangsYamlCppIsRefused_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected");
    QFile finding(QStringLiteral(NIGHTWATCH_SOURCE_DIR "/tests/fuzz/corpus/runbook/yamlcpp-stray-comma.yaml"));
    QVERIFY(finding.open(QIODevice::ReadOnly));
    QTest::addRow("a comma alone") << QByteArray(",") << u"test.yaml:1:1: the YAML reader makes no progress"_s;
    QTest::addRow("a comma before a list") << QByteArray(",x") << u"test.yaml:1:1: the YAML reader makes no"_s;
    QTest::addRow("a comma in the second document")
        << QByteArray(minimal + "---\n  , [a]\n") << u"the YAML reader makes no progress"_s;
    QTest::addRow("fuzz_runbook's finding")
        << finding.readAll() << u"test.yaml:3:12: the YAML reader makes no progress"_s;
    // Not refused by this guard: the usual errors still come from yaml-cpp or the loader.
    QTest::addRow("two documents, no comma") << QByteArray(minimal + "---\n" + minimal) << u"exactly one runbook"_s;
}

void TestRunbook::yamlThatHangsYamlCppIsRefused()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, expected);
    // yaml-cpp 0.7 loops forever on these: a watchdog turns a regression into a failure instead of a hung test.
    auto result = std::async(std::launch::async, [yaml] {
        QString error;
        const bool loaded = RunbookLoader::parse(yaml, u"test.yaml"_s, &error).has_value();
        return std::make_pair(loaded, error);
    });
    if (result.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
        std::fprintf(stderr, "FAIL: RunbookLoader::parse did not return within 20 s (%s)\n", QTest::currentDataTag());
        std::_Exit(1);
    }
    const auto [loaded, error] = result.get();
    QVERIFY(!loaded);
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY2(!error.contains(u'\n'), qPrintable(error));
}

void TestRunbook::folderSkipsBadFilesAndDuplicateIds()
{
    QTemporaryDir dir;
    const auto write = [&](const QString& name, const QByteArray& body) {
        QFile f(dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(body);
    };
    write(u"a.yaml"_s, minimal);
    write(u"b.yml"_s, QByteArray(minimal).replace("RB-T-1", "RB-T-2"));
    write(u"c.yaml"_s, minimal); // same id as a.yaml
    write(u"d.yaml"_s, "id: [");
    write(u"notes.txt"_s, "not a runbook");
    const RunbookLoader::Folder folder = RunbookLoader::loadFolder(dir.path());
    QCOMPARE(folder.runbooks.size(), 2);
    QCOMPARE(folder.runbooks[1].id, u"RB-T-2"_s);
    QCOMPARE(folder.errors.size(), 2);
    QVERIFY2(folder.errors[0].contains(u"c.yaml: id: 'RB-T-1' is already used"_s), qPrintable(folder.errors[0]));
    QVERIFY2(folder.errors[1].contains(u"d.yaml"_s), qPrintable(folder.errors[1]));
    QCOMPARE(RunbookLoader::loadFolder(dir.filePath(u"missing"_s)).errors.size(), 1);
}

void TestRunbook::paramValidation_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("rejection"); // empty: accepted
    QTest::addRow("plain name") << u"order-service"_s << QString();
    QTest::addRow("command substitution") << u"$(touch /tmp/x)"_s << u"does not match the pattern"_s;
    QTest::addRow("command separator") << u"; rm -rf ~"_s << u"does not match the pattern"_s;
    QTest::addRow("backticks") << u"`touch /tmp/x`"_s << u"does not match the pattern"_s;
    QTest::addRow("pipe") << u"a|sh"_s << u"does not match the pattern"_s;
    QTest::addRow("newline") << u"shop\ntouch /tmp/x"_s << u"contains a line break"_s;
    QTest::addRow("carriage return") << u"shop\r"_s << u"contains a line break"_s;
    QTest::addRow("NUL") << (u"shop"_s + QChar(0) + u"x"_s) << u"contains a NUL character"_s;
    QTest::addRow("escape sequence") << u"\x1b[31mshop"_s << u"control character U+001b"_s;
    QTest::addRow("bidi override") << (u"shop"_s + QChar(0x202e)) << u"control character U+202e"_s;
    QTest::addRow("option injection") << u"--kubeconfig=/etc/shadow"_s << u"starts with '-'"_s;
    QTest::addRow("10,000 characters") << hostile("10,000 characters") << u"is 10000 characters long"_s;
    QTest::addRow("non-UTF-8 (decoded lossily)") << hostile("non-UTF-8 (decoded lossily)") << u"not valid UTF-8"_s;
    QTest::addRow("lone surrogate") << hostile("lone surrogate") << u"not valid UTF-8"_s;
    QTest::addRow("empty") << QString() << u"does not match the pattern"_s;
    QTest::addRow("prefix matches only") << u"shop x"_s << u"does not match the pattern"_s;
}

void TestRunbook::paramValidation()
{
    QFETCH(QString, value);
    QFETCH(QString, rejection);
    const RunbookParam p = param(u"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"_s);
    QString why;
    const bool ok = ParamResolver::validate(p, value, &why);
    QCOMPARE(ok, rejection.isEmpty());
    if (!ok) {
        QVERIFY2(why.contains(rejection), qPrintable(why));
        QVERIFY2(!why.contains(u'\n') && why.size() < 200, qPrintable(why)); // one short line, whatever the value
    }
}

void TestRunbook::strictUtf8()
{
    QCOMPARE(ParamResolver::decodeUtf8("order-service"), std::optional<QString>(u"order-service"_s));
    QCOMPARE(ParamResolver::decodeUtf8("caf\xc3\xa9"), std::optional<QString>(u"café"_s));
    QVERIFY(!ParamResolver::decodeUtf8("ns\xff\xfe"));
    QVERIFY(!ParamResolver::decodeUtf8("\xc3"));         // truncated sequence
    QVERIFY(!ParamResolver::decodeUtf8("\xed\xa0\x80")); // encoded surrogate
    QVERIFY(!ParamResolver::decodeUtf8("\xc0\xaf"));     // overlong '/'
    QString why;
    QVERIFY(!ParamResolver::validate(param(u".*"_s), QString::fromUtf8("\xc0\xaf"), &why));
}

namespace {
const RunbookParam* shippedParam(const QString& file, const QString& name, Runbook* holder)
{
    QString error;
    const auto rb = RunbookLoader::loadFile(u":/runbooks/"_s + file, &error);
    if (!rb)
        return nullptr;
    *holder = *rb;
    for (const RunbookParam& p : std::as_const(holder->params))
        if (p.name == name)
            return &p;
    return nullptr;
}
} // namespace

void TestRunbook::shippedRunbooksRefuseHostileValues_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("accepted");
    const QString disk = u"disk-cleanup.yaml"_s;
    const QString ansible = u"ansible-pgbouncer.yaml"_s;
    const QString kafka = u"kafka-consumer-reset.yaml"_s;
    QTest::addRow("log_dir default") << disk << u"log_dir"_s << u"/var/log"_s << true;
    QTest::addRow("log_dir subfolder") << disk << u"log_dir"_s << u"/var/log/nginx"_s << true;
    QTest::addRow("log_dir climbs to /etc") << disk << u"log_dir"_s << u"/var/log/../../etc"_s << false;
    QTest::addRow("log_dir climbs after a segment") << disk << u"log_dir"_s << u"/var/log/nginx/../../../etc"_s << false;
    QTest::addRow("log_dir dot segment") << disk << u"log_dir"_s << u"/var/log/./x"_s << false;
    QTest::addRow("log_dir prefix only") << disk << u"log_dir"_s << u"/var/logs"_s << false;
    QTest::addRow("log_dir other tree") << disk << u"log_dir"_s << u"/etc"_s << false;
    QTest::addRow("backup default") << disk << u"backup"_s << u"/var/backups/nightwatch/rotated-logs.tar.gz"_s << true;
    QTest::addRow("backup climbs to /tmp")
        << disk << u"backup"_s << u"/var/backups/nightwatch/../../../tmp/x.tar.gz"_s << false;
    QTest::addRow("backup climbs in the name")
        << disk << u"backup"_s << u"/var/backups/nightwatch/a/../../x.tar.gz"_s << false;
    QTest::addRow("inventory default") << ansible << u"inventory"_s << u"/etc/ansible/hosts"_s << true;
    QTest::addRow("inventory subfolder") << ansible << u"inventory"_s << u"/etc/ansible/prod/hosts.yml"_s << true;
    QTest::addRow("inventory climbs to /tmp")
        << ansible << u"inventory"_s << u"/etc/ansible/x/../../../tmp/evil-inventory.sh"_s << false;
    QTest::addRow("inventory double slash dot dot") << ansible << u"inventory"_s << u"/etc/ansible//..//passwd"_s << false;
    QTest::addRow("inventory root itself") << ansible << u"inventory"_s << u"/etc/ansible/"_s << false;
    QTest::addRow("host fqdn") << ansible << u"host"_s << u"db1.prod.example.com"_s << true;
    QTest::addRow("host all") << ansible << u"host"_s << u"all"_s << false;
    QTest::addRow("host star") << ansible << u"host"_s << u"*"_s << false;
    QTest::addRow("host group name") << ansible << u"host"_s << u"dbservers"_s << false;
    QTest::addRow("host union") << ansible << u"host"_s << u"db1.example:db2.example"_s << false;
    QTest::addRow("host exclusion") << ansible << u"host"_s << u"!db1.example"_s << false;
    QTest::addRow("host regex") << ansible << u"host"_s << u"~.*"_s << false;
    QTest::addRow("host empty label") << ansible << u"host"_s << u"db1..example"_s << false;
    QTest::addRow("topic") << kafka << u"topic"_s << u"orders.v2"_s << true;
    QTest::addRow("topic dot dot") << kafka << u"topic"_s << u".."_s << false;
    QTest::addRow("group dot") << kafka << u"group"_s << u"."_s << false;
}

void TestRunbook::shippedRunbooksRefuseHostileValues()
{
    QFETCH(QString, file);
    QFETCH(QString, param);
    QFETCH(QString, value);
    QFETCH(bool, accepted);
    Runbook rb;
    const RunbookParam* p = shippedParam(file, param, &rb);
    QVERIFY2(p, qPrintable(file + u": no parameter "_s + param));
    QString why;
    QVERIFY2(ParamResolver::validate(*p, value, &why) == accepted, qPrintable(why));
}

void TestRunbook::pathParameter_data()
{
    QTest::addColumn<QString>("value"); // relative to a temporary folder holding root/
    QTest::addColumn<QString>("rejection");
    QTest::addColumn<QString>("substituted"); // relative, when accepted
    QTest::addRow("existing file") << u"root/logs/app.log"_s << QString() << u"root/logs/app.log"_s;
    QTest::addRow("not yet existing") << u"root/new/deeper/x.tar.gz"_s << QString() << u"root/new/deeper/x.tar.gz"_s;
    QTest::addRow("double slashes and trailing slash") << u"root//logs/"_s << QString() << u"root/logs"_s;
    QTest::addRow("dot dot") << u"root/logs/../../outside"_s << u"has a '..' segment"_s << QString();
    QTest::addRow("dot dot staying inside") << u"root/logs/../logs"_s << u"has a '..' segment"_s << QString();
    QTest::addRow("dot") << u"root/./logs"_s << u"has a '.' segment"_s << QString();
    QTest::addRow("sibling with the root as prefix") << u"rootless/x"_s << u"is outside"_s << QString();
    QTest::addRow("symlink to outside") << u"root/escape/secret"_s << u"symbolic link"_s << QString();
    QTest::addRow("symlink to outside, not yet existing") << u"root/escape/new/x"_s << u"symbolic link"_s << QString();
    QTest::addRow("dangling symlink to outside") << u"root/dangling"_s << u"symbolic link"_s << QString();
    QTest::addRow("symlink inside the root") << u"root/inner/app.log"_s << QString() << u"root/inner/app.log"_s;
}

void TestRunbook::pathParameter()
{
    QFETCH(QString, value);
    QFETCH(QString, rejection);
    QFETCH(QString, substituted);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString base = dir.path();
    QVERIFY(QDir().mkpath(base + u"/root/logs"_s) && QDir().mkpath(base + u"/outside"_s));
    QFile log(base + u"/root/logs/app.log"_s);
    QVERIFY(log.open(QIODevice::WriteOnly));
    QVERIFY(QFile::link(base + u"/outside"_s, base + u"/root/escape"_s));
    QVERIFY(QFile::link(base + u"/outside/not-there"_s, base + u"/root/dangling"_s));
    QVERIFY(QFile::link(base + u"/root/logs"_s, base + u"/root/inner"_s));
    QFile secret(base + u"/outside/secret"_s);
    QVERIFY(secret.open(QIODevice::WriteOnly));

    const QByteArray yaml = "id: RB-P\ntitle: t\nparams:\n  - name: p\n    type: path\n    root: " +
                            (base + u"/root"_s).toUtf8() +
                            "\n    pattern: '/[A-Za-z0-9._/-]+'\nsteps:\n  - name: s\n    safety: low\n"
                            "    argv: [ls, '{p}']\n";
    QString error;
    const auto rb = RunbookLoader::parse(yaml, u"path.yaml"_s, &error);
    QVERIFY2(rb, qPrintable(error));
    QCOMPARE(rb->params.constFirst().type, RunbookParam::Type::Path);
    ParamResolver::Context context;
    context.input.insert(u"p"_s, base + u'/' + value);
    const auto resolved = ParamResolver::resolve(*rb, context, &error);
    QCOMPARE(bool(resolved), rejection.isEmpty());
    if (resolved)
        QCOMPARE(resolved->steps.constFirst().argv, (QStringList{u"ls"_s, base + u'/' + substituted}));
    else
        QVERIFY2(error.contains(rejection), qPrintable(error));
}

void TestRunbook::loaderWarnsAboutPatternsAdmittingDotDot_data()
{
    QTest::addColumn<QByteArray>("param");
    QTest::addColumn<QString>("warning"); // empty: none
    QTest::addRow("old inventory pattern") << QByteArray("pattern: '/etc/ansible/[A-Za-z0-9_][A-Za-z0-9._/-]{0,200}'")
                                           << u"params[0].pattern: admits '..'"_s;
    QTest::addRow("any text") << QByteArray("pattern: '.+'") << u"admits '..'"_s;
    QTest::addRow("dots allowed first") << QByteArray("pattern: '[A-Za-z0-9._-]{1,249}'") << u"e.g. '..'"_s;
    QTest::addRow("suffix required") << QByteArray("pattern: '/var/backups/[A-Za-z0-9./_-]+\\.tar\\.gz'")
                                     << u"admits '..'"_s;
    QTest::addRow("no dot first in a segment")
        << QByteArray("pattern: '/var/log(/[A-Za-z0-9_][A-Za-z0-9._-]{0,63}){0,6}'") << QString();
    QTest::addRow("path type refuses '..' itself")
        << QByteArray("type: path\n    root: /etc/ansible\n    pattern: '/etc/ansible/.+'") << QString();
}

void TestRunbook::loaderWarnsAboutPatternsAdmittingDotDot()
{
    QFETCH(QByteArray, param);
    QFETCH(QString, warning);
    const QByteArray yaml = "id: RB-W\ntitle: t\nparams:\n  - name: p\n    " + param +
                            "\nsteps:\n  - name: s\n    safety: low\n    argv: [ls, '{p}']\n";
    QString error;
    const auto rb = RunbookLoader::parse(yaml, u"warn.yaml"_s, &error);
    QVERIFY2(rb, qPrintable(error));
    if (warning.isEmpty()) {
        QVERIFY2(rb->warnings.isEmpty(), qPrintable(rb->warnings.join(u'\n')));
    } else {
        QCOMPARE(rb->warnings.size(), 1);
        QVERIFY2(rb->warnings.constFirst().startsWith(u"warn.yaml: "_s), qPrintable(rb->warnings.constFirst()));
        QVERIFY2(rb->warnings.constFirst().contains(warning), qPrintable(rb->warnings.constFirst()));
    }
}

void TestRunbook::shippedAnsibleCheckNeedsApproval()
{
    QString error;
    const auto rb = RunbookLoader::loadFile(u":/runbooks/ansible-pgbouncer.yaml"_s, &error);
    QVERIFY2(rb, qPrintable(error));
    for (const RunbookStep& s : rb->steps)
        QVERIFY2(s.requiresApproval, qPrintable(s.name)); // the check runs the playbook and the inventory too
}

void TestRunbook::hostileValuesStayOneLiteralElement_data()
{
    QTest::addColumn<QString>("value");
    QTest::addRow("command substitution") << u"$(touch /tmp/x)"_s;
    QTest::addRow("command separator") << u"; rm -rf ~"_s;
    QTest::addRow("backticks") << u"`touch /tmp/x`"_s;
    QTest::addRow("spaces and quotes") << u"a b 'c' \"d\""_s;
    QTest::addRow("glob") << u"*"_s;
    QTest::addRow("another placeholder") << u"{other}"_s; // not substituted a second time
    QTest::addRow("10,000 characters") << hostile("10,000 characters");
}

void TestRunbook::hostileValuesStayOneLiteralElement()
{
    QFETCH(QString, value);
    Runbook rb;
    rb.id = u"RB-T"_s;
    RunbookParam p = param(u"[^\\n]*"_s, 20'000);
    RunbookParam other = param(u".*"_s);
    other.name = u"other"_s;
    other.defaultValue = u"OTHER"_s;
    other.hasDefault = true;
    rb.params = {p, other};
    RunbookStep s;
    s.name = u"s"_s;
    s.argv = {u"kubectl"_s, u"{value}"_s, u"--label=x{value}y"_s, u"{value}{value}"_s};
    rb.steps = {s};
    ParamResolver::Context context;
    context.input.insert(u"value"_s, value);
    QString error;
    const auto resolved = ParamResolver::resolve(rb, context, &error);
    QVERIFY2(resolved, qPrintable(error));
    const QStringList argv = resolved->steps[0].argv;
    QCOMPARE(argv.size(), 4);
    QCOMPARE(argv[1], value);
    QCOMPARE(argv[2], u"--label=x"_s + value + u'y');
    QCOMPARE(argv[3], value + value);
}

void TestRunbook::resolverSourcesAndEnvironment()
{
    const Runbook rb = load(minimal);
    ParamResolver::Context context;
    context.labels = {{u"namespace"_s, u"shop"_s}, {u"alertname"_s, u"X"_s}};
    context.service = u"order-service"_s;
    context.environment.clear();
    context.environment.insert(u"HOME"_s, u"/home/oncall"_s);
    context.environment.insert(u"AWS_SECRET_ACCESS_KEY"_s, u"hunter2"_s);
    context.environment.insert(u"PATH"_s, u"/opt/bin:/usr/bin"_s);
    QString error;
    auto r = ParamResolver::resolve(rb, context, &error);
    QVERIFY2(r, qPrintable(error));
    QCOMPARE(r->params.size(), 3);
    QCOMPARE(r->params[0].source, u"label:namespace"_s);
    QCOMPARE(r->params[1].source, u"service"_s);
    QCOMPARE(r->params[2].source, u"default"_s);
    QCOMPARE(r->steps[0].argv,
             (QStringList{u"kubectl"_s, u"get"_s, u"deployment/order-service"_s, u"--namespace"_s, u"shop"_s}));
    // Only the allowlist and PATH: the secret in the console's environment never reaches a step.
    QCOMPARE(r->steps[0].env.keys(), (QStringList{u"HOME"_s, u"PATH"_s}));
    QCOMPARE(r->steps[1].env.keys(), QStringList{u"PATH"_s});
    QCOMPARE(r->steps[0].env.value(u"PATH"_s), u"/opt/bin:/usr/bin"_s);
    QCOMPARE(r->steps[1].argv[4], u"--patch={\"spec\":{\"replicas\":3}}"_s); // JSON braces stay literal
    QCOMPARE(r->steps[1].rollbackArgv[2], u"deployment/order-service"_s);
    QVERIFY(r->steps[1].rollbackAutomatic);

    // What the user types wins over the alert.
    context.input.insert(u"ns"_s, u"staging"_s);
    context.input.insert(u"count"_s, u"7"_s);
    r = ParamResolver::resolve(rb, context, &error);
    QVERIFY2(r, qPrintable(error));
    QCOMPARE(r->params[0].value, u"staging"_s);
    QCOMPARE(r->params[0].source, u"input"_s);
    QCOMPARE(r->steps[1].argv[3], u"--replicas=7"_s);
}

void TestRunbook::resolverRejects_data()
{
    QTest::addColumn<QString>("label");
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("inputName");
    QTest::addColumn<QString>("inputValue");
    QTest::addColumn<QString>("expected");
    QTest::addRow("missing label") << QString() << u"api"_s << QString() << QString()
                                   << u"parameter 'ns' has no value (source label:namespace"_s;
    QTest::addRow("missing service") << u"shop"_s << QString() << QString() << QString()
                                     << u"parameter 'svc' has no value (source service"_s;
    QTest::addRow("hostile label") << u"shop; rm -rf ~"_s << u"api"_s << QString() << QString()
                                   << u"parameter 'ns' (from label:namespace) 'shop; rm -rf ~' does not match"_s;
    QTest::addRow("hostile service") << u"shop"_s << u"$(reboot)"_s << QString() << QString()
                                     << u"parameter 'svc' (from service)"_s;
    QTest::addRow("hostile input") << u"shop"_s << u"api"_s << u"count"_s << u"3\nreboot"_s
                                   << u"parameter 'count' (from input) contains a line break"_s;
    QTest::addRow("undeclared input") << u"shop"_s << u"api"_s << u"kubeconfig"_s << u"/etc/shadow"_s
                                      << u"unknown parameter 'kubeconfig'"_s;
}

void TestRunbook::resolverRejects()
{
    QFETCH(QString, label);
    QFETCH(QString, service);
    QFETCH(QString, inputName);
    QFETCH(QString, inputValue);
    QFETCH(QString, expected);
    ParamResolver::Context context;
    if (!label.isEmpty())
        context.labels.insert(u"namespace"_s, label);
    context.service = service;
    if (!inputName.isEmpty())
        context.input.insert(inputName, inputValue);
    QString error;
    QVERIFY(!ParamResolver::resolve(load(minimal), context, &error));
    QVERIFY2(error.startsWith(u"runbook RB-T-1: "_s), qPrintable(error));
    QVERIFY2(error.contains(expected), qPrintable(error));
}

void TestRunbook::tokenVoidedByAnyChange_data()
{
    QTest::addColumn<std::function<void(ResolvedStep&)>>("change");
    QTest::addColumn<bool>("rollbackAction");
    QTest::addColumn<bool>("covered");
    using Change = std::function<void(ResolvedStep&)>;
    QTest::addRow("unchanged") << Change([](ResolvedStep&) {}) << false << true;
    QTest::addRow("argument changed") << Change([](ResolvedStep& s) { s.argv[2] = u"deployment/other"_s; }) << false
                                      << false;
    QTest::addRow("argument appended") << Change([](ResolvedStep& s) { s.argv.append(u"--all"_s); }) << false << false;
    QTest::addRow("arguments split differently") << Change([](ResolvedStep& s) {
        s.argv = {u"kubectl"_s, u"scale deployment/api"_s, u"--replicas=5"_s};
    }) << false << false;
    QTest::addRow("program changed") << Change([](ResolvedStep& s) { s.argv[0] = u"/tmp/kubectl"_s; }) << false
                                     << false;
    QTest::addRow("env value changed") << Change([](ResolvedStep& s) { s.env[u"KUBECONFIG"_s] = u"/etc/shadow"_s; })
                                       << false << false;
    QTest::addRow("PATH changed") << Change([](ResolvedStep& s) { s.env[u"PATH"_s] = u"/tmp:/usr/bin"_s; }) << false
                                  << false;
    QTest::addRow("timeout changed") << Change([](ResolvedStep& s) { s.timeoutMs = 1; }) << false << false;
    QTest::addRow("verify changed") << Change([](ResolvedStep& s) { s.verifyArgv = {u"true"_s}; }) << false << false;
    QTest::addRow("rollback changed") << Change([](ResolvedStep& s) { s.rollbackArgv.append(u"--force"_s); }) << false
                                      << false;
    QTest::addRow("rollback made automatic")
        << Change([](ResolvedStep& s) { s.rollbackAutomatic = true; }) << false << false;
    QTest::addRow("step renamed") << Change([](ResolvedStep& s) { s.name = u"other"_s; }) << false << false;
    QTest::addRow("run token used for rollback") << Change([](ResolvedStep&) {}) << true << false;
}

void TestRunbook::tokenVoidedByAnyChange()
{
    QFETCH(std::function<void(ResolvedStep&)>, change);
    QFETCH(bool, rollbackAction);
    QFETCH(bool, covered);
    ResolvedStep step = echoStep(u"scale"_s, {u"kubectl"_s, u"scale"_s, u"deployment/api"_s, u"--replicas=5"_s});
    step.env.insert(u"KUBECONFIG"_s, u"/home/oncall/.kube/config"_s);
    step.verifyArgv = {u"kubectl"_s, u"rollout"_s, u"status"_s, u"deployment/api"_s};
    step.rollbackArgv = {u"kubectl"_s, u"scale"_s, u"deployment/api"_s, u"--replicas=2"_s};
    const ApprovalToken token = ApprovalToken::mint(u"RB-T-1"_s, step);
    QVERIFY(!token.isNull());
    QVERIFY(token.approvedAt().isValid());
    change(step);
    QString why;
    const auto action = rollbackAction ? ApprovalToken::Action::Rollback : ApprovalToken::Action::Run;
    QCOMPARE(token.covers(u"RB-T-1"_s, step, action, &why), covered);
    if (!covered)
        QVERIFY2(why.contains(u"does not cover"_s), qPrintable(why));
    QVERIFY(!token.covers(u"RB-T-2"_s, step, action)); // another runbook, never
    QVERIFY(!ApprovalToken().covers(u"RB-T-1"_s, step, action));
}

void TestRunbook::executorRefusesWithoutValidToken()
{
    QTemporaryDir dir;
    const QString marker = dir.filePath(u"started"_s);
    const ResolvedStep step = echoStep(u"touch"_s, {u"touch"_s, marker});
    ResolvedStep other = step;
    other.argv = {u"touch"_s, dir.filePath(u"other"_s)};

    StepExecutor executor;
    QSignalSpy finished(&executor, &StepExecutor::stepFinished);
    QSignalSpy phases(&executor, &StepExecutor::phaseStarted);
    QVERIFY(!executor.run(u"RB-T"_s, step, ApprovalToken()));
    QVERIFY(!executor.run(u"RB-T"_s, step, ApprovalToken::mint(u"RB-T"_s, other)));
    QVERIFY(!executor.run(u"RB-T"_s, step, ApprovalToken::mint(u"RB-T"_s, step, ApprovalToken::Action::Rollback)));
    QCOMPARE(finished.size(), 3);
    for (const auto& args : std::as_const(finished)) {
        const auto run = args.at(0).value<RunbookRun>();
        QCOMPARE(run.outcome, RunbookRun::Outcome::Refused);
        QVERIFY(!run.error.isEmpty());
        QVERIFY(!run.exitCode);
    }
    QCOMPARE(phases.size(), 0); // no phase, no process
    QVERIFY(!QFile::exists(marker));

    // A valid token runs the step once; using it again is refused.
    const ApprovalToken token = ApprovalToken::mint(u"RB-T"_s, step);
    QVERIFY(executor.run(u"RB-T"_s, step, token));
    QVERIFY(finished.wait(10'000));
    QCOMPARE(finished.last().at(0).value<RunbookRun>().outcome, RunbookRun::Outcome::Passed);
    QVERIFY(QFile::exists(marker));
    QFile::remove(marker);
    QVERIFY(!executor.run(u"RB-T"_s, step, token));
    QVERIFY2(finished.last().at(0).value<RunbookRun>().error.contains(u"used already"_s),
             qPrintable(finished.last().at(0).value<RunbookRun>().error));
    QVERIFY(!QFile::exists(marker));
}

void TestRunbook::executorRunsStreamsLogsAndDigests()
{
    QTemporaryDir dir;
    ResolvedStep step = echoStep(u"hello"_s, {u"printf"_s, u"%s\\n"_s, u"hello $(id) `id`"_s});
    step.env.insert(u"NIGHTWATCH_TEST"_s, u"visible"_s);
    step.verifyArgv = {u"printenv"_s, u"NIGHTWATCH_TEST"_s}; // passes only with the allowlisted variable
    StepExecutor executor;
    executor.setLogDirectory(dir.filePath(u"logs"_s));
    QSignalSpy finished(&executor, &StepExecutor::stepFinished);
    QByteArray streamed;
    connect(&executor, &StepExecutor::outputReceived, this,
            [&streamed](const QString&, const QByteArray& chunk, bool) { streamed += chunk; });
    QVERIFY(executor.run(u"RB-T"_s, step, ApprovalToken::mint(u"RB-T"_s, step), 42));
    QVERIFY(finished.wait(10'000));
    const auto run = finished.last().at(0).value<RunbookRun>();
    QCOMPARE(run.outcome, RunbookRun::Outcome::Passed);
    QCOMPARE(run.exitCode, std::optional<int>(0));
    QCOMPARE(run.verify, RunbookRun::Verify::Passed);
    QCOMPARE(run.incidentId, 42);
    QCOMPARE(run.approval, u"approved"_s);
    QVERIFY(streamed.startsWith("hello $(id) `id`\n")); // printed literally: no shell saw it
    QCOMPARE(run.outputDigest,
             QString::fromLatin1(QCryptographicHash::hash("hello $(id) `id`\n", QCryptographicHash::Sha256).toHex()));
    QFile log(run.logFile);
    QVERIFY2(log.open(QIODevice::ReadOnly), qPrintable(run.logFile));
    const QByteArray logged = log.readAll();
    QVERIFY(logged.contains("hello $(id) `id`\n"));
    QVERIFY(logged.contains("visible\n")); // the verify's output is logged too
    QVERIFY(executor.recentOutput().endsWith("visible\n"));

    // Failing verify without automatic rollback: failed, rollback only offered; then run on its own approval.
    step.verifyArgv = {u"false"_s};
    step.rollbackArgv = {u"printf"_s, u"undone"_s};
    QVERIFY(executor.run(u"RB-T"_s, step, ApprovalToken::mint(u"RB-T"_s, step)));
    QVERIFY(finished.wait(10'000));
    auto failed = finished.last().at(0).value<RunbookRun>();
    QCOMPARE(failed.outcome, RunbookRun::Outcome::Failed);
    QCOMPARE(failed.verify, RunbookRun::Verify::Failed);
    QVERIFY(!failed.rolledBack);
    QVERIFY(
        executor.runRollback(u"RB-T"_s, step, ApprovalToken::mint(u"RB-T"_s, step, ApprovalToken::Action::Rollback)));
    QVERIFY(finished.wait(10'000));
    const auto rollback = finished.last().at(0).value<RunbookRun>();
    QCOMPARE(rollback.kind, u"rollback"_s);
    QCOMPARE(rollback.argv, step.rollbackArgv);
    QVERIFY(rollback.rolledBack);

    // Automatic: the rollback runs unasked and is part of the same record.
    step.rollbackAutomatic = true;
    QVERIFY(executor.run(u"RB-T"_s, step, ApprovalToken::mint(u"RB-T"_s, step)));
    QVERIFY(finished.wait(10'000));
    failed = finished.last().at(0).value<RunbookRun>();
    QCOMPARE(failed.outcome, RunbookRun::Outcome::Failed);
    QVERIFY(failed.rolledBack);
    QCOMPARE(failed.rollbackExitCode, std::optional<int>(0));

    // A program that is not there fails to start, and is still reported.
    const ResolvedStep missing = echoStep(u"missing"_s, {u"no-such-program-nightwatch"_s});
    QVERIFY(executor.run(u"RB-T"_s, missing, ApprovalToken::mint(u"RB-T"_s, missing)));
    QTRY_COMPARE(finished.last().at(0).value<RunbookRun>().outcome, RunbookRun::Outcome::FailedToStart);
    QVERIFY(finished.last().at(0).value<RunbookRun>().error.contains(u"not found"_s));
}

void TestRunbook::escapedProcessesDieWithTheStep_data()
{
    QTest::addColumn<QString>("script"); // PIDFILE stands for the file the escaping process writes its pid to
    QTest::addColumn<int>("outcome");
    QTest::addRow("setsid in the background, timed out")
        << u"setsid sleep 300 & echo $! > PIDFILE; sleep 300"_s << int(RunbookRun::Outcome::TimedOut);
    QTest::addRow("setsid double fork, timed out")
        << u"setsid -f sh -c 'echo $$ > PIDFILE; exec sleep 300'; sleep 300"_s << int(RunbookRun::Outcome::TimedOut);
    QTest::addRow("setsid double fork, step exits 0")
        << u"setsid -f sh -c 'echo $$ > PIDFILE; exec sleep 300'; while [ ! -s PIDFILE ]; do sleep 0.05; done"_s
        << int(RunbookRun::Outcome::Passed);
    QTest::addRow("ignores SIGTERM, timed out")
        << u"setsid -f sh -c 'trap \"\" TERM; echo $$ > PIDFILE; while :; do sleep 1; done'; sleep 300"_s
        << int(RunbookRun::Outcome::TimedOut);
}

void TestRunbook::escapedProcessesDieWithTheStep()
{
    QFETCH(QString, script);
    QFETCH(int, outcome);
    QTemporaryDir dir;
    const QString pidFile = dir.filePath(u"pid"_s);
    ResolvedStep step = echoStep(u"escape"_s, {u"sh"_s, u"-c"_s, script.replace(u"PIDFILE"_s, pidFile)});
    step.timeoutMs = 1500;
    StepExecutor executor;
    executor.setGracePeriod(500);
    QSignalSpy finished(&executor, &StepExecutor::stepFinished);
    QVERIFY(executor.run(u"RB-T"_s, step, ApprovalToken::mint(u"RB-T"_s, step)));
    QVERIFY(finished.wait(20'000));
    const auto run = finished.last().at(0).value<RunbookRun>();
    QCOMPARE(int(run.outcome), outcome);
    QFile file(pidFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const int pid = file.readAll().trimmed().toInt();
    QVERIFY(pid > 1);
    // Gone, and reaped (a zombie would still answer kill 0): nothing the step started outlives its record.
    QVERIFY2(::kill(pid, 0) == -1 && errno == ESRCH, qPrintable(u"pid %1 survived: "_s.arg(pid) + run.error));
    QVERIFY2(run.error.contains(u"outside its process group"_s), qPrintable(run.error));
    QVERIFY2(!run.error.contains(u"could not be killed"_s), qPrintable(run.error));
}

void TestRunbook::stepLogIsBounded()
{
    QTemporaryDir dir;
    // 3 MB of numbered lines: the last line tells whether the log kept the end.
    const ResolvedStep step = echoStep(u"noisy"_s, {u"seq"_s, u"1"_s, u"450000"_s});
    StepExecutor executor;
    executor.setLogDirectory(dir.filePath(u"logs"_s));
    executor.setLogLimit(64 * 1024);
    QSignalSpy finished(&executor, &StepExecutor::stepFinished);
    QByteArray streamed;
    connect(&executor, &StepExecutor::outputReceived, this,
            [&streamed](const QString&, const QByteArray& chunk, bool) { streamed += chunk; });
    QVERIFY(executor.run(u"RB-T"_s, step, ApprovalToken::mint(u"RB-T"_s, step)));
    QVERIFY(finished.wait(20'000));
    const auto run = finished.last().at(0).value<RunbookRun>();
    QCOMPARE(run.outcome, RunbookRun::Outcome::Passed);
    QVERIFY(streamed.size() > 3'000'000);
    QCOMPARE(run.outputDigest, QString::fromLatin1(QCryptographicHash::hash(streamed, QCryptographicHash::Sha256).toHex()));
    QFile log(run.logFile);
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray logged = log.readAll();
    QVERIFY2(logged.size() < 64 * 1024 + 2048, QByteArray::number(logged.size()).constData());
    QVERIFY(logged.contains("\n1\n2\n3\n"));
    QVERIFY(logged.contains("\n449999\n450000\n# command: exited with code 0\n"));
    QVERIFY(logged.contains("# output truncated: "));
    QVERIFY(logged.endsWith("# outcome: passed\n"));
}

void TestRunbook::auditRoundTrip()
{
    QTemporaryDir dir;
    Store store(u"tst-runbook-audit"_s);
    QString error;
    QVERIFY2(store.open(dir.filePath(u"audit.sqlite"_s), &error), qPrintable(error));
    RunbookAudit audit(&store);
    StepExecutor executor;
    audit.watch(&executor);
    QSignalSpy recorded(&audit, &RunbookAudit::recorded);

    const ResolvedStep step = echoStep(u"echo"_s, {u"printf"_s, u"ok"_s});
    QVERIFY(!executor.run(u"RB-T"_s, step, ApprovalToken())); // refused: audited too
    QVERIFY(executor.run(u"RB-T"_s, step, ApprovalToken::mint(u"RB-T"_s, step), 7));
    QTRY_COMPARE(recorded.size(), 2);

    const QVector<RunbookRun> all = store.runbookRuns();
    QCOMPARE(all.size(), 2);
    QCOMPARE(all[0].outcome, RunbookRun::Outcome::Refused);
    QCOMPARE(all[0].incidentId, 0);
    QVERIFY(!all[0].approvedAt.isValid());
    QCOMPARE(all[0].user, Store::currentUser());
    const RunbookRun& ran = all[1];
    QCOMPARE(ran.outcome, RunbookRun::Outcome::Passed);
    QCOMPARE(ran.incidentId, 7);
    QCOMPARE(ran.runbookId, u"RB-T"_s);
    QCOMPARE(ran.step, u"echo"_s);
    QCOMPARE(ran.argv, step.argv);
    QCOMPARE(ran.exitCode, std::optional<int>(0));
    QVERIFY(ran.approvedAt.isValid());
    QVERIFY(ran.at.isValid());
    QCOMPARE(ran.outputDigest, QString::fromLatin1(QCryptographicHash::hash("ok", QCryptographicHash::Sha256).toHex()));
    QCOMPARE(store.runbookRuns(7).size(), 1);
    QCOMPARE(store.runbookRuns(8).size(), 0);
    QCOMPARE(store.schemaVersion(), Store::latestSchemaVersion());
}

QTEST_GUILESS_MAIN(TestRunbook)
#include "tst_runbook.moc"
