#include "incidentpatterns.h"

#include <QHash>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace IncidentPatterns {

QVector<RecurringCause> recurringRootCauses(const QVector<PastIncident>& incidents, const QDateTime& now,
                                            const AgeDecay& decay, int minIncidents)
{
    QHash<QString, RecurringCause> by;
    for (const PastIncident& p : incidents) {
        const QString root = p.confirmedRootCause();
        if (root.isEmpty())
            continue;
        RecurringCause& r = by[root];
        r.service = root;
        ++r.incidents;
        r.weight += decay.weight(p.firstAlertAt, now);
        if (!r.last.isValid() || p.firstAlertAt > r.last)
            r.last = p.firstAlertAt;
    }
    QVector<RecurringCause> out;
    for (const RecurringCause& r : std::as_const(by))
        if (r.incidents >= minIncidents)
            out << r;
    std::sort(out.begin(), out.end(), [](const RecurringCause& a, const RecurringCause& b) {
        if (a.weight != b.weight)
            return a.weight > b.weight;
        return a.service < b.service;
    });
    return out;
}

QVector<DeployFailures> failuresAfterDeploys(const QVector<PastIncident>& incidents,
                                             const QVector<ChangeEvent>& changes, int withinMinutes)
{
    QHash<QString, QVector<QDateTime>> deploys;
    for (const ChangeEvent& c : changes)
        if (c.kind == u"deploy" && c.at.isValid())
            deploys[c.service] << c.at;
    const qint64 window = qint64(withinMinutes) * 60;
    QHash<QString, DeployFailures> by;
    for (const PastIncident& p : incidents) {
        const QString root = p.confirmedRootCause();
        if (root.isEmpty())
            continue;
        DeployFailures& d = by[root];
        d.service = root;
        ++d.incidents;
        if (!p.firstAlertAt.isValid())
            continue;
        for (const QDateTime& at : deploys.value(root)) {
            const qint64 after = at.secsTo(p.firstAlertAt);
            if (after >= 0 && after <= window) {
                ++d.afterDeploy;
                break;
            }
        }
    }
    QVector<DeployFailures> out;
    for (const DeployFailures& d : std::as_const(by))
        if (d.afterDeploy > 0)
            out << d;
    std::sort(out.begin(), out.end(), [](const DeployFailures& a, const DeployFailures& b) {
        if (a.afterDeploy != b.afterDeploy)
            return a.afterDeploy > b.afterDeploy;
        if (a.share() != b.share())
            return a.share() > b.share();
        return a.service < b.service;
    });
    return out;
}

bool markedNonActionable(const PastIncident& incident)
{
    return incident.resolution && incident.resolution->actionable == false;
}

bool autoResolvedBeforeAck(const PastIncident& incident)
{
    const QDateTime cleared = incident.allClearedAt();
    return cleared.isValid() && (!incident.acknowledgedAt.isValid() || cleared < incident.acknowledgedAt);
}

QVector<NoisyAlert> noisyAlerts(const QVector<PastIncident>& incidents)
{
    QHash<QString, NoisyAlert> by;
    QHash<QString, QSet<QString>> owners;
    for (const PastIncident& p : incidents) {
        const bool nonActionable = markedNonActionable(p);
        const bool autoResolved = autoResolvedBeforeAck(p);
        QSet<QString> names;
        for (const PastIncident::Member& m : p.members) {
            if (m.alertname.isEmpty())
                continue;
            names.insert(m.alertname);
            if (!m.team.isEmpty())
                owners[m.alertname].insert(m.team);
        }
        for (const QString& name : std::as_const(names)) {
            NoisyAlert& n = by[name];
            n.alertname = name;
            ++n.pages;
            n.nonActionable += nonActionable;
            n.autoResolved += autoResolved;
            n.noisy += nonActionable || autoResolved;
        }
    }
    QVector<NoisyAlert> out;
    for (NoisyAlert n : std::as_const(by)) {
        if (n.noisy == 0)
            continue;
        const QSet<QString> teams = owners.value(n.alertname);
        n.owners = QStringList(teams.cbegin(), teams.cend());
        n.owners.sort();
        out << n;
    }
    std::sort(out.begin(), out.end(), [](const NoisyAlert& a, const NoisyAlert& b) {
        if (a.noisy != b.noisy)
            return a.noisy > b.noisy;
        if (a.pages != b.pages)
            return a.pages > b.pages;
        return a.alertname < b.alertname;
    });
    return out;
}

} // namespace IncidentPatterns
