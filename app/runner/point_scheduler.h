// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/experiment/experiment_config.h"
#include "app/experiment/run_result.h"
#include "app/runner/experiment_execution.h"
#include "app/runner/worker_pool.h"
#include "core/common/cancel_token.h"
#include "core/common/compute_threads.h"

#include <QString>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace sl::app {

// The sweep policy, written once for the GUI's sweeps (SweepRunner) and the CLI's curve and sweep (runPoints):
//   1. plan(): the points whose configuration hash is already in the store are served from it (unless the caller
//      asks to recompute); the others are pending;
//   2. run(): the pending points run in parallel on the scheduler's WorkerPool, one point per worker, each
//      single-threaded;
//   3. each finished point is saved at once, from its worker, on that worker's own store connection and in its
//      own transaction (a mutex serialises the saves, so none waits on SQLite's busy timeout);
//   4. a cancelled point is neither saved nor reported as a result.
// Without a store path nothing is served or saved. The callbacks run on the worker that finished the point, one at
// a time (a mutex serialises them too). The destructor drops the points not yet started and waits for the running
// ones (cancel their token first to end them).
class PointScheduler {
public:
    struct Plan {
        std::vector<std::pair<std::size_t, RunResult>> served;  // (index into points, stored result)
        std::vector<std::size_t> pending;  // indices still to compute, ascending
    };

    struct Callbacks {
        // A computed point after its save: saveError is empty when it was saved or there is no store.
        std::function<void(std::size_t index, const RunResult& result, const QString& saveError)> finished;
        // A point that was cancelled, before it started or while it ran.
        std::function<void(std::size_t index)> dropped;
        // Before a point starts and at each observer call of its run: blocks while the caller holds the sweep
        // (pause); false means drop the point. Empty: never holds, and the runs get no observer at all.
        std::function<bool()> hold;
    };

    explicit PointScheduler(ExperimentExecutor executor = &runExperiment);
    ~PointScheduler();
    PointScheduler(const PointScheduler&) = delete;
    PointScheduler& operator=(const PointScheduler&) = delete;

    // Step 1, on the calling thread (one connection, closed again before it returns). False with *error set when
    // the store cannot be opened; an empty storePath serves nothing.
    static bool plan(const std::vector<ExperimentConfig>& points, const QString& storePath, bool reuseStored, Plan& out,
        QString* error);

    // Steps 2–4 for `pending`: queues each point on the pool and returns at once. `cancel` ends the running points
    // and drops the queued ones.
    void run(const std::vector<ExperimentConfig>& points, const std::vector<std::size_t>& pending,
        const QString& storePath, const sl::CancelToken& cancel, Callbacks callbacks);

    // Steps 1–4 on the calling thread, to the end (the CLI's runPoints and the λ view's trained points): plans (the
    // stored points served when reuseStored), runs the pending ones on a scheduler of `threads` workers (<= 0: all
    // cores) and blocks until every point has finished or been dropped by `cancel`. onFinished(done) is called from
    // the workers, one at a time, after each computed point, with the points done so far (served ones included).
    // False with *openError set, before anything runs, when the store cannot be opened.
    struct Outcome {
        std::vector<std::optional<RunResult>> results;  // per point, in the points' order; empty where dropped
        int fromStore = 0;
        int dropped = 0;  // cancelled before or while running: no result
        QString storeError;  // the first save that failed (its point still counts)
    };
    static bool runToEnd(const std::vector<ExperimentConfig>& points, int threads, const QString& storePath,
        bool reuseStored, const sl::CancelToken& cancel, const std::function<void(int done)>& onFinished, Outcome& out,
        QString* openError);

    void setMaxThreadCount(int threads);  // <= 0: all cores
    int maxThreadCount() const;
    int activeThreadCount() const;
    // Blocks until every queued point has finished or been dropped.
    bool waitForDone(int msecs = -1);

private:
    struct Shared;
    // One batch's compute-thread scope (sl::ParallelWorkers), held until its last point has run or been dropped.
    struct ThreadBudget {
        std::mutex mutex;
        std::unique_ptr<sl::ParallelWorkers> scope;
        int remaining = 0;
        void release();
    };
    std::shared_ptr<Shared> m_shared;
    WorkerPool m_pool;  // last: destroyed (and joined) first
};

}  // namespace sl::app
