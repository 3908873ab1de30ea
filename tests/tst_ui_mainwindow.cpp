// The console window end to end on a hand-built Black-Friday snapshot: layout at 1366×768,
// Graphviz graph with the root highlighted, screenshot not blank, acknowledge, keyboard,
// source health that never blanks the incidents, selection kept across snapshots.

#include "alertfilterproxymodel.h"
#include "alerttablemodel.h"
#include "graphview.h"
#include "incidentlistmodel.h"
#include "incidentsummarycard.h"
#include "mainwindow.h"
#include "metricchartsview.h"
#include "runbook/runbooklibrary.h"
#include "runbookpanel.h"
#include "sourcehealthbar.h"
#include "timelinechartview.h"
#include "tst_ui_fixture.h"

#include <QElapsedTimer>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSet>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestUiMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void emptyWindowHasNoIncident();
    void showsSnapshotAt1366x768();
    void graphShowsNeighbourhoodWithRootHighlighted();
    void graphLargeGraphShowsOnlyNeighbourhood();
    void graphCaptionClearsTheRootBadge_data();
    void graphCaptionClearsTheRootBadge();
    void graphDropsOutdatedLayouts();
    void graphWithoutServiceGraphStillShowsServices();
    void timelineHighlightsRootCause();
    void screenshotIsNotBlank();
    void acknowledgeButtonEmitsIncidentId();
    void keyboardNavigation();
    void runbooksProposedForTheIncident();
    void chartsShareOneCursor();
    void timelineShowsRunbookSteps();
    void filterLineEditFiltersAlerts();
    void unreachableSourceShownWhileIncidentsStay();
    void selectionKeptAcrossSnapshots();
    void pickWhileStreamingIsDrawnByWorkers_data();
    void pickWhileStreamingIsDrawnByWorkers();
    void stormSnapshotsStayFast();

private:
    static bool waitForGraph(MainWindow& window);
};

void TestUiMainWindow::initTestCase()
{
    qRegisterMetaType<IncidentSnapshotPtr>();
}

bool TestUiMainWindow::waitForGraph(MainWindow& window)
{
    if (!window.graphView()->isLayoutPending())
        return true;
    QSignalSpy spy(window.graphView(), &GraphView::layoutFinished);
    return spy.wait(10000);
}

void TestUiMainWindow::emptyWindowHasNoIncident()
{
    MainWindow window;
    window.show();
    QCOMPARE(window.incidentModel()->rowCount(), 0);
    QCOMPARE(window.currentIncidentId(), 0);
    QVERIFY(!window.summaryCard()->acknowledgeButton()->isEnabled());
    window.setSnapshot(std::make_shared<const IncidentSnapshot>());
    QCOMPARE(window.incidentModel()->rowCount(), 0);
    QCOMPARE(window.graphView()->nodeItemCount(), 0);
}

void TestUiMainWindow::showsSnapshotAt1366x768()
{
    MainWindow window;
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.setSnapshot(fixture::blackFridaySnapshot());
    QVERIFY(waitForGraph(window));

    QCOMPARE(window.size(), QSize(1366, 768));
    QCOMPARE(window.incidentModel()->rowCount(), 3);
    QCOMPARE(window.currentIncidentId(), 42); // the most severe open incident is selected first
    QVERIFY(window.countsText().contains(u"23 alerts → 3 incidents"_s));
    QCOMPARE(window.summaryCard()->rootCauseText(), u"postgres-main"_s);
    QCOMPARE(window.summaryCard()->confidenceText(), u"78 %"_s);
    QCOMPARE(window.summaryCard()->evidence().size(), 4);
    QCOMPARE(window.alertProxy()->rowCount(), 20);

    // Everything side by side and visible at once, none squeezed to nothing.
    const QList<QWidget*> regions = {window.incidentView(), window.summaryCard(), window.graphView(),
                                     window.timelineView(), window.alertView()};
    for (QWidget* w : regions) {
        QVERIFY2(w->isVisible(), w->metaObject()->className());
        QVERIFY2(w->width() >= 200 && w->height() >= 150,
                 qPrintable(u"%1 is %2x%3"_s.arg(QString::fromLatin1(w->metaObject()->className()))
                                .arg(w->width())
                                .arg(w->height())));
    }
    auto rectOf = [&](QWidget* w) { return QRect(w->mapTo(&window, QPoint(0, 0)), w->size()); };
    const QRect list = rectOf(window.incidentView());
    const QRect card = rectOf(window.summaryCard()->parentWidget());
    const QRect graph = rectOf(window.graphView());
    const QRect timeline = rectOf(window.timelineView());
    const QRect alerts = rectOf(window.alertView());
    QVERIFY(list.right() < card.left());
    QVERIFY(card.right() < graph.left());
    QVERIFY(graph.right() < timeline.left());
    QVERIFY(alerts.top() > graph.bottom());
    QVERIFY(alerts.top() > timeline.bottom());
    QVERIFY(window.rect().contains(timeline));
    QVERIFY(window.rect().contains(alerts));
    // The Acknowledge button is reachable without scrolling the card.
    QPushButton* ack = window.summaryCard()->acknowledgeButton();
    QVERIFY(ack->isVisible());
    QVERIFY(ack->visibleRegion().boundingRect().height() == ack->height());
}

