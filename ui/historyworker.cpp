#include "historyworker.h"

#include "store/store.h"

#include <QAtomicInteger>

using namespace Qt::StringLiterals;

namespace {
QAtomicInteger<quint64> nextConnection = 0;
}

HistoryWorker::HistoryWorker(const QString& databasePath, QObject* parent)
    : QObject(parent), m_path(databasePath),
      m_connectionName(u"nightwatch-history-%1"_s.arg(nextConnection.fetchAndAddRelaxed(1)))
{
    qRegisterMetaType<HistoryQuery>();
    qRegisterMetaType<HistoryPage>();
    qRegisterMetaType<ReviewedIncident>();
}

HistoryWorker::~HistoryWorker() = default;

bool HistoryWorker::ensureOpen(QString* error)
{
    // Opened lazily, on the worker's thread: QtSql ties a connection to the thread that opens it.
    if (m_store && m_store->isOpen())
        return true;
    m_store = std::make_unique<Store>(m_connectionName);
    if (m_store->open(m_path, error, Store::OpenMode::ReadOnly))
        return true;
    m_store.reset();
    return false;
}

void HistoryWorker::search(quint64 jobId, const HistoryQuery& query)
{
    QString error;
    if (!ensureOpen(&error)) {
        Q_EMIT searched(jobId, {}, error);
        return;
    }
    const std::optional<HistoryPage> page = m_store->searchHistory(query, &error);
    Q_EMIT searched(jobId, page.value_or(HistoryPage{}), page ? QString() : error);
}

void HistoryWorker::load(quint64 jobId, qint64 incidentId)
{
    QString error;
    if (!ensureOpen(&error)) {
        Q_EMIT loaded(jobId, {}, error);
        return;
    }
    const std::optional<ReviewedIncident> past = ReviewedIncident::load(*m_store, incidentId, &error);
    Q_EMIT loaded(jobId, past.value_or(ReviewedIncident{}), past ? QString() : error);
}

void HistoryWorker::close()
{
    m_store.reset();
}
