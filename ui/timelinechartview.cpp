#include "timelinechartview.h"

#include "chartstyle.h"
#include "deferscenepaints.h"
#include "model/changeevent.h"
#include "model/incident.h"
#include "model/runbookrun.h"
#include "pipeline/backgroundpool.h"
#include "theme.h"

#include <QCategoryAxis>
#include <QChart>
#include <QCursor>
#include <QDateTimeAxis>
#include <QGraphicsLayout>
#include <QGraphicsLineItem>
#include <QGraphicsSimpleTextItem>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMouseEvent>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>

#include <QFontMetricsF>

#include <QSet>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace {
// The earliest and latest alert onset of an incident (0, 0 without one).
std::pair<qint64, qint64> onsetSpan(const Incident& incident)
{
    qint64 lo = std::numeric_limits<qint64>::max(), hi = std::numeric_limits<qint64>::min();
    for (const TrackedAlert& alert : incident.alerts) {
        const QDateTime onset = alert.firstStartsAt.isValid() ? alert.firstStartsAt : alert.latest.startsAt;
        if (!onset.isValid())
            continue;
        lo = qMin(lo, onset.toMSecsSinceEpoch());
        hi = qMax(hi, onset.toMSecsSinceEpoch());
    }
    return lo > hi ? std::pair<qint64, qint64>{0, 0} : std::pair{lo, hi};
}

// How tall a detached legend's markers stand, in all the rows Qt wrapped them onto (0 without markers).
qreal legendRowsHeight(QLegend* legend)
{
    if (QGraphicsLayout* layout = legend->layout()) {
        layout->invalidate();
        layout->activate(); // lay the markers out now, in the geometry just set
    }
    QRectF rows;
    for (const QGraphicsItem* group : legend->childItems()) {
        for (const QGraphicsItem* marker : group->childItems()) {
            if (marker->isVisible())
                rows |= marker->mapRectToItem(legend, marker->boundingRect());
        }
    }
    return rows.isEmpty() ? 0 : rows.bottom() + 2;
}

bool dark()
{
    return Theme::scheme() == Theme::Scheme::Dark;
}

// The marker colours that are not severities, visible on either canvas.
QColor changeMarkerColor()
{
    return dark() ? QColor(0x4D, 0xB6, 0xAC) : Theme::changeColor();
}

QColor actionMarkerColor()
{
    return dark() ? Theme::text() : Theme::headerBackground(); // the header's near-black vanishes on the dark canvas
}
} // namespace

QString TimelineChartView::otherServicesRow()
{
    return tr("(other services)");
}

TimelineChartView::TimelineChartView(QWidget* parent)
    : QChartView(parent), m_planner(
                              this,
                              [this](Planned planned) {
                                  if (!planned.plan.unchanged && planned.plan.signature != m_signature)
                                      showPlan(planned.input, std::move(planned.plan));
                              },
                              [this] { Q_EMIT planShown(); })
{
    setRenderHint(QPainter::Antialiasing);
    auto* chart = new QChart;
    chart->setTheme(QChart::ChartThemeLight);
    chart->setAnimationOptions(QChart::NoAnimation); // snapshots arrive often; animation only distracts
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(2, 2, 6, 0));
    chart->setBackgroundRoundness(0);
    setChart(chart); // the view takes ownership
    m_cursorLine = new QGraphicsLineItem;
    m_cursorLine->setPen(QPen(ChartStyle::secondaryTextColor(), 1.0, Qt::DashLine));
    m_cursorLine->setZValue(100);
    m_cursorLine->hide();
    scene()->addItem(m_cursorLine);
    deferScenePaints(scene());
    setMouseTracking(true);
    connect(chart, &QChart::plotAreaChanged, this, &TimelineChartView::placeRowLabels);
    rebuild(nullptr);
}

void TimelineChartView::setCursorTime(const QDateTime& time)
{
    m_cursor = time;
    placeCursor();
}

void TimelineChartView::placeCursor()
{
    const QRectF plot = chart()->plotArea();
    const auto axes = chart()->axes(Qt::Horizontal);
    if (!m_cursor.isValid() || axes.isEmpty() || chart()->series().isEmpty()) {
        m_cursorLine->hide();
        return;
    }
    const qreal x =
        chart()->mapToPosition(QPointF(qreal(m_cursor.toMSecsSinceEpoch()), 0), chart()->series().constFirst()).x();
    if (x < plot.left() || x > plot.right()) {
        m_cursorLine->hide();
        return;
    }
    m_cursorLine->setLine(QLineF(x, plot.top(), x, plot.bottom()));
    m_cursorLine->show();
}

