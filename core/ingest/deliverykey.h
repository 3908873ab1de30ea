#pragma once
// DeliveryKey: names one delivery by what was sent: the SHA-256 (64 hex digits) of the route it was posted to and its
// body bytes. A sender's retry sends the very same bytes (Alertmanager builds a retried notification's payload from
// the same alerts and template data, with nothing time-dependent in it), so a resend gets the same key, while a later
// notification of the same group differs or comes after the resend window (see DeliveryJournal).

#include <QByteArray>
#include <QString>

class DeliveryKey
{
public:
    static QByteArray of(const QString& route, const QByteArray& body);
};
