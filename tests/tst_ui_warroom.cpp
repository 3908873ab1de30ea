// War-room mode, themes, keyboard and desktop notifications on the Black-Friday fixture: F11 toggles the mode,
// type grows, the card shows every evidence line, the dark scheme is dark with readable text, severity colours
// stay apart for colour-blind eyes, the cheat sheet lists every action with its keys, and a new incident
// notifies once. Screenshots go to the test's temp dir and, when NIGHTWATCH_SCREENSHOT_DIR is set, there.

#include "desktopnotifier.h"
#include "graphlegend.h"
#include "graphnodeitem.h"
#include "incidentlistdelegate.h"
#include "incidentlistmodel.h"
#include "graphview.h"
#include "incidentsummarycard.h"
#include "mainwindow.h"
#include "metricchartsview.h"
#include "triagebox.h"
#include "runbook/runbooklibrary.h"
#include "runbookpanel.h"
#include "runbookstepcard.h"
#include "shortcutcheatsheet.h"
#include "sourcehealthbar.h"
#include "theme.h"
#include "timelinechartview.h"
#include "tst_ui_fixture.h"
#include "warroommode.h"

#include <QAction>
#include <QDir>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QAbstractAxis>
#include <QChart>
#include <QDateTimeAxis>
#include <QLegend>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSignalSpy>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;

class TestUiWarRoom : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void f11TogglesWarRoom();
    void darkThemeIsDarkAndReadable();
    void severityColoursAreColourBlindSafe_data();
    void severityColoursAreColourBlindSafe();
    void parseScheme();
    void warRoomLayoutFits_data();
    void warRoomLayoutFits();
    void cheatSheetListsEveryAction();
    void keysReachEveryPanel();
    void approveNeedsTheRunbookInView();
    void runbookTypeFollowsTheWarRoom_data();
    void runbookTypeFollowsTheWarRoom();
    void runbookRoomIsGivenBack_data();
    void runbookRoomIsGivenBack();
    void newIncidentNotifiesOnce();

private:
    // Shown, active, on the fixture, keyboard in the incident list.
    static bool showActive(MainWindow& window);
    // The fixture at 1366x768 with the built-in runbooks, ready for the war room (not full screen: sizes stay exact).
    static bool showWithRunbooks(MainWindow& window, RunbookLibrary& library);
    void saveShot(QWidget* widget, const QString& name);
    QTemporaryDir m_dir;
};

void TestUiWarRoom::initTestCase()
{
    qRegisterMetaType<IncidentSnapshotPtr>();
    QVERIFY(m_dir.isValid());
}

void TestUiWarRoom::cleanup()
{
    Theme::setScheme(Theme::Scheme::Light);
    Theme::setHighContrast(false);
    Theme::setFontScale(1.0);
}

bool TestUiWarRoom::showActive(MainWindow& window)
{
    window.show();
    window.activateWindow();
    if (!QTest::qWaitForWindowActive(&window))
        return false;
    window.setSnapshot(fixture::blackFridaySnapshot());
    window.incidentView()->setFocus();
    return true;
}

bool TestUiWarRoom::showWithRunbooks(MainWindow& window, RunbookLibrary& library)
{
    library.load(QString());
    window.setRunbookLibrary(&library);
    window.warRoom()->setFullScreenEnabled(false);
    window.resize(1366, 768);
    return showActive(window);
}

