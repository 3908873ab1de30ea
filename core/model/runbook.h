#pragma once
// Runbook: a runbook as loaded from its YAML file (one runbook per file), before any parameter is
// resolved. Plain values; RunbookLoader builds them, ParamResolver turns them into ResolvedRunbook.

#include "model/alert.h"

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

// One parameter of a runbook. Its value is untrusted (alert labels come from the network): it must
// fully match pattern and fit maxLength before it may appear in any argv element.
struct RunbookParam
{
    enum class Source
    {
        Label,
        Service,
        Input
    };
    // A Path value is also normalised and must stay under root (no '..' segment, and symbolic links
    // resolved where they exist on this host): a pattern alone cannot see where a path really leads.
    enum class Type
    {
        Text,
        Path
    };

    QString name; // [a-z_][a-z0-9_]*, referenced as {name} inside argv elements
    Source source = Source::Input;
    Type type = Type::Text;
    QString root; // Type::Path: the absolute directory the value must stay under
    QString label;       // Source::Label: the alert label read (defaults to name)
    QString pattern;     // regular expression the whole value must match (anchored by the resolver)
    int maxLength = 256; // in UTF-16 code units, checked before the pattern
    QString defaultValue;
    bool hasDefault = false;
    QString description;
};

// What a step runs after its command to check it worked: a command (exit 0 = passed) or a PromQL
// condition, asked of Prometheus until it holds or the verify times out (recorded as not evaluated when no
// Prometheus is configured).
struct RunbookVerify
{
    QStringList argv; // empty: no command
    QString promql;   // empty: no PromQL condition
    int timeoutMs = 120'000;

    bool isEmpty() const { return argv.isEmpty() && promql.isEmpty(); }
};

struct RunbookStep
{
    enum class Safety
    {
        ReadOnly,
        Low,
        High
    };

    QString name; // [A-Za-z0-9._-]+, unique in the runbook: approvals name it
    QString description;
    QStringList argv; // program + arguments, never a shell string; argv[0] has no placeholder
    QStringList env;  // names of environment variables the step may see (PATH always)
    int timeoutMs = 300'000;
    Safety safety = Safety::High;
    bool requiresApproval = true; // only read-only steps may set false
    RunbookVerify verify;
    QStringList rollback;           // argv; empty: no rollback
    bool rollbackAutomatic = false; // run the rollback without asking when the step or its verify fails
};

// Where a runbook applies; the incident view proposes it when any of these match.
struct RunbookMatches
{
    QStringList alertnames;
    QStringList causes;
    QStringList services;
    LabelSet labels;
};

struct Runbook
{
    QString id; // "RB-DB-001"
    QString title;
    QString description;
    QString file; // where it was loaded from
    RunbookMatches matches;
    QVector<RunbookParam> params;
    QVector<RunbookStep> steps;
    QStringList warnings; // loadable but risky (a pattern that admits '..'), one line each, naming the file
};

inline QString safetyName(RunbookStep::Safety s)
{
    switch (s) {
    case RunbookStep::Safety::ReadOnly:
        return QStringLiteral("read-only");
    case RunbookStep::Safety::Low:
        return QStringLiteral("low");
    case RunbookStep::Safety::High:
        return QStringLiteral("high");
    }
    return QStringLiteral("high");
}

Q_DECLARE_METATYPE(Runbook)
