#include "diagnosecommand.h"

#include "correlate/correlator.h"
#include "correlate/inhibitruleset.h"
#include "diagnose/diagnoser.h"
#include "graph/servicegraph.h"

#include <QCommandLineParser>
#include <QFile>
#include <QTextStream>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;
using nlohmann::json;
using ordered_json = nlohmann::ordered_json;

namespace {
struct Scenario
{
    std::shared_ptr<const ServiceGraph> graph;
    QVector<Alert> alerts;
    QVector<ChangeEvent> changes;
};

QString str(const json& o, const char* key)
{
    const auto it = o.find(key);
    return it != o.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

QDateTime time(const json& o, const char* key)
{
    const QString s = str(o, key);
    QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
    if (!t.isValid() || t.date().year() <= 1)
        return {};
    return t.toUTC();
}

bool readLabels(const json& o, const char* key, LabelSet* out)
{
    const auto it = o.find(key);
    if (it == o.end())
        return true;
    if (!it->is_object())
        return false;
    for (auto kv = it->begin(); kv != it->end(); ++kv) {
        if (!kv->is_string())
            return false;
        out->insert(QString::fromStdString(kv.key()), QString::fromStdString(kv->get<std::string>()));
    }
    return true;
}

std::optional<Scenario> readScenario(const QString& path, const QString& source, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
        return std::nullopt;
    }
    const QByteArray bytes = file.readAll();
    const json doc = json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        *error = u"%1 is not a JSON scenario object"_s.arg(path);
        return std::nullopt;
    }
    Scenario sc;
    if (const auto topo = doc.find("topology"); topo != doc.end()) {
        QString why;
        auto graph = ServiceGraph::fromJson(*topo, &why);
        if (!graph) {
            *error = u"%1: topology: %2"_s.arg(path, why);
            return std::nullopt;
        }
        sc.graph = std::make_shared<const ServiceGraph>(std::move(*graph));
    } else {
        sc.graph = std::make_shared<const ServiceGraph>();
    }
    const auto alerts = doc.find("alerts");
    if (alerts == doc.end() || !alerts->is_array()) {
        *error = u"%1: \"alerts\" must be an array"_s.arg(path);
        return std::nullopt;
    }
    for (size_t i = 0; i < alerts->size(); ++i) {
        const json& a = (*alerts)[i];
        Alert alert;
        if (!a.is_object() || !readLabels(a, "labels", &alert.labels) || !readLabels(a, "annotations", &alert.annotations)) {
            *error = u"%1: alert %2 is malformed"_s.arg(path).arg(i);
            return std::nullopt;
        }
        alert.status = str(a, "status") == u"resolved" ? Alert::Status::Resolved : Alert::Status::Firing;
        alert.startsAt = time(a, "startsAt");
        alert.endsAt = time(a, "endsAt");
        alert.receivedAt = time(a, "receivedAt");
        if (!alert.receivedAt.isValid())
            alert.receivedAt = alert.startsAt;
        if (!alert.startsAt.isValid())
            alert.startsAt = alert.receivedAt;
        if (!alert.startsAt.isValid()) {
            *error = u"%1: alert %2 has no valid startsAt/receivedAt"_s.arg(path).arg(i);
            return std::nullopt;
        }
        alert.fingerprint = str(a, "fingerprint");
        if (alert.fingerprint.isEmpty())
            alert.fingerprint = Alert::fingerprintOf(alert.labels);
        alert.source = source;
        sc.alerts << alert;
    }
    if (const auto changes = doc.find("changes"); changes != doc.end() && changes->is_array()) {
        for (const json& c : *changes) {
            if (!c.is_object())
                continue;
            ChangeEvent ev{str(c, "service"), str(c, "kind"), time(c, "at"), str(c, "description"), str(c, "link")};
            if (ev.at.isValid())
                sc.changes << ev;
        }
    }
    return sc;
}

int severityRank(const QString& s)
{
    if (s == u"critical")
        return 3;
    if (s == u"error")
        return 2;
    if (s == u"warning")
        return 1;
    return 0;
}

