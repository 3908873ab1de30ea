#include "metricchartsview.h"

#include "chartstyle.h"
#include "metrics/decimate.h"
#include "model/incident.h"
#include "theme.h"

#include <QCategoryAxis>
#include <QChart>
#include <QDateTimeAxis>
#include <QFontMetrics>
#include <QGraphicsLineItem>
#include <QGraphicsSimpleTextItem>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMouseEvent>
#include <QToolTip>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {

constexpr double kLaneHeight = 0.82; // of one lane unit: the gap keeps neighbouring lanes' lines apart
constexpr int kMarkerHoverPixels = 6;

QString keyOf(const IncidentMetricsResult::Series& s)
{
    return s.service + u'\x1f' + s.templateId;
}

QString formatValue(double v)
{
    const double a = std::abs(v);
    if (!std::isfinite(v) || a >= 1000)
        return QString::number(v, 'f', 0);
    return QString::number(v, 'g', a != 0.0 && a < 0.01 ? 2 : 3);
}

int kindOrder(IncidentMetricsResult::Kind kind)
{
    switch (kind) {
    case IncidentMetricsResult::Kind::Saturation:
        return 0;
    case IncidentMetricsResult::Kind::Errors:
        return 1;
    case IncidentMetricsResult::Kind::Latency:
        return 2;
    }
    return 3;
}

// The nearest sample to t (points ascending); nullptr for none.
const MetricSample* nearest(const QVector<MetricSample>& points, qint64 t)
{
    if (points.isEmpty())
        return nullptr;
    const auto it = std::lower_bound(points.cbegin(), points.cend(), t,
                                     [](const MetricSample& s, qint64 x) { return s.msecs < x; });
    if (it == points.cend())
        return &points.last();
    if (it == points.cbegin())
        return &*it;
    const auto prev = std::prev(it);
    return (t - prev->msecs) <= (it->msecs - t) ? &*prev : &*it;
}

} // namespace

MetricChartsView::MetricChartsView(QWidget* parent) : QChartView(parent)
{
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
    QChart* chart = ChartStyle::newChart(); // results replace each other: no animation
    QFont titleFont = chart->titleFont();
    titleFont.setPointSizeF(9);
    chart->setTitleFont(titleFont);
    setChart(chart); // the view takes ownership

    m_cursorItem = new QGraphicsLineItem(chart); // owned by the chart item
    m_cursorItem->setZValue(100);
    m_cursorItem->hide();
    m_cursorLabel = new QGraphicsSimpleTextItem(chart);
    QFont cursorFont = m_cursorLabel->font();
    cursorFont.setPointSizeF(7.5);
    m_cursorLabel->setFont(cursorFont);
    m_cursorLabel->setZValue(101);
    m_cursorLabel->hide();

    m_overlay = new QLabel(this);
    m_overlay->setWordWrap(true);
    m_overlay->setAttribute(Qt::WA_TransparentForMouseEvents); // hovering the plot under it still works
    m_overlay->hide();

    // The plot's width decides how many points each line keeps; it is only known after the chart's layout pass,
    // which runs from the event loop after a rebuild.
    connect(chart, &QChart::plotAreaChanged, this, [this] {
        if (plotColumns() != m_decimatedFor)
            redecimate();
        updateCursorItem();
    });
    applyTheme(); // builds the (empty) chart
}

void MetricChartsView::applyTheme()
{
    // The chart sits on the chrome's panel: its canvas, text, grid and lines follow the scheme, as the timeline's do.
    QChart* c = chart();
    ChartStyle::applyScheme(c);
    setBackgroundBrush(ChartStyle::background());
    QColor cursorColor = ChartStyle::textColor();
    cursorColor.setAlpha(170);
    m_cursorItem->setPen(QPen(cursorColor, 1.5));
    m_cursorLabel->setBrush(ChartStyle::textColor());
    const bool dark = Theme::scheme() == Theme::Scheme::Dark;
    m_overlay->setStyleSheet(u"QLabel { background: %1; color: %2; border: 1px solid #E57373; border-radius: 3px;"
                             u" padding: 4px 6px; }"_s.arg(dark ? u"rgba(61, 21, 24, 235)"_s : u"rgba(255, 235, 238, 230)"_s,
                                                           dark ? u"#FF8A80"_s : u"#B71C1C"_s));
    rebuild();
}

