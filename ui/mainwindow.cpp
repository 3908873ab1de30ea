#include "mainwindow.h"

#include "historybrowser.h"
#include "pipeline/backgroundpool.h"

#include "alertfilterproxymodel.h"
#include "alerttablemodel.h"
#include "desktopnotifier.h"
#include "feedstatus.h"
#include "fittinglabel.h"
#include "graphlegend.h"
#include "graphview.h"
#include "incidentexporter.h"
#include "incidentlistdelegate.h"
#include "incidentlistmodel.h"
#include "incidentsilencer.h"
#include "incidentsummarycard.h"
#include "metricchartsview.h"
#include "metrics/incidentmetrics.h"
#include "reportdialog.h"
#include "restyle.h"
#include "resolvedialog.h"
#include "runbook/runbooklibrary.h"
#include "runbookpanel.h"
#include "settingsdialog.h"
#include "shortcutcheatsheet.h"
#include "sourcehealthbar.h"
#include "sourcehealthmodel.h"
#include "theme.h"
#include "timelinechartview.h"
#include "triage/deterministictriage.h"
#include "triage/llmtriageclient.h"
#include "triagebox.h"
#include "warroommode.h"

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QLocale>
#include <QPixmap>
#include <QPushButton>
#include <QScopeGuard>
#include <QScopedValueRollback>
#include <QScrollArea>
#include <QSplitter>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {
// Object names applyTheme() styles by: every region of the console gets the same frame so the eye can rest.
const QString PanelName = u"panel"_s;
const QString CaptionName = u"panelCaption"_s;

// QTabBar::setTabText lays the tabs out again and asks the tab widget's parents for a new layout even for the same
// text: set on every snapshot, it re-laid the splitters and the charts below them in the storm.
void setTabText(QTabWidget* tabs, int index, const QString& text)
{
    if (tabs->tabText(index) != text)
        tabs->setTabText(index, text);
}

