#include "runbookpanel.h"

#include "pipeline/backgroundpool.h"
#include "runbookoutputpane.h"
#include "runbookparamform.h"
#include "runbookstepcard.h"
#include "runbookstyle.h"
#include "theme.h"

#include "runbook/approvaltoken.h"
#include "runbook/paramresolver.h"
#include "runbook/stepexecutor.h"

#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QResizeEvent>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStandardPaths>
#include <QTimer>
#include <QVBoxLayout>

#include <utility>

using namespace Qt::StringLiterals;

namespace {

QLabel* captionLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setObjectName(u"runbookCaption"_s); // applyTheme() styles them by this name
    return label;
}

QString seconds(int ms)
{
    return RunbookPanel::tr("%1 s").arg(ms / 1000);
}

} // namespace

RunbookPanel::RunbookPanel(QWidget* parent)
    : QWidget(parent), m_proposer(this, [this](Proposals proposals) { showProposals(std::move(proposals)); }),
      m_executor(new StepExecutor(this)), m_model(new RunbookStepModel(this))
{
    m_executor->setLogDirectory(
        QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).filePath(u"runbook-logs"_s));
    connect(m_executor, &StepExecutor::phaseStarted, this,
            [this](const QString& step, StepExecutor::Phase phase, const QStringList& argv) {
                onPhaseStarted(step, int(phase), argv);
            });
    connect(m_executor, &StepExecutor::outputReceived, this,
            [this](const QString&, const QByteArray& chunk, bool fromStderr) { onOutput(chunk, fromStderr); });
    connect(m_executor, &StepExecutor::stepFinished, this, &RunbookPanel::onStepFinished);
    connect(m_model, &QAbstractItemModel::modelReset, this, &RunbookPanel::rebuildCards);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &RunbookPanel::refreshCards);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->setSpacing(4);

    m_title = captionLabel(tr("RUNBOOKS"), this);
    layout->addWidget(m_title);
    m_combo = new QComboBox(this);
    m_combo->setObjectName(u"runbookCombo"_s);
    m_combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_combo->setMinimumContentsLength(24);
    m_combo->setPlaceholderText(tr("Choose a runbook…"));
    m_combo->setMinimumHeight(26);
    connect(m_combo, &QComboBox::activated, this, [this](int index) {
        m_chosen = true;
        showEntry(m_combo->itemData(index).toInt());
    });
    layout->addWidget(m_combo);

    // Why it is proposed, parameters and steps scroll together; the output pane stays in view below them. Above
    // the scroller only one-line rows: what is fixed there is taken from the room the step to approve needs.
    auto* content = m_content = new QWidget;
    content->setObjectName(u"runbookContent"_s);
    auto* column = new QVBoxLayout(content);
    column->setContentsMargins(0, 4, 4, 4);
    column->setSpacing(5);
    m_why = RunbookStyle::wrappedLabel(content); // reasons quote alert data
    column->addWidget(m_why);
    m_paramsCaption = captionLabel(tr("PARAMETERS"), content);
    column->addWidget(m_paramsCaption);
    m_params = new RunbookParamForm(content);
    connect(m_params, &RunbookParamForm::changed, this, &RunbookPanel::resolve);
    column->addWidget(m_params);
    m_paramStatus = RunbookStyle::wrappedLabel(content);
    column->addWidget(m_paramStatus);
    column->addSpacing(2);
    column->addWidget(captionLabel(tr("STEPS · EACH RUNS ONLY WHEN YOU APPROVE IT"), content));
    m_empty = new QLabel(content);
    m_empty->setWordWrap(true);
    column->addWidget(m_empty);
    m_cardBox = new QWidget(content);
    m_cardLayout = new QVBoxLayout(m_cardBox);
    m_cardLayout->setContentsMargins(0, 0, 0, 0);
    m_cardLayout->setSpacing(6);
    column->addWidget(m_cardBox);
    column->addStretch(1);
    m_scroll = new QScrollArea(this);
    m_scroll->setWidget(content);
    m_scroll->setWidgetResizable(true);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->viewport()->installEventFilter(this); // a splitter, not the panel, may resize it

    auto* outputBox = m_outputBox = new QWidget(this);
    auto* outputColumn = new QVBoxLayout(outputBox);
    outputColumn->setContentsMargins(0, 4, 0, 0);
    outputColumn->setSpacing(3);
    auto* outputHeader = new QHBoxLayout;
    outputHeader->addWidget(captionLabel(tr("OUTPUT"), outputBox));
    m_activity = new QLabel(outputBox);
    m_activity->setTextFormat(Qt::PlainText);
    m_activity->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    outputHeader->addWidget(m_activity, 1);
    auto* clearOutput = m_clearOutput = new QPushButton(tr("Clear"), outputBox);
    outputHeader->addWidget(clearOutput);
    outputColumn->addLayout(outputHeader);
    m_output = new RunbookOutputPane(outputBox);
    connect(clearOutput, &QPushButton::clicked, m_output, &QPlainTextEdit::clear);
    outputColumn->addWidget(m_output, 1);

    auto* splitter = m_splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_scroll);
    splitter->addWidget(outputBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({470, 190}); // the steps first; the output pane keeps about a dozen lines
    m_output->setMinimumHeight(90);
    layout->addWidget(splitter, 1);
    outputBox->setVisible(false);
    connect(m_output, &QPlainTextEdit::textChanged, this, [this] {
        const bool any = !m_output->document()->isEmpty();
        if (any != m_outputBox->isVisible()) {
            m_outputBox->setVisible(any);
            shareSplitter();
            keepAwaitingInView();
        }
    });

    auto* escalateRow = new QHBoxLayout;
    escalateRow->setSpacing(6);
    m_note = new QLineEdit(this);
    m_note->setObjectName(u"escalationNote"_s);
    m_note->setPlaceholderText(tr("Why escalate? (recorded with the incident)"));
    m_note->setMaxLength(2000);
    m_escalate = new QPushButton(tr("Escalate"), this);
    m_escalate->setObjectName(u"escalateButton"_s);
    m_escalate->setToolTip(tr("Hand this incident on: records your note, the runbook and the state of its steps"));
    connect(m_escalate, &QPushButton::clicked, this, &RunbookPanel::escalate);
    connect(m_note, &QLineEdit::returnPressed, this, &RunbookPanel::escalate);
    escalateRow->addWidget(m_note, 1);
    escalateRow->addWidget(m_escalate);
    layout->addLayout(escalateRow);

    applyTheme();
    clear();
}

