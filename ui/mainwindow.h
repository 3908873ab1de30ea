#pragma once
// MainWindow: the incident console. Shows the latest IncidentSnapshot published by the pipeline:
// incident list on the left; the selected incident's summary card, dependency graph and onset
// timeline side by side with its alerts table below; source health in the header strip. It only
// reads snapshots and emits what the engineer decides; it never touches SQL or sockets.

#include "model/incidentsnapshot.h"
#include "model/resolution.h"
#include "model/runbookrun.h"

#include "triage/triageresult.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMainWindow>
#include <QPointer>

#include <optional>

class AlertFilterProxyModel;
class HistoryBrowser;
class DesktopNotifier;
class QFrame;
class ShortcutCheatSheet;
class WarRoomMode;
class AlertTableModel;
class GraphView;
class IncidentExporter;
class IncidentListModel;
class ReportDialog;
class IncidentSummaryCard;
class QLabel;
class QPushButton;
class QLineEdit;
class QListView;
class QTableView;
class QSplitter;
class QTabWidget;
class QTimer;
class IncidentMetrics;
class IncidentSilencer;
class LlmTriageClient;
class SettingsDialog;
class MetricChartsView;
class RunbookLibrary;
class RunbookPanel;
class ResolveDialog;
class SourceHealthBar;
class SourceHealthModel;
class TimelineChartView;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    IncidentSnapshotPtr snapshot() const { return m_snapshot; }
    qint64 currentIncidentId() const; // 0 when nothing is selected
    QString currentIncidentKey() const { return m_currentKey; }
    bool selectIncident(const QString& key); // as the engineer would: the console stops following
    // True once the engineer picked an incident; until then the console follows followedIncidentKey().
    bool selectionPinned() const { return m_pinned; }

    // Waits (events keep flowing) for a pending graph layout, at most 5 s, then grabs the window to a PNG.
    bool saveScreenshot(const QString& path);

    // For tests and automation; the window owns all of these.
    IncidentListModel* incidentModel() const { return m_incidentModel; }
    AlertTableModel* alertModel() const { return m_alertModel; }
    AlertFilterProxyModel* alertProxy() const { return m_alertProxy; }
    SourceHealthModel* sourceModel() const { return m_sourceModel; }
    QListView* incidentView() const { return m_incidentView; }
    QTableView* alertView() const { return m_alertView; }
    QLineEdit* filterEdit() const { return m_filterEdit; }
    IncidentSummaryCard* summaryCard() const { return m_card; }
    GraphView* graphView() const { return m_graphView; }
    TimelineChartView* timelineView() const { return m_timelineView; }
    SourceHealthBar* sourceBar() const { return m_sourceBar; }
    RunbookPanel* runbookPanel() const { return m_runbookPanel; }
    QTabWidget* bottomTabs() const { return m_bottomTabs; }
    QSplitter* rightSplitter() const { return m_rightSplitter; } // the top row over the bottom tabs
    void setRunbookLibrary(RunbookLibrary* library); // not owned
    // Prometheus behind the incident: not owned; null (the default) hides the metrics tab.
    void setIncidentMetrics(IncidentMetrics* metrics);
    MetricChartsView* metricsView() const { return m_metricsView; }
    QTabWidget* chartTabs() const { return m_chartTabs; }
    QString countsText() const;
    WarRoomMode* warRoom() const { return m_warRoom; }
    DesktopNotifier* notifier() const { return m_notifier; }
    ShortcutCheatSheet* cheatSheet() const { return m_cheatSheet; } // null until first shown
    // The advisory LLM triage in the card (not owned; null: deterministic only). Asked once per incident.
    void setTriageClient(LlmTriageClient* client);
    // Forgets the LLM answers and asks again (the endpoint or model changed).
    void resetTriage();
    SettingsDialog* settingsDialog() const; // while open, else null
    QAction* settingsAction() const { return m_settingsAction; }
    // The database the report and the exports read (their own read connections, off the GUI thread).
    void setDatabasePath(const QString& path);
    ReportDialog* reportDialog() const { return m_reportDialog; } // null until first shown
    IncidentExporter* exporter() const { return m_exporter; }
    // The database the history browser searches (its own read-only connection); empty: no history browser.
    void setHistoryDatabase(const QString& path);
    HistoryBrowser* historyBrowser() const { return m_history; } // null until first shown
    // `s` silences the selected incident's alerts through it (not owned; null: no Alertmanager to silence in).
    void setSilencer(IncidentSilencer* silencer);

