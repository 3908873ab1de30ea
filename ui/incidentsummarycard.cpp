#include "incidentsummarycard.h"

#include "measuredlabel.h"
#include "restyle.h"
#include "theme.h"
#include "triagebox.h"

#include "model/incidenttimes.h"

#include <QEvent>
#include <QFontMetrics>
#include <QFormLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTextDocument>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
// QProgressBar::setValue repaints at once, and a repaint at once paints everything else dirty in the window with it:
// a snapshot applied in a storm would pay a full-window paint in the middle of its work. With updates off the bar only
// schedules its paint, which joins the window's next one.
void setBarValue(QProgressBar* bar, int value)
{
    if (bar->value() == value)
        return;
    bar->setUpdatesEnabled(false);
    bar->setValue(value);
    bar->setUpdatesEnabled(true); // schedules the update
}
QLabel* plainLabel(QWidget* parent)
{
    auto* label = new MeasuredLabel(parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText); // service names and evidence come from alert data
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}
// "42 min", "3 h 05 min", "2 days": how long a step of the lifecycle took.
QString spanText(qint64 secs)
{
    if (secs < 120)
        return IncidentSummaryCard::tr("%1 s").arg(secs);
    const qint64 minutes = (secs + 30) / 60;
    if (minutes < 60)
        return IncidentSummaryCard::tr("%1 min").arg(minutes);
    if (minutes < 48 * 60)
        return IncidentSummaryCard::tr("%1 h %2 min").arg(minutes / 60).arg(minutes % 60, 2, 10, QLatin1Char('0'));
    return IncidentSummaryCard::tr("%1 days").arg(minutes / (24 * 60));
}

// "3 weeks before": how long before the incident shown a past one began.
QString beforeText(qint64 secs)
{
    secs = qMax<qint64>(0, secs);
    // IncidentSummaryCard::tr spelled out: lupdate files the tr() of an alias (C::tr) under an empty
    // context, where the translator never looks.
    if (secs < 3600)
        return Theme::count(qMax<qint64>(1, secs / 60), IncidentSummaryCard::tr("%1 minute before"),
                            IncidentSummaryCard::tr("%1 minutes before"));
    if (secs < 2 * 86400)
        return Theme::count(secs / 3600, IncidentSummaryCard::tr("%1 hour before"),
                            IncidentSummaryCard::tr("%1 hours before"));
    if (secs < 14 * 86400)
        return Theme::count(secs / 86400, IncidentSummaryCard::tr("%1 day before"),
                            IncidentSummaryCard::tr("%1 days before"));
    if (secs < 61 * 86400)
        return Theme::count(secs / (7 * 86400), IncidentSummaryCard::tr("%1 week before"),
                            IncidentSummaryCard::tr("%1 weeks before"));
    return Theme::count(secs / (30 * 86400), IncidentSummaryCard::tr("%1 month before"),
                        IncidentSummaryCard::tr("%1 months before"));
}

QPushButton* lifecycleButton(const QString& text, const QString& tip, const QString& name, QWidget* parent)
{
    auto* b = new QPushButton(text, parent);
    b->setToolTip(tip);
    b->setObjectName(name);
    b->setCursor(Qt::PointingHandCursor);
    b->setStyleSheet(u"QPushButton { background: transparent; color: #1565C0; border: 1px solid #90A4AE; "
                     u"border-radius: 4px; padding: 2px 8px; }"
                     u"QPushButton:hover { background: #E3F2FD; }"
                     u"QPushButton:disabled { color: #90A4AE; border-color: #CFD8DC; }"_s);
    return b;
}
} // namespace