void TestUiMainWindow::graphShowsNeighbourhoodWithRootHighlighted()
{
    MainWindow window;
    window.show();
    QSignalSpy finished(window.graphView(), &GraphView::layoutFinished);
    window.setSnapshot(fixture::blackFridaySnapshot());
    QVERIFY(finished.wait(10000));
    GraphView* graph = window.graphView();
    QVERIFY2(graph->layoutError().isEmpty(), qPrintable(graph->layoutError()));
    // The fixture graph has 14 services (≤ 60: shown whole) and legacy-batch alerts from outside it.
    QCOMPARE(graph->nodeItemCount(), 15);
    QVERIFY(graph->nodeNames().contains(u"legacy-batch"_s));
    QVERIFY(graph->nodeNames().contains(u"elasticsearch"_s));
    QCOMPARE(graph->highlightedRootCause(), u"postgres-main"_s);
    const QStringList blast = graph->blastRadius();
    for (const QString& s : {u"order-service"_s, u"payment-service"_s, u"checkout-service"_s, u"inventory-service"_s,
                             u"api-gateway"_s, u"frontend"_s})
        QVERIFY2(blast.contains(s), qPrintable(s));
    QVERIFY(!blast.contains(u"notification-service"_s)); // alerts, but does not depend on postgres-main
    QVERIFY(!blast.contains(u"search-service"_s));       // depends on nothing broken

    // Same incident again: nothing to lay out, no second signal.
    window.setSnapshot(fixture::blackFridaySnapshot());
    QVERIFY(!graph->isLayoutPending());

    // Selecting the other incident moves the highlight.
    QVERIFY(window.selectIncident(u"search-es-heap"_s));
    QVERIFY(waitForGraph(window));
    QCOMPARE(graph->highlightedRootCause(), u"elasticsearch"_s);
    QCOMPARE(graph->nodeItemCount(), 14);
}

void TestUiMainWindow::graphCaptionClearsTheRootBadge_data()
{
    QTest::addColumn<bool>("withGraph");
    QTest::addRow("no graph configured") << false;
    QTest::addRow("service outside the graph") << true;
}

// A root cause outside the graph is drawn under a caption; its "ROOT CAUSE" badge sat on that caption.
void TestUiMainWindow::graphCaptionClearsTheRootBadge()
{
    QFETCH(bool, withGraph);
    Incident incident = fixture::searchIncident();
    for (TrackedAlert& t : incident.alerts)
        t.latest.labels.insert(u"service"_s, u"checkout-x"_s);
    incident.affectedServices = {u"checkout-x"_s};
    incident.rootCauses.first().service = u"checkout-x"_s;

    GraphView view;
    view.resize(600, 400);
    view.show();
    QSignalSpy finished(&view, &GraphView::layoutFinished);
    view.showIncident(withGraph ? fixture::blackFridayGraph() : nullptr, incident);
    QVERIFY(finished.wait(10000));
    QCOMPARE(view.highlightedRootCause(), u"checkout-x"_s);

    QList<QRectF> captions, others;
    for (const QGraphicsItem* item : view.scene()->items())
        (item->type() == QGraphicsSimpleTextItem::Type ? captions : others) << item->sceneBoundingRect();
    QVERIFY(!captions.isEmpty());
    for (const QRectF& caption : std::as_const(captions))
        for (const QRectF& other : std::as_const(others))
            QVERIFY2(!caption.intersects(other), qPrintable(u"caption %1,%2 %3x%4 overlaps an item at %5,%6 %7x%8"_s
                                                                .arg(caption.x()).arg(caption.y())
                                                                .arg(caption.width()).arg(caption.height())
                                                                .arg(other.x()).arg(other.y())
                                                                .arg(other.width()).arg(other.height())));
}