void RunbookPanel::applyTheme()
{
    // The panel is part of the chrome, light or dark: its own palette (the combo box, the note field and the margins
    // around the steps), not the light one of the alert table it shares the tab widget with.
    setPalette(Theme::windowPalette());
    setAutoFillBackground(true);
    m_content->setStyleSheet(u"QWidget#runbookContent { background: %1; }"_s.arg(RunbookStyle::canvas().name()));
    for (QLabel* caption : findChildren<QLabel*>(u"runbookCaption"_s))
        caption->setStyleSheet(RunbookStyle::caption());
    m_why->setStyleSheet(RunbookStyle::textStyle(Theme::secondaryText()));
    m_empty->setStyleSheet(RunbookStyle::textStyle(Theme::secondaryText()));
    m_paramStatus->setStyleSheet(u"color: %1; font-weight: 600;"_s.arg(RunbookStyle::errorText().name()));
    m_activity->setStyleSheet(u"color: %1; font-weight: 600;"_s.arg(RunbookStyle::activityText().name()));
    m_clearOutput->setStyleSheet(RunbookStyle::linkButton());
    m_escalate->setStyleSheet(RunbookStyle::secondaryButton());
    m_params->applyTheme();
    for (RunbookStepCard* card : std::as_const(m_cards))
        card->applyTheme();
}

RunbookPanel::~RunbookPanel() = default;

void RunbookPanel::setLibrary(RunbookLibrary* library)
{
    if (m_library)
        disconnect(m_library, nullptr, this, nullptr);
    m_library = library;
    if (library)
        connect(library, &RunbookLibrary::changed, this, &RunbookPanel::refreshProposals);
    refreshProposals();
}

void RunbookPanel::setIncident(const Incident& incident)
{
    const bool same = incident.id == m_incident.id && incident.key == m_incident.key;
    m_incident = incident;
    if (!same) {
        m_current.reset(); // another incident: start from its best proposal
        m_chosen = false;
        m_output->clear();
        m_note->clear();
    }
    refreshProposals();
}

