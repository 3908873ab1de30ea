#include "benchcommand.h"
#include "attackrun.h"
#include "receiverload.h"

#include "benchstats.h"
#include "servestorm.h"
#include "storewrite.h"

#include "diagnose/scenariodiagnosis.h"
#include "historyseed.h"

#include "correlate/graphreach.h"
#include "diagnose/diagnoser.h"
#include "graph/servicegraph.h"
#include "ingest/alertmanagerwebhookparser.h"
#include "ingest/scenarioreader.h"
#include "pipeline/consoleruntime.h"
#include "pipeline/pipeline.h"
#include "history/historyquery.h"
#include "history/historysummary.h"
#include "store/store.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using nlohmann::json;
using ordered_json = nlohmann::ordered_json;

namespace {

const QString alertmanagerBinary = u"/usr/bin/prometheus-alertmanager"_s;

struct Sizes
{
    int services = 1000;
    int notifications = 100'000;
    int batchSize = 100; // notifications per delivery, as an Alertmanager webhook groups them
    int inFlight = 4;    // concurrent deliveries over loopback
    int incidentAlerts = 2000;
    int diagnoseRuns = 50;
    bool inProcessOnly = false; // stop after the in-process ingest: the loop to profile
    bool httpOnly = false;      // only the two loopback ingests, ours and Alertmanager's: the HTTP loop to profile
    bool noDelayClient = false; // post as Go's client does (see postAllNoDelay) instead of with QNetworkAccessManager
    int historyIncidents = 10'000;
    int historyQueries = 300;
    QString historyDb; // empty: a temporary file
};

int fail(const QString& message)
{
    std::fprintf(stderr, "nightwatch-bench: %s\n", qPrintable(message));
    return 2;
}

void progress(const QString& message)
{
    std::fprintf(stderr, "bench: %s\n", qPrintable(message));
}

QString iso(qint64 secs)
{
    return QDateTime::fromSecsSinceEpoch(secs, Qt::UTC).toString(Qt::ISODate);
}

json labelsJson(const LabelSet& labels)
{
    json o = json::object();
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        o[it.key().toStdString()] = it.value().toStdString();
    return o;
}

// ---- the synthetic storm ---------------------------------------------------------------------------

struct StormAlert
{
    LabelSet labels;
    QString summary; // the one annotation
    QString fingerprint;
    qint64 onset = 0; // seconds since epoch
    qint64 end = 0;   // when it resolves for good
};

struct Notification
{
    int alert = 0;
    qint64 at = 0;
    bool firing = true;
};

// A layered service graph and faults on it, all from one seed. Services call services in lower layers
// (layer 0 is databases, caches and queues); a fault on a node spreads to its callers hop by hop, so
// one broken database pages hundreds of services, as in the storms the console exists for.
class StormGenerator
{
public:
    StormGenerator(int services, quint32 seed) : m_rng(seed)
    {
        constexpr int layerCount = 8;
        const int infra = std::max(3, services / 10);
        auto graph = std::make_shared<ServiceGraph>();
        m_layers.resize(layerCount);
        static const QString kinds[] = {u"database"_s, u"cache"_s, u"queue"_s};
        static const QString prefixes[] = {u"postgres"_s, u"redis"_s, u"kafka"_s};
        for (int i = 0; i < infra; ++i) {
            graph->addNode(u"%1-%2"_s.arg(prefixes[i % 3]).arg(i / 3), kinds[i % 3]);
            m_layers[0] << i;
        }
        for (int i = infra; i < services; ++i) {
            const int layer = 1 + (i - infra) * (layerCount - 1) / std::max(1, services - infra);
            graph->addNode(u"svc-%1-%2"_s.arg(layer).arg(i), u"service"_s);
            m_layers[layer] << i;
        }
        const auto& nodes = graph->nodes();
        for (int layer = 1; layer < layerCount; ++layer) {
            for (int v : std::as_const(m_layers[layer])) {
                // Mostly the layer right below, sometimes deeper; many services also talk to a datastore.
                const int calls = 1 + int(m_rng.bounded(3));
                for (int k = 0; k < calls; ++k) {
                    const int to = m_rng.bounded(10) < 7 ? layer - 1 : int(m_rng.bounded(layer));
                    graph->addEdge(nodes[v].id, nodes[pick(m_layers[to])].id);
                }
                if (m_rng.bounded(10) < 3)
                    graph->addEdge(nodes[v].id, nodes[pick(m_layers[0])].id);
            }
        }
        m_graph = std::move(graph);
    }

    std::shared_ptr<const ServiceGraph> graph() const { return m_graph; }
    const QVector<StormAlert>& alerts() const { return m_alerts; }
    int faults() const { return m_faults; }

    // Faults every few minutes until there are `notifications` deliveries, about 25 per alert: repeats
    // while it fires, flaps (resolved, then firing again) and a final resolve. Sorted by arrival and cut
    // into batches. Times end now, so nothing looks like history to the receivers.
    QVector<QVector<Notification>> storm(int notifications, int batchSize)
    {
        const int wanted = std::max(1, notifications / 25);
        qint64 at = 0;
        while (m_alerts.size() < wanted) {
            // Deep layers, so a few faults page hundreds of services each.
            const auto hit = affected(pick(m_layers[m_rng.bounded(3)]), false);
            ++m_faults;
            const bool silent = m_rng.bounded(5) == 0; // the root raises nothing of its own
            for (const auto& [node, hop] : hit) {
                if (!(silent && hop == 0))
                    raise(node, hop, at, 1 + int(m_rng.bounded(3)), 600 + m_rng.bounded(1800));
            }
            at += 180 + m_rng.bounded(240);
        }
        qint64 last = 0;
        for (const StormAlert& a : std::as_const(m_alerts))
            last = std::max(last, a.end);
        const qint64 shift = QDateTime::currentSecsSinceEpoch() - last;
        for (StormAlert& a : m_alerts) {
            a.onset += shift;
            a.end += shift;
        }

        QVector<Notification> all;
        all.reserve(notifications);
        for (int i = 0; i < m_alerts.size() && all.size() + 2 <= notifications; ++i)
            all << Notification{i, m_alerts[i].onset, true} << Notification{i, m_alerts[i].end, false};
        while (all.size() < notifications) {
            const int i = int(m_rng.bounded(int(m_alerts.size())));
            const StormAlert& a = m_alerts[i];
            const qint64 t = a.onset + 30 + m_rng.bounded(std::max<qint64>(1, a.end - a.onset - 60));
            if (m_rng.bounded(100) < 15 && all.size() + 2 <= notifications)
                all << Notification{i, t, false} << Notification{i, t + 20, true};
            else
                all << Notification{i, t, true};
        }
        std::stable_sort(all.begin(), all.end(),
                         [](const Notification& a, const Notification& b) { return a.at < b.at; });
        QVector<QVector<Notification>> batches;
        for (qsizetype i = 0; i < all.size(); i += batchSize)
            batches << all.mid(i, batchSize);
        return batches;
    }

