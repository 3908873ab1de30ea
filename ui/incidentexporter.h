#pragma once
// IncidentExporter: writes one stored incident to a file, as a postmortem draft (Markdown, or HTML when
// the name ends in .html/.htm) or as a JSON bundle. The incident is read off the GUI thread; the file is
// written atomically. One export at a time: a new one replaces a pending one.

#include <QObject>
#include <QString>

struct IncidentRecord;
class ReportLoader;

class IncidentExporter : public QObject
{
    Q_OBJECT
public:
    enum class Kind
    {
        Postmortem,
        Bundle
    };

    explicit IncidentExporter(QObject* parent = nullptr);
    void setDatabasePath(const QString& path);
    QString databasePath() const;

    void exportIncident(qint64 incidentId, Kind kind, const QString& path);

Q_SIGNALS:
    void finished(bool ok, const QString& message); // the path written, or why not

private:
    void write(const IncidentRecord& record);

    ReportLoader* m_loader;
    Kind m_kind = Kind::Postmortem;
    QString m_path;
};
