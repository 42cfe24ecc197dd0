// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/runner/restartable_worker.h"

namespace sl::app {

void RestartableWorker::startOrRestartLocked()
{
    // The new request's token is made here, not when the worker picks the request up: a cancel() that comes right
    // after the request (Run, then Escape) must reach the new run, not the one it replaced.
    m_cancel.cancel();
    m_cancel = sl::CancelToken{};
    if (!isRunning()) {
        start(QThread::LowPriority);
    } else {
        m_restart = true;
        m_condition.notify_one();
        wakeLocked();
    }
}

void RestartableWorker::stopAndJoin()
{
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_abort = true;
        m_cancel.cancel();
        m_condition.notify_one();
        wakeLocked();
    }
    wait();
    // QThread::wait() synchronises inside libQt6Core (futexes ThreadSanitizer does not see). The worker's last act
    // is to release m_mutex (run() returns with it held), so taking it here orders everything the thread did, its
    // last virtual calls included, before the subclass's and this class's destructors change the vptr: without it
    // TSan reported a "data race on vptr" in test_live_runner's destructionMidRunJoins (1 of 16 runs, 12-01).
    {
        const std::lock_guard<std::mutex> joined(m_mutex);
    }
    // Undelivered results die with the object (a notification still queued for it is removed by ~QObject). Taken
    // under the lock the worker posted under, so ThreadSanitizer sees the hand-off before they are freed.
    std::deque<std::function<void()>> undelivered;
    std::lock_guard<std::mutex> lock(m_postedMutex);
    undelivered.swap(m_posted);
}

void RestartableWorker::postToOwnerThread(std::function<void()> emitter)
{
    std::lock_guard<std::mutex> lock(m_postedMutex);
    m_posted.push_back(std::move(emitter));
    // One call per value, as a queued signal would be: a receiver's nested event loop delivers the next ones.
    // Posted with the lock held: deliverNext() takes it before Qt deletes the event, so the event's allocation here
    // happens-before its deletion there in a way ThreadSanitizer can see (Qt's own queue lock it cannot see).
    QMetaObject::invokeMethod(
        this, [this] { deliverNext(); }, Qt::QueuedConnection);
}

void RestartableWorker::deliverNext()
{
    std::function<void()> next;
    {
        std::lock_guard<std::mutex> lock(m_postedMutex);
        if (m_posted.empty())
            return;
        next = std::move(m_posted.front());
        m_posted.pop_front();
    }
    next();
}

void RestartableWorker::run()
{
    forever
    {
        sl::CancelToken token;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            if (m_abort)
                return;
            m_restart = false;
            token = m_cancel;  // made by startOrRestartLocked() with this request
            takeRequestLocked();
        }
        work(token);
        std::unique_lock<std::mutex> lock(m_mutex);
        finishRoundLocked();
        // Predicate wait: a spurious wake-up must not recompute the last request.
        m_condition.wait(lock, [&] { return m_restart || m_abort; });
        if (m_abort)
            return;
    }
}

}  // namespace sl::app
