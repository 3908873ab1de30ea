#include "similarincidentfinder.h"

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {
QDateTime whenOf(const Incident& incident)
{
    return incident.firstAlertAt.isValid() ? incident.firstAlertAt : QDateTime::currentDateTimeUtc();
}
} // namespace

SimilarIncidentFinder::SimilarIncidentFinder() : SimilarIncidentFinder(Options()) {}

SimilarIncidentFinder::SimilarIncidentFinder(Options options) : m_options(options), m_similarity(options.weights) {}

SignatureSimilarity::Interned SimilarIncidentFinder::intern(const IncidentSignature& s)
{
    const auto set = [this](const QStringList& values) {
        SignatureSimilarity::WeightedSet out;
        for (const QString& v : values) {
            const auto it = m_dictionary.constFind(v);
            out.ids << (it != m_dictionary.cend() ? *it : *m_dictionary.insert(v, int(m_dictionary.size())));
        }
        std::sort(out.ids.begin(), out.ids.end());
        out.ids.erase(std::unique(out.ids.begin(), out.ids.end()), out.ids.end());
        out.weight.fill(1.0, out.ids.size());
        out.total = double(out.ids.size());
        return out;
    };
    SignatureSimilarity::Interned i;
    i.alertnames = set(s.alertnames);
    i.services = set(s.services);
    i.layers = set(s.layers);
    if (!s.rootCause.isEmpty()) {
        const auto it = m_dictionary.constFind(s.rootCause);
        i.rootCause = it != m_dictionary.cend() ? *it : *m_dictionary.insert(s.rootCause, int(m_dictionary.size()));
    }
    return i;
}

SignatureSimilarity::Interned SimilarIncidentFinder::internQuery(const IncidentSignature& s) const
{
    reweigh();
    // Values the history never saw get ids of their own (negative) and the weight of the rarest value.
    const double unseen = m_options.inverseFrequency ? std::log1p(double(std::max<size_t>(1, m_entries.size()))) : 1.0;
    int fresh = -2;
    const auto idOf = [&](const QString& v) {
        const auto it = m_dictionary.constFind(v);
        return it != m_dictionary.cend() ? *it : fresh--;
    };
    const auto set = [&](const QStringList& values) {
        SignatureSimilarity::WeightedSet out;
        for (const QString& v : values)
            out.ids << idOf(v);
        std::sort(out.ids.begin(), out.ids.end());
        out.ids.erase(std::unique(out.ids.begin(), out.ids.end()), out.ids.end());
        for (int id : std::as_const(out.ids)) {
            const double w = id >= 0 && id < m_idf.size() ? m_idf[id] : unseen;
            out.weight << w;
            out.total += w;
        }
        return out;
    };
    SignatureSimilarity::Interned i;
    i.alertnames = set(s.alertnames);
    i.services = set(s.services);
    i.layers = set(s.layers);
    i.rootCause = s.rootCause.isEmpty() ? -1 : idOf(s.rootCause);
    return i;
}

void SimilarIncidentFinder::reweigh() const
{
    if (!m_weightsDirty)
        return;
    m_weightsDirty = false;
    QVector<int> df(m_dictionary.size(), 0);
    for (const Entry& e : m_entries)
        for (const auto* set : {&e.signature.alertnames, &e.signature.services, &e.signature.layers})
            for (int id : set->ids)
                ++df[id];
    const double n = double(std::max<size_t>(1, m_entries.size()));
    m_idf.resize(df.size());
    for (qsizetype id = 0; id < df.size(); ++id)
        m_idf[id] = m_options.inverseFrequency ? std::log1p(n / std::max(1, df[id])) : 1.0;
    for (const Entry& e : m_entries) {
        auto& sig = const_cast<SignatureSimilarity::Interned&>(e.signature);
        for (auto* set : {&sig.alertnames, &sig.services, &sig.layers}) {
            set->total = 0.0;
            for (qsizetype k = 0; k < set->ids.size(); ++k) {
                set->weight[k] = m_idf[set->ids[k]];
                set->total += set->weight[k];
            }
        }
    }
}

