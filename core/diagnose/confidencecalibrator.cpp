#include "confidencecalibrator.h"

#include <algorithm>
#include <cmath>

// Fitted by core/diagnose/fit_diagnoser.py: temperature 1 (the softmax of a conditional-logit model),
// then Platt scaling of the top candidate's softmax probability by logistic regression on whether the
// top candidate was right, on the pooled tuning suites the weights were fitted on (every scengen profile and
// generate.py, see Diagnoser::defaultWeights). It is a likelihood on those test suites, not a promise for a real
// incident. Refit whenever the weights change: a new feature raises the scores, and confidence then runs ahead of
// accuracy.
ConfidenceCalibrator::ConfidenceCalibrator()
    : ConfidenceCalibrator(1.0, 0.756, 0.302)
{
}

ConfidenceCalibrator::ConfidenceCalibrator(double temperature, double a, double b)
    : m_temperature(temperature)
    , m_a(a)
    , m_b(b)
{
}

QVector<double> ConfidenceCalibrator::calibrate(const QVector<double>& scores) const
{
    QVector<double> out(scores.size(), 0.0);
    if (scores.isEmpty())
        return out;
    const double top = *std::max_element(scores.begin(), scores.end());
    double sum = 0.0;
    for (int i = 0; i < scores.size(); ++i) {
        out[i] = std::exp((scores[i] - top) / m_temperature);
        sum += out[i];
    }
    for (double& p : out)
        p /= sum;
    // Candidates tied with the top one are one answer in several names: the calibration applies to their joint
    // share and they split it evenly, or the name that sorts first would look more likely than its twin.
    int tied = 1;
    while (tied < scores.size() && scores[tied] == scores[0])
        ++tied;
    double topRaw = 0.0;
    for (int i = 0; i < tied; ++i)
        topRaw += out[i];
    const double p0 = std::clamp(topRaw, 1e-6, 1.0 - 1e-6);
    const double calibrated = 1.0 / (1.0 + std::exp(-(m_a * std::log(p0 / (1.0 - p0)) + m_b)));
    // The rest share what the top candidates leave, in their softmax proportions.
    const double restRaw = 1.0 - topRaw;
    for (int i = tied; i < out.size(); ++i)
        out[i] = restRaw > 1e-12 ? out[i] / restRaw * (1.0 - calibrated) : 0.0;
    for (int i = 0; i < tied; ++i)
        out[i] = calibrated / tied;
    return out;
}
