#include "triageprompt.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {
QJsonObject labelObject(const LabelSet& labels, int maxLength)
{
    QJsonObject o;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        o.insert(it.key().left(maxLength), it.value().left(maxLength));
    return o;
}

QString isoUtc(const QDateTime& t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODate) : QString();
}

QString oneLine(const QJsonValue& v)
{
    return v.toString().simplified();
}
} // namespace

QString TriagePrompt::systemMessage()
{
    return u"You help an on-call engineer during an incident. You get the console's diagnosis of one incident as "
           u"JSON: root-cause candidates ranked by a calibrated confidence, with evidence. Do not invent facts that "
           u"are not in it. Answer with one JSON object and nothing else: "
           u"{\"summary\": [three short lines: what is happening, the probable cause and how sure, the key evidence], "
           u"\"immediate_action\": \"the single next thing to do\", "
           u"\"do_not_do\": \"the single most tempting wrong move to avoid\"}."_s;
}

QJsonObject TriagePrompt::incidentContext(const Incident& incident, const QString& firstRunbookStep,
                                          const Options& options)
{
    QJsonArray candidates;
    for (const RootCauseCandidate& c : incident.rootCauses.mid(0, 3)) {
        candidates.append(QJsonObject{{u"service"_s, c.service},
                                      {u"confidence_percent"_s, qRound(c.confidence * 100)},
                                      {u"raised_own_alert"_s, c.hasOwnAlert},
                                      {u"in_dependency_graph"_s, c.inGraph},
                                      {u"evidence"_s, QJsonArray::fromStringList(c.evidence)}});
    }
    QJsonObject context{
        {u"incident_id"_s, incident.id},
        {u"severity"_s, incident.severity},
        {u"state"_s, Incident::stateName(incident.state)},
        {u"alert_count"_s, incident.alerts.size()},
        {u"notification_count"_s, incident.notificationCount},
        {u"affected_service_count"_s, incident.affectedServices.size()},
        {u"affected_services"_s, QJsonArray::fromStringList(incident.affectedServices)},
        {u"first_alert_at"_s, isoUtc(incident.firstAlertAt)},
        {u"last_alert_at"_s, isoUtc(incident.lastAlertAt)},
        {u"root_cause_candidates"_s, candidates},
    };
    if (!firstRunbookStep.isEmpty())
        context.insert(u"proposed_runbook_first_step"_s, firstRunbookStep);
    if (options.sendAlertData) {
        QJsonArray alerts;
        for (const TrackedAlert& a : incident.alerts.mid(0, options.maxAlerts)) {
            alerts.append(QJsonObject{{u"labels"_s, labelObject(a.latest.labels, options.maxValueLength)},
                                      {u"annotations"_s, labelObject(a.latest.annotations, options.maxValueLength)},
                                      {u"status"_s, a.isFiring() ? u"firing"_s : u"resolved"_s},
                                      {u"onset"_s, isoUtc(a.firstStartsAt)},
                                      {u"notifications"_s, a.notificationCount}});
        }
        context.insert(u"alerts"_s, alerts);
        if (incident.alerts.size() > options.maxAlerts)
            context.insert(u"alerts_not_sent"_s, incident.alerts.size() - options.maxAlerts);
    }
    return context;
}

QByteArray TriagePrompt::requestBody(const Incident& incident, const QString& firstRunbookStep, const Options& options)
{
    const QString user = QString::fromUtf8(
        QJsonDocument(incidentContext(incident, firstRunbookStep, options)).toJson(QJsonDocument::Compact));
    const QJsonObject body{
        {u"model"_s, options.model},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"system"_s}, {u"content"_s, systemMessage()}},
                                   QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, user}}}},
        {u"temperature"_s, 0.2},
        {u"max_tokens"_s, 400},
        {u"stream"_s, false},
    };
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

std::optional<TriageResult> TriagePrompt::parseResponse(const QByteArray& body, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (!doc.isObject()) {
        *error = u"the endpoint's answer is not JSON (%1)"_s.arg(parseError.errorString());
        return std::nullopt;
    }
    const QJsonValue content =
        doc.object().value(u"choices"_s).toArray().at(0).toObject().value(u"message"_s).toObject().value(u"content"_s);
    if (!content.isString() || content.toString().trimmed().isEmpty()) {
        *error = u"the answer has no choices[0].message.content"_s;
        return std::nullopt;
    }
    QString text = content.toString().trimmed();
    // Models like to wrap JSON in a Markdown fence.
    static const QRegularExpression fence(u"^```[a-zA-Z]*\\s*(.*?)\\s*```$"_s,
                                          QRegularExpression::DotMatchesEverythingOption);
    if (const auto m = fence.match(text); m.hasMatch())
        text = m.captured(1);
    const QJsonDocument inner = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (!inner.isObject()) {
        *error = u"the model did not answer with the JSON object asked for (%1)"_s.arg(parseError.errorString());
        return std::nullopt;
    }
    const QJsonObject o = inner.object();
    TriageResult result;
    result.origin = TriageResult::Origin::Llm;
    const QJsonValue summary = o.value(u"summary"_s);
    if (summary.isArray()) {
        for (const QJsonValue& line : summary.toArray())
            if (!oneLine(line).isEmpty())
                result.summary << oneLine(line);
    } else {
        for (const QString& line : summary.toString().split(u'\n', Qt::SkipEmptyParts))
            if (!line.simplified().isEmpty())
                result.summary << line.simplified();
    }
    result.summary = result.summary.mid(0, 3);
    result.immediateAction = oneLine(o.value(u"immediate_action"_s));
    result.doNotDo = oneLine(o.value(u"do_not_do"_s));
    if (result.summary.isEmpty() || result.immediateAction.isEmpty() || result.doNotDo.isEmpty()) {
        *error = u"the model's answer lacks summary, immediate_action or do_not_do"_s;
        return std::nullopt;
    }
    result.model = doc.object().value(u"model"_s).toString();
    return result;
}