void RunbookPanel::clear()
{
    m_incident = Incident();
    m_current.reset();
    m_chosen = false;
    m_output->clear();
    refreshProposals();
}

QString RunbookPanel::currentRunbookId() const
{
    return m_current ? m_current->runbook.id : QString();
}

QStringList RunbookPanel::proposedRunbookIds() const
{
    QStringList ids;
    for (int i = 0; i < m_proposedCount; ++i)
        ids << m_entries.at(i).runbook.id;
    return ids;
}

bool RunbookPanel::selectRunbook(const QString& id)
{
    for (int i = 0; i < m_entries.size(); ++i) {
        if (m_entries.at(i).runbook.id == id) {
            m_chosen = true;
            showEntry(i);
            return true;
        }
    }
    return false;
}

RunbookStepCard* RunbookPanel::stepCard(int row) const
{
    return row >= 0 && row < m_cards.size() ? m_cards.at(row) : nullptr;
}

RunbookLibrary::HistoryVerdict RunbookPanel::historyVerdict(const IncidentMemory& memory, const Runbook& runbook)
{
    const auto it = memory.runbooks.constFind(runbook.id);
    if (it == memory.runbooks.cend())
        return RunbookLibrary::HistoryVerdict{};
    return RunbookLibrary::HistoryVerdict{it->score, it->note};
}

RunbookPanel::Proposals RunbookPanel::proposalsFor(const RunbookLibrary& library, const Incident& incident)
{
    Proposals out;
    out.entries = library.propose(incident);
    out.proposed = int(out.entries.size());
    for (const Runbook& rb : library.runbooks())
        if (std::none_of(out.entries.cbegin(), out.entries.cbegin() + out.proposed,
                         [&](const auto& p) { return p.runbook.id == rb.id; }))
            out.entries.append(library.unproposed(rb, incident));
    return out;
}

void RunbookPanel::setIncidentLater(const Incident& incident, const IncidentMemory& memory)
{
    const bool same = incident.id == m_incident.id && incident.key == m_incident.key;
    if (!same || !m_library || m_entries.isEmpty()) {
        setIncident(incident); // what the engineer looks at next: at once
        m_memory = memory;
        return;
    }
    m_incident = incident;
    m_memory = memory;
    startProposing();
}

void RunbookPanel::startProposing()
{
    // The worker proposes from a library of its own: the console's may load other runbooks meanwhile, and its history
    // score reads the window's snapshot, which only the GUI thread may.
    m_proposer.request([runbooks = m_library->runbooks(), incident = m_incident, memory = m_memory] {
        RunbookLibrary library;
        library.setRunbooks(runbooks);
        library.setHistoryScore(
            [memory](const Runbook& runbook, const Incident&) { return historyVerdict(memory, runbook); });
        return proposalsFor(library, incident);
    });
}

void RunbookPanel::refreshProposals()
{
    m_proposer.cancel(); // what a worker is still working out is older than this
    const bool haveIncident = m_incident.id != 0 || !m_incident.key.isEmpty();
    showProposals(m_library && haveIncident ? proposalsFor(*m_library, m_incident) : Proposals());
}