void TestUiWarRoom::saveShot(QWidget* widget, const QString& name)
{
    const QPixmap pixmap = widget->grab();
    QVERIFY(!pixmap.isNull());
    QVERIFY(pixmap.save(m_dir.filePath(name), "PNG"));
    const QString dir = qEnvironmentVariable("NIGHTWATCH_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(pixmap.save(QDir(dir).filePath(name), "PNG"));
}

void TestUiWarRoom::f11TogglesWarRoom()
{
    MainWindow window;
    window.warRoom()->setFullScreenEnabled(false); // the offscreen screen is small; sizes are set below
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.setSnapshot(fixture::blackFridaySnapshot());
    IncidentSummaryCard* card = window.summaryCard();
    const qreal normalFont = QFontInfo(card->font()).pointSizeF();
    QLabel* evidence = nullptr;
    for (QLabel* l : card->findChildren<QLabel*>()) // the triage box below quotes the strongest line too
        if (l->text().contains(u"alerted first"_s) && !card->triageBox()->isAncestorOf(l))
            evidence = l;
    QVERIFY(evidence);

    // A fifth evidence line: four are shown and "+1 more (hover)" on a laptop...
    auto snapshot = std::make_shared<IncidentSnapshot>(*fixture::blackFridaySnapshot());
    snapshot->incidents[0].rootCauses[0].evidence << u"postgres-main has 200 of 200 connections in use."_s;
    window.setSnapshot(snapshot);
    QVERIFY(evidence->text().contains(u"(hover)"_s));
    QVERIFY(!evidence->text().contains(u"200 of 200"_s));

    window.incidentView()->setFocus();
    QTest::keyClick(window.incidentView(), Qt::Key_F11);
    QVERIFY(window.warRoom()->isActive());
    // ...every line in the war room, where nobody hovers.
    QVERIFY(card->showsAllEvidence());
    QVERIFY(evidence->text().contains(u"200 of 200"_s));
    QVERIFY(!evidence->text().contains(u"(hover)"_s));
    QVERIFY(QFontInfo(card->font()).pointSizeF() >= normalFont * 1.5);
    QCOMPARE(window.bottomTabs()->currentIndex(), 1); // the runbook, its step awaiting approval
    QVERIFY(window.warRoom()->fontScale() > 1.5);

    QTest::keyClick(window.incidentView(), Qt::Key_F11);
    QVERIFY(!window.warRoom()->isActive());
    QVERIFY(!card->showsAllEvidence());
    QCOMPARE(QFontInfo(card->font()).pointSizeF(), normalFont);
    QCOMPARE(window.bottomTabs()->currentIndex(), 0);
    QVERIFY(evidence->text().contains(u"(hover)"_s));
}

void TestUiWarRoom::darkThemeIsDarkAndReadable()
{
    MainWindow window;
    window.show();
    window.setSnapshot(fixture::blackFridaySnapshot());
    window.setDarkTheme(true);
    const QPalette pal = window.palette();
    QVERIFY(pal.color(QPalette::Window).lightness() < 60);
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text})
        QVERIFY2(Theme::contrastRatio(pal.color(role), pal.color(QPalette::Window)) >= 4.5,
                 qPrintable(QString::number(Theme::contrastRatio(pal.color(role), pal.color(QPalette::Window)))));
    QVERIFY(Theme::contrastRatio(pal.color(QPalette::Text), pal.color(QPalette::Base)) >= 4.5);
    QVERIFY(Theme::contrastRatio(Theme::text(), Theme::panelBackground()) >= 4.5);
    QVERIFY(Theme::contrastRatio(Theme::secondaryText(), Theme::panelBackground()) >= 4.5);
    QVERIFY(Theme::contrastRatio(Theme::accentText(), Theme::panelBackground()) >= 4.5);
    // The card follows: its root cause is painted in the dark scheme's accent.
    QVERIFY(window.summaryCard()->findChildren<QLabel*>().constFirst()->parentWidget() == window.summaryCard());
    // The runbook panel and the metric charts follow the switch (they stayed light on the dark window).
    auto chartCanvas = [&window] { return window.metricsView()->chart()->backgroundBrush().color(); };
    QVERIFY2(window.runbookPanel()->palette().color(QPalette::Window).lightness() < 60,
             qPrintable(window.runbookPanel()->palette().color(QPalette::Window).name()));
    QCOMPARE(chartCanvas(), Theme::panelBackground());
    for (QAbstractAxis* axis : window.metricsView()->chart()->axes())
        QVERIFY(Theme::contrastRatio(axis->labelsColor(), chartCanvas()) >= 4.5);
    // The alert table's panel, as shown: the filter row is dark like the table, not a white strip around it (its
    // frame was light "paper" in the dark scheme), and the count beside the filter is readable on it.
    QLabel* count = nullptr;
    for (QLabel* label : window.filterEdit()->parentWidget()->findChildren<QLabel*>())
        if (label->text().contains(u"alert"_s))
            count = label;
    QVERIFY(count && count->isVisible());
    const QImage shown = window.grab().toImage();
    const QRect at(count->mapTo(&window, QPoint(0, 0)), count->size());
    const QColor background = shown.pixelColor(at.topLeft() + QPoint(1, 1));
    QVERIFY2(background.lightness() < 60, qPrintable(background.name()));
    QColor ink = background;
    for (int y = at.top(); y <= at.bottom(); ++y)
        for (int x = at.left(); x <= at.right(); ++x)
            if (const QColor c = shown.pixelColor(x, y); c.lightness() > ink.lightness())
                ink = c;
    QVERIFY2(Theme::contrastRatio(ink, background) >= 4.5,
             qPrintable(u"%1 on %2"_s.arg(ink.name(), background.name())));
    window.setDarkTheme(false);
    QVERIFY(window.palette().color(QPalette::Window).lightness() > 200);
    QVERIFY(window.runbookPanel()->palette().color(QPalette::Window).lightness() > 200);
    QCOMPARE(chartCanvas(), Theme::panelBackground());
    QVERIFY(Theme::contrastRatio(Theme::text(), Theme::panelBackground()) >= 4.5);
    QVERIFY(Theme::contrastRatio(Theme::secondaryText(), Theme::panelBackground()) >= 4.5);
}

