#include "historybrowser.h"

#include "historyresultmodel.h"
#include "historyworker.h"
#include "pastincidentview.h"
#include "replayscrubber.h"

#include <QAction>
#include <QComboBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QScreen>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {
constexpr int PageSize = 100;
}

HistoryBrowser::HistoryBrowser(const QString& databasePath, QWidget* parent)
    : QWidget(parent, Qt::Window), m_path(databasePath)
{
    setObjectName(u"historyBrowser"_s);
    setWindowTitle(tr("Incident history — Nightwatch"));
    // Roomy where the screen allows, never beyond it: a 1366×768 laptop shows the whole window.
    QSize want(1500, 960);
    if (const QScreen* screen = QGuiApplication::primaryScreen())
        want = want.boundedTo(screen->availableGeometry().size() * 0.95);
    resize(want);
    auto* close = new QShortcut(QKeySequence::Cancel, this); // Esc, as every other dialog-like window
    connect(close, &QShortcut::activated, this, &QWidget::close);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 6);
    layout->setSpacing(6);

    auto* bar = new QHBoxLayout;
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search incidents: words, \"a phrase\", service=payment team=db …"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search incident history"));
    m_period = new QComboBox(this);
    m_period->addItem(tr("Any time"), 0);
    m_period->addItem(tr("Last 7 days"), 7);
    m_period->addItem(tr("Last 30 days"), 30);
    m_period->addItem(tr("Last 90 days"), 90);
    m_period->addItem(tr("Last year"), 365);
    m_period->setAccessibleName(tr("Period"));
    m_state = new QComboBox(this);
    m_state->addItem(tr("Any state"), QString());
    m_state->addItem(tr("Open"), u"open"_s);
    m_state->addItem(tr("Resolved"), u"resolved"_s);
    m_state->setAccessibleName(tr("State"));
    m_status = new QLabel(this);
    bar->addWidget(m_search, 1);
    bar->addWidget(m_period);
    bar->addWidget(m_state);
    bar->addWidget(m_status);
    layout->addLayout(bar);

    m_chips = new QWidget(this);
    m_chipLayout = new QHBoxLayout(m_chips);
    m_chipLayout->setContentsMargins(0, 0, 0, 0);
    m_chipLayout->setSpacing(4);
    m_chipLayout->addStretch(1);
    layout->addWidget(m_chips);

    auto* split = new QSplitter(Qt::Vertical, this);
    m_model = new HistoryResultModel(this);
    m_results = new QTableView(split);
    m_results->setModel(m_model);
    m_results->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_results->setSelectionMode(QAbstractItemView::SingleSelection);
    m_results->setAlternatingRowColors(true);
    m_results->setShowGrid(false);
    m_results->setWordWrap(false);
    m_results->verticalHeader()->hide();
    m_results->verticalHeader()->setDefaultSectionSize(m_results->fontMetrics().height() + 8);
    m_results->setAccessibleName(tr("Past incidents"));
    QHeaderView* h = m_results->horizontalHeader();
    h->setHighlightSections(false);
    h->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    const QFontMetrics fm(font());
    h->resizeSection(HistoryResultModel::Began, fm.horizontalAdvance(u"0000-00-00 00:00"_s) + 24);
    h->resizeSection(HistoryResultModel::Duration, fm.horizontalAdvance(u"00 h 00 min"_s) + 24);
    h->resizeSection(HistoryResultModel::Severity, fm.horizontalAdvance(u"▲ CRITICAL"_s) + 24);
    h->resizeSection(HistoryResultModel::Title, fm.horizontalAdvance(u"M"_s) * 30);
    h->resizeSection(HistoryResultModel::RootCause, fm.horizontalAdvance(u"notification-service (00%)"_s) + 24);
    h->resizeSection(HistoryResultModel::Services, fm.horizontalAdvance(u"M"_s) * 22);
    h->resizeSection(HistoryResultModel::State, fm.horizontalAdvance(u"acknowledged"_s) + 24);
    h->setStretchLastSection(true);
    m_incident = new PastIncidentView(split);
    split->addWidget(m_results);
    split->addWidget(m_incident);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setSizes({230, 700});
    layout->addWidget(split, 1);

    m_typingPause = new QTimer(this);
    m_typingPause->setSingleShot(true);
    m_typingPause->setInterval(250);
    connect(m_typingPause, &QTimer::timeout, this, &HistoryBrowser::search);
    connect(m_search, &QLineEdit::textChanged, this, [this] {
        updateChips();
        m_typingPause->start();
    });
    connect(m_search, &QLineEdit::returnPressed, this, &HistoryBrowser::search);
    connect(m_period, &QComboBox::currentIndexChanged, this, &HistoryBrowser::search);
    connect(m_state, &QComboBox::currentIndexChanged, this, &HistoryBrowser::search);
    connect(m_model, &HistoryResultModel::moreWanted, this, &HistoryBrowser::requestMore);
    connect(m_results->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &HistoryBrowser::openCurrent);
    connect(m_results, &QTableView::activated, this, &HistoryBrowser::openCurrent);

    m_worker = new HistoryWorker(m_path);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &HistoryWorker::searched, this, &HistoryBrowser::onSearched);
    connect(m_worker, &HistoryWorker::loaded, this, &HistoryBrowser::onLoaded);
    m_thread.setObjectName(u"nightwatch-history"_s);
    m_thread.start();

    createActions();
    updateChips();
    search();
}