void SimilarIncidentFinder::setHistory(const QVector<PastIncident>& incidents)
{
    m_entries.clear();
    m_dictionary.clear();
    for (const PastIncident& p : incidents) {
        if (int(m_entries.size()) >= m_options.historyLimit)
            break;
        m_entries.push_back({p, intern(IncidentSignature::of(p))});
    }
    m_weightsDirty = true;
    ++m_generation;
}

void SimilarIncidentFinder::add(const PastIncident& incident)
{
    const auto same =
        std::find_if(m_entries.begin(), m_entries.end(), [&](const Entry& e) { return e.incident.id == incident.id; });
    if (same != m_entries.end())
        m_entries.erase(same);
    m_entries.push_front({incident, intern(IncidentSignature::of(incident))});
    while (int(m_entries.size()) > m_options.historyLimit)
        m_entries.pop_back();
    m_weightsDirty = true;
    ++m_generation;
}

QVector<SimilarIncidentFinder::Match> SimilarIncidentFinder::find(const IncidentSignature& query, const QDateTime& now,
                                                                  int k, qint64 excludeId, double minimum) const
{
    QVector<Match> out;
    if (m_entries.empty() || k <= 0)
        return out;
    const double floor = minimum >= 0.0 ? minimum : m_options.minSimilarity;
    const SignatureSimilarity::Interned q = internQuery(query);
    for (const Entry& e : m_entries) {
        if (e.incident.id == excludeId || (now.isValid() && e.incident.firstAlertAt > now))
            continue;
        const double similarity = m_similarity(q, e.signature);
        if (similarity < floor)
            continue;
        const double weight = similarity * m_options.decay.weight(e.incident.firstAlertAt, now);
        Match m;
        m.match.incidentId = e.incident.id;
        m.match.similarity = similarity;
        m.match.weight = weight;
        m.incident = &e.incident;
        out << m;
    }
    std::sort(out.begin(), out.end(), [](const Match& a, const Match& b) {
        if (a.match.weight != b.match.weight)
            return a.match.weight > b.match.weight;
        return a.match.incidentId > b.match.incidentId; // the newer one
    });
    if (out.size() > k)
        out.resize(k);
    for (Match& m : out)
        m.match = describe(*m.incident, m.match.similarity, m.match.weight);
    return out;
}

PastIncidentMatch SimilarIncidentFinder::describe(const PastIncident& p, double similarity, double weight) const
{
    PastIncidentMatch m;
    m.incidentId = p.id;
    m.similarity = similarity;
    m.weight = weight;
    m.firstAlertAt = p.firstAlertAt;
    if (p.firstAlertAt.isValid() && p.resolvedAt.isValid())
        m.mttrSecs = std::max<qint64>(0, p.firstAlertAt.secsTo(p.resolvedAt));
    m.rootCause = p.confirmedRootCause();
    QStringList ran;
    for (const PastIncident::Run& run : p.runs)
        ran << run.runbookId;
    if (const auto& r = p.resolution) {
        if (!r->fixedByRunbook.isEmpty()) {
            m.fixedByRunbook = r->fixedByRunbook;
            m.fixedBy = r->fixedByStep.isEmpty() ? r->fixedByRunbook : r->fixedByRunbook + u" / "_s + r->fixedByStep;
        } else {
            m.fixedBy = r->fixedByText;
        }
        for (const QString& proposed : r->proposedRunbooks)
            if (proposed != r->fixedByRunbook && !ran.contains(proposed))
                m.ignored << u"%1 proposed, not run"_s.arg(proposed);
        if (r->suggestionRight == false && !p.topCandidate.isEmpty())
            m.ignored << u"root cause %1 marked wrong"_s.arg(p.topCandidate);
    }
    if (m.fixedBy.isEmpty()) { // not answered: a passed run is the best guess, said as such
        for (const PastIncident::Run& run : p.runs)
            if (run.passed && RunbookRanker::fixedBy(p, run.runbookId)) {
                m.fixedByRunbook = run.runbookId;
                m.fixedBy = u"%1 / %2 (ran, passed)"_s.arg(run.runbookId, run.step);
            }
    }
    return m;
}

