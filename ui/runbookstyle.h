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

// The panel follows the console's scheme: in the dark one its canvas, cards and text are the chrome's, not a light
// sheet on a dark window. Every colour below is read when a style sheet is built, so restyling applies a switch.
inline bool dark()
{
    return Theme::scheme() == Theme::Scheme::Dark;
}

inline QColor canvas() // behind the cards
{
    return dark() ? Theme::panelBackground() : QColor(0xF7, 0xF9, 0xFA);
}

inline QColor cardBackground()
{
    return dark() ? QColor(0x24, 0x2C, 0x34) : QColor(Qt::white);
}

inline QColor commandBackground()
{
    return dark() ? QColor(0x12, 0x17, 0x1C) : QColor(0xF4, 0xF6, 0xF8);
}

inline QColor commandBorder()
{
    return dark() ? QColor(0x3A, 0x46, 0x52) : QColor(0xE3, 0xE7, 0xEB);
}

inline QColor errorText() // a problem that keeps a step from running: 4.5:1 or more on the canvas and the cards
{
    return dark() ? QColor(0xFF, 0x8A, 0x80) : QColor(0xB7, 0x1C, 0x1C);
}

inline QColor errorBorder()
{
    return dark() ? QColor(0xE5, 0x73, 0x73) : QColor(0xC6, 0x28, 0x28);
}

inline QColor linkText()
{
    return dark() ? QColor(0x90, 0xCA, 0xF9) : QColor(0x15, 0x65, 0xC0);
}

inline QColor activityText()
{
    return dark() ? QColor(0x90, 0xCA, 0xF9) : QColor(0x0D, 0x47, 0xA1);
}

inline QColor disabledText()
{
    return dark() ? QColor(0x6B, 0x77, 0x85) : QColor(0x9A, 0xA5, 0xB1);
}

inline QString textStyle(const QColor& color)
{
    return u"color: %1;"_s.arg(color.name());
}

inline QString caption()
{
    return u"color: %1; font-size: 8pt; font-weight: 700; letter-spacing: 1px;"_s.arg(Theme::secondaryText().name());
}

inline QString primaryButton()
{
    return u"QPushButton { background: #1565C0; color: white; font-weight: 600; border: none; border-radius: 4px; "
           u"padding: 4px 10px; } QPushButton:hover { background: #0D47A1; } "
           u"QPushButton:disabled { background: %1; color: %2; }"_s.arg(
               dark() ? u"#2A333C"_s : u"#E3E7EB"_s, Theme::secondaryText().name());
}

inline QString secondaryButton()
{
    return u"QPushButton { background: %1; color: %2; border: 1px solid %3; border-radius: 4px; "
           u"padding: 3px 9px; } QPushButton:hover { background: %4; } "
           u"QPushButton:disabled { color: %5; border-color: %6; }"_s.arg(
               dark() ? u"#2A333C"_s : u"white"_s, Theme::text().name(), Theme::chromeBorder().name(),
               dark() ? u"#323C46"_s : u"#F1F4F7"_s, disabledText().name(), commandBorder().name());
}

// Small text buttons beside the command (Dry run, Copy command): actions on the text, not on the system.
inline QString linkButton()
{
    return u"QPushButton { background: transparent; color: %1; border: none; padding: 0px 4px; "
           u"font-weight: 600; } QPushButton:hover { text-decoration: underline; } "
           u"QPushButton:disabled { color: %2; }"_s.arg(linkText().name(), disabledText().name());
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
