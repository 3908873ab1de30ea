// MetricChartsView with a synthetic worst case: 20 series × 2,000 points. The chart must hold decimated lines
// (at most two points per pixel column), the alert onsets and the change as markers, follow a cursor set from
// outside without echoing it, report the user's cursor, narrow to one service and back, and on an error result
// show the degraded overlay while the series already shown stay. Saves a grab() for a look.

#include "chartstyle.h"
#include "metricchartsview.h"
#include "theme.h"
#include "uipixels.h"

#include "model/incident.h"

#include <QAbstractAxis>
#include <QCoreApplication>
#include <QLegend>
#include <QLineSeries>
#include <QElapsedTimer>
#include <QLabel>
#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

const QDateTime kStart(QDate(2026, 11, 27), QTime(23, 0), Qt::UTC);
constexpr int kPoints = 2000;
constexpr int kStepSeconds = 5;
const QStringList kServices{u"order-service"_s,    u"postgres-main"_s,     u"payment-service"_s,
                            u"checkout-service"_s, u"inventory-service"_s, u"notification-service"_s,
                            u"api-gateway"_s};

QDateTime onsetOf(int serviceIndex)
{
    return kStart.addSecs(kPoints * kStepSeconds / 2 + 40 * serviceIndex);
}

Incident incident()
{
    Incident i;
    i.key = u"storm"_s;
    for (int s = 0; s < kServices.size(); ++s) {
        if (kServices.at(s) == u"postgres-main"_s)
            continue; // a silent root: no alert, no onset marker
        TrackedAlert a;
        a.latest.labels = {{u"alertname"_s, u"ServiceErrorRateHigh"_s},
                           {u"service"_s, kServices.at(s)},
                           {u"severity"_s, s == 0 ? u"critical"_s : u"warning"_s}};
        a.latest.fingerprint = Alert::fingerprintOf(a.latest.labels);
        a.firstStartsAt = a.latest.startsAt = onsetOf(s);
        i.alerts.append(a);
        i.affectedServices.append(kServices.at(s));
    }
    i.firstAlertAt = onsetOf(0);
    i.lastAlertAt = onsetOf(int(kServices.size()) - 1);
    return i;
}

// 20 series: 3 per service (saturation, errors, latency) until the budget is spent; each noisy, stepping up at
// its service's onset, with one spike the decimation must keep.
IncidentMetricsResult result()
{
    IncidentMetricsResult r;
    r.jobId = 1;
    r.incidentKey = u"storm"_s;
    r.start = kStart;
    r.end = kStart.addSecs((kPoints - 1) * kStepSeconds);
    r.stepSeconds = kStepSeconds;
    r.lastSuccessAt = r.end;
    quint32 state = 1;
    const auto noise = [&state] {
        state = state * 1664525u + 1013904223u;
        return double(state >> 8) / double(1u << 23) - 1.0;
    };
    const struct
    {
        const char* id;
        const char* noun;
        IncidentMetricsResult::Kind kind;
        double base, high;
    } kinds[] = {{"saturation", "connections", IncidentMetricsResult::Kind::Saturation, 40, 200},
                 {"error_ratio", "errors", IncidentMetricsResult::Kind::Errors, 0.002, 0.3},
                 {"latency_p99", "p99 latency", IncidentMetricsResult::Kind::Latency, 0.2, 8}};
    for (int s = 0; r.series.size() < 20; s = (s + 1) % int(kServices.size())) {
        for (const auto& k : kinds) {
            const QString id = QString::fromLatin1(k.id);
            const bool known = std::any_of(r.series.cbegin(), r.series.cend(), [&](const auto& x) {
                return x.service == kServices.at(s) && x.templateId == id;
            });
            if (known || r.series.size() >= 20)
                continue;
            IncidentMetricsResult::Series series;
            series.service = kServices.at(s);
            series.templateId = id;
            series.noun = QString::fromLatin1(k.noun);
            series.kind = k.kind;
            const qint64 onset = onsetOf(s).toMSecsSinceEpoch() - 60'000;
            for (int i = 0; i < kPoints; ++i) {
                const qint64 t = kStart.toMSecsSinceEpoch() + qint64(i) * kStepSeconds * 1000;
                double v = (t >= onset ? k.high : k.base) * (1.0 + 0.05 * noise());
                if (i == 333)
                    v = k.high * 1.5; // a spike
                series.points.append({t, v});
            }
            r.series.append(series);
        }
    }
    r.evidence.append({u"order-service"_s, u"connections"_s, {}, {}, 0.9});
    return r;
}