// A titled panel in the chrome's colours; what it holds (graph, charts, the alert table) paints in the scheme's too.
QFrame* panel(const QString& title, QWidget* content, QWidget* parent, QLabel** titleLabel = nullptr,
              QWidget* extra = nullptr)
{
    auto* frame = new QFrame(parent);
    frame->setObjectName(PanelName);
    auto* layout = new QVBoxLayout(frame);
    layout->setContentsMargins(1, 4, 1, 1);
    layout->setSpacing(2);
    auto* caption = new QLabel(title, frame);
    caption->setObjectName(CaptionName);
    if (titleLabel)
        *titleLabel = caption;
    layout->addWidget(caption);
    layout->addWidget(content, 1);
    if (extra)
        layout->addWidget(extra);
    return frame;
}
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_incidentModel(new IncidentListModel(this)), m_alertModel(new AlertTableModel(this)),
      m_alertProxy(new AlertFilterProxyModel(this)), m_sourceModel(new SourceHealthModel(this))
{
    setWindowTitle(tr("Nightwatch"));
    setObjectName(u"NightwatchMainWindow"_s);
    m_postTimer = new QTimer(this);
    m_postTimer->setSingleShot(true);
    connect(m_postTimer, &QTimer::timeout, this, &MainWindow::applyPostedSnapshot);

    auto* central = new QWidget(this);
    auto* root = new QVBoxLayout(central);
    root->setContentsMargins(0, 0, 0, 0);
    root->setSpacing(0);

    // Header strip: product name and the health of every source, always visible.
    auto* header = m_header = new QWidget(central);
    header->setObjectName(u"header"_s);
    header->setAutoFillBackground(true);
    QPalette hp = header->palette();
    hp.setColor(QPalette::Window, Theme::headerBackground());
    hp.setColor(QPalette::WindowText, Qt::white);
    header->setPalette(hp);
    auto* headerLayout = new QHBoxLayout(header);
    headerLayout->setContentsMargins(12, 6, 12, 6);
    headerLayout->setSpacing(14);
    auto* brand = m_brand = new QLabel(tr("NIGHTWATCH"), header);
    brand->setStyleSheet(u"color: white; font-weight: 800; font-size: 11pt; letter-spacing: 2px;"_s);
    headerLayout->addWidget(brand);
    m_sourceBar = new SourceHealthBar(header);
    m_sourceBar->setModel(m_sourceModel);
    headerLayout->addWidget(m_sourceBar, 1);
    root->addWidget(header);

    // Body: list | (card | graph | timeline) over alerts.
    auto* body = new QSplitter(Qt::Horizontal, central);
    body->setChildrenCollapsible(false);
    body->setHandleWidth(6);
    body->addWidget(m_incidentPanel = buildIncidentPanel());

    auto* right = new QSplitter(Qt::Vertical, body);
    right->setChildrenCollapsible(false);
    right->setHandleWidth(6);

    auto* top = m_topSplitter = new QSplitter(Qt::Horizontal, right);
    top->setChildrenCollapsible(false);
    top->setHandleWidth(6);

    m_card = new IncidentSummaryCard;
    auto* cardScroll = new QScrollArea;
    cardScroll->setWidget(m_card);
    cardScroll->setWidgetResizable(true);
    cardScroll->setFrameShape(QFrame::NoFrame);
    cardScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    cardScroll->viewport()->setAutoFillBackground(false);
    m_card->setAutoFillBackground(false);
    // Shown only while this console's silence holds the incident's alerts: lifting it is one click (or Shift+S).
    m_expireSilenceButton = new QPushButton(tr("Expire silence"));
    m_expireSilenceButton->setObjectName(u"expireSilence"_s);
    m_expireSilenceButton->setToolTip(tr("Expire the silences this console created for the incident (Shift+S)"));
    m_expireSilenceButton->hide();
    connect(m_expireSilenceButton, &QPushButton::clicked, this, &MainWindow::expireSilenceOfCurrentIncident);
    top->addWidget(panel(tr("INCIDENT"), cardScroll, top, &m_cardTitle, m_expireSilenceButton));

    m_graphView = new GraphView;
    // The graph and the charts paint in the scheme's colours themselves: they sit on the chrome, not on paper.
    top->addWidget(panel(tr("DEPENDENCY GRAPH"), m_graphView, top, nullptr, new GraphLegend));

    m_timelineView = new TimelineChartView;
    m_timelineView->setMinimumWidth(260);
    // Onsets always; the Prometheus series beside the graph when a server is configured.
    m_metricsView = new MetricChartsView;
    m_chartTabs = new QTabWidget;
    m_chartTabs->setDocumentMode(true);
    m_chartTabs->addTab(m_timelineView, tr("Alert onsets"));
    m_chartTabs->addTab(m_metricsView, tr("Metrics"));
    m_chartTabs->setTabVisible(1, false);
    // One moment across both charts: hovering either puts the same cursor on the other.
    connect(m_metricsView, &MetricChartsView::cursorMoved, m_timelineView, &TimelineChartView::setCursorTime);
    connect(m_timelineView, &TimelineChartView::cursorMoved, m_metricsView, &MetricChartsView::setCursorTime);
    top->addWidget(panel(tr("TIMELINE"), m_chartTabs, top));
    top->setStretchFactor(0, 0);
    top->setStretchFactor(1, 3);
    top->setStretchFactor(2, 2);
    top->setSizes({300, 460, 310});

    right->addWidget(top);
    // Alerts and runbooks share the lower area: the table while triaging, the runbook once acting (r).
    m_bottomTabs = new QTabWidget(right);
    m_bottomTabs->setDocumentMode(true);
    m_bottomTabs->addTab(buildAlertsPanel(), tr("Alerts"));
    m_bottomTabs->addTab(buildRunbookPanel(), tr("Runbooks"));
    // An explicit minimum lets the splitter keep the sizes below instead of the panels' size hints.
    m_bottomTabs->setMinimumHeight(160);
    right->addWidget(m_bottomTabs);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    right->setSizes({410, 250});
    m_rightSplitter = right;
    connect(m_bottomTabs, &QTabWidget::currentChanged, this, &MainWindow::makeRoomForRunbook);
    connect(m_runbookPanel, &RunbookPanel::roomNeeded, this, &MainWindow::makeRoomForRunbook);
    connect(m_runbookPanel, &RunbookPanel::restyled, this, [this] {
        if (m_warRoom && m_warRoom->isActive())
            m_warRoom->rescaleStyleSheets();
    });

    body->addWidget(right);
    body->setStretchFactor(0, 0);
    body->setStretchFactor(1, 1);
    body->setSizes({260, 1090});

    auto* bodyHolder = new QWidget(central);
    auto* bodyLayout = new QVBoxLayout(bodyHolder);
    bodyLayout->setContentsMargins(6, 6, 6, 4);
    bodyLayout->addWidget(body);
    root->addWidget(bodyHolder, 1);
    setCentralWidget(central);

    m_updatedLabel = new QLabel(tr("Waiting for the first snapshot…"), this);
    statusBar()->addWidget(m_updatedLabel, 1);
    // The key hints in war-room type do not fit 1366 px: hints drop from the right, "? all keys" always stays.
    auto* keys = new FittingLabel(this);
    keys->setObjectName(u"keysLabel"_s);
    const QStringList hints =
        tr("j/k move · a acknowledge · m mitigate · e resolve · r runbooks · Ctrl+Enter approve step · / filter · "
           "? all keys")
            .split(u" · "_s);
    QStringList variants;
    for (qsizetype n = hints.size() - 1; n >= 0; --n)
        variants << (hints.mid(0, n) + hints.mid(hints.size() - 1)).join(u" · "_s);
    keys->setTexts(variants);
    m_keysLabel = keys;
    keys->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    statusBar()->addPermanentWidget(m_keysLabel);
    // A gear in the status bar, not the header: the source chips need the header's whole width.
    auto* settingsButton = new QToolButton(this);
    settingsButton->setObjectName(u"settingsButton"_s);
    settingsButton->setAutoRaise(true);
    settingsButton->setText(u"\u2699 "_s + tr("Settings"));
    settingsButton->setToolTip(tr("Settings (Ctrl+,)"));
    settingsButton->setFocusPolicy(Qt::NoFocus); // Ctrl+, is the keyboard's way in
    statusBar()->addPermanentWidget(settingsButton);

    m_notifier = new DesktopNotifier(this);
    connect(m_notifier, &DesktopNotifier::incidentActivated, this, &MainWindow::selectIncident);
    connect(m_notifier, &DesktopNotifier::showWindowRequested, this, [this] {
        showNormal();
        raise();
        activateWindow();
    });
    WarRoomMode::Parts parts;
    parts.window = this;
    parts.body = body;
    parts.top = top;
    parts.right = right;
    parts.bottomTabs = m_bottomTabs;
    parts.runbookTab = 1;
    parts.card = m_card;
    m_warRoom = new WarRoomMode(parts, this);
    connect(m_warRoom, &WarRoomMode::activeChanged, this, &MainWindow::applyTheme);

    connect(m_card, &IncidentSummaryCard::acknowledgeRequested, this, &MainWindow::acknowledgeRequested);
    connect(m_card, &IncidentSummaryCard::acknowledgeRequested, this, [this] { m_pinned = true; });
    connect(m_card, &IncidentSummaryCard::mitigateRequested, this, &MainWindow::mitigateCurrentIncident);
    connect(m_card, &IncidentSummaryCard::resolveRequested, this, &MainWindow::resolveCurrentIncident);
    connect(m_incidentView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &MainWindow::onCurrentIncidentChanged);
    connect(m_graphView, &GraphView::serviceActivated, this, [this](const QString& service) {
        m_filterEdit->setText(u"service=\"%1\""_s.arg(service));
        if (m_metrics) { // a node's own series, fetched when the incident's plan did not include them
            if (!m_metricsView->hasService(service))
                m_metrics->loadService(service);
            m_metricsView->showService(service);
        }
    });
    createActions();
    connect(settingsButton, &QToolButton::clicked, m_settingsAction, &QAction::trigger);
    setUpTabOrder();
    resize(1366, 768);
    applyTheme(); // also shows the (empty) current incident
}

MainWindow::~MainWindow()
{
    if (m_library)
        m_library->setHistoryScore({});
}

