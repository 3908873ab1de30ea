#include "prometheusclient.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace {

QString unixSeconds(const QDateTime& t)
{
    return QString::number(double(t.toMSecsSinceEpoch()) / 1000.0, 'f', 3);
}

// Every byte outside [A-Za-z0-9-._~] percent-encoded. QUrlQuery would leave '+' raw, and Go's form parser
// reads a raw '+' as a space: "a + b" would reach Prometheus as "a   b".
QString encodeQuery(const QList<std::pair<QString, QString>>& params)
{
    QString out;
    for (const auto& [key, value] : params) {
        if (!out.isEmpty())
            out += u'&';
        out += QString::fromLatin1(QUrl::toPercentEncoding(key)) + u'=' +
               QString::fromLatin1(QUrl::toPercentEncoding(value));
    }
    return out;
}

bool isServerError(int httpStatus)
{
    return httpStatus >= 500 && httpStatus <= 599;
}

} // namespace

PrometheusClient::PrometheusClient(const QUrl& baseUrl, QObject* parent)
    : QObject(parent), m_base(baseUrl), m_network(new QNetworkAccessManager(this))
{
    m_health.id = sourceIdFor(baseUrl);
    m_health.displayName = u"Prometheus "_s + baseUrl.toDisplayString();
    m_health.state = SourceHealth::State::Stale; // not asked yet
    m_health.kind = SourceHealth::Kind::Metrics;
    m_health.access = m_access.describe(baseUrl);
}

PrometheusClient::~PrometheusClient()
{
    // Replies are children of the network manager; their finished() must not reach a half-destroyed client.
    for (const Request& r : std::as_const(m_requests)) {
        if (r.reply)
            r.reply->disconnect(this);
    }
}

QString PrometheusClient::sourceIdFor(const QUrl& baseUrl)
{
    return u"prometheus:"_s + baseUrl.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
}

void PrometheusClient::setAccess(const SourceAccess& access)
{
    m_access = access;
    m_health.access = access.describe(m_base);
}

void PrometheusClient::setTimeout(int ms)
{
    m_timeoutMs = qMax(50, ms);
}

void PrometheusClient::setRetries(int retries, int backoffMs)
{
    m_retries = qMax(0, retries);
    m_backoffMs = qMax(0, backoffMs);
}

void PrometheusClient::setMaxResponseBytes(qint64 bytes)
{
    m_maxResponseBytes = qMax<qint64>(1024, bytes);
}

PrometheusClient::RequestId PrometheusClient::query(const QString& promql, const QDateTime& at)
{
    QList<std::pair<QString, QString>> params{{u"query"_s, promql}};
    if (at.isValid())
        params.append({u"time"_s, unixSeconds(at)});
    return submit(u"/api/v1/query"_s, params);
}

PrometheusClient::RequestId PrometheusClient::queryRange(const QString& promql, const QDateTime& start,
                                                         const QDateTime& end, int stepSeconds)
{
    return submit(u"/api/v1/query_range"_s, {{u"query"_s, promql},
                                             {u"start"_s, unixSeconds(start)},
                                             {u"end"_s, unixSeconds(end)},
                                             {u"step"_s, QString::number(qMax(1, stepSeconds))}});
}

PrometheusClient::RequestId PrometheusClient::submit(const QString& path,
                                                     const QList<std::pair<QString, QString>>& params)
{
    auto withTimeout = params;
    // The server stops evaluating when we stop waiting, instead of burning CPU for an answer nobody reads.
    withTimeout.append({u"timeout"_s, QString::number(qMax(1, m_timeoutMs / 1000)) + u's'});

    Request r;
    r.url = SourceAccess::join(m_base, path);
    r.url.setQuery(encodeQuery(withTimeout), QUrl::StrictMode);
    r.deadline = QDeadlineTimer(m_timeoutMs);

    const RequestId id = m_nextId++;
    m_requests.insert(id, std::move(r));
    QTimer::singleShot(m_timeoutMs, this, [this, id] { onDeadline(id); });
    startAttempt(id);
    return id;
}