void TimelineChartView::mouseMoveEvent(QMouseEvent* event)
{
    QChartView::mouseMoveEvent(event);
    const QPointF scenePos = mapToScene(event->position().toPoint());
    if (chart()->series().isEmpty())
        return;
    if (scenePos.x() < chart()->plotArea().left()) { // over the row labels: the whole name
        const QString service = serviceAt(scenePos);
        if (!service.isEmpty())
            QToolTip::showText(event->globalPosition().toPoint(), service, this);
        return;
    }
    if (!chart()->plotArea().contains(scenePos))
        return;
    const QPointF value = chart()->mapToValue(scenePos, chart()->series().constFirst());
    m_cursor = QDateTime::fromMSecsSinceEpoch(qint64(value.x()), Qt::UTC);
    placeCursor();
    Q_EMIT cursorMoved(m_cursor);
}

void TimelineChartView::resizeEvent(QResizeEvent* event)
{
    QChartView::resizeEvent(event);
    if (m_shown && event->size() != event->oldSize()) { // row labels are sized to the chart: lay them out again
        if (foldRows() != m_shown->foldRows) {          // the war room's rows fold otherwise at this height: plan again
            PlanInput input = *m_shown;
            input.foldRows = foldRows();
            showPlan(input, planFor(input));
        } else if (m_plan) {
            rebuild(m_plan.get());
        }
    }
    placeCursor();
}

void TimelineChartView::placeRowLabels()
{
    if (m_labelItems.size() != m_services.size() || chart()->series().isEmpty())
        return;
    const QRectF plot = chart()->plotArea();
    const int rows = int(m_services.size());
    for (int i = 0; i < rows; ++i) {
        QGraphicsSimpleTextItem* item = m_labelItems.at(i);
        const qreal y =
            plot.top() + (i + 0.5) * plot.height() / rows; // the axis spans -0.6 .. rows - 0.4: one row each
        const QRectF r = item->boundingRect();
        item->setPos(plot.left() - 6 - r.width(), y - r.height() / 2);
    }
}

QString TimelineChartView::serviceAt(const QPointF& scenePos) const
{
    if (m_services.isEmpty() || chart()->series().isEmpty())
        return {};
    const int rows = int(m_services.size());
    const qreal value = chart()->mapToValue(scenePos, chart()->series().constFirst()).y();
    const int fromBottom = qRound(value);
    if (fromBottom < 0 || fromBottom >= rows || qAbs(value - fromBottom) > 0.5)
        return {};
    return m_services.at(rows - 1 - fromBottom);
}

void TimelineChartView::clear()
{
    m_planner.cancel(); // a plan still being worked out is not wanted any more
    m_signature.clear();
    m_shown.reset();
    m_plan.reset();
    rebuild(nullptr);
}

int TimelineChartView::foldRows() const
{
    // The war room keeps its type: when the panel cannot hold a row per service at the war room's size, the
    // earliest services (and the root) keep their rows and the rest share the last one, "+N more", markers and
    // all, rather than every name shrinking to what nobody reads from across the room.
    if (Theme::fontScale() <= 1)
        return 0;
    QFont legible = font();
    legible.setPointSizeF(Theme::points(7));
    QFont axis = legible;
    axis.setPointSizeF(Theme::points(8.5));
    QFont legend = legible;
    legend.setPointSizeF(Theme::points(8));
    // Less the time axis' labels and the legend (its markers stand taller than its text), as placed below.
    const qreal room =
        contentsRect().height() - (QFontMetricsF(axis).height() + 14) - (2 * QFontMetricsF(legend).height() + 10) - 10;
    const int fit = int(room / QFontMetricsF(legible).height());
    return fit >= 2 ? fit : 0;
}

TimelineChartView::PlanInput TimelineChartView::inputFor(const Incident& incident, const QVector<ChangeEvent>& changes,
                                                         const QVector<RunbookRun>& runs) const
{
    return {incident, changes, runs, foldRows(), Theme::fontScale(), int(Theme::scheme())};
}