QWidget* MainWindow::buildIncidentPanel()
{
    auto* holder = new QFrame;
    holder->setObjectName(PanelName);
    auto* layout = new QVBoxLayout(holder);
    layout->setContentsMargins(1, 8, 1, 1);
    layout->setSpacing(2);

    // "31 alerts → 1 incident": the storm compressed into one line is the first thing to read.
    m_countsLabel = new QLabel(holder);
    m_countsDetail = new QLabel(holder);
    m_countsLabel->setWordWrap(true); // war-room type is large: wrap rather than cut "incidents" off
    layout->addWidget(m_countsLabel);
    layout->addWidget(m_countsDetail);

    m_incidentView = new QListView(holder);
    m_incidentView->setModel(m_incidentModel);
    m_incidentView->setModelColumn(IncidentListModel::RootCauseColumn);
    m_incidentView->setItemDelegate(new IncidentListDelegate(m_incidentView));
    m_incidentView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_incidentView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_incidentView->setUniformItemSizes(true);
    m_incidentView->setFrameShape(QFrame::NoFrame);
    m_incidentView->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_incidentView->setSpacing(0);
    m_incidentView->setMinimumWidth(230);
    m_incidentView->setAccessibleName(tr("Incidents"));
    layout->addWidget(m_incidentView, 1);
    m_emptyList = new QLabel(tr("No incidents.\nAlerts that arrive are grouped here."), holder);
    m_emptyList->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    layout->addWidget(m_emptyList, 1);
    holder->setMinimumWidth(240);
    return holder;
}

QWidget* MainWindow::buildRunbookPanel()
{
    m_runbookPanel = new RunbookPanel;
    connect(m_runbookPanel, &RunbookPanel::auditRecord, this, &MainWindow::runbookRunFinished);
    connect(m_runbookPanel, &RunbookPanel::escalated, this, &MainWindow::escalationRequested);
    connect(m_runbookPanel, &RunbookPanel::proposalsChanged, this, &MainWindow::onProposalsChanged);
    return m_runbookPanel;
}

void MainWindow::setRunbookLibrary(RunbookLibrary* library)
{
    if (m_library && m_library != library)
        m_library->setHistoryScore({});
    m_library = library;
    if (library) {
        // Proposals are ranked by their record on similar past incidents, as the pipeline computed it.
        library->setHistoryScore([this](const Runbook& runbook, const Incident& incident) {
            return RunbookPanel::historyVerdict(m_snapshot ? m_snapshot->memory.value(incident.key) : IncidentMemory(),
                                                runbook);
        });
    }
    m_runbookPanel->setLibrary(library);
    showCurrentIncident();
}

void MainWindow::setIncidentMetrics(IncidentMetrics* metrics)
{
    if (m_metrics)
        disconnect(m_metrics, nullptr, this, nullptr);
    m_metrics = metrics;
    m_metricsKey.clear();
    m_chartTabs->setTabVisible(1, metrics != nullptr);
    if (metrics) {
        connect(metrics, &IncidentMetrics::finished, m_metricsView, &MetricChartsView::showResult);
        m_chartTabs->setCurrentIndex(1);
        // Series need room to be read: the charts take width from the card and the graph.
        m_topSplitter->setSizes({270, 380, 440});
    }
    showCurrentIncident();
}

void MainWindow::makeRoomForRunbook()
{
    // After whoever else sets the splitter in this pass (war-room mode shares it out after switching tabs).
    QTimer::singleShot(0, this, [this] {
        if (m_bottomTabs->currentIndex() != 1)
            return;
        // The tab widget's own minimum: the panel's, its tab bar and the frame around the page.
        const int want = m_bottomTabs->minimumSizeHint().height();
        const QList<int> sizes = m_rightSplitter->sizes();
        if (sizes.size() != 2)
            return;
        // Room taken for a taller step (a runbook whose parameters need values says so above it) is given back
        // once the step shown needs less: an incident's first runbook often is not the one the diagnosis settles
        // on, and the graph and timeline must not stay squeezed for it. Sizes someone else set since (the
        // engineer's drag, the war room's share, a resized window) are theirs: nothing is given back then.
        if (sizes != m_sizesForRunbook)
            m_bottomBeforeRoom.reset();
        int bottom = sizes.at(1);
        if (bottom < want) {
            if (!m_bottomBeforeRoom)
                m_bottomBeforeRoom = bottom;
            bottom = want;
        } else if (m_bottomBeforeRoom && bottom > want) {
            bottom = qMax(want, *m_bottomBeforeRoom);
        }
        if (bottom == sizes.at(1))
            return;
        const int total = sizes.at(0) + sizes.at(1);
        m_rightSplitter->setSizes({qMax(0, total - bottom), bottom});
        m_sizesForRunbook = m_rightSplitter->sizes();
        if (m_bottomBeforeRoom && bottom <= *m_bottomBeforeRoom)
            m_bottomBeforeRoom.reset(); // all given back
    });
}

void MainWindow::toggleRunbooks()
{
    m_bottomTabs->setCurrentIndex(m_bottomTabs->currentIndex() == 0 ? 1 : 0);
}

QWidget* MainWindow::buildAlertsPanel()
{
    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(6, 0, 6, 4);
    layout->setSpacing(4);

    auto* filterRow = new QHBoxLayout;
    m_filterEdit = new QLineEdit(content);
    m_filterEdit->setPlaceholderText(tr("Filter alerts — text, or label=value, label!=value, label=~regex   ( / )"));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setAccessibleName(tr("Alert filter"));
    m_filterStatus = new QLabel(content);
    filterRow->addWidget(m_filterEdit, 1);
    filterRow->addWidget(m_filterStatus);
    layout->addLayout(filterRow);

    m_alertProxy->setSourceModel(m_alertModel);
    m_alertView = new QTableView(content);
    m_alertView->setModel(m_alertProxy);
    m_alertView->setSortingEnabled(true);
    m_alertView->sortByColumn(AlertTableModel::OnsetColumn, Qt::AscendingOrder);
    m_alertView->setAlternatingRowColors(true);
    m_alertView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_alertView->setWordWrap(false);
    m_alertView->setTextElideMode(Qt::ElideRight);
    m_alertView->verticalHeader()->hide();
    m_alertView->verticalHeader()->setDefaultSectionSize(m_alertView->fontMetrics().height() + 8);
    m_alertView->setShowGrid(false);
    m_alertView->setAccessibleName(tr("Alerts of the selected incident"));
    QHeaderView* h = m_alertView->horizontalHeader();
    h->setStretchLastSection(true);
    h->setHighlightSections(false);
    h->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    // Widths from typical content, so common names fit without a resize pass on every snapshot.
    QFont bold = m_alertView->font();
    bold.setBold(true);
    const QFontMetrics fm(bold);
    // The header counts too: translated titles ("Schweregrad") can be wider than the values below them.
    auto fit = [&](int column, const QString& sample) {
        const QString title = m_alertModel->headerData(column, Qt::Horizontal).toString();
        h->resizeSection(column, qMax(fm.horizontalAdvance(sample), fm.horizontalAdvance(title)) + 28); // + sort arrow
    };
    fit(AlertTableModel::AlertNameColumn, u"PostgresTooManyConnections"_s);
    fit(AlertTableModel::ServiceColumn, u"notification-service"_s);
    fit(AlertTableModel::SeverityColumn, u"critical"_s);
    fit(AlertTableModel::StatusColumn, AlertTableModel::tr("resolved"));
    fit(AlertTableModel::OnsetColumn, u"00:00:00"_s);
    fit(AlertTableModel::NotificationsColumn, AlertTableModel::tr("Notif."));
    fit(AlertTableModel::InhibitedColumn, AlertTableModel::tr("inhibited"));
    layout->addWidget(m_alertView, 1);

    connect(m_filterEdit, &QLineEdit::textChanged, m_alertProxy, &AlertFilterProxyModel::setFilterText);
    connect(m_filterEdit, &QLineEdit::textChanged, this, &MainWindow::updateFilterStatus);
    connect(m_alertProxy, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateFilterStatus);
    connect(m_alertProxy, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateFilterStatus);
    connect(m_alertProxy, &QAbstractItemModel::modelReset, this, &MainWindow::updateFilterStatus);
    connect(m_alertProxy, &QAbstractItemModel::layoutChanged, this, &MainWindow::updateFilterStatus);

    // Esc in the filter clears it and hands the keyboard back to the incident list.
    auto* clearFilter = new QAction(m_filterEdit);
    clearFilter->setShortcut(Qt::Key_Escape);
    clearFilter->setShortcutContext(Qt::WidgetShortcut);
    connect(clearFilter, &QAction::triggered, this, [this]() {
        m_filterEdit->clear();
        m_incidentView->setFocus();
    });
    m_filterEdit->addAction(clearFilter);

    return panel(tr("ALERTS"), content, nullptr, &m_alertsTitle);
}

