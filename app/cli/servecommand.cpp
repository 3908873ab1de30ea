#include "servecommand.h"

#include "clicommand.h"

#include "common/runtimeoptions.h"
#include "common/unixsignalwatcher.h"
#include "notify/slacknotifier.h"
#include "pipeline/consoleruntime.h"
#include "store/store.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSettings>
#include <QHash>
#include <QTextStream>

#include <csignal>
#include <cstdio>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {
// The bound is 10 s from the signal to the exit. The deliveries in flight are answered first (within
// kAnswerWithinMs), then the incidents are saved as far as time allows (until kFinishWithinMs), and the alarm is the
// last resort behind both.
constexpr int kAnswerWithinMs = 5'500;
constexpr int kFinishWithinMs = 8'000;
constexpr int shutdownLimitSeconds = 9;

// The last resort of a shutdown that hangs (a delivery the parser is still chewing on, a store that no
// longer answers): every 200 was answered after its commit, so leaving now loses nothing acknowledged;
// only the incidents' final save is skipped, and the next start rebuilds them from the notifications.
void shutdownTookTooLong(int)
{
    static const char message[] = "nightwatch-cli serve: shutdown did not finish within 9 s; exiting without the final "
                                  "incident save (rebuilt from the stored notifications at the next start)\n";
    [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, message, sizeof message - 1);
    ::_exit(0);
}

} // namespace

int runServeCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Run the receiver, the pollers and the pipeline without a window."_s);
    const RuntimeOptions options;
    options.addTo(parser);
    if (const auto done = parseCommandLine(parser, "serve", args))
        return *done;
    QString error;
    const auto config = options.config(parser, &error);
    if (!config)
        return failCommand("serve", error);

    ConsoleRuntime runtime(*config);
    int exitCode = 0;
    QObject::connect(&runtime, &ConsoleRuntime::started, &runtime, [&](bool ok, const QString& why) {
        if (ok) {
            std::printf("serving: database %s\n", qPrintable(Store::displayName(config->databasePath)));
        } else {
            failCommand("serve", why);
            exitCode = 2;
            QCoreApplication::quit();
        }
        std::fflush(stdout);
    });
    QElapsedTimer sinceStart;
    sinceStart.start();
    QObject::connect(&runtime, &ConsoleRuntime::restored, [&sinceStart] {
        std::printf("restored: incidents rebuilt from the stored notifications %lld ms after start\n",
                    qlonglong(sinceStart.elapsed()));
        std::fflush(stdout);
    });
    QObject::connect(&runtime, &ConsoleRuntime::webhookListening, [](quint16 port) {
        std::printf("webhook: listening on port %u\n", unsigned(port));
        std::fflush(stdout);
    });
    QObject::connect(&runtime, &ConsoleRuntime::failed,
                     [](const QString& why) { std::fprintf(stderr, "nightwatch-cli serve: %s\n", qPrintable(why)); });
    // A receiver that cannot listen (another serve on the port) must not look like a running one to its supervisor:
    // it exits 2 (said by failed() above), rather than go on storing nothing but what its pollers bring.
    QObject::connect(&runtime, &ConsoleRuntime::webhookFailed, [&exitCode] {
        exitCode = 2;
        QCoreApplication::quit();
    });
    QObject::connect(&runtime, &ConsoleRuntime::graphDiscoveryFinished, [](bool ok, const QString& message) {
        if (ok)
            std::printf("%s\n", qPrintable(message));
        else
            std::fprintf(stderr, "nightwatch-cli serve: %s\n", qPrintable(message));
        std::fflush(stdout);
    });
    // Slack: one message per new incident, as the console would (NIGHTWATCH_SLACK_WEBHOOK_URL or the setting).
    SlackNotifier slack;
    slack.setWebhookUrl(SlackNotifier::configuredUrl());
    const QSettings settings;
    slack.setDoNotDisturb(settings.value(SlackNotifier::doNotDisturbKey(), false).toBool() &&
                          settings.value(u"notifications/doNotDisturb"_s, false).toBool());
    QObject::connect(&slack, &SlackNotifier::delivered, [](const QString& key, int attempts) {
        std::printf("slack: incident %s posted (attempt %d)\n", qPrintable(key), attempts);
        std::fflush(stdout);
    });
    QObject::connect(&slack, &SlackNotifier::failed, [](const QString& key, const QString& why) {
        std::fprintf(stderr, "nightwatch-cli serve: Slack message for incident %s not delivered: %s\n", qPrintable(key),
                     qPrintable(why));
    });
    QObject::connect(&runtime, &ConsoleRuntime::snapshotReady, &slack, &SlackNotifier::setSnapshot);
    qint64 lastNotifications = -1;
    QHash<qint64, QString> shownState; // by incident id: what the log last said about its human state
    QHash<qint64, QString> shownCause; // by incident id: the top cause the log last named
    QObject::connect(&runtime, &ConsoleRuntime::snapshotReady, [&](IncidentSnapshotPtr s) {
        // A headless console's log says what people decided, here or on another console of a shared store.
        for (const Incident& i : s->incidents) {
            if (i.id <= 0)
                continue;
            // Diagnosed on a worker: a new incident is logged at once, its top cause when the diagnosis names one.
            const QString cause = i.rootCauses.isEmpty() ? QString() : i.rootCauses.constFirst().service;
            if (shownState.contains(i.id) && !cause.isEmpty() && cause != shownCause.value(i.id))
                std::printf("incident #%lld top cause %s\n", qlonglong(i.id), qPrintable(cause));
            shownCause.insert(i.id, cause);
            QString state = Incident::stateName(i.state);
            if (i.state != Incident::State::Triggered && !i.acknowledgedBy.isEmpty())
                state += u" (acknowledged by %1 at %2)"_s.arg(i.acknowledgedBy,
                                                              i.acknowledgedAt.toString(Qt::ISODateWithMs));
            const auto known = shownState.constFind(i.id);
            if (known != shownState.cend() && *known == state)
                continue;
            if (known == shownState.cend())
                std::printf("incident #%lld %s: %s, top cause %s\n", qlonglong(i.id), qPrintable(i.key),
                            qPrintable(state),
                            i.rootCauses.isEmpty() ? "none" : qPrintable(i.rootCauses.constFirst().service));
            else if (i.state == Incident::State::Acknowledged)
                std::printf("incident #%lld acknowledged by %s at %s\n", qlonglong(i.id), qPrintable(i.acknowledgedBy),
                            qPrintable(i.acknowledgedAt.toString(Qt::ISODateWithMs)));
            else
                std::printf("incident #%lld %s\n", qlonglong(i.id), qPrintable(Incident::stateName(i.state)));
            shownState.insert(i.id, state);
        }
        std::fflush(stdout);
        if (s->notificationCount == lastNotifications)
            return; // health-only snapshots would flood the log
        lastNotifications = s->notificationCount;
        int open = 0;
        for (const Incident& i : s->incidents)
            open += i.isOpen() ? 1 : 0;
        std::printf("%lld notifications, %lld alerts -> %d open incidents\n", qlonglong(s->notificationCount),
                    qlonglong(s->alertCount), open);
        std::fflush(stdout);
    });

    // SIGTERM/SIGINT: stop accepting, answer every delivery in flight (200 once stored, else 503 with Retry-After),
    // save, close the database and exit 0, all within shutdownLimitSeconds; a second signal ends it at once (nothing
    // acknowledged is lost).
    UnixSignalWatcher signals({SIGINT, SIGTERM});
    QObject::connect(&runtime, &ConsoleRuntime::stopped, &QCoreApplication::quit);
    QObject::connect(&signals, &UnixSignalWatcher::received, [&runtime](int signal, int count) {
        if (count > 1) {
            std::fprintf(stderr, "nightwatch-cli serve: second stop signal; exiting at once (incidents are rebuilt "
                                 "from the stored notifications at the next start)\n");
            ::_exit(0);
        }
        std::printf("stopping (%s)\n", signal == SIGINT ? "SIGINT" : "SIGTERM");
        std::fflush(stdout);
        std::signal(SIGALRM, shutdownTookTooLong);
        ::alarm(shutdownLimitSeconds);
        runtime.stop(kAnswerWithinMs, kFinishWithinMs); // stopped() quits
    });
    runtime.start();
    const int rc = QCoreApplication::exec();
    return exitCode ? exitCode : rc;
}