IncidentSummaryCard::IncidentSummaryCard(QWidget* parent) : QWidget(parent)
{
    // The card takes exactly its panel's width (labels wrap); only vertical scrolling, never sideways.
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 6, 12, 8);
    layout->setSpacing(3);

    // The action sits on the first line so it never scrolls out of reach.
    auto* topRow = m_topRow = new QHBoxLayout;
    m_badges = new MeasuredLabel(this);
    m_badges->setTextFormat(Qt::RichText); // built from escaped text only
    m_badges->setWordWrap(true);
    m_ackButton = new QPushButton(tr("Acknowledge"), this);
    m_ackButton->setToolTip(tr("Acknowledge this incident (A)"));
    m_ackButton->setObjectName(u"acknowledgeButton"_s);
    m_ackButton->setMinimumHeight(26);
    m_ackButton->setCursor(Qt::PointingHandCursor);
    m_ackButton->setStyleSheet(u"QPushButton { background: #1565C0; color: white; font-weight: 600; border: none; "
                               u"border-radius: 4px; padding: 3px 10px; }"
                               u"QPushButton:hover { background: #0D47A1; }"
                               u"QPushButton:disabled { background: #E3E7EB; color: #4A5560; }"_s);
    connect(m_ackButton, &QPushButton::clicked, this, [this]() {
        if (m_incidentId != 0)
            Q_EMIT acknowledgeRequested(m_incidentId);
    });
    topRow->addWidget(m_badges, 1);
    topRow->addWidget(m_ackButton, 0, Qt::AlignLeft);
    layout->addLayout(topRow);
    layout->addSpacing(4);

    m_rootCaption = new QLabel(tr("PROBABLE ROOT CAUSE"), this);
    layout->addWidget(m_rootCaption);

    auto* rootRow = new QHBoxLayout;
    m_rootService = plainLabel(this);
    m_rootService->setMinimumWidth(1); // a very long name is cut rather than widening the card
    m_rootService->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_rootService->installEventFilter(this);
    m_confidence = new QLabel(this);
    m_confidence->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    // What the number is, not a promise: its calibration holds on the project's test suites of alert storms.
    m_confidence->setToolTip(tr("Likelihood on test suites: of the causes shown with this percentage, about as many "
                                "were the root cause in simulated alert storms. Not a guarantee for this incident."));
    rootRow->addWidget(m_rootService, 1);
    rootRow->addWidget(m_confidence);
    layout->addLayout(rootRow);

    m_confidenceBar = new QProgressBar(this);
    m_confidenceBar->setRange(0, 100);
    m_confidenceBar->setTextVisible(false);
    m_confidenceBar->setFixedHeight(6);
    m_confidenceBar->setStyleSheet(u"QProgressBar { background: #E3E7EB; border: none; border-radius: 3px; }"
                                   u"QProgressBar::chunk { background: #6A1B9A; border-radius: 3px; }"_s);
    layout->addWidget(m_confidenceBar);

    m_others = plainLabel(this);
    layout->addWidget(m_others);

    layout->addSpacing(4);
    auto* evidenceCaption = new QLabel(tr("EVIDENCE"), this);
    layout->addWidget(evidenceCaption);
    m_evidence = new MeasuredLabel(this);
    m_evidence->setWordWrap(true);
    m_evidence->setTextFormat(Qt::RichText); // built from escaped text only
    m_evidence->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_evidence);
    layout->addSpacing(4);

    auto* form = new QFormLayout;
    form->setContentsMargins(0, 0, 0, 0);
    form->setHorizontalSpacing(10);
    form->setVerticalSpacing(2);
    form->setLabelAlignment(Qt::AlignLeft | Qt::AlignTop);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_affected = plainLabel(this);
    m_window = plainLabel(this);
    m_counts = plainLabel(this);
    m_state = plainLabel(this);
    QList<QLabel*> formCaptions;
    auto caption = [this, &formCaptions](const QString& text) {
        auto* label = new QLabel(text, this);
        formCaptions << label;
        return label;
    };
    form->addRow(caption(tr("Affected")), m_affected);
    form->addRow(caption(tr("Alerts")), m_counts);
    form->addRow(caption(tr("First → last")), m_window);
    form->addRow(caption(tr("State")), m_state);
    // What to do next sits right under the evidence it is built from; the facts below can scroll.
    m_triage = new TriageBox(this);
    layout->addWidget(m_triage);
    layout->addSpacing(4);
    m_times = plainLabel(this);
    form->addRow(caption(tr("MTTA · MTTR")), m_times);
    layout->addLayout(form);

    // The rest of the lifecycle, beside the state it changes.
    auto* lifecycleRow = new QHBoxLayout;
    m_mitigateButton =
        lifecycleButton(tr("Mitigate"), tr("Mark it mitigated: the impact is contained, the cause may remain (M)"),
                        u"mitigateButton"_s, this);
    m_resolveButton =
        lifecycleButton(tr("Resolve…"), tr("Resolve and say what fixed it (E or Shift+R)"), u"resolveButton"_s, this);
    connect(m_mitigateButton, &QPushButton::clicked, this, [this]() {
        if (m_incidentId != 0)
            Q_EMIT mitigateRequested(m_incidentId);
    });
    connect(m_resolveButton, &QPushButton::clicked, this, [this]() {
        if (m_incidentId != 0)
            Q_EMIT resolveRequested(m_incidentId);
    });
    lifecycleRow->addWidget(m_mitigateButton);
    lifecycleRow->addWidget(m_resolveButton);
    lifecycleRow->addStretch(1);
    layout->addLayout(lifecycleRow);

    layout->addSpacing(4);
    m_similarCaption = new QLabel(tr("SIMILAR PAST INCIDENTS"), this);
    layout->addWidget(m_similarCaption);
    m_similar = new MeasuredLabel(this);
    m_similar->setObjectName(u"similarIncidents"_s);
    m_similar->setWordWrap(true);
    m_similar->setTextFormat(Qt::RichText); // built from escaped text only
    m_similar->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_similar);
    layout->addStretch(1);
    m_captions = {m_rootCaption, evidenceCaption, m_similarCaption};
    m_captions += formCaptions;

    applyStyle();
    clear();
}

