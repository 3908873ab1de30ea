#include "signaturesimilarity.h"

#include <QHash>

#include <algorithm>

namespace {
SignatureSimilarity::WeightedSet unitSet(const QStringList& values, QHash<QString, int>& dictionary)
{
    SignatureSimilarity::WeightedSet s;
    for (const QString& v : values) {
        const auto it = dictionary.constFind(v);
        s.ids << (it != dictionary.cend() ? *it : *dictionary.insert(v, int(dictionary.size())));
    }
    std::sort(s.ids.begin(), s.ids.end());
    s.ids.erase(std::unique(s.ids.begin(), s.ids.end()), s.ids.end());
    s.weight.fill(1.0, s.ids.size());
    s.total = double(s.ids.size());
    return s;
}
} // namespace

double SignatureSimilarity::setSimilarity(const WeightedSet& a, const WeightedSet& b)
{
    if (a.isEmpty() && b.isEmpty())
        return -1.0;
    if (a.isEmpty() || b.isEmpty())
        return 0.0;
    double shared = 0.0;
    qsizetype i = 0, j = 0;
    while (i < a.ids.size() && j < b.ids.size()) {
        if (a.ids[i] < b.ids[j]) {
            ++i;
        } else if (b.ids[j] < a.ids[i]) {
            ++j;
        } else {
            shared += std::min(a.weight[i], b.weight[j]);
            ++i;
            ++j;
        }
    }
    const double unionWeight = a.total + b.total - shared;
    const double smaller = std::min(a.total, b.total);
    const double jaccard = unionWeight > 0.0 ? shared / unionWeight : 0.0;
    const double overlap = smaller > 0.0 ? shared / smaller : 0.0;
    return 0.5 * jaccard + 0.5 * overlap;
}

double SignatureSimilarity::setSimilarity(const QStringList& a, const QStringList& b)
{
    QHash<QString, int> dictionary;
    const WeightedSet sa = unitSet(a, dictionary);
    return setSimilarity(sa, unitSet(b, dictionary));
}

double SignatureSimilarity::operator()(const Interned& query, const Interned& past) const
{
    double sum = 0.0, weights = 0.0;
    const auto part = [&](double similarity, double weight) {
        if (similarity < 0.0 || weight <= 0.0)
            return;
        sum += weight * similarity;
        weights += weight;
    };
    part(setSimilarity(query.alertnames, past.alertnames), m_weights.alertnames);
    part(setSimilarity(query.services, past.services), m_weights.services);
    part(setSimilarity(query.layers, past.layers), m_weights.layers);
    if (query.rootCause >= 0)
        part(query.rootCause == past.rootCause ? 1.0 : 0.0, m_weights.rootCause);
    return weights > 0.0 ? sum / weights : 0.0;
}

double SignatureSimilarity::operator()(const IncidentSignature& query, const IncidentSignature& past) const
{
    QHash<QString, int> dictionary;
    const auto intern = [&dictionary](const IncidentSignature& s) {
        Interned i;
        i.alertnames = unitSet(s.alertnames, dictionary);
        i.services = unitSet(s.services, dictionary);
        i.layers = unitSet(s.layers, dictionary);
        if (!s.rootCause.isEmpty()) {
            const auto it = dictionary.constFind(s.rootCause);
            i.rootCause = it != dictionary.cend() ? *it : *dictionary.insert(s.rootCause, int(dictionary.size()));
        }
        return i;
    };
    const Interned q = intern(query);
    return (*this)(q, intern(past));
}
