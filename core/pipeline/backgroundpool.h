#pragma once

class QThreadPool;

// The pool for the console's own background jobs: the views' plans and layouts, reports, and freeing retired
// snapshots. Never Qt's global pool: Qt's raster engine splits a big fill across the global pool and the painting
// thread waits for those parts (a QSemaphore in QScrollBar::paintEvent), so our plan jobs queued there held the
// window's paint 150-340 ms at a time under a storm (tst_ui_stormstall, perf sched_switch stacks).
namespace BackgroundPool {
QThreadPool* instance();
}
