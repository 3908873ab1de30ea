#pragma once
// nightwatch-bench --attacks: the attack run of issue 20 against the real `nightwatch-cli serve`. Starts serve on a
// temp SQLite file (and a second one with a bearer token for the auth attacks) and runs each attack while a client
// keeps posting good small deliveries (recording every 200) and another polls /healthz; prints one row per attack:
// inputs tried, answers by status, crashes, data lost (acknowledged good alerts missing from the store afterwards),
// healthz p99 during the attack and serve's RSS before/peak/after. Exits 1 when a row has a crash, lost data or an
// answer the receiver must not give (a status outside the attack's expected ones, a CORS grant, a smuggled request
// answered or stored, a hostile alert stored, a good delivery refused).

#include <QString>

struct AttackRunOptions
{
    QString cli;        // nightwatch-cli to start
    bool quick = false; // CI size: fewer connections and smaller bodies, same attacks
    bool json = false;
};

int runAttacks(const AttackRunOptions& options);