void MetricChartsView::clear()
{
    m_incidentKey.clear();
    m_markers.clear();
    m_incidentFrom = m_incidentTo = 0;
    m_data.clear();
    m_incidentKeys.clear();
    m_roots.clear();
    m_from = m_to = 0;
    m_focus.clear();
    m_error.clear();
    m_cursor = {};
    updateOverlay();
    rebuild();
}

void MetricChartsView::setIncident(const Incident& incident, const QVector<ChangeEvent>& changes)
{
    if (incident.key != m_incidentKey) {
        // Another incident's series would be read as this one's: drop them (the overlay stays until a result).
        m_incidentKey = incident.key;
        m_data.clear();
        m_incidentKeys.clear();
        m_roots.clear();
        m_focus.clear();
        m_from = m_to = 0;
        m_cursor = {};
    }
    m_markers.clear();
    m_onsetMarkers = m_changeMarkers = 0;
    // One onset marker per service, at its first alert: one line per alert would bury the chart in a storm.
    QHash<QString, const TrackedAlert*> firstByService;
    for (const TrackedAlert& a : incident.alerts) {
        if (!a.firstStartsAt.isValid())
            continue;
        const TrackedAlert*& first = firstByService[a.service()];
        if (!first || a.firstStartsAt < first->firstStartsAt)
            first = &a;
    }
    m_incidentFrom = m_incidentTo = 0;
    for (const TrackedAlert* a : std::as_const(firstByService)) {
        const qint64 t = a->firstStartsAt.toMSecsSinceEpoch();
        m_markers.append(
            {t,
             tr("%1 %2: %3 began (%4)")
                 .arg(Theme::clock(a->firstStartsAt), a->service(), a->latest.alertName(), a->latest.severity()),
             Theme::severityColor(a->latest.severity()), false});
        m_incidentFrom = m_incidentFrom == 0 ? t : qMin(m_incidentFrom, t);
        m_incidentTo = qMax(m_incidentTo, t);
    }
    for (const ChangeEvent& c : changes) {
        if (c.at.isValid())
            m_markers.append({c.at.toMSecsSinceEpoch(),
                              tr("%1 %2 %3: %4").arg(Theme::clock(c.at), c.kind, c.service, c.description),
                              Theme::changeColor(), true});
    }
    std::sort(m_markers.begin(), m_markers.end(), [](const Marker& a, const Marker& b) { return a.msecs < b.msecs; });
    rebuild();
}

void MetricChartsView::showResult(const IncidentMetricsResult& result)
{
    if (!m_incidentKey.isEmpty() && result.incidentKey != m_incidentKey)
        return; // a late answer for an incident no longer selected
    m_incidentKey = result.incidentKey;
    m_error = result.error;
    if (result.lastSuccessAt.isValid())
        m_lastSuccess = result.lastSuccessAt;
    if (m_from == 0 || !result.degraded()) {
        m_from = result.start.toMSecsSinceEpoch();
        m_to = result.end.toMSecsSinceEpoch();
        m_stepSeconds = qMax(1, result.stepSeconds);
    }
    if (!result.degraded()) {
        if (result.focusService.isEmpty()) {
            m_incidentKeys.clear();
            m_roots.clear();
            for (const IncidentMetricsResult::RootEvidence& e : result.evidence)
                m_roots.append(e.service);
        } else {
            m_focus = result.focusService;
        }
        for (const IncidentMetricsResult::Series& s : result.series) {
            const QString key = keyOf(s);
            // A query that failed this time keeps the data it had.
            if (s.error.isEmpty() || !m_data.contains(key))
                m_data.insert(key, s);
            if (result.focusService.isEmpty())
                m_incidentKeys.append(key);
        }
        if (m_roots.isEmpty() && result.focusService.isEmpty() && !result.series.isEmpty())
            m_roots.append(result.series.first().service); // the plan puts the root first
    }
    updateOverlay();
    rebuild();
}

