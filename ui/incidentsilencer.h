#pragma once
// IncidentSilencer: the console's `s`: asks SilenceDialog, silences the incident's alerts in the first configured
// Alertmanager through SilenceClient (one exact silence per alert, the OS user as createdBy), and remembers until
// when each incident is silenced so the window can say so; Shift+S expires the silences it made for an incident.
// Failures are reported, never retried behind the engineer's back.

#include "ingest/silenceclient.h"
#include "model/incident.h"

#include <QDateTime>
#include <QHash>
#include <QObject>

class QWidget;

class IncidentSilencer : public QObject
{
    Q_OBJECT
public:
    IncidentSilencer(const QUrl& alertmanager, const SourceAccess& access, QObject* parent = nullptr);

    void silence(const Incident& incident, QWidget* dialogParent); // opens the dialog, returns at once
    // Creates the silences without asking (the dialog's answer, or a test).
    void silenceFor(const Incident& incident, int minutes, const QString& comment);
    // Expires the silences this console created for the incident (only those: a silence someone else made for
    // the same labels is theirs to lift). The card returns to normal once every one is expired.
    void expire(const Incident& incident);
    QDateTime silencedUntil(const QString& incidentKey) const { return m_until.value(incidentKey); }
    QStringList silenceIds(const QString& incidentKey) const { return m_silenceIds.value(incidentKey); }
    SilenceClient* client() const { return m_client; }

Q_SIGNALS:
    void message(const QString& text); // for the status bar

private:
    struct Pending
    {
        QString incidentKey;
        qint64 incidentId = 0;
        QDateTime until;
        int waiting = 0;
        QStringList errors;
        QStringList silenceIds; // created, or (expiring) the ones still to expire
    };
    void finishCreate(int job);
    void finishExpire(int job);
    SilenceClient* m_client;
    QHash<quint64, int> m_requestToJob;
    QHash<quint64, QString> m_expiring; // expire request → its silence id
    QHash<int, Pending> m_jobs;
    int m_nextJob = 1;
    QHash<QString, QDateTime> m_until;
    QHash<QString, QStringList> m_silenceIds; // incident key → the silences created for it
};
