// The console tells the truth at a glance (issue 21): it shows the worst incident until the engineer picks one,
// never says "all clear" while a source is down or silent, keeps every text at WCAG AA contrast in the light,
// dark and war-room themes, keeps the runbook step awaiting approval in view, and fits war-room text without
// clipping or overlap at 1366×768 and 1920×1080. Checked on the real window, by pixels and geometry.
// NIGHTWATCH_SCREENSHOT_DIR=/some/dir keeps the screenshots taken on the way.

#include "graphview.h"
#include "incidentlistdelegate.h"
#include "incidentlistmodel.h"
#include "incidentsummarycard.h"
#include "mainwindow.h"
#include "pipeline/consoleruntime.h"
#include "pipeline/pipeline.h"
#include "runbook/runbooklibrary.h"
#include "runbookoutputpane.h"
#include "runbookpanel.h"
#include "runbookstepcard.h"
#include "theme.h"
#include "timelinechartview.h"
#include "tst_ui_fixture.h"
#include "uipixels.h"
#include "warroommode.h"

#include <QAbstractButton>
#include <QAbstractAxis>
#include <QChart>
#include <QDir>
#include <QGraphicsSimpleTextItem>
#include <QLegend>
#include <QHash>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestUiGlance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void demoReplaySelectsTheCriticalIncident_data();
    void demoReplaySelectsTheCriticalIncident();
    void followsTheWorstUntilTheEngineerPicks();
    void noFalseAllClear_data();
    void noFalseAllClear();
    void textContrastMeetsWcagAA_data();
    void textContrastMeetsWcagAA();
    void listAndTimelineColoursMeetWcagAA_data();
    void listAndTimelineColoursMeetWcagAA();
    void approveStaysInView_data();
    void approveStaysInView();
    void runbookPanelFollowsTheTheme_data();
    void runbookPanelFollowsTheTheme();
    void demoApproveStaysInView_data();
    void demoApproveStaysInView();
    void warRoomCardTextFits_data();
    void warRoomCardTextFits();
    void demoListRowsFit_data();
    void demoListRowsFit();

private:
    void saveShot(QWidget* widget, const QString& name);
    static bool waitForGraph(MainWindow& window);
    // The Black-Friday fixture with the built-in runbooks, laid out and painted at size in the given theme.
    static bool showFixture(MainWindow& window, RunbookLibrary& library, QSize size, bool dark, bool warRoom);
    static bool showRunbook(MainWindow& window, RunbookLibrary& library, QSize size, bool dark, bool warRoom);
    static bool showSnapshot(MainWindow& window, RunbookLibrary& library, const IncidentSnapshotPtr& snapshot,
                             QSize size, bool dark, bool warRoom);
    // The demo's storm (`--demo`) replayed once through the real pipeline: its last snapshot.
    IncidentSnapshotPtr demoSnapshot();
    IncidentSnapshotPtr m_demo;
    QTemporaryDir m_dir;
};

void TestUiGlance::initTestCase()
{
    qRegisterMetaType<IncidentSnapshotPtr>();
    QVERIFY(m_dir.isValid());
}

void TestUiGlance::cleanup()
{
    Theme::setScheme(Theme::Scheme::Light);
    Theme::setHighContrast(false);
    Theme::setFontScale(1.0);
}