void TestUiWarRoom::severityColoursAreColourBlindSafe_data()
{
    // Machado et al. 2009 simulation matrices (severity 1.0), applied in linear RGB.
    QTest::addColumn<bool>("dark");
    QTest::addColumn<QList<double>>("matrix");
    const QList<double> protan = {0.152286, 1.052583,  -0.204868, 0.114503, 0.786281,
                                  0.099216, -0.003882, -0.048116, 1.051998};
    const QList<double> deutan = {0.367322, 0.860646,  -0.227968, 0.280085, 0.672501,
                                  0.047413, -0.011820, 0.042940,  0.968881};
    const QList<double> tritan = {1.255528, -0.076749, -0.178779, -0.078411, 0.930809,
                                  0.147602, 0.004733,  0.691367,  0.303900};
    for (bool dark : {false, true}) {
        const char* scheme = dark ? "dark" : "light";
        QTest::addRow("%s protanopia", scheme) << dark << protan;
        QTest::addRow("%s deuteranopia", scheme) << dark << deutan;
        QTest::addRow("%s tritanopia", scheme) << dark << tritan;
    }
}

void TestUiWarRoom::severityColoursAreColourBlindSafe()
{
    QFETCH(bool, dark);
    QFETCH(QList<double>, matrix);
    Theme::setScheme(dark ? Theme::Scheme::Dark : Theme::Scheme::Light);
    auto lin = [](double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); };
    auto unlin = [](double c) {
        c = qBound(0.0, c, 1.0);
        return 255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * std::pow(c, 1 / 2.4) - 0.055);
    };
    auto simulate = [&](const QColor& c) {
        const double in[3] = {lin(c.redF()), lin(c.greenF()), lin(c.blueF())};
        std::array<double, 3> out{};
        for (int i = 0; i < 3; ++i)
            out[i] = unlin(matrix[3 * i] * in[0] + matrix[3 * i + 1] * in[1] + matrix[3 * i + 2] * in[2]);
        return out;
    };
    const QStringList severities = {u"critical"_s, u"warning"_s, u"info"_s};
    for (qsizetype i = 0; i < severities.size(); ++i) {
        for (qsizetype j = i + 1; j < severities.size(); ++j) {
            const auto a = simulate(Theme::severityColor(severities.at(i)));
            const auto b = simulate(Theme::severityColor(severities.at(j)));
            const double distance = std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
            QVERIFY2(distance >= 90,
                     qPrintable(u"%1 vs %2: %3"_s.arg(severities.at(i), severities.at(j)).arg(distance)));
        }
        // And never the colour alone: a shape and the word.
        QVERIFY(Theme::severityLabel(severities.at(i)).contains(severities.at(i).toUpper()));
    }
    QVERIFY(Theme::severityLabel(u"critical"_s) !=
            Theme::severityLabel(u"warning"_s).replace(u"WARNING"_s, u"CRITICAL"_s));
}

void TestUiWarRoom::parseScheme()
{
    QPalette darkDesktop;
    darkDesktop.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
    QPalette lightDesktop;
    lightDesktop.setColor(QPalette::Window, QColor(0xF0, 0xF0, 0xF0));
    bool ok = false;
    QCOMPARE(Theme::parseScheme(u"system"_s, darkDesktop, &ok), Theme::Scheme::Dark);
    QVERIFY(ok);
    QCOMPARE(Theme::parseScheme(QString(), lightDesktop, &ok), Theme::Scheme::Light);
    QCOMPARE(Theme::parseScheme(u"Dark"_s, lightDesktop, &ok), Theme::Scheme::Dark);
    QCOMPARE(Theme::parseScheme(u"light"_s, darkDesktop, &ok), Theme::Scheme::Light);
    Theme::parseScheme(u"purple"_s, darkDesktop, &ok);
    QVERIFY(!ok);
}

void TestUiWarRoom::warRoomLayoutFits_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("dark");
    QTest::addColumn<QString>("file"); // the docs' names
    QTest::addRow("1366x768 dark") << QSize(1366, 768) << true << u"warroom-dark-1366x768.png"_s;
    QTest::addRow("1366x768 light") << QSize(1366, 768) << false << u"warroom-light-1366x768.png"_s;
    QTest::addRow("1920x1080 dark") << QSize(1920, 1080) << true << u"warroom-dark.png"_s;
    QTest::addRow("1920x1080 light") << QSize(1920, 1080) << false << u"warroom-light.png"_s;
}