int fail(const QString& message)
{
    std::fprintf(stderr, "nightwatch-cli diagnose: %s\n", qPrintable(QString(message).replace(u'\n', u' ')));
    return 2;
}
} // namespace

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
    parser.addHelpOption();
    if (!parser.parse(QStringList{u"diagnose"_s} + args))
        return fail(parser.errorText());
    if (parser.isSet(u"help"_s)) {
        QTextStream(stdout) << parser.helpText();
        return 0;
    }
    if (parser.positionalArguments().size() != 1)
        return fail(u"expected exactly one scenario file"_s);

    const QString path = parser.positionalArguments().constFirst();
    QString error;
    const auto scenario = readScenario(path, u"replay:"_s + path, &error);
    if (!scenario)
        return fail(error);

    Correlator correlator(scenario->graph);
    if (parser.isSet(inhibit)) {
        const auto rules = InhibitRuleSet::fromFile(parser.value(inhibit), &error);
        if (!rules)
            return fail(error);
        correlator.setInhibitRules(*rules);
    }
    for (const Alert& a : scenario->alerts)
        correlator.add(a);

    Diagnoser diagnoser(scenario->graph, correlator.reach());
    diagnoser.setChanges(scenario->changes);
    QVector<Incident> incidents = correlator.incidents();
    ordered_json dump = ordered_json::array();
    for (Incident& inc : incidents) {
        if (parser.isSet(features)) {
            ordered_json cands = ordered_json::array();
            for (const auto& s : diagnoser.score(inc)) {
                cands.push_back({{"service", s.candidate.service.toStdString()},
                                 {"score", s.candidate.score},
                                 {"features", std::vector<double>(s.features.begin(), s.features.end())}});
            }
            ordered_json alerts = ordered_json::array();
            for (const TrackedAlert& t : inc.alerts)
                alerts.push_back(t.fingerprint().toStdString());
            dump.push_back({{"id", inc.key.toStdString()}, {"alerts", alerts}, {"candidates", cands}});
        }
        inc.rootCauses = diagnoser.diagnose(inc);
    }
    if (parser.isSet(features)) {
        QFile out(parser.value(features));
        if (out.open(QIODevice::WriteOnly))
            out.write(QByteArray::fromStdString(dump.dump()));
    }

    // Best first: most severe, then widest, then earliest.
    std::stable_sort(incidents.begin(), incidents.end(), [](const Incident& a, const Incident& b) {
        const int sa = severityRank(a.severity.toLower()), sb = severityRank(b.severity.toLower());
        if (sa != sb)
            return sa > sb;
        if (a.affectedServices.size() != b.affectedServices.size())
            return a.affectedServices.size() > b.affectedServices.size();
        return a.firstAlertAt < b.firstAlertAt;
    });

    ordered_json out;
    ordered_json list = ordered_json::array();
    for (const Incident& inc : std::as_const(incidents)) {
        ordered_json alerts = ordered_json::array();
        for (const TrackedAlert& t : inc.alerts)
            alerts.push_back(t.fingerprint().toStdString());
        ordered_json causes = ordered_json::array();
        for (const RootCauseCandidate& rc : inc.rootCauses) {
            ordered_json ev = ordered_json::array();
            for (const QString& e : rc.evidence)
                ev.push_back(e.toStdString());
            causes.push_back({{"service", rc.service.toStdString()},
                              {"score", std::round(rc.score * 1000.0) / 1000.0},
                              {"confidence", std::round(rc.confidence * 1000.0) / 1000.0},
                              {"evidence", ev},
                              {"in_graph", rc.inGraph},
                              {"has_own_alert", rc.hasOwnAlert}});
        }
        ordered_json services = ordered_json::array();
        for (const QString& s : inc.affectedServices)
            services.push_back(s.toStdString());
        list.push_back({{"id", inc.key.toStdString()},
                        {"alerts", alerts},
                        {"root_causes", causes},
                        {"affected_services", services},
                        {"severity", inc.severity.toStdString()},
                        {"notifications", inc.notificationCount}});
    }
    out["incidents"] = list;
    const std::string text = out.dump(1);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    return 0;
}
