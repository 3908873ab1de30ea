#include "slacknotifier.h"

#include "secrets/secretref.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSettings>
#include <QTimer>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcSlack, "nightwatch.slack")

namespace {
constexpr int MaxServicesListed = 20;

// Slack's mrkdwn treats <...> as links and mentions (<!channel>); & starts an entity.
QString escaped(const QString& text)
{
    QString out = text;
    out.replace(u'&', u"&amp;"_s).replace(u'<', u"&lt;"_s).replace(u'>', u"&gt;"_s);
    return out;
}

QJsonObject mrkdwn(const QString& text)
{
    return QJsonObject{{u"type"_s, u"mrkdwn"_s}, {u"text"_s, text}};
}

QString title(const IncidentNotice& notice)
{
    const QString severity = notice.severity.isEmpty() ? u"NEW"_s : notice.severity.toUpper();
    QString t = u"%1 incident #%2"_s.arg(severity).arg(notice.incidentId);
    if (!notice.rootCause.isEmpty())
        t += u": "_s + notice.rootCause;
    return t.left(150); // a header block takes at most 150 characters
}
} // namespace

SlackNotifier::SlackNotifier(QObject* parent)
    : QObject(parent), m_network(new QNetworkAccessManager(this)),
      m_schedule(&m_notifier, [this](const QVector<IncidentNotice>& notices) { announce(notices); })
{
}

QUrl SlackNotifier::configuredUrl()
{
    // The URL is the credential (anyone holding it posts to the channel), so the settings only name it.
    QString error;
    const QString url = SecretRef::configured("NIGHTWATCH_SLACK_WEBHOOK_URL", settingsKey(),
                                              QSettings().value(settingsKey()).toString(), &error);
    if (!error.isEmpty())
        qCWarning(lcSlack).noquote() << "Slack disabled:" << error;
    return QUrl(url, QUrl::StrictMode);
}

void SlackNotifier::setWebhookUrl(const QUrl& url)
{
    const bool usable = url.isValid() && (url.scheme() == u"http" || url.scheme() == u"https") && !url.host().isEmpty();
    if (!url.isEmpty() && !usable)
        qCWarning(lcSlack) << "Slack webhook URL ignored: not an http(s) URL with a host";
    if (const QString refusal = usable ? SecretRef::plainHttpRefusal(url) : QString(); !refusal.isEmpty()) {
        qCWarning(lcSlack).noquote() << "Slack webhook URL ignored:" << refusal;
        m_url = QUrl();
        return;
    }
    m_url = usable ? url : QUrl();
}

QString SlackNotifier::summaryLine(const IncidentNotice& notice)
{
    QString line = title(notice);
    if (!notice.rootCause.isEmpty())
        line += u" (%1 % confidence)"_s.arg(qRound(notice.confidence * 100));
    line += u" · %1 alerts, %2 notifications, %3 services affected"_s.arg(notice.alertCount)
                .arg(notice.notificationCount)
                .arg(notice.serviceCount);
    return line;
}

QByteArray SlackNotifier::payload(const IncidentNotice& notice)
{
    const QString rootCause = notice.rootCause.isEmpty() ? u"_no candidate yet_"_s : escaped(notice.rootCause);
    const QString confidence = notice.rootCause.isEmpty() ? u"—"_s : u"%1 %"_s.arg(qRound(notice.confidence * 100));
    QJsonArray fields{
        mrkdwn(u"*Severity*\n"_s + escaped(notice.severity.isEmpty() ? u"unknown"_s : notice.severity)),
        mrkdwn(u"*Probable root cause*\n"_s + rootCause),
        mrkdwn(u"*Confidence*\n"_s + confidence),
        mrkdwn(u"*Alerts / notifications*\n%1 / %2"_s.arg(notice.alertCount).arg(notice.notificationCount)),
    };
    QStringList services;
    for (const QString& s : notice.affectedServices.mid(0, MaxServicesListed))
        services << escaped(s);
    if (notice.affectedServices.size() > MaxServicesListed)
        services << u"+%1 more"_s.arg(notice.affectedServices.size() - MaxServicesListed);
    const QString servicesText = u"*Affected services (%1)*\n%2"_s.arg(notice.serviceCount)
                                     .arg(services.isEmpty() ? u"—"_s : services.join(u", "_s));

    const QJsonArray blocks{
        QJsonObject{{u"type"_s, u"header"_s},
                    {u"text"_s, QJsonObject{{u"type"_s, u"plain_text"_s}, {u"text"_s, title(notice)}}}},
        QJsonObject{{u"type"_s, u"section"_s}, {u"fields"_s, fields}},
        QJsonObject{{u"type"_s, u"section"_s}, {u"text"_s, mrkdwn(servicesText)}},
        QJsonObject{{u"type"_s, u"context"_s},
                    {u"elements"_s, QJsonArray{mrkdwn(u"Nightwatch · incident key `%1`"_s.arg(escaped(notice.key)))}}},
    };
    const QJsonObject root{{u"text"_s, escaped(summaryLine(notice))}, {u"blocks"_s, blocks}};
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

void SlackNotifier::setSnapshot(const IncidentSnapshotPtr& snapshot)
{
    m_schedule.update(snapshot ? snapshot->incidents : QVector<Incident>());
}

void SlackNotifier::announce(const QVector<IncidentNotice>& notices)
{
    if (!isEnabled())
        return;
    for (const IncidentNotice& notice : notices)
        post(notice);
}

void SlackNotifier::post(const IncidentNotice& notice)
{
    if (!isEnabled())
        return;
    ++m_pending;
    send(notice.key, payload(notice), 1);
}

void SlackNotifier::send(const QString& key, const QByteArray& body, int attempt)
{
    QNetworkRequest request(m_url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setTransferTimeout(m_timeoutMs);
    QNetworkReply* reply = m_network->post(request, body);
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, key, body, attempt] { onFinished(reply, key, body, attempt); });
}

void SlackNotifier::onFinished(QNetworkReply* reply, const QString& key, const QByteArray& body, int attempt)
{
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300) {
        --m_pending;
        Q_EMIT delivered(key, attempt);
        return;
    }
    const QString reason =
        status > 0 ? u"HTTP %1 %2"_s.arg(status).arg(QString::fromUtf8(reply->readAll().left(200)).trimmed())
        : reply->error() == QNetworkReply::OperationCanceledError // the transfer timeout aborts this way
            ? u"no answer within %1 s"_s.arg(m_timeoutMs / 1000.0)
            : reply->errorString();
    // A 4xx says the message or the URL is wrong: sending it again cannot help.
    const bool retryable = status == 0 || status >= 500;
    if (retryable && attempt == 1) {
        qCInfo(lcSlack) << "Slack post for incident" << key << "failed, retrying once:" << reason;
        QTimer::singleShot(m_retryDelayMs, this, [this, key, body] { send(key, body, 2); });
        return;
    }
    --m_pending;
    qCWarning(lcSlack) << "Slack post for incident" << key << "failed:" << reason;
    Q_EMIT failed(key, reason);
}
