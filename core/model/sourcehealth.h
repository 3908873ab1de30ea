#pragma once
// SourceHealth: what one source is doing right now, so a dead source shows as dead
// instead of as "no alerts". Alert feeds and the Prometheus servers the diagnosis reads both report one;
// only an alert feed's trouble can hide incidents (see kind).

#include <QDateTime>
#include <QMetaType>
#include <QString>

struct SourceHealth
{
    enum class State { Live, Stale, Unreachable };
    // Alerts: a feed whose silence may mean missed incidents. Metrics: a Prometheus whose loss costs the
    // diagnosis its metric evidence but hides no alert, so it never withholds the "all clear".
    enum class Kind { Alerts, Metrics };

    QString id;          // "alertmanager-poll:http://127.0.0.1:9093", "webhook:127.0.0.1:9797", "replay:..."
    QString displayName;
    State state = State::Stale;
    QDateTime lastSuccessAt;
    QString lastError;   // empty when the last attempt succeeded
    int alertCount = 0;  // alerts in the last successful fetch or delivery
    Kind kind = Kind::Alerts;
    QString access;      // how it is reached: "TLS (own CA) · bearer · X-Scope-OrgID team-a"; never a secret

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
