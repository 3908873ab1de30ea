#include "receiverload.h"
#include "benchstats.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>

#include <signal.h>

using namespace Qt::StringLiterals;
using ordered_json = nlohmann::ordered_json;

namespace {

constexpr int kServices = 120;

// A tree of services (svc-i calls svc-(i-1)/2): the storm's alerts join incidents along it, so there is
// diagnosis work for every change and every delivery.
QByteArray graphJson()
{
    QJsonArray nodes, edges;
    for (int i = 0; i < kServices; ++i) {
        nodes.append(QJsonObject{{u"id"_s, u"svc-%1"_s.arg(i)}});
        if (i > 0)
            edges.append(QJsonObject{{u"from"_s, u"svc-%1"_s.arg(i)}, {u"to"_s, u"svc-%1"_s.arg((i - 1) / 2)}});
    }
    return QJsonDocument(QJsonObject{{u"nodes"_s, nodes}, {u"edges"_s, edges}}).toJson(QJsonDocument::Compact);
}

// One Alertmanager webhook of distinct firing alerts [first, first + count).
QByteArray alertDelivery(int first, int count, const QDateTime& t0)
{
    QJsonArray alerts;
    for (int k = first; k < first + count; ++k)
        alerts.append(QJsonObject{
            {u"status"_s, u"firing"_s},
            {u"labels"_s, QJsonObject{{u"alertname"_s, u"Err%1"_s.arg(k)},
                                      {u"service"_s, u"svc-%1"_s.arg(k % kServices)},
                                      {u"severity"_s, k % 7 == 0 ? u"critical"_s : u"warning"_s}}},
            {u"annotations"_s, QJsonObject{}},
            {u"startsAt"_s, t0.addMSecs(qint64(k) * 50).toString(Qt::ISODateWithMs)},
            {u"endsAt"_s, u"0001-01-01T00:00:00Z"_s}});
    return QJsonDocument(QJsonObject{{u"version"_s, u"4"_s}, {u"status"_s, u"firing"_s}, {u"alerts"_s, alerts}})
        .toJson(QJsonDocument::Compact);
}

QByteArray changeDelivery(int first, int count, const QDateTime& t0)
{
    QJsonArray changes;
    for (int k = first; k < first + count; ++k)
        changes.append(QJsonObject{{u"service"_s, u"svc-%1"_s.arg(k % kServices)},
                                   {u"kind"_s, u"deploy"_s},
                                   {u"at"_s, t0.addSecs(-600 + k % 600).toString(Qt::ISODate)},
                                   {u"description"_s, u"release %1"_s.arg(k)}});
    return QJsonDocument(QJsonObject{{u"changes"_s, changes}}).toJson(QJsonDocument::Compact);
}

// -1 for figures of no answers at all.
ordered_json latencies(const QVector<double>& ms)
{
    const auto figure = [&](double p) { return ms.isEmpty() ? -1.0 : percentile(ms, p); };
    return ordered_json{
        {"count", ms.size()}, {"p50_ms", figure(0.50)}, {"p99_ms", figure(0.99)}, {"max_ms", figure(1.0)}};
}

// GET /healthz every 50 ms (one at a time) while it runs, recording each answer's latency; a probe still
// unanswered at the end counts with its age.
class HealthProbe
{
public:
    explicit HealthProbe(const QUrl& url) : m_url(url)
    {
        m_nam.setProxy(QNetworkProxy::NoProxy);
        m_timer.setInterval(50);
        QObject::connect(&m_timer, &QTimer::timeout, [this] { probe(); });
    }
    void start()
    {
        m_ms.clear();
        m_timer.start();
    }
    QVector<double> stop()
    {
        m_timer.stop();
        if (m_pending)
            m_ms << double(m_since.nsecsElapsed()) / 1e6;
        return m_ms;
    }

private:
    void probe()
    {
        if (m_pending)
            return;
        m_pending = m_nam.get(QNetworkRequest(m_url));
        m_since.start();
        QObject::connect(m_pending, &QNetworkReply::finished, [this, reply = m_pending] {
            if (reply == m_pending) {
                m_ms << double(m_since.nsecsElapsed()) / 1e6;
                m_pending = nullptr;
            }
            reply->deleteLater();
        });
    }

    QUrl m_url;
    QNetworkAccessManager m_nam;
    QTimer m_timer;
    QNetworkReply* m_pending = nullptr;
    QElapsedTimer m_since;
    QVector<double> m_ms;
};

struct PostResult
{
    double seconds = -1;
    QVector<double> latencyMs; // per request
    QString error;
};

// Posts every body with `inFlight` open at a time; each request's latency from its send to its answer.
PostResult postAll(QNetworkAccessManager& nam, const QUrl& url, const QVector<QByteArray>& bodies, int inFlight)
{
    PostResult result;
    QEventLoop loop;
    qsizetype next = 0, answered = 0;
    std::function<void()> launch = [&] {
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        request.setTransferTimeout(120'000);
        auto sent = std::make_shared<QElapsedTimer>();
        sent->start();
        QNetworkReply* reply = nam.post(request, bodies[next++]);
        QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply, sent] {
            reply->deleteLater();
            result.latencyMs << double(sent->nsecsElapsed()) / 1e6;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status != 200 && result.error.isEmpty())
                result.error = u"answered %1: %2 %3"_s.arg(status).arg(QString::fromUtf8(reply->readAll().left(200)),
                                                                    reply->errorString());
            if (++answered == bodies.size())
                loop.quit();
            else if (next < bodies.size())
                launch();
        });
    };
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < inFlight && next < bodies.size(); ++i)
        launch();
    if (!bodies.isEmpty())
        loop.exec();
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    return result;
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