void RunbookPanel::showProposals(Proposals proposals)
{
    QVector<RunbookLibrary::Proposal>& entries = proposals.entries;
    const int proposed = proposals.proposed;
    const bool haveIncident = m_incident.id != 0 || !m_incident.key.isEmpty();

    const auto ids = [](const QVector<RunbookLibrary::Proposal>& list) {
        QStringList out;
        for (const auto& e : list)
            out << e.runbook.id + e.history; // a changed record on similar incidents retitles the entry
        return out;
    };
    const bool sameList = ids(entries) == ids(m_entries) && proposed == m_proposedCount && m_combo->count() > 0;
    m_proposedCount = proposed;
    // The entries replaced were built on a worker, in its malloc arena (see BackgroundPool::dispose).
    if (QVector<RunbookLibrary::Proposal> replaced = std::exchange(m_entries, entries); !replaced.isEmpty())
        BackgroundPool::dispose(std::move(replaced));
    m_title->setText(!haveIncident ? tr("RUNBOOKS")
                     : m_incident.id != 0
                         ? tr("RUNBOOKS FOR INCIDENT #%1 · %2 PROPOSED").arg(m_incident.id).arg(m_proposedCount)
                         : tr("RUNBOOKS · %1 PROPOSED").arg(m_proposedCount));
    if (!sameList) {
        const QSignalBlocker blocker(m_combo);
        m_combo->clear();
        for (int i = 0; i < m_entries.size(); ++i) {
            if (i == m_proposedCount && i > 0)
                m_combo->insertSeparator(m_combo->count());
            const auto& e = m_entries.at(i);
            QString text = i < m_proposedCount ? tr("%1 · %2").arg(e.runbook.id, e.runbook.title)
                                               : tr("%1 · %2 (not proposed)").arg(e.runbook.id, e.runbook.title);
            if (!e.history.isEmpty())
                text += u" — "_s + e.history;
            m_combo->addItem(text, i);
            m_combo->setItemData(m_combo->count() - 1, e.runbook.title + u"\n"_s + e.reasons.join(u'\n'),
                                 Qt::ToolTipRole);
        }
    }

    // Keep what the engineer is working on; otherwise take the best proposal. An incident's first snapshots rank
    // on its first alerts alone (equal scores go by id): the one shown then is not kept once the diagnosis
    // ranks another first.
    const QString keep = engaged() ? currentRunbookId()
                         : m_proposedCount > 0 ? m_entries.first().runbook.id
                                               : QString();
    int entry = -1;
    for (int i = 0; i < m_entries.size() && !keep.isEmpty(); ++i)
        if (m_entries.at(i).runbook.id == keep)
            entry = i;
    if (entry >= 0 && keep == currentRunbookId()) {
        m_current = m_entries.at(entry);
        m_combo->setCurrentIndex(m_combo->findData(entry));
        m_params->setSource(m_current->labels, m_current->service); // resolves again through changed()
        m_why->setText(m_current->reasons.join(u'\n'));
        resolve();
    } else {
        showEntry(m_proposedCount > 0 ? 0 : -1); // the best proposal (what keep names when nothing is engaged)
    }
    Q_EMIT proposalsChanged();
}

void RunbookPanel::showEntry(int entry)
{
    if (entry >= 0 && entry < m_entries.size() && m_current && m_current->runbook.id == m_entries.at(entry).runbook.id)
        return; // already shown: keep its state
    m_ran.clear();
    {
        const QSignalBlocker blocker(m_combo);
        m_combo->setCurrentIndex(entry >= 0 ? m_combo->findData(entry) : -1);
    }
    if (entry < 0 || entry >= m_entries.size()) {
        m_current.reset();
        m_model->clear();
        m_params->setParams({}, {}, {});
        const bool haveIncident = m_incident.id != 0 || !m_incident.key.isEmpty();
        m_why->setText(!haveIncident ? tr("Select an incident to see the runbooks proposed for it.")
                       : m_entries.isEmpty()
                           ? tr("No runbook is loaded.")
                           : tr("No runbook matches this incident. You can still pick one from the list."));
        m_empty->setText(tr("No runbook chosen."));
        m_empty->setVisible(true);
        m_paramsCaption->setVisible(false);
        resolve();
        return;
    }
    m_current = m_entries.at(entry);
    m_why->setText(m_current->reasons.join(u'\n'));
    m_model->setRunbook(m_current->runbook);
    m_params->setParams(m_current->runbook.params, m_current->labels, m_current->service);
    m_paramsCaption->setVisible(!m_current->runbook.params.isEmpty());
    m_empty->setText(tr("This runbook has no steps."));
    m_empty->setVisible(m_current->runbook.steps.isEmpty());
    resolve();
}

void RunbookPanel::rebuildCards()
{
    qDeleteAll(m_cards);
    m_cards.clear();
    for (int row = 0; row < m_model->rowCount(); ++row) {
        auto* card = new RunbookStepCard(m_cardBox);
        card->showRow(m_model->index(row));
        connect(card, &RunbookStepCard::approveClicked, this, [this, row] { approve(row); });
        connect(card, &RunbookStepCard::skipClicked, this, [this, row] { skip(row); });
        connect(card, &RunbookStepCard::dryRunClicked, this, [this, row] { dryRun(row); });
        connect(card, &RunbookStepCard::copyClicked, this, [this, row] { copyCommand(row); });
        connect(card, &RunbookStepCard::rollbackClicked, this, [this, row] { rollback(row); });
        connect(card, &RunbookStepCard::stopClicked, m_executor, &StepExecutor::cancel);
        m_cardLayout->addWidget(card);
        m_cards.append(card);
    }
    keepAwaitingInView();
    Q_EMIT restyled();
}