void TimelineChartView::showIncident(const Incident& incident, const QVector<ChangeEvent>& changes,
                                     const QVector<RunbookRun>& runs)
{
    m_planner.cancel(); // this one is newer than any plan being worked out
    const PlanInput input = inputFor(incident, changes, runs);
    Plan plan = planFor(input, m_signature);
    if (!plan.unchanged)
        showPlan(input, std::move(plan));
}

void TimelineChartView::showIncidentLater(const Incident& incident, const QVector<ChangeEvent>& changes,
                                          const QVector<RunbookRun>& runs)
{
    m_planner.request([input = inputFor(incident, changes, runs), shown = m_signature] {
        Plan plan = planFor(input, shown);
        return Planned{input, std::move(plan)};
    });
}

void TimelineChartView::showPlan(const PlanInput& input, Plan plan)
{
    m_signature = plan.signature;
    // The input replaced may be the last owner of an older snapshot's alerts (the window has retired it meanwhile):
    // freed on a pool thread, as the window frees its snapshots, not thousands of alerts on this one.
    if (std::optional<PlanInput> old = std::exchange(m_shown, input))
        BackgroundPool::dispose(std::move(old));
    m_plan = std::make_shared<const Plan>(std::move(plan));
    if (!updateInPlace(*m_plan))
        rebuild(m_plan.get());
}

