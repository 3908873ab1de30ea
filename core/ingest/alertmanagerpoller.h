#pragma once
// AlertmanagerPoller: pulls GET /api/v2/alerts from one or more Alertmanagers every interval,
// merges the answers (an HA pair lists each alert twice: kept once), delivers each round to the
// AlertSink, turns alerts that vanished into Resolved notifications, and reports per-URL health so
// one dead Alertmanager shows as dead without hiding the others.

#include "model/alert.h"
#include "model/sourcehealth.h"
#include "sourceaccess.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QUrl>
#include <QVector>

class AlertSink;
class QNetworkAccessManager;
class QNetworkReply;

class AlertmanagerPoller : public QObject
{
    Q_OBJECT
public:
    // Base URLs such as http://127.0.0.1:9093 (a path prefix is kept: http://host/alertmanager).
    AlertmanagerPoller(AlertSink* sink, const QList<QUrl>& baseUrls, QObject* parent = nullptr);
    ~AlertmanagerPoller() override;

    void setInterval(int ms); // default 15 000
    int interval() const { return m_intervalMs; }
    void setRequestTimeout(int ms); // default min(interval, 10 000)
    // An answer larger than this is aborted as it arrives, with a clear source error: a broken or hostile
    // Alertmanager must not make the console buffer gigabytes (1 GiB once took 3.9 GiB RSS).
    void setMaxAnswerBytes(qint64 bytes) { m_maxAnswerBytes = bytes; }
    static constexpr qint64 defaultMaxAnswerBytes = 64ll * 1024 * 1024; // ~200k alerts
    // Token, tenant header, TLS for every URL (an HA pair shares them). loadFiles() already called.
    void setAccess(const SourceAccess& access); // also says it in each target's health (SourceHealth::access)

    QVector<SourceHealth> health() const;
    static QString sourceIdFor(const QUrl& baseUrl);

public Q_SLOTS:
    void start(); // polls now and then every interval
    void stop();
    void pollNow(); // one round now; ignored while a round is in flight

Q_SIGNALS:
    void healthChanged(const SourceHealth& health);
    // After each round: alerts merged from all reachable URLs, resolved ones detected, sink result.
    void roundFinished(int firingCount, int resolvedCount, bool submitted);

private:
    struct Target
    {
        QUrl base;
        QUrl alertsUrl;
        SourceHealth health;
        QSet<QString> lastFingerprints; // what this URL listed at its last success
        QNetworkReply* reply = nullptr;
        bool okThisRound = false;
        bool answerTooLarge = false;
        AlertBatch thisRound;
    };

    void onReplyFinished(int index);
    void finishRound();
    void markStale();

    AlertSink* m_sink;
    SourceAccess m_access;
    QVector<Target> m_targets;
    QNetworkAccessManager* m_network;
    QTimer m_timer{this}; // a child, so it follows moveToThread()
    int m_intervalMs = 15'000;
    int m_requestTimeoutMs = 10'000;
    bool m_timeoutSet = false;
    qint64 m_maxAnswerBytes = defaultMaxAnswerBytes;
    int m_pending = 0;
    QDateTime m_roundStartedAt;
    QHash<QString, Alert> m_lastSeen; // fingerprint -> latest firing notification delivered
};
