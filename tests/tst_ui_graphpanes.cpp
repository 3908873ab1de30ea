// The dependency-graph and timeline panes in the real window, at a desk and in the war room, light and dark, at
// 1366×768 and 1920×1080: the ROOT CAUSE badge clears every other node, both panes paint the scheme's canvas with
// readable text on it, the war room's timeline rows grow with its type and nothing strays below the time axis,
// and the graph is shown whole when that is legible, else at the legible floor with the root cause whole in view.
// Checked by geometry and by the pixels of the window as grabbed.

#include "chartstyle.h"
#include "graphlegend.h"
#include "graphnodeitem.h"
#include "graphview.h"
#include "mainwindow.h"
#include "runbook/runbooklibrary.h"
#include "theme.h"
#include "timelinechartview.h"
#include "tst_ui_fixture.h"
#include "warroommode.h"

#include <QChart>
#include <QDateTimeAxis>
#include <QFontInfo>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QHash>
#include <QLegend>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestUiGraphPanes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void rootBadgeClearsOtherNodes_data();
    void rootBadgeClearsOtherNodes();
    void panesFollowTheScheme_data();
    void panesFollowTheScheme();
    void warRoomTimelineRowsGrow_data();
    void warRoomTimelineRowsGrow();
    void graphFitsWhenLegibleElseCentresTheRoot_data();
    void graphFitsWhenLegibleElseCentresTheRoot();
};

namespace {
// The window on the Black-Friday fixture with the built-in runbooks (the war room gives them the lower area), laid
// out, at this size, scheme and mode.
bool showFixture(MainWindow& window, const QSize& size, bool dark, bool warRoom)
{
    static RunbookLibrary library; // outlives every window of the test
    if (library.runbooks().isEmpty())
        library.load(QString());
    window.setRunbookLibrary(&library);
    window.warRoom()->setFullScreenEnabled(false); // the picture has exactly the size asked for
    window.setDarkTheme(dark);
    window.resize(size);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return false;
    window.setSnapshot(fixture::blackFridaySnapshot());
    if (warRoom)
        window.warRoom()->setActive(true);
    QTemporaryDir dir;
    if (!window.saveScreenshot(dir.filePath(u"shot.png"_s))) // waits for the graph's layout
        return false;
    QTest::qWait(50); // deferred splitter sizes and repaints
    return window.saveScreenshot(dir.filePath(u"shot.png"_s)) && window.size() == size;
}

QList<GraphNodeItem*> nodes(GraphView* view)
{
    QList<GraphNodeItem*> out;
    for (QGraphicsItem* item : view->scene()->items())
        if (item->type() == GraphNodeItem::Type)
            out << static_cast<GraphNodeItem*>(item);
    return out;
}

// The colour most pixels of this part of the image have: the canvas behind whatever is drawn on it.
QColor commonestColour(const QImage& image, const QRect& area)
{
    QHash<QRgb, int> counts;
    for (int y = area.top(); y <= area.bottom(); y += 2)
        for (int x = area.left(); x <= area.right(); x += 2)
            ++counts[image.pixel(x, y) | 0xFF000000u];
    QRgb best = 0;
    int most = -1;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (it.value() > most) {
            most = it.value();
            best = it.key();
        }
    }
    return QColor::fromRgb(best);
}

QRect areaOf(const QWidget* widget, const QWidget* window)
{
    return QRect(widget->mapTo(window, QPoint()), widget->size());
}

QString contrastMessage(const char* what, const QColor& text, const QColor& background)
{
    return u"%1: %2 on %3 is %4:1"_s.arg(QLatin1String(what), text.name(), background.name())
        .arg(Theme::contrastRatio(text, background), 0, 'f', 2);
}
} // namespace

void TestUiGraphPanes::initTestCase()
{
    qRegisterMetaType<IncidentSnapshotPtr>();
}

void TestUiGraphPanes::cleanup()
{
    Theme::setScheme(Theme::Scheme::Light);
    Theme::setHighContrast(false);
    Theme::setFontScale(1.0);
}

void TestUiGraphPanes::rootBadgeClearsOtherNodes_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("warRoom");
    for (const QSize& size : {QSize(1366, 768), QSize(1920, 1080)}) {
        QTest::addRow("%dx%d desk", size.width(), size.height()) << size << false;
        QTest::addRow("%dx%d war room", size.width(), size.height()) << size << true;
    }
}

