#pragma once
// TriagePrompt: the OpenAI-compatible chat-completions request that asks a model for the triage, and the
// parser of its answer.
//
// What leaves the machine (the "user" message is this JSON; nothing else is sent):
//   always: incident id, severity, state, alert/notification/service counts, first/last alert time, the
//     affected service names, the top three root-cause candidates (service, confidence, silent?, in graph?,
//     evidence sentences), and the first step of the proposed runbook (ours, not alert data) if any.
//   only with sendAlertData (setting llm/sendAlertData, off by default): the first 50 alerts in onset order
//     with their labels, annotations, status, onset and notification count; every value cut at 300
//     characters. Generator URLs (internal host names) are never sent.
// Evidence sentences are the diagnoser's own words; they name services and alert names, nothing more.

#include "model/incident.h"
#include "triage/triageresult.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

class TriagePrompt
{
public:
    struct Options
    {
        QString model;
        bool sendAlertData = false;
        int maxAlerts = 50;
        int maxValueLength = 300;
    };

    static QString systemMessage();
    // The incident as the model sees it (the user message's content, JSON).
    static QJsonObject incidentContext(const Incident& incident, const QString& firstRunbookStep, const Options& options);
    // The whole POST body for {base}/v1/chat/completions.
    static QByteArray requestBody(const Incident& incident, const QString& firstRunbookStep, const Options& options);

    // choices[0].message.content of a chat-completions response, read as the JSON object the system message
    // asks for (a ```json fence around it is tolerated). nullopt with a one-line reason otherwise.
    static std::optional<TriageResult> parseResponse(const QByteArray& body, QString* error);
};
