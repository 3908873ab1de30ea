#pragma once
// RootCauseCandidate: one ranked answer to "which service broke first", with the reasons in plain words.

#include <QMetaType>
#include <QString>
#include <QStringList>

struct RootCauseCandidate
{
    QString service;
    double score = 0.0;      // engine-internal ranking score, comparable only within one incident
    double confidence = 0.0; // calibrated probability that this candidate is the true root cause
    QStringList evidence;    // plain sentences an engineer can check, strongest first
    bool hasOwnAlert = false; // false for a silent root (e.g. a database that raised nothing)
    bool inGraph = true;      // false when the service is absent from the dependency graph
};

Q_DECLARE_METATYPE(RootCauseCandidate)