void PrometheusClient::startAttempt(RequestId id)
{
    auto it = m_requests.find(id);
    if (it == m_requests.end())
        return; // cancelled or ended by its deadline while waiting to retry
    QNetworkRequest request = m_access.request(it->url);
    QNetworkReply* reply = m_network->get(request);
    it->reply = reply;
    ++it->attempt;
    connect(reply, &QNetworkReply::finished, this, [this, id, reply] { onReplyFinished(id, reply); });
    connect(reply, &QNetworkReply::downloadProgress, this, [this, id, reply](qint64 received, qint64) {
        auto r = m_requests.find(id);
        if (r != m_requests.end() && received > m_maxResponseBytes) {
            r->tooLarge = true;
            reply->abort(); // finished() follows and reports it
        }
    });
}

void PrometheusClient::onReplyFinished(RequestId id, QNetworkReply* reply)
{
    reply->deleteLater();
    auto it = m_requests.find(id);
    if (it == m_requests.end() || it->reply != reply)
        return; // cancelled: its result is never delivered
    it->reply = nullptr;

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (it->tooLarge) {
        PrometheusResult r;
        r.httpStatus = status;
        r.errorType = u"too_large"_s;
        r.error = u"answer larger than %1 bytes"_s.arg(m_maxResponseBytes);
        finish(id, std::move(r), true);
        return;
    }

    PrometheusResult result;
    bool retryable = false;
    if (status == 0) { // no HTTP answer at all: refused, reset, DNS, TLS...
        result.errorType = u"network"_s;
        result.error = reply->errorString();
        retryable = true;
    } else {
        result = PrometheusResult::fromJson(reply->readAll(), status);
        if (result.ok() && status != 200) { // JSON that says success with an odd status: trust the status
            result.errorType = u"http"_s;
            result.error = u"HTTP %1"_s.arg(status);
        } else if (!result.ok() && !result.error.startsWith(u"HTTP "_s)) {
            result.error = u"HTTP %1: %2"_s.arg(status).arg(result.error);
        }
        retryable = isServerError(status);
    }

    if (retryable && it->attempt <= m_retries) {
        const int backoff = m_backoffMs << qMin(it->attempt - 1, 10);
        if (it->deadline.remainingTime() > backoff) {
            it->lastError = result.error;
            QTimer::singleShot(backoff, this, [this, id] { startAttempt(id); });
            return;
        }
    }
    // A 4xx with Prometheus' JSON means the server is fine and the query is not; only the rest marks it down.
    const bool serverUsable = status != 0 && !isServerError(status) && result.errorType != u"bad_response"_s;
    finish(id, std::move(result), serverUsable);
}

void PrometheusClient::onDeadline(RequestId id)
{
    auto it = m_requests.find(id);
    if (it == m_requests.end())
        return;
    if (QNetworkReply* reply = std::exchange(it->reply, nullptr)) {
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    PrometheusResult r;
    r.errorType = u"timeout"_s;
    r.error = u"no answer within %1 ms"_s.arg(m_timeoutMs);
    if (!it->lastError.isEmpty())
        r.error += u" (last error: "_s + it->lastError + u')';
    finish(id, std::move(r), false);
}

void PrometheusClient::finish(RequestId id, PrometheusResult result, bool serverUsable)
{
    m_requests.remove(id);
    if (serverUsable) {
        m_health.state = SourceHealth::State::Live;
        m_health.lastSuccessAt = QDateTime::currentDateTimeUtc();
        m_health.lastError = result.error; // a rejected query is worth showing, but the server is live
    } else {
        m_health.state = SourceHealth::State::Unreachable;
        m_health.lastError = result.error;
    }
    m_health.alertCount = 0;
    Q_EMIT healthChanged(m_health);
    Q_EMIT finished(id, result);
}

void PrometheusClient::cancel(RequestId id)
{
    auto it = m_requests.find(id);
    if (it == m_requests.end())
        return;
    QNetworkReply* reply = it->reply;
    m_requests.erase(it);
    if (reply) {
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void PrometheusClient::cancelAll()
{
    const auto ids = m_requests.keys();
    for (const RequestId id : ids)
        cancel(id);
}