void TestUiGlance::saveShot(QWidget* widget, const QString& name)
{
    const QString dir = qEnvironmentVariable("NIGHTWATCH_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(widget->grab().save(QDir(dir).filePath(name), "PNG"));
}

bool TestUiGlance::waitForGraph(MainWindow& window)
{
    if (!window.graphView()->isLayoutPending())
        return true;
    QSignalSpy spy(window.graphView(), &GraphView::layoutFinished);
    return spy.wait(10000);
}

bool TestUiGlance::showFixture(MainWindow& window, RunbookLibrary& library, QSize size, bool dark, bool warRoom)
{
    // One source unreachable: its chip is red text too.
    return showSnapshot(window, library, fixture::blackFridaySnapshot(), size, dark, warRoom);
}

bool TestUiGlance::showRunbook(MainWindow& window, RunbookLibrary& library, QSize size, bool dark, bool warRoom)
{
    if (!showFixture(window, library, size, dark, warRoom))
        return false;
    window.bottomTabs()->setCurrentIndex(1);
    QTest::qWait(50); // the panel keeps its step in view once the layout has placed it
    return true;
}

bool TestUiGlance::showSnapshot(MainWindow& window, RunbookLibrary& library, const IncidentSnapshotPtr& snapshot,
                                QSize size, bool dark, bool warRoom)
{
    library.load(QString());
    window.setRunbookLibrary(&library);
    window.warRoom()->setFullScreenEnabled(false);
    window.setDarkTheme(dark);
    window.resize(size);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return false;
    window.setSnapshot(snapshot);
    window.warRoom()->setActive(warRoom);
    if (!waitForGraph(window))
        return false;
    QTest::qWait(50); // deferred scrolling, splitter sizes and repaints
    return true;
}

void TestUiGlance::demoReplaySelectsTheCriticalIncident_data()
{
    // Paced as `--demo` runs live, and all at once as `--screenshot` does: both must end on the same incident.
    QTest::addColumn<int>("fillWithinMs");
    QTest::addRow("live") << 1500;
    QTest::addRow("screenshot") << 0;
}

void TestUiGlance::demoReplaySelectsTheCriticalIncident()
{
    QFETCH(int, fillWithinMs);
    ConsoleRuntime::Config config;
    static int run = 0;
    config.databasePath = m_dir.filePath(u"demo-%1.sqlite"_s.arg(++run));
    QString error;
    auto graph = ServiceGraph::fromFile(u":/demo/blackfriday-graph.json"_s, &error);
    QVERIFY2(graph, qPrintable(error));
    config.graph = std::make_shared<const ServiceGraph>(std::move(*graph));
    config.webhookEnabled = false;
    config.replayFile = u":/demo/blackfriday-feed.json"_s;
    config.replayFillWithinMs = fillWithinMs;

    MainWindow window;
    window.resize(1366, 768);
    window.show();
    ConsoleRuntime runtime(config);
    connect(&runtime, &ConsoleRuntime::snapshotReady, &window, &MainWindow::setSnapshot);
    QSignalSpy finished(&runtime, &ConsoleRuntime::replayFinished);
    runtime.start();
    QVERIFY(finished.wait(30'000));
    QVERIFY(finished.constFirst().constFirst().toBool());
    QSignalSpy snapshots(&runtime, &ConsoleRuntime::snapshotReady);
    runtime.pipeline()->flush();
    QVERIFY(snapshots.wait(10'000));

    const IncidentSnapshotPtr last = window.snapshot();
    QVERIFY(last && last->incidents.size() > 1); // the demo has a cascade and unrelated smaller alerts
    Severity worst = Severity::Unknown;
    for (const Incident& i : last->incidents)
        worst = std::max(worst, i.severityLevel());
    QCOMPARE(worst, Severity::Critical);
    const Incident* shown = window.incidentModel()->incidentAt(window.incidentModel()->rowOfKey(window.currentIncidentKey()));
    QVERIFY(shown);
    QCOMPARE(shown->severity.toLower(), u"critical"_s);
    QVERIFY(!window.selectionPinned());
    // What is selected is what the card shows.
    QCOMPARE(window.summaryCard()->incidentId(), shown->id);
    QVERIFY(waitForGraph(window));
    if (fillWithinMs > 0)
        saveShot(&window, u"screenshot-mainwindow.png"_s);
}

void TestUiGlance::followsTheWorstUntilTheEngineerPicks()
{
    MainWindow window;
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    // The first thing to arrive is a warning: it is shown, for want of anything worse.
    auto first = std::make_shared<IncidentSnapshot>(*fixture::blackFridaySnapshot());
    first->incidents = {fixture::searchIncident()};
    first->incidents[0].state = Incident::State::Triggered;
    window.setSnapshot(first);
    QCOMPARE(window.currentIncidentId(), 43);

    // The critical cascade arrives (older onset, so it is not simply the newest row): the console follows it.
    auto second = std::make_shared<IncidentSnapshot>(*first);
    second->incidents.append(fixture::blackFridayIncident());
    window.setSnapshot(second);
    QCOMPARE(window.currentIncidentId(), 42);
    QVERIFY(!window.selectionPinned());

    // An acknowledged critical incident is no longer the page: the unacknowledged one wins over it.
    auto acked = std::make_shared<IncidentSnapshot>(*second);
    Incident other = fixture::blackFridayIncident();
    other.id = 44;
    other.key = u"acked-critical"_s;
    other.firstAlertAt = fixture::at(14, 30);
    other.state = Incident::State::Acknowledged;
    acked->incidents.append(other);
    window.setSnapshot(acked);
    QCOMPARE(window.currentIncidentId(), 42);

    // The engineer clicks the warning; a new critical incident arrives and the click sticks.
    const int row = window.incidentModel()->rowOfKey(u"search-es-heap"_s);
    const QRect rect = window.incidentView()->visualRect(window.incidentModel()->index(row, IncidentListModel::RootCauseColumn));
    QVERIFY(rect.isValid());
    QTest::mouseClick(window.incidentView()->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(window.currentIncidentId(), 43);
    QVERIFY(window.selectionPinned());
    auto third = std::make_shared<IncidentSnapshot>(*acked);
    Incident storm = fixture::blackFridayIncident();
    storm.id = 51;
    storm.key = u"second-storm"_s;
    storm.firstAlertAt = fixture::at(14, 40);
    third->incidents.append(storm);
    window.setSnapshot(third);
    QCOMPARE(window.currentIncidentId(), 43);
    QCOMPARE(window.summaryCard()->incidentId(), 43);

    // The picked incident goes away: the console follows the worst again.
    auto gone = std::make_shared<IncidentSnapshot>(*third);
    gone->incidents.removeIf([](const Incident& i) { return i.id == 43; });
    window.setSnapshot(gone);
    QCOMPARE(window.currentIncidentId(), 51);
    QVERIFY(!window.selectionPinned());
}

void TestUiGlance::noFalseAllClear_data()
{
    QTest::addColumn<QVector<SourceHealth>>("sources");
    QTest::addColumn<bool>("allClear");
    QTest::addColumn<QStringList>("mustSay");

    const QVector<SourceHealth> live = fixture::sources(true);
    QTest::addRow("every source live") << live << true << QStringList{u"No open incidents"_s};
    QTest::addRow("nothing received yet") << QVector<SourceHealth>{} << false
                                          << QStringList{u"Waiting for first data"_s};
    QVector<SourceHealth> allDown = live;
    for (SourceHealth& s : allDown) {
        s.state = SourceHealth::State::Unreachable;
        s.lastError = u"connect to %1: Connection refused"_s.arg(s.displayName);
    }
    QTest::addRow("every source unreachable")
        << allDown << false
        << QStringList{u"alertmanager-eu unreachable since %1"_s.arg(Theme::clock(allDown[0].lastSuccessAt)),
                       u"connect to alertmanager-eu: Connection refused"_s,
                       u"connect to webhook: Connection refused"_s};
    SourceHealth replay;
    replay.id = u"replay:/tmp/broken.json"_s;
    replay.displayName = u"Replay /tmp/broken.json"_s;
    replay.state = SourceHealth::State::Unreachable;
    replay.lastError = u"/tmp/broken.json: line 3, column 7: unterminated string"_s;
    QTest::addRow("malformed replay file")
        << QVector<SourceHealth>{replay} << false
        << QStringList{u"Replay /tmp/broken.json unreachable, never reached"_s, u"line 3, column 7"_s};
    SourceHealth hook;
    hook.id = u"webhook:127.0.0.1:9797"_s;
    hook.displayName = u"Webhook receiver"_s;
    hook.state = SourceHealth::State::Stale;
    QVector<SourceHealth> waiting = {live[0], hook};
    QTest::addRow("one source silent") << waiting << false
                                       << QStringList{u"Waiting for first data from Webhook receiver"_s};
}

void TestUiGlance::noFalseAllClear()
{
    QFETCH(QVector<SourceHealth>, sources);
    QFETCH(bool, allClear);
    QFETCH(QStringList, mustSay);
    MainWindow window;
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto snapshot = std::make_shared<IncidentSnapshot>();
    snapshot->sources = sources;
    window.setSnapshot(snapshot);
    QCoreApplication::processEvents();

    IncidentSummaryCard* card = window.summaryCard();
    const QString shown = card->rootCauseText() + u'\n' + card->detailText();
    QCOMPARE(shown.contains(u"No open incidents"_s), allClear);
    QCOMPARE(shown.contains(u"Nothing needs you"_s), allClear);
    for (const QString& text : mustSay)
        QVERIFY2(shown.contains(text), qPrintable(shown));

    // In large type, on screen, in the main area (not only a chip in the header).
    QLabel* headline = nullptr;
    for (QLabel* l : card->findChildren<QLabel*>())
        if (l->isVisible() && l->text() == card->rootCauseText())
            headline = l;
    QVERIFY(headline);
    QVERIFY2(QFontInfo(headline->font()).pixelSize() >= 18, qPrintable(QString::number(QFontInfo(headline->font()).pixelSize())));
    const QRect onScreen(headline->mapTo(&window, QPoint()), headline->size());
    QVERIFY(window.rect().contains(onScreen));
    QVERIFY(onScreen.height() >= QFontMetrics(headline->font()).height());
    if (!allClear)
        saveShot(&window, u"dead-source-%1.png"_s.arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')));
}

namespace {
// The colours a label's text is written in: its palette's (style sheets land there when polished) and every
// inline colour of rich text.
QList<std::pair<QColor, QColor>> textColours(QWidget* w) // text colour, own background or invalid
{
    const QPalette::ColorGroup group = w->isEnabled() ? QPalette::Active : QPalette::Disabled;
    QList<std::pair<QColor, QColor>> colours = {{w->palette().color(group, w->foregroundRole()), QColor()}};
    if (auto* label = qobject_cast<QLabel*>(w); label && Qt::mightBeRichText(label->text())) {
        // Inline style attributes; a span with a background of its own (a badge) is measured against it.
        static const QRegularExpression style(u"style\\s*=\\s*['\"]([^'\"]*)['\"]"_s);
        static const QRegularExpression colour(u"(?:^|;|\\s)color\\s*:\\s*(#[0-9A-Fa-f]{6})"_s);
        static const QRegularExpression background(u"background(?:-color)?\\s*:\\s*(#[0-9A-Fa-f]{6})"_s);
        for (auto m = style.globalMatch(label->text()); m.hasNext();) {
            const QString css = m.next().captured(1);
            const QRegularExpressionMatch fg = colour.match(css);
            if (!fg.hasMatch())
                continue;
            const QRegularExpressionMatch bg = background.match(css);
            colours.append({QColor(fg.captured(1)), bg.hasMatch() ? QColor(bg.captured(1)) : QColor()});
        }
    }
    return colours;
}

// Every visible, enabled label and button under root, on what is painted under it in image (a grab of root's window):
// its colours (WCAG AA, 4.5:1) and its ink. *checked counts the texts measured.
QStringList textContrastFailures(QWidget* root, const QImage& image, int* checked)
{
    const qreal dpr = image.devicePixelRatio();
    QStringList failures;
    QList<QWidget*> texts;
    for (QLabel* l : root->findChildren<QLabel*>())
        texts << l;
    for (QAbstractButton* b : root->findChildren<QAbstractButton*>())
        texts << b;
    for (QWidget* w : texts) {
        const auto* label = qobject_cast<QLabel*>(w);
        const auto* button = qobject_cast<QAbstractButton*>(w);
        const QString text = label ? label->text() : button->text();
        if (!w->isVisible() || text.trimmed().isEmpty() || w->visibleRegion().isEmpty())
            continue;
        if (button && !button->isEnabled())
            continue; // WCAG 1.4.3 exempts inactive controls
        const QRect visible = w->visibleRegion().boundingRect();
        if (visible.height() < w->fontMetrics().height() / 2)
            continue; // a sliver at a scroller's edge: no text of it is readable, or measurable

        const QRect inWindow(w->mapTo(root->window(), visible.topLeft()) * dpr, visible.size() * dpr);
        const QList<std::pair<QColor, QColor>> colours = textColours(w);
        QList<QColor> inlineBackgrounds;
        for (const auto& pair : colours)
            if (pair.second.isValid())
                inlineBackgrounds << pair.second;
        const QColor background = dominantColour(image, inWindow, inlineBackgrounds);
        ++*checked;
        for (const auto& [fg, own] : colours) {
            const QColor bg = own.isValid() ? own : background;
            const double ratio = Theme::contrastRatio(fg, bg);
            if (ratio < 4.5)
                failures << u"%1 \"%2\": %3 on %4 = %5:1"_s.arg(QString::fromLatin1(w->metaObject()->className()),
                                                               text.left(40), fg.name(), bg.name())
                                .arg(ratio, 0, 'f', 2);
        }
        // And what was drawn: a text whose best pixel is this faint was not painted in the colours above.
        const double ink = inkContrast(image, inWindow, background);
        if (ink < 4.5)
            failures << u"%1 \"%2\" drawn at %3:1 on %4"_s.arg(QString::fromLatin1(w->metaObject()->className()),
                                                              text.left(40))
                            .arg(ink, 0, 'f', 2)
                            .arg(background.name());
    }
    return failures;
}
} // namespace

void TestUiGlance::textContrastMeetsWcagAA_data()
{
    QTest::addColumn<bool>("dark");
    QTest::addColumn<bool>("warRoom");
    QTest::addRow("light") << false << false;
    QTest::addRow("dark") << true << false;
    QTest::addRow("war room light") << false << true;
    QTest::addRow("war room dark") << true << true;
}

void TestUiGlance::textContrastMeetsWcagAA()
{
    QFETCH(bool, dark);
    QFETCH(bool, warRoom);
    RunbookLibrary library;
    MainWindow window;
    QVERIFY(showFixture(window, library, QSize(1366, 768), dark, warRoom));
    const QImage image = window.grab().toImage().convertToFormat(QImage::Format_RGB32);

    int checked = 0;
    const QStringList failures = textContrastFailures(&window, image, &checked);
    qInfo("%d texts checked", checked);
    saveShot(&window, u"contrast-%1.png"_s.arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')));
    QVERIFY(checked > 20);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u"\n"_s)));
}

void TestUiGlance::listAndTimelineColoursMeetWcagAA_data()
{
    textContrastMeetsWcagAA_data();
}

void TestUiGlance::listAndTimelineColoursMeetWcagAA()
{
    // The views that paint their own text (the incident rows, the timeline's labels and legend) are not labels:
    // their colours are measured as painted, against what is under them.
    QFETCH(bool, dark);
    QFETCH(bool, warRoom);
    RunbookLibrary library;
    MainWindow window;
    QVERIFY(showFixture(window, library, QSize(1366, 768), dark, warRoom));
    QStringList failures;
    auto check = [&](const QString& what, const QColor& fg, const QColor& bg) {
        const double ratio = Theme::contrastRatio(fg, bg);
        if (ratio < 4.5)
            failures << u"%1: %2 on %3 = %4:1"_s.arg(what, fg.name(), bg.name()).arg(ratio, 0, 'f', 2);
    };

    // Incident rows: every colour the delegate writes in, on the tile it paints, and the tile is what is on screen.
    QListView* list = window.incidentView();
    const QImage rows = list->viewport()->grab().toImage().convertToFormat(QImage::Format_RGB32);
    const qreal dpr = rows.devicePixelRatio();
    const QColor panel = dominantColour(rows, QRect(QPoint(0, 0), rows.size()));
    for (int row = 0; row < window.incidentModel()->rowCount(); ++row) {
        const QModelIndex index = window.incidentModel()->index(row, IncidentListModel::RootCauseColumn);
        QStyleOptionViewItem option;
        option.initFrom(list->viewport());
        option.rect = list->visualRect(index);
        option.font = list->font();
        if (list->selectionModel()->isSelected(index))
            option.state |= QStyle::State_Selected;
        const IncidentListDelegate::Colours c = IncidentListDelegate::colours(option, index);
        const QString tag = u"row %1"_s.arg(row);
        check(tag + u" text"_s, c.ink, c.fill);
        check(tag + u" secondary"_s, c.muted, c.fill);
        check(tag + u" root cause"_s, c.root, c.fill);
        check(tag + u" state"_s, c.state, c.fill);
        const QRect tile(option.rect.topLeft() * dpr, option.rect.size() * dpr);
        const QColor painted = dominantColour(rows, tile.adjusted(12, 6, -8, -6));
        check(tag + u" text on the painted tile"_s, c.ink, painted);
        // In the dark scheme the tiles are dark too: no light card on the dark panel.
        if (dark && !(option.state & QStyle::State_Selected) && painted.lightness() > 100)
            failures << u"%1 painted light (%2) in the dark theme"_s.arg(tag, painted.name());
        const QRect conf = IncidentListDelegate::confidenceRect(option, index);
        if (!conf.isEmpty()) {
            const double ink = inkContrast(rows, QRect(conf.topLeft() * dpr, conf.size() * dpr), painted);
            if (ink < 4.5)
                failures << u"%1 confidence drawn at %2:1"_s.arg(tag).arg(ink, 0, 'f', 2);
        }
    }
    if (dark && panel.lightness() > 100)
        failures << u"the incident list is light (%1) in the dark theme"_s.arg(panel.name());

    // Timeline: row labels, axis labels and the legend, on the colours drawn under them.
    TimelineChartView* timeline = window.timelineView();
    const QImage chart = timeline->grab().toImage().convertToFormat(QImage::Format_RGB32);
    auto onScreen = [&](const QRectF& sceneRect) {
        const QRect r = timeline->mapFromScene(sceneRect).boundingRect();
        return QRect(r.topLeft() * chart.devicePixelRatio(), r.size() * chart.devicePixelRatio());
    };
    int labels = 0;
    for (QGraphicsItem* item : timeline->scene()->items()) {
        auto* text = dynamic_cast<QGraphicsSimpleTextItem*>(item);
        if (!text || !text->isVisible())
            continue;
        ++labels;
        const QRect r = onScreen(text->sceneBoundingRect());
        check(u"timeline row \"%1\""_s.arg(text->text()), text->brush().color(), dominantColour(chart, r));
    }
    QVERIFY(labels > 3);
    QLegend* legend = timeline->chart()->legend();
    const QRect legendRect = onScreen(timeline->chart()->mapToScene(legend->geometry()).boundingRect());
    const QColor legendBackground = dominantColour(chart, legendRect);
    check(u"timeline legend"_s, legend->labelColor(), legendBackground);
    const double legendInk = inkContrast(chart, legendRect, legendBackground);
    if (legendInk < 4.5)
        failures << u"timeline legend drawn at %1:1 on %2"_s.arg(legendInk, 0, 'f', 2).arg(legendBackground.name());
    const QRectF plot = timeline->chart()->plotArea();
    for (QAbstractAxis* axis : timeline->chart()->axes()) {
        if (!axis->labelsVisible())
            continue;
        const QRectF below(plot.left(), plot.bottom() + 2, plot.width(), QFontMetricsF(axis->labelsFont()).height());
        check(u"timeline axis labels"_s, axis->labelsColor(),
              dominantColour(chart, onScreen(timeline->chart()->mapToScene(below).boundingRect())));
    }
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u"\n"_s)));
}

void TestUiGlance::approveStaysInView_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("warRoom");
    QTest::addColumn<bool>("dark");
    QTest::addRow("1366x768") << QSize(1366, 768) << false << false;
    QTest::addRow("1920x1080") << QSize(1920, 1080) << false << false;
    QTest::addRow("1366x768 war room dark") << QSize(1366, 768) << true << true;
    QTest::addRow("1920x1080 war room dark") << QSize(1920, 1080) << true << true;
}

void TestUiGlance::approveStaysInView()
{
    QFETCH(QSize, size);
    QFETCH(bool, warRoom);
    QFETCH(bool, dark);
    RunbookLibrary library;
    MainWindow window;
    QVERIFY(showRunbook(window, library, size, dark, warRoom));

    saveShot(&window, u"runbook-%1.png"_s.arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')));
    RunbookStepCard* card = window.runbookPanel()->awaitingCard();
    QVERIFY(card);
    const QRect viewport(window.runbookPanel()->stepScroll()->viewport()->mapTo(&window, QPoint()),
                         window.runbookPanel()->stepScroll()->viewport()->size());
    auto whole = [&](QWidget* w) { return QRect(w->mapTo(&window, QPoint()), w->size()); };
    for (QWidget* w : QList<QWidget*>{card->approveButton(), card->findChild<QLabel*>(u"stepCommand"_s)}) {
        QVERIFY(w);
        const QRect r = whole(w);
        QVERIFY2(w->isVisible(), w->metaObject()->className());
        QVERIFY2(window.rect().contains(r), qPrintable(u"%1 at %2,%3 %4x%5 outside the window"_s
                                                           .arg(QString::fromLatin1(w->metaObject()->className()))
                                                           .arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height())));
        QVERIFY2(viewport.contains(r), qPrintable(u"%1 at y %2..%3, the scroller shows y %4..%5"_s
                                                      .arg(QString::fromLatin1(w->metaObject()->className()))
                                                      .arg(r.top()).arg(r.bottom()).arg(viewport.top())
                                                      .arg(viewport.bottom())));
    }
    QVERIFY(card->approveButton()->visibleRegion().boundingRect().size() == card->approveButton()->size());
    QVERIFY(!card->commandText().isEmpty());
    saveShot(window.bottomTabs(), u"runbook-panel-%1.png"_s.arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')));
}

void TestUiGlance::runbookPanelFollowsTheTheme_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("warRoom");
    QTest::addColumn<bool>("dark");
    for (const QSize size : {QSize(1366, 768), QSize(1920, 1080)})
        for (const bool warRoom : {false, true})
            for (const bool dark : {false, true})
                QTest::addRow("%dx%d%s %s", size.width(), size.height(), warRoom ? " war room" : "",
                              dark ? "dark" : "light")
                    << size << warRoom << dark;
}

namespace {
// Empty unless the scroller's top edge cuts w through its text: a widget cut at all, or a wrapped label cut
// elsewhere than between two of its lines, shows a sliver of letters nobody can read.
QString cutAtTop(QWidget* w, const QScrollArea* scroller)
{
    const int edge = scroller->viewport()->mapToGlobal(QPoint()).y();
    const int top = w->mapToGlobal(QPoint()).y();
    if (top >= edge || top + w->height() <= edge)
        return {};
    const QString name = u"%1 \"%2\""_s.arg(QString::fromLatin1(w->metaObject()->className()),
                                             w->property("text").toString().left(40));
    auto* label = qobject_cast<QLabel*>(w);
    if (!label || !label->wordWrap())
        return u"%1: %2 of its %3 px above the scroller's edge"_s.arg(name).arg(edge - top).arg(w->height());
    const int hidden = edge - top - label->contentsRect().top();
    const int line = label->fontMetrics().lineSpacing();
    const int intoLine = ((hidden % line) + line) % line;
    if (intoLine > 1 && intoLine < line - 1)
        return u"%1: cut %2 px into a %3 px line"_s.arg(name).arg(intoLine).arg(line);
    return {};
}
} // namespace

void TestUiGlance::runbookPanelFollowsTheTheme()
{
    // The runbook is the chrome's, as the card beside it: dark in the dark scheme, not a light sheet on a dark
    // window; its texts readable on what is painted under them; nothing cut into a sliver above the step in view.
    QFETCH(QSize, size);
    QFETCH(bool, warRoom);
    QFETCH(bool, dark);
    RunbookLibrary library;
    MainWindow window;
    QVERIFY(showRunbook(window, library, size, dark, warRoom));
    RunbookPanel* panel = window.runbookPanel();
    RunbookStepCard* card = panel->awaitingCard();
    QVERIFY(card);
    const QImage image = window.grab().toImage().convertToFormat(QImage::Format_RGB32);
    const qreal dpr = image.devicePixelRatio();
    auto onScreen = [&](const QWidget* w, QRect r) {
        r = r.isNull() ? w->rect() : r;
        return QRect(w->mapTo(&window, r.topLeft()) * dpr, r.size() * dpr);
    };

    // Backgrounds, as painted: the window's chrome, the panel's margins, the steps' canvas and the card.
    const QColor chrome = Theme::windowPalette().color(QPalette::Window);
    const QList<std::pair<QString, QColor>> grounds = {
        {u"the panel"_s, dominantColour(image, onScreen(panel, QRect(0, 0, panel->width(), 6)))},
        {u"the steps' canvas"_s, dominantColour(image, onScreen(panel->stepScroll()->viewport(), {}))},
        {u"the step card"_s, dominantColour(image, onScreen(card, {}))}};
    QStringList failures;
    for (const auto& [what, colour] : grounds) {
        // Within the chrome's family: the window and a panel on it differ by a shade (1.1:1), a light sheet on the
        // dark window by 15:1.
        const double apart = Theme::contrastRatio(colour, chrome);
        if (apart > 1.6)
            failures << u"%1 is %2 on the %3 window (%4:1)"_s.arg(what, colour.name(), chrome.name())
                            .arg(apart, 0, 'f', 2);
    }

    // Every text of the panel on the colour under it, and drawn in it.
    int checked = 0;
    failures += textContrastFailures(panel, image, &checked);
    QVERIFY(checked >= 8);

    // The scroller's top edge falls between rows (or between a text's lines), never through letters.
    for (QWidget* w : panel->stepScroll()->widget()->findChildren<QWidget*>())
        if (w->isVisible() && !card->isAncestorOf(w) &&
            (qobject_cast<QLabel*>(w) || qobject_cast<QLineEdit*>(w) || qobject_cast<QAbstractButton*>(w)))
            if (const QString cut = cutAtTop(w, panel->stepScroll()); !cut.isEmpty())
                failures << cut;
    saveShot(window.bottomTabs(),
             u"runbook-theme-%1.png"_s.arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')));
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u'\n')));
}

