#pragma once
// SourceHealth: what one alert feed is doing right now, so a dead source shows as dead
// instead of as "no alerts".

#include <QDateTime>
#include <QMetaType>
#include <QString>

struct SourceHealth
{
    enum class State { Live, Stale, Unreachable };

    QString id;          // "alertmanager-poll:http://127.0.0.1:9093", "webhook:127.0.0.1:9797", "replay:..."
    QString displayName;
    State state = State::Stale;
    QDateTime lastSuccessAt;
    QString lastError;   // empty when the last attempt succeeded
    int alertCount = 0;  // alerts in the last successful fetch or delivery

    static QString stateName(State s)
    {
        switch (s) {
        case State::Live: return QStringLiteral("live");
        case State::Stale: return QStringLiteral("stale");
        case State::Unreachable: return QStringLiteral("unreachable");
        }
        return {};
    }
};

Q_DECLARE_METATYPE(SourceHealth)
