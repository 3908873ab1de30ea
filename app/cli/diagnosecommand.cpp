#include "diagnosecommand.h"

#include "clicommand.h"

#include "incidentjson.h"

#include "correlate/inhibitruleset.h"
#include "diagnose/diagnoser.h"
#include "diagnose/scenariodiagnosis.h"
#include "ingest/scenarioreader.h"

#include <QCommandLineParser>
#include <QFile>
#include <QTextStream>

#include <nlohmann/json.hpp>

#include <cstdio>

using namespace Qt::StringLiterals;
using nlohmann::json;
using ordered_json = nlohmann::ordered_json;

int runDiagnoseCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Group a scenario's alerts into incidents and rank root causes."_s);
    parser.addPositionalArgument(u"scenario"_s, u"Scenario JSON file (docs/scenario-format.md)."_s);
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
