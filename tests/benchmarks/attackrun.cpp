#include "attackrun.h"

#include "benchhttp.h"
#include "benchstats.h"
#include "store/store.h"

#include "../serveprocess.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QMap>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

constexpr int kGoodAlerts = 3;   // alerts per good background delivery
constexpr int kStormAlerts = 20; // alerts per delivery of the storm killed with SIGKILL
const QByteArray kToken = "attack-run-token";

void pause(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

QByteArray now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toUtf8();
}

// ---- what the attacks send ------------------------------------------------------------------------------------

QByteArray rawRequest(const QByteArray& method, const QByteArray& path, const QByteArray& headers,
                      const QByteArray& body)
{
    return method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers +
           "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray jsonPost(const QByteArray& path, const QByteArray& body, const QByteArray& extraHeaders = {})
{
    return rawRequest("POST", path, "Content-Type: application/json\r\n" + extraHeaders, body);
}

// One Alertmanager alert; `fields` go in front of the labels (fingerprint, generatorURL), `labels` after alertname.
QByteArray amAlert(const QByteArray& name, const QByteArray& fields = {}, const QByteArray& labels = {})
{
    return R"({"status":"firing",)" + fields + R"("labels":{"alertname":")" + name + R"(","service":"svc-1")" + labels +
           R"(},"annotations":{"summary":""},"startsAt":")" + now() + R"(","endsAt":"0001-01-01T00:00:00Z"})";
}

QByteArray amBody(const QByteArrayList& alerts)
{
    return R"({"version":"4","status":"firing","receiver":"nightwatch","groupLabels":{},"commonLabels":{},)"
           R"("commonAnnotations":{},"externalURL":"http://am","alerts":[)" +
           alerts.join(',') + "]}";
}

QByteArray change(const QByteArray& service, const QByteArray& extra = {})
{
    return R"({"service":")" + service + R"(","kind":"deploy","at":")" + now() + '"' + extra + '}';
}

// A body of `alerts` alerts of ~95 bytes (100,000 fit the 10 MiB body limit), named prefix0, prefix1, ...
QByteArray bigBody(const QByteArray& prefix, int alerts)
{
    QByteArray body = R"({"version":"4","status":"firing","alerts":[)";
    body.reserve(alerts * 70);
    const QByteArray at = now();
    for (int k = 0; k < alerts; ++k) {
        if (k)
            body += ',';
        body += R"({"status":"firing","labels":{"alertname":")" + prefix + QByteArray::number(k) + R"(","service":"s)" +
                QByteArray::number(k % 100) + R"("},"startsAt":")" + at + R"("})";
    }
    return body + "]}";
}

struct Route
{
    const char* name;
    QByteArray path;
    QByteArray (*valid)(const QByteArray& alertName); // a body the route takes
};

QByteArray validAlertmanager(const QByteArray& name)
{
    return amBody({amAlert(name)});
}
QByteArray validGrafana(const QByteArray& name)
{
    return R"({"version":"1","status":"firing","orgId":1,"receiver":"nw","alerts":[{"status":"firing","labels":)"
           R"({"alertname":")" +
           name + R"(","service":"svc-1"},"annotations":{},"startsAt":")" + now() +
           R"(","endsAt":"0001-01-01T00:00:00Z","fingerprint":"0123456789abcdef"}]})";
}
QByteArray validPagerDuty(const QByteArray&)
{
    return R"({"event":{"id":"01DEN4A0ZMRF6JGW9M0C2D7PQA","event_type":"pagey.ping","resource_type":"pagey",)"
           R"("occurred_at":"2026-11-27T20:00:00.000Z","agent":null,"client":null,"data":{"type":"ping"}}})";
}
QByteArray validGeneric(const QByteArray& name)
{
    return R"({"title":")" + name + R"(","service":"svc-1","id":"g-)" + name + R"("})";
}
QByteArray validChanges(const QByteArray& name)
{
    return "[" + change(name) + "]";
}

const Route kRoutes[] = {{"alertmanager", "/api/v1/alerts/alertmanager", validAlertmanager},
                         {"grafana", "/api/v1/alerts/grafana", validGrafana},
                         {"pagerduty", "/api/v1/alerts/pagerduty", validPagerDuty},
                         {"generic", "/api/v1/alerts/generic", validGeneric},
                         {"changes", "/api/v1/changes", validChanges}};

// ---- a raw exchange that keeps the event loop (and so the background clients) running -------------------------

struct Exchange
{
    QList<int> statuses; // every answer, in order
    bool closed = false; // the server closed the connection
    QByteArray raw;      // everything received
    qint64 writtenMs = -1; // from the connection to the last byte handed to the kernel (-1: not all written)
};

// Splits what arrived into answers (status codes); what is left is an incomplete answer.
QList<int> answers(const QByteArray& received)
{
    QList<int> out;
    qsizetype at = 0;
    while (true) {
        const qsizetype headEnd = received.indexOf("\r\n\r\n", at);
        if (headEnd < 0 || !received.mid(at, 5).startsWith("HTTP/"))
            break;
        const QByteArray head = received.mid(at, headEnd - at).toLower();
        const qsizetype cl = head.indexOf("content-length:");
        const qsizetype length = cl < 0 ? 0 : head.mid(cl + 15).split('\r').value(0).trimmed().toLongLong();
        if (received.size() < headEnd + 4 + length)
            break;
        out << received.mid(at + 9, 3).toInt();
        at = headEnd + 4 + length;
    }
    return out;
}

