// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sl::app {

// The point scheduler's workers: up to maxThreadCount() threads, started when work is queued and kept until the pool
// is destroyed, taking tasks in the order they were queued. Its queue, hand-offs and joins are std::mutex and
// std::condition_variable, which ThreadSanitizer sees. QThreadPool, used before, moves its threads between its
// internal lists under a lock inside the uninstrumented libQt6Core, and TSan reported those moves as a race between
// two pool threads, with no frame of ours (test_point_scheduler, three CI runs in a row on 2026-12-01;
// RELIABILITY.md). A task must not throw.
class WorkerPool {
public:
    explicit WorkerPool(int maxThreads);  // <= 0: std::thread::hardware_concurrency()
    ~WorkerPool();  // runs every queued task, then joins the threads
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // A lower ceiling takes effect as running tasks end: the threads above it leave once idle.
    void setMaxThreadCount(int threads);
    int maxThreadCount() const;
    int activeThreadCount() const;  // threads running a task now
    void start(std::function<void()> task);
    // Blocks until the queue is empty and no task runs (each finished task's captures already destroyed); false
    // when msecs (>= 0) passed first.
    bool waitForDone(int msecs = -1);

private:
    void work();
    bool idleLocked() const { return m_queue.empty() && m_active == 0; }

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;  // a task was queued, the ceiling lowered, or the pool is closing
    std::condition_variable m_idle;  // the queue ran empty and the last task ended
    std::deque<std::function<void()>> m_queue;
    std::vector<std::thread> m_threads;  // every thread started, joined by the destructor
    int m_maxThreads = 1;
    int m_live = 0;  // threads in their loop
    int m_waiting = 0;  // of them, waiting for a task
    int m_active = 0;  // of them, running a task
    bool m_closing = false;
};

}  // namespace sl::app
