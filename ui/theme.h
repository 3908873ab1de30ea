#pragma once
// Theme: the console's colours and small text helpers in one place, so every view paints a
// severity or a state the same way (an engineer learns one colour code, not four).

#include "model/incident.h"
#include "model/sourcehealth.h"

#include <QColor>
#include <QDateTime>
#include <QPalette>
#include <QString>

class Theme
{
public:
    enum class AlertState
    {
        Critical,
        Warning,
        Info,
        Resolved,
        None
    };

    // The console's chrome (window, header, panels, summary card) is light or dark, and so are the drawn canvases
    // (graph, charts, tables, list tiles), which take their colours from here.
    enum class Scheme
    {
        Light,
        Dark
    };
    static Scheme scheme();
    static void setScheme(Scheme scheme);
    // War-room mode: secondary text as strong as the main text, for a screen read from across the room.
    static bool highContrast();
    static void setHighContrast(bool on);
    // War-room type: the one factor every view multiplies its point sizes by (card, incident list, graph nodes
    // and legend, timeline, source chips, status bar), so nothing grows alone and nothing stays small. 1 outside.
    static constexpr double WarRoomFontScale = 1.6; // 9 pt reads as 14.4 pt: legible from ~4 m on a 1080p screen
    static double fontScale();
    static void setFontScale(double scale);
    static double points(double normalPoints) { return normalPoints * fontScale(); }
    // Qt 6.4 has no QStyleHints::colorScheme: a dark window colour in the OS palette means a dark desktop.
    static Scheme schemeOf(const QPalette& system);
    // "dark", "light" or "system" (empty too); nullopt-like: returns false in *ok for anything else.
    static Scheme parseScheme(const QString& name, const QPalette& system, bool* ok = nullptr);
    static QPalette windowPalette(Scheme scheme);
    static QPalette windowPalette() { return windowPalette(scheme()); }

    // Chrome colours of the current scheme.
    static QColor text();
    static QColor secondaryText();
    static QColor panelBackground();
    static QColor chromeBorder();
    static QColor accentText(); // the root cause's name: purple on light, lilac on dark

    // WCAG 2.x contrast ratio of two opaque colours, 1..21 (4.5 is the floor for body text).
    static double contrastRatio(const QColor& a, const QColor& b);
    static QColor readableOn(const QColor& background); // near-black or white, whichever contrasts more
    // The accent itself when it reaches 4.5:1 on the background, else the same hue darkened (light background) or
    // lightened (dark background) until it does: a severity word keeps its colour cue and stays readable.
    static QColor readableAccent(const QColor& accent, const QColor& background);

    // Severity colours are colour-blind safe in both schemes (the light ones differ in lightness, the dark
    // ones are Okabe-Ito) and are never the only cue: severityLabel() adds a shape and the word.
    static QColor severityColor(const QString& severity);
    static QString severityLabel(const QString& severity); // "▲ CRITICAL", "◆ WARNING", "● INFO"
    static QColor alertStateFill(AlertState state);
    static QColor alertStateText(AlertState state);
    static QColor sourceStateColor(SourceHealth::State state);

    static QColor rootCauseColor() { return QColor(0x6A, 0x1B, 0x9A); }   // deep purple: not a severity colour
    static QColor blastRadiusColor() { return QColor(0xEF, 0x6C, 0x00); } // orange halo
    static QColor changeColor() { return QColor(0x00, 0x69, 0x5C); }      // teal: deploys
    static QColor headerBackground() { return QColor(0x1F, 0x29, 0x33); }
    static QColor panelBorder() { return QColor(0xC5, 0xCC, 0xD3); }
    static QColor mutedText() { return QColor(0x4A, 0x55, 0x60); }

    static QString stateText(Incident::State state);
    static QString sourceStateText(SourceHealth::State state);

    // Times are stored in UTC and shown in the engineer's local zone.
    // Legacy: prefer tr("%n alert(s)", nullptr, n), whose plural forms the translations carry (English ones are
    // always installed, see UiTranslations). Kept for code that still passes two tr()'d forms.
    static QString count(qint64 n, const QString& one, const QString& many) { return (n == 1 ? one : many).arg(n); }

    static QString clock(const QDateTime& utc);     // "14:02:11"
    static QString clockDate(const QDateTime& utc); // "2026-11-27 14:02:11"
};
