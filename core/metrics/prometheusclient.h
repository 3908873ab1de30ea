#pragma once
// PrometheusClient: asks one Prometheus server (query, query_range) without ever blocking: each request has
// an id, a deadline that covers its retries, bounded retries with backoff on network errors and 5xx (never
// on 4xx: a bad query stays bad), and can be cancelled; results arrive as plain series through finished().
// It also keeps the server's health (live / unreachable, last error, last success). One client per server.

#include "ingest/sourceaccess.h"
#include "metrics/prometheusresult.h"
#include "model/sourcehealth.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QHash>
#include <QObject>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

class PrometheusClient : public QObject
{
    Q_OBJECT
public:
    using RequestId = quint64; // never 0, never reused by one client

    // baseUrl such as http://127.0.0.1:9090 (a path prefix is kept: http://host/prometheus).
    explicit PrometheusClient(const QUrl& baseUrl, QObject* parent = nullptr);
    ~PrometheusClient() override;

    QUrl baseUrl() const { return m_base; }
    static QString sourceIdFor(const QUrl& baseUrl);

    // Token, tenant header, TLS (loadFiles() already called); applies to requests submitted afterwards.
    void setAccess(const SourceAccess& access); // also described in health().access

    // The whole request, retries included, ends within this (default 10 000 ms).
    void setTimeout(int ms);
    int timeout() const { return m_timeoutMs; }
    // Attempts after the first (default 2). The first retry waits backoffMs, each next one twice as long.
    void setRetries(int retries, int backoffMs = 250);
    // A longer answer is refused: alert data picks the queries, so the answer size is not ours to trust.
    void setMaxResponseBytes(qint64 bytes); // default 64 MiB

    // GET /api/v1/query at time `at` (server's now when invalid).
    RequestId query(const QString& promql, const QDateTime& at = {});
    // GET /api/v1/query_range?query=&start=&end=&step=
    RequestId queryRange(const QString& promql, const QDateTime& start, const QDateTime& end, int stepSeconds);

    // A cancelled request never reaches finished(); unknown or finished ids are ignored.
    void cancel(RequestId id);
    void cancelAll();
    bool isPending(RequestId id) const { return m_requests.contains(id); }
    int pendingCount() const { return int(m_requests.size()); }

    SourceHealth health() const { return m_health; }

Q_SIGNALS:
    // Exactly once per request that was not cancelled: the series, or the error that ended it.
    void finished(quint64 id, const PrometheusResult& result);
    void healthChanged(const SourceHealth& health);

private:
    struct Request
    {
        QUrl url;
        QDeadlineTimer deadline;
        int attempt = 0;
        QNetworkReply* reply = nullptr;
        bool tooLarge = false;
        QString lastError; // of the previous attempt, told when the deadline ends the request
    };

    RequestId submit(const QString& path, const QList<std::pair<QString, QString>>& params);
    void startAttempt(RequestId id);
    void onReplyFinished(RequestId id, QNetworkReply* reply);
    void onDeadline(RequestId id);
    void finish(RequestId id, PrometheusResult result, bool serverUsable);

    QUrl m_base;
    SourceAccess m_access;
    QNetworkAccessManager* m_network;
    QHash<RequestId, Request> m_requests;
    RequestId m_nextId = 1;
    int m_timeoutMs = 10'000;
    int m_retries = 2;
    int m_backoffMs = 250;
    qint64 m_maxResponseBytes = 64ll * 1024 * 1024;
    SourceHealth m_health;
};
