#pragma once
// TrackedAlert: one alert after deduplication by fingerprint: its latest notification plus the
// history that repeats and flapping leave behind (counted, never duplicated).

#include "alert.h"

struct TrackedAlert
{
    Alert latest;              // the most recent notification for this fingerprint
    QDateTime firstStartsAt;   // earliest startsAt seen: the onset used for ordering
    QDateTime firstReceivedAt; // when the console first heard of it
    QDateTime lastReceivedAt;
    int notificationCount = 0; // every delivery, HA duplicates and repeats included
    int flapCount = 0;         // times it fired again after a resolve
    bool inhibited = false;    // matched an inhibit rule: shown, marked, never deleted
    QString inhibitedBy;       // fingerprint of the source alert that inhibits it

    const QString& fingerprint() const { return latest.fingerprint; }
    QString service() const { return latest.service(); }
    bool isFiring() const { return latest.isFiring(); }
};

Q_DECLARE_TYPEINFO(TrackedAlert, Q_RELOCATABLE_TYPE); // like Alert: Qt handles and plain values only
Q_DECLARE_METATYPE(TrackedAlert)
