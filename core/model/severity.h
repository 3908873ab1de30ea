#pragma once
// Severity: the one ranking of alert and incident severities. Feeds disagree on the word (Prometheus rules say
// "critical"/"warning", PagerDuty "high"/"low", paging setups "page"), so every comparison parses the label into
// this enum first. Declaration order is rank order: <, >= and std::max compare severities directly.

#include <QString>
#include <QStringView>

enum class Severity : quint8
{
    Unknown, // no label, or a word no feed uses for a severity
    Info,
    Warning,
    Error,
    Critical,
};

// Case-insensitive and trimmed, with the synonyms feeds use: page/high/fatal/emergency/crit read as Critical,
// err as Error, warn/medium as Warning, low/none/informational as Info.
Severity parseSeverity(QStringView word);
// The canonical lowercase word ("critical", ...); empty for Unknown.
QString severityName(Severity severity);
