#include "replaycommand.h"

#include "clicommand.h"

#include "incidentjson.h"

#include "graph/servicegraph.h"
#include "ingest/replaysource.h"
#include "ingest/scenarioreader.h"
#include "pipeline/pipeline.h"

#include <QCommandLineParser>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;

int runReplayCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Feed a recorded feed through store, correlation and diagnosis."_s);
    parser.addPositionalArgument(u"feed"_s, u"Recorded feed / scenario JSON (docs/scenario-format.md)."_s);
    const QCommandLineOption db(u"db"_s,
                                u"SQLite database to write (created when missing), or a postgresql:// URL. Without it "
                                "the replay goes into a temporary database, deleted at exit: a recording never lands "
                                "in the console's own history."_s,
                                u"file"_s);
    const QCommandLineOption graph(u"graph"_s, u"Dependency graph JSON (default: the feed's topology)."_s, u"file"_s);
    const QCommandLineOption inhibit(u"inhibit-rules"_s, u"Alertmanager config whose inhibit_rules apply."_s,
                                     u"yaml"_s);
    const QCommandLineOption keepTimes(u"keep-times"_s, u"Store the recorded times instead of shifting them to now."_s);
    parser.addOptions({db, graph, inhibit, keepTimes});
    if (const auto done = parseCommandLine(parser, "replay", args))
        return *done;
    if (parser.positionalArguments().size() != 1)
        return failCommand("replay", u"expected exactly one feed file"_s);
    const QString path = parser.positionalArguments().constFirst();

    QString error;
    auto scenario = ScenarioReader::readFile(path, &error);
    if (!scenario)
        return failCommand("replay", error);
    std::shared_ptr<const ServiceGraph> topology;
    if (parser.isSet(graph)) {
        auto g = ServiceGraph::fromFile(parser.value(graph), &error);
        if (!g)
            return failCommand("replay", error);
        topology = std::make_shared<const ServiceGraph>(std::move(*g));
    } else if (scenario->graph) {
        topology = std::make_shared<const ServiceGraph>(*scenario->graph);
    }

    // Replayed incidents are fake: written into the console's database they would show in its history, its
    // similar incidents and its reports. Only a database asked for by name keeps them.
    QTemporaryDir scratch;
    if (!parser.isSet(db) && !scratch.isValid())
        return failCommand("replay", u"cannot create a temporary database: "_s + scratch.errorString());
    if (!parser.isSet(db))
        std::fprintf(stderr, "nightwatch-cli replay: no --db: stored in a temporary database, deleted at exit\n");
    Pipeline pipeline;
    Pipeline::Options options;
    options.databasePath = parser.isSet(db) ? parser.value(db) : scratch.filePath(u"replay.sqlite"_s);
    options.graph = topology;
    options.inhibitRulesFile = parser.value(inhibit);
    options.refreshMs = -1; // one refresh at the end
    // Recorded times are history: restore everything the database holds, not just the last day.
    options.restoreHours = parser.isSet(keepTimes) ? 24 * 365 * 50 : 24;
    if (!pipeline.open(options, &error))
        return failCommand("replay", error);

    ReplaySource::Options ro;
    ro.shiftToNow = !parser.isSet(keepTimes);
    ReplaySource replay(&pipeline, std::move(*scenario), u"replay:"_s + path, ro);
    replay.setChangeSink(&pipeline);
    bool ok = false;
    QObject::connect(&replay, &ReplaySource::finished, [&ok](bool success) { ok = success; });
    replay.start(); // speed 0: one batch, delivered synchronously
    if (!ok)
        return failCommand("replay", replay.health().lastError);
    pipeline.flush();
    QVector<Incident> incidents = pipeline.snapshot()->incidents;
    std::stable_sort(incidents.begin(), incidents.end(),
                     [](const Incident& a, const Incident& b) { return Incident::listedBefore(a, b); });
    printJson(incidentsToJson(incidents));
    return 0;
}
