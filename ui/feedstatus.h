#pragma once
// FeedStatus: whether the console may say "all clear". An empty incident list means nothing is wrong only
// when every alert source is live; a dead or silent source must be named instead (which, since when, why).
// Metrics sources (Prometheus) are left out on purpose: their loss costs the diagnosis its metric evidence, but
// every alert still arrives, so "no incidents" stays true. Their own chips in the header say they are down.

#include "model/sourcehealth.h"

#include <QCoreApplication>
#include <QString>
#include <QVector>

struct FeedStatus
{
    Q_DECLARE_TR_FUNCTIONS(FeedStatus)

public:
    bool allLive = false; // every alert source answered its last fetch or delivery; none means "not yet"
    QString headline;     // "alertmanager-us unreachable since 13:52:10"; empty when allLive
    QString detail;       // one line per source that is not live, with its error

    static FeedStatus of(const QVector<SourceHealth>& sources);
};
