#include "severity.h"

#include <array>
#include <utility>

using namespace Qt::StringLiterals;

Severity parseSeverity(QStringView word)
{
    static const std::array<std::pair<QLatin1StringView, Severity>, 16> words{{
        {"critical"_L1, Severity::Critical},
        {"crit"_L1, Severity::Critical},
        {"page"_L1, Severity::Critical},
        {"high"_L1, Severity::Critical},
        {"fatal"_L1, Severity::Critical},
        {"emergency"_L1, Severity::Critical},
        {"error"_L1, Severity::Error},
        {"err"_L1, Severity::Error},
        {"warning"_L1, Severity::Warning},
        {"warn"_L1, Severity::Warning},
        {"medium"_L1, Severity::Warning},
        {"info"_L1, Severity::Info},
        {"informational"_L1, Severity::Info},
        {"low"_L1, Severity::Info},
        {"none"_L1, Severity::Info}, // the Watchdog's label: a known, harmless severity
        {"notice"_L1, Severity::Info},
    }};
    const QStringView trimmed = word.trimmed();
    for (const auto& [name, severity] : words)
        if (trimmed.compare(name, Qt::CaseInsensitive) == 0)
            return severity;
    return Severity::Unknown;
}

QString severityName(Severity severity)
{
    switch (severity) {
    case Severity::Critical: return u"critical"_s;
    case Severity::Error: return u"error"_s;
    case Severity::Warning: return u"warning"_s;
    case Severity::Info: return u"info"_s;
    case Severity::Unknown: break;
    }
    return {};
}