void MainWindow::createActions()
{
    auto add = [this](const QString& text, const QList<QKeySequence>& keys, void (MainWindow::*slot)()) {
        auto* action = new QAction(text, this);
        action->setShortcuts(keys);
        action->setShortcutContext(Qt::WindowShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
        return action;
    };
    // Single-letter shortcuts: QLineEdit claims plain letters while it has focus, so typing a
    // filter never triggers them.
    add(tr("Next incident"), {QKeySequence(Qt::Key_J)}, &MainWindow::selectNextIncident);
    add(tr("Previous incident"), {QKeySequence(Qt::Key_K)}, &MainWindow::selectPreviousIncident);
    add(tr("Acknowledge incident"), {QKeySequence(Qt::Key_A)}, &MainWindow::acknowledgeCurrentIncident);
    add(tr("Mark incident mitigated"), {QKeySequence(Qt::Key_M)}, &MainWindow::mitigateCurrentIncident);
    auto* resolve = new QAction(tr("Resolve incident…"), this);
    resolve->setShortcuts({QKeySequence(Qt::Key_E), QKeySequence(Qt::SHIFT | Qt::Key_R)});
    resolve->setShortcutContext(Qt::WindowShortcut);
    connect(resolve, &QAction::triggered, this, [this] { resolveCurrentIncident(); });
    addAction(resolve);
    add(tr("Filter alerts"), {QKeySequence(Qt::Key_Slash), QKeySequence::Find}, &MainWindow::focusFilter);
    add(tr("Add note"), {QKeySequence(Qt::Key_N)}, &MainWindow::requestNote);
    add(tr("Silence the incident's alerts…"), {QKeySequence(Qt::Key_S)}, &MainWindow::silenceCurrentIncident);
    add(tr("Expire the incident's silence"), {QKeySequence(Qt::SHIFT | Qt::Key_S)},
        &MainWindow::expireSilenceOfCurrentIncident);
    add(tr("Alerts / runbooks"), {QKeySequence(Qt::Key_R)}, &MainWindow::toggleRunbooks);
    // A modifier on the one key that changes production: no stray letter approves anything.
    add(tr("Approve next runbook step"),
        {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)},
        &MainWindow::approveNextRunbookStep);
    add(tr("Show / hide the incident list"), {QKeySequence(Qt::Key_L)}, &MainWindow::toggleIncidentList);
    add(tr("Alert onsets / metrics"), {QKeySequence(Qt::Key_T)}, &MainWindow::toggleChartTab);
    add(tr("Incident history (search, open, replay)"), {QKeySequence(Qt::Key_H)}, &MainWindow::showHistory);
    add(tr("War-room mode"), {QKeySequence(Qt::Key_F11)}, &MainWindow::toggleWarRoom);
    add(tr("Keyboard shortcuts"), {QKeySequence(Qt::Key_Question), QKeySequence(Qt::Key_F1)},
        &MainWindow::showCheatSheet);
    add(tr("On-call health report…"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_H)}, &MainWindow::showReport);
    add(tr("Export postmortem of the incident…"), {QKeySequence(Qt::CTRL | Qt::Key_E)}, &MainWindow::exportPostmortem);
    add(tr("Export the incident as a bundle…"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E)},
        &MainWindow::exportIncidentBundle);

    QAction* dnd = m_notifier->doNotDisturbAction();
    dnd->setShortcut(QKeySequence(Qt::Key_D));
    dnd->setShortcutContext(Qt::WindowShortcut);
    addAction(dnd);
    m_darkAction = new QAction(tr("Dark theme"), this);
    m_darkAction->setCheckable(true);
    m_darkAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    m_darkAction->setShortcutContext(Qt::WindowShortcut);
    connect(m_darkAction, &QAction::toggled, this, &MainWindow::setDarkTheme);
    addAction(m_darkAction);
    m_settingsAction = add(tr("Settings…"), {QKeySequence(Qt::CTRL | Qt::Key_Comma)}, &MainWindow::showSettings);
    m_settingsAction->setToolTip(tr("Sources, graph, runbooks, Prometheus, notifications, LLM triage (Ctrl+,)"));
}

SettingsDialog* MainWindow::settingsDialog() const
{
    return m_settingsDialog.data();
}

void MainWindow::showSettings()
{
    if (m_settingsDialog) {
        m_settingsDialog->raise();
        m_settingsDialog->activateWindow();
        return;
    }
    m_settingsDialog = new SettingsDialog(this);
    m_settingsDialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_settingsDialog, &QDialog::accepted, this, [this] {
        const bool restart = m_settingsDialog->restartNeeded();
        statusBar()->showMessage(restart ? tr("Settings saved. Sources, files and Prometheus take effect at the next "
                                              "start.")
                                         : tr("Settings saved."),
                                 8000);
        Q_EMIT settingsChanged(restart);
    });
    m_settingsDialog->open();
}

