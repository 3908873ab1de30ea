#include "replaysource.h"

#include "alertsink.h"
#include "changesink.h"
#include "scenarioreader.h"

using namespace Qt::StringLiterals;

ReplaySource::ReplaySource(AlertSink* sink, Scenario scenario, const QString& sourceName, const Options& options,
                           QObject* parent)
    : QObject(parent), m_sink(sink), m_scenario(std::move(scenario)), m_options(options)
{
    m_health.id = sourceName.isEmpty() ? u"replay"_s : sourceName;
    m_health.displayName = u"Replay "_s + (m_scenario.name.isEmpty() ? m_health.id : m_scenario.name);
    m_health.state = SourceHealth::State::Stale;
    for (Alert& a : m_scenario.alerts)
        a.source = m_health.id;
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ReplaySource::deliverDue);
}

ReplaySource::ReplaySource(AlertSink* sink, const QString& path, const Options& options, QObject* parent)
    : ReplaySource(sink, Scenario{}, u"replay:"_s + path, options, parent)
{
    QString error;
    auto scenario = ScenarioReader::readFile(path, &error);
    if (!scenario) {
        m_valid = false;
        m_error = error;
        m_health.state = SourceHealth::State::Unreachable;
        m_health.lastError = error;
        return;
    }
    m_scenario = std::move(*scenario);
    m_health.displayName = u"Replay "_s + (m_scenario.name.isEmpty() ? path : m_scenario.name);
}

void ReplaySource::setError(const QString& error)
{
    m_running = false;
    m_timer.stop();
    m_health.state = SourceHealth::State::Unreachable;
    m_health.lastError = error;
    Q_EMIT healthChanged(m_health);
    Q_EMIT finished(false);
}

qint64 ReplaySource::offsetMs(int index) const
{
    if (m_scale <= 0.0)
        return 0;
    const qint64 recorded = m_scenario.alerts.front().receivedAt.msecsTo(m_scenario.alerts[index].receivedAt);
    return qint64(double(qMax<qint64>(0, recorded)) * m_scale);
}

void ReplaySource::start()
{
    if (m_running)
        return;
    if (!m_valid) {
        setError(m_error);
        return;
    }
    auto& alerts = m_scenario.alerts;
    // Pacing follows arrival order; a recording is in arrival order already, but be robust.
    std::stable_sort(alerts.begin(), alerts.end(),
                     [](const Alert& a, const Alert& b) { return a.receivedAt < b.receivedAt; });

    if (m_options.shiftToNow && !alerts.isEmpty()) {
        // Shift so the storm's last delivery is "now": nothing lies in the future, and the
        // console's time windows (e.g. "last 30 minutes") see the storm as current.
        const qint64 shift = alerts.back().receivedAt.msecsTo(QDateTime::currentDateTimeUtc());
        auto move = [shift](QDateTime& t) {
            if (t.isValid())
                t = t.addMSecs(shift);
        };
        for (Alert& a : alerts) {
            move(a.startsAt);
            move(a.endsAt);
            move(a.receivedAt);
        }
        for (ChangeEvent& c : m_scenario.changes)
            move(c.at);
    }

    if (m_changeSink) {
        for (const ChangeEvent& c : std::as_const(m_scenario.changes)) {
            QString error;
            if (!m_changeSink->submitChange(c, &error)) {
                setError(u"change not stored: "_s + error);
                return;
            }
        }
    }

    m_scale = 0.0;
    if (alerts.size() > 1) {
        const qint64 span = alerts.front().receivedAt.msecsTo(alerts.back().receivedAt);
        if (m_options.fillWithinMs > 0 && span > 0)
            m_scale = double(m_options.fillWithinMs) / double(span);
        else if (m_options.speed > 0.0)
            m_scale = 1.0 / m_options.speed;
    }
    m_next = 0;
    m_running = true;
    m_clock.start();
    deliverDue();
}

void ReplaySource::stop()
{
    m_running = false;
    m_timer.stop();
}

void ReplaySource::deliverDue()
{
    if (!m_running)
        return;
    const auto& alerts = m_scenario.alerts;
    const qint64 elapsed = m_clock.elapsed();
    AlertBatch batch;
    int end = m_next;
    while (end < alerts.size() && offsetMs(end) <= elapsed)
        batch.append(alerts[end++]);

    if (!batch.isEmpty()) {
        QString error;
        if (!m_sink || !m_sink->submit(batch, &error)) {
            setError(u"alerts not stored: "_s + (m_sink ? error : u"no alert sink"_s));
            return;
        }
        m_next = end;
        m_health.state = SourceHealth::State::Live;
        m_health.lastSuccessAt = QDateTime::currentDateTimeUtc();
        m_health.lastError.clear();
        m_health.alertCount = int(batch.size());
        Q_EMIT healthChanged(m_health);
    }

    if (m_next >= alerts.size()) {
        m_running = false;
        Q_EMIT finished(true);
        return;
    }
    m_timer.start(int(qMax<qint64>(0, offsetMs(m_next) - m_clock.elapsed())));
}
