#pragma once
// ConsoleRuntime: wires the feeds to the pipeline and keeps them off the caller's thread. The pipeline,
// the replay source and the Alertmanager poller live on one worker thread (the store's single writer);
// the webhook receiver has a thread of its own because each delivery waits there until it is stored.
// The GUI and `nightwatch-cli serve` both run the console through this one class.

#include "ingest/httplimits.h"
#include "ingest/sourceaccess.h"
#include "ingest/webhookfeeds.h"
#include "model/incidentsnapshot.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QThread>
#include <QUrl>

#include <memory>

class Pipeline;
class ServiceGraph;
class WebhookServer;

class ConsoleRuntime : public QObject
{
    Q_OBJECT
public:
    struct Config
    {
        QString databasePath;
        std::shared_ptr<const ServiceGraph> graph;
        // false: a replayed file's own topology replaces graph (a recording describes its own world, as
        // `nightwatch-cli replay` assumes); true: graph was named on purpose (--graph, the demo's) and stays.
        bool graphExplicit = false;
        QString inhibitRulesFile;
        int restoreHours = 24;
        int refreshMs = 200;
        QList<QUrl> prometheusUrls; // metric evidence for the diagnosis (Pipeline::Options::prometheusUrls) //
                                    // Pipeline::Options::refreshMs: a storm redraws a few times a second
        SourceAccess prometheusAccess;

        QList<QUrl> alertmanagerUrls;
        SourceAccess alertmanagerAccess; // files loaded; secrets resolved
        int pollIntervalMs = 15'000;

        bool webhookEnabled = true;
        QHostAddress webhookAddress = QHostAddress::LocalHost;
        quint16 webhookPort = 9797;
        QString webhookToken;
        WebhookFeeds::Settings webhookFeeds; // PagerDuty secret, generic JSON mapping
        QStringList webhookAllowedOrigins;   // browser pages that may post (CSRF); default none

        QString replayFile;       // empty: no replay
        double replaySpeed = 0.0; // see ReplaySource::Options
        int replayFillWithinMs = 0;
        bool replayShiftToNow = true;

        // Graph discovery from service-graph metrics (GraphDiscovery), merged with graph; through prometheusAccess.
        QUrl discoverGraphUrl; // empty: no discovery
        int discoverIntervalMs = 300'000;
        int discoverWindowSeconds = 3600;

        // > 0: the pipeline and receiver threads (and the pools they start) run this many nice steps below the
        // thread that starts the runtime, so a storm cannot keep the window's thread waiting for a core
        // (WorkerPriority). The console sets it; serve, with no window, leaves them equal.
        int workerNiceSteps = 0;
    };

    explicit ConsoleRuntime(Config config, QObject* parent = nullptr);
    // Stops the feeds, then the pipeline (the store closes on its own thread); without stop() before, it stops as
    // stop() does first (5.5 s to answer the deliveries in flight, 8 s in all) and waits for the answers.
    ~ConsoleRuntime() override;

    // Opens the store and starts every configured feed, without blocking: started() tells how it went, from the
    // runtime's event loop (never before the caller's loop runs, so a handler may quit it).
    void start();
    // A graceful stop (SIGTERM, SIGINT): the receiver accepts no new connection and answers every delivery in flight
    // (200 once stored, else 503 with Retry-After, never half stored), the pipeline stores what it was handed and skips
    // its refreshes. stopped() once every delivery is answered, at the latest answerWithinMs from now; the destructor
    // that follows saves the incidents as far as it can until finishWithinMs from now and closes the database.
    void stop(int answerWithinMs, int finishWithinMs);
    Pipeline* pipeline() const;
    const Config& config() const { return m_config; }

Q_SIGNALS:
    void started(bool ok, const QString& error);
    void snapshotReady(IncidentSnapshotPtr snapshot);
    void replayFinished(bool ok);
    void webhookListening(quint16 port);
    // The receiver could not listen (the port taken, an address not ours): also said by failed(). The window goes on
    // with its other feeds and shows the receiver down; `serve`, which is there to receive, exits.
    void webhookFailed(const QString& message);
    void failed(const QString& message);
    void diagnosisSettled(); // Pipeline::diagnosisSettled: the last snapshot shows every incident diagnosed
    // After each graph discovery round: what was discovered, or why the last graph stays (GraphDiscovery).
    void graphDiscoveryFinished(bool ok, const QString& message);
    void stopped(); // see stop()
    // The pipeline has rebuilt the incidents of the restore window. The receiver listens (and stores deliveries)
    // before that, as soon as the database is open and checked; its /healthz says "restoring" until then.
    void restored();

private:
    void startFeedsOnPipelineThread();   // runs on m_pipelineThread
    void announceStarted(bool ok, const QString& error); // started(), on this object's thread
    void yieldToWindow(QThread& thread); // Config::workerNiceSteps, applied as the thread starts

    Config m_config;
    QThread m_pipelineThread;
    QThread m_webhookThread;
    QPointer<Pipeline> m_pipeline;
    QPointer<WebhookServer> m_webhook;
    bool m_stopRequested = false; // stop() was called
};