void TestUiMainWindow::graphLargeGraphShowsOnlyNeighbourhood()
{
    // 14 fixture services plus a 100-service estate: too big to show whole.
    auto big = std::make_shared<ServiceGraph>(*fixture::blackFridayGraph());
    for (int i = 0; i < 100; ++i)
        big->addEdge(u"svc-%1"_s.arg(i), i % 2 ? u"svc-%1"_s.arg(i + 1) : u"elasticsearch"_s);
    QVERIFY(big->nodeCount() > GraphView::WholeGraphLimit);

    GraphView view;
    view.resize(600, 400);
    view.show();
    QSignalSpy finished(&view, &GraphView::layoutFinished);
    view.showIncident(big, fixture::blackFridayIncident());
    QVERIFY(finished.wait(10000));
    const QStringList names = view.nodeNames();
    // Alerting services, root candidates and their direct neighbours; not the unrelated estate.
    QVERIFY(names.contains(u"postgres-main"_s));
    QVERIFY(names.contains(u"user-service"_s)); // a direct caller of postgres-main
    QVERIFY(!names.contains(u"svc-1"_s));
    QVERIFY(!names.contains(u"elasticsearch"_s));
    QVERIFY(names.size() < 25);
    QCOMPARE(view.nodeItemCount(), names.size());
    QCOMPARE(view.highlightedRootCause(), u"postgres-main"_s);

    // A hub: the alerting gateway calls 300 services. Its neighbourhood is trimmed, the incident kept.
    for (int i = 0; i < 300; ++i)
        big->addEdge(u"api-gateway"_s, u"hub-%1"_s.arg(i));
    view.showIncident(big, fixture::blackFridayIncident());
    QVERIFY(finished.wait(20000));
    const QStringList trimmed = view.nodeNames();
    QVERIFY(trimmed.size() <= GraphView::NeighbourhoodLimit + 1); // + legacy-batch, drawn apart
    for (const QString& s : fixture::blackFridayIncident().affectedServices)
        QVERIFY2(trimmed.contains(s), qPrintable(s));
    QVERIFY(!trimmed.contains(u"hub-7"_s));
}

void TestUiMainWindow::graphDropsOutdatedLayouts()
{
    GraphView view;
    view.resize(600, 400);
    view.show();
    QSignalSpy finished(&view, &GraphView::layoutFinished);
    const auto graph = fixture::blackFridayGraph();
    view.showIncident(graph, fixture::blackFridayIncident());
    view.showIncident(graph, fixture::searchIncident()); // supersedes the first before it can finish
    QVERIFY(finished.wait(10000));
    QTest::qWait(300); // the first job's late result, if any, must not be applied
    QCOMPARE(finished.size(), 1);
    QCOMPARE(view.highlightedRootCause(), u"elasticsearch"_s);
    QVERIFY(!view.isLayoutPending());

    view.clear();
    QCOMPARE(view.nodeItemCount(), 0);
}

void TestUiMainWindow::graphWithoutServiceGraphStillShowsServices()
{
    GraphView view;
    view.resize(600, 400);
    view.show();
    QSignalSpy finished(&view, &GraphView::layoutFinished);
    view.showIncident(nullptr, fixture::blackFridayIncident());
    QVERIFY(finished.wait(10000));
    // No graph configured: every alerting service is drawn apart, the root still marked.
    QCOMPARE(view.nodeItemCount(), 11);
    QCOMPARE(view.highlightedRootCause(), u"postgres-main"_s);
    QVERIFY(view.blastRadius().isEmpty());
}

