// End to end with a real Prometheus: the test writes an OpenMetrics file with known series (postgres-0's
// connections saturating at a known instant, its callers' errors and latency following 45 s and 60 s later,
// series labelled with hostile service names), turns it into a TSDB with promtool, serves it with Debian's
// prometheus on a free loopback port, and reads it back through PrometheusClient and the PromQL templates.
// Then it freezes and kills the server: the client must report it unreachable within its timeout.

#include "metrics/metricevidence.h"
#include "metrics/prometheusclient.h"
#include "metrics/promqltemplate.h"

#include "../prometheusprocess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <csignal>
#include <optional>

using namespace Qt::StringLiterals;
using testsupport::PrometheusProcess;

namespace {
// One hour at 15 s ending at a fixed instant in the past (2026-05-28T20:26:40Z).
constexpr qint64 kEnd = 1'780'000'000;
constexpr qint64 kStart = kEnd - 3600;
constexpr int kStep = 15;
constexpr qint64 kRootOnset = kStart + 160 * kStep; // postgres-0 connections saturate
constexpr qint64 kOrdersOnset = kRootOnset + 45;    // order-service error ratio follows
constexpr qint64 kCheckoutOnset = kRootOnset + 60;  // checkout p99 latency follows

// Hostile service names, each on its own constant series (the value tells which one matched).
struct Hostile
{
    const char* tag;
    QString service;
    int value;
};
const Hostile kHostile[] = {
    {"double quote", u"a\"b"_s, 1001}, {"backslash", u"back\\slash"_s, 1002},
    {"newline", u"new\nline"_s, 1003}, {"injection", u"\"} or vector(1) #"_s, 1004},
    {"unicode", u"日本-🚀"_s, 1005},    {"regex dot", u"a.b"_s, 1006},
    {"decoy", u"axb"_s, 1007}, // what an unquoted regex "a.b" would also match
};

struct Noise // a fixed LCG, so the file is the same on every run
{
    quint32 state;
    double next()
    {
        state = state * 1664525u + 1013904223u;
        return double(state >> 8) / double(1u << 23) - 1.0;
    }
};

QString omLabel(const QString& value)
{
    QString v = value;
    v.replace(u"\\"_s, u"\\\\"_s).replace(u"\""_s, u"\\\""_s).replace(u"\n"_s, u"\\n"_s);
    return v;
}

QByteArray openMetrics()
{
    QString out;
    const auto family = [&](const QString& name, const QString& service, auto value) {
        for (qint64 t = kStart; t <= kEnd; t += kStep)
            out +=
                u"%1{service=\"%2\"} %3 %4\n"_s.arg(name, omLabel(service), QString::number(value(t), 'g', 10)).arg(t);
    };
    Noise noise{42};
    out += u"# TYPE pg_stat_activity_count gauge\n"_s;
    family(u"pg_stat_activity_count"_s, u"postgres-0"_s, [&](qint64 t) {
        return std::round(t >= kRootOnset ? 80.0 + 10.0 * noise.next() : 20.0 + 4.0 * noise.next());
    });
    for (const Hostile& h : kHostile)
        family(u"pg_stat_activity_count"_s, h.service, [&h](qint64) { return double(h.value); });
    out += u"# TYPE http_error_ratio gauge\n"_s;
    family(u"http_error_ratio"_s, u"order-service"_s,
           [&](qint64 t) { return t >= kOrdersOnset ? 0.15 + 0.05 * noise.next() : 0.002 + 0.001 * noise.next(); });
    family(u"http_error_ratio"_s, u"payment"_s, [&](qint64) { return 0.001 + 0.0002 * noise.next(); });
    out += u"# TYPE http_p99_seconds gauge\n"_s;
    family(u"http_p99_seconds"_s, u"checkout"_s,
           [&](qint64 t) { return t >= kCheckoutOnset ? 1.5 + 0.4 * noise.next() : 0.12 + 0.03 * noise.next(); });
    out += u"# EOF\n"_s;
    return out.toUtf8();
}

QDateTime at(qint64 unixSeconds)
{
    return QDateTime::fromSecsSinceEpoch(unixSeconds, Qt::UTC);
}

PromQLTemplate compiled(const QString& noun, const QString& text)
{
    QString error;
    auto t = PromQLTemplate::compile(noun, noun, text, &error);
    if (!t)
        qFatal("%s", qPrintable(error));
    return *t;
}

// Waits for the finished() of one request, among those `spy` has seen or sees; nullopt when it did not come
// within ms. A spy made before the request also catches an answer that came while the test did something else.
std::optional<PrometheusResult> waitFor(QSignalSpy& spy, quint64 id, int ms)
{
    QElapsedTimer waited;
    waited.start();
    int seen = 0;
    while (waited.elapsed() < ms) {
        for (; seen < spy.size(); ++seen) {
            if (spy.at(seen).at(0).toULongLong() == id)
                return spy.at(seen).at(1).value<PrometheusResult>();
        }
        spy.wait(int(qMax<qint64>(1, ms - waited.elapsed())));
    }
    for (; seen < spy.size(); ++seen) {
        if (spy.at(seen).at(0).toULongLong() == id)
            return spy.at(seen).at(1).value<PrometheusResult>();
    }
    return std::nullopt;
}

// SIGSTOP reaches one of the server's threads; the others stop only once that thread has run and begun the
// group stop, which on a loaded machine can be long after kill() returned, while they keep answering.
// So a test that wants a frozen server waits until every thread of it says it is stopped (state T).
bool allThreadsStopped(qint64 pid)
{
    const QDir tasks(u"/proc/%1/task"_s.arg(pid));
    const QStringList tids = tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    if (tids.isEmpty())
        return false;
    for (const QString& tid : tids) {
        QFile stat(tasks.filePath(tid + u"/stat"_s));
        if (!stat.open(QIODevice::ReadOnly))
            continue; // the thread ended
        const QByteArray line = stat.readAll();
        const qsizetype afterName = line.lastIndexOf(')'); // the name may hold spaces and parentheses
        if (afterName < 0 || afterName + 2 >= line.size() || line.at(afterName + 2) != 'T')
            return false;
    }
    return true;
}

bool freeze(qint64 pid, int ms = 10'000)
{
    if (::kill(pid_t(pid), SIGSTOP) != 0)
        return false;
    QElapsedTimer waited;
    waited.start();
    while (!allThreadsStopped(pid)) {
        if (waited.elapsed() > ms)
            return false;
        QThread::msleep(2); // no event loop turn: nothing may reach the server before it is frozen
    }
    qInfo("every thread of %lld stopped %lld ms after SIGSTOP", pid, waited.elapsed());
    return true;
}

// ctest runs tests side by side and each picks its ports from the kernel, so a port freed by killing our
// Prometheus can be handed to another test's server within the client's retry window; that server then answers.
// Only then is a successful answer after the kill not this client's fault.
bool portTakenByAnotherServer(quint16 port)
{
    QTcpSocket probe;
    probe.connectToHost(QHostAddress::LocalHost, port);
    return probe.waitForConnected(1000);
}

// The same for a request just made, with nothing run in between.
std::optional<PrometheusResult> waitFor(PrometheusClient& client, quint64 id, int ms)
{
    QSignalSpy spy(&client, &PrometheusClient::finished);
    return waitFor(spy, id, ms);
}
} // namespace

class TestPrometheusE2E : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void onsetsAndLagFromRealData();
    void hostileServiceNamesMatchExactly_data();
    void hostileServiceNamesMatchExactly();
    void rejectedQueryKeepsPrometheusError();
    void cancelledResultNeverArrives();
    void frozenServerTimesOut();
    void killedServerIsUnreachable();

private:
    QVector<MetricSample> range(const PromQLTemplate& t, const QString& service);