    // One fault on the node with the widest blast radius, every caller alerting, until exactly `count`
    // alerts: the worst single incident the graph can produce, for diagnosis latency.
    Incident bigIncident(int count)
    {
        const GraphReach reach(m_graph);
        int root = 0;
        for (int v = 1; v < reach.nodeCount(); ++v)
            if (reach.blastRadius(v) > reach.blastRadius(root))
                root = v;
        const auto hit = affected(root, true);
        const qint64 start = QDateTime::currentSecsSinceEpoch() - 3600;
        const int first = int(m_alerts.size());
        const int perService = int((count + hit.size() - 1) / hit.size());
        for (const auto& [node, hop] : hit)
            raise(node, hop, start, perService, 3600);

        Incident inc;
        inc.key = m_alerts[first].fingerprint;
        for (int i = first; i < first + count && i < m_alerts.size(); ++i) {
            TrackedAlert t;
            t.latest.labels = m_alerts[i].labels;
            t.latest.fingerprint = m_alerts[i].fingerprint;
            t.latest.startsAt = t.firstStartsAt = QDateTime::fromSecsSinceEpoch(m_alerts[i].onset, Qt::UTC);
            t.latest.receivedAt = t.firstReceivedAt = t.lastReceivedAt = t.firstStartsAt;
            t.notificationCount = 1;
            inc.alerts << t;
        }
        std::stable_sort(inc.alerts.begin(), inc.alerts.end(), [](const TrackedAlert& a, const TrackedAlert& b) {
            return a.firstStartsAt < b.firstStartsAt;
        });
        return inc;
    }

private:
    int pick(const QVector<int>& from) { return from[m_rng.bounded(int(from.size()))]; }

    // The root and the services that depend on it, with their hop distance, breadth first. Unless `all`,
    // a caller alerts with the odds shared/scenarios/generate.py gives it (0.95 x 0.92^hop), so the storm
    // has the shape the engine is measured on.
    QVector<std::pair<int, int>> affected(int root, bool all)
    {
        QVector<std::pair<int, int>> reached{{root, 0}};
        QSet<int> seen{root};
        for (qsizetype i = 0; i < reached.size(); ++i) {
            for (int caller : m_graph->callersOf(reached[i].first)) {
                if (!seen.contains(caller)) {
                    seen.insert(caller);
                    reached.push_back({caller, reached[i].second + 1});
                }
            }
        }
        if (!all)
            reached.removeIf([&](const std::pair<int, int>& r) {
                return r.second > 0 && m_rng.generateDouble() > 0.95 * std::pow(0.92, r.second);
            });
        return reached;
    }

    // `count` distinct alerts on a node, starting a little after the fault reached it.
    void raise(int node, int hop, qint64 faultAt, int count, qint64 duration)
    {
        static const QString causes[] = {u"DatabaseConnectionPoolExhausted"_s, u"RedisConnectionTimeout"_s,
                                         u"KafkaConsumerLagHigh"_s, u"PodCrashLooping"_s};
        static const QString symptoms[] = {u"ServiceErrorRateHigh"_s, u"ServiceLatencyHigh"_s, u"UpstreamTimeouts"_s,
                                           u"HighCPU"_s};
        const ServiceGraph::Node& n = m_graph->nodes()[node];
        const bool infra = n.kind != u"service";
        for (int k = 0; k < count; ++k) {
            StormAlert a;
            a.labels.insert(u"alertname"_s, hop == 0 && k == 0 ? causes[infra ? node % 3 : 3] : symptoms[k % 4]);
            a.labels.insert(u"service"_s, n.id);
            a.labels.insert(u"severity"_s, hop == 0 || m_rng.bounded(4) == 0 ? u"critical"_s : u"warning"_s);
            a.labels.insert(u"namespace"_s, u"production"_s);
            a.labels.insert(u"layer"_s, infra ? u"infrastructure"_s : u"application"_s);
            // A pod of its own per alert: every raised alert is a new fingerprint, so the storm's
            // repeats and flaps are exactly the ones generated below.
            a.labels.insert(u"instance"_s, u"%1-%2"_s.arg(n.id).arg(m_pods++));
            a.fingerprint = Alert::fingerprintOf(a.labels);
            a.summary = a.labels.value(u"alertname"_s) + u" on "_s + n.id;
            // generate.py's delays: 15-90 s per hop, -20..+40 s of jitter.
            const qint64 delay = hop * (15 + qint64(m_rng.bounded(76))) + qint64(m_rng.bounded(61)) - 20;
            a.onset = faultAt + std::max<qint64>(0, delay);
            a.end = a.onset + duration;
            m_alerts << a;
        }
    }