void MetricChartsView::showService(const QString& service)
{
    m_focus = service;
    rebuild();
}

void MetricChartsView::showAll()
{
    m_focus.clear();
    rebuild();
}

bool MetricChartsView::hasService(const QString& service) const
{
    for (const IncidentMetricsResult::Series& s : m_data) {
        if (s.service == service)
            return true;
    }
    return false;
}

QStringList MetricChartsView::shownServices() const
{
    QStringList out;
    for (const Line& l : m_lines) {
        const QString service = m_data.value(l.key).service;
        if (!out.contains(service))
            out.append(service);
    }
    return out;
}

QVector<int> MetricChartsView::displayedPointCounts() const
{
    QVector<int> out;
    for (const Line& l : m_lines)
        out.append(int(l.series->count()));
    return out;
}

int MetricChartsView::plotColumns() const
{
    return int(std::ceil(chart()->plotArea().width()));
}

bool MetricChartsView::isDegraded() const
{
    return !m_error.isEmpty();
}

QString MetricChartsView::degradedText() const
{
    return m_overlay->isVisible() || isDegraded() ? m_overlay->text() : QString();
}

QStringList MetricChartsView::visibleKeys() const
{
    QStringList keys;
    if (m_focus.isEmpty()) {
        keys = m_incidentKeys;
    } else {
        for (auto it = m_data.cbegin(); it != m_data.cend(); ++it) {
            if (it->service == m_focus)
                keys.append(it.key());
        }
    }
    keys.removeIf([this](const QString& k) { return m_data.value(k).points.isEmpty(); });
    return keys;
}

QColor MetricChartsView::colorOf(const QString& service)
{
    if (!m_roots.isEmpty() && service == m_roots.first())
        return Theme::rootCauseColor();
    // Distinct from the severity, root and change colours, so a line is never read as a marker.
    static const QColor palette[] = {QColor(0x15, 0x65, 0xC0), QColor(0xEF, 0x6C, 0x00), QColor(0x2E, 0x7D, 0x32),
                                     QColor(0xD8, 0x1B, 0x60), QColor(0x00, 0x97, 0xA7), QColor(0x8D, 0x6E, 0x63),
                                     QColor(0x9E, 0x9D, 0x24), QColor(0x39, 0x49, 0xAB), QColor(0x54, 0x6E, 0x7A),
                                     QColor(0xFF, 0xA0, 0x00)};
    auto it = m_colors.find(service);
    if (it == m_colors.end())
        it = m_colors.insert(service, palette[m_colors.size() % std::size(palette)]);
    return *it;
}

qint64 MetricChartsView::xMin() const
{
    if (m_from != 0)
        return m_from;
    return m_incidentFrom - qMax<qint64>(5 * 60 * 1000, (m_incidentTo - m_incidentFrom) / 4);
}

qint64 MetricChartsView::xMax() const
{
    if (m_to != 0)
        return m_to;
    return m_incidentTo + qMax<qint64>(5 * 60 * 1000, (m_incidentTo - m_incidentFrom) / 4);
}