// Writes `bytes` on a new connection and reads until the server closes it, or `lingerMs` after the first answer
// (0: at the first answer), or `timeoutMs`.
Exchange exchange(quint16 port, const QByteArray& bytes, int timeoutMs = 20'000, int lingerMs = 0)
{
    Exchange out;
    QTcpSocket socket;
    QEventLoop loop;
    QTimer timeout, linger;
    timeout.setSingleShot(true);
    linger.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(&linger, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, [&] {
        out.raw += socket.readAll();
        out.statuses = answers(out.raw);
        if (!out.statuses.isEmpty() && lingerMs == 0)
            loop.quit();
        else if (!out.statuses.isEmpty() && !linger.isActive())
            linger.start(lingerMs);
    });
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, [&] {
        out.closed = true;
        loop.quit();
    });
    QObject::connect(&socket, &QTcpSocket::errorOccurred, &loop, [&](QAbstractSocket::SocketError e) {
        // The server may close while a refused body is still being written: what it answered still counts.
        if (e == QAbstractSocket::RemoteHostClosedError || socket.state() != QAbstractSocket::ConnectedState) {
            out.closed = true;
            loop.quit();
        }
    });
    QElapsedTimer sinceConnected;
    QObject::connect(&socket, &QTcpSocket::bytesWritten, &loop, [&] {
        if (out.writtenMs < 0 && socket.bytesToWrite() == 0)
            out.writtenMs = sinceConnected.elapsed();
    });
    QObject::connect(&socket, &QTcpSocket::connected, &loop, [&] {
        sinceConnected.start();
        socket.write(bytes);
    });
    socket.connectToHost(u"127.0.0.1"_s, port);
    timeout.start(timeoutMs);
    loop.exec();
    out.raw += socket.readAll();
    out.statuses = answers(out.raw);
    return out;
}

// ---- one serve process with its good client and its /healthz poller ------------------------------------------

struct Row;

class Server
{
public:
    Server(QString cli, QString db, QByteArray authorization)
        : m_db(std::move(db)), m_cli(std::move(cli)), m_authorization(std::move(authorization))
    {
    }

    QStringList arguments;
    QHash<QString, QString> environment;

    bool start(QString* why)
    {
        m_serve = std::make_unique<testsupport::ServeProcess>();
        m_serve->program = m_cli;
        m_serve->extraArguments = arguments;
        m_serve->extraEnvironment = environment;
        m_serve->startTimeoutMs = 120'000;
        if (!m_serve->start(m_db, why))
            return false;
        startClients();
        return true;
    }
    // The good client and the healthz poller, on the current port.
    void startClients()
    {
        m_good = std::make_unique<testsupport::DeliveryClient>(m_serve->url(), kGoodAlerts, &nextId);
        m_good->authorization = m_authorization;
        m_good->start(1);
        m_failedCounted = 0;
        m_healthz = std::make_unique<Connection>(m_serve->port);
        m_healthzBusy = false;
    }
    // What was answered until now counts; what stop() aborts does not (neither acknowledged nor refused).
    void stopClients()
    {
        collect();
        if (m_good)
            m_good->stop();
        m_good.reset();
        m_healthz.reset();
        m_healthzBusy = false;
    }
    // The good deliveries answered since the last call: (id, alerts) acknowledged and how many failed.
    void collect()
    {
        if (!m_good)
            return;
        for (int id : std::as_const(m_good->acked))
            if (!m_counted.contains(id)) {
                m_counted.insert(id);
                freshAcked << id;
            }
        freshFailed += m_good->failed - m_failedCounted;
        m_failedCounted = m_good->failed;
    }

    // Until the good client has one more delivery acknowledged (serve has caught up with what came before).
    bool waitForGoodAnswer(int timeoutMs)
    {
        const qsizetype before = m_good ? m_good->acked.size() : 0;
        QElapsedTimer waited;
        waited.start();
        while (m_good && m_good->acked.size() == before && waited.elapsed() < timeoutMs)
            pause(20);
        return m_good && m_good->acked.size() > before;
    }

    bool alive() const { return m_serve && m_serve->process->state() == QProcess::Running; }
    qint64 pid() const { return alive() ? m_serve->process->processId() : 0; }
    quint16 port() const { return m_serve->port; }
    QUrl url(const char* path = "/api/v1/alerts/alertmanager") const { return m_serve->url(path); }
    QProcess* process() const { return m_serve->process.get(); }
    QString output() const { return QString::fromUtf8(m_serve->output); }
    const QString& db() const { return m_db; }
    const QByteArray& authorization() const { return m_authorization; }

    // Polls /healthz one request at a time, every 20 ms, into `into`; the age of a poll still unanswered counts too.
    void pollHealthz(QVector<double>* into, int* errors)
    {
        if (!m_healthz || m_healthzBusy)
            return;
        m_healthzBusy = true;
        m_healthzSince.start();
        m_healthz->send("GET", "/healthz", {}, [this, into, errors](int status, double ms) {
            m_healthzBusy = false;
            *into << ms;
            *errors += status != 200;
        });
    }
    double pendingHealthzMs() const { return m_healthzBusy ? double(m_healthzSince.nsecsElapsed()) / 1e6 : -1.0; }

    int nextId = 0;
    QSet<int> freshAcked;
    int freshFailed = 0;

private:
    QString m_db;
    QString m_cli;
    QByteArray m_authorization;
    std::unique_ptr<testsupport::ServeProcess> m_serve;
    std::unique_ptr<testsupport::DeliveryClient> m_good;
    std::unique_ptr<Connection> m_healthz;
    bool m_healthzBusy = false;
    QElapsedTimer m_healthzSince;
    QSet<int> m_counted;
    int m_failedCounted = 0;
};

// ---- one row of the table ----------------------------------------------------------------------------------------

struct Row
{
    QString attack;
    Server* server = nullptr;
    QByteArray tag;          // the alert names its hostile inputs carry: none may be stored
    bool killsServe = false; // the attack stops serve itself: failed good deliveries and healthz are expected
    int inputs = 0;
    QMap<int, int> answers; // status (0: no answer, the connection closed or timed out) -> count
    int unexpected = 0;
    QStringList why; // the first few unexpected things
    int crashes = 0;
    qint64 lost = 0;
    QVector<double> healthzMs;
    int healthzErrors = 0;
    qint64 rssBefore = 0, rssPeak = 0, rssAfter = 0;
    QVector<QPair<int, int>> acked;           // good deliveries acknowledged meanwhile: (id, alerts)
    QVector<QPair<QByteArray, int>> bigAcked; // big bodies acknowledged: (name prefix, alerts)
    int goodFailed = 0;
    QString note;