void MainWindow::setTriageClient(LlmTriageClient* client)
{
    if (m_triageClient)
        disconnect(m_triageClient, nullptr, this, nullptr);
    m_triageClient = client;
    if (client)
        connect(client, &LlmTriageClient::finished, this, &MainWindow::onTriageFinished);
    resetTriage();
}

void MainWindow::resetTriage()
{
    m_triageAsked.clear();
    m_triageAnswers.clear();
    showCurrentIncident();
}

void MainWindow::updateTriage(const Incident& incident)
{
    QString step;
    if (m_library) {
        const QStringList proposed = m_runbookPanel->proposedRunbookIds();
        if (const Runbook* runbook = proposed.isEmpty() ? nullptr : m_library->find(proposed.first()))
            step = DeterministicTriage::describeFirstStep(*runbook);
    }
    TriageBox* box = m_card->triageBox();
    const auto answer = m_triageAnswers.constFind(incident.key);
    if (answer != m_triageAnswers.cend() && answer->isLlm()) {
        box->showResult(*answer);
        return;
    }
    // The diagnosis' own triage, at once and on every refresh; the model's replaces it if it ever answers.
    TriageResult deterministic = DeterministicTriage::build(incident, step);
    if (answer != m_triageAnswers.cend())
        deterministic.fallbackReason = answer->fallbackReason;
    box->showResult(deterministic);
    if (!m_triageClient || !m_triageClient->isEnabled() || incident.key.isEmpty())
        return;
    if (!m_triageAsked.contains(incident.key))
        m_triageAsked.insert(incident.key, m_triageClient->request(incident, step));
    if (answer == m_triageAnswers.cend())
        box->setStatus(tr("Asking %1 for an advisory triage…").arg(m_triageClient->config().model));
}

void MainWindow::onTriageFinished(quint64 id, const QString& key, const TriageResult& result)
{
    if (m_triageAsked.value(key) != id)
        return; // asked before a reset: another endpoint or model
    m_triageAnswers.insert(key, result);
    if (key == m_currentKey)
        showCurrentIncident();
}

void MainWindow::setUpTabOrder()
{
    // Tab walks the screen as it reads: list, the card's action, graph, charts, then the lower area.
    const QList<QWidget*> order = {m_incidentView,
                                   m_card->acknowledgeButton(),
                                   m_card->mitigateButton(),
                                   m_card->resolveButton(),
                                   m_graphView,
                                   m_chartTabs,
                                   m_bottomTabs,
                                   m_filterEdit,
                                   m_alertView,
                                   m_runbookPanel};
    for (qsizetype i = 1; i < order.size(); ++i)
        setTabOrder(order.at(i - 1), order.at(i));
}

void MainWindow::applyTheme()
{
    // The application's too: a widget styled by a style sheet (the panels' frames, war-room type) takes its
    // colours from the application palette, not its parent's, and wrote black on the dark chrome.
    QApplication::setPalette(Theme::windowPalette());
    setPalette(Theme::windowPalette());
    m_darkAction->setChecked(Theme::scheme() == Theme::Scheme::Dark);
    const QString secondary = Theme::secondaryText().name();
    // Every panel the chrome's, the alert table's too: its frame was once white paper in the dark scheme, which
    // left a white rim and a white filter row around the dark table.
    for (QFrame* frame : findChildren<QFrame*>(PanelName))
        frame->setStyleSheet(u"QFrame#panel { background: %1; border: 1px solid %2; border-radius: 4px; }"_s.arg(
            Theme::panelBackground().name(), Theme::chromeBorder().name()));
    m_bottomTabs->setPalette(Theme::windowPalette());
    m_bottomTabs->setAutoFillBackground(true); // its pages do not paint: the chrome would show through
    m_runbookPanel->applyTheme();
    m_metricsView->applyTheme();
    for (QLabel* caption : findChildren<QLabel*>(CaptionName))
        caption->setStyleSheet(
            u"color: %1; font-weight: 700; font-size: 8pt; letter-spacing: 1px; padding-left: 8px;"_s.arg(secondary));
    m_filterStatus->setStyleSheet(u"color: %1;"_s.arg(secondary));
    m_countsLabel->setStyleSheet(
        u"font-size: 13pt; font-weight: 700; color: %1; padding-left: 10px;"_s.arg(Theme::text().name()));
    m_countsDetail->setStyleSheet(u"color: %1; padding-left: 10px; padding-bottom: 4px;"_s.arg(secondary));
    m_emptyList->setStyleSheet(u"color: %1; padding: 24px 8px;"_s.arg(secondary));
    m_keysLabel->setStyleSheet(u"color: %1;"_s.arg(secondary));
    m_card->setPresentation(m_warRoom->isActive(), m_warRoom->fontScale());
    m_warRoom->rescaleStyleSheets();
    showCurrentIncident();
}

void MainWindow::setDarkTheme(bool dark)
{
    const Theme::Scheme want = dark ? Theme::Scheme::Dark : Theme::Scheme::Light;
    if (want == Theme::scheme())
        return;
    Theme::setScheme(want);
    applyTheme();
}

void MainWindow::toggleWarRoom()
{
    m_warRoom->toggle();
}

void MainWindow::showCheatSheet()
{
    if (!m_cheatSheet)
        m_cheatSheet = new ShortcutCheatSheet(this, this);
    m_cheatSheet->refresh();
    m_cheatSheet->show();
    m_cheatSheet->raise();
    m_cheatSheet->activateWindow();
}

void MainWindow::setDatabasePath(const QString& path)
{
    m_databasePath = path;
    if (!m_exporter) {
        m_exporter = new IncidentExporter(this);
        connect(m_exporter, &IncidentExporter::finished, this, [this](bool ok, const QString& message) {
            statusBar()->showMessage(ok ? tr("Saved %1").arg(message) : tr("Export failed: %1").arg(message), 8000);
        });
    }
    m_exporter->setDatabasePath(path);
}

void MainWindow::showReport()
{
    if (m_databasePath.isEmpty()) {
        statusBar()->showMessage(tr("No database: the report reads the incident history"), 6000);
        return;
    }
    if (!m_reportDialog)
        m_reportDialog = new ReportDialog(m_databasePath, this);
    else
        m_reportDialog->refresh(); // the history grew since it was last shown
    m_reportDialog->show();
    m_reportDialog->raise();
    m_reportDialog->activateWindow();
}

