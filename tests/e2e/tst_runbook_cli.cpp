// `nightwatch-cli runbook` with real processes: a fake `kubectl` written by the test, first on PATH,
// records each invocation's argv one element per line. Checks that an unapproved step never starts,
// that hostile parameter values are rejected or arrive as one literal argument (never run by a shell:
// the marker file they try to create never appears), that a timeout kills the step's whole process
// group, that a failed verify triggers the automatic rollback, and that every attempt is audited.

#include "store/store.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;

namespace {

const QString shippedPoolRunbook =
    QStringLiteral(NIGHTWATCH_SOURCE_DIR) + u"/resources/runbooks/db-connection-pool.yaml"_s;

// A runbook whose parameter accepts almost anything: what reaches the program must still be one
// literal argument.
const char* permissiveRunbook = R"(id: RB-E2E-1
title: permissive
params:
  - name: value
    pattern: '[^\n]*'
    max_length: 4096
steps:
  - name: echo
    safety: low
    argv: [kubectl, annotate, 'note={value}', '{value}']
)";

const char* strictRunbook = R"(id: RB-E2E-2
title: strict
params:
  - name: value
    pattern: '[a-z0-9-]{1,63}'
    max_length: 63
steps:
  - name: echo
    safety: low
    argv: [kubectl, annotate, '{value}']
)";

// The step forks a sleeping child and, in one variant, ignores SIGTERM (the child inherits that).
const char* timeoutRunbook = R"(id: RB-E2E-3
title: hangs
steps:
  - name: hang
    safety: low
    timeout: 1s
    argv: [forker]
)";

} // namespace

class TestRunbookCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void planPrintsResolvedArgvWithSources();
    void unapprovedStepNeverStarts();
    void approvedStepRunsVerifiedAndAudited();
    void verifyFailureRunsAutomaticRollback();
    void hostileParamsNeverExecute_data();
    void hostileParamsNeverExecute();
    void nonUtf8ParamIsRejected();
    void timeoutKillsProcessGroup_data();
    void timeoutKillsProcessGroup();

private:
    int cli(const QStringList& args, QByteArray* out = nullptr, QByteArray* err = nullptr,
            const QString& program = QStringLiteral(NIGHTWATCH_CLI));
    QString writeFile(const QString& name, const QByteArray& body, bool executable = false);
    QList<QStringList> kubectlCalls() const; // argv of each fake kubectl run, program name first
    QVector<RunbookRun> auditRows() const;
    QString db() const { return m_dir->filePath(u"audit.sqlite"_s); }
    QString marker() const { return m_dir->filePath(u"pwned"_s); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestRunbookCli::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QVERIFY(QDir().mkpath(m_dir->filePath(u"bin"_s)));
    // The fake prints a line (for the output digest), records its argv, and fails `rollout status` when
    // the test created verify-fails.
    writeFile(u"bin/kubectl"_s,
              (u"#!/bin/sh\n"
               "{ echo '--- kubectl'; for a in \"$@\"; do printf '%s\\n' \"$a\"; done; } >> '%1'\n"
               "echo \"fake kubectl $1\"\n"
               "if [ \"$1 $2\" = 'rollout status' ] && [ -e '%2' ]; then echo 'not ready' >&2; exit 1; fi\n"
               "exit 0\n"_s)
                  .arg(m_dir->filePath(u"kubectl.log"_s), m_dir->filePath(u"verify-fails"_s))
                  .toUtf8(),
              true);
}

QString TestRunbookCli::writeFile(const QString& name, const QByteArray& body, bool executable)
{
    QFile f(m_dir->filePath(name));
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(f.fileName()));
    f.write(body);
    if (executable)
        f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
    return f.fileName();
}

int TestRunbookCli::cli(const QStringList& args, QByteArray* out, QByteArray* err, const QString& program)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"PATH"_s, m_dir->filePath(u"bin"_s) + u':' + env.value(u"PATH"_s));
    env.insert(u"HOME"_s, m_dir->path());
    env.insert(u"XDG_DATA_HOME"_s, m_dir->filePath(u"data"_s));
    env.insert(u"XDG_CONFIG_HOME"_s, m_dir->filePath(u"config"_s));
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(m_dir->path()); // a relative "pwned" would land here too
    p.start(program, args);
    if (!p.waitForStarted(10'000) || !p.waitForFinished(60'000)) {
        p.kill();
        p.waitForFinished();
        return -1;
    }
    const QByteArray stdoutText = p.readAllStandardOutput();
    const QByteArray stderrText = p.readAllStandardError();
    if (out)
        *out = stdoutText;
    if (err)
        *err = stderrText;
    if (p.exitStatus() != QProcess::NormalExit)
        return -1;
    return p.exitCode();
}

