#include "alertmanagerpoller.h"

#include "alertmanagerapiparser.h"
#include "alertsink.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;

AlertmanagerPoller::AlertmanagerPoller(AlertSink* sink, const QList<QUrl>& baseUrls, QObject* parent)
    : QObject(parent), m_sink(sink), m_network(new QNetworkAccessManager(this))
{
    for (const QUrl& base : baseUrls) {
        Target t;
        t.base = base;
        t.alertsUrl = SourceAccess::join(base, u"/api/v2/alerts"_s);
        t.health.id = sourceIdFor(base);
        t.health.displayName = u"Alertmanager "_s + base.toDisplayString();
        t.health.state = SourceHealth::State::Stale; // not polled yet
        m_targets.append(std::move(t));
    }
    connect(&m_timer, &QTimer::timeout, this, &AlertmanagerPoller::pollNow);
}

AlertmanagerPoller::~AlertmanagerPoller() = default;

QString AlertmanagerPoller::sourceIdFor(const QUrl& baseUrl)
{
    return u"alertmanager-poll:"_s + baseUrl.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
}

void AlertmanagerPoller::setAccess(const SourceAccess& access)
{
    m_access = access;
    for (Target& t : m_targets)
        t.health.access = access.describe(t.base);
}

void AlertmanagerPoller::setInterval(int ms)
{
    m_intervalMs = qMax(100, ms);
    if (m_timer.isActive())
        m_timer.start(m_intervalMs);
}

void AlertmanagerPoller::setRequestTimeout(int ms)
{
    m_requestTimeoutMs = qMax(100, ms);
    m_timeoutSet = true;
}

QVector<SourceHealth> AlertmanagerPoller::health() const
{
    QVector<SourceHealth> out;
    for (const Target& t : m_targets)
        out.append(t.health);
    return out;
}

void AlertmanagerPoller::start()
{
    m_timer.start(m_intervalMs);
    pollNow();
}

void AlertmanagerPoller::stop()
{
    m_timer.stop();
    for (Target& t : m_targets) {
        if (t.reply)
            t.reply->abort();
    }
}

void AlertmanagerPoller::markStale()
{
    // Live only means something while it is recent: a source that has not answered for three
    // intervals (say, its requests hang) is shown as stale rather than trusted.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (Target& t : m_targets) {
        if (t.health.state == SourceHealth::State::Live && t.health.lastSuccessAt.isValid() &&
            t.health.lastSuccessAt.msecsTo(now) > 3ll * m_intervalMs) {
            t.health.state = SourceHealth::State::Stale;
            Q_EMIT healthChanged(t.health);
        }
    }
}

