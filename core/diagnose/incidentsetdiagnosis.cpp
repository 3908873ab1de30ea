#include "incidentsetdiagnosis.h"

#include <QVector>

#include <algorithm>
#include <functional>

namespace {
// What the diagnoser reads of an incident: which alerts, their onsets, whether they fire or are inhibited. Repeats
// and flaps of known alerts change counters, not this.
size_t diagnosisInput(const Incident& incident)
{
    size_t h = qHash(incident.alerts.size());
    for (const TrackedAlert& t : incident.alerts)
        h = qHashMulti(h, t.fingerprint(), t.firstStartsAt.toMSecsSinceEpoch(), t.isFiring(), t.inhibited);
    return h;
}
} // namespace

QSet<QString> diagnoseAll(const Diagnoser& diagnoser, QHash<QString, Incident>& incidents, const QSet<QString>& keys,
                          const IncidentSetSupport& support, QHash<QString, size_t>* memo)
{
    // Detached once up front: the pointers and references below stay valid while candidates are written.
    incidents.detach();
    const QHash<QString, Incident>& all = incidents; // reads never detach or insert
    QSet<QString> queued;
    QVector<QString> queue;
    for (const QString& key : keys) {
        if (all.contains(key)) {
            queued.insert(key);
            queue << key;
        }
    }
    const auto before = [&all](const QString& a, const QString& b) {
        return Diagnoser::diagnosedBefore(*all.constFind(a), *all.constFind(b));
    };
    std::sort(queue.begin(), queue.end(), before);
    // The neighbours in one fixed order too (a hash's order changes from run to run): the diagnoser's answer may
    // depend on the order it reads them in.
    // References rather than a std::views::transform over pointers: clang 14 (the fuzz build) cannot compile
    // libstdc++ 12's views.
    QVector<std::reference_wrapper<const Incident>> ordered;
    ordered.reserve(all.size());
    for (const Incident& inc : all)
        ordered << std::cref(inc);
    std::sort(ordered.begin(), ordered.end(),
              [](const Incident& a, const Incident& b) { return Diagnoser::diagnosedBefore(a, b); });
    // Diagnoser::lastOnsetOf reads every alert of an incident, and each incident diagnosed asks it of all the others:
    // with 850,000 open alerts in 500 incidents that was 94 % of the diagnosis thread's time. Remembered for the run,
    // by address (the incidents stay where they are, see above): only candidates are written in it, never alerts.
    QHash<const Incident*, qint64> lastOnsets;
    const auto lastOnset = [&lastOnsets](const Incident& inc) {
        auto it = lastOnsets.find(&inc);
        if (it == lastOnsets.end())
            it = lastOnsets.insert(&inc, Diagnoser::lastOnsetOf(inc));
        return *it;
    };

    QSet<QString> diagnosed;
    for (qsizetype i = 0; i < queue.size(); ++i) {
        if (support.stop && support.stop())
            break;
        const QString key = queue[i];
        const Incident& current = *all.constFind(key);
        QVector<Incident> neighbours; // a cheap test by times first: a storm holds many incidents
        for (const Incident& other : std::as_const(ordered))
            if (Diagnoser::mayBearOn(other, current))
                neighbours << other;
        Diagnoser::Context context;
        context.elsewhere = diagnoser.relevantElsewhere(current, neighbours);
        // Only smaller incidents lend (causeLentBy), and those came first in the queue or kept their candidates.
        context.neighbourCauses = Diagnoser::neighbourCauses(current, ordered, lastOnset);

        size_t signature = diagnosisInput(current);
        for (const TrackedAlert& t : std::as_const(context.elsewhere))
            signature = qHashMulti(signature, t.fingerprint(), t.firstStartsAt.toMSecsSinceEpoch());
        for (const NeighbourCause& c : std::as_const(context.neighbourCauses))
            signature = qHashMulti(signature, c.service, c.alerts, c.firstOnset);
        if (memo && !current.rootCauses.isEmpty()) {
            const auto known = memo->constFind(key);
            if (known != memo->cend() && *known == signature)
                continue;
        }

        if (support.metrics)
            context.metrics = support.metrics(current);
        if (support.pastRoots)
            context.pastRoots = support.pastRoots(current);
        if (support.anomaly)
            context.anomaly = support.anomaly(current);
        if (support.inspect)
            support.inspect(current, context);
        const QString causeBefore = current.topCause() ? current.topCause()->service : QString();
        Incident& incident = incidents[key];
        incident.rootCauses = diagnoser.diagnose(incident, context);
        if (memo)
            memo->insert(key, signature);
        diagnosed.insert(key);
        if (!memo || !incident.topCause() || incident.topCause()->service == causeBefore)
            continue;
        // Its new cause may be lent to bigger incidents that were not asked for: they follow, in order.
        for (auto it = all.cbegin(); it != all.cend(); ++it) {
            if (!it->isOpen() || queued.contains(it.key()) || !Diagnoser::causeLentBy(incident, *it, lastOnset))
                continue;
            queued.insert(it.key());
            queue.insert(std::upper_bound(queue.begin() + i + 1, queue.end(), it.key(), before), it.key());
        }
    }
    return diagnosed;
}

QSet<QString> diagnoseChanged(const Diagnoser& diagnoser, QHash<QString, Incident>& incidents,
                              const QSet<QString>& changed, const IncidentSetSupport& support,
                              QHash<QString, size_t>* memo)
{
    const QHash<QString, Incident>& all = incidents;
    QSet<QString> keys;
    for (const QString& key : changed)
        if (all.contains(key))
            keys.insert(key);
    for (const QString& key : changed) {
        const auto it = all.constFind(key);
        if (it == all.cend())
            continue;
        for (auto other = all.cbegin(); other != all.cend(); ++other)
            if (other->isOpen() && !keys.contains(other.key()) && Diagnoser::mayBearOn(*it, *other))
                keys.insert(other.key());
    }
    return diagnoseAll(diagnoser, incidents, keys, support, memo);
}