namespace {
// Pixel size of the text of what the views draw themselves, next to the widgets' own fonts.
struct TypeSizes
{
    int card = 0, list = 0, legend = 0, timelineRows = 0, timelineLegend = 0, chips = 0, keys = 0;
    int stepSmallest = 0; // the smallest text on the step awaiting approval (its safety and state badges)
    qreal graphNames = 0; // on screen: the scene's font times the view's scale
};

int pixels(const QFont& font)
{
    return QFontInfo(font).pixelSize();
}

QList<QGraphicsSimpleTextItem*> timelineLabels(TimelineChartView* view)
{
    QList<QGraphicsSimpleTextItem*> labels;
    for (QGraphicsItem* item : view->scene()->items())
        if (auto* text = dynamic_cast<QGraphicsSimpleTextItem*>(item); text && text->isVisible())
            labels << text;
    return labels;
}

TypeSizes typeSizes(MainWindow& window)
{
    TypeSizes t;
    t.card = pixels(window.summaryCard()->font());
    t.list = pixels(window.incidentView()->font());
    t.legend = pixels(window.findChild<GraphLegend*>()->font());
    for (QGraphicsSimpleTextItem* label : timelineLabels(window.timelineView()))
        t.timelineRows = qMax(t.timelineRows, pixels(label->font()));
    t.timelineLegend = pixels(window.timelineView()->chart()->legend()->font());
    t.chips = pixels(window.sourceBar()->findChildren<QLabel*>().constFirst()->font());
    t.keys = pixels(window.findChild<QLabel*>(u"keysLabel"_s)->font());
    if (RunbookStepCard* step = window.runbookPanel()->awaitingCard())
        for (QLabel* label : step->findChildren<QLabel*>())
            if (label->isVisible() && !label->text().isEmpty())
                t.stepSmallest = t.stepSmallest ? qMin(t.stepSmallest, pixels(label->font())) : pixels(label->font());
    t.graphNames = QFontInfo(GraphNodeItem::nameFont()).pixelSize() * window.graphView()->transform().m11();
    return t;
}

QString describe(const QWidget* w)
{
    return u"%1 \"%2\""_s.arg(QString::fromLatin1(w->metaObject()->className()), w->property("text").toString().left(40));
}
} // namespace