void RunbookPanel::shareSplitter()
{
    // A wide panel (a desk's or the war room's lower half) puts the output beside the steps: below them it
    // would take the height the step to approve needs, and the window has little height and much width.
    const bool wide = width() >= fontMetrics().averageCharWidth() * 100;
    const Qt::Orientation orientation = wide ? Qt::Horizontal : Qt::Vertical;
    if (orientation == m_splitter->orientation() && !m_outputBox->isVisible())
        return;
    m_splitter->setOrientation(orientation);
    const int length = wide ? m_splitter->width() : m_splitter->height();
    m_splitter->setSizes(wide ? QList<int>{length * 3 / 5, length * 2 / 5}
                              : QList<int>{length * 5 / 7, length * 2 / 7});
}

void RunbookPanel::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (event->oldSize().width() != width())
        shareSplitter();
    keepAwaitingInView(); // narrower: the step's text wraps taller
}

bool RunbookPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_scroll->viewport() && event->type() == QEvent::Resize)
        keepAwaitingInView();
    return QWidget::eventFilter(watched, event);
}

void RunbookPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    keepAwaitingInView();
}

RunbookStepCard* RunbookPanel::awaitingCard() const
{
    for (int row = 0; row < m_model->rowCount() && row < m_cards.size(); ++row) {
        const RunbookStepModel::State state = m_model->state(row);
        if (state != RunbookStepModel::State::Passed && state != RunbookStepModel::State::Skipped)
            return m_cards.at(row);
    }
    return nullptr;
}

void RunbookPanel::keepAwaitingInView()
{
    if (m_inViewPending)
        return;
    m_inViewPending = true;
    QTimer::singleShot(0, this, [this] {
        m_inViewPending = false;
        if (!isVisible())
            return; // hidden, the scroller's width is stale and the card's height with it: done when shown
        m_scroll->widget()->layout()->activate();
        // The scroller is never shorter than what the engineer acts on next: the step with its command and
        // Approve button and, while a parameter keeps every step from running, the line that says which. The
        // window's splitter gives the panel that much room rather than leaving the button below a slit.
        const int need = awaitingSpan().height();
        const int height = need > 0 ? need + 12 : 0;
        if (m_scroll->minimumHeight() != height)
            m_scroll->setMinimumHeight(height);
        if (need > 0)
            Q_EMIT roomNeeded();
        scrollToAwaiting();
    });
}

QRect RunbookPanel::awaitingSpan() const
{
    RunbookStepCard* card = awaitingCard();
    if (!card)
        return {};
    // The card's height for the viewport's width (narrower, its text wraps taller), not the one laid out last.
    const int width = m_scroll->viewport()->width() - 4;
    const int cardHeight = card->hasHeightForWidth() ? card->heightForWidth(width) : card->sizeHint().height();
    const QPoint at = card->mapTo(m_scroll->widget(), QPoint());
    const int top = m_paramStatus->isVisibleTo(m_scroll->widget()) ? m_paramStatus->y() : at.y();
    return QRect(0, top, width, at.y() - top + cardHeight);
}

void RunbookPanel::scrollToAwaiting()
{
    const QRect span = awaitingSpan();
    if (span.isEmpty())
        return;
    // The bottom (the Approve button) first, then the top: a span taller than the viewport keeps its top.
    m_scroll->ensureVisible(0, span.bottom(), 0, 6);
    m_scroll->ensureVisible(0, span.top(), 0, 6);
    // The margin above the span (or a taller viewport) shows the bottom of what is above it, often a few pixels of cut
    // text: unreadable, and read as a rendering fault. Move the top edge down to the next row or line boundary; going
    // down, never past the span's top, keeps the whole span in view.
    QScrollBar* bar = m_scroll->verticalScrollBar();
    int top = bar->value();
    for (const QRect& row : rowsAbove(span.top())) {
        if (row.top() < top && row.bottom() >= top)
            top = qMin(row.bottom() + 1, span.top());
    }
    if (top != bar->value())
        bar->setValue(top);
}