    void flag(const QString& what)
    {
        ++unexpected;
        if (why.size() < 4)
            why << what;
    }
    // One answer to one input.
    void answer(const Exchange& e, std::initializer_list<int> expected, const QString& input)
    {
        ++inputs;
        const int status = e.statuses.value(0, 0);
        ++answers[status];
        if (std::find(expected.begin(), expected.end(), status) == expected.end()) {
            const qsizetype body = e.raw.indexOf("\r\n\r\n");
            flag(u"%1: %2 %3"_s.arg(input, status ? QString::number(status) : u"no answer"_s,
                                    QString::fromUtf8(body < 0 ? QByteArray() : e.raw.mid(body + 4, 160))));
        }
        if (e.raw.toLower().contains("access-control-allow"))
            flag(input + u": CORS grant"_s);
    }
    QString answersText() const
    {
        QStringList parts;
        for (auto it = answers.cbegin(); it != answers.cend(); ++it)
            parts << (it.key() ? QString::number(it.key()) : u"none"_s) + u"×"_s + QString::number(it.value());
        return parts.join(u' ');
    }
};

class AttackRun
{
public:
    explicit AttackRun(const AttackRunOptions& options) : m_options(options)
    {
        m_poll.setInterval(20);
        QObject::connect(&m_poll, &QTimer::timeout, [this] {
            if (!m_row || !m_row->server->alive())
                return;
            m_row->server->pollHealthz(&m_row->healthzMs, &m_row->healthzErrors);
            m_row->rssPeak = std::max(m_row->rssPeak, rssMiB(m_row->server->pid()));
        });
    }

