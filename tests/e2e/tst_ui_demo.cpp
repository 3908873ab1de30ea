// The README's first command, as a user runs it: `nightwatch --demo --screenshot FILE` replays the built-in
// storm through the real threads, store, correlator and diagnoser into the window and saves it. The stored
// incidents must agree with what `nightwatch-cli diagnose` says of the same feed.

#include "store/store.h"

#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;

class TestGuiDemo : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void demoScreenshotMatchesTheCliDiagnosis();
};

void TestGuiDemo::demoScreenshotMatchesTheCliDiagnosis()
{
    QTemporaryDir dir;
    const QString png = dir.filePath(u"demo.png"_s);
    const QString db = dir.filePath(u"demo.sqlite"_s);

    QProcess gui;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    env.insert(u"HOME"_s, dir.path()); // settings and data dir of a fresh user
    env.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config"_s));
    env.insert(u"XDG_DATA_HOME"_s, dir.filePath(u"data"_s));
    gui.setProcessEnvironment(env);
    gui.start(QStringLiteral(NIGHTWATCH_GUI), {u"--demo"_s, u"--db"_s, db, u"--screenshot"_s, png});
    QVERIFY(gui.waitForFinished(90'000));
    QVERIFY2(gui.exitCode() == 0, gui.readAllStandardError().constData());

    const QImage shot(png);
    QVERIFY(!shot.isNull());
    QVERIFY2(shot.width() >= 1366 && shot.height() >= 768, qPrintable(u"%1x%2"_s.arg(shot.width()).arg(shot.height())));

    Store store(u"demo-reader"_s);
    QString error;
    QVERIFY2(store.open(db, &error), qPrintable(error));
    QVector<Incident> stored = store.loadIncidents();
    QVERIFY(!stored.isEmpty());
    std::sort(stored.begin(), stored.end(),
              [](const Incident& a, const Incident& b) { return a.alerts.size() > b.alerts.size(); });

    QProcess cli;
    cli.start(QStringLiteral(NIGHTWATCH_CLI),
              {u"diagnose"_s, QStringLiteral(NIGHTWATCH_SOURCE_DIR) + u"/resources/demo/blackfriday-feed.json"_s});
    QVERIFY(cli.waitForFinished(30'000));
    QCOMPARE(cli.exitCode(), 0);
    const QJsonArray incidents =
        QJsonDocument::fromJson(cli.readAllStandardOutput()).object()[u"incidents"_s].toArray();
    QCOMPARE(stored.size(), incidents.size());
    QJsonObject largest;
    for (const QJsonValue& v : incidents) {
        if (v[u"alerts"_s].toArray().size() > largest[u"alerts"_s].toArray().size())
            largest = v.toObject();
    }
    QCOMPARE(stored.front().alerts.size(), largest[u"alerts"_s].toArray().size());
    QVERIFY(stored.front().topCause());
    QCOMPARE(stored.front().topCause()->service, largest[u"root_causes"_s][0][u"service"_s].toString());
    qInfo("demo: %d incidents stored, the storm has %d alerts, root cause %s; screenshot %dx%d", int(stored.size()),
          int(stored.front().alerts.size()), qPrintable(stored.front().topCause()->service), shot.width(),
          shot.height());
}

QTEST_GUILESS_MAIN(TestGuiDemo)
#include "tst_ui_demo.moc"
