#include "runbookstepcard.h"

#include "runbookstepmodel.h"
#include "runbookstyle.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

struct StateLook
{
    const char* symbol;
    const char* background;
    const char* text;
};

// A symbol and a word for every state, so no state is told by its colour alone. The dark scheme's badges are dark
// tints with light text: the same hues, 4.5:1 or more on the badge and on the card.
StateLook stateLook(RunbookStepModel::State state)
{
    const bool dark = RunbookStyle::dark();
    switch (state) {
    case RunbookStepModel::State::Pending:
        return dark ? StateLook{"○", "#2A333C", "#CFD8DC"} : StateLook{"○", "#ECEFF1", "#37474F"};
    case RunbookStepModel::State::Approved:
        return dark ? StateLook{"◔", "#0D2A45", "#90CAF9"} : StateLook{"◔", "#E3F2FD", "#0D47A1"};
    case RunbookStepModel::State::Running:
        return dark ? StateLook{"●", "#0D2A45", "#90CAF9"} : StateLook{"●", "#E3F2FD", "#0D47A1"};
    case RunbookStepModel::State::Passed:
        return dark ? StateLook{"✓", "#15361A", "#A5D6A7"} : StateLook{"✓", "#C8E6C9", "#1B5E20"};
    case RunbookStepModel::State::Failed:
        return dark ? StateLook{"✗", "#3D1518", "#FF8A80"} : StateLook{"✗", "#FFEBEE", "#B71C1C"};
    case RunbookStepModel::State::RolledBack:
        return dark ? StateLook{"↺", "#3A2E0A", "#FFD54F"} : StateLook{"↺", "#FFF8E1", "#6D4C00"};
    case RunbookStepModel::State::Skipped:
        return dark ? StateLook{"»", "#2A333C", "#B4BEC8"} : StateLook{"»", "#ECEFF1", "#4A5560"};
    }
    return dark ? StateLook{"○", "#2A333C", "#CFD8DC"} : StateLook{"○", "#ECEFF1", "#37474F"};
}

QPushButton* button(const QString& text, QWidget* parent)
{
    auto* b = new QPushButton(text, parent);
    b->setCursor(Qt::PointingHandCursor);
    return b;
}

// A long argument (a JSON patch) has no space to wrap at: let it break after punctuation instead of
// widening the card. Zero-width spaces are for the eye only; Copy command copies the real string.
QString breakable(const QString& text)
{
    QString out;
    out.reserve(text.size() + text.size() / 8);
    for (const QChar c : text) {
        out += c;
        if (c == u',' || c == u'/' || c == u'{' || c == u'[' || c == u':' || c == u'=')
            out += QChar(0x200B);
    }
    return out;
}

} // namespace

