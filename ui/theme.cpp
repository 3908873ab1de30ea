#include "theme.h"

#include "i18n/coretranslate.h"
#include "uitranslations.h"

#include <QCoreApplication>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {
Theme::Scheme s_scheme = Theme::Scheme::Light;
bool s_highContrast = false;
double s_fontScale = 1.0;

double relativeLuminance(const QColor& c)
{
    auto channel = [](double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

// Every view reads Theme, so this file is linked wherever ui strings are shown: the English plural forms of
// tr("%n alert(s)") come with it, in the console and in every test, before any widget exists.
void installEnglishPlurals()
{
    UiTranslations::installEnglishPlurals();
}

// The look of a severity, one of four (unknown, info, warning, critical): "error" is painted as critical, since both
// mean something is broken now. The ranking itself is Severity's.
int look(const QString& severity)
{
    switch (parseSeverity(severity)) {
    case Severity::Critical:
    case Severity::Error: return 3;
    case Severity::Warning: return 2;
    case Severity::Info: return 1;
    case Severity::Unknown: break;
    }
    return 0;
}
} // namespace
Q_COREAPP_STARTUP_FUNCTION(installEnglishPlurals)

Theme::Scheme Theme::scheme()
{
    return s_scheme;
}

void Theme::setScheme(Scheme scheme)
{
    s_scheme = scheme;
}

bool Theme::highContrast()
{
    return s_highContrast;
}

void Theme::setHighContrast(bool on)
{
    s_highContrast = on;
}

double Theme::fontScale()
{
    return s_fontScale;
}

void Theme::setFontScale(double scale)
{
    s_fontScale = scale > 0 ? scale : 1.0;
}

Theme::Scheme Theme::schemeOf(const QPalette& system)
{
    return system.color(QPalette::Window).lightness() < 128 ? Scheme::Dark : Scheme::Light;
}

Theme::Scheme Theme::parseScheme(const QString& name, const QPalette& system, bool* ok)
{
    const QString n = name.trimmed().toLower();
    if (ok)
        *ok = n.isEmpty() || n == u"system" || n == u"dark" || n == u"light";
    if (n == u"dark")
        return Scheme::Dark;
    if (n == u"light")
        return Scheme::Light;
    return schemeOf(system);
}

QPalette Theme::windowPalette(Scheme scheme)
{
    const bool dark = scheme == Scheme::Dark;
    QPalette pal;
    pal.setColor(QPalette::Window, dark ? QColor(0x12, 0x17, 0x1C) : QColor(0xEC, 0xEF, 0xF2));
    pal.setColor(QPalette::Base, dark ? QColor(0x1C, 0x23, 0x2A) : QColor(Qt::white));
    pal.setColor(QPalette::AlternateBase, dark ? QColor(0x24, 0x2C, 0x34) : QColor(0xF5, 0xF7, 0xF9));
    const QColor ink = dark ? QColor(0xEE, 0xF2, 0xF6) : QColor(0x1A, 0x23, 0x2B);
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::BrightText})
        pal.setColor(role, ink);
    pal.setColor(QPalette::Button, dark ? QColor(0x2A, 0x33, 0x3C) : QColor(0xE3, 0xE7, 0xEB));
    pal.setColor(QPalette::Mid, dark ? QColor(0x4A, 0x55, 0x60) : QColor(0xC5, 0xCC, 0xD3));
    pal.setColor(QPalette::PlaceholderText, dark ? QColor(0xAE, 0xB8, 0xC2) : QColor(0x4A, 0x55, 0x60));
    pal.setColor(QPalette::Highlight, dark ? QColor(0x56, 0xB4, 0xE9) : QColor(0x15, 0x65, 0xC0));
    pal.setColor(QPalette::HighlightedText, dark ? QColor(0x0B, 0x0F, 0x13) : QColor(Qt::white));
    pal.setColor(QPalette::ToolTipBase, QColor(0xFF, 0xFD, 0xE7));
    pal.setColor(QPalette::ToolTipText, Qt::black);
    return pal;
}

QColor Theme::text()
{
    return s_scheme == Scheme::Dark ? QColor(0xEE, 0xF2, 0xF6) : QColor(0x1A, 0x23, 0x2B);
}

QColor Theme::secondaryText()
{
    if (s_scheme == Scheme::Dark)
        return s_highContrast ? QColor(0xDA, 0xE1, 0xE8) : QColor(0xB4, 0xBE, 0xC8);
    return s_highContrast ? QColor(0x26, 0x32, 0x38) : mutedText();
}

QColor Theme::panelBackground()
{
    return s_scheme == Scheme::Dark ? QColor(0x1C, 0x23, 0x2A) : QColor(Qt::white);
}

QColor Theme::chromeBorder()
{
    return s_scheme == Scheme::Dark ? QColor(0x4A, 0x55, 0x60) : panelBorder();
}

