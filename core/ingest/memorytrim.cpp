#include "memorytrim.h"

#include <QAbstractEventDispatcher>
#include <QTimer>

#include <atomic>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace {
std::atomic<bool> pending{false};

void trimNow()
{
    pending = false;
#ifdef __GLIBC__
    malloc_trim(0); // every arena, not only the calling thread's
#endif
}
} // namespace

void MemoryTrim::later(int delayMs)
{
    if (pending.exchange(true))
        return;
    if (!QAbstractEventDispatcher::instance())
        trimNow();
    else
        QTimer::singleShot(delayMs, &trimNow);
}

void MemoryTrim::now()
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}