RunbookStepCard::RunbookStepCard(QWidget* parent) : QFrame(parent)
{
    setObjectName(u"runbookStepCard"_s);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Maximum);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 7, 8, 7);
    layout->setSpacing(4);

    auto* top = new QHBoxLayout;
    top->setSpacing(6);
    m_title = new QLabel(this);
    m_title->setObjectName(u"stepTitle"_s);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_title->setMinimumWidth(1);
    m_safety = new QLabel(this);
    m_safety->setToolTip(tr("How careful to be with this step, as the runbook declares it"));
    m_state = new QLabel(this);
    m_state->setObjectName(u"stepState"_s);
    top->addWidget(m_title, 1);
    top->addWidget(m_safety);
    top->addWidget(m_state);
    layout->addLayout(top);

    m_description = RunbookStyle::wrappedLabel(this);
    layout->addWidget(m_description);

    auto* commandRow = new QHBoxLayout;
    commandRow->setSpacing(2);
    auto* commandCaption = m_commandCaption = new QLabel(tr("COMMAND · DISPLAY ONLY"), this);
    commandCaption->setToolTip(tr("Shown quoted for reading and for pasting into a shell. The console runs "
                                  "these arguments directly, never through a shell."));
    m_dryRun = button(tr("Dry run"), this);
    m_dryRun->setToolTip(tr("Show exactly the arguments that would run and where each parameter came from; "
                            "nothing is started"));
    m_copy = button(tr("Copy command"), this);
    m_copy->setToolTip(tr("Copy the command, quoted for a POSIX shell, to run it by hand"));
    commandRow->addWidget(commandCaption, 1);
    commandRow->addWidget(m_dryRun);
    commandRow->addWidget(m_copy);
    layout->addLayout(commandRow);

    m_command = RunbookStyle::wrappedLabel(this);
    m_command->setObjectName(u"stepCommand"_s);
    m_command->setFont(RunbookStyle::monospace());
    layout->addWidget(m_command);

    m_rollbackLine = RunbookStyle::wrappedLabel(this);
    m_rollbackLine->setFont(RunbookStyle::monospace());
    layout->addWidget(m_rollbackLine);

    m_message = RunbookStyle::wrappedLabel(this);
    m_message->setObjectName(u"stepMessage"_s);
    layout->addWidget(m_message);

    auto* actions = new QHBoxLayout;
    actions->setSpacing(6);
    m_approve = button(tr("Approve && run"), this);
    m_approve->setObjectName(u"approveButton"_s);
    m_approve->setToolTip(tr("Approve this step with exactly the arguments shown and run it now (only this step)"));
    m_stop = button(tr("Stop"), this);
    m_stop->setToolTip(tr("Terminate the step's process group, as its timeout would"));
    m_rollback = button(tr("Approve rollback"), this);
    m_rollback->setToolTip(tr("Approve and run this step's rollback command"));
    m_skip = button(tr("Skip"), this);
    m_skip->setToolTip(tr("Do not run this step; the next one becomes available"));
    actions->addWidget(m_approve);
    actions->addWidget(m_stop);
    actions->addWidget(m_rollback);
    actions->addWidget(m_skip);
    actions->addStretch(1);
    layout->addLayout(actions);

    connect(m_approve, &QPushButton::clicked, this, &RunbookStepCard::approveClicked);
    connect(m_skip, &QPushButton::clicked, this, &RunbookStepCard::skipClicked);
    connect(m_dryRun, &QPushButton::clicked, this, &RunbookStepCard::dryRunClicked);
    connect(m_copy, &QPushButton::clicked, this, &RunbookStepCard::copyClicked);
    connect(m_rollback, &QPushButton::clicked, this, &RunbookStepCard::rollbackClicked);
    connect(m_stop, &QPushButton::clicked, this, &RunbookStepCard::stopClicked);
    applyTheme();
}

void RunbookStepCard::applyTheme()
{
    m_title->setStyleSheet(u"font-size: 10pt; font-weight: 700; color: %1;"_s.arg(Theme::text().name()));
    m_description->setStyleSheet(RunbookStyle::textStyle(Theme::secondaryText()));
    m_commandCaption->setStyleSheet(RunbookStyle::caption());
    m_command->setStyleSheet(u"QLabel#stepCommand { background: %1; color: %2; border: 1px solid %3; "
                             u"border-radius: 3px; padding: 4px 5px; }"_s.arg(RunbookStyle::commandBackground().name(),
                                                                             Theme::text().name(),
                                                                             RunbookStyle::commandBorder().name()));
    m_rollbackLine->setStyleSheet(RunbookStyle::textStyle(Theme::secondaryText()));
    for (QPushButton* link : {m_dryRun, m_copy})
        link->setStyleSheet(RunbookStyle::linkButton());
    m_approve->setStyleSheet(RunbookStyle::primaryButton());
    for (QPushButton* plain : {m_stop, m_rollback, m_skip})
        plain->setStyleSheet(RunbookStyle::secondaryButton());
    if (m_index.isValid())
        showRow(m_index); // the frame and the badges
}

