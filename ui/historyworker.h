#pragma once
// HistoryWorker: the history browser's own read-only connection to the database, on a thread of its own, so
// a search over years of incidents or the loading of a past incident never stalls the window. Requests carry
// a job id; the browser drops answers to jobs it has since replaced. Create it, moveToThread(), then call the
// slots through queued connections (or QMetaObject::invokeMethod).

#include "history/historyquery.h"
#include "history/historysummary.h"
#include "history/pastincident.h"

#include <QObject>

#include <memory>

class Store;

class HistoryWorker : public QObject
{
    Q_OBJECT

public:
    explicit HistoryWorker(const QString& databasePath, QObject* parent = nullptr);
    ~HistoryWorker() override;

public Q_SLOTS:
    void search(quint64 jobId, const HistoryQuery& query);
    void load(quint64 jobId, qint64 incidentId);
    void close(); // on the worker's thread, before it stops: the connection belongs to it

Q_SIGNALS:
    void searched(quint64 jobId, const HistoryPage& page, const QString& error);
    void loaded(quint64 jobId, const ReviewedIncident& incident, const QString& error);

private:
    bool ensureOpen(QString* error);

    QString m_path;
    QString m_connectionName;
    std::unique_ptr<Store> m_store;
};