public Q_SLOTS:
    void setSnapshot(IncidentSnapshotPtr snapshot); // applies it now
    // For the live pipeline: keeps only the latest snapshot and applies it at most once a frame, waiting after each
    // apply as long as it took, so the GUI thread stays responsive however fast snapshots are published.
    void postSnapshot(IncidentSnapshotPtr snapshot);
    void selectNextIncident();
    void selectPreviousIncident();
    void acknowledgeCurrentIncident();
    void mitigateCurrentIncident();
    // Opens the resolve dialog (non-blocking) for the incident shown; its answer leaves as resolveRequested.
    // Returns the dialog (owned by the window, deleted when closed), null when nothing can be resolved.
    ResolveDialog* resolveCurrentIncident();
    void focusFilter();
    void toggleRunbooks(); // the bottom area between the alerts table and the runbook panel
    void toggleWarRoom();
    void showCheatSheet();
    void showHistory(); // the offline review window: search past incidents, open one, replay it
    // Shows the runbook tab first; once it is in view, approves its next step (as its button would).
    void approveNextRunbookStep();
    void toggleIncidentList();
    void toggleChartTab(); // onsets ↔ metrics
    void setDarkTheme(bool dark);
    void showSettings(); // Ctrl+, ; the dialog is window-modal and saves to QSettings on OK
    void showReport();             // the on-call health report (Ctrl+Shift+H)
    void silenceCurrentIncident(); // `s`: duration and comment, then silences in Alertmanager
    void expireSilenceOfCurrentIncident(); // Shift+S or the card's button: expires those silences
    void exportPostmortem();       // the selected incident as a postmortem draft, to a chosen file (Ctrl+E)
    void exportIncidentBundle();   // the selected incident as a JSON bundle (Ctrl+Shift+E)

Q_SIGNALS:
    void acknowledgeRequested(qint64 incidentId);
    void mitigateRequested(qint64 incidentId);
    void resolveRequested(qint64 incidentId, const Resolution& resolution);
    void noteRequested(qint64 incidentId, const QString& note);
    void escalationRequested(qint64 incidentId, const QString& note);
    void runbookRunFinished(const RunbookRun& run); // every attempt, for the audit
    void settingsChanged(bool restartNeeded);       // saved by the settings dialog: re-read what applies live