void MetricChartsView::rebuild()
{
    QChart* c = chart();
    c->removeAllSeries();
    for (QAbstractAxis* axis : c->axes()) {
        c->removeAxis(axis);
        delete axis;
    }
    m_lines.clear();
    m_onsetMarkers = m_changeMarkers = 0;
    m_decimatedFor = -1;

    if (m_from == 0 && m_incidentFrom == 0) {
        c->setTitle(tr("No incident selected"));
        updateCursorItem();
        return;
    }
    const QStringList keys = visibleKeys();
    if (keys.isEmpty()) {
        c->setTitle(!m_focus.isEmpty()             ? tr("No metrics for %1").arg(m_focus)
                    : m_from == 0 && !isDegraded() ? tr("Loading metrics…")
                                                   : tr("No metrics for this incident"));
    } else {
        c->setTitle(m_focus.isEmpty() ? QString() : tr("Metrics of %1").arg(m_focus));
    }

    // Lanes: one per metric (template), saturation on top, then errors, then latency: the causal order.
    struct Lane
    {
        QString templateId;
        QString noun;
        int kind = 0;
        int firstSeen = 0;
        double low = 0.0;
        double high = 0.0;
    };
    QVector<Lane> lanes;
    for (int i = 0; i < keys.size(); ++i) {
        const IncidentMetricsResult::Series& s = m_data[keys.at(i)];
        auto lane =
            std::find_if(lanes.begin(), lanes.end(), [&](const Lane& l) { return l.templateId == s.templateId; });
        if (lane == lanes.end()) {
            lanes.append({s.templateId, s.noun, kindOrder(s.kind), i, 0.0, 0.0});
            lane = lanes.end() - 1;
        }
        for (const MetricSample& p : s.points) {
            if (std::isfinite(p.value)) {
                lane->low = qMin(lane->low, p.value); // from zero unless negative: a flat line stays flat
                lane->high = qMax(lane->high, p.value);
            }
        }
    }
    std::stable_sort(lanes.begin(), lanes.end(), [](const Lane& a, const Lane& b) {
        return a.kind != b.kind ? a.kind < b.kind : a.firstSeen < b.firstSeen;
    });
    const int laneCount = qMax(1, int(lanes.size()));

    const qint64 x0 = xMin(), x1 = qMax(xMin() + 1000, xMax());
    QDateTimeAxis* xAxis = ChartStyle::timeAxis(x0, x1, 5);

    auto* yAxis = new QCategoryAxis;
    yAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionCenter);
    yAxis->setRange(-0.12, laneCount - 0.08);
    yAxis->setStartValue(-0.12);
    // Appended bottom-up: QCategoryAxis wants ascending end values. Lane i spans [base, base + kLaneHeight]
    // with base = laneCount - 1 - i; its category ends just below the next lane.
    QStringList used;
    for (int i = int(lanes.size()) - 1; i >= 0; --i) {
        const Lane& lane = lanes.at(i);
        // The lane's top value in its label: lanes are scaled separately, so their heights do not compare.
        QString label = tr("%1 ≤ %2").arg(lane.noun, formatValue(lane.high));
        while (used.contains(label))
            label += u' '; // category labels must be unique
        used.append(label);
        yAxis->append(label, double(laneCount - i) - 0.08);
    }
    QFont yFont = yAxis->labelsFont();
    yFont.setPointSizeF(8);
    yAxis->setLabelsFont(yFont);
    yAxis->setLabelsColor(ChartStyle::textColor());
    yAxis->setGridLineColor(ChartStyle::gridColor());
    yAxis->setLinePenColor(ChartStyle::gridColor());
    xAxis->setLinePenColor(ChartStyle::gridColor());
    c->addAxis(xAxis, Qt::AlignBottom);
    c->addAxis(yAxis, Qt::AlignLeft);

    const auto attach = [&](QLineSeries* s) {
        c->addSeries(s);
        s->attachAxis(xAxis);
        s->attachAxis(yAxis);
    };
    QStringList inLegend;
    for (const QString& key : keys) {
        const IncidentMetricsResult::Series& s = m_data[key];
        const int laneIndex = int(
            std::find_if(lanes.cbegin(), lanes.cend(), [&](const Lane& l) { return l.templateId == s.templateId; }) -
            lanes.cbegin());
        const Lane& lane = lanes.at(laneIndex);
        Line line;
        line.key = key;
        line.series = new QLineSeries;
        const bool top = !m_roots.isEmpty() && m_roots.first() == s.service;
        line.series->setName(top                           ? tr("%1 (root)").arg(s.service)
                             : m_roots.contains(s.service) ? tr("%1 (candidate)").arg(s.service)
                                                           : s.service);
        line.series->setPen(QPen(ChartStyle::lineColor(colorOf(s.service)), top ? 2.2 : 1.5));
        line.laneBase = double(laneCount - 1 - laneIndex);
        line.laneLow = lane.low;
        line.laneHigh = lane.high > lane.low ? lane.high : lane.low + 1.0;
        attach(line.series);
        const bool firstOfService = !inLegend.contains(s.service);
        inLegend.append(s.service);
        for (QLegendMarker* marker : c->legend()->markers(line.series))
            marker->setVisible(firstOfService); // one legend entry per service: the colour is the service
        m_lines.append(line);
    }

    for (const Marker& m : std::as_const(m_markers)) {
        if (m.msecs < x0 || m.msecs > x1)
            continue;
        auto* s = new QLineSeries;
        QPen pen(ChartStyle::lineColor(m.color), m.change ? 2.0 : 1.4, m.change ? Qt::SolidLine : Qt::DashLine);
        s->setPen(pen);
        s->append(double(m.msecs), -0.12);
        s->append(double(m.msecs), laneCount - 0.08);
        attach(s);
        for (QLegendMarker* marker : c->legend()->markers(s))
            marker->setVisible(false);
        ++(m.change ? m_changeMarkers : m_onsetMarkers);
    }
    QFont legendFont = c->legend()->font();
    legendFont.setPointSizeF(8);
    c->legend()->setFont(legendFont);
    c->legend()->setVisible(!m_lines.isEmpty());
    placeLegend();
    redecimate();
    updateCursorItem();
}

