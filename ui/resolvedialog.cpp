#include "resolvedialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {
constexpr int KindRole = Qt::UserRole;
constexpr int RunbookRole = Qt::UserRole + 1;
constexpr int StepRole = Qt::UserRole + 2;
constexpr int ServiceRole = Qt::UserRole + 3;
} // namespace

ResolveDialog::ResolveDialog(const Incident& incident, const QVector<RunbookLibrary::Proposal>& proposals,
                             QWidget* parent)
    : QDialog(parent), m_incidentId(incident.id)
{
    setWindowTitle(tr("Resolve incident #%1").arg(incident.id));
    setObjectName(u"resolveDialog"_s);
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Three answers teach the console for the next incident like this one."), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* form = new QFormLayout;
    m_fix = new QComboBox(this);
    m_fix->setObjectName(u"fixCombo"_s);
    for (const RunbookLibrary::Proposal& p : proposals) {
        m_proposed << p.runbook.id;
        m_fix->addItem(tr("%1 · %2").arg(p.runbook.id, p.runbook.title));
        m_fix->setItemData(m_fix->count() - 1, FixRunbook, KindRole);
        m_fix->setItemData(m_fix->count() - 1, p.runbook.id, RunbookRole);
        for (const RunbookStep& step : p.runbook.steps) {
            m_fix->addItem(tr("    step %1 of %2").arg(step.name, p.runbook.id));
            m_fix->setItemData(m_fix->count() - 1, FixStep, KindRole);
            m_fix->setItemData(m_fix->count() - 1, p.runbook.id, RunbookRole);
            m_fix->setItemData(m_fix->count() - 1, step.name, StepRole);
        }
    }
    m_fix->addItem(tr("Something else…"));
    m_fix->setItemData(m_fix->count() - 1, FixOther, KindRole);
    m_fixText = new QLineEdit(this);
    m_fixText->setObjectName(u"fixText"_s);
    m_fixText->setPlaceholderText(tr("What fixed it, in a few words"));
    m_fixText->setMaxLength(500);
    form->addRow(tr("What fixed it?"), m_fix);
    form->addRow(QString(), m_fixText);

    m_root = new QComboBox(this);
    m_root->setObjectName(u"rootCauseCombo"_s);
    m_topCause = incident.topCause() ? incident.topCause()->service : QString();
    if (!m_topCause.isEmpty()) {
        m_root->addItem(tr("Yes, it was %1").arg(m_topCause), RootRight);
        m_root->addItem(tr("No"), RootWrong);
    } else {
        m_root->addItem(tr("There was no suggestion"), RootWrong);
    }
    QStringList others;
    for (const RootCauseCandidate& c : incident.rootCauses)
        if (c.service != m_topCause)
            others << c.service;
    for (const QString& s : incident.affectedServices)
        if (s != m_topCause && !others.contains(s))
            others << s;
    for (const QString& s : std::as_const(others)) {
        m_root->addItem(tr("No, it was %1").arg(s), RootOther);
        m_root->setItemData(m_root->count() - 1, s, ServiceRole);
    }
    form->addRow(tr("Was the suggested root cause right?"), m_root);

    m_actionable = new QComboBox(this);
    m_actionable->setObjectName(u"actionableCombo"_s);
    m_actionable->addItem(tr("Yes, it needed a human"), true);
    m_actionable->addItem(tr("No, nothing to do (noise)"), false);
    form->addRow(tr("Was the page actionable?"), m_actionable);
    layout->addLayout(form);

    m_hint = new QLabel(this);
    m_hint->setStyleSheet(u"color: #B71C1C;"_s);
    layout->addWidget(m_hint);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_resolve = buttons->addButton(tr("Resolve"), QDialogButtonBox::AcceptRole);
    m_resolve->setObjectName(u"resolveButton"_s);
    m_resolve->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (canResolve())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    connect(m_fix, &QComboBox::currentIndexChanged, this, &ResolveDialog::updateState);
    connect(m_fixText, &QLineEdit::textChanged, this, &ResolveDialog::updateState);
    setTabOrder(m_fix, m_fixText);
    setTabOrder(m_fixText, m_root);
    setTabOrder(m_root, m_actionable);
    setTabOrder(m_actionable, m_resolve);
    m_fix->setFocus();
    updateState();
}

bool ResolveDialog::canResolve() const
{
    return m_fix->currentData(KindRole).toInt() != FixOther || !m_fixText->text().trimmed().isEmpty();
}

void ResolveDialog::updateState()
{
    const bool other = m_fix->currentData(KindRole).toInt() == FixOther;
    m_fixText->setEnabled(other);
    m_resolve->setEnabled(canResolve());
    m_hint->setText(canResolve() ? QString() : tr("Say what fixed it, or pick a runbook."));
}

Resolution ResolveDialog::resolution() const
{
    Resolution r;
    r.incidentId = m_incidentId;
    r.proposedRunbooks = m_proposed;
    switch (m_fix->currentData(KindRole).toInt()) {
    case FixRunbook:
        r.fixedByRunbook = m_fix->currentData(RunbookRole).toString();
        break;
    case FixStep:
        r.fixedByRunbook = m_fix->currentData(RunbookRole).toString();
        r.fixedByStep = m_fix->currentData(StepRole).toString();
        break;
    default:
        r.fixedByText = m_fixText->text().trimmed();
    }
    switch (m_root->currentData().toInt()) {
    case RootRight:
        r.suggestionRight = true;
        r.rootCause = m_topCause;
        break;
    case RootOther:
        r.suggestionRight = false;
        r.rootCause = m_root->currentData(ServiceRole).toString();
        break;
    default:
        if (!m_topCause.isEmpty()) // with no suggestion there is nothing to be right or wrong about
            r.suggestionRight = false;
    }
    r.actionable = m_actionable->currentData().toBool();
    return r;
}
