#include "scenariodiagnosis.h"

#include "correlate/correlator.h"
#include "correlate/inhibitruleset.h"
#include "diagnose/diagnoser.h"
#include "diagnose/incidentsetdiagnosis.h"
#include "diagnose/seriesanomaly.h"
#include "graph/servicegraph.h"
#include "ingest/scenario.h"

#include <algorithm>

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
    QHash<QString, Incident> byKey;
    QSet<QString> keys;
    for (Incident& inc : correlator.incidents()) {
        keys.insert(inc.key);
        byKey.insert(inc.key, std::move(inc));
    }
    IncidentSetSupport support;
    if (!series.isEmpty())
        support.anomaly = [&series](const Incident& inc) {
            return inc.firstAlertAt.isValid()
                       ? series.scores(inc.firstAlertAt.toSecsSinceEpoch(), Diagnoser::lastOnsetOf(inc))
                       : QHash<QString, double>();
        };
    if (inspect)
        support.inspect = [&](const Incident& inc, const Diagnoser::Context& context) {
            inspect(diagnoser, inc, context);
        };
    diagnoseAll(diagnoser, byKey, keys, support);

    QVector<Incident> incidents(byKey.cbegin(), byKey.cend());
    std::sort(incidents.begin(), incidents.end(), Diagnoser::diagnosedBefore);
    // As the console lists them, so a recorded storm reads the same in both.
    std::stable_sort(incidents.begin(), incidents.end(),
                     [](const Incident& a, const Incident& b) { return Incident::listedBefore(a, b); });
    return incidents;
}
