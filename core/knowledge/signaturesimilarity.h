#pragma once
// SignatureSimilarity: how alike two incident signatures are, 0..1, tolerant of partial overlap.
//
// Each set part (alert names, services, layers) scores the mean of its weighted Jaccard index
// (shared / union) and its weighted overlap coefficient (shared / smaller set), so an incident that is a
// smaller storm of the same shape still scores high. The root cause scores 1 when equal. The parts are
// combined by weight, root cause heaviest; only the parts the query has count, so a query without a root
// cause (the diagnoser's, before it has decided) is compared on alerts, services and layers alone.
//
// Elements can carry weights (the finder uses inverse document frequency: an alert name every incident has
// says little); WeightedSet is the interned, sorted form it compares fast.

#include "incidentsignature.h"

#include <QVector>

struct SimilarityWeights
{
    double alertnames = 0.3;
    double services = 0.2;
    double rootCause = 0.4;
    double layers = 0.1;
};

class SignatureSimilarity
{
public:
    struct WeightedSet
    {
        QVector<int> ids;       // sorted, unique
        QVector<double> weight; // per id
        double total = 0.0;
        bool isEmpty() const { return ids.isEmpty(); }
    };
    // A signature in interned form (ids from the caller's dictionary).
    struct Interned
    {
        WeightedSet alertnames, services, layers;
        int rootCause = -1; // -1: none
    };

    explicit SignatureSimilarity(SimilarityWeights weights = {}) : m_weights(weights) {}
    const SimilarityWeights& weights() const { return m_weights; }

    // Every element weighs 1.
    double operator()(const IncidentSignature& query, const IncidentSignature& past) const;
    double operator()(const Interned& query, const Interned& past) const;

    // 0.5 x Jaccard + 0.5 x overlap coefficient, weighted; -1 when both are empty (the part does not count).
    static double setSimilarity(const WeightedSet& a, const WeightedSet& b);
    static double setSimilarity(const QStringList& a, const QStringList& b);

private:
    SimilarityWeights m_weights;
};