void TestUiWarRoom::warRoomLayoutFits()
{
    QFETCH(QSize, size);
    QFETCH(bool, dark);
    QFETCH(QString, file);
    RunbookLibrary library;
    library.load(QString());
    MainWindow window;
    window.setRunbookLibrary(&library);
    window.warRoom()->setFullScreenEnabled(false); // the shot has exactly the size asked for
    window.setDarkTheme(dark);
    window.resize(size);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.setSnapshot(fixture::blackFridaySnapshot());
    QVERIFY(window.saveScreenshot(m_dir.filePath(u"normal.png"_s))); // waits for the graph layout
    QTest::qWait(50);
    const TypeSizes normal = typeSizes(window);
    // At a desk the whole picture is in view (hover and zoom read the names).
    for (QGraphicsItem* item : window.graphView()->scene()->items())
        if (item->type() == GraphNodeItem::Type)
            QVERIFY2(window.graphView()->viewport()->rect().contains(
                         window.graphView()->mapFromScene(item->sceneBoundingRect()).boundingRect()),
                     qPrintable(static_cast<GraphNodeItem*>(item)->info().service));

    window.warRoom()->setActive(true);
    QCOMPARE(Theme::fontScale(), WarRoomMode::FontScale);
    QVERIFY(window.saveScreenshot(m_dir.filePath(u"scratch.png"_s)));
    QTest::qWait(50); // deferred splitter sizes, chip fitting and repaints
    QCOMPARE(window.size(), size);
    saveShot(&window, file);
    const TypeSizes war = typeSizes(window);

    // One factor for every view: each text grows, and none grows alone (the legend doubled while the graph's
    // names shrank to 5 px).
    const QList<std::tuple<const char*, qreal, qreal>> grown = {
        {"card", normal.card, war.card},
        {"incident list", normal.list, war.list},
        {"graph legend", normal.legend, war.legend},
        {"graph node names", normal.graphNames, war.graphNames},
        {"timeline rows", normal.timelineRows, war.timelineRows},
        {"timeline legend", normal.timelineLegend, war.timelineLegend},
        {"source chips", normal.chips, war.chips},
        {"status-bar keys", normal.keys, war.keys},
        {"runbook step badges", normal.stepSmallest, war.stepSmallest}};
    for (const auto& [what, before, after] : grown) {
        QVERIFY2(after > before, qPrintable(u"%1: %2 px in the war room, %3 px at a desk"_s.arg(QLatin1String(what))
                                                .arg(after).arg(before)));
        QVERIFY2(after <= war.card * 1.5, qPrintable(u"%1: %2 px beside the card's %3 px"_s.arg(QLatin1String(what))
                                                         .arg(after).arg(war.card)));
    }
    QCOMPARE(GraphNodeItem::nameFont().pointSizeF(), 10 * WarRoomMode::FontScale);

    // Graph names are read from across the room: at least 16 px on screen, the root cause in view.
    GraphView* graph = window.graphView();
    QVERIFY2(war.graphNames >= 16, qPrintable(u"graph names at %1 px"_s.arg(war.graphNames)));
    bool rootShown = false;
    for (QGraphicsItem* item : graph->scene()->items()) {
        if (item->type() != GraphNodeItem::Type || !static_cast<GraphNodeItem*>(item)->info().rootCause)
            continue;
        // The box with its badge and halo.
        const QRect onScreen = graph->mapFromScene(item->sceneBoundingRect()).boundingRect();
        QVERIFY2(graph->viewport()->rect().contains(onScreen), "the root cause's node is cut by the graph panel");
        rootShown = true;
    }
    QVERIFY(rootShown);
    // The part shown cuts no box in half at the panel's bottom edge, above the legend (legacy-batch was half under it),
    // and the services of the incident it shows are whole: a node is in view or out of it, not a sliver.
    const QRect view = graph->viewport()->rect();
    QStringList cut;
    int whole = 0;
    for (QGraphicsItem* item : graph->scene()->items()) {
        if (item->type() != GraphNodeItem::Type)
            continue;
        const auto* node = static_cast<GraphNodeItem*>(item);
        const QRect onScreen = graph->mapFromScene(node->sceneBoundingRect()).boundingRect();
        if (view.contains(onScreen)) {
            ++whole;
            continue;
        }
        if (!view.intersects(onScreen))
            continue;
        const bool bottom = onScreen.bottom() > view.bottom();
        if (bottom || node->info().firing > 0 || node->info().rootCause)
            cut << u"%1 (%2 px of %3 shown%4)"_s.arg(node->info().service)
                       .arg(view.intersected(onScreen).height() * view.intersected(onScreen).width())
                       .arg(onScreen.height() * onScreen.width())
                       .arg(bottom ? u", at the bottom"_s : QString());
    }
    qInfo("graph: %d nodes whole in view, cut: %s", whole, qPrintable(cut.join(u", "_s)));
    QVERIFY(whole >= 2);
    QVERIFY2(!cut.join(u' ').contains(u"at the bottom"_s), qPrintable(cut.join(u", "_s)));

    // Every one-line label and button shows its whole text (no "Acknowl", no "ok 14:0", no "? all ke").
    QStringList clipped;
    int labels = 0;
    for (QWidget* w : window.findChildren<QWidget*>()) {
        if (!w->isVisible() || w->visibleRegion().isEmpty() || w->window() != &window)
            continue;
        if (auto* label = qobject_cast<QLabel*>(w)) {
            if (label->wordWrap() || label->text().isEmpty() || label->textFormat() == Qt::RichText ||
                (label->textFormat() == Qt::AutoText && Qt::mightBeRichText(label->text())) || label->text().contains(u'\n'))
                continue;
            ++labels;
            const int need = label->fontMetrics().horizontalAdvance(label->text());
            const int room = label->contentsRect().width() - 2 * label->margin() - 2 * label->indent();
            if (need > room + 1)
                clipped << u"%1 needs %2 px, has %3"_s.arg(describe(w)).arg(need).arg(room);
        } else if (auto* button = qobject_cast<QPushButton*>(w)) {
            if (button->sizeHint().width() > button->width())
                clipped << u"%1 needs %2 px, has %3"_s.arg(describe(w)).arg(button->sizeHint().width()).arg(button->width());
        }
    }
    QVERIFY(labels > 15);
    QVERIFY2(clipped.isEmpty(), qPrintable(clipped.join(u'\n')));

    // The buttons the room acts on are wholly inside the window and not covered.
    RunbookStepCard* step = window.runbookPanel()->awaitingCard();
    QVERIFY(step);
    for (QPushButton* button : {window.summaryCard()->acknowledgeButton(), step->approveButton()}) {
        const QRect r(button->mapTo(&window, QPoint()), button->size());
        QVERIFY2(button->isVisible() && window.rect().contains(r), qPrintable(describe(button)));
        QCOMPARE(button->visibleRegion().boundingRect().size(), button->size());
    }

    // The card's root cause and its percentage do not overlap.
    IncidentSummaryCard* card = window.summaryCard();
    QLabel* root = nullptr;
    QLabel* percent = nullptr;
    for (QLabel* l : card->findChildren<QLabel*>()) {
        if (l->isVisible() && l->text() == card->rootCauseText())
            root = l;
        if (l->isVisible() && l->text() == card->confidenceText())
            percent = l;
    }
    QVERIFY(root && percent);
    const QRect rootText(root->mapTo(card, root->contentsRect().topLeft()),
                         QSize(root->fontMetrics().horizontalAdvance(root->text()), root->fontMetrics().height()));
    const QRect percentRect(percent->mapTo(card, QPoint()), percent->size());
    QVERIFY2(!rootText.intersects(percentRect), "the card's root cause runs into its percentage");

    // The same in every incident row: the name and "root cause NN %" side by side, the first row's name whole.
    QListView* list = window.incidentView();
    auto* delegate = qobject_cast<IncidentListDelegate*>(list->itemDelegate());
    QVERIFY(delegate);
    for (int row = 0; row < window.incidentModel()->rowCount(); ++row) {
        const QModelIndex index = window.incidentModel()->index(row, IncidentListModel::RootCauseColumn);
        QStyleOptionViewItem option;
        option.initFrom(list->viewport());
        option.rect = list->visualRect(index);
        option.font = list->font();
        const QRect rootRect = IncidentListDelegate::rootCauseRect(option, index);
        const QRect confRect = IncidentListDelegate::confidenceRect(option, index);
        QVERIFY2(!rootRect.intersects(confRect), qPrintable(u"row %1"_s.arg(row)));
        QVERIFY(confRect.isEmpty() || option.rect.contains(confRect));
        if (row == 0)
            QCOMPARE(IncidentListDelegate::shownRootCause(option, index), index.data(IncidentListModel::RootCauseRole).toString());
    }

    // Timeline row labels: inside the chart, their text whole or elided in the middle to a name it maps back to.
    TimelineChartView* timeline = window.timelineView();
    const QList<QGraphicsSimpleTextItem*> rows = timelineLabels(timeline);
    QVERIFY(!rows.isEmpty());
    for (QGraphicsSimpleTextItem* label : rows) {
        const QRect onScreen = timeline->mapFromScene(label->sceneBoundingRect()).boundingRect();
        QVERIFY2(timeline->viewport()->rect().contains(onScreen), qPrintable(label->text()));
        QVERIFY2(timeline->rowLabels().contains(label->text()), qPrintable(label->text()));
    }

    // The legend below the plot is whole, and the time axis has only as many ticks as whole labels fit.
    const QRectF legend = timeline->mapFromScene(timeline->chart()->mapToScene(timeline->chart()->legend()->geometry()))
                              .boundingRect();
    QVERIFY2(QRectF(timeline->viewport()->rect()).contains(legend),
             qPrintable(u"the timeline legend at %1,%2 %3x%4 is cut off by the %5x%6 view"_s.arg(legend.x()).arg(legend.y())
                            .arg(legend.width()).arg(legend.height()).arg(timeline->viewport()->width())
                            .arg(timeline->viewport()->height())));
    const auto* axis = qobject_cast<QDateTimeAxis*>(timeline->chart()->axes(Qt::Horizontal).constFirst());
    QVERIFY(axis);
    const int tickLabel = QFontMetrics(axis->labelsFont()).horizontalAdvance(axis->max().toString(axis->format()));
    QVERIFY2(tickLabel * axis->tickCount() <= timeline->chart()->plotArea().width(),
             qPrintable(u"%1 ticks of %2 px on a %3 px axis"_s.arg(axis->tickCount()).arg(tickLabel)
                            .arg(timeline->chart()->plotArea().width())));

    // And the picture itself: the theme's chrome, not a default grey.
    const QImage image = window.grab().toImage();
    const QColor corner = image.pixelColor(image.width() - 3, image.height() / 2);
    QVERIFY2(dark ? corner.lightness() < 80 : corner.lightness() > 180, qPrintable(corner.name()));

    window.warRoom()->setActive(false);
    QCOMPARE(Theme::fontScale(), 1.0);
    QCOMPARE(GraphNodeItem::nameFont().pointSizeF(), 10.0);
}