QColor Theme::accentText()
{
    return s_scheme == Scheme::Dark ? QColor(0xD7, 0xB4, 0xF3) : rootCauseColor();
}

double Theme::contrastRatio(const QColor& a, const QColor& b)
{
    const double la = relativeLuminance(a);
    const double lb = relativeLuminance(b);
    return (qMax(la, lb) + 0.05) / (qMin(la, lb) + 0.05);
}

QColor Theme::readableOn(const QColor& background)
{
    const QColor dark(0x11, 0x11, 0x11);
    return contrastRatio(dark, background) >= contrastRatio(Qt::white, background) ? dark : QColor(Qt::white);
}

QColor Theme::readableAccent(const QColor& accent, const QColor& background)
{
    const bool darkBackground = relativeLuminance(background) < 0.18;
    QColor c = accent;
    for (int step = 0; step < 20 && contrastRatio(c, background) < 4.5; ++step)
        c = darkBackground ? c.lighter(112) : c.darker(112);
    return contrastRatio(c, background) >= 4.5 ? c : readableOn(background);
}

QString Theme::severityLabel(const QString& severity)
{
    const QString word = severity.isEmpty() ? QCoreApplication::translate("Theme", "unknown") : CoreTranslate::severity(severity);
    static const QString shapes[] = {u"■"_s, u"●"_s, u"◆"_s, u"▲"_s}; // unknown, info, warning, critical
    return shapes[look(severity)] + u' ' + word.toUpper();
}

QColor Theme::severityColor(const QString& severity)
{
    if (s_scheme == Scheme::Dark) { // Okabe-Ito: vermillion, yellow, blue, grey
        static const QColor okabeIto[] = {QColor(0x99, 0x99, 0x99), QColor(0x00, 0x72, 0xB2), QColor(0xF0, 0xE4, 0x42),
                                          QColor(0xD5, 0x5E, 0x00)};
        return okabeIto[look(severity)];
    }
    switch (look(severity)) {
    case 3:
        return QColor(0xC6, 0x28, 0x28);
    case 2:
        return QColor(0xF9, 0xA8, 0x25);
    case 1:
        return QColor(0x15, 0x65, 0xC0);
    default:
        return QColor(0x78, 0x90, 0x9C);
    }
}

QColor Theme::alertStateFill(AlertState state)
{
    switch (state) {
    case AlertState::Critical:
        return QColor(0xC6, 0x28, 0x28);
    case AlertState::Warning:
        return QColor(0xF9, 0xA8, 0x25);
    case AlertState::Info:
        return QColor(0x15, 0x65, 0xC0);
    case AlertState::Resolved:
        return QColor(0xC8, 0xE6, 0xC9);
    case AlertState::None:
        return QColor(0xEC, 0xEF, 0xF1);
    }
    return {};
}

QColor Theme::alertStateText(AlertState state)
{
    switch (state) {
    case AlertState::Critical:
    case AlertState::Info:
        return QColor(Qt::white);
    case AlertState::Warning:
        return QColor(0x1A, 0x1A, 0x1A);
    case AlertState::Resolved:
        return QColor(0x1B, 0x5E, 0x20);
    case AlertState::None:
        return QColor(0x26, 0x32, 0x38);
    }
    return {};
}

QColor Theme::sourceStateColor(SourceHealth::State state)
{
    switch (state) {
    case SourceHealth::State::Live:
        return QColor(0x2E, 0x7D, 0x32);
    case SourceHealth::State::Stale:
        return QColor(0xF9, 0xA8, 0x25);
    case SourceHealth::State::Unreachable:
        return QColor(0xD3, 0x2F, 0x2F);
    }
    return {};
}

QString Theme::stateText(Incident::State state)
{
    switch (state) {
    case Incident::State::Triggered:
        return QCoreApplication::translate("Theme", "Triggered");
    case Incident::State::Acknowledged:
        return QCoreApplication::translate("Theme", "Acknowledged");
    case Incident::State::Mitigated:
        return QCoreApplication::translate("Theme", "Mitigated");
    case Incident::State::Resolved:
        return QCoreApplication::translate("Theme", "Resolved");
    }
    return {};
}

QString Theme::sourceStateText(SourceHealth::State state)
{
    switch (state) {
    case SourceHealth::State::Live:
        return QCoreApplication::translate("Theme", "live");
    case SourceHealth::State::Stale:
        return QCoreApplication::translate("Theme", "stale");
    case SourceHealth::State::Unreachable:
        return QCoreApplication::translate("Theme", "unreachable");
    }
    return {};
}

QString Theme::clock(const QDateTime& utc)
{
    return utc.isValid() ? utc.toLocalTime().toString(QStringLiteral("HH:mm:ss")) : QStringLiteral("—");
}

QString Theme::clockDate(const QDateTime& utc)
{
    return utc.isValid() ? utc.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QStringLiteral("—");
}