void TestUiMainWindow::timelineHighlightsRootCause()
{
    TimelineChartView view;
    view.resize(500, 400);
    const auto snapshot = fixture::blackFridaySnapshot();
    view.showIncident(snapshot->incidents.first(), snapshot->changes);
    QCOMPARE(view.highlightedService(), u"postgres-main"_s);
    QCOMPARE(view.services().first(), u"postgres-main"_s); // first onset on top
    QCOMPARE(view.services().size(), 11);
    QCOMPARE(view.onsetCount(), 20);
    QCOMPARE(view.changeCount(), 1); // the order-service deploy six minutes before
    view.clear();
    QCOMPARE(view.onsetCount(), 0);
}

void TestUiMainWindow::screenshotIsNotBlank()
{
    MainWindow window;
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.setSnapshot(fixture::blackFridaySnapshot());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"mainwindow.png"_s);
    QVERIFY(window.saveScreenshot(path));
    QVERIFY(!window.graphView()->isLayoutPending());
    QCOMPARE(window.graphView()->nodeItemCount(), 15);

    QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size() / image.devicePixelRatio(), QSize(1366, 768));
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3) {
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    }
    QVERIFY2(colours.size() > 100, qPrintable(u"only %1 colours"_s.arg(colours.size())));
    // The graph region holds the red of critical nodes and the purple of the root highlight.
    auto hasColourNear = [&](const QColor& want) {
        for (QRgb c : colours) {
            if (qAbs(qRed(c) - want.red()) < 8 && qAbs(qGreen(c) - want.green()) < 8 &&
                qAbs(qBlue(c) - want.blue()) < 8)
                return true;
        }
        return false;
    };
    QVERIFY(hasColourNear(QColor(0xC6, 0x28, 0x28)));
    QVERIFY(hasColourNear(QColor(0x6A, 0x1B, 0x9A)));

    // For eyeballing and the docs: NIGHTWATCH_SCREENSHOT_OUT=/tmp/x.png keeps a copy.
    const QString keep = qEnvironmentVariable("NIGHTWATCH_SCREENSHOT_OUT");
    if (!keep.isEmpty())
        QVERIFY(window.saveScreenshot(keep));
}