bool waitHealthy(QNetworkAccessManager& nam, const QUrl& url, QProcess& serve)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 30'000 && serve.state() == QProcess::Running) {
        QNetworkReply* reply = nam.get(QNetworkRequest(url));
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        const bool ok = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200;
        reply->deleteLater();
        if (ok)
            return true;
        QEventLoop pause;
        QTimer::singleShot(100, &pause, &QEventLoop::quit);
        pause.exec();
    }
    return false;
}

int fail(const QString& message)
{
    std::fprintf(stderr, "nightwatch-bench: %s\n", qPrintable(message));
    return 1;
}

} // namespace

int runReceiverLoad(const ReceiverLoadOptions& options)
{
    QTemporaryDir dir;
    QFile graph(dir.filePath(u"graph.json"_s));
    if (!dir.isValid() || !graph.open(QIODevice::WriteOnly) || graph.write(graphJson()) < 0)
        return fail(u"cannot write the graph to a temporary folder"_s);
    graph.close();
    const quint16 port = freePort();
    const QString base = u"http://127.0.0.1:%1"_s.arg(port);
    QProcess serve;
    serve.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    serve.start(options.serveBinary, {u"serve"_s, u"--db"_s, dir.filePath(u"load.sqlite"_s), u"--graph"_s,
                                      graph.fileName(), u"--listen"_s, u"127.0.0.1:%1"_s.arg(port)});
    if (!serve.waitForStarted(10'000))
        return fail(options.serveBinary + u": "_s + serve.errorString());
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    if (!waitHealthy(nam, QUrl(base + u"/healthz"_s), serve))
        return fail(u"the receiver did not answer /healthz"_s);
    HealthProbe health(QUrl(base + u"/healthz"_s));
    const QDateTime t0 = QDateTime::currentDateTimeUtc().addSecs(-1800);
    ordered_json out;

    // 1. A storm of distinct alerts: every delivery makes or grows incidents.
    QVector<QByteArray> bodies;
    for (int k = 0; k < options.stormAlerts; k += options.alertsPerDelivery)
        bodies << alertDelivery(k, qMin(options.alertsPerDelivery, options.stormAlerts - k), t0);
    health.start();
    PostResult storm = postAll(nam, QUrl(base + u"/api/v1/alerts/alertmanager"_s), bodies, options.inFlight);
    out["alert_storm"] = {{"alerts", options.stormAlerts},
                          {"deliveries", bodies.size()},
                          {"in_flight", options.inFlight},
                          {"seconds", storm.seconds},
                          {"alerts_per_s", double(options.stormAlerts) / storm.seconds},
                          {"delivery_latency", latencies(storm.latencyMs)},
                          {"healthz_latency", latencies(health.stop())},
                          {"error", storm.error.toStdString()}};

    // 2. Change events, with the storm's incidents open: all in one POST, then one POST each.
    const QUrl changes(base + u"/api/v1/changes"_s);
    health.start();
    PostResult one = postAll(nam, changes, {changeDelivery(0, options.changeEvents, t0)}, 1);
    out["changes_one_post"] = {{"events", options.changeEvents},
                               {"seconds", one.seconds},
                               {"healthz_latency", latencies(health.stop())},
                               {"error", one.error.toStdString()}};
    QVector<QByteArray> each;
    for (int k = 0; k < options.changeEvents; ++k)
        each << changeDelivery(options.changeEvents + k, 1, t0);
    health.start();
    PostResult many = postAll(nam, changes, each, 1);
    out["changes_one_per_post"] = {{"events", options.changeEvents},
                                   {"seconds", many.seconds},
                                   {"post_latency", latencies(many.latencyMs)},
                                   {"healthz_latency", latencies(health.stop())},
                                   {"error", many.error.toStdString()}};

    // 3. SIGTERM while a big batch is being taken in: how long until the process is gone, and how.
    QNetworkRequest request(changes);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    QNetworkReply* big = nam.post(request, changeDelivery(10 * options.changeEvents, 5'000, t0));
    QEventLoop pause;
    QTimer::singleShot(100, &pause, &QEventLoop::quit);
    pause.exec();
    QElapsedTimer stopping;
    stopping.start();
    ::kill(pid_t(serve.processId()), SIGTERM);
    const bool exited = serve.waitForFinished(30'000);
    out["sigterm_during_batch"] = {{"exited", exited},
                                   {"seconds", double(stopping.nsecsElapsed()) / 1e9},
                                   {"exit_code", exited ? serve.exitCode() : -1},
                                   {"batch_status", big->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt()}};
    big->deleteLater();
    if (!exited)
        serve.kill();

    if (options.json) {
        std::printf("%s\n", out.dump(2).c_str());
    } else {
        for (auto it = out.begin(); it != out.end(); ++it)
            std::printf("%-22s %s\n", it.key().c_str(), it.value().dump().c_str());
    }
    return 0;
}