QVector<QRect> RunbookPanel::rowsAbove(int y) const
{
    // What the scroller's top edge may cut, in the content's coordinates, top to bottom: each parameter's row, each
    // line of the wrapped text, every other widget whole.
    QVector<QRect> rows;
    QLayout* column = m_content->layout();
    for (int i = 0; i < column->count(); ++i) {
        QWidget* w = column->itemAt(i)->widget();
        if (!w || !w->isVisibleTo(m_content) || w->y() >= y)
            continue;
        if (w == m_params) {
            rows += m_params->rowRects(m_content);
        } else if (auto* label = qobject_cast<QLabel*>(w); label && label->wordWrap()) {
            const QRect text = label->contentsRect().translated(label->pos());
            const int line = label->fontMetrics().lineSpacing();
            for (int lineTop = text.top(); lineTop < text.bottom(); lineTop += line)
                rows.append(QRect(0, lineTop, m_content->width(), qMin(line, text.bottom() + 1 - lineTop)));
        } else {
            rows.append(w->geometry());
        }
    }
    return rows;
}

void RunbookPanel::refreshCards(const QModelIndex& from, const QModelIndex& to)
{
    for (int row = from.row(); row <= to.row() && row < m_cards.size(); ++row)
        m_cards.at(row)->showRow(m_model->index(row));
    keepAwaitingInView();
    Q_EMIT restyled();
}

void RunbookPanel::resolve()
{
    m_resolved.reset();
    QString problem;
    if (m_current) {
        if (!m_params->isValid()) {
            // Which ones, in one line: the form may be scrolled away above the step kept in view, and each reason
            // is under its field already. A line per reason took the war room's top row while it was shown.
            problem = tr("No step can run until these parameters are valid: %1.")
                          .arg(m_params->invalidNames().join(u", "_s));
        } else {
            ParamResolver::Context context;
            context.labels = m_current->labels;
            context.service = m_current->service;
            context.input = m_params->input();
            QString error;
            m_resolved = ParamResolver::resolve(m_current->runbook, context, &error);
            if (!m_resolved)
                problem = error;
        }
    }
    m_model->setResolved(m_resolved ? &*m_resolved : nullptr);
    m_paramStatus->setText(problem);
    m_paramStatus->setToolTip(m_current && !m_params->isValid() ? m_params->problems().join(u'\n') : QString());
    m_paramStatus->setVisible(!problem.isEmpty());
    updateEnabled();
    Q_EMIT restyled(); // the form's notes, when a parameter changed
}

void RunbookPanel::updateEnabled()
{
    const bool busy = m_executor->isBusy();
    m_model->setBusy(busy);
    // What is running keeps its runbook and parameters on screen until it ends.
    m_combo->setEnabled(!busy && m_combo->count() > 0);
    m_params->setEnabled(!busy);
    m_escalate->setEnabled(m_incident.id != 0);
    m_note->setEnabled(m_incident.id != 0);
}

bool RunbookPanel::engaged() const
{
    if (m_chosen || m_executor->isBusy() || !m_params->input().isEmpty())
        return true;
    for (int row = 0; row < m_model->rowCount(); ++row)
        if (m_model->state(row) != RunbookStepModel::State::Pending)
            return true;
    return false;
}

bool RunbookPanel::attemptIsShown() const
{
    return m_attempt && m_attempt->incidentId == m_incident.id && m_attempt->runbookId == m_model->runbookId();
}

void RunbookPanel::setState(int row, RunbookStepModel::State state, const QString& message)
{
    m_model->setState(row, state, message);
    if (const RunbookStep* step = m_model->step(row))
        Q_EMIT stepStateChanged(step->name, state);
}