void IncidentSummaryCard::setPresentation(bool showAllEvidence, double fontScale)
{
    m_showAllEvidence = showAllEvidence;
    m_fontScale = fontScale;
    m_triage->setFontScale(fontScale);
    applyStyle();
}

bool IncidentSummaryCard::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_rootService && event->type() == QEvent::Resize)
        fitRootService();
    return QWidget::eventFilter(watched, event);
}

void IncidentSummaryCard::fitRootService()
{
    if (m_incidentId == 0 && m_rootService->wordWrap())
        return; // a message: it wraps at its full size
    // Too narrow for the badges and the whole "Acknowledge" on one line (war-room type): the button goes below.
    // The badges' width is laid out once per text and font: the row is checked on every snapshot and resize.
    const QString badgesKey = m_badges->text() + u'\n' + m_badges->font().key();
    if (badgesKey != m_badgesKey) {
        QTextDocument badges;
        badges.setDefaultFont(m_badges->font());
        badges.setHtml(m_badges->text());
        m_badgesKey = badgesKey;
        m_badgesWidth = int(badges.idealWidth());
    }
    const int row = m_badgesWidth + m_ackButton->sizeHint().width() + m_topRow->spacing() + 8;
    const auto direction = row > contentsRect().width() - 24 ? QBoxLayout::TopToBottom : QBoxLayout::LeftToRight;
    if (m_topRow->direction() != direction)
        m_topRow->setDirection(direction);
    const int available = m_rootService->contentsRect().width();
    double points = 15 * m_fontScale;
    if (available > 0) {
        QFont font = m_rootService->font();
        font.setBold(true);
        for (; points > 9 * m_fontScale; points -= 0.5) {
            font.setPointSizeF(points);
            if (QFontMetrics(font).horizontalAdvance(m_rootService->text()) <= available)
                break;
        }
    }
    const QString style = u"color: %1; font-size: %2pt; font-weight: 700;"_s.arg(Theme::accentText().name())
                              .arg(points, 0, 'f', 1);
    restyle(m_rootService, style);
}

QString IncidentSummaryCard::sized(double points) const
{
    return u"font-size: %1pt;"_s.arg(points * m_fontScale, 0, 'f', 1);
}

void IncidentSummaryCard::applyStyle()
{
    const QString secondary = Theme::secondaryText().name();
    for (qsizetype i = 0; i < m_captions.size(); ++i) // the three section captions, then the form's
        restyle(m_captions.at(i),
            i < 3 ? u"color: %1; %2 font-weight: 700; letter-spacing: 1px;"_s.arg(secondary, sized(8))
                  : u"color: %1;"_s.arg(secondary));
    restyle(m_confidence, u"%1 font-weight: 700; color: %2;"_s.arg(sized(13), Theme::text().name()));
    restyle(m_others, u"color: %1;"_s.arg(secondary));
}