QList<QStringList> TestRunbookCli::kubectlCalls() const
{
    QFile f(m_dir->filePath(u"kubectl.log"_s));
    QList<QStringList> calls;
    if (!f.open(QIODevice::ReadOnly))
        return calls;
    QStringList lines = QString::fromUtf8(f.readAll()).split(u'\n');
    lines.removeLast(); // after the final newline
    for (const QString& line : std::as_const(lines)) {
        if (line == u"--- kubectl")
            calls.append(QStringList{u"kubectl"_s});
        else if (!calls.isEmpty())
            calls.last().append(line);
    }
    return calls;
}

QVector<RunbookRun> TestRunbookCli::auditRows() const
{
    Store store(u"tst-runbook-cli-audit"_s);
    QString error;
    if (!store.open(db(), &error))
        qFatal("cannot open the audit database: %s", qPrintable(error));
    return store.runbookRuns();
}

void TestRunbookCli::planPrintsResolvedArgvWithSources()
{
    QByteArray out, err;
    QCOMPARE(cli({u"runbook"_s, u"plan"_s, shippedPoolRunbook, u"--service"_s, u"order-service"_s, u"--label"_s,
                  u"namespace=shop"_s, u"--label"_s, u"container=app"_s, u"--param"_s, u"pool_size=80"_s},
                 &out, &err),
             0);
    const QJsonObject plan = QJsonDocument::fromJson(out).object();
    QCOMPARE(plan[u"runbook"_s].toString(), u"RB-DB-001"_s);
    const QJsonArray params = plan[u"params"_s].toArray();
    QCOMPARE(params.size(), 4);
    QCOMPARE(params[0].toObject()[u"source"_s].toString(), u"label:namespace"_s);
    QCOMPARE(params[1].toObject()[u"source"_s].toString(), u"service"_s);
    QCOMPARE(params[3].toObject()[u"source"_s].toString(), u"input"_s);
    const QJsonObject patch = plan[u"steps"_s].toArray()[1].toObject();
    QCOMPARE(patch[u"name"_s].toString(), u"patch-pool"_s);
    QCOMPARE(patch[u"requires_approval"_s].toBool(), true);
    QCOMPARE(patch[u"program"_s].toString(), m_dir->filePath(u"bin/kubectl"_s)); // first on PATH
    const QJsonArray argv = patch[u"argv"_s].toArray();
    QCOMPARE(argv.size(), 8);
    QCOMPARE(argv[3].toString(), u"order-service"_s);
    QVERIFY(argv[7].toString().contains(u"{\"name\":\"app\",\"env\":[{\"name\":\"DB_POOL_MAX\",\"value\":\"80\"}]}"_s));
    QCOMPARE(patch[u"rollback"_s].toObject()[u"automatic"_s].toBool(), true);
    QVERIFY(!QFile::exists(m_dir->filePath(u"kubectl.log"_s))); // a plan runs nothing
}

void TestRunbookCli::unapprovedStepNeverStarts()
{
    const QString strict = writeFile(u"strict.yaml"_s, strictRunbook);
    QByteArray out, err;
    QCOMPARE(cli({u"runbook"_s, u"run"_s, strict, u"--param"_s, u"value=ok"_s, u"--db"_s, db()}, &out, &err), 0);
    QVERIFY(!QFile::exists(m_dir->filePath(u"kubectl.log"_s)));
    const QJsonObject result = QJsonDocument::fromJson(out).object();
    QCOMPARE(result[u"result"_s].toString(), u"stopped"_s);
    QCOMPARE(result[u"stopped_at"_s].toString(), u"echo"_s);

    // The shipped runbook: its read-only step runs unasked, the write step stops the run.
    QCOMPARE(cli({u"runbook"_s, u"run"_s, shippedPoolRunbook, u"--service"_s, u"order-service"_s, u"--label"_s,
                  u"container=app"_s, u"--db"_s, db()},
                 &out, &err),
             0);
    const auto calls = kubectlCalls();
    QCOMPARE(calls.size(), 1);
    QCOMPARE(calls[0].mid(0, 4), (QStringList{u"kubectl"_s, u"get"_s, u"deployment"_s, u"order-service"_s}));

    const auto rows = auditRows();
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[0].outcome, RunbookRun::Outcome::NotApproved);
    QCOMPARE(rows[1].step, u"inspect"_s);
    QCOMPARE(rows[1].outcome, RunbookRun::Outcome::Passed);
    QCOMPARE(rows[1].approval, u"not required (read-only)"_s);
    QCOMPARE(rows[2].step, u"patch-pool"_s);
    QCOMPARE(rows[2].outcome, RunbookRun::Outcome::NotApproved);
    QVERIFY(!rows[2].approvedAt.isValid());

    // Approving a step that does not exist is an error before anything runs.
    QCOMPARE(
        cli({u"runbook"_s, u"run"_s, strict, u"--param"_s, u"value=ok"_s, u"--approve"_s, u"ecko"_s, u"--db"_s, db()},
            &out, &err),
        2);
    QVERIFY2(err.contains("--approve ecko: runbook RB-E2E-2 has no such step"), err.constData());
    QCOMPARE(kubectlCalls().size(), 1);
}