    QRandomGenerator m_rng;
    std::shared_ptr<const ServiceGraph> m_graph;
    QVector<QVector<int>> m_layers;
    QVector<StormAlert> m_alerts;
    int m_pods = 0;
    int m_faults = 0;
};

// The batch as one Alertmanager webhook (payload version 4).
QByteArray webhookBody(const QVector<Notification>& batch, const QVector<StormAlert>& alerts)
{
    json list = json::array();
    for (const Notification& n : batch) {
        const StormAlert& a = alerts[n.alert];
        list.push_back({{"status", n.firing ? "firing" : "resolved"},
                        {"labels", labelsJson(a.labels)},
                        {"annotations", {{"summary", a.summary.toStdString()}}},
                        {"startsAt", iso(a.onset).toStdString()},
                        {"endsAt", n.firing ? "0001-01-01T00:00:00Z" : iso(n.at).toStdString()},
                        {"generatorURL", "http://prometheus.bench/graph"},
                        {"fingerprint", a.fingerprint.toStdString()}});
    }
    const json body{{"version", "4"},
                    {"groupKey", "{}:{namespace=\"production\"}"},
                    {"status", "firing"},
                    {"receiver", "nightwatch"},
                    {"groupLabels", json::object()},
                    {"commonLabels", {{"namespace", "production"}}},
                    {"commonAnnotations", json::object()},
                    {"externalURL", "http://alertmanager.bench"},
                    {"alerts", list}};
    return QByteArray::fromStdString(body.dump());
}

// The same batch as Prometheus posts it to Alertmanager's POST /api/v2/alerts: a firing alert ends a few
// evaluation intervals ahead unless refreshed, a resolved one ends when it resolved.
QByteArray postableAlertsBody(const QVector<Notification>& batch, const QVector<StormAlert>& alerts)
{
    json list = json::array();
    for (const Notification& n : batch) {
        const StormAlert& a = alerts[n.alert];
        list.push_back({{"labels", labelsJson(a.labels)},
                        {"annotations", {{"summary", a.summary.toStdString()}}},
                        {"startsAt", iso(a.onset).toStdString()},
                        {"endsAt", iso(n.firing ? n.at + 300 : n.at).toStdString()},
                        {"generatorURL", "http://prometheus.bench/graph"}});
    }
    return QByteArray::fromStdString(list.dump());
}

// ---- measurements ---------------------------------------------------------------------------------

double rssMb()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return 0.0;
    for (QByteArray line = status.readLine(); !line.isEmpty(); line = status.readLine()) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0; // reported in kB
    }
    return 0.0;
}

struct IngestTiming
{
    double seconds = -1;     // everything
    double parseSeconds = 0; // of which webhook JSON -> Alert
    double cpuSeconds = 0;   // this thread's CPU time for everything (user + system): steadier on a busy machine
};

double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// Normalise (parse the webhook JSON) + store + dedup + correlate + diagnose, on this thread: the pipeline as the
// receiver drives it, minus the sockets. The receiver hands over the deliveries that arrive while the pipeline
// is busy together (submitDeferred: one transaction for all of them), and with `inFlight` senders at most that
// many are waiting; so here `inFlight` deliveries are handed over, then stored, correlated and answered.
// inFlight 1 is one submit() and one commit per delivery, the slowest way in.
IngestTiming inProcessIngest(const QVector<QByteArray>& bodies, const std::shared_ptr<const ServiceGraph>& graph,
                             int inFlight, QString* error)
{
    QTemporaryDir dir;
    Pipeline pipeline;
    Pipeline::Options options;
    options.databasePath = dir.filePath(u"bench.sqlite"_s);
    options.graph = graph;
    options.refreshMs = ConsoleRuntime::Config{}.refreshMs; // incidents refreshed as often as in the console
    if (!dir.isValid() || !pipeline.open(options, error))
        return {};
    qsizetype answered = 0;
    QString refused;
    const auto done = [&](bool stored, const QString& why) {
        ++answered;
        if (!stored && refused.isEmpty())
            refused = why;
    };
    QElapsedTimer timer;
    timer.start();
    const double cpuBefore = threadCpuSeconds();
    qint64 parseNs = 0;
    for (qsizetype i = 0; i < bodies.size(); ++i) {
        const qint64 before = timer.nsecsElapsed();
        auto payload = AlertmanagerWebhookParser::parse(bodies[i], error);
        parseNs += timer.nsecsElapsed() - before;
        if (!payload)
            return {};
        if (inFlight <= 1) {
            if (!pipeline.submit(payload->alerts, error))
                return {};
            continue;
        }
        pipeline.submitDeferred(std::move(payload->alerts), done);
        if ((i + 1) % inFlight == 0 || i + 1 == bodies.size())
            QCoreApplication::sendPostedEvents(&pipeline, QEvent::MetaCall); // the receiver's thread would now run
    }
    if (!refused.isEmpty() || (inFlight > 1 && answered != bodies.size())) {
        *error = refused.isEmpty()
                     ? u"%1 of %2 deliveries were never answered"_s.arg(bodies.size() - answered).arg(bodies.size())
                     : refused;
        return {};
    }
    pipeline.flush(); // the storm's last incidents stored and diagnosed too
    return {double(timer.nsecsElapsed()) / 1e9, double(parseNs) / 1e9, threadCpuSeconds() - cpuBefore};
}

// Posts every body keeping `inFlight` requests open, as deliveries from several alert groups overlap.
// Returns the seconds from the first request to the last answer, or -1 when an answer is not 200.
double postAll(const QUrl& url, const QVector<QByteArray>& bodies, int inFlight, QString* error)
{
    QEventLoop loop;
    qsizetype next = 0, answered = 0;
    bool over = false;
    QNetworkAccessManager nam; // declared last: destroyed first, so aborted replies see live state
    nam.setProxy(QNetworkProxy::NoProxy);
    std::function<void()> launch = [&] {
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        QNetworkReply* reply = nam.post(request, bodies[next++]);
        QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply] {
            if (over)
                return; // nam is aborting what is left
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status != 200) {
                *error = u"%1 answered %2: %3"_s.arg(url.toString())
                             .arg(status)
                             .arg(QString::fromUtf8(reply->readAll().left(200)) + reply->errorString());
                over = true;
                loop.exit(1);
            } else if (++answered == bodies.size()) {
                over = true;
                loop.exit(0);
            } else if (next < bodies.size()) {
                launch();
            }
        });
    };
    QTimer::singleShot(600'000, &loop, [&] {
        *error = u"%1: no answer after 10 min"_s.arg(url.toString());
        over = true;
        loop.exit(1);
    });
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < inFlight && next < bodies.size(); ++i)
        launch();
    if (bodies.isEmpty() || loop.exec() != 0)
        return bodies.isEmpty() ? 0.0 : -1.0;
    return double(timer.nsecsElapsed()) / 1e9;
}

