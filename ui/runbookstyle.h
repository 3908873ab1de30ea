#pragma once
// RunbookStyle: the few style sheets the runbook panel's widgets share (buttons, captions, the command
// box), so the cards, the parameter form and the panel look like one piece and like the summary card.

#include "model/runbook.h"
#include "theme.h"

#include <QFont>
#include <QFontDatabase>
#include <QLabel>
#include <QString>

namespace RunbookStyle {

using namespace Qt::StringLiterals;

inline QString caption()
{
    return u"color: #4A5560; font-size: 8pt; font-weight: 700; letter-spacing: 1px;"_s;
}

inline QString primaryButton()
{
    return u"QPushButton { background: #1565C0; color: white; font-weight: 600; border: none; border-radius: 4px; "
           u"padding: 4px 10px; } QPushButton:hover { background: #0D47A1; } "
           u"QPushButton:disabled { background: #E3E7EB; color: #4A5560; }"_s;
}

inline QString secondaryButton()
{
    return u"QPushButton { background: white; color: #1F2933; border: 1px solid #C5CCD3; border-radius: 4px; "
           u"padding: 3px 9px; } QPushButton:hover { background: #F1F4F7; } "
           u"QPushButton:disabled { color: #9AA5B1; border-color: #E3E7EB; }"_s;
}

// Small text buttons beside the command (Dry run, Copy command): actions on the text, not on the system.
inline QString linkButton()
{
    return u"QPushButton { background: transparent; color: #1565C0; border: none; padding: 0px 4px; "
           u"font-weight: 600; } QPushButton:hover { text-decoration: underline; } "
           u"QPushButton:disabled { color: #9AA5B1; }"_s;
}

// Plain text (it quotes alert data and argv), wrapped to its column's width and never widening it.
inline QLabel* wrappedLabel(QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    label->setMinimumWidth(1);
    return label;
}

inline QFont monospace()
{
    QFont f = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    f.setPointSizeF(9);
    return f;
}

// The severity colours the console already uses, read as "how careful to be": blue calm, amber careful,
// red dangerous. Blue, amber and red stay apart for colour-blind eyes (by hue and lightness), and the
// safety is always written out next to its colour.
inline Theme::AlertState safetyTone(RunbookStep::Safety safety)
{
    switch (safety) {
    case RunbookStep::Safety::ReadOnly:
        return Theme::AlertState::Info;
    case RunbookStep::Safety::Low:
        return Theme::AlertState::Warning;
    case RunbookStep::Safety::High:
        return Theme::AlertState::Critical;
    }
    return Theme::AlertState::Critical;
}

} // namespace RunbookStyle
