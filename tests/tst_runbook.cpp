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
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

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
    void folderSkipsBadFilesAndDuplicateIds();
    void paramValidation_data();
    void paramValidation();
    void strictUtf8();
    void hostileValuesStayOneLiteralElement_data();
    void hostileValuesStayOneLiteralElement();
    void resolverSourcesAndEnvironment();
    void resolverRejects_data();
    void resolverRejects();
    void tokenVoidedByAnyChange_data();
    void tokenVoidedByAnyChange();
    void executorRefusesWithoutValidToken();
    void executorRunsStreamsLogsAndDigests();
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