void TestRunbookCli::approvedStepRunsVerifiedAndAudited()
{
    QByteArray out, err;
    QCOMPARE(cli({u"runbook"_s, u"run"_s, shippedPoolRunbook, u"--service"_s, u"order-service"_s, u"--label"_s,
                  u"namespace=shop"_s, u"--label"_s, u"container=app"_s, u"--approve"_s, u"patch-pool"_s, u"--db"_s,
                  db(), u"--incident"_s, u"42"_s},
                 &out, &err),
             0);
    const auto calls = kubectlCalls();
    QCOMPARE(calls.size(), 3); // inspect, patch, rollout status
    QCOMPARE(calls[1].mid(0, 3), (QStringList{u"kubectl"_s, u"patch"_s, u"deployment"_s}));
    QCOMPARE(calls[1].size(), 8);
    QCOMPARE(calls[2].mid(0, 3), (QStringList{u"kubectl"_s, u"rollout"_s, u"status"_s}));

    const auto rows = auditRows();
    QCOMPARE(rows.size(), 2);
    const RunbookRun& patch = rows[1];
    QCOMPARE(patch.step, u"patch-pool"_s);
    QCOMPARE(patch.outcome, RunbookRun::Outcome::Passed);
    QCOMPARE(patch.incidentId, 42);
    QCOMPARE(patch.approval, u"approved"_s);
    QVERIFY(patch.approvedAt.isValid());
    QCOMPARE(patch.exitCode, std::optional<int>(0));
    QCOMPARE(patch.verify, RunbookRun::Verify::Passed);
    QVERIFY(!patch.rolledBack);
    QCOMPARE(patch.argv, calls[1]);
    QCOMPARE(patch.outputDigest,
             QString::fromLatin1(QCryptographicHash::hash("fake kubectl patch\n", QCryptographicHash::Sha256).toHex()));
    QVERIFY(QFile::exists(patch.logFile));
    QCOMPARE(patch.user, Store::currentUser());
    QCOMPARE(QJsonDocument::fromJson(out).object()[u"result"_s].toString(), u"passed"_s);

    // The export a postmortem takes: the same rows, whole, for this incident only.
    QCOMPARE(cli({u"runbook"_s, u"audit"_s, u"--db"_s, db(), u"--incident"_s, u"42"_s}, &out, &err), 0);
    const QJsonArray exported = QJsonDocument::fromJson(out).object()[u"runbook_runs"_s].toArray();
    QCOMPARE(exported.size(), 2);
    const QJsonObject row = exported.at(1).toObject();
    QCOMPARE(row[u"step"_s].toString(), u"patch-pool"_s);
    QCOMPARE(row[u"incident"_s].toInteger(), 42);
    QCOMPARE(row[u"user"_s].toString(), Store::currentUser());
    QCOMPARE(row[u"approval"_s].toString(), u"approved"_s);
    QCOMPARE(row[u"argv"_s].toArray().size(), calls[1].size());
    QCOMPARE(row[u"output_digest"_s].toString(), patch.outputDigest);
    QCOMPARE(row[u"verify"_s].toString(), u"passed"_s);
    QCOMPARE(cli({u"runbook"_s, u"audit"_s, u"--db"_s, db(), u"--incident"_s, u"7"_s}, &out, &err), 0);
    QVERIFY(QJsonDocument::fromJson(out).object()[u"runbook_runs"_s].toArray().isEmpty());
}

