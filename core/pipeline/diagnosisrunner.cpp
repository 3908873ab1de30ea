#include "diagnosisrunner.h"

#include "diagnose/diagnoser.h"

#include <QMetaObject>

DiagnosisRunner::DiagnosisRunner(QObject* parent) : QObject(parent), m_pool(this)
{
    // One job at a time: each reads the causes the previous one found (smaller incidents lend theirs to bigger).
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("nightwatch-diagnosis"));
}

DiagnosisRunner::~DiagnosisRunner()
{
    wait(true);
}

void DiagnosisRunner::start(Job job)
{
    Q_ASSERT(!m_running);
    m_running = true;
    m_stop = std::make_shared<std::atomic<bool>>(false);
    job.support.stop = [stop = m_stop] { return stop->load(std::memory_order_relaxed); };
    m_pool.start([this, job = std::move(job)]() mutable {
        Result result;
        result.version = job.version;
        const QSet<QString> diagnosed =
            diagnoseChanged(*job.diagnoser, job.incidents, job.changed, job.support, &job.memo);
        for (const QString& key : diagnosed) {
            result.causes.insert(key, job.incidents.value(key).rootCauses);
            result.memo.insert(key, job.memo.value(key));
        }
        {
            QMutexLocker lock(&m_doneMutex);
            m_done = std::move(result);
        }
        // The runner outlives the job (its destructor waits for the pool), so `this` is valid here; a call still
        // queued when it is destroyed is dropped with it.
        QMetaObject::invokeMethod(this, &DiagnosisRunner::deliver, Qt::QueuedConnection);
    });
}

std::optional<DiagnosisRunner::Result> DiagnosisRunner::wait(bool stop)
{
    if (!m_running)
        return std::nullopt;
    if (stop)
        m_stop->store(true, std::memory_order_relaxed);
    m_pool.waitForDone();
    m_running = false;
    QMutexLocker lock(&m_doneMutex);
    return std::exchange(m_done, std::nullopt);
}

void DiagnosisRunner::deliver()
{
    std::optional<Result> result;
    {
        QMutexLocker lock(&m_doneMutex);
        result = std::exchange(m_done, std::nullopt);
    }
    if (!result)
        return; // taken by wait() already
    m_running = false;
    Q_EMIT finished(*result);
}