IncidentSnapshotPtr TestUiGlance::demoSnapshot()
{
    if (m_demo)
        return m_demo;
    ConsoleRuntime::Config config;
    config.databasePath = m_dir.filePath(u"demo-snapshot.sqlite"_s);
    QString error;
    auto graph = ServiceGraph::fromFile(u":/demo/blackfriday-graph.json"_s, &error);
    if (!graph)
        return nullptr;
    config.graph = std::make_shared<const ServiceGraph>(std::move(*graph));
    config.webhookEnabled = false;
    config.replayFile = u":/demo/blackfriday-feed.json"_s;
    config.replayFillWithinMs = 0; // as --screenshot replays it
    ConsoleRuntime runtime(config);
    IncidentSnapshotPtr last;
    connect(&runtime, &ConsoleRuntime::snapshotReady, this, [&last](const IncidentSnapshotPtr& s) { last = s; });
    QSignalSpy finished(&runtime, &ConsoleRuntime::replayFinished);
    runtime.start();
    if (!finished.wait(30'000) || !finished.constFirst().constFirst().toBool())
        return nullptr;
    QSignalSpy snapshots(&runtime, &ConsoleRuntime::snapshotReady);
    runtime.pipeline()->flush();
    if (!snapshots.wait(10'000))
        return nullptr;
    m_demo = last;
    return m_demo;
}

void TestUiGlance::demoApproveStaysInView_data()
{
    approveStaysInView_data(); // the same sizes and modes, and the war room's light theme too
    QTest::addRow("1366x768 war room light") << QSize(1366, 768) << true << false;
    QTest::addRow("1920x1080 war room light") << QSize(1920, 1080) << true << false;
}

namespace {
// Empty when the whole of w is on screen: inside the window and not clipped by any ancestor (a scroller's
// viewport, a splitter pane squeezed below its contents' minimum) nor covered by a sibling.
QString notWhollyShown(QWidget* w)
{
    const QString name = QString::fromLatin1(w->metaObject()->className()) + u" \""_s +
                         w->property("text").toString().left(30) + u'"';
    if (!w->isVisible())
        return name + u" is hidden"_s;
    QWidget* window = w->window();
    const QRect r(w->mapTo(window, QPoint()), w->size());
    if (!window->rect().contains(r))
        return u"%1 at %2,%3 %4x%5 is outside the %6x%7 window"_s.arg(name).arg(r.x()).arg(r.y()).arg(r.width())
            .arg(r.height()).arg(window->width()).arg(window->height());
    for (QWidget* p = w->parentWidget(); p && p != window; p = p->parentWidget()) {
        const QRect shown(p->mapTo(window, QPoint()), p->size());
        if (!shown.contains(r))
            return u"%1 at y %2..%3 is cut by %4 showing y %5..%6"_s.arg(name).arg(r.top()).arg(r.bottom())
                .arg(QString::fromLatin1(p->metaObject()->className())).arg(shown.top()).arg(shown.bottom());
    }
    if (w->visibleRegion() != QRegion(w->rect()))
        return name + u" is partly covered"_s;
    return {};
}
} // namespace

void TestUiGlance::demoApproveStaysInView()
{
    QFETCH(QSize, size);
    QFETCH(bool, warRoom);
    QFETCH(bool, dark);
    const IncidentSnapshotPtr demo = demoSnapshot();
    QVERIFY(demo);
    RunbookLibrary library;
    MainWindow window;
    QVERIFY(showSnapshot(window, library, demo, size, dark, warRoom));
    window.bottomTabs()->setCurrentIndex(1); // F11 shows the runbook itself; at a desk it is `r`
    QCOMPARE(window.size(), size);

    // The demo's cascade is order-service's connection pool: its runbook is the longer one, with parameters.
    RunbookPanel* panel = window.runbookPanel();
    QCOMPARE(panel->currentRunbookId(), u"RB-DB-001"_s);
    RunbookStepCard* card = panel->awaitingCard();
    QVERIFY(card);
    QLabel* command = card->findChild<QLabel*>(u"stepCommand"_s);
    QVERIFY(command);
    QList<QWidget*> shown{card, command, card->approveButton()};
    // The demo's alerts carry no `container` label: every step waits for that parameter, and the line saying so
    // is in view with the step (the form itself may scroll away above it).
    if (!panel->stepModel()->canApprove(0)) {
        QLabel* why = nullptr;
        for (QLabel* l : panel->findChildren<QLabel*>())
            if (l->isVisible() && l->text().startsWith(u"No step can run"_s))
                why = l;
        QVERIFY2(why, "nothing says why the step cannot be approved");
        QVERIFY(why->text().contains(u"container"_s));
        shown << why;
    }
    // The splitters settle over a few event-loop rounds (deferred scrolling, then the window's splitter).
    for (QWidget* w : std::as_const(shown))
        QTRY_COMPARE_WITH_TIMEOUT(notWhollyShown(w), QString(), 2000);
    saveShot(&window, u"demo-runbook-%1.png"_s.arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')));

    // Once a step has printed something the output pane appears below the steps: still in view, all of it.
    panel->outputPane()->appendNote(u"$ kubectl get deployment order-service\nDB_POOL_MAX=20"_s);
    shown << panel->outputPane();
    for (QWidget* w : std::as_const(shown))
        QTRY_COMPARE_WITH_TIMEOUT(notWhollyShown(w), QString(), 2000);
    saveShot(&window, u"demo-runbook-output-%1.png"_s.arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')));
}

void TestUiGlance::warRoomCardTextFits_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("dark");
    QTest::addRow("1366x768 dark") << QSize(1366, 768) << true;
    QTest::addRow("1366x768 light") << QSize(1366, 768) << false;
    QTest::addRow("1920x1080 dark") << QSize(1920, 1080) << true;
    QTest::addRow("1920x1080 light") << QSize(1920, 1080) << false;
}

void TestUiGlance::warRoomCardTextFits()
{
    QFETCH(QSize, size);
    QFETCH(bool, dark);
    RunbookLibrary library;
    MainWindow window;
    QVERIFY(showFixture(window, library, size, dark, true));
    saveShot(&window, u"warroom-%1.png"_s.arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')));

    IncidentSummaryCard* card = window.summaryCard();
    auto fits = [](QWidget* w, const QString& text) {
        QFont font = w->font();
        return QFontMetrics(font).horizontalAdvance(text) <= w->contentsRect().width();
    };
    QPushButton* ack = card->acknowledgeButton();
    QVERIFY2(ack->sizeHint().width() <= ack->width(),
             qPrintable(u"Acknowledge needs %1 px, has %2"_s.arg(ack->sizeHint().width()).arg(ack->width())));
    QVERIFY(ack->visibleRegion().boundingRect().size() == ack->size());
    QLabel* root = nullptr;
    QLabel* percent = nullptr;
    for (QLabel* l : card->findChildren<QLabel*>()) {
        if (l->text() == card->rootCauseText())
            root = l;
        if (l->text() == card->confidenceText())
            percent = l;
    }
    QVERIFY(root && percent);
    QVERIFY2(fits(root, root->text()), qPrintable(u"\"%1\" needs %2 px at %3 pt, has %4"_s.arg(root->text())
                                                      .arg(QFontMetrics(root->font()).horizontalAdvance(root->text()))
                                                      .arg(root->font().pointSizeF())
                                                      .arg(root->contentsRect().width())));
    QVERIFY(fits(percent, percent->text()));
    QVERIFY2(QFontInfo(root->font()).pixelSize() >= QFontInfo(card->font()).pixelSize(),
             "the root cause is never smaller than the card's body text");
    // No two visible labels of the card share pixels (the name and its percentage, the badges and the button).
    QList<QWidget*> shown;
    for (QWidget* w : card->findChildren<QWidget*>())
        if (w->isVisible() && (qobject_cast<QLabel*>(w) || qobject_cast<QPushButton*>(w)))
            shown << w;
    for (qsizetype i = 0; i < shown.size(); ++i)
        for (qsizetype j = i + 1; j < shown.size(); ++j) {
            if (shown[i]->isAncestorOf(shown[j]) || shown[j]->isAncestorOf(shown[i]))
                continue;
            const QRect a(shown[i]->mapTo(card, QPoint()), shown[i]->size());
            const QRect b(shown[j]->mapTo(card, QPoint()), shown[j]->size());
            QVERIFY2(!a.intersects(b), qPrintable(u"\"%1\" overlaps \"%2\""_s
                                                      .arg(shown[i]->property("text").toString().left(30),
                                                           shown[j]->property("text").toString().left(30))));
        }
}

void TestUiGlance::demoListRowsFit_data()
{
    warRoomCardTextFits_data();
    QTest::addRow("1366x768 at a desk") << QSize(1366, 768) << false;
}

void TestUiGlance::demoListRowsFit()
{
    QFETCH(QSize, size);
    QFETCH(bool, dark);
    const bool warRoom = !QByteArray(QTest::currentDataTag()).contains("desk");
    const IncidentSnapshotPtr demo = demoSnapshot();
    QVERIFY(demo);
    RunbookLibrary library;
    MainWindow window;
    QVERIFY(showSnapshot(window, library, demo, size, dark, warRoom));

    // Every row shows its severity and state, "root cause NN %" and the first alert's time whole (war-room type
    // cut "CRITICAL · Triggered" to "CRITICAL …" and the label to "98 %"), inside the row, none over another.
    QListView* list = window.incidentView();
    QVERIFY(window.incidentModel()->rowCount() >= 2);
    for (int row = 0; row < window.incidentModel()->rowCount(); ++row) {
        const QModelIndex index = window.incidentModel()->index(row, IncidentListModel::RootCauseColumn);
        if (index.data(IncidentListModel::IsNoiseGroupRole).toBool())
            continue;
        QStyleOptionViewItem option;
        option.initFrom(list->viewport());
        option.rect = list->visualRect(index);
        option.font = list->font();
        QTRY_VERIFY(list->visualRect(index).height() >= list->itemDelegate()->sizeHint(option, index).height());
        option.rect = list->visualRect(index);
        const QList<IncidentListDelegate::ShownText> texts = IncidentListDelegate::shownTexts(option, index);
        QStringList shown;
        for (const auto& t : texts) {
            shown << t.text;
            const int need = QFontMetrics(t.font).horizontalAdvance(t.text);
            QVERIFY2(need <= t.rect.width() + 1, qPrintable(u"row %1: \"%2\" needs %3 px, has %4"_s.arg(row).arg(t.text)
                                                                .arg(need).arg(t.rect.width())));
            QVERIFY2(option.rect.contains(t.rect), qPrintable(u"row %1: \"%2\" outside its row"_s.arg(row).arg(t.text)));
            for (const auto& other : texts)
                QVERIFY2(&other == &t || !other.rect.intersects(t.rect),
                         qPrintable(u"row %1: \"%2\" over \"%3\""_s.arg(row).arg(t.text, other.text)));
        }
        // Severity and state on one line, or the state whole on the line below its severity.
        const QString severity = index.data(IncidentListModel::SeverityRole).toString().toUpper();
        const QString state = index.data(IncidentListModel::StateTextRole).toString();
        QVERIFY2(shown.at(1).startsWith(severity + u" · "_s + state) ||
                     (shown.at(1) == severity && shown.size() > 3 && shown.at(3).startsWith(state)),
                 qPrintable(shown.join(u" | "_s)));
        QVERIFY2(shown.contains(IncidentListDelegate::confidenceText(index)), qPrintable(shown.join(u" | "_s)));
    }
    saveShot(list, u"demo-list-%1.png"_s.arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')));
}

QTEST_MAIN(TestUiGlance)
#include "tst_ui_glance.moc"
