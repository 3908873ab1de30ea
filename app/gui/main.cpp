// nightwatch: the incident console. Wires ConsoleRuntime (feeds, store, correlation, diagnosis on
// worker threads) to the MainWindow, which only ever reads the snapshots the pipeline publishes.
#include "common/runtimeoptions.h"
#include "common/unixsignalwatcher.h"
#include "desktopnotifier.h"
#include "incidentsilencer.h"
#include "mainwindow.h"
#include "metrics/incidentmetrics.h"
#include "notify/slacknotifier.h"
#include "pipeline/consoleruntime.h"
#include "pipeline/pipeline.h"
#include "pipeline/qthashpath.h"
#include "pipeline/workerpriority.h"
#include "runbook/runbooklibrary.h"
#include "theme.h"
#include "triage/apikeylookup.h"
#include "triage/llmtriageclient.h"
#include "uitranslations.h"
#include "warroommode.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLabel>
#include <QLocale>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <optional>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {
int fail(const QString& message)
{
    std::fprintf(stderr, "nightwatch: %s\n", qPrintable(message));
    return 2;
}

// --lang is read before the parser exists, so that --help is already in that language.
QString requestedLanguage(const QStringList& arguments)
{
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString& a = arguments.at(i);
        if (a == u"--")
            break;
        if (a == u"--lang" && i + 1 < arguments.size())
            return arguments.at(i + 1);
        if (a.startsWith(u"--lang="))
            return a.mid(7);
    }
    return QSettings().value(u"ui/language"_s).toString();
}

// The system locale (LANG, LC_ALL, LC_MESSAGES; LANGUAGE for the order of preference) unless --lang says.
bool chooseLanguage(const QString& language)
{
    if (!language.isEmpty()) {
        const QLocale chosen(language);
        if (chosen.language() == QLocale::C && language != u"C")
            return false;
        QLocale::setDefault(chosen);
    }
    UiTranslations::install(QLocale());
    return true;
}

// The console's own options beside the RuntimeOptions it shares with `nightwatch-cli serve`.
struct ConsoleOptions
{
    QCommandLineOption screenshot{
        u"screenshot"_s,
        QCoreApplication::translate("main", "Once every feed has been replayed, save the window as a PNG and exit."),
        QCoreApplication::translate("main", "file")};
    QCommandLineOption runbooks{
        u"runbooks"_s,
        QCoreApplication::translate("main", "Folder of runbook YAML files (beside the built-in examples)."),
        QCoreApplication::translate("main", "dir")};
    QCommandLineOption warRoom{
        u"war-room"_s,
        QCoreApplication::translate("main", "Start in war-room mode: full screen, large type (F11 toggles).")};
    QCommandLineOption theme{
        u"theme"_s,
        QCoreApplication::translate("main", "Colour scheme: dark, light or system (the default; setting ui/theme)."),
        QCoreApplication::translate("main", "scheme")};
    QCommandLineOption lang{
        u"lang"_s,
        QCoreApplication::translate(
            "main", "Language of the console, e.g. de or en (default: the system locale; setting ui/language)."),
        QCoreApplication::translate("main", "language")};

    void addTo(QCommandLineParser& parser) const
    {
        parser.setApplicationDescription(QCoreApplication::translate("main", "Nightwatch incident console."));
        parser.addHelpOption();
        parser.addVersionOption();
        runtime.addTo(parser);
        parser.addOptions({screenshot, runbooks, warRoom, theme, lang});
    }

    const RuntimeOptions runtime;
};

// --help, --version and a mistyped option are answered before the window system is touched: creating the
// QApplication aborts without a display, and these must work over ssh and in scripts. nullopt: go on.
std::optional<int> answerWithoutDisplay(int& argc, char** argv)
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    {
        QCommandLineParser check;
        ConsoleOptions().addTo(check);
        if (check.parse(args) && !check.isSet(u"help"_s) && !check.isSet(u"help-all"_s) && !check.isSet(u"version"_s))
            return std::nullopt;
    }
    QCoreApplication core(argc, argv);
    QCoreApplication::setApplicationName(u"nightwatch"_s);
    QCoreApplication::setOrganizationName(u"nightwatch"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(NIGHTWATCH_VERSION));
    const QString language = requestedLanguage(args);
    if (!chooseLanguage(language))
        return fail(u"--lang: '%1' is not a language such as de or en"_s.arg(language));
    QCommandLineParser parser;
    const ConsoleOptions options; // after the translator: --help in the console's language
    options.addTo(parser);
    parser.process(core); // prints the help, the version or the mistake, and exits
    return 2;
}
} // namespace

