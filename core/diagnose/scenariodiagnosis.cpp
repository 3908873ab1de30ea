#include "scenariodiagnosis.h"

#include "correlate/correlator.h"
#include "correlate/inhibitruleset.h"
#include "diagnose/diagnoser.h"
#include "diagnose/seriesanomaly.h"
#include "graph/servicegraph.h"
#include "ingest/scenario.h"

#include <algorithm>
#include <span>

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
