#pragma once
// nightwatch-bench --receiver-load: drives a real `nightwatch-cli serve` (any build: pass --serve BINARY to compare
// two) over loopback and prints what a sender and a monitor see: a storm of distinct alerts (alerts/s, delivery
// latency p50/p99/max), 2,000 change events in one POST and in 2,000 POSTs (time), /healthz latency during each,
// and how long SIGTERM takes while a big change batch is in flight. Figures only; nothing here asserts a target.

#include <QString>

struct ReceiverLoadOptions
{
    QString serveBinary;  // nightwatch-cli
    int stormAlerts = 20'000;
    int alertsPerDelivery = 20;
    int inFlight = 6;     // QNetworkAccessManager's connections per host
    int changeEvents = 2'000;
    bool json = false;
};

int runReceiverLoad(const ReceiverLoadOptions& options);