void TestUiMainWindow::acknowledgeButtonEmitsIncidentId()
{
    MainWindow window;
    window.show();
    window.setSnapshot(fixture::blackFridaySnapshot());
    QSignalSpy acks(&window, &MainWindow::acknowledgeRequested);
    QPushButton* button = window.summaryCard()->acknowledgeButton();
    QVERIFY(button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(acks.size(), 1);
    QCOMPARE(acks.at(0).at(0).toLongLong(), 42);

    // Already acknowledged: the button is off and `a` does nothing.
    QVERIFY(window.selectIncident(u"search-es-heap"_s));
    QVERIFY(!button->isEnabled());
    window.acknowledgeCurrentIncident();
    QCOMPARE(acks.size(), 1);
}

void TestUiMainWindow::runbooksProposedForTheIncident()
{
    // The built-in examples include the connection-pool runbook: the Black-Friday incident (postgres-main
    // behind order-service's pool) must get proposals, the tab says how many, `r` switches to them, and an
    // escalation from the panel leaves the window as a request with the incident's id.
    RunbookLibrary library;
    library.load(QString());
    MainWindow window;
    window.setRunbookLibrary(&library);
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    window.setSnapshot(fixture::blackFridaySnapshot());
    window.incidentView()->setFocus();
    const QStringList proposed = window.runbookPanel()->proposedRunbookIds();
    QVERIFY(!proposed.isEmpty());
    QCOMPARE(window.bottomTabs()->tabText(1), u"Runbooks (%1)"_s.arg(proposed.size()));
    QCOMPARE(window.bottomTabs()->currentIndex(), 0);
    QTest::keyClick(window.incidentView(), Qt::Key_R);
    QCOMPARE(window.bottomTabs()->currentIndex(), 1);

    QSignalSpy escalations(&window, &MainWindow::escalationRequested);
    window.runbookPanel()->escalationNote()->setText(u"paging the DBA"_s);
    QTest::mouseClick(window.runbookPanel()->escalateButton(), Qt::LeftButton);
    QCOMPARE(escalations.size(), 1);
    QCOMPARE(escalations.at(0).at(0).toLongLong(), 42);
    QVERIFY(escalations.at(0).at(1).toString().contains(u"paging the DBA"_s));
}

void TestUiMainWindow::timelineShowsRunbookSteps()
{
    // Steps that ran appear on the incident's timeline; refusals and unapproved steps do not.
    auto snapshot = std::make_shared<IncidentSnapshot>(*fixture::blackFridaySnapshot());
    QVector<RunbookRun> runs(3);
    for (int i = 0; i < 3; ++i) {
        runs[i].incidentId = 42;
        runs[i].runbookId = u"RB-DB-001"_s;
        runs[i].step = u"patch-pool"_s;
        runs[i].at = fixture::at(23, 55 + i);
    }
    runs[0].outcome = RunbookRun::Outcome::Passed;
    runs[1].outcome = RunbookRun::Outcome::Failed;
    runs[2].outcome = RunbookRun::Outcome::NotApproved;
    snapshot->runbookRuns.insert(42, runs);
    MainWindow window;
    window.setSnapshot(snapshot);
    QCOMPARE(window.currentIncidentId(), 42);
    QCOMPARE(window.timelineView()->actionCount(), 2);
}

void TestUiMainWindow::chartsShareOneCursor()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.setSnapshot(fixture::blackFridaySnapshot());
    QCoreApplication::processEvents(); // the chart's layout pass
    const QDateTime moment = fixture::at(23, 48);
    // What the metrics chart reports as its cursor lands on the onset timeline, and back.
    Q_EMIT window.metricsView()->cursorMoved(moment);
    QCOMPARE(window.timelineView()->cursorTime(), moment);
    QSignalSpy timelineMoves(window.timelineView(), &TimelineChartView::cursorMoved);
    window.timelineView()->setCursorTime(moment.addSecs(60)); // set from outside: no echo
    QCOMPARE(timelineMoves.size(), 0);
    const QPoint inside = window.timelineView()->mapFromScene(window.timelineView()->chart()->plotArea().center());
    QTest::mouseMove(window.timelineView()->viewport(), inside);
    QTRY_COMPARE(timelineMoves.size(), 1);
    QCOMPARE(window.metricsView()->cursorTime(), timelineMoves.constFirst().constFirst().toDateTime());
}

void TestUiMainWindow::keyboardNavigation()
{
    MainWindow window;
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    window.setSnapshot(fixture::blackFridaySnapshot());
    window.incidentView()->setFocus();
    QCOMPARE(window.currentIncidentId(), 42);

    QTest::keyClick(window.incidentView(), Qt::Key_J);
    QCOMPARE(window.currentIncidentId(), 43);
    QTest::keyClick(window.incidentView(), Qt::Key_J);
    QCOMPARE(window.currentIncidentId(), 40);
    QTest::keyClick(window.incidentView(), Qt::Key_J); // stays on the last
    QCOMPARE(window.currentIncidentId(), 40);
    QTest::keyClick(window.incidentView(), Qt::Key_K);
    QCOMPARE(window.currentIncidentId(), 43);
    QTest::keyClick(window.incidentView(), Qt::Key_Up);
    QCOMPARE(window.currentIncidentId(), 42);
    QTest::keyClick(window.incidentView(), Qt::Key_Down);
    QCOMPARE(window.currentIncidentId(), 43);
    QTest::keyClick(window.incidentView(), Qt::Key_K);

    QSignalSpy acks(&window, &MainWindow::acknowledgeRequested);
    QTest::keyClick(window.incidentView(), Qt::Key_A);
    QCOMPARE(acks.size(), 1);
    QCOMPARE(acks.at(0).at(0).toLongLong(), 42);

    QTest::keyClick(window.incidentView(), Qt::Key_Slash);
    QVERIFY(window.filterEdit()->hasFocus());
    // Letters typed into the filter are text, not shortcuts.
    QTest::keyClicks(window.filterEdit(), u"jak"_s);
    QCOMPARE(window.filterEdit()->text(), u"jak"_s);
    QCOMPARE(window.currentIncidentId(), 42);
    QCOMPARE(acks.size(), 1);
    QTest::keyClick(window.filterEdit(), Qt::Key_Escape);
    QVERIFY(window.filterEdit()->text().isEmpty());
    QVERIFY(window.incidentView()->hasFocus());
}