QVector<ChangeEvent> changes()
{
    return {{u"order-service"_s, u"deploy"_s, onsetOf(0).addSecs(-14 * 60), u"order-service v3.2.2"_s, {}},
            {u"search-service"_s, u"deploy"_s, kStart.addDays(-1), u"outside the window"_s, {}}};
}

// The chart lays itself out from the event loop (a posted layout request); grab() alone would paint the layout
// of before the last change.
QPixmap settledGrab(QWidget* w)
{
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    return w->grab();
}

} // namespace

class TestUiMetricChartsView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void holdsDecimatedSeriesAndMarkers();
    void cursorSyncsBothWays();
    void showServiceNarrowsAndShowAllRestores();
    void degradedOverlayKeepsSeries();
    void outdatedResultIsIgnored();
    void followsTheScheme_data();
    void followsTheScheme();
    void saveScreenshot();

private:
    MetricChartsView* m_view = nullptr;
};

void TestUiMetricChartsView::initTestCase()
{
    m_view = new MetricChartsView;
    m_view->resize(900, 520);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
    QElapsedTimer timer;
    timer.start();
    m_view->setIncident(incident(), changes());
    m_view->showResult(result());
    settledGrab(m_view); // a full paint of all 20 lines
    qInfo("20 x %d points: set, decimated and painted in %lld ms", kPoints, timer.elapsed());
    QVERIFY2(timer.elapsed() < 3000, "must stay interactive");
}

void TestUiMetricChartsView::holdsDecimatedSeriesAndMarkers()
{
    QCOMPARE(m_view->seriesCount(), 20);
    QTRY_VERIFY(m_view->plotColumns() > 100);
    const int columns = m_view->plotColumns();
    const QVector<int> counts = m_view->displayedPointCounts();
    QCOMPARE(counts.size(), 20);
    for (const int n : counts) {
        QVERIFY2(n <= 2 * columns + 2, qPrintable(u"%1 points for %2 columns"_s.arg(n).arg(columns)));
        QVERIFY(n < kPoints); // thinned, the full 2,000 are kept for analysis only
        QVERIFY(n > columns / 2);
    }
    // Resizing re-decimates for the new width.
    m_view->resize(500, 400);
    QTRY_VERIFY(m_view->plotColumns() < columns);
    for (const int n : m_view->displayedPointCounts())
        QVERIFY(n <= 2 * m_view->plotColumns() + 2);
    m_view->resize(900, 520);
    QTRY_VERIFY(m_view->plotColumns() > 400);
    for (const int n : m_view->displayedPointCounts())
        QVERIFY(n <= 2 * m_view->plotColumns() + 2);

    QCOMPARE(m_view->onsetMarkerCount(), int(kServices.size()) - 1); // postgres-main is silent
    QCOMPARE(m_view->changeMarkerCount(), 1);                        // the other change is a day earlier
    QCOMPARE(m_view->shownServices().size(), kServices.size());
    QVERIFY(!m_view->isDegraded());
    QVERIFY(m_view->degradedText().isEmpty());

    // Hover text: the full-resolution values at that instant, and the marker under the cursor.
    const QString text = m_view->toolTipTextAt(onsetOf(0));
    QVERIFY2(text.contains(u"order-service connections: "_s), qPrintable(text));
    QVERIFY2(text.contains(u"ServiceErrorRateHigh began (critical)"_s), qPrintable(text));
}

