#pragma once
// IncidentAction: one human decision recorded on an incident (ack, mitigate, resolve, note, approve, ...) with
// when and by which OS user. The store writes and reads them; the replay, the past-incident view and the
// report read them.

#include <QDateTime>
#include <QString>

struct IncidentAction
{
    qint64 incidentId = 0;
    QString kind;
    QString note;
    QDateTime at;
    QString user;
};