void RunbookPanel::approve(int row)
{
    const ResolvedStep* shown = m_model->resolvedStep(row);
    if (!m_model->canApprove(row) || !shown || !m_current)
        return;
    // The click is the approval: of this one step, with exactly the arguments on its card.
    const ResolvedStep step = *shown;
    const QString runbookId = m_current->runbook.id;
    const ApprovalToken token = ApprovalToken::mint(runbookId, step, ApprovalToken::Action::Run);
    m_ran.insert(step.name, step);
    m_attempt = Attempt{m_incident.id, runbookId, step.name};
    setState(row, RunbookStepModel::State::Approved, tr("approved by you at %1").arg(Theme::clock(token.approvedAt())));
    m_output->resetStreams();
    m_output->appendNote(
        tr("▶ %1 · step %2 approved at %3").arg(runbookId, step.name, Theme::clock(token.approvedAt())));
    m_model->setBusy(true);
    m_executor->run(runbookId, step, token, m_incident.id); // a refusal is reported through stepFinished
    updateEnabled();
}

bool RunbookPanel::approveNextStep()
{
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->canApprove(row)) {
            if (RunbookStepCard* card = stepCard(row))
                m_scroll->ensureWidgetVisible(card); // the approved step is the one in view
            approve(row);
            return true;
        }
    }
    return false;
}

void RunbookPanel::rollback(int row)
{
    const RunbookStep* definition = m_model->step(row);
    if (!m_model->canRollback(row) || !definition || !m_current)
        return;
    // Undo what actually ran, even if a parameter was edited since.
    const ResolvedStep step = m_ran.value(definition->name, *m_model->resolvedStep(row));
    const QString runbookId = m_current->runbook.id;
    const ApprovalToken token = ApprovalToken::mint(runbookId, step, ApprovalToken::Action::Rollback);
    m_attempt = Attempt{m_incident.id, runbookId, step.name};
    setState(row, RunbookStepModel::State::Approved,
             tr("rollback approved by you at %1").arg(Theme::clock(token.approvedAt())));
    m_output->resetStreams();
    m_output->appendNote(
        tr("↺ %1 · rollback of %2 approved at %3").arg(runbookId, step.name, Theme::clock(token.approvedAt())));
    m_model->setBusy(true);
    m_executor->runRollback(runbookId, step, token, m_incident.id);
    updateEnabled();
}

void RunbookPanel::skip(int row)
{
    const RunbookStep* step = m_model->step(row);
    if (!m_model->canSkip(row) || !step || !m_current)
        return;
    RunbookRun run;
    run.at = QDateTime::currentDateTimeUtc();
    run.incidentId = m_incident.id;
    run.runbookId = m_current->runbook.id;
    run.step = step->name;
    if (const ResolvedStep* resolved = m_model->resolvedStep(row))
        run.argv = resolved->argv;
    run.outcome = RunbookRun::Outcome::NotApproved;
    run.error = u"skipped in the console"_s; // audit text, like the executor's: not translated
    setState(row, RunbookStepModel::State::Skipped, tr("skipped by you at %1").arg(Theme::clock(run.at)));
    m_output->appendNote(tr("» %1 · step %2 skipped").arg(run.runbookId, run.step));
    Q_EMIT auditRecord(run);
}

void RunbookPanel::dryRun(int row)
{
    const RunbookStep* definition = m_model->step(row);
    if (!definition || !m_current)
        return;
    m_chosen = true;
    QStringList lines;
    lines << tr("Dry run of %1 · step %2: nothing was started.").arg(m_current->runbook.id, definition->name);
    const ResolvedStep* step = m_model->resolvedStep(row);
    if (!step || !m_resolved) {
        lines << tr("It cannot run yet: %1")
                     .arg(m_params->isValid() ? m_paramStatus->text() : m_params->problems().join(u"; "_s));
    } else {
        lines << tr("Would run %n argument(s), as they are, without a shell:", nullptr, int(step->argv.size()));
        for (int i = 0; i < step->argv.size(); ++i)
            lines << u"  [%1] %2"_s.arg(i).arg(step->argv.at(i));
        if (!step->params.isEmpty())
            lines << tr("Parameters:");
        for (const ResolvedParam& p : std::as_const(m_resolved->params))
            if (step->params.contains(p.name))
                lines << tr("  %1 = %2   (%3)").arg(p.name, p.value, RunbookParamForm::sourceText(p.source));
        lines << tr("Environment: %1 · timeout %2")
                     .arg(QStringList(step->env.keys()).join(u", "_s), seconds(step->timeoutMs));
        if (!step->verifyArgv.isEmpty())
            lines << tr("Then verify: %1").arg(RunbookStepModel::displayCommand(step->verifyArgv));
        else if (!step->verifyPromql.isEmpty())
            lines << tr("Then verify (PromQL, not evaluated yet): %1").arg(step->verifyPromql);
        if (!step->rollbackArgv.isEmpty())
            lines << (step->rollbackAutomatic ? tr("On failure, roll back automatically: %1")
                                              : tr("On failure, offer the rollback: %1"))
                         .arg(RunbookStepModel::displayCommand(step->rollbackArgv));
    }
    m_lastDryRun = lines.join(u'\n');
    m_output->appendNote(m_lastDryRun);
}