HistoryBrowser::~HistoryBrowser()
{
    // The connection closes on the thread that opened it, then the thread ends (and deletes the worker).
    QMetaObject::invokeMethod(m_worker, &HistoryWorker::close, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void HistoryBrowser::createActions()
{
    const auto add = [this](const QString& text, const QList<QKeySequence>& keys, auto slot) {
        auto* action = new QAction(text, this);
        action->setShortcuts(keys);
        action->setShortcutContext(Qt::WindowShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
    };
    ReplayScrubber* scrubber = m_incident->scrubber();
    add(tr("Search"), {QKeySequence::Find, QKeySequence(Qt::Key_Slash)}, [this] { focusSearch(); });
    add(tr("Play / pause the replay"), {QKeySequence(Qt::Key_Space)}, [scrubber] { scrubber->togglePlay(); });
    add(tr("Replay: one minute back"), {QKeySequence(Qt::Key_Left), QKeySequence(Qt::Key_Comma)},
        [scrubber] { scrubber->stepBack(); });
    add(tr("Replay: one minute forward"), {QKeySequence(Qt::Key_Right), QKeySequence(Qt::Key_Period)},
        [scrubber] { scrubber->stepForward(); });
    add(tr("Replay: first minute"), {QKeySequence(Qt::Key_Home)}, [scrubber] { scrubber->toStart(); });
    add(tr("Replay: as it ended"), {QKeySequence(Qt::Key_End)}, [scrubber] { scrubber->toEnd(); });
    add(tr("Close"), {QKeySequence::Close}, [this] { close(); });
}

HistoryQuery HistoryBrowser::currentQuery() const
{
    HistoryQuery q = HistoryQuery::parse(m_search->text());
    if (const int days = m_period->currentData().toInt(); days > 0)
        q.from = QDateTime::currentDateTimeUtc().addDays(-days);
    q.state = m_state->currentData().toString();
    q.limit = PageSize;
    return q;
}

void HistoryBrowser::search()
{
    m_typingPause->stop();
    m_query = currentQuery();
    m_searchJob = ++m_pageJob; // a new list: pages of the old one are dropped too
    m_searchPending = true;
    m_status->setText(tr("Searching…"));
    QMetaObject::invokeMethod(m_worker, [w = m_worker, job = m_searchJob, q = m_query] { w->search(job, q); });
}

void HistoryBrowser::requestMore(int offset)
{
    HistoryQuery q = m_query;
    q.offset = offset;
    const quint64 job = ++m_pageJob;
    QMetaObject::invokeMethod(m_worker, [w = m_worker, job, q] { w->search(job, q); });
}

void HistoryBrowser::onSearched(quint64 jobId, const HistoryPage& page, const QString& error)
{
    if (jobId != m_pageJob)
        return; // replaced by a newer search or page
    if (!error.isEmpty()) {
        m_searchPending = false;
        m_status->setText(tr("Search failed"));
        m_status->setToolTip(error);
        Q_EMIT failed(error);
        return;
    }
    if (jobId == m_searchJob && page.offset == 0) {
        m_searchPending = false;
        m_model->setFirstPage(page);
        m_status->setText(tr("%n incident(s)", nullptr, page.total));
        m_status->setToolTip({});
        Q_EMIT searchFinished(page.total);
        return;
    }
    m_model->appendPage(page);
}

void HistoryBrowser::openCurrent()
{
    const QModelIndex current = m_results->currentIndex();
    if (!current.isValid())
        return;
    openIncident(m_model->data(current, HistoryResultModel::IdRole).toLongLong());
}

void HistoryBrowser::openIncident(qint64 incidentId)
{
    if (incidentId == 0 ||
        (incidentId == m_requestedIncident && (m_loadPending || m_incident->incidentId() == incidentId)))
        return;
    m_requestedIncident = incidentId;
    m_loadPending = true;
    const quint64 job = ++m_loadJob;
    QMetaObject::invokeMethod(m_worker, [w = m_worker, job, incidentId] { w->load(job, incidentId); });
}

void HistoryBrowser::onLoaded(quint64 jobId, const ReviewedIncident& incident, const QString& error)
{
    if (jobId != m_loadJob)
        return;
    m_loadPending = false;
    if (!error.isEmpty()) {
        m_incident->clear(tr("Cannot open this incident"));
        Q_EMIT failed(error);
        return;
    }
    m_incident->setPastIncident(incident);
    Q_EMIT incidentOpened(incident.incident.id);
}

void HistoryBrowser::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

QStringList HistoryBrowser::chipTexts() const
{
    QStringList out;
    for (const QToolButton* chip : m_chips->findChildren<QToolButton*>())
        out << chip->text();
    return out;
}

QString HistoryBrowser::statusText() const
{
    return m_status->text();
}

void HistoryBrowser::updateChips()
{
    for (QToolButton* chip : m_chips->findChildren<QToolButton*>())
        delete chip;
    const HistoryQuery q = HistoryQuery::parse(m_search->text());
    int position = 0;
    for (const auto& [key, value] : q.labels) {
        auto* chip = new QToolButton(m_chips);
        chip->setText(u"%1 = %2  ✕"_s.arg(key, value));
        chip->setToolTip(
            tr("Label filter: only incidents with an alert labelled %1=\"%2\". Click to remove.").arg(key, value));
        chip->setAutoRaise(false);
        chip->setStyleSheet(u"QToolButton { border: 1px solid #7E57C2; border-radius: 10px; padding: 1px 8px; "
                            "background: #EDE7F6; color: #311B92; }"_s);
        connect(chip, &QToolButton::clicked, this, [this, k = key, v = value] { removeLabel(k, v); });
        m_chipLayout->insertWidget(position++, chip);
    }
    m_chips->setVisible(!q.labels.isEmpty());
}

void HistoryBrowser::removeLabel(const QString& key, const QString& value)
{
    // Rebuild the text without that one filter; everything else the engineer typed stays.
    const HistoryQuery q = HistoryQuery::parse(m_search->text());
    QStringList parts;
    if (!q.text.isEmpty())
        parts << q.text;
    for (const auto& [k, v] : q.labels) {
        if (k == key && v == value)
            continue;
        parts << (v.contains(u' ') ? u"%1=\"%2\""_s.arg(k, v) : u"%1=%2"_s.arg(k, v));
    }
    m_search->setText(parts.join(u' '));
    search();
}
