#include "pastincidentview.h"
#include "model/incidentaction.h"

#include "alerttablemodel.h"
#include "graphview.h"
#include "historyresultmodel.h"
#include "incidentsummarycard.h"
#include "metricchartsview.h"
#include "replayscrubber.h"
#include "theme.h"
#include "timelinechartview.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

QString when(const QDateTime& t)
{
    return t.isValid() ? QLocale().toString(t.toLocalTime(), u"yyyy-MM-dd HH:mm:ss"_s) : QString();
}

QString actionText(const QString& kind)
{
    if (kind == u"ack")
        return PastIncidentView::tr("acknowledged");
    if (kind == u"mitigate")
        return PastIncidentView::tr("mitigated");
    if (kind == u"resolve")
        return PastIncidentView::tr("resolved");
    if (kind == u"note")
        return PastIncidentView::tr("note");
    if (kind == u"escalate")
        return PastIncidentView::tr("escalated");
    return kind;
}

} // namespace

PastIncidentView::PastIncidentView(QWidget* parent) : QWidget(parent)
{
    setObjectName(u"pastIncidentView"_s);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);

    m_title = new QLabel(this);
    m_title->setTextFormat(Qt::PlainText);
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setBold(true);
    m_title->setFont(big);
    m_subtitle = new QLabel(this);
    m_subtitle->setTextFormat(Qt::PlainText);
    m_resolution = new QLabel(this);
    m_resolution->setTextFormat(Qt::PlainText);
    m_resolution->setWordWrap(true);
    layout->addWidget(m_title);
    layout->addWidget(m_subtitle);
    layout->addWidget(m_resolution);

    auto* vertical = new QSplitter(Qt::Vertical, this);
    auto* top = new QSplitter(Qt::Horizontal, vertical);
    m_card = new IncidentSummaryCard(top);
    m_card->acknowledgeButton()->hide(); // a past incident is read-only
    m_card->setMinimumWidth(260);
    m_graph = new GraphView(top);
    m_chartTabs = new QTabWidget(top);
    m_onsets = new TimelineChartView(m_chartTabs);
    m_metrics = new MetricChartsView(m_chartTabs);
    m_chartTabs->addTab(m_onsets, tr("Alert onsets"));
    m_chartTabs->addTab(m_metrics, tr("Metrics"));
    top->addWidget(m_card);
    top->addWidget(m_graph);
    top->addWidget(m_chartTabs);
    top->setStretchFactor(0, 2);
    top->setStretchFactor(1, 3);
    top->setStretchFactor(2, 4);
    top->setSizes({330, 470, 650});

    m_bottomTabs = new QTabWidget(vertical);
    m_alertModel = new AlertTableModel(this);
    m_alertView = new QTableView(m_bottomTabs);
    m_alertView->setModel(m_alertModel);
    m_alertView->setAlternatingRowColors(true);
    m_alertView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_alertView->setWordWrap(false);
    m_alertView->verticalHeader()->hide();
    m_alertView->setShowGrid(false);
    m_alertView->horizontalHeader()->setStretchLastSection(true);
    m_alertView->setAccessibleName(tr("Alerts of the past incident"));
    m_actions = new QTableWidget(0, 4, m_bottomTabs);
    m_actions->setHorizontalHeaderLabels({tr("When"), tr("Who"), tr("What"), tr("Detail")});
    m_actions->verticalHeader()->hide();
    m_actions->horizontalHeader()->setStretchLastSection(true);
    m_actions->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_actions->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_actions->setShowGrid(false);
    m_actions->setAlternatingRowColors(true);
    m_actions->setAccessibleName(tr("Human actions and runbook runs"));
    m_bottomTabs->addTab(m_alertView, tr("Alerts"));
    m_bottomTabs->addTab(m_actions, tr("Actions && runbook runs"));
    vertical->addWidget(top);
    vertical->addWidget(m_bottomTabs);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);
    vertical->setSizes({420, 220});
    layout->addWidget(vertical, 1);

    m_scrubber = new ReplayScrubber(this);
    layout->addWidget(m_scrubber);
    connect(m_scrubber, &ReplayScrubber::minuteChanged, this, &PastIncidentView::showMinute);
    clear();
}

