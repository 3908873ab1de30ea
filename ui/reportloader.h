#pragma once
// ReportLoader: computes health reports and reads incident records off the GUI thread. Each job opens its
// own read connection to the database file (a Store is tied to the thread that opened it) and hands its
// value back as a signal; results of a job overtaken by a newer one are dropped.

#include "report/healthreport.h"
#include "store/incidentrecord.h"

#include <QObject>
#include <QString>

class ReportLoader : public QObject
{
    Q_OBJECT
public:
    explicit ReportLoader(QObject* parent = nullptr);

    void setDatabasePath(const QString& path) { m_path = path; }
    QString databasePath() const { return m_path; }

    void loadReport(const QDate& from, const QDate& to, const QTimeZone& zone);
    void loadIncident(qint64 incidentId);

Q_SIGNALS:
    void reportReady(const HealthReport& report);
    void incidentReady(const IncidentRecord& record);
    void failed(const QString& message);

private:
    QString m_path;
    quint64 m_reportJob = 0;
    quint64 m_incidentJob = 0;
};
