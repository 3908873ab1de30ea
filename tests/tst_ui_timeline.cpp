// The onset timeline: markers on their own service's row, row labels that stay readable with many services, and
// an axis fitted to the incident rather than to the oldest deploy in sight.

#include "theme.h"
#include "timelinechartview.h"
#include "tst_ui_fixture.h"

#include <QChart>
#include <QDateTimeAxis>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QScatterSeries>
#include <QScopeGuard>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
QScatterSeries* seriesNamed(TimelineChartView& view, const QString& name)
{
    for (QAbstractSeries* s : view.chart()->series())
        if (s->name() == name)
            return qobject_cast<QScatterSeries*>(s);
    return nullptr;
}

ChangeEvent change(const QString& service, const QDateTime& at)
{
    ChangeEvent c;
    c.service = service;
    c.kind = u"deploy"_s;
    c.at = at;
    c.description = service + u" v2"_s;
    return c;
}

// The y-axis labels as drawn: the text items left of the plot area.
QStringList drawnRowLabels(TimelineChartView& view)
{
    QStringList out;
    const QRectF plot = view.chart()->plotArea();
    for (QGraphicsItem* item : view.scene()->items()) {
        if (!item->isVisible())
            continue;
        QString content;
        if (auto* text = dynamic_cast<QGraphicsTextItem*>(item))
            content = text->toPlainText();
        else if (auto* simple = dynamic_cast<QGraphicsSimpleTextItem*>(item))
            content = simple->text();
        else
            continue;
        const QRectF r = item->sceneBoundingRect();
        if (r.right() <= plot.left() + 1 && r.center().y() >= plot.top() - 4 && r.center().y() <= plot.bottom() + 4)
            out << content;
    }
    return out;
}
} // namespace

class TestUiTimeline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void changesLandOnTheirOwnRow();
    void manyRowsStayReadable_data();
    void manyRowsStayReadable();
    void axisFitsTheIncident();
    void axisLabelsFitAcrossMidnight_data();
    void axisLabelsFitAcrossMidnight();
    void growingIncidentRedrawsOnlyWhatMoved_data();
    void growingIncidentRedrawsOnlyWhatMoved();
};

void TestUiTimeline::changesLandOnTheirOwnRow()
{
    TimelineChartView view;
    view.resize(500, 400);
    view.show();
    const auto snapshot = fixture::blackFridaySnapshot();
    const Incident& incident = snapshot->incidents.first();
    const QVector<ChangeEvent> changes{change(u"order-service"_s, fixture::at(13, 58)),
                                       change(u"billing"_s, fixture::at(14, 2))};
    view.showIncident(incident, changes);
    QCOMPARE(view.changeCount(), 2);
    QCOMPARE(view.services().last(), TimelineChartView::otherServicesRow());
    QScatterSeries* markers = seriesNamed(view, u"change"_s);
    QVERIFY(markers);
    const int rows = int(view.services().size());
    const auto rowValue = [&](const QString& service) { return double(rows - 1 - view.services().indexOf(service)); };
    QSet<double> ys;
    for (const QPointF& p : markers->points())
        ys.insert(p.y());
    QCOMPARE(ys, (QSet<double>{rowValue(u"order-service"_s), 0.0}));
    QVERIFY(!ys.contains(rowValue(view.highlightedService()))); // never on the root cause's row

    // Only the incident's services: no extra row.
    view.showIncident(incident, {changes.first()});
    QVERIFY(!view.services().contains(TimelineChartView::otherServicesRow()));
}

void TestUiTimeline::manyRowsStayReadable_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addRow("list-side pane") << QSize(330, 420);
    QTest::addRow("1366x768 window") << QSize(300, 380);
}

