#include "incidentbundle.h"

#include "ingest/ingestjson.h"

#include "report/reportquery.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;
using json = nlohmann::json;

namespace IncidentBundle {

namespace {

std::string str(const QString& s)
{
    return s.toStdString();
}

json timeJson(const QDateTime& t)
{
    return t.isValid() ? json(t.toUTC().toString(Qt::ISODateWithMs).toStdString()) : json(nullptr);
}

json optBool(const std::optional<bool>& b)
{
    return b ? json(*b) : json(nullptr);
}

json optInt(const std::optional<int>& v)
{
    return v ? json(*v) : json(nullptr);
}

json labelsJson(const LabelSet& labels)
{
    json o = json::object();
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        o[str(it.key())] = str(it.value());
    return o;
}

json listJson(const QStringList& list)
{
    json a = json::array();
    for (const QString& s : list)
        a.push_back(str(s));
    return a;
}

// Reading: every field is checked; the first problem names its path ("alerts[2].labels").
class Reader
{
public:
    QString error;

    bool fail(const QString& path, const QString& what)
    {
        if (error.isEmpty())
            error = u"%1: %2"_s.arg(path, what);
        return false;
    }

    const json* member(const json& obj, const char* name, const QString& path, bool required)
    {
        if (!obj.is_object()) {
            fail(path, u"expected an object"_s);
            return nullptr;
        }
        const auto it = obj.find(name);
        if (it == obj.end() || it->is_null()) {
            if (required)
                fail(path, u"missing \"%1\""_s.arg(QLatin1String(name)));
            return nullptr;
        }
        return &*it;
    }

    QString text(const json& obj, const char* name, const QString& path, bool required = false)
    {
        const json* v = member(obj, name, path, required);
        if (!v)
            return {};
        if (!v->is_string()) {
            fail(path + u'.' + QLatin1String(name), u"expected a string"_s);
            return {};
        }
        return QString::fromStdString(v->get<std::string>());
    }

    QDateTime time(const json& obj, const char* name, const QString& path, bool required = false)
    {
        const QString s = text(obj, name, path, required);
        if (s.isEmpty())
            return {};
        QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
        if (!t.isValid()) {
            fail(path + u'.' + QLatin1String(name), u"'%1' is not an ISO 8601 time"_s.arg(s));
            return {};
        }
        return t.toUTC();
    }

    double number(const json& obj, const char* name, const QString& path, double fallback = 0)
    {
        const json* v = member(obj, name, path, false);
        if (!v)
            return fallback;
        if (!v->is_number()) {
            fail(path + u'.' + QLatin1String(name), u"expected a number"_s);
            return fallback;
        }
        return v->get<double>();
    }

    std::optional<int> optionalInt(const json& obj, const char* name, const QString& path)
    {
        const json* v = member(obj, name, path, false);
        if (!v)
            return std::nullopt;
        if (!v->is_number_integer()) {
            fail(path + u'.' + QLatin1String(name), u"expected an integer"_s);
            return std::nullopt;
        }
        return v->get<int>();
    }

    std::optional<bool> optionalBool(const json& obj, const char* name, const QString& path)
    {
        const json* v = member(obj, name, path, false);
        if (!v)
            return std::nullopt;
        if (!v->is_boolean()) {
            fail(path + u'.' + QLatin1String(name), u"expected true, false or null"_s);
            return std::nullopt;
        }
        return v->get<bool>();
    }

    LabelSet labels(const json& obj, const char* name, const QString& path)
    {
        LabelSet out;
        const json* v = member(obj, name, path, false);
        if (!v)
            return out;
        if (!v->is_object()) {
            fail(path + u'.' + QLatin1String(name), u"expected an object of strings"_s);
            return out;
        }
        for (auto it = v->begin(); it != v->end(); ++it) {
            if (!it->is_string()) {
                fail(path + u'.' + QLatin1String(name) + u'.' + QString::fromStdString(it.key()),
                     u"expected a string"_s);
                return out;
            }
            out.insert(QString::fromStdString(it.key()), QString::fromStdString(it->get<std::string>()));
        }
        return out;
    }

