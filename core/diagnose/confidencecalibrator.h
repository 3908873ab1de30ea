#pragma once
// ConfidenceCalibrator: turns the diagnoser's raw candidate scores into probabilities that mean what they
// say: among top candidates shown with confidence p, about p are the true root cause.

#include <QVector>

class ConfidenceCalibrator
{
public:
    // Platt scaling on top of a softmax: p_top = sigmoid(a * logit(softmax_top) + b).
    ConfidenceCalibrator(double temperature, double a, double b);
    ConfidenceCalibrator(); // the constants fitted for the built-in weights (see the .cpp)

    // Scores best first; returns one confidence per score, best first, summing to at most 1.
    QVector<double> calibrate(const QVector<double>& scores) const;

private:
    double m_temperature;
    double m_a;
    double m_b;
};
