#include "theme.h"

#include <QCoreApplication>

QColor Theme::severityColor(const QString& severity)
{
    switch (severityRank(severity)) {
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

int Theme::severityRank(const QString& severity)
{
    const QString s = severity.toLower();
    if (s == u"critical" || s == u"page" || s == u"error" || s == u"high")
        return 3;
    if (s == u"warning" || s == u"warn" || s == u"medium")
        return 2;
    if (s == u"info" || s == u"low" || s == u"none")
        return 1;
    return 0;
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
