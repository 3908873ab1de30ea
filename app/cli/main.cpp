// nightwatch-cli: the console's headless entry point, on the same core as the GUI.
#include "bundlecommand.h"
#include "changescommand.h"
#include "diagnosecommand.h"
#include "pipeline/qthashpath.h"
#include "postmortemcommand.h"
#include "replaycommand.h"
#include "reportcommand.h"
#include "runbookcommand.h"
#include "servecommand.h"

#include <QCoreApplication>
#include <QGuiApplication>

#include <cstdio>
#include <cstring>
#include <memory>

using namespace Qt::StringLiterals;

namespace {
void usage(FILE* to)
{
    std::fprintf(
        to, "usage: nightwatch-cli COMMAND [options]   (COMMAND --help for its options)\n"
            "  diagnose SCENARIO.json    group a scenario's alerts and rank root causes (JSON)\n"
            "  replay FEED.json --db F   feed a recording through store, correlation and diagnosis\n"
            "  serve                     webhook receiver + Alertmanager polling + pipeline, no window\n"
            "  changes import FILE       store deploy/config/flag events as diagnosis context\n"
            "  runbook plan|run FILE     resolve a runbook's steps (JSON) or run the --approve'd ones, audited\n"
            "  report --from D --to D    on-call health report of a period (--format md|html|pdf)\n"
            "  postmortem INCIDENT_ID    a postmortem draft from one stored incident (--format md|html)\n"
            "  bundle export|import      one incident as a JSON bundle, and back into another database\n");
}

// Only a PDF needs fonts and a paint engine, hence a QGuiApplication; with no display it renders offscreen.
std::unique_ptr<QCoreApplication> makeApplication(int& argc, char** argv)
{
    QStringList args;
    for (int i = 2; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    if (argc > 1 && std::strcmp(argv[1], "report") == 0 && reportCommandNeedsGui(args)) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY") &&
            qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        return std::make_unique<QGuiApplication>(argc, argv);
    }
    return std::make_unique<QCoreApplication>(argc, argv);
}
} // namespace

int main(int argc, char** argv)
{
    const auto app = makeApplication(argc, argv);
    QtHashPath::logDecision(); // its choice was made before main (core/pipeline/qthashpath.h)
    QCoreApplication::setApplicationName(u"nightwatch"_s); // same data dir and settings as the GUI
    QCoreApplication::setOrganizationName(u"nightwatch"_s);
    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty()) {
        usage(stderr);
        return 2;
    }
    const QString command = args.takeFirst();
    if (command == u"diagnose")
        return runDiagnoseCommand(args);
    if (command == u"replay")
        return runReplayCommand(args);
    if (command == u"serve")
        return runServeCommand(args);
    if (command == u"changes")
        return runChangesCommand(args);
    if (command == u"runbook")
        return runRunbookCommand(args);
    if (command == u"report")
        return runReportCommand(args);
    if (command == u"postmortem")
        return runPostmortemCommand(args);
    if (command == u"bundle")
        return runBundleCommand(args);
    if (command == u"help" || command == u"--help" || command == u"-h") {
        usage(stdout);
        return 0;
    }
    std::fprintf(stderr, "nightwatch-cli: unknown command '%s'\n", qPrintable(command));
    usage(stderr);
    return 2;
}
