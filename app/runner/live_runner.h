// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/experiment/experiment_config.h"
#include "app/experiment/run_result.h"
#include "app/runner/experiment_execution.h"
#include "app/runner/restartable_worker.h"
#include "core/common/cancel_token.h"

#include <QElapsedTimer>
#include <QMetaType>
#include <QVector>

#include <condition_variable>

namespace sl::app {

// What the GUI sees of a running experiment: a value (the eigenvalues are a copy), safe to queue across threads.
struct LiveSnapshot {
    quint64 generation = 0;  // which request it belongs to (LiveRunner::request's return value)
    ExperimentConfig config;  // the configuration that run trains: a snapshot is interpreted by it alone
    int iteration = 0;
    double objective = kNaN;
    double trainLoss = kNaN;
    double excessRisk = kNaN;
    double gradientNorm = kNaN;
    QVector<double> eigenvalues;  // of the current weights, descending (weightSpectrum); empty when not reported
    bool final = false;  // the last snapshot of a run, taken from its RunResult
};

// Registers ExperimentConfig, RunResult and LiveSnapshot with Qt's metatype system, for queued connections.
// The runners call it themselves; a receiver that connects before constructing one may call it too.
void registerRunnerMetaTypes();

// Admits at most one event per 1/maxPerSecond seconds. Time is passed in, so the bound is testable exactly.
class SnapshotThrottle {
public:
    explicit SnapshotThrottle(double maxPerSecond = 20.0);
    // True when an event at time nowMs (monotonic, milliseconds) may pass; records it when it does.
    bool admit(qint64 nowMs);
    void reset() { m_last = -1; }
    double maxPerSecond() const { return m_maxPerSecond; }
    // Reports what the last admitted event cost (ms of the solver's thread, e.g. an eigendecomposition at large
    // d): the interval grows to kCostFactor times that, so snapshots never take more than ~1/kCostFactor of the run.
    void setCost(double costMs) { m_costMs = costMs; }
    static constexpr double kCostFactor = 10.0;

private:
    double m_maxPerSecond;
    double m_intervalMs;
    double m_costMs = 0.0;
    qint64 m_last = -1;
};

// The live runner (docs/architecture.md, data flow; after Qt's Mandelbrot example; the loop is RestartableWorker's):
// one worker thread that runs one experiment at a time. request() copies the configuration under a mutex and starts it,
// or, while a run is going, cancels that run (its CancelToken) and starts the new one as soon as the solver returns;
// the superseded run emits nothing more. The destructor aborts the run and joins the thread.
//
// runStarted, snapshot and finished are emitted in the thread the runner lives in (the one that made it), from its
// event loop, in order (RestartableWorker::postToOwnerThread): the worker hands the values over, never emits.
// Snapshots are throttled to at most maxSnapshotRate() per second whatever the iteration rate, and the final
// snapshot (from the result) is always emitted, before finished().
// Pause takes effect at the solver's next observer call (every train.snapshot_interval iterations).
class LiveRunner : public RestartableWorker {
    Q_OBJECT

public:
    explicit LiveRunner(QObject* parent = nullptr);
    explicit LiveRunner(ExperimentExecutor executor, QObject* parent = nullptr);
    ~LiveRunner() override;

    // Starts config, ending the running experiment if there is one. Returns the run's generation number. A new
    // request is never paused: a paused run it supersedes is dropped, not kept waiting (pausedChanged(false)).
    quint64 request(const ExperimentConfig& config);
    // Ends the running experiment; it finishes with status "cancelled" (a paused one too: cancel also unpauses).
    void cancel();
    void pause();
    void resume();
    bool isPaused() const;
    // True while an experiment is being run (false when idle).
    bool isBusy() const;
    void setMaxSnapshotRate(double perSecond);
    double maxSnapshotRate() const;

signals:
    void runStarted(quint64 generation, const sl::app::ExperimentConfig& config);
    void snapshot(const sl::app::LiveSnapshot& snapshot);
    // `generation` is the request's (the same as its snapshots'), so a receiver can drop a superseded run's result.
    void finished(const sl::app::RunResult& result, quint64 generation);
    void pausedChanged(bool paused);

protected:
    void takeRequestLocked() override;
    void work(const sl::CancelToken& token) override;
    void finishRoundLocked() override;
    void wakeLocked() override;

private:
    void observe(const sl::TrainSnapshot& s, quint64 generation, const ExperimentConfig& config,
        SnapshotThrottle& throttle, const QElapsedTimer& clock, const sl::CancelToken& token);
    // Clears the pause flag; true when it was set (the caller emits pausedChanged(false) outside the lock).
    bool unpauseLocked();

    const ExperimentExecutor m_executor;
    std::condition_variable m_resumed;  // wakes a paused run
    ExperimentConfig m_request;
    quint64 m_generation = 0;
    double m_maxRate = 20.0;
    bool m_paused = false;
    bool m_busy = false;
    // The round in progress, as takeRequestLocked() copied it (worker thread only).
    ExperimentConfig m_taken;
    quint64 m_takenGeneration = 0;
    double m_takenRate = 20.0;
};

}  // namespace sl::app

Q_DECLARE_METATYPE(sl::app::LiveSnapshot)