void TestUiMetricChartsView::cursorSyncsBothWays()
{
    QSignalSpy moved(m_view, &MetricChartsView::cursorMoved);
    const QDateTime t = onsetOf(2);
    m_view->setCursorTime(t);
    QCOMPARE(m_view->cursorTime(), t);
    QCOMPARE(moved.size(), 0); // set from outside: no echo back to the timeline

    // A click in the middle of the plot moves the cursor there and tells the others.
    const QRectF plot = m_view->chart()->plotArea();
    const QPoint inView = m_view->mapFromScene(m_view->chart()->mapToScene(plot.center()));
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, inView);
    QCOMPARE(moved.size(), 1);
    const QDateTime at = moved.first().first().toDateTime();
    const qint64 middle = (result().start.toMSecsSinceEpoch() + result().end.toMSecsSinceEpoch()) / 2;
    QVERIFY2(std::llabs(at.toMSecsSinceEpoch() - middle) < 60'000, qPrintable(at.toString(Qt::ISODate)));
    QCOMPARE(m_view->cursorTime(), at);
}

void TestUiMetricChartsView::showServiceNarrowsAndShowAllRestores()
{
    QVERIFY(m_view->hasService(u"payment-service"_s));
    m_view->showService(u"payment-service"_s);
    QCOMPARE(m_view->focusService(), u"payment-service"_s);
    QCOMPARE(m_view->shownServices(), QStringList{u"payment-service"_s});
    QCOMPARE(m_view->seriesCount(), 3);
    m_view->showService(u"no-such-service"_s);
    QCOMPARE(m_view->seriesCount(), 0);
    QVERIFY(m_view->chart()->title().contains(u"no-such-service"_s));
    m_view->showAll();
    QCOMPARE(m_view->seriesCount(), 20);
}

void TestUiMetricChartsView::degradedOverlayKeepsSeries()
{
    IncidentMetricsResult failed;
    failed.jobId = 2;
    failed.incidentKey = u"storm"_s;
    failed.start = result().start;
    failed.end = result().end;
    failed.stepSeconds = kStepSeconds;
    failed.error = u"Connection refused"_s;
    failed.lastSuccessAt = QDateTime(QDate(2026, 11, 27), QTime(23, 58, 7), Qt::UTC);
    m_view->showResult(failed);
    QVERIFY(m_view->isDegraded());
    const QString expected = u"Prometheus unreachable: Connection refused (last success %1)"_s.arg(
        failed.lastSuccessAt.toLocalTime().toString(u"HH:mm:ss"_s));
    QCOMPARE(m_view->degradedText(), expected);
    QCOMPARE(m_view->seriesCount(), 20); // what was shown stays
    const auto overlays = m_view->findChildren<QLabel*>();
    QVERIFY(std::any_of(overlays.cbegin(), overlays.cend(),
                        [&](const QLabel* l) { return l->isVisible() && l->text() == expected; }));
    settledGrab(m_view).save(QCoreApplication::applicationDirPath() + u"/metricchartsview-degraded.png"_s);

    m_view->showResult(result()); // recovered: the overlay goes
    QVERIFY(!m_view->isDegraded());
    QVERIFY(m_view->degradedText().isEmpty());
}

void TestUiMetricChartsView::outdatedResultIsIgnored()
{
    IncidentMetricsResult other = result();
    other.incidentKey = u"another-incident"_s;
    other.series.resize(2);
    m_view->showResult(other);
    QCOMPARE(m_view->seriesCount(), 20);

    // Selecting another incident drops the previous one's series at once.
    Incident next = incident();
    next.key = u"next"_s;
    MetricChartsView fresh;
    fresh.setIncident(incident(), {});
    fresh.showResult(result());
    QCOMPARE(fresh.seriesCount(), 20);
    fresh.setIncident(next, {});
    QCOMPARE(fresh.seriesCount(), 0);
}

void TestUiMetricChartsView::followsTheScheme_data()
{
    QTest::addColumn<bool>("dark");
    QTest::addColumn<bool>("warRoom");
    for (const bool warRoom : {false, true})
        for (const bool dark : {false, true})
            QTest::addRow("%s%s", warRoom ? "war room " : "", dark ? "dark" : "light") << dark << warRoom;
}