// Posts as Go's net/http client does (Alertmanager's and Grafana's webhook senders): TCP_NODELAY, each request in
// one write, keep-alive connections, `inFlight` of them. QNetworkAccessManager instead writes the headers and each
// 16 KiB of the body separately without TCP_NODELAY, so a server that delays its ACKs (Linux does, by up to 40 ms)
// stalls every request bigger than 16 KiB: that measures the client as much as the server.
double postAllNoDelay(const QUrl& url, const QVector<QByteArray>& bodies, int inFlight, QString* error)
{
    if (bodies.isEmpty())
        return 0.0;
    QEventLoop loop;
    qsizetype next = 0, answered = 0;
    bool over = false;
    const QByteArray head = "POST " + url.path(QUrl::FullyEncoded).toUtf8() +
                            " HTTP/1.1\r\nHost: " + url.authority().toUtf8() +
                            "\r\nContent-Type: application/json\r\nContent-Length: ";
    struct Connection
    {
        std::unique_ptr<QTcpSocket> socket;
        QByteArray received;
    };
    std::vector<Connection> connections(size_t(qMin<qsizetype>(inFlight, bodies.size())));
    const auto finish = [&](int code) {
        over = true;
        loop.exit(code);
    };
    const auto send = [&](Connection& c) {
        const QByteArray& body = bodies[next++];
        c.socket->write(head + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    };
    // One whole response in c.received: its status, or 0 while incomplete.
    const auto takeResponse = [](Connection& c) {
        const qsizetype headEnd = c.received.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return 0;
        const QByteArray headers = c.received.left(headEnd).toLower();
        qsizetype end = headEnd + 4;
        if (headers.contains("transfer-encoding: chunked")) {
            const qsizetype last = c.received.indexOf("\r\n0\r\n\r\n", headEnd);
            if (last < 0)
                return 0;
            end = last + 7;
        } else if (const qsizetype at = headers.indexOf("content-length:"); at >= 0) {
            end += headers.mid(at + 15).split('\r').value(0).trimmed().toLongLong();
        }
        if (c.received.size() < end)
            return 0;
        const int status = c.received.mid(9, 3).toInt();
        c.received.remove(0, end);
        return status;
    };
    for (Connection& c : connections) {
        c.socket = std::make_unique<QTcpSocket>();
        c.socket->connectToHost(url.host(), quint16(url.port()));
        if (!c.socket->waitForConnected(10'000)) {
            *error = url.toString() + u": "_s + c.socket->errorString();
            return -1.0;
        }
        c.socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        QObject::connect(c.socket.get(), &QTcpSocket::readyRead, &loop, [&, conn = &c] {
            conn->received += conn->socket->readAll();
            while (!over) {
                const int status = takeResponse(*conn);
                if (status == 0)
                    return;
                if (status != 200) {
                    *error = u"%1 answered %2"_s.arg(url.toString()).arg(status);
                    finish(1);
                } else if (++answered == bodies.size()) {
                    finish(0);
                } else if (next < bodies.size()) {
                    send(*conn);
                }
            }
        });
        QObject::connect(c.socket.get(), &QTcpSocket::disconnected, &loop, [&] {
            if (over)
                return;
            *error = u"%1 closed a connection"_s.arg(url.toString());
            finish(1);
        });
    }
    QTimer::singleShot(600'000, &loop, [&] {
        *error = u"%1: no answer after 10 min"_s.arg(url.toString());
        finish(1);
    });
    QElapsedTimer timer;
    timer.start();
    for (Connection& c : connections)
        send(c);
    if (loop.exec() != 0)
        return -1.0;
    return double(timer.nsecsElapsed()) / 1e9;
}

// Waits for a signal-driven condition with a timeout; returns whether it came true.
bool waitFor(const std::function<bool()>& done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!done() && timer.elapsed() < timeoutMs) {
        QEventLoop loop;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return done();
}

// Our receiver as the console runs it (ConsoleRuntime: webhook thread + pipeline thread + SQLite on disk).
double receiverIngest(const QVector<QByteArray>& bodies, qint64 notifications, int inFlight, bool noDelay,
                      const std::shared_ptr<const ServiceGraph>& graph, QString* error)
{
    QTemporaryDir dir;
    ConsoleRuntime::Config config;
    config.databasePath = dir.filePath(u"bench.sqlite"_s);
    config.graph = graph;
    config.webhookPort = 0;
    ConsoleRuntime runtime(config);
    quint16 port = 0;
    QString failure;
    QObject::connect(&runtime, &ConsoleRuntime::webhookListening, &runtime, [&](quint16 p) { port = p; });
    QObject::connect(&runtime, &ConsoleRuntime::started, &runtime, [&](bool ok, const QString& why) {
        if (!ok)
            failure = why;
    });
    QObject::connect(&runtime, &ConsoleRuntime::failed, &runtime, [&](const QString& why) { failure = why; });
    runtime.start();
    if (!waitFor([&] { return port != 0 || !failure.isEmpty(); }, 30'000) || port == 0) {
        *error = failure.isEmpty() ? u"the webhook receiver did not start"_s : failure;
        return -1;
    }
    const QUrl url(u"http://127.0.0.1:%1/api/v1/alerts/alertmanager"_s.arg(port));
    const double secs = noDelay ? postAllNoDelay(url, bodies, inFlight, error) : postAll(url, bodies, inFlight, error);
    return secs < 0 ? -1 : notifications / secs;
}

int httpStatus(QNetworkAccessManager& nam, const QUrl& url, int timeoutMs)
{
    QNetworkReply* reply = nam.get(QNetworkRequest(url));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->abort();
    reply->deleteLater();
    return status;
}

// A throwaway Alertmanager (clustering off, a receiver that sends nothing, storage in a temporary
// directory) on a free loopback port, fed the same batches through POST /api/v2/alerts.
double alertmanagerIngest(const QVector<QByteArray>& bodies, qint64 notifications, int inFlight, bool noDelay,
                          QString* error)
{
    QTemporaryDir dir;
    QFile config(dir.filePath(u"alertmanager.yml"_s));
    if (!dir.isValid() || !config.open(QIODevice::WriteOnly) ||
        config.write("route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n") < 0) {
        *error = u"cannot write the Alertmanager config"_s;
        return -1;
    }
    config.close();
    quint16 port = 0;
    {
        QTcpServer probe; // the port is free again when probe closes; a race with another process is harmless here
        probe.listen(QHostAddress::LocalHost, 0);
        port = probe.serverPort();
    }
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(alertmanagerBinary,
                  {u"--config.file="_s + config.fileName(), u"--storage.path="_s + dir.filePath(u"data"_s),
                   u"--web.listen-address=127.0.0.1:%1"_s.arg(port), u"--cluster.listen-address="_s,
                   u"--log.level=warn"_s});
    const auto stop = qScopeGuard([&] {
        process.kill();
        process.waitForFinished(5000);
    });
    if (!process.waitForStarted(10'000)) {
        *error = process.errorString();
        return -1;
    }
    const QString base = u"http://127.0.0.1:%1"_s.arg(port);
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    if (!waitFor(
            [&] {
                return process.state() != QProcess::Running || httpStatus(nam, QUrl(base + u"/-/ready"_s), 2000) == 200;
            },
            30'000) ||
        process.state() != QProcess::Running) {
        *error = u"Alertmanager did not become ready: "_s + QString::fromUtf8(process.readAll());
        return -1;
    }
    const QUrl url(base + u"/api/v2/alerts"_s);
    const double secs = noDelay ? postAllNoDelay(url, bodies, inFlight, error) : postAll(url, bodies, inFlight, error);
    return secs < 0 ? -1 : notifications / secs;
}

// The same storm over loopback to our receiver and to a real Alertmanager, one after the other in the same run
// so that the two figures share the machine's load.
bool loopbackIngest(const Sizes& sizes, const QVector<QByteArray>& webhookBodies,
                    const QVector<QByteArray>& postableBodies, qint64 notifications,
                    const std::shared_ptr<const ServiceGraph>& graph, ordered_json& out, QString* error)
{
    progress(u"webhook ingest over loopback"_s);
    out["http_client"] = sizes.noDelayClient ? "nodelay" : "qt";
    const double overHttp =
        receiverIngest(webhookBodies, notifications, sizes.inFlight, sizes.noDelayClient, graph, error);
    if (overHttp < 0) {
        *error = u"webhook ingest: "_s + *error;
        return false;
    }
    out["http_ingest_notifications_per_s"] = std::round(overHttp);

    if (QFile::exists(alertmanagerBinary)) {
        progress(u"Alertmanager ingest over loopback"_s);
        const double am = alertmanagerIngest(postableBodies, notifications, sizes.inFlight, sizes.noDelayClient, error);
        if (am < 0) {
            *error = u"Alertmanager ingest: "_s + *error;
            return false;
        }
        out["alertmanager_http_ingest_notifications_per_s"] = std::round(am);
        out["http_ingest_vs_alertmanager"] = std::round(overHttp / am * 100) / 100;
    }
    return true;
}

// History search over a seeded store: the latency of one browser query (count + first page of 100) for a mix
// of free text, label filters, both, and a period, as the history browser asks them.
bool historySearch(const Sizes& sizes, quint32 seed, ordered_json& out, QString* error)
{
    QTemporaryDir dir;
    if (!dir.isValid()) {
        *error = u"no temporary directory"_s;
        return false;
    }
    // --history-db keeps the seeded file for a look with sqlite3 (it must not exist yet).
    const QString path = sizes.historyDb.isEmpty() ? dir.filePath(u"history.sqlite"_s) : sizes.historyDb;
    if (!sizes.historyDb.isEmpty() && QFile::exists(path)) {
        *error = u"%1 exists already"_s.arg(path);
        return false;
    }
    const QDateTime end = QDateTime::currentDateTimeUtc();
    QElapsedTimer timer;
    timer.start();
    {
        Store writer(u"bench-history-writer"_s);
        if (!writer.open(path, error) || !HistorySeed::seed(writer, sizes.historyIncidents, seed, end, 3, error))
            return false;
    }
    out["history_incidents"] = sizes.historyIncidents;
    out["history_seed_s"] = std::round(timer.nsecsElapsed() / 1e6) / 1000;

    Store reader(u"bench-history-reader"_s);
    if (!reader.open(path, error, Store::OpenMode::ReadOnly))
        return false;
    QRandomGenerator rng(seed);
    const QStringList& services = HistorySeed::services();
    const QStringList& teams = HistorySeed::teams();
    const QStringList& names = HistorySeed::alertnames();
    const auto pick = [&](const QStringList& list) { return list.at(rng.bounded(int(list.size()))); };
    static const QStringList words = {
        u"Timeout"_s, u"ConnectionPool"_s, u"deploy"_s, u"rolled back"_s, u"replica"_s, u"Lag"_s, u"5xx"_s, u"pool"_s};
    QVector<double> ms;
    qint64 matched = 0;
    for (int i = 0; i < sizes.historyQueries; ++i) {
        HistoryQuery q;
        switch (i % 6) {
        case 0: // a word inside an alertname
            q.text = names.at(i / 6 % names.size()).mid(4, 8);
            break;
        case 1: // a service name
            q.text = pick(services);
            break;
        case 2: // a phrase from evidence, notes or resolutions
            q.text = u"\"%1\""_s.arg(pick(words));
            break;
        case 3: // a label filter only
            q.labels = {{u"team"_s, pick(teams)}};
            break;
        case 4: // text and labels
            q.text = pick(words);
            q.labels = {{u"service"_s, pick(services)}, {u"severity"_s, u"critical"_s}};
            break;
        case 5: // text in a period, resolved only
            q.text = pick(services);
            q.from = end.addDays(-90);
            q.state = u"resolved"_s;
            break;
        }
        QElapsedTimer t;
        t.start();
        const std::optional<HistoryPage> page = reader.searchHistory(q, error);
        ms << double(t.nsecsElapsed()) / 1e6;
        if (!page)
            return false;
        matched += page->total;
    }
    out["history_queries"] = sizes.historyQueries;
    out["history_mean_matches"] = std::round(double(matched) / sizes.historyQueries);
    out["history_search_p50_ms"] = std::round(percentile(ms, 0.50) * 1000) / 1000;
    out["history_search_p95_ms"] = std::round(percentile(ms, 0.95) * 1000) / 1000;
    return true;
}

int runStorm(const Sizes& sizes, quint32 seed, bool asJson)
{
    progress(u"generating %1 notifications over %2 services (seed %3)"_s.arg(sizes.notifications)
                 .arg(sizes.services)
                 .arg(seed));
    StormGenerator generator(sizes.services, seed);
    const QVector<QVector<Notification>> batches = generator.storm(sizes.notifications, sizes.batchSize);
    QVector<QByteArray> webhookBodies, postableBodies;
    qint64 notifications = 0;
    for (const auto& batch : batches) {
        webhookBodies << webhookBody(batch, generator.alerts());
        postableBodies << postableAlertsBody(batch, generator.alerts());
        notifications += batch.size();
    }

    ordered_json out;
    out["notifications"] = notifications;
    out["distinct_alerts"] = generator.alerts().size();
    out["faults"] = generator.faults();
    out["services"] = generator.graph()->nodeCount();
    out["edges"] = generator.graph()->edgeCount();
    out["batch_size"] = sizes.batchSize;
    out["in_flight"] = sizes.inFlight;
    out["seed"] = seed;

    QString error;
    if (sizes.httpOnly) {
        if (!loopbackIngest(sizes, webhookBodies, postableBodies, notifications, generator.graph(), out, &error))
            return fail(error);
        std::printf("%s\n", out.dump(asJson ? 2 : -1).c_str());
        return 0;
    }

    // The generated storm and its payloads are the senders' memory, not the console's: subtract this.
    out["rss_before_ingest_mb"] = std::round(rssMb() * 10) / 10;
    // The storm three times, each into a new database. One run on a shared machine moves by a third with what
    // its neighbours do; the median is the figure, and every run is printed beside it.
    constexpr int kIngestRuns = 3;
    QVector<IngestTiming> runs;
    json perRun = json::array();
    for (int run = 1; run <= kIngestRuns; ++run) {
        progress(u"in-process ingest, run %1 of %2"_s.arg(run).arg(kIngestRuns));
        const IngestTiming timing = inProcessIngest(webhookBodies, generator.graph(), sizes.inFlight, &error);
        if (timing.seconds < 0)
            return fail(u"in-process ingest: "_s + error);
        if (run == 1)
            out["rss_mb"] = std::round(rssMb() * 10) / 10;
        runs << timing;
        perRun.push_back(std::round(notifications / timing.seconds));
    }
    std::sort(runs.begin(), runs.end(),
              [](const IngestTiming& a, const IngestTiming& b) { return a.seconds < b.seconds; });
    const IngestTiming& inProcess = runs.at(kIngestRuns / 2);
    out["ingest_notifications_per_s"] = std::round(notifications / inProcess.seconds);
    out["ingest_runs_notifications_per_s"] = perRun;
    // Where the median run's time goes: the parser is the feeds' cost, the rest is the pipeline's.
    out["ingest_parse_s"] = std::round(inProcess.parseSeconds * 1000) / 1000;
    out["ingest_pipeline_s"] = std::round((inProcess.seconds - inProcess.parseSeconds) * 1000) / 1000;
    out["ingest_cpu_s"] = std::round(inProcess.cpuSeconds * 1000) / 1000;
    // The same storm with one commit per delivery, as a lone sender that waits for each answer would get it.
    progress(u"in-process ingest, one delivery at a time"_s);
    const IngestTiming oneByOne = inProcessIngest(webhookBodies, generator.graph(), 1, &error);
    if (oneByOne.seconds < 0)
        return fail(u"in-process ingest, one delivery at a time: "_s + error);
    out["ingest_one_at_a_time_notifications_per_s"] = std::round(notifications / oneByOne.seconds);
    if (sizes.inProcessOnly) {
        std::printf("%s\n", out.dump(asJson ? 2 : -1).c_str());
        return 0;
    }

    if (!loopbackIngest(sizes, webhookBodies, postableBodies, notifications, generator.graph(), out, &error))
        return fail(error);

    progress(u"diagnosis of a %1-alert incident, %2 runs"_s.arg(sizes.incidentAlerts).arg(sizes.diagnoseRuns));
    const Incident incident = generator.bigIncident(sizes.incidentAlerts);
    const Diagnoser diagnoser(generator.graph());
    diagnoser.diagnose(incident); // warm caches and allocator before timing
    QVector<double> ms;
    for (int i = 0; i < sizes.diagnoseRuns; ++i) {
        QElapsedTimer timer;
        timer.start();
        const auto causes = diagnoser.diagnose(incident);
        ms << double(timer.nsecsElapsed()) / 1e6;
        if (causes.isEmpty())
            return fail(u"the diagnoser found no candidate"_s);
    }
    out["diagnose_incident_alerts"] = incident.alerts.size();
    out["diagnose_p50_ms"] = std::round(percentile(ms, 0.50) * 1000) / 1000;
    out["diagnose_p95_ms"] = std::round(percentile(ms, 0.95) * 1000) / 1000;

    progress(
        u"history search over %1 seeded incidents, %2 queries"_s.arg(sizes.historyIncidents).arg(sizes.historyQueries));
    if (!historySearch(sizes, seed, out, &error))
        return fail(u"history search: "_s + error);

    if (asJson) {
        std::printf("%s\n", out.dump(2).c_str());
    } else {
        for (auto it = out.begin(); it != out.end(); ++it)
            std::printf("%-46s %s\n", it.key().c_str(), it.value().dump().c_str());
    }
    return 0;
}

// ---- calibration on a scenario suite --------------------------------------------------------------

struct Bin
{
    int count = 0;
    int correct = 0;
    double confidence = 0.0; // sum
};

// For every true incident, the top candidate of the output incident sharing most of its alerts (the
// first such, as score.py picks) and whether it names the true root. A true incident no output
// incident overlaps counts as confidence 0 and wrong, so the table covers every true incident.
int runSuite(const QString& dirPath, bool asJson)
{
    constexpr int binCount = 10;
    const QDir dir(dirPath);
    const QStringList files = dir.entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    if (files.isEmpty())
        return fail(u"no scenario files in "_s + dirPath);
    std::array<Bin, binCount> bins{};
    for (const QString& name : files) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            return fail(u"cannot read %1: %2"_s.arg(file.fileName(), file.errorString()));
        const QByteArray bytes = file.readAll();
        QString error;
        auto scenario = ScenarioReader::read(bytes, &error, u"replay:"_s + file.fileName()); // never reads truth
        const json doc = json::parse(bytes.begin(), bytes.end(), nullptr, false);
        if (!scenario || doc.is_discarded() || !doc.contains("truth"))
            return fail(u"%1: %2"_s.arg(name, error.isEmpty() ? u"no truth"_s : error));
        const QVector<Incident> incidents = diagnoseScenario(std::move(*scenario), nullptr);

        QHash<QString, int> incidentOf;
        for (int i = 0; i < incidents.size(); ++i)
            for (const TrackedAlert& t : incidents[i].alerts)
                incidentOf.insert(t.fingerprint(), i);
        for (const json& truth : doc["truth"].value("incidents", json::array())) {
            QVector<int> overlap(incidents.size(), 0);
            for (const json& fp : truth.value("alerts", json::array())) {
                if (const auto it = incidentOf.constFind(QString::fromStdString(fp.get<std::string>()));
                    it != incidentOf.cend())
                    ++overlap[*it];
            }
            const auto best = std::max_element(overlap.cbegin(), overlap.cend()); // first of equals
            const RootCauseCandidate* top =
                best != overlap.cend() && *best > 0 ? incidents[best - overlap.cbegin()].topCause() : nullptr;
            const double confidence = top ? top->confidence : 0.0;
            Bin& bin = bins[std::clamp(int(confidence * binCount), 0, binCount - 1)];
            ++bin.count;
            bin.confidence += confidence;
            bin.correct += top && top->service.toStdString() == truth.value("root_cause_service", std::string());
        }
    }

    int total = 0, correct = 0;
    double confidence = 0.0, ece = 0.0;
    for (const Bin& b : bins) {
        total += b.count;
        correct += b.correct;
        confidence += b.confidence;
    }
    ordered_json rows = ordered_json::array();
    for (int i = 0; i < binCount; ++i) {
        const Bin& b = bins[i];
        ordered_json row{{"low", i / double(binCount)}, {"high", (i + 1) / double(binCount)}, {"count", b.count}};
        if (b.count > 0) {
            const double mean = b.confidence / b.count, accuracy = double(b.correct) / b.count;
            ece += double(b.count) / std::max(1, total) * std::abs(accuracy - mean);
            row["mean_confidence"] = mean;
            row["accuracy"] = accuracy;
        } else {
            row["mean_confidence"] = nullptr;
            row["accuracy"] = nullptr;
        }
        rows.push_back(row);
    }
    const ordered_json table{{"scenarios", files.size()},
                             {"true_incidents", total},
                             {"top1_accuracy", double(correct) / std::max(1, total)},
                             {"mean_confidence", confidence / std::max(1, total)},
                             {"ece", ece},
                             {"bins", rows}};
    if (asJson) {
        std::printf("%s\n", ordered_json{{"reliability", table}}.dump(2).c_str());
        return 0;
    }
    std::printf("confidence  count  mean_conf  accuracy\n");
    for (const auto& row : rows) {
        const bool empty = row["count"].get<int>() == 0;
        std::printf("%.1f-%.1f  %6d  %9s  %8s\n", row["low"].get<double>(), row["high"].get<double>(),
                    row["count"].get<int>(),
                    empty ? "-" : QByteArray::number(row["mean_confidence"].get<double>(), 'f', 3).constData(),
                    empty ? "-" : QByteArray::number(row["accuracy"].get<double>(), 'f', 3).constData());
    }
    std::printf("scenarios=%lld true_incidents=%d top1_accuracy=%.3f mean_confidence=%.3f ECE=%.3f\n",
                qlonglong(files.size()), total, table["top1_accuracy"].get<double>(),
                table["mean_confidence"].get<double>(), ece);
    return 0;
}

} // namespace

int runBenchCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Throughput, latency and calibration figures (figures only, no targets)."_s);
    const QCommandLineOption json(u"json"_s, u"Print one JSON object."_s);
    const QCommandLineOption quick(u"quick"_s, u"Small sizes, for a smoke test in seconds."_s);
    const QCommandLineOption seed(u"seed"_s, u"Seed of the generated graph and storm (1)."_s, u"n"_s, u"1"_s);
    const QCommandLineOption suite(u"suite"_s,
                                   u"Instead: reliability table of top-candidate confidence on the scenarios in DIR "
                                   "(tools/scengen.py --suite)."_s,
                                   u"dir"_s);
    const QCommandLineOption inProcessOnly(u"in-process-only"_s,
                                           u"Stop after the in-process ingest figures (the loop to profile)."_s);
    const QCommandLineOption httpOnly(u"http-only"_s,
                                      u"Only the loopback ingest figures, ours and Alertmanager's (the HTTP loop)."_s);
    const QCommandLineOption noDelayClient(
        u"nodelay-client"_s,
        u"Post over loopback as Go's client does (TCP_NODELAY, one write per request) instead of with "
        "QNetworkAccessManager, whose split writes stall on delayed ACKs."_s);
    const QCommandLineOption historyOnly(u"history-only"_s,
                                         u"Only the history search figures (seeded store of 10,000 incidents)."_s);
    const QCommandLineOption historyDb(u"history-db"_s, u"Seed the history into FILE and keep it."_s, u"file"_s);
    const QCommandLineOption receiverLoad(
        u"receiver-load"_s,
        u"Instead: a real `serve` under an alert storm and change-event batches over loopback (alerts/s, delivery "
        "and /healthz latency, SIGTERM during a batch)."_s);
    const QCommandLineOption serveBinary(u"serve"_s, u"The nightwatch-cli to run for --receiver-load."_s, u"binary"_s);
    const QCommandLineOption serveStorm(
        u"serve-storm"_s, u"Instead: the HTTP storm against a real `nightwatch-cli serve` on a temp SQLite file."_s);
    const QCommandLineOption clients(u"clients"_s, u"--serve-storm: clients posting at once (8)."_s, u"n"_s, u"8"_s);
    const QCommandLineOption notifications(u"notifications"_s, u"--serve-storm: alerts in the storm (200000)."_s,
                                           u"n"_s, u"200000"_s);
    const QCommandLineOption perDelivery(u"alerts-per-delivery"_s, u"--serve-storm: alerts per delivery (20)."_s,
                                         u"n"_s, u"20"_s);
    const QCommandLineOption bigAlerts(u"big-alerts"_s,
                                       u"--serve-storm: alerts of the one big delivery after the storm (100000)."_s,
                                       u"n"_s, u"100000"_s);
    const QCommandLineOption cli(u"cli"_s, u"--serve-storm, --attacks: the nightwatch-cli to start (the one built beside)."_s,
                                 u"path"_s, QStringLiteral(NIGHTWATCH_CLI_PATH));
    const QCommandLineOption attacks(
        u"attacks"_s, u"Instead: the attack run against a real `nightwatch-cli serve` (hostile input, smuggling, CSRF, "
                      "slowloris, tokens, SIGKILL/SIGTERM), one table row per attack; --cli, --quick, --json."_s);
    const QCommandLineOption storeWrite(
        u"store-write"_s, u"Instead: Store::recordNotifications alone, one batch of N alerts (new, repeats, new into a "
                          "filled store), alerts/s."_s);
    const QCommandLineOption storeAlerts(u"store-alerts"_s, u"--store-write: alerts per batch (100000)."_s, u"n"_s,
                                         u"100000"_s);
    const QCommandLineOption storeUrl(u"store-url"_s,
                                      u"--store-write: a new, empty PostgreSQL database instead of SQLite files."_s,
                                      u"url"_s);
    parser.addOptions({json, quick, seed, suite, historyOnly, historyDb, inProcessOnly, httpOnly, noDelayClient,
                       serveStorm, clients, notifications, perDelivery, bigAlerts, cli, receiverLoad, serveBinary});
    parser.addOptions({storeWrite, storeAlerts, storeUrl, attacks});
    parser.addHelpOption();
    if (!parser.parse(QStringList{u"nightwatch-bench"_s} + args))
        return fail(parser.errorText());
    if (parser.isSet(u"help"_s)) {
        std::printf("%s", qPrintable(parser.helpText()));
        return 0;
    }
    if (!parser.positionalArguments().isEmpty())
        return fail(u"unexpected argument "_s + parser.positionalArguments().constFirst());
    if (parser.isSet(suite))
        return runSuite(parser.value(suite), parser.isSet(json));
    if (parser.isSet(receiverLoad)) {
        ReceiverLoadOptions load;
        load.serveBinary = parser.isSet(serveBinary) ? parser.value(serveBinary) : QStringLiteral(NIGHTWATCH_CLI_PATH);
        load.json = parser.isSet(json);
        if (parser.isSet(quick)) {
            load.stormAlerts = 2'000;
            load.changeEvents = 200;
        }
        return runReceiverLoad(load);
    }
    if (parser.isSet(attacks)) {
        AttackRunOptions run;
        run.cli = parser.value(cli);
        run.quick = parser.isSet(quick);
        run.json = parser.isSet(json);
        return runAttacks(run);
    }
    if (parser.isSet(storeWrite)) {
        StoreWriteOptions write;
        write.alerts = std::max(1, parser.value(storeAlerts).toInt());
        if (parser.isSet(quick))
            write.alerts = std::min(write.alerts, 5'000);
        write.url = parser.value(storeUrl);
        write.json = parser.isSet(json);
        return runStoreWrite(write);
    }
    if (parser.isSet(serveStorm)) {
        ServeStormOptions storm;
        storm.cli = parser.value(cli);
        storm.clients = std::max(1, parser.value(clients).toInt());
        storm.notifications = std::max(1, parser.value(notifications).toInt());
        storm.alertsPerDelivery = std::max(1, parser.value(perDelivery).toInt());
        storm.bigAlerts = std::max(0, parser.value(bigAlerts).toInt());
        storm.json = parser.isSet(json);
        return runServeStorm(storm);
    }

    bool ok = false;
    const quint32 seedValue = parser.value(seed).toUInt(&ok);
    if (!ok)
        return fail(u"--seed takes a non-negative integer"_s);
    Sizes sizes;
    if (parser.isSet(quick)) {
        sizes.services = 200;
        sizes.notifications = 5000;
        sizes.incidentAlerts = 200;
        sizes.diagnoseRuns = 10;
        sizes.historyIncidents = 1000;
        sizes.historyQueries = 60;
    }
    sizes.historyDb = parser.value(historyDb);
    if (parser.isSet(historyOnly)) {
        ordered_json out;
        QString error;
        if (!historySearch(sizes, seedValue, out, &error))
            return fail(u"history search: "_s + error);
        for (auto it = out.begin(); it != out.end(); ++it)
            std::printf(parser.isSet(json) ? "" : "%-46s %s\n", it.key().c_str(), it.value().dump().c_str());
        if (parser.isSet(json))
            std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    sizes.inProcessOnly = parser.isSet(inProcessOnly);
    sizes.httpOnly = parser.isSet(httpOnly);
    sizes.noDelayClient = parser.isSet(noDelayClient);
    return runStorm(sizes, seedValue, parser.isSet(json));
}
