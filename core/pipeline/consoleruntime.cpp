#include "consoleruntime.h"

#include "graph/graphdiscovery.h"
#include "graph/servicegraph.h"
#include "ingest/alertmanagerpoller.h"
#include "ingest/replaysource.h"
#include "ingest/webhookserver.h"
#include "metrics/metricsourcemonitor.h"
#include "pipeline.h"
#include "workerpriority.h"

#include <QSemaphore>

using namespace Qt::StringLiterals;

namespace {
constexpr int kCommitMarginMs = 750;
// A runtime destroyed without stop() (the console's Quit, or its SIGTERM): stopped as serve stops (its bounds).
constexpr int kQuitAnswerWithinMs = 5'500;
constexpr int kQuitFinishWithinMs = 8'000;
} // namespace

ConsoleRuntime::ConsoleRuntime(Config config, QObject* parent) : QObject(parent), m_config(std::move(config))
{
    m_pipelineThread.setObjectName(u"nightwatch-pipeline"_s);
    m_webhookThread.setObjectName(u"nightwatch-webhook"_s);
}

ConsoleRuntime::~ConsoleRuntime()
{
    // Not stopped before (the window's Quit): the same graceful stop, waited for here. Otherwise the receiver would
    // drop its connections unanswered and the pipeline store their deliveries anyway: every sender would send again
    // (its resend is then answered from the delivery journal, but only within the resend window, and only while its
    // alerts stand as it says: see Pipeline::Options::resendWindowMs). Waited for on a semaphore, not an event loop:
    // drained() is emitted on the receiver's thread.
    if (!m_stopRequested && m_pipeline) {
        QSemaphore drained;
        QMetaObject::Connection onDrained;
        if (m_webhook)
            onDrained = connect(
                m_webhook, &WebhookServer::drained, m_webhook, [&drained] { drained.release(); },
                Qt::DirectConnection);
        stop(kQuitAnswerWithinMs, kQuitFinishWithinMs);
        if (m_webhook)
            drained.tryAcquire(1, kQuitAnswerWithinMs + 1'000); // it drains by its own deadline: a margin only
        disconnect(onDrained);
    }
    // The receiver first: a delivery in flight waits on the pipeline, which must still be there to answer.
    if (m_webhook)
        QMetaObject::invokeMethod(
            m_webhook, [w = m_webhook.data()] { w->stop(); }, Qt::BlockingQueuedConnection);
    m_webhookThread.quit();
    m_webhookThread.wait();
    m_pipelineThread.quit();
    m_pipelineThread.wait();
}

void ConsoleRuntime::stop(int answerWithinMs, int finishWithinMs)
{
    m_stopRequested = true;
    if (m_pipeline)
        // It stops beginning deliveries a little before the receiver fails those unanswered: a commit under way
        // then has that long to end.
        m_pipeline->beginShutdown(QDeadlineTimer(qMax(0, answerWithinMs - kCommitMarginMs)),
                                  QDeadlineTimer(finishWithinMs));
    if (!m_webhook) {
        QMetaObject::invokeMethod(this, &ConsoleRuntime::stopped, Qt::QueuedConnection);
        return;
    }
    connect(m_webhook, &WebhookServer::drained, this, &ConsoleRuntime::stopped, Qt::UniqueConnection);
    QMetaObject::invokeMethod(
        m_webhook, [w = m_webhook.data(), answerWithinMs] { w->beginStop(answerWithinMs); }, Qt::QueuedConnection);
}

void ConsoleRuntime::yieldToWindow(QThread& thread)
{
    if (m_config.workerNiceSteps <= 0)
        return;
    // Direct: runs on the new thread itself, before its event loop, so every thread it starts inherits the value.
    connect(
        &thread, &QThread::started, &thread,
        [steps = m_config.workerNiceSteps] { WorkerPriority::lowerCurrentThread(steps); }, Qt::DirectConnection);
}

Pipeline* ConsoleRuntime::pipeline() const
{
    return m_pipeline;
}

void ConsoleRuntime::start()
{
    if (m_pipeline)
        return;
    m_pipeline = new Pipeline; // deleted on its own thread when that thread ends
    m_pipeline->moveToThread(&m_pipelineThread);
    connect(&m_pipelineThread, &QThread::finished, m_pipeline, &QObject::deleteLater);
    connect(m_pipeline, &Pipeline::snapshotReady, this, &ConsoleRuntime::snapshotReady);
    connect(m_pipeline, &Pipeline::failed, this, &ConsoleRuntime::failed);
    connect(m_pipeline, &Pipeline::diagnosisSettled, this, &ConsoleRuntime::diagnosisSettled);
    connect(m_pipeline, &Pipeline::restored, this, &ConsoleRuntime::restored);

    if (m_config.webhookEnabled) {
        WebhookServer::Options options;
        options.address = m_config.webhookAddress;
        options.port = m_config.webhookPort;
        options.bearerToken = m_config.webhookToken;
        options.feeds = m_config.webhookFeeds;
        options.allowedOrigins = m_config.webhookAllowedOrigins;
        m_webhook = new WebhookServer(m_pipeline, options);
        m_webhook->setChangeSink(m_pipeline);
        m_webhook->moveToThread(&m_webhookThread);
        connect(&m_webhookThread, &QThread::finished, m_webhook, &QObject::deleteLater);
        connect(m_webhook, &WebhookServer::healthChanged, m_pipeline, &Pipeline::updateSourceHealth);
        connect(m_webhook, &WebhookServer::listening, this, &ConsoleRuntime::webhookListening);
        connect(m_webhook, &WebhookServer::failed, this, &ConsoleRuntime::failed);
        connect(m_webhook, &WebhookServer::failed, this, &ConsoleRuntime::webhookFailed);
        m_webhook->setRestoring(true);
        connect(
            m_pipeline, &Pipeline::restored, m_webhook, [w = m_webhook.data()] { w->setRestoring(false); },
            Qt::DirectConnection);
        yieldToWindow(m_webhookThread);
        m_webhookThread.start();
    }
    yieldToWindow(m_pipelineThread);
    m_pipelineThread.start();
    QMetaObject::invokeMethod(m_pipeline, [this] { startFeedsOnPipelineThread(); });
}

void ConsoleRuntime::startFeedsOnPipelineThread()
{
    // The replay reads its file first: its topology is the graph unless one was named on purpose.
    ReplaySource* replay = nullptr;
    if (!m_config.replayFile.isEmpty()) {
        ReplaySource::Options ro;
        ro.speed = m_config.replaySpeed;
        ro.fillWithinMs = m_config.replayFillWithinMs;
        ro.shiftToNow = m_config.replayShiftToNow;
        replay = new ReplaySource(m_pipeline, m_config.replayFile, ro, m_pipeline); // a child: gone with it
    }
    Pipeline::Options options;
    options.databasePath = m_config.databasePath;
    options.graph = m_config.graph;
    if (replay && replay->topology() && replay->topology()->nodeCount() > 0 && !m_config.graphExplicit)
        options.graph = std::make_shared<const ServiceGraph>(*replay->topology());
    options.inhibitRulesFile = m_config.inhibitRulesFile;
    options.restoreHours = m_config.restoreHours;
    options.refreshMs = m_config.refreshMs;
    options.diagnoseInBackground = true; // a storm is stored and shown while the worker diagnoses it
    options.restoreInBackground = true;  // the receiver listens while the incidents are rebuilt
    options.prometheusUrls = m_config.prometheusUrls;
    options.prometheusAccess = m_config.prometheusAccess;
    QString error;
    if (!m_pipeline->open(options, &error)) {
        announceStarted(false, error);
        return;
    }

    // Feeds are children of the pipeline: same thread, gone with it.
    if (replay) {
        replay->setChangeSink(m_pipeline);
        connect(replay, &ReplaySource::healthChanged, m_pipeline, &Pipeline::updateSourceHealth);
        connect(replay, &ReplaySource::finished, this, &ConsoleRuntime::replayFinished);
        m_pipeline->updateSourceHealth(replay->health());
        replay->start(); // an unreadable file reports itself as an unreachable source, the others go on
    }
    if (!m_config.alertmanagerUrls.isEmpty()) {
        auto* poller = new AlertmanagerPoller(m_pipeline, m_config.alertmanagerUrls, m_pipeline);
        poller->setInterval(m_config.pollIntervalMs);
        poller->setAccess(m_config.alertmanagerAccess);
        connect(poller, &AlertmanagerPoller::healthChanged, m_pipeline, &Pipeline::updateSourceHealth);
        for (const SourceHealth& h : poller->health())
            m_pipeline->updateSourceHealth(h);
        poller->start();
    }
    if (!m_config.prometheusUrls.isEmpty()) {
        // Each Prometheus gets a chip of its own, kept current between incidents at the poll interval; as a
        // metrics source, its loss never withholds the all-clear (FeedStatus).
        auto* monitor = new MetricSourceMonitor(m_config.prometheusUrls, m_config.prometheusAccess, m_pipeline);
        monitor->setInterval(m_config.pollIntervalMs);
        connect(monitor, &MetricSourceMonitor::healthChanged, m_pipeline, &Pipeline::updateSourceHealth);
        for (const SourceHealth& h : monitor->health())
            m_pipeline->updateSourceHealth(h);
        monitor->start();
    }
    if (!m_config.discoverGraphUrl.isEmpty()) {
        // Merged with the graph the pipeline opened on (the file, or a replay's topology); the pipeline
        // re-correlates only when a round changes the graph.
        GraphDiscovery::Options go;
        go.prometheusUrl = m_config.discoverGraphUrl;
        go.access = m_config.prometheusAccess;
        go.intervalMs = m_config.discoverIntervalMs;
        go.windowSeconds = m_config.discoverWindowSeconds;
        auto* discovery = new GraphDiscovery(go, options.graph, m_pipeline);
        connect(discovery, &GraphDiscovery::graphChanged, m_pipeline, &Pipeline::setGraph);
        connect(discovery, &GraphDiscovery::roundFinished, this, &ConsoleRuntime::graphDiscoveryFinished);
        discovery->start();
    }
    if (m_webhook)
        QMetaObject::invokeMethod(
            m_webhook, [w = m_webhook.data()] { w->start(); }, Qt::QueuedConnection);
    announceStarted(true, {});
}

void ConsoleRuntime::announceStarted(bool ok, const QString& error)
{
    // Queued to the runtime's own thread, as its other signals arrive: a handler connected without a context object
    // would otherwise run here on the pipeline's thread, and a store that fails at once could call quit() before the
    // caller's event loop runs, which Qt ignores (serve then never exited on a damaged database).
    QMetaObject::invokeMethod(
        this, [this, ok, error] { Q_EMIT started(ok, error); }, Qt::QueuedConnection);
}
