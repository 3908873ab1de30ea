#include "llmtriageclient.h"

#include "secrets/secretref.h"
#include "triage/deterministictriage.h"
#include "triage/triageprompt.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSettings>
#include <QTimer>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcTriage, "nightwatch.triage")

namespace {
constexpr qint64 MaxAnswerBytes = 1 << 20; // a triage is a few hundred bytes; more is not an answer
}

LlmTriageClient::Config LlmTriageClient::Config::fromSettings()
{
    const QSettings settings;
    Config c;
    c.enabled = settings.value(u"llm/enabled"_s, false).toBool();
    c.endpoint = QUrl(settings.value(u"llm/endpoint"_s).toString(), QUrl::StrictMode);
    c.model = settings.value(u"llm/model"_s).toString();
    c.sendAlertData = settings.value(u"llm/sendAlertData"_s, false).toBool();
    c.timeoutMs = qBound(1, settings.value(u"llm/timeoutSeconds"_s, 15).toInt(), 600) * 1000;
    c.apiKey = qEnvironmentVariable("NIGHTWATCH_LLM_API_KEY");
    return c;
}

bool LlmTriageClient::Config::isUsable() const
{
    return enabled && endpoint.isValid() && (endpoint.scheme() == u"http" || endpoint.scheme() == u"https") &&
           !endpoint.host().isEmpty() && !model.isEmpty();
}

LlmTriageClient::LlmTriageClient(QObject* parent) : QObject(parent), m_network(new QNetworkAccessManager(this)) {}

QUrl LlmTriageClient::completionsUrl(const QUrl& base)
{
    QUrl url = base;
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    if (!path.endsWith(u"/v1"_s))
        path += u"/v1"_s;
    url.setPath(path + u"/chat/completions"_s);
    return url;
}

quint64 LlmTriageClient::request(const Incident& incident, const QString& firstRunbookStep)
{
    const quint64 id = m_nextId++;
    m_pending.insert(id, Pending{incident, firstRunbookStep, false});
    if (!isEnabled()) {
        QTimer::singleShot(0, this, [this, id] { fallBack(id, u"LLM triage is not configured"_s); });
        return id;
    }
    const QUrl url = completionsUrl(m_config.endpoint);
    if (const QString refusal = m_config.apiKey.isEmpty() ? QString() : SecretRef::plainHttpRefusal(url);
        !refusal.isEmpty()) {
        QTimer::singleShot(0, this, [this, id, refusal] { fallBack(id, refusal); });
        return id;
    }
    TriagePrompt::Options options;
    options.model = m_config.model;
    options.sendAlertData = m_config.sendAlertData;
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    if (!m_config.apiKey.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_config.apiKey.toUtf8());
    QNetworkReply* reply = m_network->post(request, TriagePrompt::requestBody(incident, firstRunbookStep, options));
    // A hard deadline for the whole answer: a model that trickles tokens must not hold the triage forever.
    auto* deadline = new QTimer(reply);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, this, [this, reply, id] {
        if (m_pending.contains(id))
            m_pending[id].timedOut = true;
        reply->abort();
    });
    deadline->start(m_config.timeoutMs);
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received > MaxAnswerBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, id] { onReplyFinished(reply, id); });
    return id;
}

void LlmTriageClient::onReplyFinished(QNetworkReply* reply, quint64 id)
{
    reply->deleteLater();
    if (!m_pending.contains(id))
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_pending.value(id).timedOut)
        return fallBack(id, u"no answer within %1 s"_s.arg(m_config.timeoutMs / 1000.0));
    if (reply->error() != QNetworkReply::NoError || status < 200 || status >= 300) {
        return fallBack(id, status > 0 ? u"HTTP %1 from the endpoint"_s.arg(status) : reply->errorString());
    }
    const QByteArray body = reply->readAll();
    if (body.size() > MaxAnswerBytes)
        return fallBack(id, u"the answer is larger than 1 MiB"_s);
    QString error;
    std::optional<TriageResult> result = TriagePrompt::parseResponse(body, &error);
    if (!result)
        return fallBack(id, error);
    if (result->model.isEmpty())
        result->model = m_config.model;
    const Pending pending = m_pending.take(id);
    Q_EMIT finished(id, pending.incident.key, *result);
}

void LlmTriageClient::fallBack(quint64 id, const QString& reason)
{
    const Pending pending = m_pending.take(id);
    qCInfo(lcTriage) << "LLM triage of incident" << pending.incident.id << "fell back:" << reason;
    TriageResult result = DeterministicTriage::build(pending.incident, pending.firstStep);
    result.fallbackReason = reason;
    Q_EMIT finished(id, pending.incident.key, result);
}