void TestUiWarRoom::cheatSheetListsEveryAction()
{
    MainWindow window;
    QVERIFY(showActive(window));
    QVERIFY(!window.cheatSheet());
    QTest::keyClick(window.incidentView(), Qt::Key_Question);
    ShortcutCheatSheet* sheet = window.cheatSheet();
    QVERIFY(sheet);
    QVERIFY(sheet->isVisible());

    const QList<QAction*> actions = window.actions();
    QVERIFY(actions.size() >= 12);
    QCOMPARE(sheet->table()->rowCount(), actions.size());
    QSet<QKeySequence> seen;
    for (QAction* a : actions) {
        QVERIFY2(!a->shortcuts().isEmpty(), qPrintable(a->text())); // every action has a key
        for (const QKeySequence& k : a->shortcuts()) {
            QVERIFY2(!seen.contains(k), qPrintable(k.toString())); // and no key does two things
            seen.insert(k);
        }
        bool listed = false;
        for (int row = 0; row < sheet->table()->rowCount(); ++row)
            listed = listed || (sheet->table()->item(row, 1)->text().startsWith(ShortcutCheatSheet::plainText(a)) &&
                                sheet->table()->item(row, 0)->text() == ShortcutCheatSheet::keysText(a));
        QVERIFY2(listed, qPrintable(a->text()));
    }
    for (const QString& text : {u"War-room mode"_s, u"Approve next runbook step"_s, u"Keyboard shortcuts"_s,
                                u"Show / hide the incident list"_s})
        QVERIFY2(!sheet->table()->findItems(text, Qt::MatchStartsWith).isEmpty(), qPrintable(text));
    sheet->resize(760, sheet->height());
    saveShot(sheet, u"cheatsheet.png"_s);
}