void TestUiMainWindow::filterLineEditFiltersAlerts()
{
    MainWindow window;
    window.show();
    window.setSnapshot(fixture::blackFridaySnapshot());
    QCOMPARE(window.alertView()->model()->rowCount(), 20);
    window.filterEdit()->setText(u"service=payment-service"_s);
    QCOMPARE(window.alertView()->model()->rowCount(), 2);
    // A new snapshot keeps the filter applied.
    window.setSnapshot(fixture::blackFridaySnapshot());
    QCOMPARE(window.alertView()->model()->rowCount(), 2);
    window.filterEdit()->setText(u"HighLatencyP99"_s);
    QCOMPARE(window.alertView()->model()->rowCount(), 4);
    window.filterEdit()->clear();
    QCOMPARE(window.alertView()->model()->rowCount(), 20);
}

void TestUiMainWindow::unreachableSourceShownWhileIncidentsStay()
{
    MainWindow window;
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.setSnapshot(fixture::blackFridaySnapshot());
    QCoreApplication::processEvents(); // let the header strip lay out and fit its chips

    const QStringList chips = window.sourceBar()->chipTexts();
    QCOMPARE(chips.size(), 3);
    QVERIFY(chips.at(0).contains(u"alertmanager-eu"_s) && chips.at(0).contains(u"live"_s));
    QVERIFY(chips.at(1).contains(u"alertmanager-us"_s));
    QVERIFY(chips.at(1).contains(u"unreachable"_s));
    QVERIFY(chips.at(1).contains(u"Connection refused"_s)); // the error is visible text, not only a tooltip
    // The chip is actually on screen, and the incidents are still there.
    const QList<QLabel*> labels = window.sourceBar()->findChildren<QLabel*>();
    bool shown = false;
    for (QLabel* label : labels)
        shown |= label->isVisible() && label->text().contains(u"unreachable"_s) &&
                 window.rect().contains(QRect(label->mapTo(&window, QPoint()), label->size()));
    QVERIFY(shown);
    QCOMPARE(window.incidentModel()->rowCount(), 3);
    QCOMPARE(window.alertProxy()->rowCount(), 20);

    // The source comes back; the others are untouched.
    auto next = std::make_shared<IncidentSnapshot>(*fixture::blackFridaySnapshot());
    next->sources = fixture::sources(true);
    window.setSnapshot(next);
    QVERIFY(!window.sourceBar()->chipTexts().at(1).contains(u"unreachable"_s));
    QCOMPARE(window.sourceBar()->chipTexts().at(0), chips.at(0));
}

void TestUiMainWindow::selectionKeptAcrossSnapshots()
{
    MainWindow window;
    window.show();
    window.setSnapshot(fixture::blackFridaySnapshot());
    QVERIFY(window.selectIncident(u"search-es-heap"_s));
    QCOMPARE(window.currentIncidentId(), 43);

    // A new critical incident on top, the search incident gains an alert, the resolved one is gone.
    auto next = std::make_shared<IncidentSnapshot>(*fixture::blackFridaySnapshot());
    Incident storm = fixture::blackFridayIncident();
    storm.id = 51;
    storm.key = u"second-storm"_s;
    storm.firstAlertAt = fixture::at(14, 40);
    Incident search = fixture::searchIncident();
    search.alerts.append(
        fixture::alert(u"ElasticsearchGCPauses"_s, u"elasticsearch"_s, u"warning"_s, fixture::at(13, 50), 1));
    next->incidents = {storm, fixture::blackFridayIncident(), search};
    window.setSnapshot(next);

    QCOMPARE(window.currentIncidentKey(), u"search-es-heap"_s);
    QCOMPARE(window.currentIncidentId(), 43);
    QCOMPARE(window.incidentView()->currentIndex().data(IncidentListModel::IncidentIdRole).toLongLong(), 43);
    QCOMPARE(window.alertProxy()->rowCount(), 3); // the details followed the update

    // The selected incident disappears: fall back to the top one instead of a blank console.
    auto gone = std::make_shared<IncidentSnapshot>(*next);
    gone->incidents = {storm, fixture::blackFridayIncident()};
    window.setSnapshot(gone);
    QCOMPARE(window.currentIncidentId(), 51);
}