void TestUiMetricChartsView::followsTheScheme()
{
    // Built in the light scheme, then switched as the window switches it: the chart sits on the chrome's panel, so its
    // canvas is the panel's, its axis labels and legend readable on it, and its lines visible on it.
    QFETCH(bool, dark);
    QFETCH(bool, warRoom);
    MetricChartsView view;
    view.resize(760, 380);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setIncident(incident(), changes());
    view.showResult(result());
    Theme::setScheme(dark ? Theme::Scheme::Dark : Theme::Scheme::Light);
    Theme::setHighContrast(warRoom);
    view.applyTheme();
    const QImage image = settledGrab(&view).toImage().convertToFormat(QImage::Format_RGB32);
    const qreal dpr = image.devicePixelRatio();
    auto onScreen = [&](const QRectF& inChart) {
        const QRect r = view.mapFromScene(view.chart()->mapToScene(inChart)).boundingRect();
        return QRect(r.topLeft() * dpr, r.size() * dpr);
    };
    QStringList failures;
    const QColor panel = Theme::panelBackground();
    const QColor canvas = dominantColour(image, image.rect());
    if (Theme::contrastRatio(canvas, panel) > 1.1)
        failures << u"the chart is painted %1 on the %2 panel"_s.arg(canvas.name(), panel.name());
    const QRectF plot = view.chart()->plotArea();
    const QColor plotGround = dominantColour(image, onScreen(plot));
    if (Theme::contrastRatio(plotGround, panel) > 1.1)
        failures << u"the plot is painted %1 on the %2 panel"_s.arg(plotGround.name(), panel.name());

    // Axis labels: their colour and their ink, beside and below the plot.
    for (QAbstractAxis* axis : view.chart()->axes()) {
        const qreal h = QFontMetricsF(axis->labelsFont()).height();
        const QRectF strip = axis->orientation() == Qt::Horizontal
                                 ? QRectF(plot.left(), plot.bottom() + 2, plot.width(), h)
                                 : QRectF(plot.left() - 90, plot.top(), 88, plot.height());
        const QRect r = onScreen(strip);
        const QColor ground = dominantColour(image, r);
        const double colour = Theme::contrastRatio(axis->labelsColor(), ground);
        const double ink = inkContrast(image, r, ground);
        if (colour < 4.5 || ink < 4.5)
            failures << u"%1 axis labels %2 on %3: %4:1, drawn at %5:1"_s
                            .arg(axis->orientation() == Qt::Horizontal ? u"time"_s : u"lane"_s, axis->labelsColor().name(),
                                 ground.name())
                            .arg(colour, 0, 'f', 2)
                            .arg(ink, 0, 'f', 2);
    }
    // The legend names the services: readable on what it is drawn on.
    const QRect legend = onScreen(view.chart()->legend()->geometry());
    const QColor legendGround = dominantColour(image, legend);
    if (const double ratio = Theme::contrastRatio(view.chart()->legend()->labelColor(), legendGround); ratio < 4.5)
        failures << u"legend %1 on %2 = %3:1"_s.arg(view.chart()->legend()->labelColor().name(), legendGround.name())
                        .arg(ratio, 0, 'f', 2);
    // Every line and marker stands out from the canvas (3:1 for graphics, WCAG 1.4.11).
    for (QAbstractSeries* series : view.chart()->series())
        if (auto* line = qobject_cast<QLineSeries*>(series))
            if (const double ratio = Theme::contrastRatio(line->pen().color(), panel); ratio < 3.0)
                failures << u"line \"%1\" %2 on %3 = %4:1"_s.arg(line->name(), line->pen().color().name(), panel.name())
                                .arg(ratio, 0, 'f', 2);
    settledGrab(&view).save(QCoreApplication::applicationDirPath() + u"/metricchartsview-%1.png"_s.arg(
                                QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')));
    Theme::setScheme(Theme::Scheme::Light);
    Theme::setHighContrast(false);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u'\n')));
}

void TestUiMetricChartsView::saveScreenshot()
{
    m_view->setCursorTime(onsetOf(1));
    const QString path = QCoreApplication::applicationDirPath() + u"/metricchartsview.png"_s;
    QVERIFY(settledGrab(m_view).save(path));
    qInfo("screenshot: %s", qPrintable(path));
    delete m_view;
}

QTEST_MAIN(TestUiMetricChartsView)
#include "tst_ui_metricchartsview.moc"