void PastIncidentView::clear(const QString& message)
{
    m_past = ReviewedIncident{};
    m_timeline = ReplayTimeline{};
    m_shownAt = {};
    m_title->setText(message.isEmpty() ? tr("No incident opened") : message);
    m_subtitle->setText(tr("Pick an incident from the results to see it as it looked, then replay it."));
    m_resolution->clear();
    m_card->clear(tr("No incident opened"));
    m_graph->clear();
    m_onsets->clear();
    m_metrics->clear();
    m_alertModel->setAlerts({});
    m_actions->setRowCount(0);
    m_actionTimes.clear();
    m_scrubber->setRange({}, 0);
    m_scrubber->setStatus({});
    m_scrubber->setEnabled(false);
}

void PastIncidentView::setPastIncident(const ReviewedIncident& past)
{
    m_past = past;
    m_timeline = ReplayTimeline(past.incident, past.notifications, past.actions, past.runs);
    m_timeline.setNeighbours(past.neighbourNotifications);
    const Incident& inc = past.incident;

    const TrackedAlert* founder = inc.alerts.isEmpty() ? nullptr : &inc.alerts.constFirst();
    QString title = founder ? founder->latest.annotations.value(u"summary"_s) : QString();
    if (title.isEmpty())
        title = founder ? founder->latest.alertName() : inc.key;
    m_title->setText(title);
    const QDateTime end = inc.resolvedAt.isValid() ? inc.resolvedAt : inc.lastAlertAt;
    QString subtitle = tr("Began %1 · lasted %2 · %3 · %4 alerts, %5 notifications")
                           .arg(when(inc.firstAlertAt),
                                HistoryResultModel::durationText(
                                    inc.firstAlertAt.isValid() && end.isValid() ? inc.firstAlertAt.msecsTo(end) : 0),
                                Theme::stateText(inc.state))
                           .arg(inc.alerts.size())
                           .arg(inc.notificationCount);
    if (inc.resolvedAt.isValid())
        subtitle += tr(" · resolved by %1").arg(inc.resolvedBy);
    if (!past.graph)
        subtitle += tr(" · no graph snapshot was kept");
    m_subtitle->setText(subtitle);
    if (past.resolution) {
        const Resolution& r = *past.resolution;
        QStringList parts;
        if (r.fixedByRunbookStep())
            parts << tr("fixed by runbook %1%2")
                         .arg(r.fixedByRunbook, r.fixedByStep.isEmpty() ? QString() : u" / "_s + r.fixedByStep);
        if (!r.fixedByText.isEmpty())
            parts << tr("fixed by: %1").arg(r.fixedByText);
        if (!r.rootCause.isEmpty())
            parts << tr("root cause confirmed: %1").arg(r.rootCause);
        if (r.suggestionRight)
            parts << (*r.suggestionRight ? tr("the suggestion was right") : tr("the suggestion was wrong"));
        if (r.actionable)
            parts << (*r.actionable ? tr("actionable page") : tr("not actionable"));
        m_resolution->setText(tr("Resolution (%1, %2): %3").arg(r.user, when(r.at), parts.join(u"; "_s)));
    } else {
        m_resolution->setText(past.snapshotProblem);
    }
    m_resolution->setVisible(!m_resolution->text().isEmpty());

    m_metrics->clear();
    m_metrics->setIncident(inc, past.changes);
    if (past.metrics)
        m_metrics->showResult(*past.metrics);
    m_chartTabs->setTabText(1, past.metrics ? tr("Metrics") : tr("Metrics (none kept)"));
    m_chartTabs->setTabEnabled(1, past.metrics.has_value());
    if (!past.metrics)
        m_chartTabs->setCurrentIndex(0);

    fillActions();
    m_scrubber->setEnabled(!m_timeline.isEmpty());
    m_scrubber->setRange(m_timeline.start(), m_timeline.minuteCount());
    showMinute(m_scrubber->minute());
}