void MainWindow::setSilencer(IncidentSilencer* silencer)
{
    m_silencer = silencer;
    if (silencer)
        connect(silencer, &IncidentSilencer::message, this, [this](const QString& text) {
            statusBar()->showMessage(text, 10'000);
            showCurrentIncident(); // the card title says until when
        });
}

const Incident* MainWindow::silenceTarget(const QString& noneSelected)
{
    const Incident* incident = m_incidentModel->incidentAt(m_incidentModel->rowOfKey(m_currentKey));
    if (!m_silencer || !incident) {
        statusBar()->showMessage(
            m_silencer ? noneSelected : tr("No Alertmanager configured to silence in (--alertmanager)"), 6000);
        return nullptr;
    }
    return incident;
}

void MainWindow::silenceCurrentIncident()
{
    if (const Incident* incident = silenceTarget(tr("Select an incident to silence its alerts")))
        m_silencer->silence(*incident, this);
}

void MainWindow::expireSilenceOfCurrentIncident()
{
    if (const Incident* incident = silenceTarget(tr("Select an incident to expire its silence")))
        m_silencer->expire(*incident);
}

void MainWindow::exportPostmortem()
{
    const qint64 id = currentIncidentId();
    if (!m_exporter || id <= 0) {
        statusBar()->showMessage(tr("Select a stored incident to export its postmortem"), 6000);
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Export postmortem"), u"postmortem-%1.md"_s.arg(id),
                                                      tr("Markdown (*.md);;HTML (*.html)"));
    if (!path.isEmpty())
        m_exporter->exportIncident(id, IncidentExporter::Kind::Postmortem, path);
}

void MainWindow::exportIncidentBundle()
{
    const qint64 id = currentIncidentId();
    if (!m_exporter || id <= 0) {
        statusBar()->showMessage(tr("Select a stored incident to export it"), 6000);
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Export incident bundle"),
                                                      u"incident-%1.nightwatch.json"_s.arg(id), tr("JSON (*.json)"));
    if (!path.isEmpty())
        m_exporter->exportIncident(id, IncidentExporter::Kind::Bundle, path);
}

void MainWindow::approveNextRunbookStep()
{
    // Never approve a step the engineer cannot see: the first press brings the runbook into view.
    if (m_bottomTabs->currentIndex() != 1) {
        m_bottomTabs->setCurrentIndex(1);
        statusBar()->showMessage(tr("Runbook shown: press Ctrl+Enter again to approve its next step"), 6000);
        return;
    }
    if (!m_runbookPanel->approveNextStep())
        statusBar()->showMessage(tr("No runbook step is waiting for approval"), 4000);
}

void MainWindow::toggleIncidentList()
{
    m_incidentPanel->setVisible(!m_incidentPanel->isVisible());
    if (m_incidentPanel->isVisible())
        m_incidentView->setFocus(Qt::ShortcutFocusReason);
}

void MainWindow::setHistoryDatabase(const QString& path)
{
    m_historyPath = path;
}

void MainWindow::showHistory()
{
    if (m_historyPath.isEmpty()) {
        statusBar()->showMessage(tr("No database to search: the history browser needs the console's database."), 5000);
        return;
    }
    if (!m_history || m_history->databasePath() != m_historyPath) {
        delete m_history;
        m_history = new HistoryBrowser(m_historyPath, this);
    }
    m_history->show();
    m_history->raise();
    m_history->activateWindow();
    m_history->focusSearch();
}

void MainWindow::toggleChartTab()
{
    if (m_chartTabs->isTabVisible(1))
        m_chartTabs->setCurrentIndex(m_chartTabs->currentIndex() == 0 ? 1 : 0);
}

QString MainWindow::countsText() const
{
    return m_countsLabel->text();
}

qint64 MainWindow::currentIncidentId() const
{
    const Incident* incident = m_incidentModel->incidentAt(m_incidentModel->rowOfKey(m_currentKey));
    return incident ? incident->id : 0;
}

bool MainWindow::selectIncident(const QString& key)
{
    const int row = m_incidentModel->rowOfKey(key);
    if (row < 0)
        return false;
    m_incidentView->setCurrentIndex(m_incidentModel->index(row, IncidentListModel::RootCauseColumn));
    return true;
}

void MainWindow::postSnapshot(IncidentSnapshotPtr snapshot)
{
    m_posted = std::move(snapshot); // latest wins: an older one not yet shown never will be
    m_hasPosted = true;
    if (m_postTimer->isActive())
        return;
    constexpr qint64 frameMs = 16;
    const qint64 wait = m_sinceApplied.isValid() ? m_applyMs + frameMs - m_sinceApplied.elapsed() : 0;
    m_postTimer->start(int(std::clamp<qint64>(wait, 0, 1000)));
}

void MainWindow::applyPostedSnapshot()
{
    if (!m_hasPosted)
        return;
    m_hasPosted = false;
    QElapsedTimer cost;
    cost.start();
    // The views that read every alert of the incident work on a worker and catch up when done.
    const QScopedValueRollback<bool> live(m_live, true);
    setSnapshot(std::exchange(m_posted, nullptr));
    m_applyMs = cost.elapsed();
    m_sinceApplied.start();
}

void MainWindow::setSnapshot(IncidentSnapshotPtr snapshot)
{
    // Freed at the end, on a pool thread: in a storm the previous snapshot is the last owner of most of its alerts.
    IncidentSnapshotPtr retired = std::exchange(m_snapshot, std::move(snapshot));
    const auto release = qScopeGuard([&] {
        if (retired)
            BackgroundPool::dispose(std::move(retired));
    });
    const IncidentSnapshot empty;
    const IncidentSnapshot& s = m_snapshot ? *m_snapshot : empty;

    const QString keep = m_currentKey; // the view's current row may move while the rows change
    {
        // Rows moving under the view are not the engineer's choice.
        const QScopedValueRollback<bool> auto_(m_autoSelect, true);
        m_incidentModel->setIncidents(s.incidents);
    }
    m_sourceModel->setSources(s.sources);

    qint64 alerts = s.alertCount;
    qint64 notifications = s.notificationCount;
    if (alerts == 0) { // a snapshot without totals: count what the incidents hold
        for (const Incident& incident : s.incidents) {
            alerts += incident.alerts.size();
            notifications += incident.notificationCount;
        }
    }
    int open = 0;
    for (const Incident& incident : s.incidents)
        open += incident.isOpen() ? 1 : 0;
    m_countsLabel->setText(tr("%n alert(s)", nullptr, alerts) + u" → "_s +
                           tr("%n incident(s)", nullptr, int(s.incidents.size())));
    m_countsDetail->setText(tr("%n notification(s)", nullptr, notifications) + u" · "_s + tr("%1 open").arg(open));
    setWindowTitle(open > 0 ? tr("Nightwatch — %n open incident(s)", nullptr, open) : tr("Nightwatch"));
    m_updatedLabel->setText(tr("Snapshot at %1").arg(QDateTime::currentDateTime().toString(u"HH:mm:ss"_s)));
    m_notifier->setSnapshot(m_snapshot);

    // Keep the engineer on the incident they picked; until they pick one (or once it is gone), follow the worst.
    int row = m_pinned ? m_incidentModel->rowOfKey(keep) : -1;
    if (row < 0) {
        m_pinned = false;
        row = m_incidentModel->rowOfKey(followedIncidentKey());
    }
    setCurrentRow(row);
    const QModelIndex want = m_incidentModel->index(row, IncidentListModel::RootCauseColumn);
    m_currentKey = want.isValid() ? want.data(IncidentListModel::IncidentKeyRole).toString() : QString();
    showCurrentIncident();
    if (m_warRoom->isActive()) // the source chips restyle themselves on every snapshot
        m_warRoom->rescaleStyleSheets();
}

QString MainWindow::followedIncidentKey() const
{
    // What a page is about: open and nobody on it yet, then the most severe, then the newest (the list order).
    const Incident* best = nullptr;
    for (int row = 0; row < m_incidentModel->rowCount(); ++row) {
        const Incident* incident = m_incidentModel->incidentAt(row);
        if (!incident || !incident->isOpen())
            continue;
        const bool waiting = incident->state == Incident::State::Triggered;
        if (!best || (waiting && best->state != Incident::State::Triggered) ||
            (waiting == (best->state == Incident::State::Triggered) &&
             incident->severityLevel() > best->severityLevel()))
            best = incident;
    }
    if (!best)
        best = m_incidentModel->incidentAt(0);
    return best ? IncidentListModel::incidentKey(*best) : QString();
}

void MainWindow::setCurrentRow(int row)
{
    const QModelIndex want = m_incidentModel->index(row, IncidentListModel::RootCauseColumn);
    if (!want.isValid() || m_incidentView->currentIndex() == want)
        return;
    const QScopedValueRollback<bool> auto_(m_autoSelect, true);
    m_incidentView->setCurrentIndex(want); // triggers onCurrentIncidentChanged
}

void MainWindow::onCurrentIncidentChanged()
{
    const QModelIndex current = m_incidentView->currentIndex();
    const QString key = current.isValid() ? current.data(IncidentListModel::IncidentKeyRole).toString() : QString();
    if (!m_autoSelect && current.isValid())
        m_pinned = true; // a click, j/k or a notification: the engineer chose
    if (key == m_currentKey)
        return;
    m_currentKey = key;
    // While the pipeline streams snapshots, an incident picked in the list is drawn as the next snapshot would draw
    // it, by workers: read on the GUI thread, its alerts held the window longer than any snapshot in a storm.
    const QScopedValueRollback<bool> live(m_live, m_live || streaming());
    showCurrentIncident();
    m_alertView->scrollToTop();
}

bool MainWindow::streaming() const
{
    constexpr qint64 quietMs = 2000; // a pipeline at rest publishes when something changes, not on a clock
    return m_sinceApplied.isValid() && m_sinceApplied.elapsed() < quietMs;
}

void MainWindow::showCurrentIncident()
{
    const QScopedValueRollback<bool> showing(m_inShowIncident, true);
    const Incident* incident = m_incidentModel->incidentAt(m_incidentModel->rowOfKey(m_currentKey));
    const bool any = m_incidentModel->rowCount() > 0;
    m_emptyList->setVisible(!any);
    m_incidentView->setVisible(any);
    if (!incident) {
        // An empty list is only good news when every source is live; otherwise say which one is not.
        const FeedStatus feed = FeedStatus::of(m_snapshot ? m_snapshot->sources : QVector<SourceHealth>());
        if (any)
            m_card->clear();
        else if (feed.allLive)
            m_card->clear(tr("No open incidents"));
        else
            m_card->clear(feed.headline, feed.detail);
        m_alertModel->setAlerts({});
        m_alertModel->setRootCause({});
        m_graphView->clear();
        m_timelineView->clear();
        m_runbookPanel->clear();
        m_metricsView->clear();
        m_metricsKey.clear();
        setTabText(m_bottomTabs, 1, tr("Runbooks"));
        m_alertsTitle->setText(tr("ALERTS"));
        m_cardTitle->setText(tr("INCIDENT"));
        m_expireSilenceButton->hide();
        updateFilterStatus();
        return;
    }
    const RootCauseCandidate* top = incident->topCause();
    const IncidentMemory memory = m_snapshot ? m_snapshot->memory.value(incident->key) : IncidentMemory();
    m_card->setIncident(*incident);
    m_card->setMemory(memory);
    m_alertModel->setRootCause(top ? top->service : QString());
    m_alertModel->setAlerts(incident->alerts);
    if (m_live)
        m_graphView->showIncidentLater(m_snapshot ? m_snapshot->graph : nullptr, *incident);
    else
        m_graphView->showIncident(m_snapshot ? m_snapshot->graph : nullptr, *incident);
    const QVector<ChangeEvent> changes = m_snapshot ? m_snapshot->changes : QVector<ChangeEvent>();
    const QVector<RunbookRun> runs = m_snapshot ? m_snapshot->runbookRuns.value(incident->id) : QVector<RunbookRun>();
    if (m_live)
        m_timelineView->showIncidentLater(*incident, changes, runs);
    else
        m_timelineView->showIncident(*incident, changes, runs);
    if (m_live)
        m_runbookPanel->setIncidentLater(*incident, memory);
    else
        m_runbookPanel->setIncident(*incident);
    updateTriage(*incident);
    if (m_metrics && (incident->key != m_metricsKey || incident->alerts.size() != m_metricsAlerts)) {
        // Asked again when the incident changes or grows, not on every refresh of the same picture.
        m_metricsKey = incident->key;
        m_metricsAlerts = incident->alerts.size();
        m_metricsView->setIncident(*incident, m_snapshot ? m_snapshot->changes : QVector<ChangeEvent>());
        m_metrics->setGraph(m_snapshot ? m_snapshot->graph : nullptr);
        m_metrics->load(*incident);
    }
    updateRunbookTab();
    m_alertsTitle->setText(tr("ALERTS OF INCIDENT #%1").arg(incident->id));
    const QDateTime silencedUntil = m_silencer ? m_silencer->silencedUntil(incident->key) : QDateTime();
    const bool silenced = silencedUntil > QDateTime::currentDateTimeUtc();
    m_cardTitle->setText(silenced
                             ? tr("INCIDENT #%1 · SILENCED UNTIL %2")
                                   .arg(incident->id)
                                   .arg(QLocale().toString(silencedUntil.toLocalTime().time(), QLocale::ShortFormat))
                             : tr("INCIDENT #%1").arg(incident->id));
    m_expireSilenceButton->setVisible(silenced && !m_silencer->silenceIds(incident->key).isEmpty());
    updateFilterStatus();
}

void MainWindow::updateRunbookTab()
{
    const int proposed = int(m_runbookPanel->proposedRunbookIds().size());
    setTabText(m_bottomTabs, 1, proposed > 0 ? tr("Runbooks (%1)").arg(proposed) : tr("Runbooks"));
}

void MainWindow::onProposalsChanged()
{
    // Proposals worked out on a worker arrive after the rest of the incident: the tab's count and the triage's first
    // step follow them.
    if (m_inShowIncident)
        return; // showCurrentIncident does both itself
    updateRunbookTab();
    if (const Incident* incident = m_incidentModel->incidentAt(m_incidentModel->rowOfKey(m_currentKey)))
        updateTriage(*incident);
}

void MainWindow::updateFilterStatus()
{
    const int shown = m_alertProxy->rowCount();
    const int total = m_alertModel->rowCount();
    m_filterStatus->setText(shown == total ? tr("%n alert(s)", nullptr, total)
                                           : tr("%1 of %n alert(s)", nullptr, total).arg(shown));
    restyle(m_filterEdit, m_alertProxy->isFilterValid() ? QString() : u"QLineEdit { border: 2px solid #C62828; }"_s);
}

void MainWindow::selectNextIncident()
{
    const int rows = m_incidentModel->rowCount();
    if (rows == 0)
        return;
    const QModelIndex current = m_incidentView->currentIndex();
    const int row = current.isValid() ? qMin(current.row() + 1, rows - 1) : 0;
    m_incidentView->setCurrentIndex(m_incidentModel->index(row, IncidentListModel::RootCauseColumn));
}

void MainWindow::selectPreviousIncident()
{
    const int rows = m_incidentModel->rowCount();
    if (rows == 0)
        return;
    const QModelIndex current = m_incidentView->currentIndex();
    const int row = current.isValid() ? qMax(current.row() - 1, 0) : 0;
    m_incidentView->setCurrentIndex(m_incidentModel->index(row, IncidentListModel::RootCauseColumn));
}

void MainWindow::acknowledgeCurrentIncident()
{
    const Incident* incident = m_incidentModel->incidentAt(m_incidentModel->rowOfKey(m_currentKey));
    if (!incident || incident->id == 0 || incident->state != Incident::State::Triggered)
        return;
    m_pinned = true; // the engineer is on it: acknowledging must not move the console to the next page
    statusBar()->showMessage(tr("Acknowledgement of incident #%1 requested").arg(incident->id), 4000);
    Q_EMIT acknowledgeRequested(incident->id);
}

void MainWindow::mitigateCurrentIncident()
{
    const Incident* incident = m_incidentModel->incidentAt(m_incidentModel->rowOfKey(m_currentKey));
    if (!incident || incident->id == 0 ||
        (incident->state != Incident::State::Triggered && incident->state != Incident::State::Acknowledged))
        return;
    statusBar()->showMessage(tr("Incident #%1 marked mitigated").arg(incident->id), 4000);
    Q_EMIT mitigateRequested(incident->id);
}

ResolveDialog* MainWindow::resolveCurrentIncident()
{
    const Incident* incident = m_incidentModel->incidentAt(m_incidentModel->rowOfKey(m_currentKey));
    if (!incident || incident->id == 0 || incident->state == Incident::State::Resolved)
        return nullptr;
    if (auto* open = findChild<ResolveDialog*>(); open && open->isVisible()) {
        open->raise();
        open->activateWindow();
        return open;
    }
    const QVector<RunbookLibrary::Proposal> proposals =
        m_library ? m_library->propose(*incident) : QVector<RunbookLibrary::Proposal>();
    auto* dialog = new ResolveDialog(*incident, proposals, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const qint64 id = incident->id;
    connect(dialog, &QDialog::accepted, this, [this, dialog, id] {
        statusBar()->showMessage(tr("Incident #%1 resolved").arg(id), 4000);
        Q_EMIT resolveRequested(id, dialog->resolution());
    });
    dialog->open();
    return dialog;
}

void MainWindow::focusFilter()
{
    m_filterEdit->setFocus(Qt::ShortcutFocusReason);
    m_filterEdit->selectAll();
}

void MainWindow::requestNote()
{
    const qint64 id = currentIncidentId();
    if (id == 0)
        return;
    bool ok = false;
    const QString note = QInputDialog::getMultiLineText(this, tr("Note on incident #%1").arg(id), tr("Note:"), {}, &ok);
    if (ok && !note.trimmed().isEmpty())
        Q_EMIT noteRequested(id, note.trimmed());
}

bool MainWindow::saveScreenshot(const QString& path)
{
    if (std::exchange(m_hasPosted, false)) // the latest state, not the one before it, all of it drawn at once
        setSnapshot(std::exchange(m_posted, nullptr));
    if (!isVisible())
        show();
    QCoreApplication::processEvents();
    const auto waitFor = [](auto* view, auto finished, auto pending) {
        if (!(view->*pending)())
            return;
        QEventLoop loop;
        connect(view, finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(5000, &loop, &QEventLoop::quit);
        if ((view->*pending)()) // it may have finished during processEvents above
            loop.exec();
    };
    waitFor(m_graphView, &GraphView::layoutFinished, &GraphView::isLayoutPending);
    waitFor(m_timelineView, &TimelineChartView::planShown, &TimelineChartView::isPlanPending);
    QCoreApplication::processEvents();
    const QPixmap pixmap = grab();
    return !pixmap.isNull() && pixmap.save(path, "PNG");
}