void TestUiWarRoom::keysReachEveryPanel()
{
    MainWindow window;
    QVERIFY(showActive(window));
    QCOMPARE(window.currentIncidentId(), 42);
    QTest::keyClick(window.incidentView(), Qt::Key_J);
    QCOMPARE(window.currentIncidentId(), 43);
    QTest::keyClick(window.incidentView(), Qt::Key_K);
    QCOMPARE(window.currentIncidentId(), 42);

    // l hides and shows the list; t does nothing harmful without a metrics tab.
    QTest::keyClick(window.incidentView(), Qt::Key_L);
    QVERIFY(!window.incidentView()->isVisible());
    QTest::keyClick(&window, Qt::Key_L);
    QVERIFY(window.incidentView()->isVisible());
    QVERIFY(window.incidentView()->hasFocus());
    QTest::keyClick(window.incidentView(), Qt::Key_T);
    QCOMPARE(window.chartTabs()->currentIndex(), 0);

    // Ctrl+F and / land in the filter; Esc hands the keyboard back to the list.
    QTest::keyClick(window.incidentView(), Qt::Key_F, Qt::ControlModifier);
    QVERIFY(window.filterEdit()->hasFocus());
    QTest::keyClick(window.filterEdit(), Qt::Key_Escape);
    QVERIFY(window.incidentView()->hasFocus());

    // Tab walks list → Acknowledge → Mitigate → Resolve → graph → charts.
    QTest::keyClick(window.incidentView(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), window.summaryCard()->acknowledgeButton());
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), window.summaryCard()->mitigateButton());
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), window.summaryCard()->resolveButton());
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), window.graphView());

    // d toggles do-not-disturb.
    window.incidentView()->setFocus();
    QTest::keyClick(window.incidentView(), Qt::Key_D);
    QVERIFY(window.notifier()->doNotDisturb());
    QTest::keyClick(window.incidentView(), Qt::Key_D);
    QVERIFY(!window.notifier()->doNotDisturb());
}

