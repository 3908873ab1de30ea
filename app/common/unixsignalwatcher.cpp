#include "unixsignalwatcher.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace {
int pipeFds[2] = {-1, -1};

void onSignal(int signal)
{
    const int saved = errno;
    const char byte = char(signal);
    [[maybe_unused]] const ssize_t n = ::write(pipeFds[1], &byte, 1); // a full pipe drops it: one is enough
    errno = saved;
}
} // namespace

UnixSignalWatcher::UnixSignalWatcher(std::initializer_list<int> signals, QObject* parent)
    : QObject(parent), m_signals(signals)
{
    if (pipeFds[0] < 0 && ::pipe2(pipeFds, O_CLOEXEC | O_NONBLOCK) != 0)
        return; // without a pipe the default action (terminate) stays: no worse than before
    m_notifier = std::make_unique<QSocketNotifier>(pipeFds[0], QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, [this] {
        char byte = 0;
        while (::read(pipeFds[0], &byte, 1) == 1)
            Q_EMIT received(int(byte), ++m_count);
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART; // a blocking read elsewhere is not broken off by the request to stop
    for (const int s : m_signals)
        ::sigaction(s, &action, nullptr);
}

UnixSignalWatcher::~UnixSignalWatcher()
{
    // After the event loop is gone nobody would read the pipe: the default action is right again.
    for (const int s : std::as_const(m_signals))
        std::signal(s, SIG_DFL);
}