TimelineChartView::Plan TimelineChartView::planFor(const PlanInput& input, const QByteArray& shownSignature)
{
    const Incident& incident = input.incident;
    const QVector<ChangeEvent>& changes = input.changes;
    Plan plan;
    // The type's scale too: entering the war room redraws the labels, axis and legend larger. An alert's fingerprint
    // stands for its labels (service, severity, name), so with its onset it is all a marker depends on; hashed, not
    // spelled out, so a storm's incident of many thousand alerts costs a pass over them, not a megabyte of text.
    QByteArray signature = incident.key.toUtf8() + '@' + QByteArray::number(input.fontScale) + '/' +
                           QByteArray::number(input.scheme) + '/' + QByteArray::number(input.foldRows);
    if (const RootCauseCandidate* top = incident.topCause())
        signature += '|' + top->service.toUtf8();
    size_t alertsHash = 0;
    for (const TrackedAlert& a : incident.alerts)
        alertsHash = qHashMulti(alertsHash, a.fingerprint(), a.firstStartsAt.toMSecsSinceEpoch(),
                                a.latest.startsAt.toMSecsSinceEpoch());
    signature += '|' + QByteArray::number(incident.alerts.size()) + ':' + QByteArray::number(quint64(alertsHash));
    for (const ChangeEvent& c : changes)
        signature += '|' + QByteArray::number(c.at.toMSecsSinceEpoch()) + ':' + c.service.toUtf8() + ':' +
                     c.description.toUtf8();
    for (const RunbookRun& r : input.runs)
        signature += '|' + QByteArray::number(r.id) + ':' + outcomeName(r.outcome).toUtf8();
    plan.signature = signature;
    plan.foldRows = input.foldRows;
    if (signature == shownSignature) {
        plan.unchanged = true;
        return plan;
    }
    if (incident.alerts.isEmpty())
        return plan;
    plan.hasAlerts = true;

    // Rows: services ordered by their first onset, earliest at the top — the cascade reads downwards.
    QHash<QString, QDateTime> firstOnset;
    for (const TrackedAlert& alert : incident.alerts) {
        const QString service = alert.service().isEmpty() ? tr("(no service)") : alert.service();
        const QDateTime onset = alert.firstStartsAt.isValid() ? alert.firstStartsAt : alert.latest.startsAt;
        auto it = firstOnset.find(service);
        if (it == firstOnset.end() || (onset.isValid() && onset < *it))
            firstOnset.insert(service, onset);
    }
    QString& rootCause = plan.rootCause;
    if (const RootCauseCandidate* top = incident.topCause()) {
        rootCause = top->service;
        if (!firstOnset.contains(rootCause))
            firstOnset.insert(rootCause, QDateTime()); // a silent root still gets its row
    }
    QStringList& services = plan.services;
    services = firstOnset.keys();
    std::sort(services.begin(), services.end(), [&](const QString& a, const QString& b) {
        const QDateTime ta = firstOnset.value(a), tb = firstOnset.value(b);
        if (ta.isValid() != tb.isValid())
            return !ta.isValid(); // silent root first: it is where to look
        return ta != tb ? ta < tb : a < b;
    });
    // Changes to services outside the incident get a row of their own at the bottom, never another service's.
    const auto [onsetMin, onsetMax] = onsetSpan(incident);
    const qint64 lookBack = qMax<qint64>(30 * 60 * 1000, onsetMax - onsetMin);
    const auto shown = [&](const ChangeEvent& change) {
        return change.at.isValid() && change.at.toMSecsSinceEpoch() >= onsetMin - lookBack &&
               change.at.toMSecsSinceEpoch() <= onsetMax;
    };
    if (std::any_of(changes.cbegin(), changes.cend(),
                    [&](const ChangeEvent& c) { return shown(c) && !firstOnset.contains(c.service); }))
        services.append(otherServicesRow());
    QHash<QString, QString> sharedRow; // service -> the row it is drawn on, when not its own (foldRows)
    const int fit = input.foldRows;
    if (fit >= 2 && services.size() > fit) {
        QStringList kept = services.mid(0, fit - 1);
        if (!rootCause.isEmpty() && services.contains(rootCause) && !kept.contains(rootCause))
            kept.last() = rootCause; // the root is where to look: never folded
        const QString more = tr("+%n more", nullptr, int(services.size() - kept.size()));
        for (const QString& service : std::as_const(services))
            if (!kept.contains(service))
                sharedRow.insert(service, more);
        services = kept << more;
    }
    const int rows = int(services.size());
    auto rowOf = [&](const QString& service) {
        return double(rows - 1 - services.indexOf(sharedRow.value(service, service)));
    };

    qint64 minT = std::numeric_limits<qint64>::max();
    qint64 maxT = std::numeric_limits<qint64>::min();
    auto extend = [&](const QDateTime& t) {
        if (!t.isValid())
            return;
        minT = qMin(minT, t.toMSecsSinceEpoch());
        maxT = qMax(maxT, t.toMSecsSinceEpoch());
    };
    // Onsets closer than a few pixels on the same row share one marker (each marker is a graphics item to lay out
    // and paint): a storm's thousands of alerts in the same seconds stay a handful of markers, and hovering one
    // lists the first of its alerts and how many more.
    const qint64 bucket = qMax<qint64>(1, (onsetMax - onsetMin) / MarkerBuckets);
    QHash<QPair<int, qint64>, qint64> markerAt; // (row, bucket) -> the x of its marker
    QSet<qint64> drawn;                         // series, row and bucket of each marker, as one number
    QHash<QString, double> rowOfService;
    QList<QPointF>* const bySeverity[] = {&plan.critical, &plan.warning, &plan.other, &plan.root};
    for (const TrackedAlert& alert : incident.alerts) {
        const QDateTime onset = alert.firstStartsAt.isValid() ? alert.firstStartsAt : alert.latest.startsAt;
        if (!onset.isValid())
            continue;
        extend(onset);
        ++plan.onsets;
        QString service = alert.service();
        if (service.isEmpty())
            service = tr("(no service)");
        auto row = rowOfService.constFind(service);
        if (row == rowOfService.cend())
            row = rowOfService.insert(service, rowOf(service));
        const qint64 t = onset.toMSecsSinceEpoch();
        const QPair<int, qint64> cell{int(*row), (t - onsetMin) / bucket};
        auto placed = markerAt.constFind(cell);
        if (placed == markerAt.cend())
            placed = markerAt.insert(cell, t);
        const qint64 x = *placed;
        const Severity severity = parseSeverity(alert.latest.severity());
        const int series = severity >= Severity::Error ? 0 : severity == Severity::Warning ? 1 : 2;
        for (int s : {series, service == rootCause ? 3 : -1}) {
            const qint64 marker = (qint64(s) << 56) | (qint64(cell.first) << 32) | cell.second;
            if (s >= 0 && !drawn.contains(marker)) {
                drawn.insert(marker);
                bySeverity[s]->append(QPointF(double(x), *row));
            }
        }
        const QPair<qint64, int> at{x, cell.first};
        if (plan.pointTexts.count(at) < TextsPerMarker)
            plan.pointTexts.insert(at, u"%1 — %2 (%3) %4"_s.arg(alert.latest.alertName(), service,
                                                                alert.latest.severity(), Theme::clock(onset)));
        else
            ++plan.pointMore[at];
    }
    if (minT > maxT)
        return plan; // "No alert onsets known"
    plan.hasOnsets = true;
    // Changes shortly before the first onset are the interesting ones. The axis is the incident's, with a lead of a
    // third of its span (a minute at least) for what came just before; an older change stands at the left edge,
    // its tooltip saying when it was.
    const qint64 lead = qMax<qint64>(60 * 1000, (maxT - minT) / 3);
    const qint64 earliest = minT - lead;
    for (const ChangeEvent& change : changes) {
        if (!shown(change))
            continue;
        const qint64 t = qMax(change.at.toMSecsSinceEpoch(), earliest);
        extend(QDateTime::fromMSecsSinceEpoch(t, Qt::UTC));
        const bool own = firstOnset.contains(change.service);
        const double y = rowOf(own ? change.service : otherServicesRow());
        plan.changes.append(QPointF(double(t), y));
        const QString when = t > change.at.toMSecsSinceEpoch() ? tr("%1, before this axis").arg(Theme::clock(change.at))
                                                               : Theme::clock(change.at);
        plan.pointTexts.insert({t, int(y)},
                               u"%1 %2: %3 (%4)"_s.arg(change.kind, change.service, change.description, when));
    }
    // What was done about it, on the row of the service it was done for: the root's, else the top row.
    for (const RunbookRun& run : input.runs) {
        using O = RunbookRun::Outcome;
        const bool ran = run.outcome == O::Passed || run.outcome == O::Failed || run.outcome == O::TimedOut ||
                         run.outcome == O::FailedToStart;
        if (!run.at.isValid() || !ran) // refusals and skips are in the audit, not things done
            continue;
        extend(run.at);
        const double y = services.contains(rootCause) ? rowOf(rootCause) : double(rows - 1);
        plan.actions.append(QPointF(double(run.at.toMSecsSinceEpoch()), y));
        plan.pointTexts.insert({run.at.toMSecsSinceEpoch(), int(y)},
                               u"%1 · %2 %3: %4 (%5, %6)"_s.arg(run.runbookId, run.kind, run.step,
                                                                outcomeName(run.outcome), run.user,
                                                                Theme::clock(run.at)));
    }
    plan.minT = minT;
    plan.maxT = maxT;
    return plan;
}

