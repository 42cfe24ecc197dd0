// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/runner/point_scheduler.h"

#include "app/store/result_store.h"
#include "core/common/compute_threads.h"

#include <QSet>
#include <QThread>

#include <atomic>
#include <mutex>

namespace sl::app {

// What the workers share with the scheduler; held by shared_ptr so a worker never touches a destroyed scheduler.
struct PointScheduler::Shared {
    ExperimentExecutor executor;
    std::mutex saveMutex;  // one save at a time
    std::mutex callbackMutex;  // one callback at a time
    std::atomic<bool> closing{false};  // the scheduler is being destroyed: drop what has not started
};

PointScheduler::PointScheduler(ExperimentExecutor executor)
    : m_shared(std::make_shared<Shared>()), m_pool(QThread::idealThreadCount())
{
    m_shared->executor = std::move(executor);
}

PointScheduler::~PointScheduler()
{
    m_shared->closing = true;
    m_pool.waitForDone();
}

bool PointScheduler::plan(
    const std::vector<ExperimentConfig>& points, const QString& storePath, bool reuseStored, Plan& out, QString* error)
{
    out = Plan{};
    if (storePath.isEmpty()) {
        for (std::size_t i = 0; i < points.size(); ++i)
            out.pending.push_back(i);
        return true;
    }
    ResultStore store;
    if (!store.open(storePath)) {
        if (error)
            *error = store.lastError();
        return false;
    }
    // Only a finished run stands for its point: a failed or cancelled row is run again (the GUI's sweeps and the
    // CLI's --resume alike).
    QSet<QString> known;
    if (reuseStored) {
        const QVector<QString> hashes = store.finishedHashes();
        known = QSet<QString>(hashes.begin(), hashes.end());
    }
    for (std::size_t i = 0; i < points.size(); ++i) {
        const QString hash = points[i].hash();
        std::optional<RunResult> result;
        if (known.contains(hash)) {
            if (const auto stored = store.findFinishedByHash(hash))
                result = RunResult::fromJson(stored->result);
        }
        if (result)
            out.served.emplace_back(i, *result);
        else
            out.pending.push_back(i);
    }
    return true;
}

void PointScheduler::ThreadBudget::release()
{
    std::unique_lock<std::mutex> lock(mutex);
    if (--remaining == 0)
        scope.reset();
}

void PointScheduler::run(const std::vector<ExperimentConfig>& points, const std::vector<std::size_t>& pending,
    const QString& storePath, const sl::CancelToken& cancel, Callbacks callbacks)
{
    std::shared_ptr<Shared> shared = m_shared;
    const auto calls = std::make_shared<const Callbacks>(std::move(callbacks));
    // While this batch runs, workers × BLAS/OpenMP threads ≤ cores (core/common/compute_threads.h): one scope for
    // the batch, released by its last point before that point reports, so the pools are back to their ceiling by
    // the time anyone hears that the batch is done.
    const auto budget = std::make_shared<ThreadBudget>();
    if (!pending.empty()) {
        budget->scope = std::make_unique<sl::ParallelWorkers>(std::min(m_pool.maxThreadCount(), int(pending.size())));
        budget->remaining = int(pending.size());
    }
    const int threadsPerPoint = budget->scope ? budget->scope->threadsPerWorker() : 1;
    for (const std::size_t index : pending) {
        const ExperimentConfig point = points[index];
        m_pool.start([shared, calls, budget, threadsPerPoint, cancel, point, index, storePath] {
            sl::limitOpenMpThreadsOfThisThread(threadsPerPoint);
            const auto drop = [&] {
                budget->release();
                std::unique_lock<std::mutex> lock(shared->callbackMutex);
                if (calls->dropped)
                    calls->dropped(index);
            };
            if (shared->closing || cancel.isCancelled() || (calls->hold && !calls->hold())) {
                drop();
                return;
            }
            RunObserver observer;
            if (calls->hold)
                observer = [calls](const sl::TrainSnapshot&) { calls->hold(); };
            const RunResult result = shared->executor(point, observer, cancel);
            if (result.status == sl::Status::Cancelled) {
                drop();
                return;
            }
            QString saveError;
            if (!storePath.isEmpty()) {
                std::unique_lock<std::mutex> lock(shared->saveMutex);
                ResultStore store;  // this thread's own connection
                if (!store.open(storePath) || store.save(result.toJson()) < 0)
                    saveError = store.lastError();
            }
            budget->release();
            std::unique_lock<std::mutex> lock(shared->callbackMutex);
            if (calls->finished)
                calls->finished(index, result, saveError);
        });
    }
}

bool PointScheduler::runToEnd(const std::vector<ExperimentConfig>& points, int threads, const QString& storePath,
    bool reuseStored, const sl::CancelToken& cancel, const std::function<void(int done)>& onFinished, Outcome& out,
    QString* openError)
{
    out = Outcome{};
    Plan schedule;
    if (!plan(points, storePath, reuseStored, schedule, openError))
        return false;
    out.results.assign(points.size(), std::nullopt);
    for (const auto& served : schedule.served)
        out.results[served.first] = served.second;
    out.fromStore = int(schedule.served.size());
    int done = out.fromStore;
    PointScheduler scheduler;
    scheduler.setMaxThreadCount(threads);
    Callbacks callbacks;
    // The callbacks are serialised and the scheduler is waited for below, so they may write to `out` directly.
    callbacks.finished = [&](std::size_t index, const RunResult& result, const QString& saveError) {
        ++done;
        out.results[index] = result;
        if (!saveError.isEmpty() && out.storeError.isEmpty())
            out.storeError = saveError;
        if (onFinished)
            onFinished(done);
    };
    callbacks.dropped = [&](std::size_t) {
        ++done;
        ++out.dropped;
    };
    scheduler.run(points, schedule.pending, storePath, cancel, std::move(callbacks));
    scheduler.waitForDone();
    return true;
}

void PointScheduler::setMaxThreadCount(int threads)
{
    m_pool.setMaxThreadCount(threads > 0 ? threads : QThread::idealThreadCount());
}

int PointScheduler::maxThreadCount() const
{
    return m_pool.maxThreadCount();
}

int PointScheduler::activeThreadCount() const
{
    return m_pool.activeThreadCount();
}

bool PointScheduler::waitForDone(int msecs)
{
    return m_pool.waitForDone(msecs);
}

}  // namespace sl::app
