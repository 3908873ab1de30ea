#pragma once
// The order statistics the benchmarks print.

#include <QVector>

#include <algorithm>
#include <cmath>

// The p-quantile by nearest rank (p = 1: the largest); 0 for no values.
inline double percentile(QVector<double> values, double p)
{
    if (values.isEmpty())
        return 0.0;
    std::sort(values.begin(), values.end());
    const auto rank = qsizetype(std::ceil(p * double(values.size())));
    return values[std::clamp<qsizetype>(rank - 1, 0, values.size() - 1)];
}
