// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"

#include <QThread>

#include <condition_variable>
#include <deque>
#include <functional>
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
// Results leave the worker through postToOwnerThread(), never as signals emitted on the worker: the subclass's
// signals are emitted in the thread this object lives in (the one that made it), from its event loop, in the order
// they were posted. The values are handed over under a mutex of ours and only the notification goes through Qt's
// event queue, posted under that mutex: Qt's queue is synchronised inside libQt6Core, invisible to ThreadSanitizer,
// and a queued signal's event (allocated on the worker, deleted by the receiving event loop) was reported as a race
// whenever two were posted close together (test_live_runner under load, RELIABILITY.md).
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
    // From the subclass's destructor: abort the request in progress, join the thread and drop what it posted that
    // was not delivered yet.
    void stopAndJoin();
    // From work(): runs `emitter` (which emits a signal with the values it holds) in this object's thread, after
    // everything posted before it; also from a nested event loop there (a modal box in a receiver).
    void postToOwnerThread(std::function<void()> emitter);

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
    // In this object's thread, once per postToOwnerThread(): runs the oldest emitter not yet run.
    void deliverNext();

    std::condition_variable m_condition;  // wakes the idle worker (new request or abort)
    std::mutex m_postedMutex;  // guards m_posted; Qt's notification is posted under it
    std::deque<std::function<void()>> m_posted;
};

}  // namespace sl::app
