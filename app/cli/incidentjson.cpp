#include "incidentjson.h"

#include "model/incidenttitle.h"

#include <cmath>
#include <cstdio>

using ordered_json = nlohmann::ordered_json;

namespace {
double rounded(double v)
{
    return std::round(v * 1000.0) / 1000.0;
}

} // namespace

ordered_json incidentsToJson(const QVector<Incident>& incidents)
{
    ordered_json list = ordered_json::array();
    for (const Incident& inc : incidents) {
        ordered_json alerts = ordered_json::array();
        for (const TrackedAlert& t : inc.alerts)
            alerts.push_back(t.fingerprint().toStdString());
        ordered_json causes = ordered_json::array();
        for (const RootCauseCandidate& rc : inc.rootCauses) {
            ordered_json ev = ordered_json::array();
            for (const QString& e : rc.evidence)
                ev.push_back(e.toStdString());
            causes.push_back({{"service", rc.service.toStdString()},
                              {"score", rounded(rc.score)},
                              {"confidence", rounded(rc.confidence)},
                              {"evidence", ev},
                              {"in_graph", rc.inGraph},
                              {"has_own_alert", rc.hasOwnAlert}});
        }
        ordered_json services = ordered_json::array();
        for (const QString& s : inc.affectedServices)
            services.push_back(s.toStdString());
        ordered_json item = {{"id", inc.key.toStdString()},
                             {"title", IncidentTitle::of(inc).toStdString()},
                             {"alerts", alerts},
                             {"root_causes", causes},
                             {"affected_services", services},
                             {"severity", inc.severity.toStdString()},
                             {"first_alert_at", inc.firstAlertAt.toUTC().toString(Qt::ISODate).toStdString()},
                             {"notifications", inc.notificationCount}};
        if (inc.id != 0) { // stored incidents: what the store knows beyond the diagnosis
            item["store_id"] = inc.id;
            item["state"] = Incident::stateName(inc.state).toStdString();
        }
        list.push_back(std::move(item));
    }
    return ordered_json{{"incidents", list}};
}

void printJson(const ordered_json& json)
{
    const std::string text = json.dump(1);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}
