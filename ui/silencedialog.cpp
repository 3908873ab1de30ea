#include "silencedialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

SilenceDialog::SilenceDialog(const Incident& incident, int silenceCount, QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Silence incident #%1").arg(incident.id));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(
        new QLabel(tr("%n alert(s) silenced in Alertmanager, each by its exact labels.", nullptr, silenceCount), this));
    auto* form = new QFormLayout;
    m_duration = new QComboBox(this);
    m_duration->addItem(tr("30 minutes"), 30);
    m_duration->addItem(tr("1 hour"), 60);
    m_duration->addItem(tr("2 hours"), 120);
    m_duration->addItem(tr("4 hours"), 240);
    m_duration->addItem(tr("8 hours"), 480);
    m_duration->addItem(tr("24 hours"), 1440);
    m_duration->setCurrentIndex(2); // two hours: long enough for a rollback, short enough to be noticed
    form->addRow(tr("&Duration"), m_duration);
    m_comment = new QLineEdit(this);
    m_comment->setPlaceholderText(tr("why, for the next on-call"));
    form->addRow(tr("&Comment"), m_comment);
    layout->addLayout(form);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_silence = buttons->addButton(tr("&Silence"), QDialogButtonBox::AcceptRole);
    m_silence->setDefault(true);
    m_silence->setEnabled(false);
    layout->addWidget(buttons);
    connect(m_comment, &QLineEdit::textChanged, this,
            [this](const QString& text) { m_silence->setEnabled(!text.trimmed().isEmpty()); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_comment->setFocus();
}

int SilenceDialog::durationMinutes() const
{
    return m_duration->currentData().toInt();
}

QString SilenceDialog::comment() const
{
    return m_comment->text().trimmed();
}
