#include "incidentexporter.h"

#include "reportloader.h"

#include "report/incidentbundle.h"
#include "report/postmortem.h"

#include <QSaveFile>

using namespace Qt::StringLiterals;

IncidentExporter::IncidentExporter(QObject* parent) : QObject(parent), m_loader(new ReportLoader(this))
{
    connect(m_loader, &ReportLoader::incidentReady, this, &IncidentExporter::write);
    connect(m_loader, &ReportLoader::failed, this, [this](const QString& why) { Q_EMIT finished(false, why); });
}

void IncidentExporter::setDatabasePath(const QString& path)
{
    m_loader->setDatabasePath(path);
}

QString IncidentExporter::databasePath() const
{
    return m_loader->databasePath();
}

void IncidentExporter::exportIncident(qint64 incidentId, Kind kind, const QString& path)
{
    if (incidentId <= 0) {
        Q_EMIT finished(false, tr("No stored incident is selected."));
        return;
    }
    m_kind = kind;
    m_path = path;
    m_loader->loadIncident(incidentId);
}

void IncidentExporter::write(const IncidentRecord& record)
{
    QByteArray bytes;
    if (m_kind == Kind::Bundle) {
        bytes = IncidentBundle::toJson(record);
    } else {
        const ReportDocument doc = Postmortem::build(record);
        const bool html =
            m_path.endsWith(u".html"_s, Qt::CaseInsensitive) || m_path.endsWith(u".htm"_s, Qt::CaseInsensitive);
        bytes = (html ? doc.toHtml() : doc.toMarkdown()).toUtf8();
    }
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        Q_EMIT finished(false, tr("Cannot write %1: %2").arg(m_path, file.errorString()));
        return;
    }
    Q_EMIT finished(true, m_path);
}
