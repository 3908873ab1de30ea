// `nightwatch-cli serve` stopped by SIGTERM while deliveries are in flight: a big body being stored, a body still
// being received and a few small ones. Every connection gets an HTTP answer (200 once stored, else 503 with
// Retry-After and a JSON reason), the process exits 0 within the 10 s, every 200 is in the store, and a
// sender that sends its 503 deliveries again doubles nothing.

#include "store/store.h"

#include "../serveprocess.h"

#include <QElapsedTimer>
#include <QHash>
#include <QTcpSocket>

#include <csignal>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

QByteArray postHead(qsizetype length)
{
    return "POST /api/v1/alerts/alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           "Content-Length: " +
           QByteArray::number(length) + "\r\n\r\n";
}

// One delivery on its own connection, written by the test as it pleases; collects what comes back.
struct Sender
{
    int id = 0;
    int alerts = 0;
    QByteArray body;
    std::unique_ptr<QTcpSocket> socket = std::make_unique<QTcpSocket>();
    QByteArray received;

    bool connectTo(quint16 port)
    {
        QObject::connect(socket.get(), &QTcpSocket::readyRead, socket.get(), [this] { received += socket->readAll(); });
        socket->connectToHost(u"127.0.0.1"_s, port);
        return socket->waitForConnected(5'000);
    }
    int status() const { return received.startsWith("HTTP/1.1 ") ? received.mid(9, 3).toInt() : 0; }
    bool answered() const { return received.contains("\r\n\r\n"); }
};

} // namespace

class TestServeShutdown : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyDeliveryInFlightIsAnswered();
};

void TestServeShutdown::everyDeliveryInFlightIsAnswered()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"stop.sqlite"_s);
    testsupport::ServeProcess serve;
    QString why;
    QVERIFY2(serve.start(db, &why), qPrintable(why));

    std::vector<std::unique_ptr<Sender>> senders;
    const auto add = [&](int id, int alerts) {
        auto s = std::make_unique<Sender>();
        s->id = id;
        s->alerts = alerts;
        s->body = testsupport::compactDelivery(id, alerts);
        senders.push_back(std::move(s));
        return senders.back().get();
    };
    Sender* big = add(1, 80'000);       // sent whole (8.9 MB): parsed and stored while the signal comes
    Sender* arriving = add(2, 40'000);  // half sent when the signal comes, the rest after it
    QVector<Sender*> small;
    for (int id = 10; id < 14; ++id)
        small << add(id, 5);
    for (const auto& s : senders)
        QVERIFY(s->connectTo(serve.port));

    big->socket->write(postHead(big->body.size()) + big->body);
    arriving->socket->write(postHead(arriving->body.size()) + arriving->body.left(arriving->body.size() / 2));
    QTest::qWait(300); // the big body is being parsed or stored
    for (Sender* s : std::as_const(small))
        s->socket->write(postHead(s->body.size()) + s->body);
    QTest::qWait(20);

    QElapsedTimer stopping;
    stopping.start();
    ::kill(pid_t(serve.process->processId()), SIGTERM);
    QTest::qWait(50);
    arriving->socket->write(arriving->body.mid(arriving->body.size() / 2)); // still coming after the signal
    QTRY_VERIFY_WITH_TIMEOUT(serve.process->state() == QProcess::NotRunning, 15'000);
    const qint64 exitMs = stopping.elapsed();
    QTest::qWait(100);
    for (const auto& s : senders)
        s->received += s->socket->readAll();

    QHash<int, int> byStatus;
    for (const auto& s : senders)
        ++byStatus[s->status()];
    std::printf("SIGTERM with deliveries in flight: exited %d after %lld ms; answers: big %d, arriving %d, small %d "
                "%d %d %d\n",
                serve.process->exitCode(), qlonglong(exitMs), big->status(), arriving->status(), small[0]->status(),
                small[1]->status(), small[2]->status(), small[3]->status());
    QCOMPARE(serve.process->exitStatus(), QProcess::NormalExit);
    QVERIFY2(serve.process->exitCode() == 0, serve.output.right(2000).constData());
    QVERIFY2(exitMs < 10'000, qPrintable(QString::number(exitMs))); // the bound
    for (const auto& s : senders) {
        const QByteArray what = "delivery " + QByteArray::number(s->id) + ": " + s->received.left(400);
        QVERIFY2(s->status() == 200 || s->status() == 503, what.constData());
        if (s->status() == 503) {
            QVERIFY2(s->received.contains("Retry-After: ") && s->received.contains("{\"error\":"), what.constData());
        }
    }
    QCOMPARE(arriving->status(), 503); // nothing of it could be stored: its body was not all there

    // Restarted on the same file: whatever was refused is sent again, and then every delivery is stored exactly once.
    QVERIFY2(serve.start(db, &why), qPrintable(why));
    QNetworkAccessManager nam;
    for (const auto& s : senders) {
        if (s->status() == 200)
            continue;
        QNetworkRequest request(serve.url());
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setTransferTimeout(60'000);
        QNetworkReply* reply = nam.post(request, s->body);
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 60'000);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        reply->deleteLater();
    }
    ::kill(pid_t(serve.process->processId()), SIGTERM);
    QTRY_VERIFY_WITH_TIMEOUT(serve.process->state() == QProcess::NotRunning, 15'000);
    QCOMPARE(serve.process->exitCode(), 0);

    Store store(u"shutdown-reader"_s);
    QVERIFY2(store.open(db, &why, Store::OpenMode::ReadOnly), qPrintable(why));
    QHash<QString, int> seen;
    for (const Alert& a : store.loadNotifications(QDateTime::fromMSecsSinceEpoch(0, Qt::UTC)))
        ++seen[a.labels.value(u"alertname"_s)];
    qint64 expected = 0;
    for (const auto& s : senders) {
        expected += s->alerts;
        for (int k = 0; k < s->alerts; ++k) {
            const QString name = testsupport::alertName(s->id, k);
            if (seen.value(name) != 1)
                QFAIL(qPrintable(u"%1 stored %2 times (first answer %3)"_s.arg(name).arg(seen.value(name)).arg(
                    s->status())));
        }
    }
    QCOMPARE(store.notificationCount(), expected);
}

QTEST_GUILESS_MAIN(TestServeShutdown)
#include "tst_serve_shutdown.moc"