int main(int argc, char** argv)
{
    if (const auto answered = answerWithoutDisplay(argc, argv))
        return *answered;
    QApplication app(argc, argv);
    QtHashPath::logDecision(); // its choice was made before main (core/pipeline/qthashpath.h)
    QApplication::setApplicationName(u"nightwatch"_s);
    QApplication::setOrganizationName(u"nightwatch"_s);
    QApplication::setApplicationVersion(QStringLiteral(NIGHTWATCH_VERSION));

    const QString language = requestedLanguage(QApplication::arguments());
    if (!chooseLanguage(language))
        return fail(u"--lang: '%1' is not a language such as de or en"_s.arg(language));

    QCommandLineParser parser;
    const ConsoleOptions console;
    console.addTo(parser);
    const RuntimeOptions& options = console.runtime;
    const QCommandLineOption& screenshot = console.screenshot;
    const QCommandLineOption& runbooks = console.runbooks;
    const QCommandLineOption& warRoom = console.warRoom;
    const QCommandLineOption& theme = console.theme;
    parser.process(app);

    QSettings settings;
    bool themeOk = false;
    const QString themeName = parser.isSet(theme) ? parser.value(theme) : settings.value(u"ui/theme"_s).toString();
    Theme::setScheme(Theme::parseScheme(themeName, QApplication::palette(), &themeOk));
    if (!themeOk)
        return fail(QCoreApplication::translate("main", "--theme: '%1' is not dark, light or system").arg(themeName));

    QString error;
    auto config = options.config(parser, &error);
    if (!config)
        return fail(error);
    const QString screenshotPath = parser.value(screenshot);
    if (!screenshotPath.isEmpty()) {
        if (config->replayFile.isEmpty())
            return fail(
                QCoreApplication::translate("main", "--screenshot needs something to show: --demo or --replay FILE"));
        // A screenshot is of the whole storm, at once, and must not fight a running console for its port.
        config->replaySpeed = 0;
        config->replayFillWithinMs = 0;
        config->webhookEnabled = false;
    }

    MainWindow window;
    // Desktop notifications: the tray when there is one, do-not-disturb remembered, beeps only when asked for.
    DesktopNotifier* notifier = window.notifier();
    // Slack: one message per new incident, decided on the same snapshots the desktop notification sees.
    SlackNotifier slack;
    QObject::connect(&slack, &SlackNotifier::failed, &window, [](const QString& key, const QString& why) {
        std::fprintf(stderr, "nightwatch: Slack message for incident %s not delivered: %s\n", qPrintable(key),
                     qPrintable(why));
    });
    // Advisory LLM triage; the deterministic one is always shown first.
    LlmTriageClient triage;
    ApiKeyLookup keyLookup;
    QObject::connect(&keyLookup, &ApiKeyLookup::finished, &window, [&](const QString& key, const QString&) {
        if (!key.isEmpty()) {
            triage.setApiKey(key);
            window.resetTriage(); // answers refused for want of a key are asked again
        }
    });
    // What the settings dialog changes applies at once; sources and files wait for the next start.
    const auto applyLiveSettings = [&] {
        const QSettings live;
        notifier->setDoNotDisturb(live.value(u"notifications/doNotDisturb"_s, false).toBool());
        notifier->setSoundSeverities(live.value(u"notifications/soundSeverities"_s).toStringList());
        // A screenshot run never talks to Slack.
        slack.setWebhookUrl(screenshotPath.isEmpty() ? SlackNotifier::configuredUrl() : QUrl());
        slack.setDoNotDisturb(live.value(SlackNotifier::doNotDisturbKey(), false).toBool() && notifier->doNotDisturb());
        LlmTriageClient::Config llm = LlmTriageClient::Config::fromSettings();
        const bool askKeyring = llm.enabled && llm.apiKey.isEmpty() && ApiKeyLookup::keyringAvailable();
        if (llm.apiKey.isEmpty())
            llm.apiKey = triage.config().endpoint == llm.endpoint ? triage.config().apiKey : QString();
        triage.setConfig(llm);
        if (askKeyring && llm.apiKey.isEmpty())
            keyLookup.start(llm.endpoint.host());
        window.resetTriage();
    };
    applyLiveSettings();
    QObject::connect(&window, &MainWindow::settingsChanged, &window, [&](bool) { applyLiveSettings(); });
    window.setTriageClient(&triage);
    QObject::connect(notifier, &DesktopNotifier::doNotDisturbChanged, notifier, [&slack](bool on) {
        QSettings().setValue(u"notifications/doNotDisturb"_s, on);
        slack.setDoNotDisturb(on && QSettings().value(SlackNotifier::doNotDisturbKey(), false).toBool());
    });
    if (screenshotPath.isEmpty() && settings.value(u"notifications/tray"_s, true).toBool())
        notifier->enableTray();
    RunbookLibrary library;
    library.load(parser.isSet(runbooks) ? parser.value(runbooks) : QSettings().value(u"runbooks/folder"_s).toString());
    for (const QString& problem : library.errors())
        std::fprintf(stderr, "nightwatch: %s\n",
                     qPrintable(QCoreApplication::translate("main", "runbook skipped: %1").arg(problem)));
    for (const QString& risk : library.warnings())
        std::fprintf(stderr, "nightwatch: %s\n",
                     qPrintable(QCoreApplication::translate("main", "runbook warning: %1").arg(risk)));
    window.setRunbookLibrary(&library);
    IncidentMetrics metrics;
    // `s` silences in the first Alertmanager: an HA pair shares its silences.
    std::unique_ptr<IncidentSilencer> silencer;
    if (!config->alertmanagerUrls.isEmpty()) {
        silencer = std::make_unique<IncidentSilencer>(config->alertmanagerUrls.first(), config->alertmanagerAccess);
        window.setSilencer(silencer.get());
    }
    // The series beside an incident; the pipeline asks the same servers for diagnosis evidence.
    if (!config->prometheusUrls.isEmpty()) {
        metrics.setServers(config->prometheusUrls, config->prometheusAccess);
        window.setIncidentMetrics(&metrics);
    }
    window.setDatabasePath(config->databasePath);    // the report and the exports read the history from it
    window.setHistoryDatabase(config->databasePath); // `h`: search, open and replay past incidents
    config->workerNiceSteps =
        WorkerPriority::kBelowWindow; // the window first: a storm must not keep it waiting for a core
    ConsoleRuntime runtime(*config);
    QObject::connect(&runtime, &ConsoleRuntime::snapshotReady, &window, &MainWindow::postSnapshot);
    QObject::connect(&runtime, &ConsoleRuntime::snapshotReady, &slack, &SlackNotifier::setSnapshot);
    QObject::connect(&runtime, &ConsoleRuntime::started, &window, [&](bool ok, const QString& why) {
        if (!ok) {
            std::fprintf(stderr, "nightwatch: %s\n", qPrintable(why));
            QApplication::exit(2);
        }
    });
    QObject::connect(&runtime, &ConsoleRuntime::failed, &window,
                     [](const QString& why) { std::fprintf(stderr, "nightwatch: %s\n", qPrintable(why)); });
    // Graph discovery says each round in the status bar; a failure also goes to stderr (the last graph stays).
    auto* graphStatus = new QLabel(&window);
    graphStatus->setTextFormat(Qt::PlainText); // URLs and errors come from the outside world
    graphStatus->setVisible(!config->discoverGraphUrl.isEmpty());
    window.statusBar()->addPermanentWidget(graphStatus);
    bool graphDiscovered = config->discoverGraphUrl.isEmpty(); // a screenshot waits for the first round
    QObject::connect(
        &runtime, &ConsoleRuntime::graphDiscoveryFinished, &window, [&, graphStatus](bool ok, const QString& message) {
            // The whole line in the tooltip; the bar keeps the counts or the error's start.
            graphStatus->setToolTip(message);
            graphStatus->setText(graphStatus->fontMetrics().elidedText(message, Qt::ElideRight, window.width() / 2));
            graphStatus->setStyleSheet(ok ? QString() : u"color: #E65100; font-weight: bold;"_s);
            if (!ok)
                std::fprintf(stderr, "nightwatch: %s\n", qPrintable(message));
            graphDiscovered = true;
        });
    runtime.start();
    Pipeline* pipeline = runtime.pipeline();
    // Human decisions are stored on the pipeline's thread; the window never waits for the disk.
    QObject::connect(&window, &MainWindow::acknowledgeRequested, pipeline,
                     [pipeline](qint64 id) { pipeline->acknowledge(id); });
    QObject::connect(&window, &MainWindow::mitigateRequested, pipeline,
                     [pipeline](qint64 id) { pipeline->mitigate(id); });
    QObject::connect(&window, &MainWindow::resolveRequested, pipeline,
                     [pipeline](qint64 id, const Resolution& resolution) { pipeline->resolve(id, resolution); });
    QObject::connect(&window, &MainWindow::noteRequested, pipeline,
                     [pipeline](qint64 id, const QString& note) { pipeline->addNote(id, note); });
    QObject::connect(&window, &MainWindow::escalationRequested, pipeline,
                     [pipeline](qint64 id, const QString& note) { pipeline->escalate(id, note); });
    QObject::connect(&window, &MainWindow::runbookRunFinished, pipeline,
                     [pipeline](const RunbookRun& run) { pipeline->recordRunbookRun(run); });

    // The shot waits for the replay and, with graph discovery, for its first round: what a live run shows. The
    // flags live as long as the event loop below, which is when the lambdas read them.
    bool replayed = false;
    bool shot = false;
    if (!screenshotPath.isEmpty()) {
        const auto shootWhenReady = [&] {
            if (!replayed || !graphDiscovered || shot)
                return;
            shot = true;
            // Incidents refresh a few times a second: take the storm's last state now, let that snapshot
            // arrive (it is queued before the shot), then shoot.
            pipeline->flush();
            // The shot shows what F11 shows, at the window's size (full screen would be the virtual screen's); the
            // war room shares its splitters and scrolls the runbook step into view after the switch: let it settle.
            const bool warRoomShot = parser.isSet(warRoom);
            if (warRoomShot) {
                window.show();
                window.warRoom()->setFullScreenEnabled(false);
                window.warRoom()->setActive(true);
            }
            QTimer::singleShot(warRoomShot ? 250 : 0, &window, [&] {
                window.show();
                const bool saved = window.saveScreenshot(screenshotPath);
                if (saved)
                    std::printf("%s\n", qPrintable(screenshotPath));
                else
                    std::fprintf(
                        stderr, "nightwatch: %s\n",
                        qPrintable(QCoreApplication::translate("main", "cannot write %1").arg(screenshotPath)));
                QApplication::exit(saved ? 0 : 2);
            });
        };
        QObject::connect(&runtime, &ConsoleRuntime::graphDiscoveryFinished, &window, shootWhenReady);
        QObject::connect(&runtime, &ConsoleRuntime::replayFinished, &window, [&, shootWhenReady](bool ok) {
            if (!ok) {
                std::fprintf(
                    stderr, "nightwatch: %s\n",
                    qPrintable(QCoreApplication::translate("main", "the replay failed; see the source health")));
                QApplication::exit(2);
                return;
            }
            replayed = true;
            shootWhenReady();
        });
        QTimer::singleShot(60'000, &window, [] {
            std::fprintf(stderr, "nightwatch: %s\n",
                         qPrintable(QCoreApplication::translate("main", "no screenshot after 60 s")));
            QApplication::exit(3);
        });
    } else if (parser.isSet(warRoom)) {
        window.show();
        window.warRoom()->setActive(true);
    } else {
        window.show();
    }
    // SIGTERM/SIGINT (logout, systemd, Ctrl-C) quit like the window's Quit: the runtime then stops the
    // receiver, saves and closes the database, and a running step's processes are killed with it. A second
    // signal ends it at once; every delivery answered 200 is already committed.
    UnixSignalWatcher signals({SIGINT, SIGTERM});
    QObject::connect(&signals, &UnixSignalWatcher::received, &app, [](int, int count) {
        if (count > 1)
            ::_exit(0);
        QApplication::quit();
    });
    return app.exec();
}
