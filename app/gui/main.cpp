// nightwatch: the incident console. Wires ConsoleRuntime (feeds, store, correlation, diagnosis on
// worker threads) to the MainWindow, which only ever reads the snapshots the pipeline publishes.
#include "common/runtimeoptions.h"
#include "desktopnotifier.h"
#include "mainwindow.h"
#include "metrics/incidentmetrics.h"
#include "pipeline/consoleruntime.h"
#include "pipeline/pipeline.h"
#include "runbook/runbooklibrary.h"
#include "theme.h"
#include "warroommode.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QTimer>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {
int fail(const QString& message)
{
    std::fprintf(stderr, "nightwatch: %s\n", qPrintable(message));
    return 2;
}
} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"nightwatch"_s);
    QApplication::setOrganizationName(u"nightwatch"_s);
    QApplication::setApplicationVersion(QStringLiteral(NIGHTWATCH_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Nightwatch incident console."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const RuntimeOptions options;
    options.addTo(parser);
    const QCommandLineOption screenshot(
        u"screenshot"_s, u"Once every feed has been replayed, save the window as a PNG and exit."_s, u"file"_s);
    parser.addOption(screenshot);
    const QCommandLineOption runbooks(u"runbooks"_s, u"Folder of runbook YAML files (beside the built-in examples)."_s,
                                      u"dir"_s);
    parser.addOption(runbooks);
    const QCommandLineOption prometheus(
        u"prometheus"_s, u"Prometheus base URL for the metrics beside an incident (repeatable)."_s, u"url"_s);
    parser.addOption(prometheus);
    const QCommandLineOption warRoom(u"war-room"_s,
                                     u"Start in war-room mode: full screen, large type (F11 toggles)."_s);
    parser.addOption(warRoom);
    const QCommandLineOption theme(
        u"theme"_s, u"Colour scheme: dark, light or system (the default; setting ui/theme)."_s, u"scheme"_s);
    parser.addOption(theme);
    parser.process(app);

    QSettings settings;
    bool themeOk = false;
    const QString themeName = parser.isSet(theme) ? parser.value(theme) : settings.value(u"ui/theme"_s).toString();
    Theme::setScheme(Theme::parseScheme(themeName, QApplication::palette(), &themeOk));
    if (!themeOk)
        return fail(u"--theme: '%1' is not dark, light or system"_s.arg(themeName));

    QString error;
    auto config = options.config(parser, &error);
    if (!config)
        return fail(error);
    const QString screenshotPath = parser.value(screenshot);
    if (!screenshotPath.isEmpty()) {
        if (config->replayFile.isEmpty())
            return fail(u"--screenshot needs something to show: --demo or --replay FILE"_s);
        // A screenshot is of the whole storm, at once, and must not fight a running console for its port.
        config->replaySpeed = 0;
        config->replayFillWithinMs = 0;
        config->webhookEnabled = false;
    }

    MainWindow window;
    // Desktop notifications: the tray when there is one, do-not-disturb remembered, beeps only when asked for.
    DesktopNotifier* notifier = window.notifier();
    notifier->setDoNotDisturb(settings.value(u"notifications/doNotDisturb"_s, false).toBool());
    notifier->setSoundSeverities(settings.value(u"notifications/soundSeverities"_s).toStringList());
    QObject::connect(notifier, &DesktopNotifier::doNotDisturbChanged, notifier,
                     [](bool on) { QSettings().setValue(u"notifications/doNotDisturb"_s, on); });
    if (screenshotPath.isEmpty() && settings.value(u"notifications/tray"_s, true).toBool())
        notifier->enableTray();
    RunbookLibrary library;
    library.load(parser.isSet(runbooks) ? parser.value(runbooks) : QSettings().value(u"runbooks/folder"_s).toString());
    for (const QString& problem : library.errors())
        std::fprintf(stderr, "nightwatch: runbook skipped: %s\n", qPrintable(problem));
    window.setRunbookLibrary(&library);
    IncidentMetrics metrics;
    QList<QUrl> prometheusUrls;
    for (const QString& u : parser.isSet(prometheus) ? parser.values(prometheus)
                                                     : QSettings().value(u"metrics/prometheusUrls"_s).toStringList()) {
        const QUrl url(u, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https"))
            return fail(u"--prometheus: '%1' is not an http(s) URL"_s.arg(u));
        prometheusUrls << url;
    }
    if (!prometheusUrls.isEmpty()) {
        metrics.setServers(prometheusUrls);
        window.setIncidentMetrics(&metrics);
    }
    config->prometheusUrls = prometheusUrls; // the same series, as diagnosis evidence on the pipeline's side
    window.setHistoryDatabase(config->databasePath); // `h`: search, open and replay past incidents
    ConsoleRuntime runtime(*config);
    QObject::connect(&runtime, &ConsoleRuntime::snapshotReady, &window, &MainWindow::setSnapshot);
    QObject::connect(&runtime, &ConsoleRuntime::started, &window, [&](bool ok, const QString& why) {
        if (!ok) {
            std::fprintf(stderr, "nightwatch: %s\n", qPrintable(why));
            QApplication::exit(2);
        }
    });
    QObject::connect(&runtime, &ConsoleRuntime::failed, &window,
                     [](const QString& why) { std::fprintf(stderr, "nightwatch: %s\n", qPrintable(why)); });
    runtime.start();
    Pipeline* pipeline = runtime.pipeline();
    // Human decisions are stored on the pipeline's thread; the window never waits for the disk.
    QObject::connect(&window, &MainWindow::acknowledgeRequested, pipeline,
                     [pipeline](qint64 id) { pipeline->acknowledge(id); });
    QObject::connect(&window, &MainWindow::noteRequested, pipeline,
                     [pipeline](qint64 id, const QString& note) { pipeline->addNote(id, note); });
    QObject::connect(&window, &MainWindow::escalationRequested, pipeline,
                     [pipeline](qint64 id, const QString& note) { pipeline->escalate(id, note); });
    QObject::connect(&window, &MainWindow::runbookRunFinished, pipeline,
                     [pipeline](const RunbookRun& run) { pipeline->recordRunbookRun(run); });

    if (!screenshotPath.isEmpty()) {
        QObject::connect(&runtime, &ConsoleRuntime::replayFinished, &window, [&](bool ok) {
            if (!ok) {
                std::fprintf(stderr, "nightwatch: the replay failed; see the source health\n");
                QApplication::exit(2);
                return;
            }
            // Incidents refresh a few times a second: take the storm's last state now, let that snapshot
            // arrive (it is queued before the shot), then shoot.
            pipeline->flush();
            QTimer::singleShot(0, &window, [&] {
                window.show();
                const bool saved = window.saveScreenshot(screenshotPath);
                if (saved)
                    std::printf("%s\n", qPrintable(screenshotPath));
                else
                    std::fprintf(stderr, "nightwatch: cannot write %s\n", qPrintable(screenshotPath));
                QApplication::exit(saved ? 0 : 2);
            });
        });
        QTimer::singleShot(60'000, &window, [] {
            std::fprintf(stderr, "nightwatch: no screenshot after 60 s\n");
            QApplication::exit(3);
        });
    } else if (parser.isSet(warRoom)) {
        window.show();
        window.warRoom()->setActive(true);
    } else {
        window.show();
    }
    return app.exec();
}