    int run();

private:
    // The tag the next begin() gives its row: for inputs built before it (see tooMany()).
    QByteArray nextTag() const { return "Hostile" + QByteArray::number(m_rows.size() + 1) + "x"; }
    Row& begin(const QString& attack, Server& server, bool killsServe = false)
    {
        m_rows.push_back(std::make_unique<Row>());
        Row& row = *m_rows.back();
        row.attack = attack;
        row.server = &server;
        row.killsServe = killsServe;
        row.tag = "Hostile" + QByteArray::number(m_rows.size()) + "x"; // as nextTag() said before the push
        row.rssBefore = row.rssPeak = rssMiB(server.pid());
        m_row = &row;
        std::printf("attack: %s ...\n", qPrintable(attack));
        std::fflush(stdout);
        return row;
    }
    void end(Row& row)
    {
        Server& server = *row.server;
        if (!row.killsServe && !server.alive()) {
            // Died on its own: counted, and started again so the run goes on.
            ++row.crashes;
            row.flag(u"serve died: "_s + server.output().right(300));
            server.stopClients();
            QString why;
            server.start(&why);
        }
        pause(m_options.quick ? 300 : 1'000); // the good client's deliveries of the attack's last moments
        if (const double pending = server.pendingHealthzMs(); pending >= 0)
            row.healthzMs << pending;
        server.collect();
        takeAcked(row);
        row.rssAfter = rssMiB(server.pid());
        row.rssPeak = std::max(row.rssPeak, row.rssAfter);
        if (!row.killsServe && row.goodFailed > 0)
            row.flag(u"%1 good deliveries not answered 200"_s.arg(row.goodFailed));
        if (!row.killsServe && row.healthzErrors > 0)
            row.flag(u"%1 healthz polls not answered 200"_s.arg(row.healthzErrors));
        m_row = nullptr;
    }
    static void takeAcked(Row& row)
    {
        for (int id : std::as_const(row.server->freshAcked))
            row.acked << qMakePair(id, kGoodAlerts);
        row.goodFailed += row.server->freshFailed;
        row.server->freshAcked.clear();
        row.server->freshFailed = 0;
    }

    void fieldBounds(Server& a);
    void labelBounds(Server& a);
    void tooMany(Server& a);
    void malformed(Server& a);
    void deepNesting(Server& a);
    void trailingGarbage(Server& a);
    void csrf(Server& a);
    void smuggling(Server& a);
    void oversizedHeaders(Server& a);
    void slowloris(Server& a);
    void changeBatches(Server& a);
    void hugeBody(Server& a);
    void auth(Server& b);
    void sigkill(Server& a);
    void sigterm(Server& a);
    bool check(Server& server, QString* error); // data lost and hostile alerts stored, from the store
    void print() const;

    AttackRunOptions m_options;
    std::vector<std::unique_ptr<Row>> m_rows;
    Row* m_row = nullptr;
    QTimer m_poll;
};

int fail(const QString& message)
{
    std::fprintf(stderr, "nightwatch-bench: %s\n", qPrintable(message));
    return 1;
}

void AttackRun::fieldBounds(Server& a)
{
    Row& row = begin(u"oversized fingerprint (9,000 B)"_s, a);
    const auto fp = [](int n) { return R"("fingerprint":")" + QByteArray(n, 'f') + "\","; };
    for (const int bytes : {9'000, 129, 100'000}) {
        row.answer(
            exchange(a.port(), jsonPost("/api/v1/alerts/alertmanager", amBody({amAlert(row.tag + "a", fp(bytes))}))),
            {400}, u"alertmanager fingerprint %1 B"_s.arg(bytes));
        row.answer(exchange(a.port(),
                            jsonPost("/api/v1/alerts/grafana",
                                     validGrafana(row.tag + "g").replace("0123456789abcdef", QByteArray(bytes, 'f')))),
                   {400}, u"grafana fingerprint %1 B"_s.arg(bytes));
        row.answer(
            exchange(a.port(), jsonPost("/api/v1/alerts/generic",
                                        validGeneric(row.tag + "n").replace("\"g-", "\"" + QByteArray(bytes, 'f')))),
            {400}, u"generic fingerprint %1 B"_s.arg(bytes));
    }
    // One bad alert among good ones: the whole delivery is refused, none of it stored.
    QByteArrayList alerts;
    for (int k = 0; k < 100; ++k)
        alerts << amAlert(row.tag + QByteArray::number(k), k == 99 ? fp(9'000) : QByteArray());
    row.answer(exchange(a.port(), jsonPost("/api/v1/alerts/alertmanager", amBody(alerts))), {400},
               u"9,000 B fingerprint in the 100th alert"_s);
    end(row);
}

void AttackRun::labelBounds(Server& a)
{
    Row& row = begin(u"oversized label names/values"_s, a);
    const QByteArray am = "/api/v1/alerts/alertmanager";
    struct Case
    {
        const char* name;
        QByteArray fields, labels;
    };
    QByteArray many;
    for (int i = 0; i < 65; ++i)
        many += ",\"k" + QByteArray::number(i) + "\":\"v\"";
    const Case cases[] = {
        {"label name 257 B", {}, ",\"" + QByteArray(257, 'n') + "\":\"v\""},
        {"label name 9,000 B", {}, ",\"" + QByteArray(9'000, 'n') + "\":\"v\""},
        {"label value 4,097 B", {}, R"(,"zone":")" + QByteArray(4'097, 'v') + '"'},
        {"label value 1 MiB", {}, R"(,"zone":")" + QByteArray(1 << 20, 'v') + '"'},
        {"label value multibyte 7,000 B",
         {},
         R"(,"zone":")" + QByteArray(1'400, 'x').replace("x", "\xc3\xa9\xe2\x82\xac") + '"'},
        {"66 labels", {}, many},
        {"generatorURL 8 KiB + 1", R"("generatorURL":"http://x/)" + QByteArray(8 * 1024 - 8, 'u') + "\",", {}},
    };
    for (const Case& c : cases)
        row.answer(exchange(a.port(), jsonPost(am, amBody({amAlert(row.tag + "a", c.fields, c.labels)}))), {400, 413},
                   QString::fromLatin1(c.name));
    row.answer(exchange(a.port(),
                        jsonPost(am, amBody({amAlert(row.tag + "b")
                                                 .replace(R"("summary":"")",
                                                          R"("summary":")" + QByteArray(64 * 1024 + 1, 's') + '"')}))),
               {400}, u"annotation 64 KiB + 1"_s);
    row.answer(exchange(a.port(), jsonPost("/api/v1/alerts/grafana",
                                           validGrafana(row.tag + "g")
                                               .replace(R"("service":"svc-1")",
                                                        R"("service":")" + QByteArray(9'000, 's') + '"'))),
               {400}, u"grafana label value 9,000 B"_s);
    row.answer(exchange(a.port(), jsonPost("/api/v1/changes", "[" + change(QByteArray(4'097, 's')) + "]")), {400},
               u"change service 4,097 B"_s);
    row.answer(
        exchange(a.port(),
                 jsonPost("/api/v1/changes",
                          "[" + change(row.tag, R"(,"description":")" + QByteArray(64 * 1024 + 1, 'd') + '"') + "]")),
        {400}, u"change description 64 KiB + 1"_s);
    end(row);
}

void AttackRun::tooMany(Server& a)
{
    // Short names, so the body stays under the size limit: the alert count is what is refused. Every body is built
    // before the row begins: this thread also reads the healthz answers, and a stall here would count as serve's
    // latency (with the 5,001 events and the five 11 MiB bodies built inside it, the row's healthz p99 was 111 and
    // 113 ms in two runs; 48 and 83 ms with them built before).
    const QByteArray tag = nextTag();
    const QByteArray over = bigBody("Q", 100'001);
    const QByteArray overPost = jsonPost("/api/v1/alerts/alertmanager", over);
    QByteArray changes = "[";
    for (int i = 0; i < 5'001; ++i)
        changes += (i ? "," : "") + change(tag);
    const QByteArray changesPost = jsonPost("/api/v1/changes", changes + "]");
    QVector<QByteArray> oversized; // 11 MiB: over the body limit on every route
    for (const Route& r : kRoutes)
        oversized << jsonPost(r.path, r.valid(tag) + QByteArray(11 << 20, ' '));
    Row& row = begin(u"too many alerts per delivery"_s, a);
    if (over.size() >= 10 << 20)
        row.flag(u"the 100,001-alert body is over the size limit: it tests the wrong bound"_s);
    row.answer(exchange(a.port(), overPost), {413}, u"100,001 alerts"_s);
    row.answer(exchange(a.port(), changesPost), {413}, u"5,001 change events"_s);
    for (qsizetype i = 0; i < oversized.size(); ++i)
        row.answer(exchange(a.port(), oversized.at(i)), {413},
                   QString::fromLatin1(kRoutes[i].name) + u" 11 MiB body"_s);
    end(row);
}

void AttackRun::malformed(Server& a)
{
    Row& row = begin(u"malformed JSON"_s, a);
    const QByteArrayList bodies = {"",
                                   "{\"version\":",
                                   "[1,2]",
                                   "42",
                                   "null",
                                   "{\"alerts\":\"x\",\"events\":7,\"event\":[]}",
                                   "{\"version\":\"4\",\"alerts\":[{\"labels\":{\"alertname\":\"\xff\xfe\"}}]}",
                                   "{\"version\":\"4\",\"alerts\":[{\"labels\":{\"alertname\":\"unterminated}]}",
                                   "{'version':'4'}",
                                   "{\"version\":\"4\",\"alerts\":[],}"};
    for (const Route& r : kRoutes)
        for (const QByteArray& body : bodies)
            row.answer(exchange(a.port(), jsonPost(r.path, body)), {400},
                       QString::fromLatin1(r.name) + u" "_s + QString::fromLatin1(body.left(20).toPercentEncoding()));
    end(row);
}

void AttackRun::deepNesting(Server& a)
{
    const int depth = m_options.quick ? 100'000 : 1'000'000; // 2 MB of brackets at full size
    const QByteArray tag = nextTag(); // the bodies are built before the row begins (see tooMany())
    const QByteArrayList bodies = {
        QByteArray(depth, '[') + QByteArray(depth, ']'),
        QByteArray("{\"a\":").repeated(depth / 10) + "1" + QByteArray(depth / 10, '}'),
        R"({"version":"4","alerts":[{"labels":)" + QByteArray(depth, '[') + QByteArray(depth, ']') + "}]}",
        R"({"version":"4","alerts":[{"labels":{"alertname":")" + tag + R"("},"annotations":{"x":)" +
            QByteArray(depth / 10, '[') + QByteArray(depth / 10, ']') + "}}]}",
        QByteArray(depth, '['), // never closed
    };
    Row& row = begin(u"deep nesting"_s, a);
    for (const Route& r : kRoutes)
        for (const QByteArray& body : bodies)
            row.answer(exchange(a.port(), jsonPost(r.path, body)), {400, 413},
                       QString::fromLatin1(r.name) + u" "_s + QString::number(body.size()) + u" B"_s);
    end(row);
}

void AttackRun::trailingGarbage(Server& a)
{
    Row& row = begin(u"NUL and trailing garbage"_s, a);
    const QByteArrayList suffixes = {QByteArray(1, '\0'),
                                     QByteArray("\0garbage", 8),
                                     QByteArray("\n\0{}", 4),
                                     "x",
                                     "{}",
                                     QByteArray("\0", 1) + rawRequest("POST", "/api/v1/changes", {}, "[]")};
    for (const Route& r : kRoutes)
        for (const QByteArray& suffix : suffixes)
            row.answer(exchange(a.port(), jsonPost(r.path, r.valid(row.tag) + suffix)), {400},
                       QString::fromLatin1(r.name) + u" + "_s +
                           QString::fromLatin1(suffix.left(8).toPercentEncoding()));
    end(row);
}

void AttackRun::csrf(Server& a)
{
    Row& row = begin(u"CSRF (foreign Origin, text/plain, preflight)"_s, a);
    const QByteArray evil = "Origin: http://evil.example\r\n";
    for (const Route& r : kRoutes) {
        const QByteArray body = r.valid(row.tag);
        const QString name = QString::fromLatin1(r.name);
        row.answer(exchange(a.port(), jsonPost(r.path, body, evil)), {403}, name + u": foreign Origin"_s);
        row.answer(exchange(a.port(), jsonPost(r.path, body, "Origin: null\r\n")), {403}, name + u": null Origin"_s);
        row.answer(exchange(a.port(), rawRequest("POST", r.path, evil + "Content-Type: text/plain\r\n", body)), {403},
                   name + u": text/plain from a page"_s);
        row.answer(exchange(a.port(), rawRequest("POST", r.path, "Content-Type: text/plain\r\n", body)), {415},
                   name + u": text/plain"_s);
        row.answer(
            exchange(a.port(), rawRequest("POST", r.path, "Content-Type: application/x-www-form-urlencoded\r\n", body)),
            {415}, name + u": form"_s);
        row.answer(exchange(a.port(), rawRequest("POST", r.path, {}, body)), {415}, name + u": no Content-Type"_s);
        // A preflight is refused whatever the code, and never grants anything (answer() checks the headers).
        row.answer(exchange(a.port(), rawRequest("OPTIONS", r.path,
                                                 evil + "Access-Control-Request-Method: POST\r\n"
                                                        "Access-Control-Request-Headers: content-type\r\n",
                                                 {})),
                   {400, 403, 404, 405}, name + u": OPTIONS preflight"_s);
    }
    end(row);
}

void AttackRun::smuggling(Server& a)
{
    Row& row = begin(u"request smuggling"_s, a);
    // Each body is a whole second request carrying a hostile alert: it must never be read as one.
    const QByteArray smuggled = jsonPost("/api/v1/alerts/alertmanager", validAlertmanager(row.tag + "s"));
    const auto withHeaders = [&](int n) {
        QByteArray headers = "Content-Type: application/json\r\n";
        for (int i = 0; i < n - 3; ++i)
            headers += "X-Filler-" + QByteArray::number(i) + ": x\r\n";
        return rawRequest("POST", "/api/v1/alerts/alertmanager", headers, smuggled);
    };
    const QList<QPair<QString, QByteArray>> inputs = {
        {u"101 headers"_s, withHeaders(101)},
        {u"150 headers"_s, withHeaders(150)},
        {u"1,000 headers"_s, withHeaders(1'000)},
        {u"Content-Length + chunked"_s,
         "POST /api/v1/alerts/alertmanager HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
             smuggled},
        {u"chunked + Content-Length"_s,
         "POST /api/v1/alerts/alertmanager HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
         "Content-Type: application/json\r\nContent-Length: " +
             QByteArray::number(smuggled.size()) + "\r\n\r\n" + smuggled},
        {u"two Content-Lengths"_s,
         "POST /api/v1/alerts/alertmanager HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         "Content-Length: 0\r\nContent-Length: " +
             QByteArray::number(smuggled.size()) + "\r\n\r\n" + smuggled},
    };
    for (const auto& [name, bytes] : inputs) {
        // Read for a second after the answer: a second answer would be the body taken for a request.
        const Exchange e = exchange(a.port(), bytes, 20'000, 1'000);
        row.answer(e, {400}, name);
        if (e.statuses.size() > 1)
            row.flag(name + u": the body was answered as a request"_s);
        if (!e.closed)
            row.flag(name + u": connection left open"_s);
    }
    end(row);
}

void AttackRun::oversizedHeaders(Server& a)
{
    Row& row = begin(u"oversized headers"_s, a);
    const QByteArray body = validAlertmanager(row.tag);
    QByteArray wide;
    for (int i = 0; i < 90; ++i)
        wide += "X-Wide-" + QByteArray::number(i) + ": " + QByteArray(1'000, 'w') + "\r\n";
    const QList<QPair<QString, QByteArray>> inputs = {
        {u"one 70 KiB header"_s,
         jsonPost("/api/v1/alerts/alertmanager", body, "X-Big: " + QByteArray(70 * 1024, 'h') + "\r\n")},
        {u"one 1 MiB header"_s,
         jsonPost("/api/v1/alerts/alertmanager", body, "X-Big: " + QByteArray(1 << 20, 'h') + "\r\n")},
        {u"90 headers of 1 KiB"_s, jsonPost("/api/v1/alerts/alertmanager", body, wide)},
        {u"100 KiB request target"_s, jsonPost("/api/v1/alerts/alertmanager?" + QByteArray(100 * 1024, 'q'), body)},
        {u"70 KiB header line without a colon"_s,
         jsonPost("/api/v1/alerts/alertmanager", body, QByteArray(70 * 1024, 'h') + "\r\n")},
        {u"70 KiB Authorization"_s,
         jsonPost("/api/v1/alerts/alertmanager", body, "Authorization: Bearer " + QByteArray(70 * 1024, 't') + "\r\n")},
    };
    for (const auto& [name, bytes] : inputs)
        row.answer(exchange(a.port(), bytes), {400, 414, 431}, name);
    end(row);
}

void AttackRun::slowloris(Server& a)
{
    Row& row = begin(u"slowloris (slow connections)"_s, a);
    const int connections = m_options.quick ? 64 : 256;
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    QVector<QByteArray> received(connections);
    QVector<bool> done(connections, false);
    int finished = 0;
    QEventLoop loop;
    for (int i = 0; i < connections; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        QTcpSocket* s = socket.get();
        const auto finish = [&, i] {
            if (done[i])
                return;
            done[i] = true;
            if (++finished == connections)
                loop.quit();
        };
        QObject::connect(s, &QTcpSocket::readyRead, s, [&, s, i, finish] {
            received[i] += s->readAll();
            if (!answers(received[i]).isEmpty())
                finish();
        });
        QObject::connect(s, &QTcpSocket::disconnected, s, finish);
        QObject::connect(s, &QTcpSocket::connected, s,
                         [s] { s->write("POST /api/v1/alerts/alertmanager HTTP/1.1\r\nHost: x\r\n"); });
        s->connectToHost(u"127.0.0.1"_s, a.port());
        sockets.push_back(std::move(socket));
    }
    // A header line a second on each: never a whole request.
    QTimer drip;
    int line = 0;
    QObject::connect(&drip, &QTimer::timeout, [&] {
        ++line;
        for (int i = 0; i < connections; ++i)
            if (!done[i] && sockets[i]->state() == QAbstractSocket::ConnectedState)
                sockets[i]->write("X-Slow-" + QByteArray::number(line) + ": 1\r\n");
    });
    drip.start(1'000);
    QTimer::singleShot(30'000, &loop, &QEventLoop::quit);
    QElapsedTimer held;
    held.start();
    loop.exec();
    drip.stop();
    // The defence is the cut: a 408 is written first, but a drip line arriving after the close makes the kernel
    // reset the connection, which may drop the 408 before it is read ("none" then means closed without an answer).
    for (int i = 0; i < connections; ++i) {
        Exchange e;
        e.raw = received[i];
        e.statuses = answers(received[i]);
        row.answer(e, {408, 0}, u"slow connection %1"_s.arg(i));
        if (!done[i])
            row.flag(u"slow connection %1 still open after %2 s"_s.arg(i).arg(held.elapsed() / 1000));
    }
    row.note =
        u"%1 connections, all cut within %2 s"_s.arg(connections).arg(double(held.elapsed()) / 1000.0, 0, 'f', 1);
    end(row);
}

void AttackRun::changeBatches(Server& a)
{
    const int events = m_options.quick ? 200 : 2'000;
    {
        Row& row = begin(u"%1-event change batch"_s.arg(events), a);
        QByteArray changes = "[";
        for (int i = 0; i < events; ++i)
            changes += (i ? "," : "") + change("svc-" + QByteArray::number(i % 50),
                                               R"(,"description":"release )" + QByteArray::number(i) + '"');
        QElapsedTimer t;
        t.start();
        row.answer(exchange(a.port(), jsonPost("/api/v1/changes", changes + "]"), 60'000), {200}, u"batch"_s);
        row.note = u"answered in %1 s"_s.arg(double(t.elapsed()) / 1000.0, 0, 'f', 2);
        end(row);
    }
    {
        Row& row = begin(u"%1 one-event change POSTs"_s.arg(events), a);
        Connection c(a.port());
        QEventLoop loop;
        QVector<double> ms;
        int next = 0;
        std::function<void()> post = [&] {
            if (next == events)
                return loop.quit();
            const QByteArray body = "[" + change("svc-" + QByteArray::number(next % 50)) + "]";
            ++next;
            c.send("POST", "/api/v1/changes", body, [&](int status, double took) {
                Exchange e;
                e.statuses = {status};
                row.answer(e, {200}, u"one-event POST"_s);
                ms << took;
                post();
            });
        };
        QElapsedTimer t;
        t.start();
        post();
        loop.exec();
        row.note = u"%1 s in all, p99 %2 ms"_s.arg(double(t.elapsed()) / 1000.0, 0, 'f', 2)
                       .arg(percentile(ms, 0.99), 0, 'f', 1);
        end(row);
    }
}

void AttackRun::hugeBody(Server& a)
{
    const int alerts = m_options.quick ? 20'000 : 100'000;
    Row& row = begin(u"%1k-alert body"_s.arg(alerts / 1000), a);
    const QByteArray prefix = "H";
    const QByteArray body = bigBody(prefix, alerts);
    QElapsedTimer t;
    t.start();
    const Exchange e = exchange(a.port(), jsonPost("/api/v1/alerts/alertmanager", body), 120'000);
    row.answer(e, {200}, u"big body"_s);
    if (e.statuses.value(0) == 200)
        row.bigAcked << qMakePair(prefix, alerts);
    // The bench sends the body, posts its good traffic and polls /healthz on the same cores as the server: the time
    // the last byte took to leave tells the sending apart from the server's work.
    row.note = u"%1 MB answered in %2 s (last byte written after %3 s)"_s.arg(double(body.size()) / 1e6, 0, 'f', 1)
                   .arg(double(t.elapsed()) / 1000.0, 0, 'f', 2)
                   .arg(double(e.writtenMs) / 1000.0, 0, 'f', 2);
    end(row);
}

void AttackRun::auth(Server& b)
{
    Row& row = begin(u"missing/wrong token (token server)"_s, b);
    const QByteArrayList wrong = {QByteArray(),
                                  "Authorization: Bearer nope\r\n",
                                  "Authorization: Bearer " + kToken.left(kToken.size() - 1) + "\r\n",
                                  "Authorization: Bearer " + kToken + "x\r\n",
                                  "Authorization: Basic " + kToken.toBase64() + "\r\n",
                                  "Authorization: " + kToken + "\r\n",
                                  "X-Token: " + kToken + "\r\n"};
    QList<QPair<QByteArray, QByteArray>> targets; // method, path
    for (const Route& r : kRoutes) {
        targets << qMakePair(QByteArray("POST"), r.path) << qMakePair(QByteArray("POST"), r.path + "?token=" + kToken);
        targets << qMakePair(QByteArray("GET"), r.path);
    }
    targets << qMakePair(QByteArray("GET"), QByteArray("/nope")) << qMakePair(QByteArray("GET"), QByteArray("/"))
            << qMakePair(QByteArray("DELETE"), QByteArray("/api/v1/alerts/alertmanager"));
    for (const auto& [method, path] : targets) {
        const QByteArray body = method == "POST" ? validAlertmanager(row.tag) : QByteArray();
        for (const QByteArray& header : wrong)
            row.answer(
                exchange(b.port(), rawRequest(method, path, "Content-Type: application/json\r\n" + header, body)),
                {401}, QString::fromLatin1(method + ' ' + path + ' ' + header.trimmed()));
    }
    // Headers announcing a 1 MiB body, none of it sent: the 401 comes on the headers, without waiting for a body.
    for (const Route& r : kRoutes)
        row.answer(exchange(b.port(),
                            "POST " + r.path +
                                " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                "Content-Length: 1048576\r\n\r\n",
                            3'000),
                   {401}, QString::fromLatin1(r.name) + u": 1 MiB announced, no body, no token"_s);
    end(row);
}

void AttackRun::sigkill(Server& a)
{
    Row& row = begin(u"SIGKILL mid-storm + restart"_s, a, true);
    QRandomGenerator random(20);
    const int rounds = m_options.quick ? 1 : 5;
    int posted = 0;
    double slowestRestart = 0;
    for (int round = 0; round < rounds; ++round) {
        // Mid-storm: a storm serve is taking, not one queued behind what an earlier attack left it.
        if (!a.waitForGoodAnswer(60'000))
            row.flag(u"round %1: no good delivery answered within 60 s before the storm"_s.arg(round));
        const int firstId = a.nextId;
        testsupport::DeliveryClient storm(a.url(), kStormAlerts, &a.nextId);
        storm.start(8);
        // Killed once the storm is being acknowledged, anywhere from its first answer to well into it.
        QElapsedTimer first;
        first.start();
        while (storm.acked.isEmpty() && first.elapsed() < 30'000)
            pause(10);
        pause(int(random.bounded(0, 1'500)));
        const qint64 pid = a.pid();
        row.rssPeak = std::max(row.rssPeak, rssMiB(pid));
        ::kill(pid_t(pid), SIGKILL);
        a.process()->waitForFinished(10'000);
        storm.stop();
        a.stopClients();
        takeAcked(row);
        for (int id : std::as_const(storm.acked))
            row.acked << qMakePair(id, kStormAlerts);
        row.inputs += a.nextId - firstId;
        row.answers[200] += int(storm.acked.size());
        row.answers[0] += a.nextId - firstId - int(storm.acked.size()); // in flight when it died, or refused
        posted += a.nextId - firstId;
        QString why;
        QElapsedTimer restart;
        restart.start();
        if (!a.start(&why)) {
            row.flag(u"restart failed: "_s + why.right(300));
            ++row.crashes;
            break;
        }
        slowestRestart = std::max(slowestRestart, double(restart.elapsed()) / 1000.0);
    }
    // serve listens before its incidents are rebuilt, and says when they are ("restored: ... N ms after start").
    QString restored = u"not within 120 s"_s;
    QElapsedTimer waited;
    waited.start();
    while (a.alive() && waited.elapsed() < 120'000 && !a.output().contains(u"restored:"_s))
        pause(50);
    if (const auto m = QRegularExpression(u"restored: .* (\\d+) ms after start"_s).match(a.output()); m.hasMatch())
        restored = u"%1 s"_s.arg(m.captured(1).toDouble() / 1000.0, 0, 'f', 1);
    row.note = u"%1 rounds, %2 storm deliveries posted, restart until listening ≤ %3 s, last restart restored after %4"_s
                   .arg(rounds)
                   .arg(posted)
                   .arg(slowestRestart, 0, 'f', 1)
                   .arg(restored);
    end(row);
}

void AttackRun::sigterm(Server& a)
{
    const int alerts = m_options.quick ? 20'000 : 100'000;
    Row& row = begin(u"SIGTERM during a big delivery"_s, a, true);
    const QByteArray prefix = "T";
    const QByteArray body = bigBody(prefix, alerts);
    if (!a.waitForGoodAnswer(60'000))
        row.flag(u"no good delivery answered within 60 s before the big delivery"_s);
    QTcpSocket socket;
    QByteArray received;
    QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [&] { received += socket.readAll(); });
    QObject::connect(&socket, &QTcpSocket::connected, &socket,
                     [&] { socket.write(jsonPost("/api/v1/alerts/alertmanager", body)); });
    socket.connectToHost(u"127.0.0.1"_s, a.port());
    pause(200);
    QElapsedTimer stopping;
    stopping.start();
    ::kill(pid_t(a.pid()), SIGTERM);
    QEventLoop loop;
    QObject::connect(a.process(), &QProcess::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30'000, &loop, &QEventLoop::quit);
    if (a.alive())
        loop.exec();
    const double seconds = double(stopping.elapsed()) / 1000.0;
    const bool exited = !a.alive();
    a.stopClients(); // the good deliveries in flight at the signal were answered or failed; none is sent after
    pause(200);
    if (socket.isOpen())
        received += socket.readAll();
    Exchange e;
    e.raw = received;
    e.statuses = answers(received);
    row.answer(e, {0, 200, 503}, u"big delivery in flight"_s);
    if (e.statuses.value(0) == 200)
        row.bigAcked << qMakePair(prefix, alerts);
    const int code = exited ? a.process()->exitCode() : -1;
    const bool clean = exited && a.process()->exitStatus() == QProcess::NormalExit && code == 0;
    if (!exited)
        a.process()->kill();
    if (!clean || seconds > 10.0)
        row.flag(u"serve %1 after %2 s"_s.arg(exited ? u"exited %1"_s.arg(code) : u"did not exit"_s).arg(seconds));
    row.note = u"exit %1 after %2 s (good deliveries refused while it stopped)"_s.arg(code).arg(seconds, 0, 'f', 2);
    takeAcked(row);
    end(row);
}

bool AttackRun::check(Server& server, QString* error)
{
    Store store(u"attack-reader"_s);
    if (!store.open(server.db(), error, Store::OpenMode::ReadOnly))
        return false;
    QHash<QString, int> seen;
    for (const Alert& alert : store.loadNotifications(QDateTime::fromMSecsSinceEpoch(0, Qt::UTC)))
        ++seen[alert.labels.value(u"alertname"_s)];
    for (const auto& row : m_rows) {
        if (row->server != &server)
            continue;
        for (const auto& [id, alerts] : std::as_const(row->acked))
            for (int k = 0; k < alerts; ++k)
                row->lost += !seen.contains(testsupport::alertName(id, k));
        for (const auto& [prefix, alerts] : std::as_const(row->bigAcked))
            for (int k = 0; k < alerts; ++k)
                row->lost += !seen.contains(QString::fromLatin1(prefix + QByteArray::number(k)));
        const QString tag = QString::fromLatin1(row->tag);
        int hostile = 0;
        for (auto it = seen.cbegin(); it != seen.cend(); ++it)
            hostile += it.key().startsWith(tag) ? it.value() : 0;
        if (hostile > 0)
            row->flag(u"%1 hostile alerts stored"_s.arg(hostile));
    }
    return true;
}

void AttackRun::print() const
{
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const auto& row : m_rows) {
        nlohmann::ordered_json answers = nlohmann::ordered_json::object();
        for (auto it = row->answers.cbegin(); it != row->answers.cend(); ++it)
            answers[it.key() ? std::to_string(it.key()) : "none"] = it.value();
        nlohmann::ordered_json why = nlohmann::ordered_json::array();
        for (const QString& w : row->why)
            why.push_back(w.toStdString());
        int good = 0;
        for (const auto& acked : row->acked)
            good += acked.second == kGoodAlerts;
        rows.push_back({{"attack", row->attack.toStdString()},
                        {"inputs", row->inputs},
                        {"answers", answers},
                        {"crashes", row->crashes},
                        {"data_lost", row->lost},
                        {"unexpected", row->unexpected},
                        {"healthz_polls", row->healthzMs.size()},
                        {"healthz_p99_ms", std::round(percentile(row->healthzMs, 0.99) * 10.0) / 10.0},
                        {"rss_before_mb", row->rssBefore},
                        {"rss_peak_mb", row->rssPeak},
                        {"rss_after_mb", row->rssAfter},
                        {"good_deliveries_acked", good},
                        {"good_deliveries_failed", row->goodFailed},
                        {"note", row->note.toStdString()},
                        {"why", why}});
    }
    if (m_options.json) {
        std::printf("%s\n", nlohmann::ordered_json{{"attacks", rows}}.dump(2).c_str());
        std::fflush(stdout);
        return;
    }
    std::printf(
        "\n| attack | inputs | answers by status | crashes | data lost | healthz p99 ms | RSS MB before/peak/after "
        "| good 200/failed | notes |\n|---|---|---|---|---|---|---|---|---|\n");
    for (qsizetype i = 0; i < qsizetype(m_rows.size()); ++i) {
        const Row& row = *m_rows[size_t(i)];
        const auto& j = rows[size_t(i)];
        QString notes = row.note;
        if (row.unexpected)
            notes +=
                (notes.isEmpty() ? u""_s : u"; "_s) + u"UNEXPECTED %1: "_s.arg(row.unexpected) + row.why.join(u"; "_s);
        const QString after = row.rssAfter > 0 ? QString::number(row.rssAfter) : u"exited"_s;
        std::printf("| %s | %d | %s | %d | %lld | %.1f | %lld/%lld/%s | %d/%d | %s |\n", qPrintable(row.attack),
                    row.inputs, qPrintable(row.answersText()), row.crashes, qlonglong(row.lost),
                    j["healthz_p99_ms"].get<double>(), qlonglong(row.rssBefore), qlonglong(row.rssPeak),
                    qPrintable(after), j["good_deliveries_acked"].get<int>(), row.goodFailed, qPrintable(notes));
    }
    std::fflush(stdout);
}

int AttackRun::run()
{
    QTemporaryDir dir;
    QFile mapping(dir.filePath(u"mapping.json"_s));
    if (!dir.isValid() || !mapping.open(QIODevice::WriteOnly) ||
        mapping.write(R"({"name": "/title", "service": "/service", "fingerprint": "/id"})") < 0)
        return fail(u"cannot write to a temporary folder"_s);
    mapping.close();

    Server a(m_options.cli, dir.filePath(u"attacks.sqlite"_s), {});
    a.arguments = {u"--generic-mapping"_s, mapping.fileName()};
    Server b(m_options.cli, dir.filePath(u"token.sqlite"_s), "Bearer " + kToken);
    b.arguments = a.arguments;
    b.environment.insert(u"NIGHTWATCH_WEBHOOK_TOKEN"_s, QString::fromLatin1(kToken));
    QString why;
    if (!a.start(&why))
        return fail(u"serve did not start: "_s + why);
    if (!b.start(&why))
        return fail(u"serve with a token did not start: "_s + why);
    pause(500); // the good clients' first answers
    m_poll.start();

    fieldBounds(a);
    labelBounds(a);
    tooMany(a);
    malformed(a);
    deepNesting(a);
    trailingGarbage(a);
    csrf(a);
    smuggling(a);
    oversizedHeaders(a);
    slowloris(a);
    changeBatches(a);
    hugeBody(a);
    auth(b);
    sigkill(a);
    sigterm(a);
    m_poll.stop();

    // The token server stops as it should, then both stores are read.
    b.stopClients();
    for (auto& row : m_rows)
        if (row->server == &b)
            takeAcked(*row);
    ::kill(pid_t(b.pid()), SIGTERM);
    if (!b.process()->waitForFinished(30'000) || b.process()->exitCode() != 0)
        return fail(u"serve with a token did not exit 0 on SIGTERM: "_s + b.output().right(500));
    for (Server* server : {&a, &b})
        if (!check(*server, &why))
            return fail(u"reading the store: "_s + why);
    print();

    int bad = 0;
    for (const auto& row : m_rows)
        bad += row->crashes > 0 || row->lost > 0 || row->unexpected > 0;
    if (bad > 0)
        return fail(u"%1 attacks crashed serve, lost acknowledged alerts or got an unexpected answer"_s.arg(bad));
    return 0;
}

} // namespace

int runAttacks(const AttackRunOptions& options)
{
    AttackRun run(options);
    return run.run();
}