    QNetworkAccessManager m_nam;
    PrometheusProcess m_prometheus;
    PrometheusClient* m_client = nullptr;
};

void TestPrometheusE2E::initTestCase()
{
    qRegisterMetaType<PrometheusResult>();
    qRegisterMetaType<SourceHealth>();
    if (!QFile::exists(testsupport::prometheusBinary) || !QFile::exists(testsupport::promtoolBinary))
        QSKIP("prometheus / promtool not installed (packaging/dev.sh installs them)");
    QString error;
    QVERIFY2(m_prometheus.createBlocks(openMetrics(), &error), qPrintable(error));
    QVERIFY2(m_prometheus.start(m_nam, &error), qPrintable(error));
    m_client = new PrometheusClient(m_prometheus.url(), this);
    QCOMPARE(m_client->health().state, SourceHealth::State::Stale);
}

QVector<MetricSample> TestPrometheusE2E::range(const PromQLTemplate& t, const QString& service)
{
    const auto id = m_client->queryRange(t.render(service), at(kStart), at(kEnd), kStep);
    const auto result = waitFor(*m_client, id, 15'000);
    if (!result || !result->ok() || result->series.size() != 1) {
        qWarning() << "query_range for" << service << (result ? result->error : u"no answer"_s)
                   << (result ? result->series.size() : -1);
        return {};
    }
    return result->series.first().points;
}

void TestPrometheusE2E::onsetsAndLagFromRealData()
{
    const PromQLTemplate saturation = PromQLTemplate::defaults().at(2); // sum(pg_stat_activity_count{...})
    QCOMPARE(saturation.id(), u"saturation"_s);
    const PromQLTemplate errors = compiled(u"errors"_s, u"max(http_error_ratio{service=\"{service}\"})"_s);
    const PromQLTemplate latency = compiled(u"p99 latency"_s, u"max(http_p99_seconds{service=\"{service}\"})"_s);

    const MetricEvidence::Series root{u"postgres-0"_s, saturation.noun(), range(saturation, u"postgres-0"_s)};
    const MetricEvidence::Series orders{u"order-service"_s, errors.noun(), range(errors, u"order-service"_s)};
    const MetricEvidence::Series checkout{u"checkout"_s, latency.noun(), range(latency, u"checkout"_s)};
    const MetricEvidence::Series payment{u"payment"_s, errors.noun(), range(errors, u"payment"_s)};
    QCOMPARE(root.points.size(), 241);
    QCOMPARE(root.points.first().msecs, kStart * 1000);
    QCOMPARE(root.points.last().msecs, kEnd * 1000);
    QCOMPARE(orders.points.size(), 241);

    MetricEvidence::Params params;
    params.stepMsecs = kStep * 1000;
    const MetricEvidence::Result r = MetricEvidence::build(root, {orders, checkout, payment}, params);
    for (const QString& s : r.evidence)
        qInfo("evidence: %s", qUtf8Printable(s));
    for (const QString& s : r.against)
        qInfo("against: %s", qUtf8Printable(s));
    qInfo("strength: %.3f", r.strength);

    // Onsets within a step of the truth (here exactly: the samples sit on the query grid).
    QVERIFY(r.rootOnset);
    QVERIFY(qAbs(r.rootOnset->msecs - kRootOnset * 1000) <= kStep * 1000);
    QCOMPARE(r.findings.size(), 3);
    QVERIFY(r.findings.at(0).callerOnset && r.findings.at(1).callerOnset);
    QVERIFY(qAbs(r.findings.at(0).callerOnset->msecs - kOrdersOnset * 1000) <= kStep * 1000);
    QVERIFY(qAbs(r.findings.at(1).callerOnset->msecs - kCheckoutOnset * 1000) <= kStep * 1000);
    QVERIFY(!r.findings.at(2).callerOnset); // payment never moved
    // The lag found is the true delay, strongly correlated.
    QVERIFY(r.findings.at(0).correlation && r.findings.at(1).correlation);
    QCOMPARE(r.findings.at(0).correlation->lagMsecs, 45'000);
    QCOMPARE(r.findings.at(1).correlation->lagMsecs, 60'000);
    QVERIFY(r.findings.at(0).correlation->r > 0.9);
    QVERIFY(r.findings.at(1).correlation->r > 0.9);
    QCOMPARE(r.evidence.size(), 2);
    QVERIFY(r.against.isEmpty());
    QVERIFY2(
        r.evidence.contains(u"postgres-0 connections rose 45 s before order-service errors; r = %1 at lag 45 s"_s.arg(
            QString::number(r.findings.at(0).correlation->r, 'f', 2))),
        qPrintable(r.evidence.join(u" | "_s)));
    QVERIFY(r.strength > 0.9);
    QCOMPARE(m_client->health().state, SourceHealth::State::Live);
    QVERIFY(m_client->health().lastError.isEmpty());
}

void TestPrometheusE2E::hostileServiceNamesMatchExactly_data()
{
    QTest::addColumn<QString>("service");
    QTest::addColumn<int>("value");
    for (const Hostile& h : kHostile)
        QTest::addRow("%s", h.tag) << h.service << h.value;
}

void TestPrometheusE2E::hostileServiceNamesMatchExactly()
{
    QFETCH(QString, service);
    QFETCH(int, value);
    const PromQLTemplate exact = compiled(u"x"_s, u"pg_stat_activity_count{service=\"{service}\"}"_s);
    const PromQLTemplate regex = compiled(u"x"_s, u"pg_stat_activity_count{service=~\"{service}\"}"_s);
    for (const PromQLTemplate& t : {exact, regex}) {
        const auto id = m_client->query(t.render(service), at(kEnd - 30));
        const auto result = waitFor(*m_client, id, 15'000);
        QVERIFY(result);
        QVERIFY2(result->ok(), qPrintable(result->error + u" for "_s + t.render(service)));
        QCOMPARE(result->resultType, u"vector"_s);
        // Exactly the one series whose label is the hostile value itself: nothing injected, nothing widened.
        QCOMPARE(result->series.size(), 1);
        QCOMPARE(result->series.first().labels.value(u"service"_s), service);
        QCOMPARE(result->series.first().labels.value(u"__name__"_s), u"pg_stat_activity_count"_s);
        QCOMPARE(result->series.first().points.first().value, double(value));
    }
}

void TestPrometheusE2E::rejectedQueryKeepsPrometheusError()
{
    PrometheusClient client(m_prometheus.url());
    client.setRetries(2, 2000); // a retry would show as two seconds of backoff
    QElapsedTimer timer;
    timer.start();
    const auto id = client.query(u"sum(rate(x[5m])"_s, at(kEnd));
    const auto result = waitFor(client, id, 15'000);
    QVERIFY(result);
    QVERIFY(!result->ok());
    QCOMPARE(result->httpStatus, 400);
    QCOMPARE(result->errorType, u"bad_data"_s);
    QVERIFY2(result->error.contains(u"parse error"_s), qPrintable(result->error));
    QVERIFY2(timer.elapsed() < 1500, "a 4xx is never retried");
    QCOMPARE(client.health().state, SourceHealth::State::Live); // the server is fine, the query is not
}

void TestPrometheusE2E::cancelledResultNeverArrives()
{
    QSignalSpy spy(m_client, &PrometheusClient::finished);
    const auto cancelled = m_client->queryRange(u"pg_stat_activity_count"_s, at(kStart), at(kEnd), kStep);
    const auto kept = m_client->query(u"vector(7)"_s, at(kEnd));
    QVERIFY(cancelled != kept);
    m_client->cancel(cancelled);
    QVERIFY(!m_client->isPending(cancelled));
    const auto result = waitFor(*m_client, kept, 15'000);
    QVERIFY(result && result->ok());
    QCOMPARE(result->series.first().points.first().value, 7.0);
    QTest::qWait(300); // anything the cancelled one might still deliver
    for (const QList<QVariant>& args : std::as_const(spy))
        QVERIFY(args.at(0).toULongLong() != cancelled);
    QCOMPARE(m_client->pendingCount(), 0);
}

void TestPrometheusE2E::frozenServerTimesOut()
{
    // SIGSTOP: the kernel still accepts connections, nobody answers; the deadline must end the request.
    PrometheusClient client(m_prometheus.url());
    client.setTimeout(1500);
    QVERIFY2(freeze(m_prometheus.pid()), "every thread of the server stopped");
    QElapsedTimer timer;
    timer.start();
    const auto id = client.queryRange(u"pg_stat_activity_count"_s, at(kStart), at(kEnd), kStep);
    const auto result = waitFor(client, id, 5000);
    const qint64 took = timer.elapsed();
    ::kill(pid_t(m_prometheus.pid()), SIGCONT);
    QVERIFY(result);
    QCOMPARE(result->errorType, u"timeout"_s);
    QVERIFY2(took >= 1400 && took < 3000, qPrintable(QString::number(took))); // the timeout, plus a loaded machine
    QCOMPARE(client.health().state, SourceHealth::State::Unreachable);
    qInfo("frozen: %s after %lld ms", qUtf8Printable(client.health().lastError), took);

    // Thawed, the same client recovers.
    const auto again = waitFor(client, client.query(u"vector(1)"_s, at(kEnd)), 15'000);
    QVERIFY(again && again->ok());
    QCOMPARE(client.health().state, SourceHealth::State::Live);
}

void TestPrometheusE2E::killedServerIsUnreachable()
{
    // A request in flight against a frozen server, then the server is killed under it.
    m_client->setTimeout(4000);
    QVERIFY2(freeze(m_prometheus.pid()), "every thread of the server stopped");
    QElapsedTimer timer;
    timer.start();
    const QDateTime lastSuccess = m_client->health().lastSuccessAt;
    QSignalSpy finished(m_client, &PrometheusClient::finished); // the answer may come while the server is killed
    const auto inFlight = m_client->queryRange(u"pg_stat_activity_count"_s, at(kStart), at(kEnd), kStep);
    QTest::qWait(300);
    m_prometheus.stop(); // SIGKILL
    const auto result = waitFor(finished, inFlight, 6000);
    QVERIFY2(result, "the client must answer within its timeout, not hang");
    QVERIFY(timer.elapsed() < 4000 + 500);
    if (result->ok() && portTakenByAnotherServer(m_prometheus.port))
        QSKIP("after the kill another test's server took the freed port and answered the client's retry");
    QVERIFY2(!result->ok(), qPrintable(u"HTTP %1, %2 series: a killed server answered"_s.arg(result->httpStatus)
                                           .arg(result->series.size())));
    QCOMPARE(m_client->health().state, SourceHealth::State::Unreachable);
    QVERIFY(!m_client->health().lastError.isEmpty());
    QCOMPARE(m_client->health().lastSuccessAt, lastSuccess); // kept, so the panel can say since when
    qInfo("killed: %s after %lld ms", qUtf8Printable(m_client->health().lastError), timer.elapsed());

    // Later requests fail fast (connection refused, retried within the deadline), and never hang.
    timer.restart();
    const auto next = waitFor(*m_client, m_client->query(u"vector(1)"_s), 6000);
    QVERIFY(next);
    if (next->ok() && portTakenByAnotherServer(m_prometheus.port))
        QSKIP("after the kill another test's server took the freed port");
    QVERIFY2(!next->ok(), qPrintable(u"HTTP %1: a killed server answered"_s.arg(next->httpStatus)));
    QCOMPARE(next->errorType, u"network"_s);
    QVERIFY(timer.elapsed() < 4000);
    qInfo("after: %s after %lld ms", qUtf8Printable(next->error), timer.elapsed());
}

QTEST_GUILESS_MAIN(TestPrometheusE2E)
#include "tst_prometheus_e2e.moc"
