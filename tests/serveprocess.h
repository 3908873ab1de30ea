#pragma once
// `nightwatch-cli serve` on a free loopback port with its own HOME, and a client that keeps posting
// Alertmanager deliveries and remembers which were acknowledged (200): what the shutdown and crash
// tests need to say "nothing acknowledged was lost".

#include "alertmanagerprocess.h" // testsupport::freePort

#include <QDateTime>
#include <QDeadlineTimer>
#include <QHash>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

namespace testsupport {

struct ServeProcess
{
    QTemporaryDir home;
    std::unique_ptr<QProcess> process;
    quint16 port = 0;
    QByteArray output;
    std::function<void()> childSetup; // runs in the child before exec (resource limits)
    QStringList extraArguments;        // after --db and --listen (e.g. --generic-mapping FILE)
    QHash<QString, QString> extraEnvironment; // beside the private HOME (e.g. a secret)
    QString program = QStringLiteral(NIGHTWATCH_CLI); // another build's nightwatch-cli (the benchmarks' --cli)
    int startTimeoutMs = 20'000; // until it listens (a restart restores the incidents of a full store first)

    // Starts serve on db and waits until it listens; false (with the output so far in *why) otherwise.
    bool start(const QString& db, QString* why)
    {
        port = freePort();
        output.clear();
        process = std::make_unique<QProcess>();
        process->setProcessChannelMode(QProcess::MergedChannels);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        for (auto it = extraEnvironment.cbegin(); it != extraEnvironment.cend(); ++it)
            env.insert(it.key(), it.value());
        process->setProcessEnvironment(env);
        if (childSetup)
            process->setChildProcessModifier(childSetup);
        QObject::connect(process.get(), &QProcess::readyRead, process.get(),
                         [this] { output += process->readAll(); });
        process->start(program,
                       QStringList{QStringLiteral("serve"), QStringLiteral("--db"), db, QStringLiteral("--listen"),
                        QStringLiteral("127.0.0.1:%1").arg(port)} +
                           extraArguments);
        if (!process->waitForStarted(10'000)) {
            *why = process->errorString();
            return false;
        }
        QDeadlineTimer deadline(startTimeoutMs);
        while (!output.contains("webhook: listening") && process->state() != QProcess::NotRunning &&
               !deadline.hasExpired())
            QTest::qWait(20);
        if (!output.contains("webhook: listening")) {
            *why = QString::fromUtf8(output);
            return false;
        }
        return true;
    }

    QUrl url(const char* path = "/api/v1/alerts/alertmanager") const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(QLatin1StringView(path)));
    }
};

// The alert names of delivery id: alertsPerDelivery distinct alerts, so a count per name shows loss or doubling.
inline QString alertName(int delivery, int k)
{
    return QStringLiteral("Crash%1x%2").arg(delivery).arg(k);
}

// services: how many services the alerts spread over (the correlator's work grows with it).
// onsetSpreadSeconds > 0: the alerts began firing up to that many seconds ago (by the delivery's number), as a real
// storm's groups arrive with onsets before those already shown, not each at the moment it is sent.
inline QByteArray alertmanagerDelivery(int delivery, int alertsPerDelivery, int services = 5,
                                       int onsetSpreadSeconds = 0)
{
    using namespace Qt::StringLiterals;
    const QDateTime sent = QDateTime::currentDateTimeUtc();
    const QString onset =
        (onsetSpreadSeconds > 0 ? sent.addSecs(-(delivery % onsetSpreadSeconds)) : sent).toString(Qt::ISODate);
    QStringList alerts;
    for (int k = 0; k < alertsPerDelivery; ++k)
        alerts << (uR"({"status":"firing","labels":{"alertname":"%1","service":"svc%2","instance":"i%1","severity":"warning"},)"
                   uR"("annotations":{},"startsAt":"%3","endsAt":"0001-01-01T00:00:00Z"})"_s)
                      .arg(alertName(delivery, k))
                      .arg(k % services)
                      .arg(onset);
    return (uR"({"version":"4","status":"firing","receiver":"nightwatch","groupLabels":{},)"
            uR"("commonLabels":{},"commonAnnotations":{},"externalURL":"http://am","alerts":[%1]})"_s)
        .arg(alerts.join(QLatin1Char(',')))
        .toUtf8();
}

// A compact Alertmanager body (about 95 bytes an alert, so 100,000 fit the 10 MiB limit) named as
// alertName(delivery, k).
inline QByteArray compactDelivery(int delivery, int alerts)
{
    const QByteArray at = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toUtf8();
    QByteArray body = R"({"version":"4","status":"firing","alerts":[)";
    body.reserve(alerts * 96 + 64);
    for (int k = 0; k < alerts; ++k) {
        if (k)
            body += ',';
        body += R"({"status":"firing","labels":{"alertname":")" + alertName(delivery, k).toLatin1() +
                R"(","service":"s)" + QByteArray::number(k % 50) + R"("},"startsAt":")" + at + R"("})";
    }
    return body + "]}";
}

// Keeps `concurrency` posts in flight, each a new delivery id, until stop(); acked holds those answered 200. With
// resendFirst(), it sends those deliveries again first, the very bytes sent before, as Alertmanager retries a
// notification it saw no 200 for.
class DeliveryClient
{
public:
    DeliveryClient(QUrl url, int alertsPerDelivery, int* nextId)
        : m_url(std::move(url)), m_alerts(alertsPerDelivery), m_nextId(nextId)
    {
    }

    void start(int concurrency)
    {
        for (int i = 0; i < concurrency; ++i)
            post();
    }
    // Aborts what is in flight: those deliveries count as not acknowledged.
    void stop()
    {
        m_running = false;
        for (QNetworkReply* r : m_inFlight.values())
            r->abort();
    }

    // ids: sent before (their bodies in *sent); new deliveries go into *sent too.
    void resendFirst(QList<int> ids, QHash<int, QByteArray>* sent)
    {
        m_resend = std::move(ids);
        m_sent = sent;
    }

    QSet<int> acked;
    int failed = 0;
    QByteArray authorization; // e.g. "Bearer TOKEN" for a receiver with a token


private:
    void post()
    {
        if (!m_running)
            return;
        const int id = m_resend.isEmpty() ? (*m_nextId)++ : m_resend.takeFirst();
        QByteArray body = m_sent ? m_sent->value(id) : QByteArray();
        if (body.isEmpty()) {
            body = alertmanagerDelivery(id, m_alerts);
            if (m_sent)
                m_sent->insert(id, body);
        }
        QNetworkRequest request(m_url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setTransferTimeout(10'000);
        if (!authorization.isEmpty())
            request.setRawHeader(QByteArrayLiteral("Authorization"), authorization);
        QNetworkReply* reply = m_nam.post(request, body);
        m_inFlight.insert(reply);
        QObject::connect(reply, &QNetworkReply::finished, &m_nam, [this, reply, id] {
            m_inFlight.remove(reply);
            reply->deleteLater();
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200)
                acked.insert(id);
            else
                ++failed;
            post();
        });
    }

    QNetworkAccessManager m_nam;
    QUrl m_url;
    int m_alerts;
    int* m_nextId;
    bool m_running = true;
    QSet<QNetworkReply*> m_inFlight;
    QList<int> m_resend;
    QHash<int, QByteArray>* m_sent = nullptr;
};

} // namespace testsupport