void TestUiGraphPanes::rootBadgeClearsOtherNodes()
{
    QFETCH(QSize, size);
    QFETCH(bool, warRoom);
    MainWindow window;
    QVERIFY(showFixture(window, size, false, warRoom));
    GraphView* graph = window.graphView();
    const QList<GraphNodeItem*> all = nodes(graph);
    QVERIFY(all.size() >= 10);
    int badges = 0;
    for (const GraphNodeItem* root : all) {
        if (!root->info().rootCause)
            continue;
        ++badges;
        const QRectF badge = root->mapRectToScene(root->badgeRect());
        QVERIFY(!badge.isEmpty());
        // On its own box, above it.
        const QRectF box = root->mapRectToScene(root->nodeRect());
        QVERIFY(badge.bottom() <= box.top() && badge.bottom() >= box.top() - 6);
        qreal closest = 1e9; // scene units between the badge and the nearest other box, for the log
        for (const GraphNodeItem* other : all) {
            if (other == root)
                continue;
            const QRectF gap = badge.united(other->mapRectToScene(other->nodeRect()));
            closest = qMin(closest, qMax(gap.width() - badge.width() - other->nodeRect().width(),
                                         gap.height() - badge.height() - other->nodeRect().height()));
            const QRectF otherBox = other->mapRectToScene(other->nodeRect());
            // Clear by two scene units at least: "touching" is what the eye sees at 1 px.
            QVERIFY2(!badge.adjusted(-2, -2, 2, 2).intersects(otherBox),
                     qPrintable(u"the ROOT CAUSE badge of %1 at %2,%3 %4x%5 touches %6 at %7,%8 %9x%10"_s
                                    .arg(root->info().service)
                                    .arg(badge.x()).arg(badge.y()).arg(badge.width()).arg(badge.height())
                                    .arg(other->info().service)
                                    .arg(otherBox.x()).arg(otherBox.y()).arg(otherBox.width()).arg(otherBox.height())));
        }
        qInfo("ROOT CAUSE badge of %s: %.1f scene units from the nearest other node", qPrintable(root->info().service),
              closest);
    }
    QCOMPARE(badges, 1);
    QCOMPARE(graph->highlightedRootCause(), u"postgres-main"_s);
}

void TestUiGraphPanes::panesFollowTheScheme_data()
{
    QTest::addColumn<bool>("dark");
    QTest::addColumn<bool>("warRoom");
    QTest::addRow("dark") << true << false;
    QTest::addRow("war room dark") << true << true;
    QTest::addRow("light") << false << false;
    QTest::addRow("war room light") << false << true;
}

void TestUiGraphPanes::panesFollowTheScheme()
{
    QFETCH(bool, dark);
    QFETCH(bool, warRoom);
    MainWindow window;
    QVERIFY(showFixture(window, QSize(1366, 768), dark, warRoom));
    const QImage image = window.grab().toImage();
    auto canvasOk = [dark](const QColor& c) { return dark ? c.lightness() < 60 : c.lightness() > 200; };

    // The graph: its canvas, the caption of the services outside the graph, every node's text on its fill.
    GraphView* graph = window.graphView();
    const QColor graphCanvas = commonestColour(image, areaOf(graph->viewport(), &window));
    QVERIFY2(canvasOk(graphCanvas), qPrintable(u"graph canvas %1"_s.arg(graphCanvas.name())));
    int captions = 0;
    for (QGraphicsItem* item : graph->scene()->items()) {
        if (auto* text = dynamic_cast<QGraphicsSimpleTextItem*>(item)) {
            ++captions;
            const QColor c = text->brush().color();
            QVERIFY2(Theme::contrastRatio(c, graphCanvas) >= 4.5, qPrintable(contrastMessage("graph caption", c, graphCanvas)));
        }
    }
    QVERIFY(captions >= 1); // "Not in the dependency graph"
    for (const GraphNodeItem* node : nodes(graph)) {
        const QColor text = GraphNodeItem::textColor(node->info().state);
        const QColor fill = GraphNodeItem::fill(node->info().state);
        QVERIFY2(Theme::contrastRatio(text, fill) >= 4.5, qPrintable(contrastMessage("node text", text, fill)));
    }

    // The legend under it, on the same panel.
    auto* legend = window.findChild<GraphLegend*>();
    QVERIFY(legend);
    const QColor legendCanvas = commonestColour(image, areaOf(legend, &window));
    QVERIFY2(canvasOk(legendCanvas), qPrintable(u"legend canvas %1"_s.arg(legendCanvas.name())));
    QVERIFY2(Theme::contrastRatio(GraphLegend::textColor(), legendCanvas) >= 4.5,
             qPrintable(contrastMessage("legend", GraphLegend::textColor(), legendCanvas)));

    // The timeline: its canvas, row labels, time axis and legend.
    TimelineChartView* timeline = window.timelineView();
    const QColor chartCanvas = commonestColour(image, areaOf(timeline->viewport(), &window));
    QVERIFY2(canvasOk(chartCanvas), qPrintable(u"timeline canvas %1"_s.arg(chartCanvas.name())));
    int rowLabels = 0;
    for (QGraphicsItem* item : timeline->scene()->items()) {
        auto* text = dynamic_cast<QGraphicsSimpleTextItem*>(item);
        if (!text || !text->isVisible() || !timeline->rowLabels().contains(text->text()))
            continue;
        ++rowLabels;
        const QColor c = text->brush().color();
        QVERIFY2(Theme::contrastRatio(c, chartCanvas) >= 4.5, qPrintable(contrastMessage("timeline row", c, chartCanvas)));
    }
    QCOMPARE(rowLabels, timeline->services().size());
    const QColor legendText = timeline->chart()->legend()->labelColor();
    QVERIFY2(Theme::contrastRatio(legendText, chartCanvas) >= 4.5,
             qPrintable(contrastMessage("timeline legend", legendText, chartCanvas)));
    for (QAbstractAxis* axis : timeline->chart()->axes(Qt::Horizontal)) {
        const QColor c = axis->labelsColor();
        QVERIFY2(Theme::contrastRatio(c, chartCanvas) >= 4.5, qPrintable(contrastMessage("time axis", c, chartCanvas)));
    }
    // The chart fills its view: no frame of another colour around it.
    const QRect chartArea = areaOf(timeline->viewport(), &window);
    for (const QPoint& p : {chartArea.topLeft() + QPoint(1, 1), chartArea.topRight() + QPoint(-1, 1),
                            chartArea.bottomLeft() + QPoint(1, -1), chartArea.bottomRight() + QPoint(-1, -1)})
        QVERIFY2(canvasOk(image.pixelColor(p)), qPrintable(u"timeline corner %1"_s.arg(image.pixelColor(p).name())));
}