void PastIncidentView::fillActions()
{
    struct Row
    {
        QDateTime at;
        QString who, what, detail;
    };
    QVector<Row> rows;
    for (const IncidentAction& a : std::as_const(m_past.actions))
        rows << Row{a.at, a.user, actionText(a.kind), a.note};
    for (const RunbookRun& r : std::as_const(m_past.runs)) {
        QString detail = r.argv.join(u' ');
        if (!r.error.isEmpty())
            detail += u" — "_s + r.error;
        rows << Row{r.at, r.user, tr("runbook %1 / %2: %3").arg(r.runbookId, r.step, outcomeName(r.outcome)), detail};
    }
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.at < b.at; });
    m_actions->setRowCount(int(rows.size()));
    m_actionTimes.clear();
    for (int i = 0; i < rows.size(); ++i) {
        const Row& r = rows.at(i);
        m_actions->setItem(i, 0, new QTableWidgetItem(when(r.at)));
        m_actions->setItem(i, 1, new QTableWidgetItem(r.who));
        m_actions->setItem(i, 2, new QTableWidgetItem(r.what));
        m_actions->setItem(i, 3, new QTableWidgetItem(r.detail));
        m_actionTimes << r.at;
    }
    m_actions->resizeColumnsToContents();
    m_bottomTabs->setTabText(1, tr("Actions && runbook runs (%1)").arg(rows.size()));
}

int PastIncidentView::visibleActionCount() const
{
    int n = 0;
    for (int row = 0; row < m_actions->rowCount(); ++row)
        n += m_actions->isRowHidden(row) ? 0 : 1;
    return n;
}

void PastIncidentView::showMinute(int minute)
{
    if (m_timeline.isEmpty())
        return;
    const QDateTime t = m_timeline.timeAtMinute(minute);
    m_shownAt = t;
    const ReplayTimeline::State state = m_timeline.stateAt(t);
    Incident inc = m_timeline.incidentAt(t);
    // Before the end, what the console believed then: the notifications so far through a fresh correlator and
    // diagnoser (cheap for an incident and its neighbours; a storm of thousands keeps the stored answer).
    // At the end, exactly the stored diagnosis.
    const bool replayed = minute < m_scrubber->minutes() && m_timeline.notificationTotal() <= 5000;
    if (replayed) {
        if (QVector<RootCauseCandidate> then = m_timeline.diagnosisAt(t, m_past.graph, m_past.changes); !then.isEmpty())
            inc.rootCauses = std::move(then);
    }

    m_card->setIncident(inc);
    m_card->acknowledgeButton()->hide();
    m_graph->showIncident(m_past.graph, inc);
    QVector<ChangeEvent> changes;
    for (const ChangeEvent& c : std::as_const(m_past.changes))
        if (c.at <= t)
            changes << c;
    m_onsets->showIncident(inc, changes, state.runs);
    m_onsets->setCursorTime(t);
    m_metrics->setCursorTime(t);
    m_alertModel->setAlerts(inc.alerts);
    m_alertModel->setRootCause(inc.topCause() ? inc.topCause()->service : QString());
    for (int row = 0; row < m_actions->rowCount(); ++row)
        m_actions->setRowHidden(row, m_actionTimes.at(row) > t);

    QString status = tr("%1 alerts known, %2 firing").arg(state.alerts.size()).arg(state.firingCount);
    if (!state.firingServices.isEmpty())
        status += tr(" · alerting: %1").arg(state.firingServices.join(u", "_s));
    status += u" · "_s + Theme::stateText(state.state);
    status += replayed ? tr(" · diagnosis as the console made it then") : tr(" · the stored diagnosis");
    m_scrubber->setStatus(status);
}
