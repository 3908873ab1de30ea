#include "workerpriority.h"

#include <QtGlobal>

#ifdef Q_OS_LINUX
#include <cerrno>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace WorkerPriority {

#ifdef Q_OS_LINUX
namespace {
// Linux keeps a nice value per thread: PRIO_PROCESS with a thread id reads or sets that thread's alone, and with the
// process id the main thread's (its thread id is the process id).
id_t currentThread()
{
    return static_cast<id_t>(syscall(SYS_gettid));
}

id_t mainThread()
{
    return static_cast<id_t>(getpid());
}

bool niceOf(id_t thread, int* nice)
{
    errno = 0;
    *nice = getpriority(PRIO_PROCESS, thread);
    return errno == 0;
}
} // namespace
#endif

bool lowerCurrentThread(int steps)
{
    if (steps <= 0)
        return true;
#ifdef Q_OS_LINUX
    int now = 0;
    return niceOf(currentThread(), &now) && setpriority(PRIO_PROCESS, currentThread(), qMin(19, now + steps)) == 0;
#else
    return false;
#endif
}

bool placeCurrentThreadBelowMain(int steps)
{
#ifdef Q_OS_LINUX
    int main = 0, now = 0;
    if (!niceOf(mainThread(), &main) || !niceOf(currentThread(), &now))
        return false;
    const int wanted = qBound(-20, main + qMax(0, steps), 19);
    return wanted == now || setpriority(PRIO_PROCESS, currentThread(), wanted) == 0;
#else
    Q_UNUSED(steps);
    return false;
#endif
}

int currentThreadBelowMain()
{
#ifdef Q_OS_LINUX
    int main = 0, now = 0;
    return niceOf(mainThread(), &main) && niceOf(currentThread(), &now) ? now - main : 0;
#else
    return 0;
#endif
}

} // namespace WorkerPriority
