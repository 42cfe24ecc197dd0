// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/runner/worker_pool.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace sl::app {

namespace {

int orAllCores(int threads)
{
    return threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace

WorkerPool::WorkerPool(int maxThreads) : m_maxThreads(orAllCores(maxThreads))
{
}

WorkerPool::~WorkerPool()
{
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_closing = true;
    }
    m_wake.notify_all();
    for (std::thread& thread : m_threads)
        thread.join();
}

void WorkerPool::setMaxThreadCount(int threads)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_maxThreads = orAllCores(threads);
    // A higher ceiling serves what already waits in the queue; a lower one wakes the idle threads above it to leave.
    const int wanted = std::min(int(m_queue.size()) - m_waiting, m_maxThreads - m_live);
    for (int i = 0; i < wanted; ++i) {
        m_threads.emplace_back(&WorkerPool::work, this);
        ++m_live;  // under the lock the new thread needs before it reads this
    }
    lock.unlock();
    m_wake.notify_all();
}

int WorkerPool::maxThreadCount() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_maxThreads;
}

int WorkerPool::activeThreadCount() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_active;
}

void WorkerPool::start(std::function<void()> task)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_queue.push_back(std::move(task));
    // A thread already notified but not yet awake still counts as waiting, so a second task queued at once starts a
    // thread of its own (up to the ceiling) rather than waiting behind the first.
    if (int(m_queue.size()) > m_waiting && m_live < m_maxThreads) {
        m_threads.emplace_back(&WorkerPool::work, this);
        ++m_live;
        return;
    }
    lock.unlock();
    m_wake.notify_one();
}

bool WorkerPool::waitForDone(int msecs)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    if (msecs < 0) {
        m_idle.wait(lock, [this] { return idleLocked(); });
        return true;
    }
    return m_idle.wait_for(lock, std::chrono::milliseconds(msecs), [this] { return idleLocked(); });
}

void WorkerPool::work()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        if (m_live > m_maxThreads)
            break;  // the ceiling was lowered: this thread is one too many
        if (!m_queue.empty()) {
            std::function<void()> task = std::move(m_queue.front());
            m_queue.pop_front();
            ++m_active;
            lock.unlock();
            task();
            task = nullptr;  // its captures go before anyone waiting for the pool hears it is done
            lock.lock();
            --m_active;
            if (idleLocked())
                m_idle.notify_all();
            continue;
        }
        if (m_closing)
            break;
        ++m_waiting;
        m_wake.wait(lock);
        --m_waiting;
    }
    --m_live;
    // A thread leaving above a lowered ceiling may leave tasks for the others: make sure one of them looks.
    if (!m_queue.empty())
        m_wake.notify_one();
}

}  // namespace sl::app