void IncidentSummaryCard::clear(const QString& message, const QString& detail)
{
    m_incidentId = 0;
    m_evidenceLines.clear();
    m_badges->setText(QString());
    m_rootService->setText(message.isEmpty() ? tr("No incident selected") : message);
    m_rootCaption->setText(detail.isEmpty() ? tr("PROBABLE ROOT CAUSE") : tr("ALERT SOURCES"));
    restyle(m_rootService, u"color: %1; %2 font-weight: 700;"_s.arg(
        (detail.isEmpty() ? Theme::secondaryText() : Theme::text()).name(), sized(15)));
    m_rootService->setWordWrap(true); // a message, not a name: it wraps
    m_confidence->clear();
    setBarValue(m_confidenceBar, 0);
    m_others->clear();
    m_others->setVisible(false);
    if (!detail.isEmpty()) {
        m_evidence->setText(u"<div style='color:%1; %2'>%3</div>"_s.arg(
            Theme::text().name(), sized(12), detail.toHtmlEscaped().replace(u'\n', u"<br>"_s)));
    } else {
        m_evidence->setText(u"<span style='color:%1'>%2</span>"_s.arg(
            Theme::secondaryText().name(),
            (message.isEmpty() ? tr("Select an incident on the left.") : tr("Nothing needs you right now."))
                .toHtmlEscaped()));
    }
    for (QLabel* l : {m_affected, m_window, m_counts, m_state, m_times}) {
        l->setText(u"—"_s);
        l->setToolTip(QString());
    }
    m_ackButton->setEnabled(false);
    m_triage->clear();
    m_mitigateButton->setEnabled(false);
    m_resolveButton->setEnabled(false);
    m_similarLines.clear();
    m_similarCaption->setVisible(false);
    m_similar->clear();
    m_similar->setVisible(false);
}

QString IncidentSummaryCard::detailText() const
{
    QTextDocument doc;
    doc.setHtml(m_evidence->text());
    return doc.toPlainText();
}

QString IncidentSummaryCard::rootCauseText() const
{
    return m_rootService->text();
}

QString IncidentSummaryCard::stateText() const
{
    return m_state->text();
}

QString IncidentSummaryCard::timesText() const
{
    return m_times->text();
}

void IncidentSummaryCard::setMemory(const IncidentMemory& memory)
{
    m_similarLines.clear();
    m_similarCaption->setVisible(m_incidentId != 0);
    m_similar->setVisible(m_incidentId != 0);
    const QString secondary = Theme::secondaryText().name();
    if (memory.similar.isEmpty()) {
        m_similar->setText(u"<span style='color:%1'>%2</span>"_s.arg(
            secondary, tr("None yet: resolved incidents teach the console.").toHtmlEscaped()));
        m_similar->setToolTip(QString());
        return;
    }
    // One entry per incident: when, how long, what fixed it; then, quieter, what the engineers did not take.
    QString html = u"<table cellspacing='0' cellpadding='1'>"_s;
    QStringList tips;
    for (const PastIncidentMatch& m : memory.similar) {
        QStringList parts{tr("#%1").arg(m.incidentId)};
        if (m.firstAlertAt.isValid())
            parts << (m_incidentStart.isValid() ? beforeText(m.firstAlertAt.secsTo(m_incidentStart))
                                                : Theme::clockDate(m.firstAlertAt));
        if (m.mttrSecs >= 0)
            parts << tr("resolved in %1").arg(spanText(m.mttrSecs));
        parts << (m.fixedBy.isEmpty() ? tr("fix not recorded") : tr("fixed by %1").arg(m.fixedBy));
        const QString line = parts.join(u" · "_s);
        m_similarLines << (m.ignored.isEmpty() ? line : line + u" — "_s + tr("ignored: %1").arg(m.ignored.join(u"; "_s)));
        html += u"<tr><td valign='top' style='color:%1; padding-right:5px;'><b>%2</b></td><td>%3"_s.arg(
            Theme::accentText().name(), tr("%1 %").arg(qRound(m.similarity * 100)), line.toHtmlEscaped());
        if (!m.ignored.isEmpty())
            html += u"<br><span style='color:%1'>%2</span>"_s.arg(
                secondary, tr("ignored: %1").arg(m.ignored.join(u"; "_s)).toHtmlEscaped());
        html += u"</td></tr>"_s;
        tips << tr("#%1: %2 % alike, root cause %3").arg(m.incidentId).arg(qRound(m.similarity * 100))
                    .arg(m.rootCause.isEmpty() ? tr("unknown") : m.rootCause);
    }
    html += u"</table>"_s;
    m_similar->setText(html);
    m_similar->setToolTip(tips.join(u'\n'));
}