void TestUiTimeline::manyRowsStayReadable()
{
    QFETCH(QSize, size);
    Incident incident = fixture::blackFridayIncident();
    incident.alerts.clear();
    for (int i = 0; i < 17; ++i)
        incident.alerts.append(fixture::alert(u"HighErrorRate"_s, u"payment-gateway-eu-west-%1"_s.arg(i + 1),
                                              u"warning"_s, fixture::at(14, 1 + i / 4, (i * 13) % 60), 1));
    incident.rootCauses.first().service = u"payment-gateway-eu-west-1"_s;
    TimelineChartView view;
    view.resize(size);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.showIncident(incident, {});
    QCOMPARE(view.services().size(), 17);
    QTest::qWait(0);

    const QStringList labels = drawnRowLabels(view);
    QVERIFY2(labels.size() >= 17, qPrintable(labels.join(u" | "_s)));
    int rowLabels = 0;
    for (const QString& label : labels) {
        if (label.isEmpty())
            continue; // Qt's own category labels, switched off
        ++rowLabels;
        QVERIFY2(label.size() >= 8 && !label.startsWith(u"…"_s) && !label.startsWith(u"..."_s),
                 qPrintable(label)); // not a bare ellipsis
        QVERIFY2(label.endsWith(u"-"_s) || label.back().isDigit(), qPrintable(label)); // elided in the middle
    }
    QVERIFY2(rowLabels == 17, qPrintable(labels.join(u" | "_s)));
    // Every label maps back to its service; hovering its row names it whole.
    QCOMPARE(view.rowLabels().size(), 17);
    const QRectF plot = view.chart()->plotArea();
    const int rows = 17;
    for (int row = 0; row < rows; ++row) {
        const qreal y = plot.top() + (row + 0.5) * plot.height() / rows;
        QCOMPARE(view.serviceAt(QPointF(plot.left() - 20, y)), view.services().at(row));
    }
}

void TestUiTimeline::axisFitsTheIncident()
{
    // Onsets over six minutes, a deploy 28 minutes before the first: the onsets fill most of the axis, the
    // deploy stands at its left edge.
    Incident incident = fixture::blackFridayIncident();
    TimelineChartView view;
    view.resize(500, 400);
    view.show();
    view.showIncident(incident, {change(u"order-service"_s, fixture::at(13, 33))});
    QCOMPARE(view.changeCount(), 1);
    auto* axis = qobject_cast<QDateTimeAxis*>(view.chart()->axes(Qt::Horizontal).value(0));
    QVERIFY(axis);
    const double axisSpan = double(axis->min().msecsTo(axis->max()));
    const double onsetSpan = double(fixture::at(14, 1, 5).msecsTo(fixture::at(14, 4, 30)));
    QVERIFY2(onsetSpan / axisSpan >= 0.5, qPrintable(u"onsets fill %1 % of the axis"_s.arg(100 * onsetSpan / axisSpan)));
    QVERIFY(axis->min() > fixture::at(13, 50));
    QScatterSeries* markers = seriesNamed(view, u"change"_s);
    QVERIFY(markers && markers->count() == 1);
    QVERIFY(markers->at(0).x() >= double(axis->min().toMSecsSinceEpoch()));
}

void TestUiTimeline::axisLabelsFitAcrossMidnight_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<double>("fontScale");
    QTest::addRow("1366x768 window") << QSize(300, 380) << 1.0;
    QTest::addRow("1366x768 war room") << QSize(330, 300) << Theme::WarRoomFontScale;
    QTest::addRow("wide, war room") << QSize(900, 400) << Theme::WarRoomFontScale;
}

