#pragma once
// AgeDecay: how much an old incident still counts. Patterns are never deleted at a fixed age; their weight
// halves every halfLife instead, so last night's incident counts fully and one from a year ago barely.

#include <QDateTime>

#include <cmath>

struct AgeDecay
{
    double halfLifeDays = 30.0;

    // 1.0 for then >= now (or unknown times), 0.5 one half-life earlier, and so on.
    double weight(const QDateTime& then, const QDateTime& now) const
    {
        if (!then.isValid() || !now.isValid() || halfLifeDays <= 0.0)
            return 1.0;
        const double ageDays = double(then.msecsTo(now)) / 86'400'000.0;
        return ageDays <= 0.0 ? 1.0 : std::exp2(-ageDays / halfLifeDays);
    }
};