void TestUiWarRoom::approveNeedsTheRunbookInView()
{
    RunbookLibrary library;
    library.load(QString());
    MainWindow window;
    window.setRunbookLibrary(&library);
    QVERIFY(showActive(window));
    QSignalSpy states(window.runbookPanel(), &RunbookPanel::stepStateChanged);
    QCOMPARE(window.bottomTabs()->currentIndex(), 0);
    // First press: the runbook comes into view, nothing is approved yet.
    QTest::keyClick(window.incidentView(), Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(window.bottomTabs()->currentIndex(), 1);
    QCOMPARE(states.size(), 0);
    // The proposed runbook's parameters may need values first; approveNextStep() never runs what cannot run.
    const bool approvable =
        window.runbookPanel()->stepModel()->rowCount() > 0 && window.runbookPanel()->stepModel()->canApprove(0);
    window.incidentView()->setFocus();
    QTest::keyClick(window.incidentView(), Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(states.size() > 0, approvable);
}

// The runbook panel restyles its step cards between snapshots (another runbook, a step's new state): in the war room
// they must be in its type at once, not at the next snapshot (a quiet incident may have none), and scaled once.
void TestUiWarRoom::runbookTypeFollowsTheWarRoom_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<bool>("warRoomFirst");
    QTest::addRow("runbook chosen in the war room") << u"choose"_s << true;
    QTest::addRow("step skipped in the war room") << u"skip"_s << true;
    QTest::addRow("war room entered after choosing") << u"choose"_s << false;
}

void TestUiWarRoom::runbookTypeFollowsTheWarRoom()
{
    QFETCH(QString, action);
    QFETCH(bool, warRoomFirst);
    RunbookLibrary library;
    MainWindow window;
    QVERIFY(showWithRunbooks(window, library));
    RunbookPanel* panel = window.runbookPanel();
    const auto act = [&] {
        if (action == u"choose"_s) {
            QVERIFY(panel->currentRunbookId() != u"RB-HOST-005"_s);
            QVERIFY(panel->selectRunbook(u"RB-HOST-005"_s));
        } else {
            QVERIFY(panel->stepModel()->canSkip(0));
            QTest::mouseClick(panel->stepCard(0)->skipButton(), Qt::LeftButton);
            QCOMPARE(panel->stepModel()->state(0), RunbookStepModel::State::Skipped);
        }
    };
    if (!warRoomFirst)
        act();
    window.warRoom()->setActive(true);
    if (warRoomFirst)
        act();

    const double scale = window.warRoom()->fontScale();
    QVERIFY(scale > 1.5);
    const auto points = [](QLabel* label) {
        label->ensurePolished();
        return QFontInfo(label->font()).pointSizeF();
    };
    QVERIFY(panel->stepModel()->rowCount() > 0);
    for (int row = 0; row < panel->stepModel()->rowCount(); ++row) {
        RunbookStepCard* card = panel->stepCard(row);
        QVERIFY(card);
        QLabel* title = card->findChild<QLabel*>(u"stepTitle"_s);
        QLabel* state = card->findChild<QLabel*>(u"stepState"_s);
        QVERIFY(title && state);
        QVERIFY2(std::abs(points(title) - 10 * scale) < 0.6,
                 qPrintable(u"step %1's title is %2 pt, not %3"_s.arg(row).arg(points(title)).arg(10 * scale)));
        QVERIFY2(std::abs(points(state) - 8 * scale) < 0.6,
                 qPrintable(u"step %1's state is %2 pt, not %3"_s.arg(row).arg(points(state)).arg(8 * scale)));
    }
}

// A runbook whose parameters need values says so above its step, and the window takes room from the top row to keep
// both in view. Once the step shown needs less, that room goes back to the graph and timeline, unless someone set the
// splitter since.
void TestUiWarRoom::runbookRoomIsGivenBack_data()
{
    QTest::addColumn<bool>("movedMeanwhile");
    QTest::addRow("the step needs less") << false;
    QTest::addRow("the splitter was moved meanwhile") << true;
}

void TestUiWarRoom::runbookRoomIsGivenBack()
{
    QFETCH(bool, movedMeanwhile);
    RunbookLibrary library;
    MainWindow window;
    QVERIFY(showWithRunbooks(window, library));
    window.warRoom()->setActive(true);
    RunbookPanel* panel = window.runbookPanel();
    QSplitter* splitter = window.rightSplitter();
    QVERIFY(panel->selectRunbook(u"RB-HOST-005"_s)); // its first step can run as it is
    QTest::qWait(100); // the panel and then the window settle over a few event-loop rounds
    const QList<int> before = splitter->sizes();

    QVERIFY(panel->selectRunbook(u"RB-DB-001"_s)); // its container comes from a label these alerts lack
    QTRY_VERIFY2_WITH_TIMEOUT(splitter->sizes().at(1) > before.at(1),
                              qPrintable(u"the runbook pane stayed %1 px"_s.arg(splitter->sizes().at(1))), 2000);
    QTest::qWait(100);
    QList<int> grown = splitter->sizes();
    if (movedMeanwhile) {
        grown = {grown.at(0) - 20, grown.at(1) + 20};
        splitter->setSizes(grown);
        grown = splitter->sizes();
    }

    QVERIFY(panel->selectRunbook(u"RB-HOST-005"_s));
    QTest::qWait(100);
    QCOMPARE(splitter->sizes(), movedMeanwhile ? grown : before);
}

void TestUiWarRoom::newIncidentNotifiesOnce()
{
    MainWindow window;
    QSignalSpy notices(window.notifier(), &DesktopNotifier::notified);
    window.setSnapshot(fixture::blackFridaySnapshot());
    QCOMPARE(notices.size(), 1); // 42 is triggered; 43 is acknowledged, 40 resolved
    QCOMPARE(notices.at(0).at(0).value<IncidentNotice>().incidentId, 42);
    QVERIFY(window.notifier()->toolTip().contains(u"1 unacknowledged incident"_s));
    QVERIFY(window.notifier()->lastMessage().contains(u"postgres-main"_s));
    window.setSnapshot(fixture::blackFridaySnapshot());
    window.setSnapshot(fixture::blackFridaySnapshot());
    QCOMPARE(notices.size(), 1);
}

QTEST_MAIN(TestUiWarRoom)
#include "tst_ui_warroom.moc"