void AlertmanagerPoller::pollNow()
{
    markStale();
    if (m_pending > 0)
        return; // the previous round is still waiting for a slow Alertmanager
    m_roundStartedAt = QDateTime::currentDateTimeUtc();
    const int timeout = m_timeoutSet ? m_requestTimeoutMs : qMin(m_intervalMs, 10'000);
    for (int i = 0; i < m_targets.size(); ++i) {
        Target& t = m_targets[i];
        t.okThisRound = false;
        t.answerTooLarge = false;
        t.thisRound.clear();
        QNetworkRequest request = m_access.request(t.alertsUrl);
        request.setTransferTimeout(timeout);
        t.reply = m_network->get(request);
        ++m_pending;
        connect(t.reply, &QNetworkReply::finished, this, [this, i] { onReplyFinished(i); });
        // Checked as the answer arrives (announced length or bytes so far), so at most the cap is ever buffered.
        connect(t.reply, &QNetworkReply::downloadProgress, this, [this, i](qint64 received, qint64 total) {
            Target& target = m_targets[i];
            if (target.reply && (received > m_maxAnswerBytes || total > m_maxAnswerBytes)) {
                target.answerTooLarge = true;
                target.reply->abort(); // finished follows, and reports the error
            }
        });
    }
    if (m_pending == 0)
        finishRound();
}

void AlertmanagerPoller::onReplyFinished(int index)
{
    Target& t = m_targets[index];
    QNetworkReply* reply = t.reply;
    t.reply = nullptr;
    reply->deleteLater();

    QString error;
    const int httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (t.answerTooLarge) {
        error = u"answer exceeds the size limit of %1 MiB; aborted"_s.arg(m_maxAnswerBytes / (1024.0 * 1024.0));
    } else if (reply->error() != QNetworkReply::NoError) {
        error = reply->errorString();
        if (httpStatus)
            error = u"HTTP "_s + QString::number(httpStatus) + u": "_s + error;
    } else if (httpStatus != 200) {
        error = u"HTTP "_s + QString::number(httpStatus);
    } else {
        const auto alerts = AlertmanagerApiParser::parseAlerts(reply->readAll(), &error, m_roundStartedAt, t.health.id);
        if (alerts) {
            t.thisRound = AlertmanagerApiParser::toBatch(*alerts);
            t.okThisRound = true;
        } else {
            error = u"bad response: "_s + error;
        }
    }

    if (t.okThisRound) {
        t.health.state = SourceHealth::State::Live;
        t.health.lastSuccessAt = QDateTime::currentDateTimeUtc();
        t.health.lastError.clear();
        t.health.alertCount = int(t.thisRound.size());
    } else {
        t.health.state = SourceHealth::State::Unreachable;
        t.health.lastError = error;
    }
    Q_EMIT healthChanged(t.health);

    if (--m_pending == 0)
        finishRound();
}

void AlertmanagerPoller::finishRound()
{
    // Merge: the first URL (in configured order) that lists a fingerprint speaks for it.
    AlertBatch batch;
    QSet<QString> seenNow;
    for (const Target& t : std::as_const(m_targets)) {
        if (!t.okThisRound)
            continue;
        for (const Alert& a : t.thisRound) {
            if (seenNow.contains(a.fingerprint))
                continue;
            seenNow.insert(a.fingerprint);
            batch.append(a);
        }
    }
    const int firing = int(batch.size());

    // An alert has resolved when no reachable Alertmanager lists it any more AND every Alertmanager
    // that listed it last time answered this round; otherwise an outage would look like a recovery.
    QVector<QString> resolvedFingerprints;
    for (auto it = m_lastSeen.cbegin(); it != m_lastSeen.cend(); ++it) {
        const QString& fp = it.key();
        if (seenNow.contains(fp))
            continue;
        bool certain = true;
        for (const Target& t : std::as_const(m_targets)) {
            if (!t.okThisRound && t.lastFingerprints.contains(fp)) {
                certain = false;
                break;
            }
        }
        if (!certain)
            continue;
        Alert resolved = it.value();
        resolved.status = Alert::Status::Resolved;
        resolved.endsAt = m_roundStartedAt; // noticed now; the API no longer tells the true end
        resolved.receivedAt = m_roundStartedAt;
        batch.append(resolved);
        resolvedFingerprints.append(fp);
    }

    bool submitted = true;
    if (!batch.isEmpty()) {
        QString error;
        submitted = m_sink && m_sink->submit(batch, &error);
        if (!submitted)
            qWarning("AlertmanagerPoller: sink refused %d alerts: %s", int(batch.size()), qUtf8Printable(error));
    }
    // Only remember what was actually delivered, so a refused round is retried by the next one.
    if (submitted) {
        for (const QString& fp : std::as_const(resolvedFingerprints))
            m_lastSeen.remove(fp);
        for (int i = 0; i < firing; ++i)
            m_lastSeen.insert(batch[i].fingerprint, batch[i]);
        for (Target& t : m_targets) {
            if (!t.okThisRound)
                continue;
            t.lastFingerprints.clear();
            for (const Alert& a : std::as_const(t.thisRound))
                t.lastFingerprints.insert(a.fingerprint);
        }
    }
    for (Target& t : m_targets)
        t.thisRound.clear();
    Q_EMIT roundFinished(firing, int(resolvedFingerprints.size()), submitted);
}