private:
    QWidget* buildIncidentPanel();
    QWidget* buildAlertsPanel();
    QWidget* buildRunbookPanel();
    void createActions();
    void onCurrentIncidentChanged();
    void showCurrentIncident();
    void updateFilterStatus();
    void updateRunbookTab(); // "Runbooks (N)": how many the panel proposes
    void onProposalsChanged();
    // The incident shown, when there is an Alertmanager to silence in; otherwise says why not (noneSelected, or
    // that none is configured) and returns null.
    const Incident* silenceTarget(const QString& noneSelected);
    QString followedIncidentKey() const; // the most severe unacknowledged open incident, else the top row
    void setCurrentRow(int row);         // programmatic: does not pin the selection
    void requestNote();
    void applyTheme(); // Theme's current scheme on the chrome and its panels
    void setUpTabOrder();
    void makeRoomForRunbook(); // deferred: the runbook tab gets the height its step awaiting approval needs
    void updateTriage(const Incident& incident);
    void onTriageFinished(quint64 id, const QString& key, const TriageResult& result);

    void applyPostedSnapshot();

    IncidentSnapshotPtr m_snapshot;
    IncidentSnapshotPtr m_posted; // the latest snapshot posted and not yet applied
    bool m_hasPosted = false;
    QTimer* m_postTimer = nullptr;
    QElapsedTimer m_sinceApplied; // since the last posted snapshot was applied
    qint64 m_applyMs = 0;         // and how long applying it took
    bool m_inShowIncident = false;
    bool m_live = false;          // applying a posted snapshot: the views that read every alert do it on a worker
    bool streaming() const;       // posted snapshots arrive (a live pipeline, a storm): a selection is live too
    QString m_currentKey;
    bool m_pinned = false;      // the engineer chose m_currentKey: keep it while it exists
    bool m_autoSelect = false;  // the console itself is moving the selection

    IncidentListModel* m_incidentModel = nullptr;
    AlertTableModel* m_alertModel = nullptr;
    AlertFilterProxyModel* m_alertProxy = nullptr;
    SourceHealthModel* m_sourceModel = nullptr;

    QListView* m_incidentView = nullptr;
    QLabel* m_countsLabel = nullptr;
    QLabel* m_countsDetail = nullptr;
    QLabel* m_emptyList = nullptr;
    SourceHealthBar* m_sourceBar = nullptr;
    IncidentSummaryCard* m_card = nullptr;
    GraphView* m_graphView = nullptr;
    TimelineChartView* m_timelineView = nullptr;
    QTableView* m_alertView = nullptr;
    QLineEdit* m_filterEdit = nullptr;
    QLabel* m_filterStatus = nullptr;
    QLabel* m_alertsTitle = nullptr;
    QLabel* m_cardTitle = nullptr;
    QLabel* m_updatedLabel = nullptr;
    QTabWidget* m_bottomTabs = nullptr;
    QTabWidget* m_chartTabs = nullptr;
    QSplitter* m_topSplitter = nullptr;
    QSplitter* m_rightSplitter = nullptr;
    // makeRoomForRunbook's: the bottom pane's height before it took room for a step, and the sizes it set then.
    std::optional<int> m_bottomBeforeRoom;
    QList<int> m_sizesForRunbook;
    MetricChartsView* m_metricsView = nullptr;
    IncidentMetrics* m_metrics = nullptr;
    QString m_metricsKey;          // incident whose metrics were last asked for
    qsizetype m_metricsAlerts = 0; // and how many alerts it had then: refreshes alone do not re-query
    RunbookPanel* m_runbookPanel = nullptr;
    QPointer<RunbookLibrary> m_library; // its history hook reads our snapshot: unhooked when we go
    QWidget* m_header = nullptr;
    QLabel* m_brand = nullptr;
    QLabel* m_keysLabel = nullptr;
    QWidget* m_incidentPanel = nullptr;
    WarRoomMode* m_warRoom = nullptr;
    DesktopNotifier* m_notifier = nullptr;
    ShortcutCheatSheet* m_cheatSheet = nullptr;
    QString m_historyPath;
    HistoryBrowser* m_history = nullptr; // child window, created on first use
    QAction* m_darkAction = nullptr;
    QAction* m_settingsAction = nullptr;
    QPointer<SettingsDialog> m_settingsDialog;
    LlmTriageClient* m_triageClient = nullptr;
    IncidentSilencer* m_silencer = nullptr;
    QPushButton* m_expireSilenceButton = nullptr; // on the card, while the incident is silenced from here
    QHash<QString, quint64> m_triageAsked;       // incident key → the request asked for it
    QHash<QString, TriageResult> m_triageAnswers; // incident key → the model's answer, or why there is none
    QString m_databasePath;
    ReportDialog* m_reportDialog = nullptr;
    IncidentExporter* m_exporter = nullptr;
};
