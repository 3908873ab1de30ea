#include "workerpriority.h"

#include <QtGlobal>

#ifdef Q_OS_LINUX
#include <cerrno>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace WorkerPriority {

bool lowerCurrentThread(int steps)
{
    if (steps <= 0)
        return true;
#ifdef Q_OS_LINUX
    // Linux keeps a nice value per thread: PRIO_PROCESS with a thread id sets that thread's alone.
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    errno = 0;
    const int now = getpriority(PRIO_PROCESS, tid);
    if (errno != 0)
        return false;
    return setpriority(PRIO_PROCESS, tid, qMin(19, now + steps)) == 0;
#else
    return false;
#endif
}

} // namespace WorkerPriority