void TestUiGraphPanes::warRoomTimelineRowsGrow_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addRow("1366x768") << QSize(1366, 768);
    QTest::addRow("1920x1080") << QSize(1920, 1080);
}

void TestUiGraphPanes::warRoomTimelineRowsGrow()
{
    QFETCH(QSize, size);
    MainWindow window;
    QVERIFY(showFixture(window, size, true, false));
    TimelineChartView* timeline = window.timelineView();
    auto labelPixels = [timeline] {
        int px = 0;
        for (QGraphicsItem* item : timeline->scene()->items())
            if (auto* text = dynamic_cast<QGraphicsSimpleTextItem*>(item); text && timeline->rowLabels().contains(text->text()))
                px = qMax(px, QFontInfo(text->font()).pixelSize());
        return px;
    };
    const int desk = labelPixels();
    QVERIFY(desk > 0);

    window.warRoom()->setActive(true);
    QTemporaryDir dir;
    QVERIFY(window.saveScreenshot(dir.filePath(u"shot.png"_s)));
    QTest::qWait(50);
    QVERIFY(window.saveScreenshot(dir.filePath(u"shot.png"_s)));
    const int war = labelPixels();
    qInfo("timeline row labels: %d px at a desk, %d px in the war room", desk, war);
    // The rows' type grows with the war room's as far as the panel holds the rows, and never below 15 px (11 pt).
    QVERIFY2(war >= 15, qPrintable(u"timeline rows at %1 px in the war room, %2 px at a desk"_s.arg(war).arg(desk)));
    QVERIFY2(war >= desk * 1.25, qPrintable(u"timeline rows at %1 px in the war room, %2 px at a desk"_s.arg(war).arg(desk)));
    // The root cause keeps its own row, folded services or not.
    QVERIFY(timeline->services().contains(timeline->highlightedService()));
    // Rows that large still do not overlap.
    const QRectF plot = timeline->chart()->plotArea();
    const qreal pitch = plot.height() / timeline->services().size();
    QVERIFY2(pitch >= war, qPrintable(u"rows %1 px apart, labels %2 px"_s.arg(pitch).arg(war)));

    // Nothing below the time axis but the legend: every marker of the legend inside the legend, the legend below the
    // axis' labels, and between the two only canvas.
    QLegend* legend = timeline->chart()->legend();
    const QRectF legendRect = legend->mapRectToScene(legend->boundingRect());
    for (QGraphicsItem* group : legend->childItems()) {
        for (QGraphicsItem* marker : group->childItems()) {
            if (!marker->isVisible())
                continue;
            const QRectF r = marker->sceneBoundingRect();
            QVERIFY2(legendRect.adjusted(-1, -1, 1, 1).contains(r),
                     qPrintable(u"a legend marker at %1,%2 %3x%4 outside the legend at %5,%6 %7x%8"_s.arg(r.x()).arg(r.y())
                                    .arg(r.width()).arg(r.height()).arg(legendRect.x()).arg(legendRect.y())
                                    .arg(legendRect.width()).arg(legendRect.height())));
        }
    }
    const auto* axis = qobject_cast<QDateTimeAxis*>(timeline->chart()->axes(Qt::Horizontal).value(0));
    QVERIFY(axis);
    const qreal axisLabels = plot.bottom() + QFontMetricsF(axis->labelsFont()).height() + 8;
    QVERIFY2(legendRect.top() >= axisLabels - 2, qPrintable(u"legend top %1, axis labels down to %2"_s.arg(legendRect.top()).arg(axisLabels)));
    const QImage image = timeline->grab().toImage();
    const QPoint offset = timeline->viewport()->mapTo(timeline, QPoint());
    const QRect strip = QRectF(QPointF(4, axisLabels + 1), QPointF(timeline->viewport()->width() - 4, legendRect.top() - 1))
                            .toAlignedRect()
                            .translated(offset);
    const QColor canvas = ChartStyle::background();
    int stray = 0;
    for (int y = strip.top(); y <= strip.bottom(); ++y)
        for (int x = strip.left(); x <= strip.right(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (qAbs(c.red() - canvas.red()) + qAbs(c.green() - canvas.green()) + qAbs(c.blue() - canvas.blue()) > 30)
                ++stray;
        }
    QVERIFY2(stray == 0, qPrintable(u"%1 pixels drawn between the time axis and the legend"_s.arg(stray)));
}

void TestUiGraphPanes::graphFitsWhenLegibleElseCentresTheRoot_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("warRoom");
    for (const QSize& size : {QSize(1366, 768), QSize(1920, 1080)}) {
        QTest::addRow("%dx%d desk", size.width(), size.height()) << size << false;
        QTest::addRow("%dx%d war room", size.width(), size.height()) << size << true;
    }
}

