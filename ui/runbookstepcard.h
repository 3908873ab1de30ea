#pragma once
// RunbookStepCard: one runbook step as a card: safety colour and label, state, the exact command (a display
// string: what runs is the argv list), its rollback, the last attempt, and the buttons for the actions the
// step model allows right now. It shows one row of a RunbookStepModel and only reports clicks.

#include <QFrame>
#include <QPersistentModelIndex>

class QLabel;
class QPushButton;

class RunbookStepCard : public QFrame
{
    Q_OBJECT
public:
    explicit RunbookStepCard(QWidget* parent = nullptr);

    void showRow(const QModelIndex& index); // reads every role of RunbookStepModel
    void applyTheme();                      // the current scheme's colours (Theme::scheme())
    int row() const { return m_index.row(); }

    QPushButton* approveButton() const { return m_approve; }
    QPushButton* skipButton() const { return m_skip; }
    QPushButton* dryRunButton() const { return m_dryRun; }
    QPushButton* copyButton() const { return m_copy; }
    QPushButton* rollbackButton() const { return m_rollback; }
    QPushButton* stopButton() const { return m_stop; }
    QString commandText() const;
    QString stateText() const;
    QString messageText() const;

Q_SIGNALS:
    void approveClicked();
    void skipClicked();
    void dryRunClicked();
    void copyClicked();
    void rollbackClicked();
    void stopClicked();

private:
    QPersistentModelIndex m_index;
    QLabel* m_title = nullptr;
    QLabel* m_safety = nullptr;
    QLabel* m_state = nullptr;
    QLabel* m_description = nullptr;
    QLabel* m_commandCaption = nullptr;
    QLabel* m_command = nullptr;
    QLabel* m_rollbackLine = nullptr;
    QLabel* m_message = nullptr;
    QPushButton* m_approve = nullptr;
    QPushButton* m_skip = nullptr;
    QPushButton* m_dryRun = nullptr;
    QPushButton* m_copy = nullptr;
    QPushButton* m_rollback = nullptr;
    QPushButton* m_stop = nullptr;
};