IncidentMemory SimilarIncidentFinder::memory(const Incident& incident) const
{
    IncidentMemory out;
    if (m_entries.empty())
        return out;
    // Generous k: the ranker wants every similar incident, the card only the first few.
    const QVector<Match> matches = find(IncidentSignature::of(incident), whenOf(incident), 50, incident.id);
    QVector<RunbookRanker::WeightedPast> weighted;
    for (const Match& m : matches) {
        if (out.similar.size() < m_options.shown)
            out.similar << m.match;
        weighted << RunbookRanker::WeightedPast{m.match.weight, m.incident};
    }
    out.runbooks = RunbookRanker().trackRecords(weighted);
    return out;
}

Diagnoser::MetricSupportMap SimilarIncidentFinder::rootSupport(const Incident& incident) const
{
    Diagnoser::MetricSupportMap out;
    if (m_entries.empty())
        return out;
    const QVector<Match> matches =
        find(IncidentSignature::of(incident, false), whenOf(incident), 20, incident.id, m_options.rootMinSimilarity);
    const QDateTime now = whenOf(incident);
    QHash<QString, int> count;
    for (const Match& m : matches) { // heaviest first: the first one per root is its strongest
        if (m.match.rootCause.isEmpty())
            continue;
        const int seen = count[m.match.rootCause]++;
        if (seen > 0)
            continue;
        Diagnoser::MetricSupportOf support;
        support.strength = std::clamp(m.match.weight, 0.0, 1.0);
        QString sentence =
            u"matches incident #%1 of %2 (%3 % alike), where %4 was the root cause"_s.arg(m.match.incidentId)
                .arg(ago(m.match.firstAlertAt.secsTo(now)))
                .arg(qRound(m.match.similarity * 100))
                .arg(m.match.rootCause);
        if (!m.match.fixedBy.isEmpty())
            sentence += u", fixed by "_s + m.match.fixedBy;
        support.evidence << sentence;
        out.insert(m.match.rootCause, support);
    }
    for (auto it = out.begin(); it != out.end(); ++it) {
        const int more = count.value(it.key()) - 1;
        if (more > 0)
            it->evidence.front() +=
                more == 1 ? u" (and 1 more similar incident)"_s : u" (and %1 more similar incidents)"_s.arg(more);
    }
    return out;
}

QString SimilarIncidentFinder::ago(qint64 secs)
{
    secs = std::max<qint64>(0, secs);
    const auto unit = [](qint64 n, const char* one, const char* many) {
        return n == 1 ? u"1 %1 ago"_s.arg(QLatin1String(one)) : u"%1 %2 ago"_s.arg(n).arg(QLatin1String(many));
    };
    if (secs < 3600)
        return unit(std::max<qint64>(1, secs / 60), "minute", "minutes");
    if (secs < 2 * 86400)
        return unit(secs / 3600, "hour", "hours");
    if (secs < 14 * 86400)
        return unit(secs / 86400, "day", "days");
    if (secs < 61 * 86400)
        return unit(secs / (7 * 86400), "week", "weeks");
    if (secs < 365 * 86400)
        return unit(secs / (30 * 86400), "month", "months");
    return unit(secs / (365 * 86400), "year", "years");
}

QString SimilarIncidentFinder::duration(qint64 secs)
{
    secs = std::max<qint64>(0, secs);
    if (secs < 120)
        return u"%1 s"_s.arg(secs);
    const qint64 minutes = (secs + 30) / 60;
    if (minutes < 60)
        return u"%1 min"_s.arg(minutes);
    if (minutes < 48 * 60)
        return u"%1 h %2 min"_s.arg(minutes / 60).arg(minutes % 60, 2, 10, QLatin1Char('0'));
    return u"%1 days"_s.arg(minutes / (24 * 60));
}
