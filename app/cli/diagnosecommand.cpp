#include "diagnosecommand.h"

#include "clicommand.h"

#include "incidentjson.h"

#include "correlate/correlator.h"
#include "correlate/inhibitruleset.h"
#include "diagnose/diagnoser.h"
#include "diagnose/seriesanomaly.h"
#include "graph/servicegraph.h"
#include "ingest/scenarioreader.h"

#include <QCommandLineParser>
#include <QFile>
#include <QTextStream>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <span>

using namespace Qt::StringLiterals;
using nlohmann::json;
using ordered_json = nlohmann::ordered_json;

int runDiagnoseCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Group a scenario's alerts into incidents and rank root causes."_s);
    parser.addPositionalArgument(u"scenario"_s, u"Scenario JSON file (shared/scenarios/FORMAT.md)."_s);
    QCommandLineOption inhibit(u"inhibit-rules"_s, u"Alertmanager config whose inhibit_rules apply."_s, u"yaml"_s);
    QCommandLineOption features(u"dump-features"_s, u"Write candidate feature vectors (for fitting)."_s, u"file"_s);
    features.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(inhibit);
    parser.addOption(features);
    if (const auto done = parseCommandLine(parser, "diagnose", args))
        return *done;
    if (parser.positionalArguments().size() != 1)
        return failCommand("diagnose", u"expected exactly one scenario file"_s);

    const QString path = parser.positionalArguments().constFirst();
    QString error;
    auto scenario = ScenarioReader::readFile(path, &error);
    if (!scenario)
        return failCommand("diagnose", error);
    std::optional<InhibitRuleSet> rules;
    if (parser.isSet(inhibit)) {
        rules = InhibitRuleSet::fromFile(parser.value(inhibit), &error);
        if (!rules)
            return failCommand("diagnose", error);
    }
    ordered_json dump = ordered_json::array();
    std::function<void(const Diagnoser&, const Incident&, const Diagnoser::Context&)> inspect;
    if (parser.isSet(features)) {
        inspect = [&dump](const Diagnoser& diagnoser, const Incident& inc, const Diagnoser::Context& context) {
            ordered_json cands = ordered_json::array();
            for (const auto& s : diagnoser.score(inc, context.elsewhere, context.anomaly)) {
                cands.push_back({{"service", s.candidate.service.toStdString()},
                                 {"score", s.candidate.score},
                                 {"features", std::vector<double>(s.features.begin(), s.features.end())}});
            }
            ordered_json alerts = ordered_json::array();
            for (const TrackedAlert& t : inc.alerts)
                alerts.push_back(t.fingerprint().toStdString());
            dump.push_back({{"id", inc.key.toStdString()}, {"alerts", alerts}, {"candidates", cands}});
        };
    }
    const QVector<Incident> incidents = diagnoseScenario(std::move(*scenario), rules ? &*rules : nullptr, inspect);
    if (parser.isSet(features)) {
        QFile out(parser.value(features));
        if (out.open(QIODevice::WriteOnly))
            out.write(QByteArray::fromStdString(dump.dump()));
    }

    printJson(incidentsToJson(incidents));
    return 0;
}

QVector<Incident> diagnoseScenario(Scenario scenario, const InhibitRuleSet* rules,
                                   const std::function<void(const Diagnoser&, const Incident&, const Diagnoser::Context&)>& inspect)
{
    const auto graph =
        std::make_shared<const ServiceGraph>(scenario.graph ? std::move(*scenario.graph) : ServiceGraph());
    Correlator correlator(graph);
    if (rules)
        correlator.setInhibitRules(*rules);
    for (const Alert& a : std::as_const(scenario.alerts))
        correlator.add(a);

    Diagnoser diagnoser(graph, correlator.reach());
    diagnoser.setChanges(scenario.changes);
    const SeriesAnomaly series = SeriesAnomaly::fromScenarioJson(scenario.metrics);
    QVector<Incident> incidents = correlator.incidents();
    const QVector<Incident> grouped = incidents;
    // Smallest first: a bigger incident's shortlist names the causes of smaller ones (Diagnoser::causeLentBy).
    std::sort(incidents.begin(), incidents.end(), Diagnoser::diagnosedBefore);
    for (qsizetype i = 0; i < incidents.size(); ++i) {
        Incident& inc = incidents[i];
        Diagnoser::Context context;
        context.elsewhere = diagnoser.relevantElsewhere(inc, grouped);
        context.neighbourCauses = Diagnoser::neighbourCauses(inc, std::span(incidents.constData(), std::size_t(i)));
        if (!series.isEmpty() && inc.firstAlertAt.isValid())
            context.anomaly = series.scores(inc.firstAlertAt.toSecsSinceEpoch(), Diagnoser::lastOnsetOf(inc));
        if (inspect)
            inspect(diagnoser, inc, context);
        inc.rootCauses = diagnoser.diagnose(inc, context);
    }

    // As the console lists them, so a recorded storm reads the same in both.
    std::stable_sort(incidents.begin(), incidents.end(),
                     [](const Incident& a, const Incident& b) { return Incident::listedBefore(a, b); });
    return incidents;
}
