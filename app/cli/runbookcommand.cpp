#include "runbookcommand.h"

#include "clicommand.h"
#include "incidentjson.h"

#include "common/runtimeoptions.h"
#include "metrics/prometheusclient.h"
#include "runbook/approvaltoken.h"
#include "runbook/paramresolver.h"
#include "runbook/processrunner.h"
#include "runbook/runbookaudit.h"
#include "runbook/runbookloader.h"
#include "runbook/stepexecutor.h"
#include "store/store.h"

#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QSet>
#include <QStandardPaths>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <functional>

using namespace Qt::StringLiterals;
using nlohmann::ordered_json;

namespace {

std::string str(const QString& s)
{
    return s.toStdString();
}

ordered_json strings(const QStringList& list)
{
    ordered_json out = ordered_json::array();
    for (const QString& s : list)
        out.push_back(str(s));
    return out;
}

// "k=v" options into a map; a key given twice is an error (which value was meant?).
bool keyValues(const QStringList& items, const QString& option, QMap<QString, QString>* out, QString* error)
{
    for (const QString& item : items) {
        const qsizetype eq = item.indexOf(u'=');
        if (eq <= 0) {
            *error = u"--%1 wants NAME=VALUE, got '%2'"_s.arg(option, item.left(60));
            return false;
        }
        const QString key = item.left(eq);
        if (out->contains(key)) {
            *error = u"--%1 %2 is given twice"_s.arg(option, key);
            return false;
        }
        out->insert(key, item.mid(eq + 1));
    }
    return true;
}

ordered_json planJson(const ResolvedRunbook& rb)
{
    ordered_json params = ordered_json::array();
    for (const ResolvedParam& p : rb.params)
        params.push_back({{"name", str(p.name)}, {"value", str(p.value)}, {"source", str(p.source)}});
    ordered_json steps = ordered_json::array();
    for (const ResolvedStep& s : rb.steps) {
        const QString program = ProcessRunner::findProgram(s.argv.constFirst(), s.env.value(u"PATH"_s));
        ordered_json verify = nullptr;
        if (!s.verifyArgv.isEmpty())
            verify = {{"argv", strings(s.verifyArgv)}, {"timeout_s", s.verifyTimeoutMs / 1000.0}};
        else if (!s.verifyPromql.isEmpty())
            verify = {{"promql", str(s.verifyPromql)}, {"supported", false}};
        ordered_json rollback = nullptr;
        if (!s.rollbackArgv.isEmpty())
            rollback = {{"argv", strings(s.rollbackArgv)}, {"automatic", s.rollbackAutomatic}};
        steps.push_back({{"name", str(s.name)},
                         {"safety", str(safetyName(s.safety))},
                         {"requires_approval", s.requiresApproval},
                         {"argv", strings(s.argv)},
                         {"program", program.isEmpty() ? ordered_json(nullptr) : ordered_json(str(program))},
                         {"env", strings(s.env.keys())},
                         {"timeout_s", s.timeoutMs / 1000.0},
                         {"params", strings(s.params)},
                         {"verify", verify},
                         {"rollback", rollback}});
    }
    return {{"runbook", str(rb.id)},
            {"title", str(rb.title)},
            {"file", str(rb.file)},
            {"params", params},
            {"steps", steps}};
}

ordered_json runJson(const RunbookRun& r)
{
    const auto optional = [](const std::optional<int>& v) { return v ? ordered_json(*v) : ordered_json(nullptr); };
    return {{"step", str(r.step)},
            {"kind", str(r.kind)},
            {"outcome", str(outcomeName(r.outcome))},
            {"exit_code", optional(r.exitCode)},
            {"duration_ms", r.durationMs},
            {"verify", str(verifyName(r.verify))},
            {"rolled_back", r.rolledBack},
            {"rollback_exit_code", optional(r.rollbackExitCode)},
            {"output_digest", str(r.outputDigest)},
            {"log_file", str(r.logFile)},
            {"error", str(r.error)},
            {"audit_id", r.id}};
}

// The whole audit row: who, when, which incident and runbook, the exact argv and its approval, and the result.
ordered_json auditJson(const RunbookRun& r)
{
    ordered_json row = {{"audit_id", r.id},
                        {"at", str(r.at.toString(Qt::ISODateWithMs))},
                        {"user", str(r.user)},
                        {"incident", r.incidentId ? ordered_json(r.incidentId) : ordered_json(nullptr)},
                        {"runbook", str(r.runbookId)},
                        {"argv", strings(r.argv)},
                        {"approval", str(r.approval)},
                        {"approved_at", str(r.approvedAt.toString(Qt::ISODateWithMs))}};
    const ordered_json result = runJson(r); // items() of a temporary would dangle
    for (const auto& [key, value] : result.items())
        if (!row.contains(key))
            row[key] = value;
    return row;
}

// `runbook audit`: every stored attempt (of one incident), oldest first, for a postmortem or a review.
int exportAudit(const QString& dbPath, std::optional<qint64> incident)
{
    Store store(u"nightwatch-runbook-audit"_s);
    QString error;
    if (!store.open(dbPath, &error))
        return failCommand("runbook", error);
    ordered_json rows = ordered_json::array();
    for (const RunbookRun& r : store.runbookRuns(incident))
        rows.push_back(auditJson(r));
    printJson(ordered_json{{"runbook_runs", rows}});
    return 0;
}

} // namespace

int runRunbookCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Show (plan) or run (run) a runbook's steps. A step runs only when it is "
                                     "named by --approve, or is read-only and marked requires_approval: false; "
                                     "the run stops at the first step that is neither."_s);
    parser.addPositionalArgument(u"action"_s, u"plan: print the resolved steps as JSON. run: run approved steps. "
                                              "audit: export the stored attempts (--db, --incident) as JSON."_s);
    parser.addPositionalArgument(u"file"_s, u"Runbook YAML (a file, or :/runbooks/NAME.yaml for a shipped one)."_s);
    const QCommandLineOption param(u"param"_s, u"A parameter value typed by you (repeatable)."_s, u"name=value"_s);
    const QCommandLineOption label(u"label"_s, u"An alert label parameters may take their value from (repeatable)."_s,
                                   u"name=value"_s);
    const QCommandLineOption service(u"service"_s, u"The diagnosed service, for parameters with source: service."_s,
                                     u"name"_s);
    const QCommandLineOption approve(u"approve"_s, u"Approve these steps (comma-separated, repeatable)."_s,
                                     u"step[,step]"_s);
    const QCommandLineOption db(u"db"_s, u"SQLite database or postgresql:// URL for the audit (default: the console's)."_s, u"file"_s);
    const QCommandLineOption incident(u"incident"_s, u"Incident id the run belongs to (audit)."_s, u"id"_s);
    const QCommandLineOption logDir(u"log-dir"_s, u"Where each step's full output is written."_s, u"dir"_s);
    const QCommandLineOption grace(u"kill-grace"_s, u"Seconds between SIGTERM and SIGKILL at a timeout (5)."_s,
                                   u"seconds"_s, u"5"_s);
    const QCommandLineOption rollback(u"rollback"_s,
                                      u"Run only this step's rollback (approving it); for a rollback that is offered, "
                                      "not automatic."_s,
                                      u"step"_s);
    const QCommandLineOption prometheus(u"prometheus"_s, u"Prometheus base URL for PromQL verify conditions."_s,
                                        u"url"_s);
    parser.addOptions({param, label, service, approve, rollback, db, incident, logDir, grace, prometheus});
    if (const auto done = parseCommandLine(parser, "runbook", args))
        return *done;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() == 1 && positional.at(0) == u"audit") {
        std::optional<qint64> only;
        if (parser.isSet(incident)) {
            bool ok = false;
            only = parser.value(incident).toLongLong(&ok);
            if (!ok || *only <= 0)
                return failCommand("runbook", u"--incident wants a positive incident id"_s);
        }
        return exportAudit(parser.isSet(db) ? parser.value(db) : RuntimeOptions::defaultDatabasePath(false), only);
    }
    if (positional.size() != 2 || (positional.at(0) != u"plan" && positional.at(0) != u"run"))
        return failCommand("runbook", u"expected: runbook plan FILE | runbook run FILE | runbook audit"_s);
    const bool run = positional.at(0) == u"run";

    QString error;
    const auto runbook = RunbookLoader::loadFile(positional.at(1), &error);
    if (!runbook)
        return failCommand("runbook", error);
    for (const QString& risk : runbook->warnings)
        std::fprintf(stderr, "nightwatch-cli runbook: warning: %s\n", qPrintable(risk));

    ParamResolver::Context context;
    QMap<QString, QString> labels;
    if (!keyValues(parser.values(param), u"param"_s, &context.input, &error) ||
        !keyValues(parser.values(label), u"label"_s, &labels, &error))
        return failCommand("runbook", error);
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        context.labels.insert(it.key(), it.value());
    context.service = parser.value(service);

    QSet<QString> approved;
    for (const QString& list : parser.values(approve))
        for (const QString& name : list.split(u',', Qt::SkipEmptyParts))
            approved.insert(name.trimmed());
    for (const QString& name : std::as_const(approved))
        if (std::none_of(runbook->steps.cbegin(), runbook->steps.cend(),
                         [&](const RunbookStep& s) { return s.name == name; }))
            return failCommand("runbook", u"--approve %1: runbook %2 has no such step"_s.arg(name, runbook->id));
    const QString rollbackStep = parser.value(rollback);
    if (parser.isSet(rollback)) {
        const auto it = std::find_if(runbook->steps.cbegin(), runbook->steps.cend(),
                                     [&](const RunbookStep& s) { return s.name == rollbackStep; });
        if (it == runbook->steps.cend() || it->rollback.isEmpty())
            return failCommand("runbook", u"--rollback %1: runbook %2 has no such step with a rollback"_s.arg(
                                              rollbackStep, runbook->id));
        if (!approved.isEmpty())
            return failCommand("runbook", u"--rollback runs one rollback on its own; leave out --approve"_s);
    }
    qint64 incidentId = 0;
    if (parser.isSet(incident)) {
        bool ok = false;
        incidentId = parser.value(incident).toLongLong(&ok);
        if (!ok || incidentId <= 0)
            return failCommand("runbook", u"--incident wants a positive incident id"_s);
    }
    bool graceOk = false;
    const double graceSeconds = parser.value(grace).toDouble(&graceOk);
    if (!graceOk || graceSeconds < 0 || graceSeconds > 600)
        return failCommand("runbook", u"--kill-grace wants seconds from 0 to 600"_s);

    const auto resolved = ParamResolver::resolve(*runbook, context, &error);
    if (!run) {
        if (!resolved)
            return failCommand("runbook", error);
        printJson(planJson(*resolved));
        return 0;
    }

    Store store(u"nightwatch-runbook-cli"_s);
    const QString dbPath = parser.isSet(db) ? parser.value(db) : RuntimeOptions::defaultDatabasePath(false);
    if (!store.open(dbPath, &error))
        return failCommand("runbook", error);
    RunbookAudit audit(&store);
    if (!resolved) {
        // A rejected run is audited too: someone tried to run this runbook with these values.
        RunbookRun rejected;
        rejected.at = QDateTime::currentDateTimeUtc();
        rejected.incidentId = incidentId;
        rejected.runbookId = runbook->id;
        rejected.outcome = RunbookRun::Outcome::Rejected;
        rejected.error = error;
        audit.record(rejected);
        return failCommand("runbook", error);
    }

    StepExecutor executor;
    executor.setGracePeriod(int(graceSeconds * 1000));
    std::unique_ptr<PrometheusClient> prometheusClient;
    if (parser.isSet(prometheus)) {
        const QUrl url(parser.value(prometheus), QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https"))
            return failCommand("runbook", u"--prometheus: '%1' is not an http(s) URL"_s.arg(parser.value(prometheus)));
        prometheusClient = std::make_unique<PrometheusClient>(url);
        executor.setPrometheus(prometheusClient.get());
    }
    executor.setLogDirectory(
        parser.isSet(logDir)
            ? parser.value(logDir)
            : QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).filePath(u"runbook-logs"_s));
    audit.watch(&executor);
    // Step output goes to stderr as it arrives; stdout stays one JSON document.
    QObject::connect(&executor, &StepExecutor::outputReceived, [](const QString&, const QByteArray& chunk, bool) {
        std::fwrite(chunk.constData(), 1, size_t(chunk.size()), stderr);
        std::fflush(stderr);
    });
    QObject::connect(&executor, &StepExecutor::phaseStarted,
                     [](const QString& step, StepExecutor::Phase phase, const QStringList& argv) {
                         static const char* names[] = {"run", "verify", "rollback"};
                         std::fprintf(stderr, "nightwatch-cli runbook: %s %s: %s\n", names[int(phase)],
                                      qPrintable(step), ordered_json(strings(argv)).dump().c_str());
                     });

    ordered_json runs = ordered_json::array();
    QString stoppedAt;
    bool failed = false;
    bool auditFailed = false;
    QObject::connect(&audit, &RunbookAudit::recorded, [&runs](const RunbookRun& r) { runs.push_back(runJson(r)); });
    QObject::connect(&audit, &RunbookAudit::failed, [&auditFailed](const QString& why) {
        auditFailed = true;
        std::fprintf(stderr, "nightwatch-cli runbook: audit not written: %s\n", qPrintable(why));
    });

    // The executor may report synchronously (refused, program not found) or later: wait for whichever.
    const auto runAndWait = [&executor](const std::function<void()>& start) {
        bool done = false;
        RunbookRun result;
        QEventLoop loop;
        const auto connection =
            QObject::connect(&executor, &StepExecutor::stepFinished, &loop, [&](const RunbookRun& r) {
                result = r;
                done = true;
                loop.quit();
            });
        start();
        if (!done)
            loop.exec();
        QObject::disconnect(connection);
        return result;
    };

    if (!rollbackStep.isEmpty()) {
        const ResolvedStep& step = *resolved->step(rollbackStep);
        // --rollback on this command line is the human action that approves exactly this rollback.
        const auto token = ApprovalToken::mint(resolved->id, step, ApprovalToken::Action::Rollback);
        const RunbookRun result = runAndWait([&] { executor.runRollback(resolved->id, step, token, incidentId); });
        failed = !result.succeeded();
    }
    for (const ResolvedStep& step : rollbackStep.isEmpty() ? resolved->steps : QVector<ResolvedStep>()) {
        const bool byHuman = approved.contains(step.name);
        const bool byPolicy = !step.requiresApproval && step.safety == RunbookStep::Safety::ReadOnly;
        if (!byHuman && !byPolicy) {
            RunbookRun stop;
            stop.at = QDateTime::currentDateTimeUtc();
            stop.incidentId = incidentId;
            stop.runbookId = resolved->id;
            stop.step = step.name;
            stop.argv = step.argv;
            stop.outcome = RunbookRun::Outcome::NotApproved;
            stop.error = u"step '%1' was not approved; the run stops here"_s.arg(step.name);
            audit.record(stop);
            stoppedAt = step.name;
            break;
        }
        // --approve on this command line is the human action that mints the token.
        const ApprovalToken token = ApprovalToken::mint(resolved->id, step, ApprovalToken::Action::Run,
                                                        byHuman ? u"approved"_s : u"not required (read-only)"_s);
        const RunbookRun result = runAndWait([&] { executor.run(resolved->id, step, token, incidentId); });
        if (!result.succeeded() || auditFailed) {
            failed = true;
            break;
        }
    }

    const char* outcome = failed ? "failed" : stoppedAt.isEmpty() ? "passed" : "stopped";
    printJson({{"runbook", str(resolved->id)},
               {"result", outcome},
               {"stopped_at", stoppedAt.isEmpty() ? ordered_json(nullptr) : ordered_json(str(stoppedAt))},
               {"runs", runs}});
    return failed || auditFailed ? 1 : 0;
}
