// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/experiment/experiment_config.h"
#include "app/experiment/run_result.h"
#include "app/runner/experiment_execution.h"
#include "core/common/compute_threads.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <memory>

namespace sl::app {

// Runs every point of a sweep (n grid × λ list × seeds, ExperimentConfig::points()) in parallel on a pool of
// QThread::idealThreadCount() workers; while it runs, the BLAS and OpenMP pools are sized so that workers × threads
// per point ≤ cores (sl::ParallelWorkers, core/common/compute_threads.h: with as many workers as cores, each point
// is single-threaded). Every finished point is saved to the results
// store at once, from its worker, in its own transaction; cancelled points are not saved, so the store only ever
// holds complete runs. A point whose configuration hash is already in the store is served from it (signalled with
// fromStore = true) unless start() is asked to rerun.
//
// Signals are emitted on the thread that owns the SweepRunner (queued from the workers). Pause holds every worker
// at its solver's next observer call and keeps queued points from starting; cancel ends running points through
// their CancelToken and drops the queued ones. The destructor cancels and waits for the workers.
class SweepRunner : public QObject {
    Q_OBJECT

public:
    explicit SweepRunner(QObject* parent = nullptr);
    explicit SweepRunner(ExperimentExecutor executor, QObject* parent = nullptr);
    ~SweepRunner() override;

    // Default: ResultStore::defaultPath().
    void setStorePath(const QString& path);
    QString storePath() const;
    void setMaxThreadCount(int threads);
    int maxThreadCount() const;
    // Workers currently running a point (0 once finished or cancelled and drained).
    int activeThreadCount() const;

    // Starts the sweep; false (lastError() set, error() emitted) when one is already running, the experiment is
    // invalid, or the store cannot be opened.
    bool start(const ExperimentConfig& experiment, bool rerun = false);
    void pause();
    void resume();
    void cancel();
    bool isRunning() const { return m_running; }
    bool isPaused() const;
    // Blocks until every worker is idle (does not deliver the queued signals; the event loop does).
    bool waitForFinished(int msecs = -1);
    QString lastError() const { return m_error; }
    int total() const { return m_total; }
    int done() const { return m_done; }

signals:
    void started(int total, int fromStore);
    void pointFinished(const sl::app::RunResult& result, bool fromStore);
    // done/total points; etaMs estimates the time left from the computed points so far (−1 before the first).
    void progress(int done, int total, qint64 etaMs);
    void finished(int done, int total, bool cancelled);
    void error(const QString& message);

private:
    struct Shared;
    void schedule(const ExperimentConfig& point);
    void onPointDone(const RunResult& result, bool fromStore, bool saved);
    void onPointDropped();
    void checkFinished();
    bool fail(const QString& message);

    std::shared_ptr<Shared> m_shared;
    QString m_error;
    bool m_running = false;
    int m_total = 0;
    int m_done = 0;
    int m_dropped = 0;
    int m_computed = 0;
    QElapsedTimer m_clock;
    // Held from start() until finished: the compute-thread budget of this sweep's workers.
    std::unique_ptr<sl::ParallelWorkers> m_threadBudget;
    int m_threadsPerPoint = 1;
    QThreadPool m_pool;  // last: destroyed (and joined) first
};

}  // namespace sl::app