void MetricChartsView::redecimate()
{
    const int columns = plotColumns();
    m_decimatedFor = columns;
    // Before the first layout the width is unknown; a modest guess, replaced when plotAreaChanged() comes.
    const int buckets = columns > 0 ? columns : 400;
    const qint64 x0 = xMin(), x1 = qMax(xMin() + 1000, xMax());
    for (const Line& l : std::as_const(m_lines)) {
        const QVector<MetricSample> kept = Decimate::minMax(m_data[l.key].points, x0, x1, buckets);
        QList<QPointF> points;
        points.reserve(kept.size());
        const double range = l.laneHigh - l.laneLow;
        for (const MetricSample& p : kept)
            points.append({double(p.msecs), l.laneBase + kLaneHeight * (p.value - l.laneLow) / range});
        l.series->replace(points); // one update instead of one per point
    }
}

void MetricChartsView::setCursorTime(const QDateTime& time)
{
    m_cursor = time;
    updateCursorItem();
}

void MetricChartsView::updateCursorItem()
{
    const QRectF plot = chart()->plotArea();
    const qint64 x0 = xMin(), x1 = xMax();
    const qint64 t = m_cursor.isValid() ? m_cursor.toMSecsSinceEpoch() : 0;
    if (!m_cursor.isValid() || plot.width() <= 0 || x1 <= x0 || (m_from == 0 && m_incidentFrom == 0) || t < x0 ||
        t > x1) {
        m_cursorItem->hide();
        m_cursorLabel->hide();
        return;
    }
    const double x = plot.left() + plot.width() * double(t - x0) / double(x1 - x0);
    m_cursorItem->setLine(x, plot.top(), x, plot.bottom());
    m_cursorItem->show();
    // The time beside the line, inside the plot: the line alone is easy to mistake for a marker.
    m_cursorLabel->setText(Theme::clock(m_cursor));
    const QRectF text = m_cursorLabel->boundingRect();
    const double left = x + 3 + text.width() > plot.right() ? x - 3 - text.width() : x + 3;
    m_cursorLabel->setPos(left, plot.top() + 1);
    m_cursorLabel->show();
}

