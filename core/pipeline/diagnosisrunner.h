#pragma once
// DiagnosisRunner: runs the pipeline's re-diagnosis (diagnoseChanged) on a pool thread, one job at a time, on the
// job's own copy of the incidents, so storing and correlating never wait for it. The result comes back to the
// runner's thread by a queued call (finished()), or at once to a caller that needs it now (wait()).

#include "diagnose/incidentsetdiagnosis.h"
#include "model/incident.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QThreadPool>

#include <atomic>
#include <memory>
#include <optional>

class Diagnoser;

class DiagnosisRunner : public QObject
{
    Q_OBJECT
public:
    struct Job
    {
        quint64 version = 0;                // the owner's change counter when the copy was taken
        QHash<QString, Incident> incidents; // a copy (implicitly shared: the owner's next write detaches its own)
        QSet<QString> changed;              // what changed since its last diagnosis
        QHash<QString, size_t> memo;        // diagnoseAll's digests, a copy
        std::shared_ptr<const Diagnoser> diagnoser;
        IncidentSetSupport support; // its functions read only what they captured (copies), never the owner
    };
    struct Result
    {
        quint64 version = 0;
        QHash<QString, QVector<RootCauseCandidate>> causes; // of the incidents diagnosed
        QHash<QString, size_t> memo;                        // their new digests
    };

    explicit DiagnosisRunner(QObject* parent = nullptr);
    ~DiagnosisRunner() override; // stops a running job early and waits for it; its result is dropped

    bool isRunning() const { return m_running; }
    void start(Job job); // only when !isRunning()
    // Blocks until the running job ends (stop: ends it early, keeping what it diagnosed) and returns its result,
    // which is then not signalled; nothing when no job runs.
    std::optional<Result> wait(bool stop = false);

Q_SIGNALS:
    void finished(const DiagnosisRunner::Result& result);

private:
    void deliver(); // on the runner's thread, queued by the job when it ends

    QThreadPool m_pool;
    bool m_running = false;
    std::shared_ptr<std::atomic<bool>> m_stop;
    QMutex m_doneMutex; // guards m_done: written by the pool thread, taken on the runner's
    std::optional<Result> m_done;
};
