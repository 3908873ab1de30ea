#pragma once
// The HTTP storm against the real `nightwatch-cli serve` process (issue 20, "Load"): N concurrent clients post
// Alertmanager deliveries of mostly distinct alerts to serve on a temp SQLite file while another polls /healthz,
// then single big deliveries (10,000 and --big-alerts alerts) while one client keeps posting small deliveries. Prints
// alerts/s, p50/p99 delivery latency, errors, healthz p99 during the storm, each big delivery's time and rate with
// the small deliveries' latency meanwhile (starved or not), serve's RSS before/after the storm, at peak and after,
// beside the RSS of a fresh serve that restored the same store (what holding the open alerts costs without the
// storm's history) and the bytes per open alert of both, where the time of one big body goes in process (parse,
// store, correlate), and checks the store holds every alert that was acknowledged (exit 1 otherwise, or on any error
// answer). Figures only: no speed or size is asserted.

#include <QString>

struct ServeStormOptions
{
    QString cli;               // nightwatch-cli to start
    int clients = 8;           // connections posting at once, one delivery in flight each
    int notifications = 200'000;
    int alertsPerDelivery = 20;
    int bigAlerts = 100'000;   // the single big delivery after the storm (0: none); one of 10,000 first when larger
    bool json = false;
};

int runServeStorm(const ServeStormOptions& options);