void MetricChartsView::updateOverlay()
{
    if (m_error.isEmpty()) {
        m_overlay->hide();
        return;
    }
    m_overlay->setText(tr("Prometheus unreachable: %1 (last success %2)")
                           .arg(m_error, m_lastSuccess.isValid() ? Theme::clock(m_lastSuccess) : tr("never")));
    m_overlay->setFixedWidth(qMax(120, width() - 16));
    m_overlay->adjustSize();
    m_overlay->move(8, 6);
    m_overlay->show();
    m_overlay->raise();
}

void MetricChartsView::resizeEvent(QResizeEvent* event)
{
    QChartView::resizeEvent(event);
    placeLegend();
    updateOverlay();
}

void MetricChartsView::placeLegend()
{
    // Qt's legend elides names that do not fit in one row; a narrow panel lists them on the right instead,
    // since a truncated "order-ser…" cannot be told from "order-search".
    const QFontMetrics metrics(chart()->legend()->font());
    int needed = 0;
    QStringList names;
    for (const Line& l : std::as_const(m_lines)) {
        if (!names.contains(l.series->name())) {
            names.append(l.series->name());
            needed += metrics.horizontalAdvance(l.series->name()) + 3 * metrics.height();
        }
    }
    const Qt::Alignment wanted = needed > width() - 40 ? Qt::AlignRight : Qt::AlignBottom;
    if (chart()->legend()->alignment() != wanted)
        chart()->legend()->setAlignment(wanted);
}

QString MetricChartsView::toolTipTextAt(const QDateTime& time) const
{
    const qint64 t = time.toMSecsSinceEpoch();
    QStringList lines{Theme::clock(time)};
    // A sample further than one step away is another moment, not this one's value.
    const qint64 tolerance = qint64(m_stepSeconds) * 1000;
    for (const Line& l : m_lines) {
        const IncidentMetricsResult::Series& s = m_data[l.key];
        const MetricSample* p = nearest(s.points, t);
        if (p && std::llabs(p->msecs - t) <= tolerance)
            lines.append(u"%1 %2: %3"_s.arg(s.service, s.noun, formatValue(p->value)));
    }
    const double columns = qMax(1, plotColumns());
    const qint64 near = qMax<qint64>(tolerance / 2, qint64(kMarkerHoverPixels * double(xMax() - xMin()) / columns));
    for (const Marker& m : m_markers) {
        if (std::llabs(m.msecs - t) <= near)
            lines.append(m.text);
    }
    return lines.join(u'\n');
}

void MetricChartsView::userCursorAt(const QPointF& viewPos, const QPoint& globalPos)
{
    const QPointF inChart = chart()->mapFromScene(mapToScene(viewPos.toPoint()));
    const QRectF plot = chart()->plotArea();
    if (!plot.contains(inChart) || plot.width() <= 0 || (m_from == 0 && m_incidentFrom == 0))
        return;
    const qint64 t = xMin() + qint64(double(xMax() - xMin()) * (inChart.x() - plot.left()) / plot.width());
    setCursorTime(QDateTime::fromMSecsSinceEpoch(t, Qt::UTC));
    QToolTip::showText(globalPos, toolTipTextAt(m_cursor), this);
    Q_EMIT cursorMoved(m_cursor);
}

void MetricChartsView::mouseMoveEvent(QMouseEvent* event)
{
    userCursorAt(event->position(), event->globalPosition().toPoint());
    QChartView::mouseMoveEvent(event);
}

void MetricChartsView::mousePressEvent(QMouseEvent* event)
{
    userCursorAt(event->position(), event->globalPosition().toPoint());
    QChartView::mousePressEvent(event);
}