    QStringList list(const json& obj, const char* name, const QString& path)
    {
        QStringList out;
        const json* v = member(obj, name, path, false);
        if (!v)
            return out;
        if (!v->is_array()) {
            fail(path + u'.' + QLatin1String(name), u"expected an array of strings"_s);
            return out;
        }
        for (const json& e : *v) {
            if (!e.is_string()) {
                fail(path + u'.' + QLatin1String(name), u"expected an array of strings"_s);
                return out;
            }
            out << QString::fromStdString(e.get<std::string>());
        }
        return out;
    }

    const json* array(const json& obj, const char* name, const QString& path)
    {
        const json* v = member(obj, name, path, false);
        if (v && !v->is_array()) {
            fail(path + u'.' + QLatin1String(name), u"expected an array"_s);
            return nullptr;
        }
        return v;
    }
};

} // namespace

QByteArray toJson(const IncidentRecord& record)
{
    const Incident& inc = record.incident;
    json doc;
    doc["format"] = Format;
    doc["version"] = Version;
    doc["incident"] = {
        {"id", inc.id},
        {"key", str(inc.key)},
        {"state", str(Incident::stateName(inc.state))},
        {"severity", str(inc.severity)},
        {"first_alert_at", timeJson(inc.firstAlertAt)},
        {"last_alert_at", timeJson(inc.lastAlertAt)},
        {"notification_count", inc.notificationCount},
        {"affected_services", listJson(inc.affectedServices)},
        {"acknowledged_at", timeJson(inc.acknowledgedAt)},
        {"acknowledged_by", str(inc.acknowledgedBy)},
        {"mitigated_at", timeJson(inc.mitigatedAt)},
        {"mitigated_by", str(inc.mitigatedBy)},
        {"resolved_at", timeJson(inc.resolvedAt)},
        {"resolved_by", str(inc.resolvedBy)},
    };
    json alerts = json::array();
    for (const TrackedAlert& t : inc.alerts) {
        const Alert& a = t.latest;
        json deliveries = json::array();
        for (const Alert& n : record.notifications) {
            if (n.fingerprint != a.fingerprint)
                continue;
            deliveries.push_back({{"status", n.isFiring() ? "firing" : "resolved"},
                                  {"starts_at", timeJson(n.startsAt)},
                                  {"ends_at", timeJson(n.endsAt)},
                                  {"received_at", timeJson(n.receivedAt)},
                                  {"source", str(n.source)}});
        }
        alerts.push_back({{"fingerprint", str(a.fingerprint)},
                          {"labels", labelsJson(a.labels)},
                          {"annotations", labelsJson(a.annotations)},
                          {"status", a.isFiring() ? "firing" : "resolved"},
                          {"starts_at", timeJson(a.startsAt)},
                          {"ends_at", timeJson(a.endsAt)},
                          {"first_starts_at", timeJson(t.firstStartsAt)},
                          {"first_received_at", timeJson(t.firstReceivedAt)},
                          {"last_received_at", timeJson(t.lastReceivedAt)},
                          {"notification_count", t.notificationCount},
                          {"flap_count", t.flapCount},
                          {"source", str(a.source)},
                          {"generator_url", str(a.generatorUrl)},
                          {"inhibited", t.inhibited},
                          {"inhibited_by", str(t.inhibitedBy)},
                          {"notifications", deliveries}});
    }
    doc["alerts"] = alerts;
    json causes = json::array();
    for (const RootCauseCandidate& c : inc.rootCauses)
        causes.push_back({{"service", str(c.service)},
                          {"score", c.score},
                          {"confidence", c.confidence},
                          {"evidence", listJson(c.evidence)},
                          {"has_own_alert", c.hasOwnAlert},
                          {"in_graph", c.inGraph}});
    doc["root_causes"] = causes;
    json actions = json::array();
    for (const IncidentRecord::Action& a : record.actions)
        actions.push_back(
            {{"kind", str(a.kind)}, {"note", str(a.note)}, {"at", timeJson(a.at)}, {"user", str(a.user)}});
    doc["actions"] = actions;
    if (const auto& r = record.resolution)
        doc["resolution"] = {{"at", timeJson(r->at)},
                             {"user", str(r->user)},
                             {"fixed_by_runbook", str(r->fixedByRunbook)},
                             {"fixed_by_step", str(r->fixedByStep)},
                             {"fixed_by_text", str(r->fixedByText)},
                             {"root_cause", str(r->rootCause)},
                             {"suggestion_right", optBool(r->suggestionRight)},
                             {"actionable", optBool(r->actionable)}};
    else
        doc["resolution"] = nullptr;
    json runs = json::array();
    for (const RunbookRun& r : record.runbookRuns)
        runs.push_back({{"id", r.id},
                        {"at", timeJson(r.at)},
                        {"user", str(r.user)},
                        {"runbook_id", str(r.runbookId)},
                        {"step", str(r.step)},
                        {"kind", str(r.kind)},
                        {"argv", listJson(r.argv)},
                        {"approval", str(r.approval)},
                        {"approved_at", timeJson(r.approvedAt)},
                        {"exit_code", optInt(r.exitCode)},
                        {"outcome", str(outcomeName(r.outcome))},
                        {"duration_ms", r.durationMs},
                        {"output_digest", str(r.outputDigest)},
                        {"verify", str(verifyName(r.verify))},
                        {"rolled_back", r.rolledBack},
                        {"rollback_exit_code", optInt(r.rollbackExitCode)},
                        {"log_file", str(r.logFile)},
                        {"error", str(r.error)}});
    doc["runbook_runs"] = runs;
    json changes = json::array();
    for (const ChangeEvent& c : record.changes)
        changes.push_back({{"service", str(c.service)},
                           {"kind", str(c.kind)},
                           {"at", timeJson(c.at)},
                           {"description", str(c.description)},
                           {"link", str(c.link)}});
    doc["changes"] = changes;
    return QByteArray::fromStdString(doc.dump(1)) + '\n';
}

std::optional<IncidentRecord> fromJson(const QByteArray& bytes, QString* error)
{
    const auto failWith = [error](const QString& why) -> std::optional<IncidentRecord> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    json doc;
    if (!IngestJson::parseDocument(bytes, &doc, error, u"the bundle"_s))
        return std::nullopt;
    if (!doc.is_object())
        return failWith(u"not a JSON object"_s);
    Reader rd;
    if (rd.text(doc, "format", u"bundle"_s, true) != QLatin1String(Format))
        return failWith(u"not a Nightwatch incident bundle (\"format\" must be \"%1\")"_s.arg(QLatin1String(Format)));
    const auto version = rd.optionalInt(doc, "version", u"bundle"_s);
    if (!version || *version < 1 || *version > Version)
        return failWith(u"bundle version %1 is not supported (this Nightwatch reads version %2)"_s
                            .arg(version ? QString::number(*version) : u"(missing)"_s)
                            .arg(Version));

    IncidentRecord record;
    Incident& inc = record.incident;
    const json* i = rd.member(doc, "incident", u"bundle"_s, true);
    if (!i)
        return failWith(rd.error);
    const QString ip = u"incident"_s;
    inc.key = rd.text(*i, "key", ip, true);
    const QString state = rd.text(*i, "state", ip);
    inc.state = Incident::stateFrom(state);
    inc.severity = rd.text(*i, "severity", ip);
    inc.firstAlertAt = rd.time(*i, "first_alert_at", ip);
    inc.lastAlertAt = rd.time(*i, "last_alert_at", ip);
    inc.notificationCount = int(rd.number(*i, "notification_count", ip));
    inc.affectedServices = rd.list(*i, "affected_services", ip);
    inc.acknowledgedAt = rd.time(*i, "acknowledged_at", ip);
    inc.acknowledgedBy = rd.text(*i, "acknowledged_by", ip);
    inc.mitigatedAt = rd.time(*i, "mitigated_at", ip);
    inc.mitigatedBy = rd.text(*i, "mitigated_by", ip);
    inc.resolvedAt = rd.time(*i, "resolved_at", ip);
    inc.resolvedBy = rd.text(*i, "resolved_by", ip);
    if (inc.key.isEmpty() && rd.error.isEmpty())
        rd.fail(ip + u".key"_s, u"must not be empty"_s);

    if (const json* alerts = rd.array(doc, "alerts", u"bundle"_s)) {
        for (size_t k = 0; k < alerts->size(); ++k) {
            const json& a = (*alerts)[k];
            const QString p = u"alerts[%1]"_s.arg(k);
            TrackedAlert t;
            t.latest.fingerprint = rd.text(a, "fingerprint", p, true);
            if (t.latest.fingerprint.isEmpty() && rd.error.isEmpty())
                rd.fail(p + u".fingerprint"_s, u"must not be empty"_s);
            t.latest.labels = rd.labels(a, "labels", p);
            t.latest.annotations = rd.labels(a, "annotations", p);
            t.latest.status = rd.text(a, "status", p) == u"resolved" ? Alert::Status::Resolved : Alert::Status::Firing;
            t.latest.startsAt = rd.time(a, "starts_at", p);
            t.latest.endsAt = rd.time(a, "ends_at", p);
            t.firstStartsAt = rd.time(a, "first_starts_at", p);
            t.firstReceivedAt = rd.time(a, "first_received_at", p);
            t.lastReceivedAt = rd.time(a, "last_received_at", p);
            t.latest.receivedAt = t.lastReceivedAt;
            t.notificationCount = int(rd.number(a, "notification_count", p));
            t.flapCount = int(rd.number(a, "flap_count", p));
            t.latest.source = rd.text(a, "source", p);
            t.latest.generatorUrl = rd.text(a, "generator_url", p);
            t.inhibited = rd.optionalBool(a, "inhibited", p).value_or(false);
            t.inhibitedBy = rd.text(a, "inhibited_by", p);
            if (const json* ns = rd.array(a, "notifications", p)) {
                for (size_t m = 0; m < ns->size(); ++m) {
                    const json& n = (*ns)[m];
                    const QString np = p + u".notifications[%1]"_s.arg(m);
                    Alert d;
                    d.fingerprint = t.latest.fingerprint;
                    d.labels = t.latest.labels;
                    d.annotations = t.latest.annotations;
                    d.generatorUrl = t.latest.generatorUrl;
                    d.status =
                        rd.text(n, "status", np) == u"resolved" ? Alert::Status::Resolved : Alert::Status::Firing;
                    d.startsAt = rd.time(n, "starts_at", np);
                    d.endsAt = rd.time(n, "ends_at", np);
                    d.receivedAt = rd.time(n, "received_at", np, true);
                    d.source = rd.text(n, "source", np);
                    record.notifications.append(std::move(d));
                }
            }
            inc.alerts.append(std::move(t));
        }
    }
    std::stable_sort(record.notifications.begin(), record.notifications.end(),
                     [](const Alert& a, const Alert& b) { return a.receivedAt < b.receivedAt; });
    if (const json* causes = rd.array(doc, "root_causes", u"bundle"_s)) {
        for (size_t k = 0; k < causes->size(); ++k) {
            const json& c = (*causes)[k];
            const QString p = u"root_causes[%1]"_s.arg(k);
            RootCauseCandidate rc;
            rc.service = rd.text(c, "service", p, true);
            rc.score = rd.number(c, "score", p);
            rc.confidence = rd.number(c, "confidence", p);
            rc.evidence = rd.list(c, "evidence", p);
            rc.hasOwnAlert = rd.optionalBool(c, "has_own_alert", p).value_or(false);
            rc.inGraph = rd.optionalBool(c, "in_graph", p).value_or(true);
            inc.rootCauses.append(std::move(rc));
        }
    }
    if (const json* actions = rd.array(doc, "actions", u"bundle"_s)) {
        for (size_t k = 0; k < actions->size(); ++k) {
            const json& a = (*actions)[k];
            const QString p = u"actions[%1]"_s.arg(k);
            record.actions.append(IncidentRecord::Action{rd.text(a, "kind", p, true), rd.text(a, "note", p),
                                                         rd.time(a, "at", p, true), rd.text(a, "user", p)});
        }
    }
    if (const json* r = rd.member(doc, "resolution", u"bundle"_s, false)) {
        const QString p = u"resolution"_s;
        Resolution res;
        res.at = rd.time(*r, "at", p);
        res.user = rd.text(*r, "user", p);
        res.fixedByRunbook = rd.text(*r, "fixed_by_runbook", p);
        res.fixedByStep = rd.text(*r, "fixed_by_step", p);
        res.fixedByText = rd.text(*r, "fixed_by_text", p);
        res.rootCause = rd.text(*r, "root_cause", p);
        res.suggestionRight = rd.optionalBool(*r, "suggestion_right", p);
        res.actionable = rd.optionalBool(*r, "actionable", p);
        record.resolution = res;
    }
    if (const json* runs = rd.array(doc, "runbook_runs", u"bundle"_s)) {
        for (size_t k = 0; k < runs->size(); ++k) {
            const json& r = (*runs)[k];
            const QString p = u"runbook_runs[%1]"_s.arg(k);
            RunbookRun run;
            run.at = rd.time(r, "at", p, true);
            run.user = rd.text(r, "user", p);
            run.runbookId = rd.text(r, "runbook_id", p, true);
            run.step = rd.text(r, "step", p);
            run.kind = rd.text(r, "kind", p);
            if (run.kind.isEmpty())
                run.kind = u"run"_s;
            run.argv = rd.list(r, "argv", p);
            run.approval = rd.text(r, "approval", p);
            run.approvedAt = rd.time(r, "approved_at", p);
            run.exitCode = rd.optionalInt(r, "exit_code", p);
            const QString outcome = rd.text(r, "outcome", p);
            using O = RunbookRun::Outcome;
            run.outcome = O::Failed;
            for (const O o :
                 {O::Passed, O::Failed, O::TimedOut, O::FailedToStart, O::Refused, O::NotApproved, O::Rejected})
                if (outcomeName(o) == outcome)
                    run.outcome = o;
            run.durationMs = qint64(rd.number(r, "duration_ms", p));
            run.outputDigest = rd.text(r, "output_digest", p);
            const QString verify = rd.text(r, "verify", p);
            using V = RunbookRun::Verify;
            for (const V v : {V::Passed, V::Failed, V::Unsupported, V::Skipped})
                if (verifyName(v) == verify)
                    run.verify = v;
            run.rolledBack = rd.optionalBool(r, "rolled_back", p).value_or(false);
            run.rollbackExitCode = rd.optionalInt(r, "rollback_exit_code", p);
            run.logFile = rd.text(r, "log_file", p);
            run.error = rd.text(r, "error", p);
            record.runbookRuns.append(std::move(run));
        }
    }
    if (const json* changes = rd.array(doc, "changes", u"bundle"_s)) {
        for (size_t k = 0; k < changes->size(); ++k) {
            const json& c = (*changes)[k];
            const QString p = u"changes[%1]"_s.arg(k);
            record.changes.append(ChangeEvent{rd.text(c, "service", p, true), rd.text(c, "kind", p, true),
                                              rd.time(c, "at", p, true), rd.text(c, "description", p),
                                              rd.text(c, "link", p)});
        }
    }
    if (!rd.error.isEmpty())
        return failWith(rd.error);
    return record;
}

std::optional<QByteArray> exportIncident(const Store& store, qint64 incidentId, QString* error)
{
    const auto record = ReportQuery(store).incidentRecord(incidentId, error);
    if (!record)
        return std::nullopt;
    return toJson(*record);
}

std::optional<ImportResult> importBundle(Store& store, const QByteArray& json, QString* error)
{
    const auto record = fromJson(json, error);
    if (!record)
        return std::nullopt;
    ImportResult result;
    if (!store.importIncident(*record, &result.incidentId, &result.alreadyPresent, error))
        return std::nullopt;
    return result;
}

} // namespace IncidentBundle
