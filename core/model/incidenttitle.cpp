#include "incidenttitle.h"

#include <QCoreApplication>
#include <QRegularExpression>

#include <algorithm>
#include <tuple>

using namespace Qt::StringLiterals;

namespace {

// "DatabaseConnectionPoolExhausted" -> database connection pool exhausted; "HighCPU" -> high cpu;
// "api_5xx-ratio" -> api 5xx ratio.
QStringList wordsOf(const QString& name)
{
    static const QRegularExpression words(u"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+[a-z]*"_s);
    QStringList out;
    for (auto it = words.globalMatch(name); it.hasNext();)
        out << it.next().captured().toLower();
    return out;
}

// The first rule whose word the name contains wins, so "RedisConnectionTimeout" reads as timeouts rather than
// connections; the order puts the specific part (pool, disk) before the general failure (errors, down).
struct Rule
{
    QStringList words;
    const char* symptom;
};

const QVector<Rule>& rules()
{
    static const QVector<Rule> table = {
        {{u"pool"_s}, QT_TRANSLATE_NOOP("IncidentTitle", "pool")},
        {{u"replication"_s}, QT_TRANSLATE_NOOP("IncidentTitle", "replication lag")},
        {{u"disk"_s, u"filesystem"_s, u"inode"_s, u"inodes"_s}, QT_TRANSLATE_NOOP("IncidentTitle", "disk")},
        {{u"memory"_s, u"oom"_s, u"heap"_s, u"leak"_s}, QT_TRANSLATE_NOOP("IncidentTitle", "memory")},
        {{u"cpu"_s, u"throttling"_s}, QT_TRANSLATE_NOOP("IncidentTitle", "CPU")},
        {{u"crash"_s, u"crashloop"_s, u"crashlooping"_s, u"restart"_s, u"restarts"_s, u"restarting"_s},
         QT_TRANSLATE_NOOP("IncidentTitle", "crashing")},
        {{u"certificate"_s, u"cert"_s, u"tls"_s, u"ssl"_s}, QT_TRANSLATE_NOOP("IncidentTitle", "certificate")},
        {{u"down"_s, u"unreachable"_s, u"absent"_s, u"unavailable"_s}, QT_TRANSLATE_NOOP("IncidentTitle", "down")},
        {{u"timeout"_s, u"timeouts"_s}, QT_TRANSLATE_NOOP("IncidentTitle", "timeouts")},
        {{u"slo"_s, u"burn"_s}, QT_TRANSLATE_NOOP("IncidentTitle", "SLO burn")},
        {{u"latency"_s, u"slow"_s, u"duration"_s, u"apdex"_s}, QT_TRANSLATE_NOOP("IncidentTitle", "latency")},
        {{u"error"_s, u"errors"_s, u"5xx"_s, u"failure"_s, u"failures"_s, u"failed"_s, u"failing"_s},
         QT_TRANSLATE_NOOP("IncidentTitle", "errors")},
        {{u"lag"_s}, QT_TRANSLATE_NOOP("IncidentTitle", "lag")},
        {{u"queue"_s, u"backlog"_s}, QT_TRANSLATE_NOOP("IncidentTitle", "queue")},
        {{u"connection"_s, u"connections"_s}, QT_TRANSLATE_NOOP("IncidentTitle", "connections")},
    };
    return table;
}

QString capitalized(QString s)
{
    if (!s.isEmpty())
        s[0] = s.at(0).toUpper();
    return s;
}

const TrackedAlert* mainSymptom(const QVector<TrackedAlert>& alerts, const QString& rootService)
{
    const bool anyFiring = std::any_of(alerts.cbegin(), alerts.cend(), [](const TrackedAlert& a) { return a.isFiring(); });
    const TrackedAlert* best = nullptr;
    // Most severe, then away from the root (the root has its own half of the title), then the last to start: a
    // cascade reaches the services people use last. Names break ties so the title never flickers.
    const auto rank = [&](const TrackedAlert& a) {
        return std::make_tuple(parseSeverity(a.latest.severity()), a.service() != rootService,
                               a.firstStartsAt, a.latest.alertName(), a.service());
    };
    for (const TrackedAlert& a : alerts) {
        if (anyFiring && !a.isFiring())
            continue;
        if (!best || rank(a) > rank(*best))
            best = &a;
    }
    return best;
}

// The root's own alert, the most severe and earliest: what failed there.
const TrackedAlert* rootAlert(const QVector<TrackedAlert>& alerts, const QString& rootService)
{
    const TrackedAlert* best = nullptr;
    for (const TrackedAlert& a : alerts) {
        if (a.service() != rootService)
            continue;
        const Severity s = parseSeverity(a.latest.severity());
        if (!best || s > parseSeverity(best->latest.severity()) ||
            (s == parseSeverity(best->latest.severity()) && a.firstStartsAt < best->firstStartsAt))
            best = &a;
    }
    return best;
}

} // namespace

QString IncidentTitle::symptomOf(const QString& alertName)
{
    const QStringList words = wordsOf(alertName);
    for (const Rule& rule : rules()) {
        for (const QString& w : rule.words) {
            if (words.contains(w))
                return QCoreApplication::translate("IncidentTitle", rule.symptom);
        }
    }
    return words.join(u' ');
}

QString IncidentTitle::of(const Incident& incident)
{
    const RootCauseCandidate* top = incident.topCause();
    return of(incident.alerts, top ? top->service : QString());
}

QString IncidentTitle::of(const QVector<TrackedAlert>& alerts, const QString& rootService)
{
    const TrackedAlert* symptom = mainSymptom(alerts, rootService);
    QString feel;
    if (symptom) {
        const QString what = symptomOf(symptom->latest.alertName());
        const QString where = symptom->service();
        feel = where.isEmpty() ? capitalized(what) : capitalized(where) + u' ' + what;
    }
    if (rootService.isEmpty())
        return feel.isEmpty() ? QCoreApplication::translate("IncidentTitle", "Unnamed incident") : feel;
    if (symptom && symptom->service() == rootService)
        return feel; // one service: its own symptom says it all
    const TrackedAlert* own = rootAlert(alerts, rootService);
    const QString cause = own ? rootService + u' ' + symptomOf(own->latest.alertName()) : rootService;
    return feel.isEmpty() ? capitalized(cause) : feel + u" — "_s + cause;
}
