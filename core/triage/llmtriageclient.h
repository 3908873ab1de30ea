#pragma once
// LlmTriageClient: asks an OpenAI-compatible chat-completions endpoint (llama.cpp's server, Ollama, a hosted
// API) for an advisory triage of one incident. Strictly advisory and never in the way: requests are
// asynchronous, each has a hard deadline (default 15 s), and every request ends in exactly one finished()
// carrying either the model's triage or the deterministic one with the reason the model's is missing
// (off, timeout, HTTP error, malformed answer). Alert labels and annotations leave the machine only when
// sendAlertData is on (see TriagePrompt for exactly what is sent).

#include "model/incident.h"
#include "triage/triageresult.h"

#include <QHash>
#include <QObject>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

class LlmTriageClient : public QObject
{
    Q_OBJECT

public:
    struct Config
    {
        bool enabled = false;
        QUrl endpoint; // base URL: http://127.0.0.1:8080 (llama.cpp), http://127.0.0.1:11434 (Ollama)
        QString model;
        bool sendAlertData = false;
        int timeoutMs = 15'000;
        QString apiKey; // sent as "Authorization: Bearer"; empty: no header (local servers need none)

        // Settings llm/enabled, llm/endpoint, llm/model, llm/sendAlertData, llm/timeoutSeconds; the key from
        // NIGHTWATCH_LLM_API_KEY (the keyring is asked separately, asynchronously: ApiKeyLookup).
        static Config fromSettings();
        bool isUsable() const;
    };

    explicit LlmTriageClient(QObject* parent = nullptr);

    void setConfig(const Config& config) { m_config = config; }
    const Config& config() const { return m_config; }
    void setApiKey(const QString& key) { m_config.apiKey = key; }
    bool isEnabled() const { return m_config.isUsable(); }

    // {base}/v1/chat/completions; a base already ending in /v1 is not doubled.
    static QUrl completionsUrl(const QUrl& base);

    // Returns the request id (never 0). finished() follows later, never from inside this call.
    quint64 request(const Incident& incident, const QString& firstRunbookStep = {});
    int pendingCount() const { return int(m_pending.size()); }

Q_SIGNALS:
    void finished(quint64 id, const QString& incidentKey, const TriageResult& result);

private:
    struct Pending
    {
        Incident incident;
        QString firstStep;
        bool timedOut = false;
    };
    void onReplyFinished(QNetworkReply* reply, quint64 id);
    void fallBack(quint64 id, const QString& reason);

    QNetworkAccessManager* m_network;
    Config m_config;
    quint64 m_nextId = 1;
    QHash<quint64, Pending> m_pending;
};
