#include "seriesanomaly.h"

#include <QDateTime>

#include <algorithm>
#include <cmath>

namespace {
constexpr int kMinBaseline = 3; // fewer pre-onset points than this give no believable baseline
constexpr double kMadToSigma = 1.4826;

double median(QVector<double> v)
{
    const auto mid = v.begin() + v.size() / 2;
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}
} // namespace

SeriesAnomaly SeriesAnomaly::fromScenarioJson(const nlohmann::json& metrics)
{
    SeriesAnomaly out;
    if (!metrics.is_object())
        return out;
    const auto step = metrics.find("step_seconds");
    const auto start = metrics.find("start");
    const auto series = metrics.find("series");
    if (step == metrics.end() || !step->is_number() || start == metrics.end() || !start->is_string() ||
        series == metrics.end() || !series->is_array())
        return out;
    const QDateTime at = QDateTime::fromString(QString::fromStdString(start->get<std::string>()), Qt::ISODate);
    if (!at.isValid() || step->get<double>() < 1)
        return out;
    out.m_start = at.toSecsSinceEpoch();
    out.m_step = qint64(step->get<double>());
    for (const auto& s : *series) {
        if (!s.is_object() || !s.contains("service") || !s["service"].is_string() || !s.contains("values") ||
            !s["values"].is_array())
            continue;
        Series one{QString::fromStdString(s["service"].get<std::string>()), {}};
        for (const auto& v : s["values"])
            one.values << (v.is_number() ? v.get<double>() : std::nan(""));
        out.m_series << std::move(one);
    }
    return out;
}

QHash<QString, double> SeriesAnomaly::scores(qint64 onset, qint64 lastOnset) const
{
    QHash<QString, double> out;
    // A step of slack on each side: the alert's onset is floored to the step, the series' shift need not be.
    const qint64 from = (onset - m_start) / m_step - 1;
    const qint64 to = (lastOnset - m_start) / m_step + 1;
    for (const Series& s : m_series) {
        QVector<double> before, during;
        for (qsizetype i = 0; i < s.values.size(); ++i) {
            if (std::isnan(s.values[i]))
                continue;
            if (i < from)
                before << s.values[i];
            else if (i <= to)
                during << s.values[i];
        }
        if (before.size() < kMinBaseline || during.isEmpty())
            continue;
        const double base = median(before);
        QVector<double> dev;
        for (double v : std::as_const(before))
            dev << std::abs(v - base);
        const double sigma = std::max(kMadToSigma * median(dev), 1e-9 + 1e-6 * std::abs(base));
        const double z = (median(during) - base) / sigma;
        auto it = out.find(s.service);
        if (it == out.end())
            out.insert(s.service, z);
        else
            *it = std::max(*it, z);
    }
    return out;
}
