#pragma once
// UnixSignalWatcher: turns SIGINT/SIGTERM into a Qt signal on the main thread (the self-pipe pattern).
// The handler only writes one byte to a pipe, which is async-signal-safe; a QSocketNotifier on the
// other end wakes the event loop at once, so a stop request is neither polled nor lost while Qt waits.

#include <QObject>
#include <QSocketNotifier>

#include <memory>

class UnixSignalWatcher : public QObject
{
    Q_OBJECT
public:
    // Installs handlers for signals; one watcher per process (the pipe is shared by the handler).
    explicit UnixSignalWatcher(std::initializer_list<int> signals, QObject* parent = nullptr);
    ~UnixSignalWatcher() override;

    int count() const { return m_count; } // signals received so far

Q_SIGNALS:
    void received(int signal, int count);

private:
    std::unique_ptr<QSocketNotifier> m_notifier;
    QList<int> m_signals;
    int m_count = 0;
};
