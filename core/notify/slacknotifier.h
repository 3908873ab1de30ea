#pragma once
// SlackNotifier: one Slack incoming-webhook message per new incident (never per alert), decided by its own
// IncidentNotifier so it follows the same "new incident" rule as the desktop notification, with its own
// do-not-disturb switch (off by default: a team channel is not one engineer's night). Posting is
// asynchronous on the owner's thread: a timeout per attempt, one retry on a network error or a 5xx, and
// every outcome reported through delivered()/failed(); nothing ever waits for Slack. A new incident whose diagnosis
// has no candidate yet is posted when one lands, or without one after IncidentNotifier::DefaultDiagnosisWaitMs.

#include "model/incidentsnapshot.h"
#include "notify/noticeschedule.h"

#include <QByteArray>
#include <QObject>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

class SlackNotifier : public QObject
{
    Q_OBJECT

public:
    explicit SlackNotifier(QObject* parent = nullptr);

    // NIGHTWATCH_SLACK_WEBHOOK_URL when set, else the setting notify/slackWebhookUrl; empty: no Slack.
    static QUrl configuredUrl();
    static QString settingsKey() { return QStringLiteral("notify/slackWebhookUrl"); }
    static QString doNotDisturbKey() { return QStringLiteral("notify/slackFollowsDoNotDisturb"); }
    static QString environmentVariable() { return QStringLiteral("NIGHTWATCH_SLACK_WEBHOOK_URL"); }

    // An empty or non-http(s) URL turns posting off; incidents are still tracked so that turning it on
    // later does not announce the whole backlog.
    void setWebhookUrl(const QUrl& url);
    QUrl webhookUrl() const { return m_url; }
    bool isEnabled() const { return m_url.isValid() && !m_url.isEmpty(); }
    void setDoNotDisturb(bool on) { m_notifier.setDoNotDisturb(on); }
    bool doNotDisturb() const { return m_notifier.doNotDisturb(); }
    void setTimeout(int ms) { m_timeoutMs = ms; }       // per attempt, default 10 000
    void setRetryDelay(int ms) { m_retryDelayMs = ms; } // before the one retry, default 2 000
    // How long a new incident waits for its first root cause candidate before it is posted without one.
    void setDiagnosisWait(int ms) { m_notifier.setDiagnosisWait(ms); }
    int pendingCount() const { return m_pending; }

    // The webhook body: `text` (the notification's fallback line) and Block Kit `blocks`. Names from
    // alert data are escaped, so a label value cannot ping @channel or forge a link.
    static QByteArray payload(const IncidentNotice& notice);
    static QString summaryLine(const IncidentNotice& notice);

public Q_SLOTS:
    void setSnapshot(const IncidentSnapshotPtr& snapshot);
    void post(const IncidentNotice& notice); // one message, whatever the notifier thinks

Q_SIGNALS:
    void delivered(const QString& incidentKey, int attempts);
    void failed(const QString& incidentKey, const QString& reason); // after the retry, or at once on a 4xx

private:
    void announce(const QVector<IncidentNotice>& notices);
    void send(const QString& key, const QByteArray& body, int attempt);
    void onFinished(QNetworkReply* reply, const QString& key, const QByteArray& body, int attempt);

    IncidentNotifier m_notifier;
    QNetworkAccessManager* m_network;
    NoticeSchedule m_schedule; // drives m_notifier
    QUrl m_url;
    int m_timeoutMs = 10'000;
    int m_retryDelayMs = 2'000;
    int m_pending = 0;
};
