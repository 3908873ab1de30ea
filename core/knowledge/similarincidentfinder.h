#pragma once
// SimilarIncidentFinder: the resolved incidents most like a given one, from an in-memory copy of the recent
// history (the pipeline loads it once from Store::pastIncidents() and adds each incident as it is resolved).
// Signatures are interned once; a lookup compares integer sets, so thousands of past incidents take about a
// millisecond. Element weights are inverse document frequencies over the history: sharing a rare alert name
// says more than sharing one every incident has.
//
// A match counts with similarity x age decay (AgeDecay): old incidents are never forgotten at a fixed age,
// they just count less. Only incidents that began before the one asked about are considered, so replaying a
// recorded history gives the same answers as living through it.

#include "agedecay.h"
#include "diagnose/diagnoser.h"
#include "incidentsignature.h"
#include "model/incidentmemory.h"
#include "model/pastincident.h"
#include "runbookranker.h"
#include "signaturesimilarity.h"

#include <QHash>
#include <QVector>

#include <deque>

class SimilarIncidentFinder
{
public:
    struct Options
    {
        SimilarityWeights weights;
        AgeDecay decay;
        double minSimilarity = 0.45;     // below this an incident is not "similar"
        double rootMinSimilarity = 0.55; // alerts/services alone must be this alike to vouch for a root cause
        int historyLimit = 5000;
        bool inverseFrequency = true;
        int shown = 3; // matches kept in IncidentMemory::similar
    };
    struct Match
    {
        PastIncidentMatch match;
        const PastIncident* incident = nullptr; // owned by the finder; valid until the next setHistory()/add()
    };

    SimilarIncidentFinder();
    explicit SimilarIncidentFinder(Options options);
    const Options& options() const { return m_options; }

    void setHistory(const QVector<PastIncident>& incidents); // newest first, as the store returns them
    void add(const PastIncident& incident);                  // resolved (again): replaces the same id
    qsizetype size() const { return qsizetype(m_entries.size()); }
    quint64 generation() const { return m_generation; } // changes with every setHistory()/add()

    // Up to k matches with similarity >= minimum, heaviest (similarity x decay) first. now: the asking
    // incident's start (decay and "before" are measured from it); excludeId: the asking incident itself.
    QVector<Match> find(const IncidentSignature& query, const QDateTime& now, int k, qint64 excludeId = 0,
                        double minimum = -1.0) const;
    // The most similar incidents (by its top candidate too) and each runbook's record on them.
    IncidentMemory memory(const Incident& incident) const;
    // For the diagnoser: each service that was the confirmed root cause of an incident whose alerts and services
    // look like these, with strength = the best weight and one sentence naming that incident.
    Diagnoser::MetricSupportMap rootSupport(const Incident& incident) const;

    static QString ago(qint64 secs);      // "3 weeks ago"
    static QString duration(qint64 secs); // "42 min", "3 h 05 min"

private:
    struct Entry
    {
        PastIncident incident;
        SignatureSimilarity::Interned signature;
    };

    SignatureSimilarity::Interned intern(const IncidentSignature& signature); // adds to the dictionary
    SignatureSimilarity::Interned internQuery(const IncidentSignature& signature) const;
    void reweigh() const; // inverse document frequencies after the history changed
    PastIncidentMatch describe(const PastIncident& past, double similarity, double weight) const;

    Options m_options;
    SignatureSimilarity m_similarity;
    std::deque<Entry> m_entries; // newest first; a deque keeps Match::incident pointers stable on push_front
    QHash<QString, int> m_dictionary;
    mutable QVector<double> m_idf; // by id
    mutable bool m_weightsDirty = true;
    quint64 m_generation = 0;
};