void RunbookPanel::copyCommand(int row)
{
    const ResolvedStep* step = m_model->resolvedStep(row);
    if (!step)
        return;
    m_chosen = true; // pasted into a terminal, it must stay the command shown
    QGuiApplication::clipboard()->setText(RunbookStepModel::displayCommand(step->argv));
    m_output->appendNote(tr("Copied the command of step %1 to the clipboard.").arg(step->name));
}

void RunbookPanel::escalate()
{
    if (m_incident.id == 0)
        return;
    QStringList steps;
    for (int row = 0; row < m_model->rowCount(); ++row)
        if (m_model->state(row) != RunbookStepModel::State::Pending)
            steps << u"%1 %2"_s.arg(m_model->step(row)->name,
                                    RunbookStepModel::stateText(m_model->state(row)).toLower());
    QString context =
        m_current ? tr("Escalated from runbook %1").arg(m_current->runbook.id) : tr("Escalated from the runbook panel");
    if (!steps.isEmpty())
        context += u" ("_s + steps.join(u", "_s) + u')';
    const QString typed = m_note->text().trimmed();
    const QString note = typed.isEmpty() ? context : context + u": "_s + typed;
    m_output->appendNote(tr("⚑ %1").arg(note));
    m_note->clear();
    Q_EMIT escalated(m_incident.id, note);
}

void RunbookPanel::onPhaseStarted(const QString& step, int phase, const QStringList& argv)
{
    if (!attemptIsShown() || m_attempt->step != step)
        return;
    const auto p = StepExecutor::Phase(phase);
    const QString doing = p == StepExecutor::Phase::Command  ? tr("running")
                          : p == StepExecutor::Phase::Verify ? tr("verifying")
                                                             : tr("rolling back");
    const int row = m_model->rowOf(step);
    setState(row, RunbookStepModel::State::Running, tr("%1…").arg(doing));
    if (RunbookStepCard* card = stepCard(row))
        m_scroll->ensureWidgetVisible(card, 0, 8); // the step that runs is the one to watch
    m_activity->setText(tr("%1 %2…").arg(step, doing));
    m_output->resetStreams();
    m_output->appendNote(u"$ "_s + RunbookStepModel::displayCommand(argv));
}

void RunbookPanel::onOutput(const QByteArray& chunk, bool fromStderr)
{
    if (attemptIsShown())
        m_output->appendOutput(chunk, fromStderr);
}

void RunbookPanel::onStepFinished(const RunbookRun& run)
{
    const bool shown = attemptIsShown() && m_attempt->step == run.step;
    m_attempt.reset();
    m_activity->clear();
    updateEnabled();
    if (shown) {
        const int row = m_model->rowOf(run.step);
        m_model->setLastRun(row, run);
        const QString message = RunbookStepModel::describeRun(run);
        RunbookStepModel::State state = RunbookStepModel::State::Failed;
        if (run.outcome == RunbookRun::Outcome::Refused)
            state = RunbookStepModel::State::Failed;
        else if (run.kind == u"rollback")
            state = run.rolledBack ? RunbookStepModel::State::RolledBack : RunbookStepModel::State::Failed;
        else if (run.succeeded())
            state = RunbookStepModel::State::Passed;
        else if (run.rolledBack)
            state = RunbookStepModel::State::RolledBack;
        setState(row, state, message);
        m_output->appendNote(tr("%1 %2: %3").arg(RunbookStepModel::stateText(state), run.step, message));
    }
    Q_EMIT auditRecord(run);
}
