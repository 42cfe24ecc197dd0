// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"

#include <QThread>

#include <condition_variable>
#include <mutex>

namespace sl::app {

// The worker loop under LiveRunner and TheoryRunner (after Qt's Mandelbrot example): one thread that computes one
// request at a time. A subclass stores its request under m_mutex and calls startOrRestartLocked(): the thread
// starts, or the request in progress is superseded (its CancelToken cancelled) and the newest request is taken as
// soon as work() returns. Each request gets a fresh token when it is stored (so a cancel right after it reaches it);
// each round resets the restart flag and takes that token under the lock, then calls
// takeRequestLocked() (copy the request), work() (outside the lock), finishRoundLocked(), and waits for the next
// request or the abort. The subclass's destructor calls stopAndJoin() before its own members go.
//
// std:: primitives, not QMutex/QWaitCondition: the system's libQt6Core is not built with ThreadSanitizer, and
// QWaitCondition's unlock/relock inside it is invisible to TSan (false "double lock" reports, issue 11).
class RestartableWorker : public QThread {
    Q_OBJECT

public:
    explicit RestartableWorker(QObject* parent = nullptr) : QThread(parent) { }

protected:
    // With m_mutex held, after storing a new request: start the thread, or supersede the request in progress.
    void startOrRestartLocked();
    // From the subclass's destructor: abort the request in progress and join the thread.
    void stopAndJoin();

    // With m_mutex held, at the start of a round: copy the request for work().
    virtual void takeRequestLocked() = 0;
    // Outside the lock: compute the request taken in this round; `token` is cancelled when it is superseded or
    // aborted. It reports through signals, unless superseded (m_restart) or aborted (m_abort), read under the lock.
    virtual void work(const sl::CancelToken& token) = 0;
    // With m_mutex held, after work() and before waiting for the next request.
    virtual void finishRoundLocked() { }
    // With m_mutex held, whenever the request in progress is superseded or aborted: wake what else the subclass's
    // work may be waiting on (LiveRunner's pause).
    virtual void wakeLocked() { }

    mutable std::mutex m_mutex;
    sl::CancelToken m_cancel;  // the token of the round in progress
    bool m_restart = false;  // a newer request supersedes the round in progress
    bool m_abort = false;  // the worker is being destroyed

private:
    void run() final;

    std::condition_variable m_condition;  // wakes the idle worker (new request or abort)
};

}  // namespace sl::app