QString IncidentSummaryCard::notesText() const
{
    return m_others->text();
}

QString IncidentSummaryCard::confidenceText() const
{
    return m_confidence->text();
}

void IncidentSummaryCard::setIncident(const Incident& incident)
{
    m_incidentId = incident.id;
    m_incidentStart = incident.firstAlertAt;
    const QColor sev = Theme::severityColor(incident.severity);
    const QString sevText = incident.severity.isEmpty() ? tr("unknown") : incident.severity;
    // Plain spaces between the badges so a narrow card wraps them instead of growing wider than its panel.
    // The severity is a colour, a shape and a word, so no one has to tell red from orange.
    m_badges->setText(
        u"<span style='background:%1; color:%2; font-weight:700;'>&nbsp;%3&nbsp;</span>  <b style='color:%4'>%5</b>"_s
            .arg(sev.name(), Theme::readableOn(sev).name(), Theme::severityLabel(sevText).toHtmlEscaped().replace(u' ', u"&nbsp;"_s),
                 Theme::text().name(), Theme::stateText(incident.state).toUpper().toHtmlEscaped()));

    const RootCauseCandidate* top = incident.topCause();
    m_evidenceLines = top ? top->evidence : QStringList();
    m_rootCaption->setText(tr("PROBABLE ROOT CAUSE"));
    m_rootService->setWordWrap(false);
    if (top) {
        m_rootService->setText(top->service);
        m_rootService->setToolTip(top->inGraph ? QString() : tr("%1 is not in the dependency graph").arg(top->service));
        const int percent = qRound(top->confidence * 100);
        m_confidence->setText(tr("%1 %").arg(percent));
        setBarValue(m_confidenceBar, percent);
        // The runners-up by their own confidence (the ranking's score can disagree with it), and only those a
        // rounded percentage does not call impossible: "api-gateway 0 %" is not a possibility.
        QVector<RootCauseCandidate> rest(incident.rootCauses.cbegin() + 1, incident.rootCauses.cend());
        std::stable_sort(rest.begin(), rest.end(), [](const RootCauseCandidate& a, const RootCauseCandidate& b) {
            return a.confidence > b.confidence;
        });
        QStringList others;
        for (const RootCauseCandidate& c : std::as_const(rest)) {
            if (qRound(c.confidence * 100) < 1 || others.size() == 3)
                continue;
            others << u"%1 %2\u00A0%"_s.arg(c.service).arg(qRound(c.confidence * 100)); // "14 %" never wraps apart
        }
        QStringList notes;
        if (!top->hasOwnAlert)
            notes << tr("Silent root: it raised no alert of its own.");
        if (!top->inGraph)
            notes << tr("Not in the dependency graph.");
        if (!others.isEmpty())
            notes << tr("Also possible: %1").arg(others.join(u", "_s));
        m_others->setText(notes.join(u'\n'));
        m_others->setVisible(!notes.isEmpty());
    } else {
        m_rootService->setText(tr("Unknown"));
        m_rootService->setToolTip(QString());
        m_confidence->clear();
        setBarValue(m_confidenceBar, 0);
        m_others->setText(tr("The diagnosis found no candidate yet."));
        m_others->setVisible(true);
    }

    if (m_evidenceLines.isEmpty()) {
        m_evidence->setText(u"<span style='color:%1'>%2</span>"_s.arg(Theme::secondaryText().name(),
                                                                      tr("No evidence recorded.").toHtmlEscaped()));
    } else {
        // Strongest first; on a laptop the rest are one hover away so the card keeps its place, on the war-room
        // screen nobody can hover: every line is shown.
        const qsizetype shown = m_showAllEvidence ? m_evidenceLines.size() : 4;
        QString html = u"<table cellspacing='0' cellpadding='1'>"_s;
        for (const QString& line : m_evidenceLines.mid(0, shown))
            html += u"<tr><td valign='top' style='color:%1; padding-right:5px;'><b>•</b></td><td>%2</td></tr>"_s.arg(
                Theme::accentText().name(), line.toHtmlEscaped());
        if (m_evidenceLines.size() > shown)
            html += u"<tr><td></td><td style='color:%1'>%2</td></tr>"_s.arg(
                Theme::secondaryText().name(),
                tr("+%1 more (hover)").arg(m_evidenceLines.size() - shown).toHtmlEscaped());
        html += u"</table>"_s;
        m_evidence->setText(html);
        m_evidence->setToolTip(m_evidenceLines.join(u'\n'));
    }

    // Affected services: the count and the first few names; the graph shows them all.
    const QStringList& affected = incident.affectedServices;
    QString affectedText = tr("%n service(s)", nullptr, int(affected.size()));
    if (!affected.isEmpty()) {
        QStringList shown;
        int chars = 0;
        for (const QString& s : affected) {
            if (!m_showAllEvidence && !shown.isEmpty() && chars + s.size() > 52) // war room: no hover-only names
                break;
            shown << s;
            chars += int(s.size()) + 2;
        }
        affectedText += u": "_s + shown.join(u", "_s);
        if (shown.size() < affected.size())
            affectedText += u", "_s + tr("+%1 more").arg(affected.size() - shown.size());
    }
    m_affected->setText(affectedText);
    m_affected->setToolTip(affected.join(u'\n'));

    m_counts->setText(tr("%n alert(s)", nullptr, int(incident.alerts.size())) + u" · "_s +
                      tr("%n notification(s)", nullptr, incident.notificationCount));
    const qint64 minutes = incident.firstAlertAt.isValid() && incident.lastAlertAt.isValid()
                               ? incident.firstAlertAt.secsTo(incident.lastAlertAt) / 60
                               : -1;
    m_window->setText(Theme::clock(incident.firstAlertAt) + u" → "_s + Theme::clock(incident.lastAlertAt) +
                      (minutes >= 0 ? u"  ("_s + tr("%1 min").arg(minutes) + u')' : QString()));
    m_window->setToolTip(tr("First alert %1\nLast alert %2")
                             .arg(Theme::clockDate(incident.firstAlertAt), Theme::clockDate(incident.lastAlertAt)));
    QString state = Theme::stateText(incident.state);
    const auto by = [&state](const QString& who, const QDateTime& at) {
        if (!who.isEmpty())
            state = tr("%1 by %2 at %3").arg(state, who, Theme::clock(at));
    };
    switch (incident.state) {
    case Incident::State::Acknowledged:
        by(incident.acknowledgedBy, incident.acknowledgedAt);
        break;
    case Incident::State::Mitigated:
        by(incident.mitigatedBy, incident.mitigatedAt);
        break;
    case Incident::State::Resolved:
        by(incident.resolvedBy, incident.resolvedAt);
        break;
    case Incident::State::Triggered:
        break;
    }
    m_state->setText(state);
    const auto mtta = IncidentTimes::mttaSecs(incident), mttr = IncidentTimes::mttrSecs(incident);
    m_times->setText((mtta ? spanText(*mtta) : tr("not acknowledged")) + u" · "_s +
                     (mttr ? spanText(*mttr) : tr("not resolved")));
    m_times->setToolTip(tr("Time to acknowledge and time to resolve, from the first alert"));
    m_ackButton->setEnabled(incident.state == Incident::State::Triggered && incident.id != 0);
    m_mitigateButton->setEnabled(incident.id != 0 && (incident.state == Incident::State::Triggered ||
                                                      incident.state == Incident::State::Acknowledged));
    m_resolveButton->setEnabled(incident.id != 0 && incident.state != Incident::State::Resolved);
    fitRootService();
}
