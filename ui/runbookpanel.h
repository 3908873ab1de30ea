#pragma once
// RunbookPanel: the runbooks proposed for the current incident and, for the one chosen, its parameters and
// its steps as cards. A step runs only when the engineer clicks its "Approve & run": that click mints an
// approval token for exactly the arguments shown and runs that one step (no "run all"); its output streams
// into the pane, its state follows. Every attempt, skip and refusal leaves as auditRecord for the owner
// of the store to keep; the panel itself never writes anywhere but the step's log file.

#include "model/incident.h"
#include "model/incidentmemory.h"
#include "model/runbookrun.h"
#include "pipeline/latestjobrunner.h"
#include "runbook/resolvedrunbook.h"
#include "runbook/runbooklibrary.h"
#include "runbookstepmodel.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QScrollArea;
class QSplitter;
class QVBoxLayout;
class RunbookOutputPane;
class RunbookParamForm;
class RunbookStepCard;
class StepExecutor;

class RunbookPanel : public QWidget
{
    Q_OBJECT
public:
    explicit RunbookPanel(QWidget* parent = nullptr);
    ~RunbookPanel() override;

    void setLibrary(RunbookLibrary* library); // not owned; the proposals follow its changed()
    // The same incident again (a refresh) keeps the chosen runbook, typed values and step states.
    void setIncident(const Incident& incident);
    // The same, for the live console: a refresh of the incident shown has its proposals worked out on a worker (each
    // runbook reads every alert, a storm's incident has thousands) and shown when done; requests made meanwhile
    // coalesce into the latest. Another incident is shown at once, as setIncident. memory: the incident's, whose
    // record of each runbook on similar incidents ranks the proposals (historyVerdict).
    void setIncidentLater(const Incident& incident, const IncidentMemory& memory);
    bool isProposing() const { return m_proposer.isRunning(); }
    void clear();
    // How a runbook did on incidents like this one, as the incident's memory records it: the library's history score.
    static RunbookLibrary::HistoryVerdict historyVerdict(const IncidentMemory& memory, const Runbook& runbook);

    qint64 incidentId() const { return m_incident.id; }
    QString currentRunbookId() const;
    QStringList proposedRunbookIds() const;
    bool selectRunbook(const QString& id); // any runbook of the library, proposed or not

    // For the owner (log directory, grace period) and for tests; the panel owns all of these.
    StepExecutor* executor() const { return m_executor; }
    RunbookStepModel* stepModel() const { return m_model; }
    RunbookParamForm* paramForm() const { return m_params; }
    RunbookOutputPane* outputPane() const { return m_output; }
    RunbookStepCard* stepCard(int row) const;
    QComboBox* runbookCombo() const { return m_combo; }
    QLineEdit* escalationNote() const { return m_note; }
    QPushButton* escalateButton() const { return m_escalate; }
    QString lastDryRun() const { return m_lastDryRun; }
    // The step the engineer acts on next (the first not passed or skipped; running counts), null when none.
    // It is kept in view with its command and Approve button, whatever the panel's height.
    RunbookStepCard* awaitingCard() const;
    QScrollArea* stepScroll() const { return m_scroll; }

public Q_SLOTS:
    // Restyles the panel, its form and its cards in the current scheme (Theme::scheme(), high contrast).
    void applyTheme();
    // The keyboard's "Approve & run": the first step whose button is enabled, exactly as if clicked.
    // Returns false (and does nothing) when no step can be approved right now.
    bool approveNextStep();

Q_SIGNALS:
    // Every finished attempt (run, rollback, refusal), every skip, every rejected resolution: store it.
    void auditRecord(const RunbookRun& run);
    // The engineer escalates; note says from which runbook and step, plus what they typed: record it.
    void escalated(qint64 incidentId, const QString& note);
    void stepStateChanged(const QString& step, RunbookStepModel::State state);
    // The step to act on needs more height than the panel may have: whoever sizes the panel, make room.
    void roomNeeded();
    void proposalsChanged(); // the proposals were worked out again (proposedRunbookIds may differ)
    // Widgets in the panel set their style sheets anew (other steps, a step's new state, a parameter's note),
    // outside the window's snapshot: whoever scales sheets for the war room, scale these too.
    void restyled();

private:
    struct Attempt
    {
        qint64 incidentId = 0;
        QString runbookId;
        QString step;
    };

