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
