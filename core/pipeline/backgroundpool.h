#pragma once

#include <functional>
#include <utility>

class QThreadPool;

// The pool for the console's own background jobs: the views' plans and layouts, reports, and freeing retired
// snapshots. Never Qt's global pool: Qt's raster engine splits a big fill across the global pool and the painting
// thread waits for those parts (a QSemaphore in QScrollBar::paintEvent), so our plan jobs queued there held the
// window's paint 150-340 ms at a time under a storm (tst_ui_stormstall, perf sched_switch stacks).
namespace BackgroundPool {
QThreadPool* instance();

void start(std::function<void()> job);

// Frees `value` on a pool thread rather than the caller's (the GUI thread). What a view replaces can be the last owner
// of a storm's alerts, thousands of frees; and what a worker built lives in that worker's malloc arena, whose lock a
// worker below the window's priority may hold while it waits for a core: freed on the GUI thread, each string of it
// waited for that lock (7 waits of 9-19 ms in one RunbookPanel::showProposals, a 103 ms gap in tst_ui_stormstall).
template <typename T> void dispose(T value)
{
    start([value = std::move(value)]() mutable { value = T(); });
}
} // namespace BackgroundPool