namespace {
// The time axis' range: the markers' span with room on both sides.
std::pair<qint64, qint64> axisSpan(qint64 minT, qint64 maxT)
{
    const qint64 pad = qMax<qint64>(30 * 1000, (maxT - minT) / 12);
    return {minT - pad, maxT + pad};
}
} // namespace

QByteArray TimelineChartView::layoutOf(const Plan& plan)
{
    const auto [x0, x1] = axisSpan(plan.minT, plan.maxT);
    QByteArray key = plan.services.join(u'\n').toUtf8() + '|' + plan.rootCause.toUtf8() + '|' +
                     QByteArray::number(plan.foldRows) + '|' + QByteArray::number(Theme::fontScale()) + '/' +
                     QByteArray::number(int(Theme::scheme())) + '|';
    for (const QList<QPointF>* points : {&plan.critical, &plan.warning, &plan.other, &plan.root, &plan.changes,
                                         &plan.actions})
        key += points->isEmpty() ? '0' : '1'; // the legend lists only the series with markers
    // The time format follows the span: a span that changes it lays the axis out again.
    key += QDateTime::fromMSecsSinceEpoch(x0).date() != QDateTime::fromMSecsSinceEpoch(x1).date() ? 'd' : '-';
    key += x1 - x0 < 10 * 60 * 1000 ? 's' : '-';
    key += x1 - x0 >= 3 * 60 * 1000 ? 'm' : '-';
    return key;
}

bool TimelineChartView::updateInPlace(const Plan& plan)
{
    if (!m_drawn || !plan.hasAlerts || !plan.hasOnsets || m_drawn->layout != layoutOf(plan))
        return false;
    const QList<QPointF>* points[] = {&plan.critical, &plan.warning, &plan.other,
                                      &plan.root,     &plan.changes, &plan.actions};
    for (qsizetype i = 0; i < m_drawn->markers.size(); ++i)
        m_drawn->markers.at(i)->replace(*points[i]);
    const auto [x0, x1] = axisSpan(plan.minT, plan.maxT);
    if (m_drawn->band) {
        const qreal y = m_drawn->band->at(0).y();
        m_drawn->band->replace({QPointF(double(x0), y), QPointF(double(x1), y)});
    }
    m_drawn->xAxis->setRange(QDateTime::fromMSecsSinceEpoch(x0), QDateTime::fromMSecsSinceEpoch(x1));
    m_onsets = plan.onsets;
    m_changeMarkers = int(plan.changes.size());
    m_actionMarkers = int(plan.actions.size());
    placeCursor();
    return true;
}