void RunbookStepCard::showRow(const QModelIndex& index)
{
    m_index = index;
    const auto value = [&index](int role) { return index.data(role); };
    const auto safety = RunbookStep::Safety(value(RunbookStepModel::SafetyRole).toInt());
    const auto tone = RunbookStyle::safetyTone(safety);
    const QString stripe = Theme::alertStateFill(tone).name();
    setStyleSheet(u"QFrame#runbookStepCard { background: %2; border: 1px solid %3; border-left: 5px solid %1; "
                  u"border-radius: 4px; }"_s.arg(stripe, RunbookStyle::cardBackground().name(),
                                                 Theme::chromeBorder().name()));

    m_title->setText(tr("%1. %2").arg(index.row() + 1).arg(value(RunbookStepModel::NameRole).toString()));
    m_safety->setText(value(RunbookStepModel::SafetyTextRole).toString());
    // In normal points, like every sheet: the war room scales them all (WarRoomMode::rescaleStyleSheets).
    m_safety->setStyleSheet(u"background: %1; color: %2; font-size: 8pt; font-weight: 700; padding: 1px 5px; "
                            u"border-radius: 3px;"_s.arg(stripe, Theme::alertStateText(tone).name()));

    const auto state = RunbookStepModel::State(value(RunbookStepModel::StateRole).toInt());
    const StateLook look = stateLook(state);
    m_state->setText(QString::fromUtf8(look.symbol) + u' ' + value(RunbookStepModel::StateTextRole).toString());
    m_state->setStyleSheet(u"background: %1; color: %2; border: 1px solid %2; font-size: 8pt; font-weight: 700; "
                           u"padding: 0px 5px; border-radius: 3px;"_s.arg(QString::fromLatin1(look.background),
                                                                         QString::fromLatin1(look.text)));

    const QString description = value(RunbookStepModel::DescriptionRole).toString();
    m_description->setText(description);
    m_description->setVisible(!description.isEmpty());

    const bool resolved = value(RunbookStepModel::ResolvedRole).toBool();
    const QString command = value(RunbookStepModel::CommandRole).toString();
    m_command->setText(breakable(command));
    m_command->setToolTip(resolved ? tr("Runs as an argument list, never through a shell")
                                   : tr("Parameters missing or invalid: {placeholders} are not filled in yet"));
    const QString rollback = value(RunbookStepModel::RollbackRole).toString();
    const bool automatic = value(RunbookStepModel::RollbackAutomaticRole).toBool();
    m_rollbackLine->setText(rollback.isEmpty() ? QString()
                            : automatic ? tr("rollback, run automatically on failure: %1").arg(breakable(rollback))
                                        : tr("rollback, offered on failure: %1").arg(breakable(rollback)));
    m_rollbackLine->setVisible(!rollback.isEmpty());

    const QString message = value(RunbookStepModel::MessageRole).toString();
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
    m_message->setStyleSheet(u"color: %1;"_s.arg(QString::fromLatin1(look.text)));

    const bool running = value(RunbookStepModel::RunningRole).toBool();
    const bool canRollback = value(RunbookStepModel::CanRollbackRole).toBool();
    m_approve->setVisible(!running);
    m_approve->setEnabled(value(RunbookStepModel::CanApproveRole).toBool());
    const bool again = state == RunbookStepModel::State::Passed || state == RunbookStepModel::State::Failed ||
                       state == RunbookStepModel::State::RolledBack;
    m_approve->setText(again ? tr("Approve && run again") : tr("Approve && run"));
    m_stop->setVisible(running);
    m_rollback->setVisible(canRollback);
    m_skip->setVisible(!running);
    m_skip->setEnabled(value(RunbookStepModel::CanSkipRole).toBool());
    m_dryRun->setEnabled(!running);
    m_copy->setEnabled(resolved);
}

QString RunbookStepCard::commandText() const
{
    return m_command->text().remove(QChar(0x200B));
}

QString RunbookStepCard::stateText() const
{
    return m_state->text();
}

QString RunbookStepCard::messageText() const
{
    return m_message->text();
}
