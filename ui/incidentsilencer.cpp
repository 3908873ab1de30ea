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
    connect(m_client, &SilenceClient::created, this, [this](quint64 request, const QString&, const QString& error) {
        const int job = m_requestToJob.take(request);
        auto it = m_jobs.find(job);
        if (it == m_jobs.end())
            return;
        if (!error.isEmpty())
            it->errors << error;
        if (--it->waiting > 0)
            return;
        const Pending done = m_jobs.take(job);
        if (done.errors.isEmpty()) {
            m_until.insert(done.incidentKey, done.until);
            Q_EMIT message(tr("Incident #%1 silenced until %2")
                               .arg(done.incidentId)
                               .arg(QLocale().toString(done.until.toLocalTime().time(), QLocale::ShortFormat)));
        } else {
            Q_EMIT message(tr("Silencing incident #%1 failed: %2").arg(done.incidentId).arg(done.errors.first()));
        }
    });
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
    Pending pending{
        incident.key, incident.id, QDateTime::currentDateTimeUtc().addSecs(qint64(minutes) * 60), int(sets.size()), {}};
    m_jobs.insert(job, pending);
    for (const auto& matchers : sets)
        m_requestToJob.insert(m_client->create(matchers, pending.until, comment, SilenceClient::osUser()), job);
}