void TimelineChartView::rebuild(const Plan* plan)
{
    QChart* c = chart();
    m_drawn.reset();
    c->removeAllSeries();
    for (QAbstractAxis* axis : c->axes()) {
        c->removeAxis(axis);
        delete axis;
    }
    m_services.clear();
    m_rowLabels.clear();
    qDeleteAll(m_labelItems);
    m_labelItems.clear();
    m_labelWidth = 0;
    chart()->setMargins(QMargins(2, 2, 6, 0));
    chart()->legend()->setAlignment(Qt::AlignBottom);
    chart()->legend()->attachToChart();
    // The canvas is the panel's, light or dark; so is the frame around the chart.
    ChartStyle::applyScheme(c);
    setBackgroundBrush(ChartStyle::background());
    m_cursorLine->setPen(QPen(ChartStyle::secondaryTextColor(), 1.0, Qt::DashLine));
    m_rootCause.clear();
    m_onsets = 0;
    m_changeMarkers = 0;
    m_actionMarkers = 0;
    if (!plan || !plan->hasAlerts) {
        c->setTitle(tr("No alerts to show"));
        return;
    }
    m_services = plan->services;
    m_rootCause = plan->rootCause;
    m_onsets = plan->onsets;
    if (!plan->hasOnsets) {
        c->setTitle(tr("No alert onsets known"));
        return;
    }
    c->setTitle(QString());
    m_changeMarkers = int(plan->changes.size());
    m_actionMarkers = int(plan->actions.size());
    const int rows = int(m_services.size());

    auto makeSeries = [&](const QString& name, const QColor& color, qreal size, QScatterSeries::MarkerShape shape,
                          const QList<QPointF>& points) {
        auto* s = new QScatterSeries;
        s->setName(name);
        s->setColor(color);
        s->setBorderColor(color.darker(160));
        s->setMarkerSize(size);
        s->setMarkerShape(shape);
        s->replace(points);
        return s;
    };
    // The legend is narrow (about seven characters a marker before Qt elides): keep translations short.
    //: severity label value, as the alert table shows it; short
    auto* critical = makeSeries(tr("critical"), Theme::severityColor(u"critical"_s), 11,
                                QScatterSeries::MarkerShapeCircle, plan->critical);
    //: severity label value, as the alert table shows it; short
    auto* warning = makeSeries(tr("warning"), Theme::severityColor(u"warning"_s), 11, QScatterSeries::MarkerShapeCircle,
                               plan->warning);
    auto* other =
        makeSeries(tr("other"), Theme::severityColor(u"info"_s), 10, QScatterSeries::MarkerShapeCircle, plan->other);
    const QColor rootColor = ChartStyle::accentTextColor(); // deep purple on light, lilac on dark
    auto* root = makeSeries(tr("root"), rootColor, 17, QScatterSeries::MarkerShapeCircle, plan->root);
    root->setColor(Qt::transparent); // a ring around the root's own markers
    root->setPen(QPen(rootColor, 3));
    //: a deploy, config change or flag flip; short
    auto* deploys =
        makeSeries(tr("change"), changeMarkerColor(), 13, QScatterSeries::MarkerShapeRectangle, plan->changes);
    auto* actions =
        makeSeries(tr("runbook step"), actionMarkerColor(), 14, QScatterSeries::MarkerShapeTriangle, plan->actions);
    auto rowOf = [&](const QString& service) { return double(rows - 1 - m_services.indexOf(service)); };

    // The root row gets a faint band so the eye can follow it across the chart.
    const auto [x0, x1] = axisSpan(plan->minT, plan->maxT);
    QLineSeries* band = nullptr;
    if (!m_rootCause.isEmpty() && m_services.contains(m_rootCause)) {
        band = new QLineSeries;
        band->setName(tr("root cause row"));
        QColor bandColor = rootColor;
        bandColor.setAlpha(dark() ? 55 : 45);
        band->setPen(QPen(bandColor, 14, Qt::SolidLine, Qt::FlatCap));
        band->append(double(x0), rowOf(m_rootCause));
        band->append(double(x1), rowOf(m_rootCause));
    }

    auto* xAxis = new QDateTimeAxis;
    const bool multiDay = QDateTime::fromMSecsSinceEpoch(x0).date() != QDateTime::fromMSecsSinceEpoch(x1).date();
    xAxis->setFormat(multiDay ? u"dd MMM HH:mm"_s : (x1 - x0 < 10 * 60 * 1000 ? u"HH:mm:ss"_s : u"HH:mm"_s));
    xAxis->setRange(QDateTime::fromMSecsSinceEpoch(x0), QDateTime::fromMSecsSinceEpoch(x1));
    xAxis->setTickCount(4);
    QFont axisFont = xAxis->labelsFont();
    axisFont.setPointSizeF(Theme::points(8.5));
    xAxis->setLabelsFont(axisFont);
    xAxis->setGridLineColor(ChartStyle::gridColor());
    xAxis->setLinePenColor(ChartStyle::gridColor());
    xAxis->setLabelsColor(ChartStyle::textColor());

    auto* yAxis = new QCategoryAxis;
    yAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    yAxis->setRange(-0.6, rows - 0.4);
    // Qt Charts turns a category label into "..." once its row is lower than the text plus 8 px of padding: with 17
    // services every name went. The rows are labelled here instead, sized to the rows, long names elided in the
    // middle (both ends of "payment-gateway-eu-west-3" matter); hovering a label shows the whole name.
    yAxis->setLabelsVisible(false);
    QFont legendFont = c->legend()->font();
    legendFont.setPointSizeF(Theme::points(8));
    yAxis->setGridLineColor(ChartStyle::rowGridColor());
    yAxis->setLinePenColor(ChartStyle::gridColor());
    yAxis->setLabelsColor(ChartStyle::textColor());

    c->addAxis(xAxis, Qt::AlignBottom);
    c->addAxis(yAxis, Qt::AlignLeft);
    QList<QAbstractSeries*> all;
    if (band)
        all << band;
    all << deploys << critical << warning << other << root << actions;
    for (QAbstractSeries* s : all) {
        c->addSeries(s);
        s->attachAxis(xAxis);
        s->attachAxis(yAxis);
    }
    // Empty series and the band stay out of the legend: it lists only what is on screen.
    for (QAbstractSeries* s : all) {
        const auto* scatter = qobject_cast<QScatterSeries*>(s);
        const bool show = scatter && scatter->count() > 0;
        for (QLegendMarker* marker : c->legend()->markers(s)) {
            marker->setVisible(show);
            if (s == root)
                marker->setBrush(rootColor); // the ring alone reads as "empty" at legend size
        }
    }
    for (QScatterSeries* s : {critical, warning, other, root, deploys, actions})
        connect(s, &QScatterSeries::hovered, this, &TimelineChartView::showPointToolTip);
    c->legend()->setFont(legendFont);
    c->legend()->setLabelColor(ChartStyle::textColor());
    // The plot leaves room for the row labels on the left (a chart margin); the legend, detached, keeps the whole
    // width below it, and the time axis gets three ticks when the plot is narrow.
    // The markers' row can be taller than the text (marker and padding): the legend's own minimum, or it is cut.
    const qreal legendHeight =
        qMax(QFontMetricsF(legendFont).height() + 10, c->legend()->effectiveSizeHint(Qt::MinimumSize).height());
    c->legend()->detachFromChart();
    // Detached, Qt wraps the markers that do not fit the width onto more rows, stacked upwards from the bottom of a
    // bottom-aligned legend: a row it had no room for was drawn over the time axis. Top-aligned, they go downwards,
    // and the legend is made as tall as its rows.
    c->legend()->setAlignment(Qt::AlignTop);
    // The chart is the view's size, frame included: the bottom is the viewport's, or the legend's last pixels go.
    const QSizeF visible(qMin(c->size().width(), qreal(contentsRect().width())),
                         qMin(c->size().height(), qreal(contentsRect().height())));
    const auto placeLegend = [&](qreal h) {
        c->setMargins(QMargins(c->margins().left(), 2, 10, int(std::ceil(h))));
        c->legend()->setGeometry(QRectF(4, visible.height() - h - 4, visible.width() - 8, h));
    };
    placeLegend(legendHeight);
    qreal legendBox = legendHeight;
    qreal rowsHeight = legendRowsHeight(c->legend());
    if (rowsHeight > legendHeight + 1) {
        // A second legend row costs the plot a row's height: the root's entry goes first, its row being marked
        // without it (the ▶ label in the accent colour, the band).
        for (QLegendMarker* marker : c->legend()->markers(root))
            marker->setVisible(false);
        rowsHeight = legendRowsHeight(c->legend());
    }
    if (rowsHeight > legendHeight + 1) {
        legendBox = rowsHeight;
        placeLegend(legendBox);
    }
    c->legend()->update();

    // The row labels, as large as their rows allow (the theme's 8 pt at most), left of the plot.
    QFont yFont = yAxis->labelsFont();
    // The plot: the view less the time axis' labels, the legend's rows and the margins, all in the theme's scale
    // (a flat 70 px times the scale left the war room's rows a third too small for its type).
    const qreal overhead = QFontMetricsF(axisFont).height() + 14 + legendBox + 10;
    const qreal rowHeight = qMax(1.0, (contentsRect().height() - overhead) / rows);
    qreal points = Theme::points(8);
    for (; points > Theme::points(6); points -= 0.5) {
        yFont.setPointSizeF(points);
        if (QFontMetricsF(yFont).height() <= rowHeight)
            break;
    }
    yFont.setPointSizeF(points);
    QFont rootFont = yFont;
    rootFont.setBold(true);
    int labelWidth = 0;
    for (const QString& service : std::as_const(m_services))
        labelWidth = qMax(labelWidth, QFontMetrics(rootFont).horizontalAdvance(u"▶ "_s + service));
    labelWidth = qBound(40, labelWidth, qMax(40, width() / 3));
    for (int i = 0; i < rows; ++i) {
        const QString& service = m_services.at(i);
        const bool isRoot = service == m_rootCause;
        // The root's label carries a mark that also reads without colour.
        const QString label = isRoot ? u"▶ "_s + service : service;
        auto* item = new QGraphicsSimpleTextItem(
            QFontMetrics(isRoot ? rootFont : yFont).elidedText(label, Qt::ElideMiddle, labelWidth), c);
        item->setFont(isRoot ? rootFont : yFont);
        item->setBrush(isRoot ? ChartStyle::accentTextColor() : ChartStyle::textColor());
        item->setZValue(50);
        m_rowLabels.insert(item->text(), service);
        m_labelItems.append(item);
    }
    m_labelWidth = labelWidth;
    yAxis->setLabelsFont(yFont);
    c->setMargins(QMargins(m_labelWidth + 10, 2, 10, int(std::ceil(legendBox))));
    if (width() - m_labelWidth < 260 * Theme::fontScale()) {
        const int room = width() - m_labelWidth - 20;
        const auto perTick = [&] {
            const QString sample = QDateTime::fromMSecsSinceEpoch(x1).toString(xAxis->format());
            return qMax(1, QFontMetrics(axisFont).horizontalAdvance(sample) * 3 / 2);
        };
        // An incident across midnight, in a pane too narrow for two labels with their dates (the war room's type):
        // its times alone, which a span of less than a day leaves unambiguous, rather than two dates over each other.
        constexpr qint64 kDayMs = 24 * 3600 * 1000;
        if (x1 - x0 >= 3 * 60 * 1000 && (!multiDay || (x1 - x0 < kDayMs && room / perTick() < 2)))
            xAxis->setFormat(u"HH:mm"_s);
        // As many ticks as whole labels fit (Qt Charts cuts a label that has no room to "14:0…").
        xAxis->setTickCount(qBound(2, room / perTick(), 3));
    }
    placeRowLabels();
    placeCursor();
    m_drawn = Drawn{layoutOf(*plan), {critical, warning, other, root, deploys, actions}, band, xAxis};
}

void TimelineChartView::showPointToolTip(const QPointF& point, bool entered)
{
    if (!entered) {
        QToolTip::hideText();
        return;
    }
    const QPair<qint64, int> at{qint64(point.x()), int(point.y())};
    if (!m_plan)
        return;
    QStringList texts = m_plan->pointTexts.values(at);
    texts.sort();
    if (const int more = m_plan->pointMore.value(at))
        texts << tr("+%n more", nullptr, more);
    if (!texts.isEmpty())
        QToolTip::showText(QCursor::pos(), texts.join(u'\n'), this);
}
