// One big delivery does not block the receiver: `nightwatch-cli serve` on a temp SQLite file gets a single
// ~9 MiB Alertmanager body of 100,000 alerts while another client keeps posting small deliveries and a third
// polls /healthz. Every request is answered 200 (a small delivery that times out fails the test), and every
// alert of every delivery is in the store. Prints the big delivery's time and rate, the small deliveries' and
// healthz latencies meanwhile, and the server's RSS before, at peak and after (figures, not asserted).

#include "store/store.h"

#include "../serveprocess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTimer>

#include <algorithm>
#include <csignal>

using namespace Qt::StringLiterals;

namespace {

// Alertmanager's own shape, as small as it gets (~95 bytes an alert): 100,000 alerts stay under the 10 MiB limit.
QByteArray bigBody(int alerts)
{
    const QByteArray now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toUtf8();
    QByteArray body;
    body.reserve(alerts * 100 + 256);
    body += R"({"version":"4","status":"firing","receiver":"nw","groupLabels":{},"commonLabels":{},)"
            R"("commonAnnotations":{},"externalURL":"http://am","alerts":[)";
    for (int i = 0; i < alerts; ++i) {
        if (i)
            body += ',';
        body += R"({"status":"firing","labels":{"alertname":"B)" + QByteArray::number(i) +
                R"(","service":"svc)" + QByteArray::number(i % 50) + R"("},"startsAt":")" + now + R"("})";
    }
    body += "]}";
    return body;
}

qint64 rssMiB(qint64 pid)
{
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() / 1024;
    return -1;
}

double percentile(QVector<qint64> v, double q)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return double(v.at(std::min(v.size() - 1, qsizetype(q * double(v.size())))));
}

} // namespace

class TestBigDelivery : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bigBodyDoesNotStarveOthers();
};

void TestBigDelivery::bigBodyDoesNotStarveOthers()
{
    constexpr int bigAlerts = 100'000;
    constexpr int smallAlerts = 3;
    QTemporaryDir dir;
    const QString db = dir.filePath(u"big.sqlite"_s);
    testsupport::ServeProcess serve;
    QString why;
    QVERIFY2(serve.start(db, &why), qPrintable(why));
    const qint64 pid = serve.process->processId();
    const QByteArray body = bigBody(bigAlerts);
    QVERIFY(body.size() > 9 * 1024 * 1024 && body.size() < 10 * 1024 * 1024);
    const qint64 rssBefore = rssMiB(pid);
    qint64 rssPeak = rssBefore;
    QTimer rssWatch;
    connect(&rssWatch, &QTimer::timeout, this, [&] { rssPeak = std::max(rssPeak, rssMiB(pid)); });
    rssWatch.start(20);

    // Small deliveries, one at a time, each with a 10 s transfer timeout: a timeout counts as failed.
    int nextId = 0;
    testsupport::DeliveryClient small(serve.url(), smallAlerts, &nextId);
    small.start(1);

    // /healthz every 20 ms, one at a time, latency of each.
    QNetworkAccessManager nam;
    QVector<qint64> healthzMs;
    int healthzBad = 0;
    bool polling = true;
    std::function<void()> poll = [&] {
        if (!polling)
            return;
        QNetworkRequest request(serve.url("/healthz"));
        request.setTransferTimeout(10'000);
        auto* timer = new QElapsedTimer;
        timer->start();
        QNetworkReply* reply = nam.get(request);
        connect(reply, &QNetworkReply::finished, this, [&, reply, timer] {
            healthzMs << timer->elapsed();
            delete timer;
            reply->deleteLater();
            healthzBad += reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200;
            QTimer::singleShot(20, this, poll);
        });
    };
    poll();
    QTest::qWait(300);

    QNetworkRequest request(serve.url());
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QElapsedTimer bigTimer;
    bigTimer.start();
    QNetworkReply* big = nam.post(request, body);
    QTRY_VERIFY_WITH_TIMEOUT(big->isFinished(), 240'000);
    const qint64 bigMs = bigTimer.elapsed();
    const int smallDuringBig = nextId;
    QCOMPARE(big->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(big->readAll(), QByteArray(R"({"accepted":100000})"));
    big->deleteLater();

    QTest::qWait(300);
    const int smallFailed = small.failed; // stop() aborts the one in flight, which then counts as failed
    small.stop();
    polling = false;
    QTest::qWait(2'000); // let the server settle, then read its memory
    rssWatch.stop();
    const qint64 rssAfter = rssMiB(pid);
    ::kill(pid_t(pid), SIGTERM);
    QVERIFY(serve.process->waitForFinished(15'000));
    QCOMPARE(serve.process->exitCode(), 0);

    const double healthzP99 = percentile(healthzMs, 0.99);
    const qint64 healthzMax = healthzMs.isEmpty() ? 0 : *std::max_element(healthzMs.cbegin(), healthzMs.cend());
    std::printf("big delivery: %d alerts, %lld bytes, answered 200 in %lld ms (%.0f alerts/s); meanwhile %d small "
                "deliveries posted (%lld acknowledged, %d failed or timed out), healthz %lld polls, p99 %.0f ms, max "
                "%lld ms, %d not 200; serve RSS before %lld MiB, peak %lld MiB, after %lld MiB\n",
                bigAlerts, qlonglong(body.size()), qlonglong(bigMs), bigAlerts * 1000.0 / double(std::max<qint64>(1, bigMs)),
                smallDuringBig, qlonglong(small.acked.size()), smallFailed, qlonglong(healthzMs.size()), healthzP99,
                qlonglong(healthzMax), healthzBad, rssBefore, rssPeak, rssAfter);
    std::fflush(stdout);

    // The small client was not starved: it got answers while the big body was being read, parsed and stored.
    QVERIFY2(smallDuringBig >= 2, "no small delivery was answered while the big one was in flight");
    QCOMPARE(smallFailed, 0);
    QCOMPARE(healthzBad, 0);
    QVERIFY(healthzMs.size() >= 5);

    Store store(u"big-reader"_s);
    QString error;
    QVERIFY2(store.open(db, &error, Store::OpenMode::ReadOnly), qPrintable(error));
    QSet<QString> names;
    qint64 bigStored = 0;
    for (const Alert& a : store.loadNotifications(QDateTime::fromMSecsSinceEpoch(0, Qt::UTC))) {
        const QString name = a.labels.value(u"alertname"_s);
        bigStored += name.startsWith(u'B');
        names.insert(name);
    }
    QCOMPARE(bigStored, qint64(bigAlerts));
    for (int id : std::as_const(small.acked))
        for (int k = 0; k < smallAlerts; ++k)
            QVERIFY2(names.contains(testsupport::alertName(id, k)), qPrintable(testsupport::alertName(id, k)));
}

QTEST_GUILESS_MAIN(TestBigDelivery)
#include "tst_big_delivery.moc"
