#include "incidentsilencer.h"

#include "silencedialog.h"

#include <QLocale>

namespace {
AlertBatch latestAlerts(const Incident& incident)
{
    AlertBatch alerts;
    for (const TrackedAlert& t : incident.alerts)
        alerts.append(t.latest);
    return alerts;
}
} // namespace

IncidentSilencer::IncidentSilencer(const QUrl& alertmanager, const SourceAccess& access, QObject* parent)
    : QObject(parent), m_client(new SilenceClient(alertmanager, access, this))
{
    connect(m_client, &SilenceClient::created, this,
            [this](quint64 request, const QString& silenceId, const QString& error) {
                const int job = m_requestToJob.take(request);
                auto it = m_jobs.find(job);
                if (it == m_jobs.end())
                    return;
                if (!error.isEmpty())
                    it->errors << error;
                else
                    it->silenceIds << silenceId;
                if (--it->waiting == 0)
                    finishCreate(job);
            });
    connect(m_client, &SilenceClient::expired, this, [this](quint64 request, const QString& error) {
        const int job = m_requestToJob.take(request);
        const QString silenceId = m_expiring.take(request);
        auto it = m_jobs.find(job);
        if (it == m_jobs.end())
            return;
        if (error.isEmpty())
            it->silenceIds.removeAll(silenceId);
        else
            it->errors << error;
        if (--it->waiting == 0)
            finishExpire(job);
    });
}

void IncidentSilencer::finishCreate(int job)
{
    const Pending done = m_jobs.take(job);
    // Kept even when some failed: the ones that exist can still be expired from here.
    m_silenceIds[done.incidentKey] << done.silenceIds;
    if (done.errors.isEmpty()) {
        m_until.insert(done.incidentKey, done.until);
        Q_EMIT message(tr("Incident #%1 silenced until %2")
                           .arg(done.incidentId)
                           .arg(QLocale().toString(done.until.toLocalTime().time(), QLocale::ShortFormat)));
    } else {
        Q_EMIT message(tr("Silencing incident #%1 failed: %2").arg(done.incidentId).arg(done.errors.first()));
    }
}

void IncidentSilencer::finishExpire(int job)
{
    const Pending done = m_jobs.take(job);
    if (done.errors.isEmpty()) {
        m_silenceIds.remove(done.incidentKey);
        m_until.remove(done.incidentKey);
        Q_EMIT message(tr("Silences of incident #%1 expired: its alerts notify again").arg(done.incidentId));
    } else {
        m_silenceIds.insert(done.incidentKey, done.silenceIds); // what is left, for another try
        Q_EMIT message(tr("Expiring the silences of incident #%1 failed: %2").arg(done.incidentId).arg(done.errors.first()));
    }
}

void IncidentSilencer::expire(const Incident& incident)
{
    const QStringList ids = m_silenceIds.value(incident.key);
    if (ids.isEmpty()) {
        Q_EMIT message(tr("Incident #%1 has no silence from this console to expire").arg(incident.id));
        return;
    }
    const int job = m_nextJob++;
    m_jobs.insert(job, Pending{incident.key, incident.id, {}, int(ids.size()), {}, ids});
    for (const QString& id : ids) {
        const quint64 request = m_client->expire(id);
        m_requestToJob.insert(request, job);
        m_expiring.insert(request, id);
    }
}

void IncidentSilencer::silence(const Incident& incident, QWidget* dialogParent)
{
    const int count = int(SilenceClient::matchersFor(latestAlerts(incident)).size());
    auto* dialog = new SilenceDialog(incident, count, dialogParent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog, incident] { silenceFor(incident, dialog->durationMinutes(), dialog->comment()); });
    dialog->open();
}

void IncidentSilencer::silenceFor(const Incident& incident, int minutes, const QString& comment)
{
    const auto sets = SilenceClient::matchersFor(latestAlerts(incident));
    if (sets.isEmpty()) {
        Q_EMIT message(tr("Incident #%1 has no alert to silence").arg(incident.id));
        return;
    }
    const int job = m_nextJob++;
    Pending pending{incident.key, incident.id, QDateTime::currentDateTimeUtc().addSecs(qint64(minutes) * 60),
                    int(sets.size()), {}, {}};
    m_jobs.insert(job, pending);
    for (const auto& matchers : sets)
        m_requestToJob.insert(m_client->create(matchers, pending.until, comment, SilenceClient::osUser()), job);
}
