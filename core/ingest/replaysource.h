#pragma once
// ReplaySource: plays a recorded feed (scenario file) into the AlertSink, either all at once or
// paced by the recorded arrival times, optionally shifted so the storm ends "now" and looks live.

#include "scenario.h"

#include "model/sourcehealth.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

class AlertSink;
class ChangeSink;

class ReplaySource : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        double speed = 0.0;     // 0: everything in one batch; 60: one recorded minute per second
        int fillWithinMs = 0;   // > 0: pace so the whole recording plays within this time (overrides speed)
        bool shiftToNow = true; // move every timestamp so the last notification arrived at start()
    };

    // source names the feed in Alert::source and in SourceHealth ("replay:<file>").
    ReplaySource(AlertSink* sink, Scenario scenario, const QString& sourceName, const Options& options,
                 QObject* parent = nullptr);
    // Reads the file; on error isValid() is false and errorString() says why.
    ReplaySource(AlertSink* sink, const QString& path, const Options& options, QObject* parent = nullptr);

    bool isValid() const { return m_valid; }
    QString errorString() const { return m_error; }
    void setChangeSink(ChangeSink* sink) { m_changeSink = sink; } // changes are delivered at start()

    // The file's "topology" as a graph (nullopt when it has none or could not be read).
    const std::optional<ServiceGraph>& topology() const { return m_scenario.graph; }
    int delivered() const { return m_next; }
    int total() const { return int(m_scenario.alerts.size()); }
    SourceHealth health() const { return m_health; }

public Q_SLOTS:
    void start();
    void stop();

Q_SIGNALS:
    void healthChanged(const SourceHealth& health);
    void finished(bool ok);

private:
    void deliverDue();
    qint64 offsetMs(int index) const; // wall-clock delay of alert index after start()
    void setError(const QString& error);

    AlertSink* m_sink;
    ChangeSink* m_changeSink = nullptr;
    Scenario m_scenario;
    Options m_options;
    bool m_valid = true;
    QString m_error;
    SourceHealth m_health;
    QTimer m_timer{this};
    QElapsedTimer m_clock;
    double m_scale = 0.0; // wall ms per recorded ms; 0 = no pacing
    int m_next = 0;
    bool m_running = false;
};
