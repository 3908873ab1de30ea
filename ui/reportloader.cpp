#include "reportloader.h"

#include "pipeline/backgroundpool.h"
#include "report/reportquery.h"
#include "store/store.h"

#include <QAtomicInteger>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <variant>

using namespace Qt::StringLiterals;

namespace {

QString uniqueConnection()
{
    static QAtomicInteger<quint64> next;
    return u"report-loader-%1"_s.arg(next.fetchAndAddRelaxed(1));
}

template <typename T> using Outcome = std::variant<T, QString>; // the value, or why there is none

// Opens the file for this one job; refuses to create a database that is not there.
bool openStore(Store& store, const QString& path, QString* error)
{
    if (path.isEmpty() || !QFileInfo::exists(path)) {
        *error = u"no database at %1"_s.arg(path);
        return false;
    }
    // A reader beside the console: read-only needs no write lock; a file at an older schema is upgraded once.
    return store.open(path, nullptr, Store::OpenMode::ReadOnly) || store.open(path, error);
}

} // namespace

ReportLoader::ReportLoader(QObject* parent) : QObject(parent) {}

void ReportLoader::loadReport(const QDate& from, const QDate& to, const QTimeZone& zone)
{
    const quint64 job = ++m_reportJob;
    auto* watcher = new QFutureWatcher<Outcome<HealthReport>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, job]() {
        watcher->deleteLater();
        if (job != m_reportJob)
            return; // a newer period was asked for meanwhile
        const auto outcome = watcher->result();
        if (const auto* report = std::get_if<HealthReport>(&outcome))
            Q_EMIT reportReady(*report);
        else
            Q_EMIT failed(std::get<QString>(outcome));
    });
    watcher->setFuture(
        QtConcurrent::run(BackgroundPool::instance(), [path = m_path, from, to, zone]() -> Outcome<HealthReport> {
            Store store(uniqueConnection());
            QString error;
            if (!openStore(store, path, &error))
                return error;
            auto report = HealthReport::fromStore(store, from, to, zone, &error);
            if (!report)
                return error;
            return *report;
        }));
}

void ReportLoader::loadIncident(qint64 incidentId)
{
    const quint64 job = ++m_incidentJob;
    auto* watcher = new QFutureWatcher<Outcome<IncidentRecord>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, job]() {
        watcher->deleteLater();
        if (job != m_incidentJob)
            return;
        const auto outcome = watcher->result();
        if (const auto* record = std::get_if<IncidentRecord>(&outcome))
            Q_EMIT incidentReady(*record);
        else
            Q_EMIT failed(std::get<QString>(outcome));
    });
    watcher->setFuture(
        QtConcurrent::run(BackgroundPool::instance(), [path = m_path, incidentId]() -> Outcome<IncidentRecord> {
            Store store(uniqueConnection());
            QString error;
            if (!openStore(store, path, &error))
                return error;
            auto record = ReportQuery(store).incidentRecord(incidentId, &error);
            if (!record)
                return error;
            return *record;
        }));
}
