// The console on a 300-service storm with 6 faults (tests/data/storm-300.json, from make_storm.py), replayed through
// the real pipeline: the list shows the real incidents by name and folds the single-alert noise into one group, and
// all of it fits on screen. NIGHTWATCH_SHOTS=DIR also saves the list as DIR/storm-list.png (docs/).

#include "graph/servicegraph.h"
#include "incidentlistdelegate.h"
#include "incidentlistmodel.h"
#include "ingest/replaysource.h"
#include "ingest/scenarioreader.h"
#include "mainwindow.h"
#include "pipeline/pipeline.h"

#include <QDir>
#include <QImage>
#include <QListView>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestUiStorm : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void listFoldsTheNoise_data();
    void listFoldsTheNoise();

private:
    QTemporaryDir m_dir;
    IncidentSnapshotPtr m_snapshot;
};

void TestUiStorm::initTestCase()
{
    qRegisterMetaType<IncidentSnapshotPtr>();
    QString error;
    auto scenario = ScenarioReader::readFile(QFINDTESTDATA("data/storm-300.json"), &error);
    QVERIFY2(scenario, qPrintable(error));
    QVERIFY(scenario->graph);
    Pipeline pipeline;
    Pipeline::Options options;
    options.databasePath = m_dir.filePath(u"storm.sqlite"_s);
    options.graph = std::make_shared<const ServiceGraph>(*scenario->graph);
    options.refreshMs = -1;
    QVERIFY2(pipeline.open(options, &error), qPrintable(error));
    ReplaySource replay(&pipeline, std::move(*scenario), u"replay:storm"_s, {});
    bool ok = false;
    connect(&replay, &ReplaySource::finished, this, [&ok](bool success) { ok = success; });
    replay.start();
    QVERIFY(ok);
    pipeline.flush();
    m_snapshot = pipeline.snapshot();
    QVERIFY(m_snapshot);
}

void TestUiStorm::listFoldsTheNoise_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addRow("1366x768") << QSize(1366, 768);
    QTest::addRow("1920x1080") << QSize(1920, 1080);
}

void TestUiStorm::listFoldsTheNoise()
{
    QFETCH(QSize, size);
    int noise = 0, open = 0;
    for (const Incident& incident : m_snapshot->incidents) {
        open += incident.isOpen();
        noise += IncidentListModel::isNoise(incident);
    }
    // A storm: the 80 background alerts mostly stay single-alert noise, while the six faults are not shredded into
    // a root page and single-alert symptom pages (at most two rows each).
    QVERIFY2(open >= 70 && noise >= 60 && open - noise <= 12,
             qPrintable(u"%1 open, %2 noise"_s.arg(open).arg(noise)));

    MainWindow window;
    window.resize(size);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.setSnapshot(m_snapshot);
    IncidentListModel* model = window.incidentModel();
    QListView* view = window.incidentView();
    const int shown = int(m_snapshot->incidents.size()) - noise + 1;
    QCOMPARE(model->rowCount(), shown);
    const int group = model->noiseGroupRow();
    QVERIFY(group > 0);
    QCOMPARE(model->index(group, 0).data(IncidentListModel::NoiseCountRole).toInt(), noise);

    // Every real incident has a name, not a fingerprint@time key, and its number.
    for (int row = 0; row < model->rowCount(); ++row) {
        if (row == group)
            continue;
        const Incident* incident = model->incidentAt(row);
        QVERIFY(incident && incident->id > 0);
        const QString title = model->index(row, 0).data(IncidentListModel::TitleRole).toString();
        QVERIFY2(!title.isEmpty() && !title.contains(u'@'), qPrintable(title));
    }

    // The real incidents and the group take one screen at 1080 lines; at 768 the group is a scroll away.
    const QRect viewport = view->viewport()->rect();
    const QModelIndex groupIndex = model->index(group, IncidentListModel::RootCauseColumn);
    if (size.height() >= 1080)
        QVERIFY2(viewport.contains(view->visualRect(groupIndex)),
                 qPrintable(u"group row at %1, list %2 high"_s.arg(view->visualRect(groupIndex).top()).arg(viewport.height())));
    view->scrollTo(groupIndex);
    QTest::qWait(0);
    const QRect groupRect = view->visualRect(groupIndex);
    QVERIFY(viewport.contains(groupRect));

    // The group row is painted with its text: dark ink inside it, on its light card.
    const QImage image = view->viewport()->grab().toImage().scaled(view->viewport()->size());
    int ink = 0;
    for (int y = groupRect.top() + 4; y < groupRect.bottom() - 4; ++y)
        for (int x = groupRect.left() + 8; x < groupRect.right() - 8; ++x)
            ink += qGray(image.pixel(x, y)) < 100;
    QVERIFY2(ink > 100, qPrintable(u"%1 dark pixels in the group row"_s.arg(ink)));

    if (const QString dir = qEnvironmentVariable("NIGHTWATCH_SHOTS"); !dir.isEmpty() && size.height() >= 1080) {
        view->scrollToTop();
        QVERIFY(view->parentWidget()->grab().save(QDir(dir).filePath(u"storm-list.png"_s)));
    }

    // A click on the group lists the noise under it, the rest stays.
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, groupRect.center());
    QCOMPARE(model->rowCount(), shown + noise);
    QVERIFY(model->index(group + 1, 0).data(IncidentListModel::IsNoiseMemberRole).toBool());
}

QTEST_MAIN(TestUiStorm)
#include "tst_ui_storm.moc"
