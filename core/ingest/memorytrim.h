#pragma once
// MemoryTrim: hands the heap's free pages back to the system a moment after a big delivery. glibc keeps what a
// 10 MiB body, its 100,000 parsed alerts and the batch and incidents built from them leave free in each thread's
// arena for reuse, so without a trim the receiver's RSS stays near its peak long after the storm. A no-op where
// the C library is not glibc.

namespace MemoryTrim {

// Trims after delayMs on the calling thread's event loop (so after the work that thread is doing now: the batch it
// is correlating is freed by then), or at once on a thread without one. Calls while a trim is pending join it.
void later(int delayMs);
// Trims at once, on the calling thread (a worker with nothing of the freed work left to hold on to).
void now();

} // namespace MemoryTrim