void TestUiMainWindow::pickWhileStreamingIsDrawnByWorkers_data()
{
    QTest::addColumn<bool>("posted");
    QTest::addRow("snapshots posted by the pipeline") << true;
    QTest::addRow("a snapshot set at once") << false;
}

void TestUiMainWindow::pickWhileStreamingIsDrawnByWorkers()
{
    // While posted snapshots stream in, an engineer's pick is drawn as the next snapshot would be (graph and onset
    // chart planned by workers, the GUI thread free meanwhile); without a stream it is drawn at once. Either way the
    // card and the table show it at once and the chart catches up with every onset.
    QFETCH(bool, posted);
    MainWindow window;
    window.show();
    if (posted) {
        window.postSnapshot(fixture::blackFridaySnapshot());
        QTRY_VERIFY(window.snapshot());
    } else {
        window.setSnapshot(fixture::blackFridaySnapshot());
    }
    QTRY_VERIFY(!window.timelineView()->isPlanPending() && !window.graphView()->isLayoutPending());
    QVERIFY(window.selectIncident(u"search-es-heap"_s));
    QCOMPARE(window.summaryCard()->incidentId(), 43);
    QCOMPARE(window.alertModel()->rowCount(), fixture::searchIncident().alerts.size());
    QCOMPARE(window.timelineView()->isPlanPending(), posted);
    QTRY_COMPARE(window.timelineView()->onsetCount(), int(fixture::searchIncident().alerts.size()));
}

void TestUiMainWindow::stormSnapshotsStayFast()
{
    // 200 incidents, the selected one with 1,500 alerts, republished as the pipeline would.
    auto storm = std::make_shared<IncidentSnapshot>(*fixture::blackFridaySnapshot());
    Incident big = fixture::blackFridayIncident();
    for (int i = 0; i < 1500; ++i) {
        big.alerts.append(fixture::alert(u"HighErrorRate"_s, u"order-service"_s, i % 3 ? u"warning"_s : u"critical"_s,
                                         fixture::at(14, 2 + i % 50, i % 60), 1 + i % 4));
        big.alerts.last().latest.labels.insert(u"pod"_s, u"order-%1"_s.arg(i));
        big.alerts.last().latest.fingerprint = Alert::fingerprintOf(big.alerts.last().latest.labels);
    }
    storm->incidents = {big};
    for (int i = 0; i < 199; ++i) {
        Incident other = fixture::searchIncident();
        other.id = 1000 + i;
        other.key = u"other-%1"_s.arg(i);
        storm->incidents.append(other);
    }
    MainWindow window;
    window.resize(1366, 768);
    window.show();
    QElapsedTimer timer;
    timer.start();
    window.setSnapshot(storm);
    QVERIFY(waitForGraph(window));
    const qint64 first = timer.restart();
    for (int round = 0; round < 5; ++round) {
        auto next = std::make_shared<IncidentSnapshot>(*storm);
        next->incidents[0].notificationCount += round + 1;
        window.setSnapshot(next);
    }
    const qint64 updates = timer.elapsed();
    qInfo("first snapshot %lld ms, 5 updates %lld ms", first, updates);
    QCOMPARE(window.alertProxy()->rowCount(), 1520);
    QCOMPARE(window.incidentModel()->rowCount(), 200);
    QVERIFY2(updates < 5000, "republishing a storm must not freeze the console");
}

QTEST_MAIN(TestUiMainWindow)
#include "tst_ui_mainwindow.moc"