    struct Proposals
    {
        QVector<RunbookLibrary::Proposal> entries; // proposed first, then the rest of the library
        int proposed = 0;
    };
    static Proposals proposalsFor(const RunbookLibrary& library, const Incident& incident);
    void refreshProposals();
    void startProposing(); // m_incident's proposals, on a worker
    void showProposals(Proposals proposals);
    void showEntry(int entry); // index into m_entries, -1: none
    void keepAwaitingInView(); // deferred: after the layout has placed the cards
    // In the scroller's content: from the parameter problem (when one blocks every step) to the awaiting card's
    // bottom; empty when no step awaits.
    QRect awaitingSpan() const;
    void scrollToAwaiting();
    QVector<QRect> rowsAbove(int y) const; // for scrollToAwaiting: rows of the content above y, top to bottom
    void shareSplitter(); // the output beside the steps when the panel is wide, below them when narrow
    bool eventFilter(QObject* watched, QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void rebuildCards();
    void refreshCards(const QModelIndex& from, const QModelIndex& to);
    void resolve();
    void updateEnabled();
    void setState(int row, RunbookStepModel::State state, const QString& message);
    bool attemptIsShown() const;
    // The engineer chose the runbook shown, or did something with it (typed a parameter, ran, skipped, dry-ran or
    // copied a step): new proposals keep it. Otherwise the panel follows the best proposal as the diagnosis firms up.
    bool engaged() const;

    void approve(int row);
    void rollback(int row);
    void skip(int row);
    void dryRun(int row);
    void copyCommand(int row);
    void escalate();
    void onPhaseStarted(const QString& step, int phase, const QStringList& argv);
    void onOutput(const QByteArray& chunk, bool fromStderr);
    void onStepFinished(const RunbookRun& run);

    QPointer<RunbookLibrary> m_library;
    Incident m_incident;
    IncidentMemory m_memory;    // m_incident's, for the proposals worked out on a worker
    LatestJobRunner<Proposals> m_proposer; // for setIncidentLater; a synchronous refresh cancels its answer
    QVector<RunbookLibrary::Proposal> m_entries; // proposed first, then the rest of the library
    int m_proposedCount = 0;
    std::optional<RunbookLibrary::Proposal> m_current;
    std::optional<ResolvedRunbook> m_resolved;
    QHash<QString, ResolvedStep> m_ran; // by step: what its last run ran, which its rollback must undo
    std::optional<Attempt> m_attempt;
    QString m_lastDryRun;
    bool m_chosen = false; // picked from the list, dry-run or copied: see engaged()

    StepExecutor* m_executor = nullptr;
    RunbookStepModel* m_model = nullptr;
    QComboBox* m_combo = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_why = nullptr;
    QScrollArea* m_scroll = nullptr;
    QWidget* m_content = nullptr;
    QPushButton* m_clearOutput = nullptr;
    QLabel* m_paramsCaption = nullptr;
    RunbookParamForm* m_params = nullptr;
    QLabel* m_paramStatus = nullptr;
    QLabel* m_empty = nullptr;
    QWidget* m_cardBox = nullptr;
    QVBoxLayout* m_cardLayout = nullptr;
    QVector<RunbookStepCard*> m_cards;
    QLabel* m_activity = nullptr;
    RunbookOutputPane* m_output = nullptr;
    QSplitter* m_splitter = nullptr;
    QWidget* m_outputBox = nullptr; // hidden while there is no output: an empty pane must not take the steps' room
    bool m_inViewPending = false;
    QLineEdit* m_note = nullptr;
    QPushButton* m_escalate = nullptr;
};