void TestRunbookCli::verifyFailureRunsAutomaticRollback()
{
    writeFile(u"verify-fails"_s, "");
    QByteArray out, err;
    QCOMPARE(cli({u"runbook"_s, u"run"_s, shippedPoolRunbook, u"--service"_s, u"order-service"_s, u"--label"_s,
                  u"container=app"_s, u"--approve"_s, u"patch-pool"_s, u"--db"_s, db()},
                 &out, &err),
             1);
    const auto calls = kubectlCalls();
    QCOMPARE(calls.size(), 4);
    QCOMPARE(calls[3], (QStringList{u"kubectl"_s, u"rollout"_s, u"undo"_s, u"deployment/order-service"_s,
                                    u"--namespace"_s, u"default"_s}));
    const auto rows = auditRows();
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows[1].outcome, RunbookRun::Outcome::Failed);
    QCOMPARE(rows[1].exitCode, std::optional<int>(0)); // the patch itself worked
    QCOMPARE(rows[1].verify, RunbookRun::Verify::Failed);
    QVERIFY(rows[1].rolledBack);
    QCOMPARE(rows[1].rollbackExitCode, std::optional<int>(0));
    QVERIFY2(rows[1].error.contains(u"verify failed"_s), qPrintable(rows[1].error));
    const QJsonObject result = QJsonDocument::fromJson(out).object();
    QCOMPARE(result[u"result"_s].toString(), u"failed"_s);
    QCOMPARE(result[u"runs"_s].toArray()[1].toObject()[u"rolled_back"_s].toBool(), true);

    // A rollback that is only offered (graceful restart) runs when a human asks for it, audited on its own.
    const QString restart = QStringLiteral(NIGHTWATCH_SOURCE_DIR) + u"/resources/runbooks/graceful-restart.yaml"_s;
    const QStringList args{u"runbook"_s, u"run"_s, restart, u"--service"_s, u"api"_s, u"--db"_s, db()};
    QCOMPARE(cli(args + QStringList{u"--approve"_s, u"restart"_s}, &out, &err), 1);
    QCOMPARE(kubectlCalls().size(), 7); // history, restart, rollout status; no undo
    QCOMPARE(auditRows().constLast().verify, RunbookRun::Verify::Failed);
    QVERIFY(!auditRows().constLast().rolledBack);
    QCOMPARE(cli(args + QStringList{u"--rollback"_s, u"restart"_s}, &out, &err), 0);
    QCOMPARE(kubectlCalls().constLast(),
             (QStringList{u"kubectl"_s, u"rollout"_s, u"undo"_s, u"deployment/api"_s, u"--namespace"_s, u"default"_s}));
    const RunbookRun undo = auditRows().constLast();
    QCOMPARE(undo.kind, u"rollback"_s);
    QCOMPARE(undo.outcome, RunbookRun::Outcome::Passed);
    QVERIFY(undo.rolledBack);
    QVERIFY(undo.approvedAt.isValid());
}

void TestRunbookCli::hostileParamsNeverExecute_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("permissive"); // false: the strict runbook must reject it
    QTest::addColumn<bool>("runs");       // with the permissive runbook: arrives as one literal argument
    const QString m = u"pwned"_s;
    const QString values[] = {u"$(touch %1)"_s.arg(m),       u"; touch %1"_s.arg(m),  u"`touch %1`"_s.arg(m),
                              u"| touch %1"_s.arg(m),        u"&& touch %1"_s.arg(m), u"x\ntouch %1"_s.arg(m),
                              u"--kubeconfig=/etc/shadow"_s, QString(4'000, u'a'),    QString(10'000, u'a')};
    const char* names[] = {
        "command substitution", "semicolon",        "backticks",        "pipe", "and-list", "newline",
        "option injection",     "4,000 characters", "10,000 characters"};
    for (int i = 0; i < 9; ++i) {
        const bool valid = !values[i].contains(u'\n') && !values[i].startsWith(u'-') && values[i].size() <= 4096;
        QTest::addRow("%s, strict", names[i]) << values[i] << false << false;
        QTest::addRow("%s, permissive", names[i]) << values[i] << true << valid;
    }
}

