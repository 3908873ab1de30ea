#pragma once
// ResolvedRunbook: a runbook with every parameter validated and substituted, exactly what would run.
// This is what a dry run shows, what an approval token signs and what the executor runs: nothing in
// it is re-interpreted later (no shell, no second substitution).

#include "model/runbook.h"

#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

struct ResolvedParam
{
    QString name;
    QString value;
    QString source; // "input", "label:NAME", "service" or "default"
};

struct ResolvedStep
{
    QString name;
    RunbookStep::Safety safety = RunbookStep::Safety::High;
    bool requiresApproval = true;
    QStringList argv;
    QMap<QString, QString> env; // allowlisted variables set at resolve time, plus PATH; sorted by name
    int timeoutMs = 0;
    QStringList verifyArgv;
    QString verifyPromql;
    int verifyTimeoutMs = 0;
    QStringList rollbackArgv;
    bool rollbackAutomatic = false;
    QStringList params; // names of the parameters its commands use
};

struct ResolvedRunbook
{
    QString id;
    QString title;
    QString file;
    QVector<ResolvedParam> params;
    QVector<ResolvedStep> steps;

    const ResolvedStep* step(const QString& name) const
    {
        for (const ResolvedStep& s : steps)
            if (s.name == name)
                return &s;
        return nullptr;
    }
};

Q_DECLARE_METATYPE(ResolvedStep)
