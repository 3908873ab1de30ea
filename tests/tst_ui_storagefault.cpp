// The console when its store fails under it: another process locks the SQLite file while a delivery arrives.
// The sender gets 503, the header strip shows the storage error on the receiver's chip, and once the lock is
// gone the next delivery is stored, the error leaves the strip and the incident list shows the new alerts.

#include "sourcehealthbar.h"

#include "liveconsole.h"
#include "serveprocess.h" // testsupport::alertmanagerDelivery

#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestUiStorageFault : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lockedStoreShowsInTheHeaderAndRecovers();

private:
    int post(quint16 port, int delivery, QByteArray* answer);
    QNetworkAccessManager m_nam;
};

int TestUiStorageFault::post(quint16 port, int delivery, QByteArray* answer)
{
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/api/v1/alerts/alertmanager"_s.arg(port)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(60'000);
    QNetworkReply* reply = m_nam.post(request, testsupport::alertmanagerDelivery(delivery, 3));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(60'000);
    *answer = reply->readAll();
    reply->deleteLater();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

void TestUiStorageFault::lockedStoreShowsInTheHeaderAndRecovers()
{
    LiveConsole console;
    QVERIFY(console.start());
    MainWindow& window = console.window;
    const quint16 port = console.port;
    const auto strip = [&] { return window.sourceBar()->chipTexts().join(u" | "_s); };

    QByteArray answer;
    QCOMPARE(post(port, 1, &answer), 200);
    QTRY_VERIFY_WITH_TIMEOUT(window.snapshot() && window.snapshot()->incidents.size() >= 1, 10'000);

    // Another process holds the file exclusively while the next delivery arrives.
    {
        QSqlDatabase locker = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"locker"_s);
        locker.setDatabaseName(console.databasePath);
        QVERIFY(locker.open());
        QVERIFY(QSqlQuery(locker).exec(u"BEGIN EXCLUSIVE"_s));
        const int locked = post(port, 2, &answer);
        QCOMPARE(locked, 503);
        QTRY_VERIFY2_WITH_TIMEOUT(strip().contains(u"not stored"_s) && strip().contains(u"locked"_s),
                                  qPrintable(strip()), 10'000);
        QVERIFY(QSqlQuery(locker).exec(u"ROLLBACK"_s));
        locker.close();
    }
    QSqlDatabase::removeDatabase(u"locker"_s);

    // The fault cleared: the next delivery is stored, the error leaves the strip, the console goes on.
    const qsizetype alertsBefore = console.alertsShown();
    QCOMPARE(post(port, 3, &answer), 200);
    QTRY_VERIFY2_WITH_TIMEOUT(!strip().contains(u"not stored"_s), qPrintable(strip()), 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(console.alertsShown() > alertsBefore, 10'000);
}

QTEST_MAIN(TestUiStorageFault)
#include "tst_ui_storagefault.moc"