void TestUiGraphPanes::graphFitsWhenLegibleElseCentresTheRoot()
{
    QFETCH(QSize, size);
    QFETCH(bool, warRoom);
    MainWindow window;
    QVERIFY(showFixture(window, size, false, warRoom));
    GraphView* graph = window.graphView();
    const QRectF bounds = graph->sceneRect();
    const QRectF shown = graph->mapToScene(graph->viewport()->rect()).boundingRect();
    const qreal scale = graph->transform().m11();
    const qreal namePixels = QFontInfo(GraphNodeItem::nameFont()).pixelSize() * scale;
    const bool whole = shown.adjusted(-1, -1, 1, 1).contains(bounds);
    qInfo("graph at scale %.2f, names %.1f px, %s", scale, namePixels, whole ? "whole" : "in part");
    if (warRoom)
        QVERIFY2(namePixels >= GraphView::WarRoomMinimumNamePixels - 0.5, qPrintable(QString::number(namePixels)));
    if (!whole) {
        // Only when the whole graph would be too small to read: the names at the legible floor, the root cause whole
        // in view...
        QVERIFY(warRoom);
        const QSizeF room = graph->viewport()->size();
        const qreal fitScale = qMin(room.width() / bounds.width(), room.height() / bounds.height());
        QVERIFY2(fitScale < GraphView::minimumZoom(),
                 qPrintable(u"the whole graph fits at %1, legible from %2"_s.arg(fitScale).arg(GraphView::minimumZoom())));
        QVERIFY(qAbs(scale - GraphView::minimumZoom()) < 0.01);
        for (const GraphNodeItem* node : nodes(graph))
            if (node->info().rootCause)
                QVERIFY2(shown.adjusted(-1, -1, 1, 1).contains(node->sceneBoundingRect()),
                         qPrintable(u"the root cause, its badge or halo is cut: %1,%2 %3x%4 in a view of %5,%6 %7x%8"_s
                                        .arg(node->sceneBoundingRect().x()).arg(node->sceneBoundingRect().y())
                                        .arg(node->sceneBoundingRect().width()).arg(node->sceneBoundingRect().height())
                                        .arg(shown.x()).arg(shown.y()).arg(shown.width()).arg(shown.height())));
        // ...and the panel full of graph, no empty canvas beside it.
        const QRectF inView = shown & bounds;
        const qreal most = qMin(shown.width(), bounds.width()) * qMin(shown.height(), bounds.height());
        QVERIFY2(inView.width() * inView.height() >= 0.97 * most,
                 qPrintable(u"%1 % of what the panel could show of the graph"_s
                                .arg(100 * inView.width() * inView.height() / most, 0, 'f', 1)));
    }
}

QTEST_MAIN(TestUiGraphPanes)
#include "tst_ui_graphpanes.moc"