void TestRunbookCli::hostileParamsNeverExecute()
{
    QFETCH(QString, value);
    QFETCH(bool, permissive);
    QFETCH(bool, runs);
    const QString file = writeFile(u"rb.yaml"_s, permissive ? permissiveRunbook : strictRunbook);
    QByteArray out, err;
    const int code = cli(
        {u"runbook"_s, u"run"_s, file, u"--param"_s, u"value="_s + value, u"--approve"_s, u"echo"_s, u"--db"_s, db()},
        &out, &err);
    QVERIFY(!QFile::exists(marker()));
    const auto rows = auditRows();
    QCOMPARE(rows.size(), 1);
    // The permissive pattern ('.*') admits '..': the loader says so first, on a line of its own.
    if (permissive) {
        QVERIFY2(err.startsWith("nightwatch-cli runbook: warning: ") && err.contains("admits '..'"), err.constData());
        err = err.mid(err.indexOf('\n') + 1);
    }
    if (!runs) {
        QCOMPARE(code, 2);
        QVERIFY2(err.startsWith("nightwatch-cli runbook: runbook RB-E2E-") && err.contains("parameter 'value'"),
                 err.constData());
        QCOMPARE(err.count('\n'), 1);
        QVERIFY(kubectlCalls().isEmpty());
        QCOMPARE(rows[0].outcome, RunbookRun::Outcome::Rejected);
        QVERIFY(rows[0].argv.isEmpty());
        return;
    }
    QCOMPARE(code, 0);
    const auto calls = kubectlCalls();
    QCOMPARE(calls.size(), 1);
    QCOMPARE(calls[0], (QStringList{u"kubectl"_s, u"annotate"_s, u"note="_s + value, value}));
    QCOMPARE(rows[0].outcome, RunbookRun::Outcome::Passed);
    QCOMPARE(rows[0].argv, calls[0]);
}

void TestRunbookCli::nonUtf8ParamIsRejected()
{
    // Only a shell in the test can put raw bytes into an argument; the CLI must refuse them.
    const QString file = writeFile(u"rb.yaml"_s, permissiveRunbook);
    QByteArray out, err;
    const int code =
        cli({u"-c"_s, u"exec \"$@\" --param \"value=$(printf 'ns\\377\\376')\""_s, u"sh"_s,
             QStringLiteral(NIGHTWATCH_CLI), u"runbook"_s, u"run"_s, file, u"--approve"_s, u"echo"_s, u"--db"_s, db()},
            &out, &err, u"/bin/sh"_s);
    QCOMPARE(code, 2);
    QVERIFY2(err.contains("parameter 'value' (from input) is not valid UTF-8"), err.constData());
    QVERIFY(kubectlCalls().isEmpty());
    QCOMPARE(auditRows().constFirst().outcome, RunbookRun::Outcome::Rejected);
}

void TestRunbookCli::timeoutKillsProcessGroup_data()
{
    QTest::addColumn<bool>("ignoresTerm");
    QTest::addRow("obeys SIGTERM") << false;
    QTest::addRow("ignores SIGTERM, needs SIGKILL") << true;
}

void TestRunbookCli::timeoutKillsProcessGroup()
{
    QFETCH(bool, ignoresTerm);
    const QString pidFile = m_dir->filePath(u"child.pid"_s);
    writeFile(u"bin/forker"_s,
              (u"#!/bin/sh\n%1sleep 300 &\necho $! > '%2'\nwait\n"_s)
                  .arg(ignoresTerm ? u"trap '' TERM\n"_s : QString(), pidFile)
                  .toUtf8(),
              true);
    const QString file = writeFile(u"hang.yaml"_s, timeoutRunbook);
    QByteArray out, err;
    QCOMPARE(cli({u"runbook"_s, u"run"_s, file, u"--approve"_s, u"hang"_s, u"--kill-grace"_s, u"1"_s, u"--db"_s, db()},
                 &out, &err),
             1);
    QFile f(pidFile);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const pid_t child = pid_t(f.readAll().trimmed().toLongLong());
    QVERIFY(child > 1);
    // Gone, or a zombie waiting for whoever inherited it: either way no longer running.
    const auto running = [child] {
        if (::kill(child, 0) != 0)
            return false;
        QFile stat(u"/proc/%1/stat"_s.arg(child));
        return !stat.open(QIODevice::ReadOnly) || !stat.readAll().contains(") Z ");
    };
    QTRY_VERIFY_WITH_TIMEOUT(!running(), 10'000);
    const auto rows = auditRows();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0].outcome, RunbookRun::Outcome::TimedOut);
    QVERIFY(!rows[0].exitCode);
    QVERIFY2(rows[0].error.contains(u"timed out"_s), qPrintable(rows[0].error));
}

QTEST_GUILESS_MAIN(TestRunbookCli)
#include "tst_runbook_cli.moc"