// An incident whose onsets straddle midnight: its axis labels carry dates where they fit, and wherever they are
// shown they fit the plot side by side (two dated labels drawn over each other in the war room's pane were unreadable).
void TestUiTimeline::axisLabelsFitAcrossMidnight()
{
    QFETCH(QSize, size);
    QFETCH(double, fontScale);
    Theme::setFontScale(fontScale);
    const auto restoreScale = qScopeGuard([] { Theme::setFontScale(1.0); });
    Incident incident = fixture::blackFridayIncident();
    incident.alerts.clear();
    const QDateTime beforeMidnight(QDate(2026, 11, 27), QTime(23, 57), Qt::UTC);
    const QStringList services{u"order-service"_s, u"payment-service"_s, u"checkout-service"_s, u"api-gateway"_s};
    for (int i = 0; i < services.size(); ++i)
        incident.alerts.append(
            fixture::alert(u"HighErrorRate"_s, services.at(i), u"critical"_s, beforeMidnight.addSecs(i * 100), 1));
    incident.rootCauses.first().service = u"order-service"_s;
    TimelineChartView view;
    view.resize(size);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.showIncident(incident, {});
    QTest::qWait(0);

    const auto* axis = qobject_cast<QDateTimeAxis*>(view.chart()->axes(Qt::Horizontal).value(0));
    QVERIFY(axis);
    QVERIFY(axis->min().date() != axis->max().date());
    const QFontMetrics fm(axis->labelsFont());
    const int widest = qMax(fm.horizontalAdvance(axis->min().toString(axis->format())),
                            fm.horizontalAdvance(axis->max().toString(axis->format())));
    const qreal plot = view.chart()->plotArea().width();
    QVERIFY2(widest * axis->tickCount() <= plot,
             qPrintable(u"%1 labels \"%2\" of %3 px on a %4 px axis"_s.arg(axis->tickCount()).arg(axis->format())
                            .arg(widest).arg(plot)));
    if (size.width() >= 900)
        QVERIFY2(axis->format().contains(u"MMM"_s), qPrintable(axis->format())); // room enough: the dates stay
}

// A storm's snapshots mostly add onsets to the rows shown: the markers are updated in the series drawn (the chart, its
// axes, legend and row labels are not built again); a new row builds the chart again. Either way the chart shows what
// a view drawing the grown incident afresh shows.
void TestUiTimeline::growingIncidentRedrawsOnlyWhatMoved_data()
{
    QTest::addColumn<bool>("newService");
    QTest::addColumn<bool>("inPlace");
    QTest::addRow("onsets on the rows shown") << false << true;
    QTest::addRow("a service of its own") << true << false;
}

void TestUiTimeline::growingIncidentRedrawsOnlyWhatMoved()
{
    QFETCH(bool, newService);
    QFETCH(bool, inPlace);
    const Incident before = fixture::blackFridayIncident();
    Incident after = before;
    const QString shown = before.alerts.first().latest.labels.value(u"service"_s);
    for (int i = 0; i < 3; ++i)
        after.alerts.append(fixture::alert(u"GrowingAlert%1"_s.arg(i), newService ? u"ledger"_s : shown,
                                           i == 0 ? u"critical"_s : u"warning"_s, fixture::at(14, 2 + i, 40), 1));
    TimelineChartView view, fresh;
    for (TimelineChartView* v : {&view, &fresh}) {
        v->resize(600, 400);
        v->show();
    }
    view.showIncident(before, {});
    const QList<QAbstractSeries*> seriesBefore = view.chart()->series();
    const int onsetsBefore = view.onsetCount();
    view.showIncident(after, {});
    fresh.showIncident(after, {});
    QCOMPARE(view.chart()->series() == seriesBefore, inPlace);
    QVERIFY(view.onsetCount() > onsetsBefore);
    QCOMPARE(view.onsetCount(), fresh.onsetCount());
    QCOMPARE(view.services(), fresh.services());
    for (const QString& name : {u"critical"_s, u"warning"_s, u"other"_s, u"root"_s}) {
        QScatterSeries *drawn = seriesNamed(view, name), *expected = seriesNamed(fresh, name);
        QVERIFY(drawn && expected);
        QCOMPARE(drawn->points(), expected->points());
    }
    const auto* axis = qobject_cast<QDateTimeAxis*>(view.chart()->axes(Qt::Horizontal).constFirst());
    const auto* freshAxis = qobject_cast<QDateTimeAxis*>(fresh.chart()->axes(Qt::Horizontal).constFirst());
    QCOMPARE(axis->min(), freshAxis->min());
    QCOMPARE(axis->max(), freshAxis->max());
    QCOMPARE(drawnRowLabels(view), drawnRowLabels(fresh));
}

QTEST_MAIN(TestUiTimeline)
#include "tst_ui_timeline.moc"
