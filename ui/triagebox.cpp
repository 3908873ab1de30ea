#include "triagebox.h"

#include "measuredlabel.h"
#include "restyle.h"
#include "theme.h"

#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {
QLabel* textLabel(QWidget* parent)
{
    auto* label = new MeasuredLabel(parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText); // a model's words and alert data are never markup
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    label->setMinimumWidth(1);
    return label;
}
} // namespace

TriageBox::TriageBox(QWidget* parent) : QWidget(parent)
{
    setObjectName(u"triageBox"_s);
    setAccessibleName(tr("Triage"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);

    auto* head = new QHBoxLayout;
    m_caption = new QLabel(tr("TRIAGE"), this);
    m_origin = new QLabel(this);
    m_origin->setObjectName(u"triageOrigin"_s);
    m_origin->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    head->addWidget(m_caption);
    head->addWidget(m_origin, 1);
    layout->addLayout(head);

    m_summary = textLabel(this);
    layout->addWidget(m_summary);
    auto* grid = new QGridLayout;
    grid->setContentsMargins(0, 2, 0, 0);
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(2);
    m_actionCaption = new QLabel(tr("Now"), this);
    m_doNotCaption = new QLabel(tr("Do not"), this);
    m_action = textLabel(this);
    m_doNot = textLabel(this);
    grid->addWidget(m_actionCaption, 0, 0, Qt::AlignTop);
    grid->addWidget(m_action, 0, 1);
    grid->addWidget(m_doNotCaption, 1, 0, Qt::AlignTop);
    grid->addWidget(m_doNot, 1, 1);
    grid->setColumnStretch(1, 1);
    layout->addLayout(grid);
    m_status = textLabel(this);
    m_status->setObjectName(u"triageStatus"_s);
    layout->addWidget(m_status);
    applyStyle();
    clear();
}

void TriageBox::setFontScale(double scale)
{
    m_scale = scale;
    applyStyle();
}

void TriageBox::applyStyle()
{
    const QString secondary = Theme::secondaryText().name();
    const QString size = u"font-size: %1pt;"_s.arg(8 * m_scale, 0, 'f', 1);
    restyle(m_caption, u"color: %1; %2 font-weight: 700; letter-spacing: 1px;"_s.arg(secondary, size));
    // Advisory text is set apart (italic, accent) so nobody mistakes a model's guess for the diagnosis.
    restyle(m_origin, u"color: %1; %2 font-weight: 600; %3"_s.arg(
        m_llm ? Theme::accentText().name() : secondary, size, m_llm ? u"font-style: italic;"_s : QString()));
    restyle(m_status, u"color: %1; %2"_s.arg(secondary, size));
    restyle(m_actionCaption, u"color: #2E7D32; font-weight: 700;"_s);
    restyle(m_doNotCaption, u"color: #C62828; font-weight: 700;"_s);
    restyle(m_summary, m_llm ? u"font-style: italic;"_s : QString());
}

void TriageBox::showResult(const TriageResult& result)
{
    m_llm = result.isLlm();
    m_origin->setText(m_llm ? tr("advisory (LLM: %1)").arg(result.model) : tr("deterministic"));
    m_origin->setToolTip(m_llm ? tr("Written by a language model from the diagnosis: check it before acting")
                               : tr("Built from the diagnosis: top cause, confidence, evidence, proposed runbook"));
    QStringList lines;
    for (const QString& line : result.summary.mid(0, 3))
        lines << u"• "_s + line;
    m_summary->setText(lines.join(u'\n'));
    m_action->setText(result.immediateAction);
    m_doNot->setText(result.doNotDo);
    setStatus(result.fallbackReason.isEmpty() ? QString() : tr("LLM unavailable: %1").arg(result.fallbackReason));
    applyStyle();
}

void TriageBox::setStatus(const QString& status)
{
    m_status->setText(status);
    m_status->setVisible(!status.isEmpty());
}

void TriageBox::clear()
{
    m_llm = false;
    m_origin->clear();
    m_summary->setText(u"—"_s);
    m_action->setText(u"—"_s);
    m_doNot->setText(u"—"_s);
    setStatus({});
    applyStyle();
}

QString TriageBox::originText() const
{
    return m_origin->text();
}

QString TriageBox::summaryText() const
{
    return m_summary->text();
}

QString TriageBox::actionText() const
{
    return m_action->text();
}

QString TriageBox::doNotText() const
{
    return m_doNot->text();
}

QString TriageBox::statusText() const
{
    return m_status->text();
}
