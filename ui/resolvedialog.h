#pragma once
// ResolveDialog: the one small question set asked when an engineer resolves an incident: what fixed it (one of the
// runbooks or steps proposed for it, or something else in their words), was the suggested root cause right (yes,
// no, or another service), was the page actionable. Keyboard-only: Tab between three combos, Enter resolves.
// The answer becomes a Resolution that later incidents learn from.

#include "model/incident.h"
#include "model/resolution.h"
#include "runbook/runbooklibrary.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

class ResolveDialog : public QDialog
{
    Q_OBJECT
public:
    // proposals: what the console proposed for this incident, best first (RunbookLibrary::propose).
    ResolveDialog(const Incident& incident, const QVector<RunbookLibrary::Proposal>& proposals,
                  QWidget* parent = nullptr);

    // The answer as it stands (incidentId set, at and user left to the pipeline and the store).
    Resolution resolution() const;
    bool canResolve() const; // "something else" needs its words

    QComboBox* fixCombo() const { return m_fix; }
    QLineEdit* fixText() const { return m_fixText; }
    QComboBox* rootCauseCombo() const { return m_root; }
    QComboBox* actionableCombo() const { return m_actionable; }
    QPushButton* resolveButton() const { return m_resolve; }

private:
    enum Kind
    {
        FixRunbook,
        FixStep,
        FixOther,
        RootRight,
        RootWrong,
        RootOther,
    };
    void updateState();

    qint64 m_incidentId = 0;
    QString m_topCause;
    QStringList m_proposed;
    QComboBox* m_fix = nullptr;
    QLineEdit* m_fixText = nullptr;
    QComboBox* m_root = nullptr;
    QComboBox* m_actionable = nullptr;
    QLabel* m_hint = nullptr;
    QPushButton* m_resolve = nullptr;
};
