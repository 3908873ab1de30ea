#include "noticeschedule.h"

NoticeSchedule::NoticeSchedule(IncidentNotifier* notifier, Announce announce)
    : m_notifier(notifier), m_announce(std::move(announce))
{
    m_notifier->setDiagnosisWait(IncidentNotifier::DefaultDiagnosisWaitMs);
    m_clock.start();
    m_due.setSingleShot(true);
    QObject::connect(&m_due, &QTimer::timeout, [this] { deliver(m_notifier->due(m_clock.elapsed())); });
}

void NoticeSchedule::update(const QVector<Incident>& incidents)
{
    deliver(m_notifier->update(incidents, m_clock.elapsed()));
}

void NoticeSchedule::deliver(const QVector<IncidentNotice>& notices)
{
    if (const qint64 ms = m_notifier->msUntilDue(m_clock.elapsed()); ms >= 0)
        m_due.start(int(ms));
    else
        m_due.stop();
    m_announce(notices);
}
