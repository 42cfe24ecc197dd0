// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/runner/live_runner.h"

#include <algorithm>
#include <cmath>

namespace sl::app {

// Queued signals copy their arguments through the metatype system.
void registerRunnerMetaTypes()
{
    qRegisterMetaType<sl::app::ExperimentConfig>("sl::app::ExperimentConfig");
    qRegisterMetaType<sl::app::RunResult>("sl::app::RunResult");
    qRegisterMetaType<sl::app::LiveSnapshot>("sl::app::LiveSnapshot");
}

SnapshotThrottle::SnapshotThrottle(double maxPerSecond)
    : m_maxPerSecond(maxPerSecond), m_intervalMs(maxPerSecond > 0 ? 1000.0 / maxPerSecond : 0.0)
{
}

bool SnapshotThrottle::admit(qint64 nowMs)
{
    if (m_maxPerSecond <= 0)
        return false;
    if (m_last >= 0 && double(nowMs - m_last) < std::max(m_intervalMs, kCostFactor * m_costMs))
        return false;
    m_last = nowMs;
    return true;
}

namespace {

// A solver's snapshot (sl::TrainSnapshot) and the final RunResult name the reported numbers alike.
template <class Source>
LiveSnapshot makeSnapshot(quint64 generation, const ExperimentConfig& config, int iteration, const Source& values,
    QVector<double> eigenvalues, bool final)
{
    LiveSnapshot out;
    out.generation = generation;
    out.config = config;
    out.iteration = iteration;
    out.objective = values.objective;
    out.trainLoss = values.trainLoss;
    out.excessRisk = values.excessRisk;
    out.gradientNorm = values.gradientNorm;
    out.eigenvalues = std::move(eigenvalues);
    out.final = final;
    return out;
}

}  // namespace

LiveRunner::LiveRunner(QObject* parent) : LiveRunner(&runExperiment, parent)
{
}

LiveRunner::LiveRunner(ExperimentExecutor executor, QObject* parent)
    : RestartableWorker(parent), m_executor(std::move(executor))
{
    registerRunnerMetaTypes();
}

LiveRunner::~LiveRunner()
{
    stopAndJoin();
}

bool LiveRunner::unpauseLocked()
{
    const bool was = m_paused;
    m_paused = false;
    return was;
}

quint64 LiveRunner::request(const ExperimentConfig& config)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    const bool unpaused = unpauseLocked();
    m_request = config;
    const quint64 generation = ++m_generation;
    // Busy from the request on, not from when the worker picks it up: otherwise isBusy() read right after
    // request() could still say idle (and a caller waiting for "idle and finished" saw the previous run's
    // result; found by the soak test, tests/soak).
    m_busy = true;
    startOrRestartLocked();
    lock.unlock();
    if (unpaused)
        emit pausedChanged(false);
    return generation;
}

void LiveRunner::cancel()
{
    bool unpaused;
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        unpaused = unpauseLocked();
        m_cancel.cancel();
        m_resumed.notify_all();
    }
    if (unpaused)
        emit pausedChanged(false);
}

void LiveRunner::pause()
{
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        if (m_paused)
            return;
        m_paused = true;
    }
    emit pausedChanged(true);
}

void LiveRunner::resume()
{
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        if (!m_paused)
            return;
        m_paused = false;
        m_resumed.notify_all();
    }
    emit pausedChanged(false);
}

bool LiveRunner::isPaused() const
{
    std::unique_lock<std::mutex> lock(m_mutex);
    return m_paused;
}

bool LiveRunner::isBusy() const
{
    std::unique_lock<std::mutex> lock(m_mutex);
    return m_busy;
}

void LiveRunner::setMaxSnapshotRate(double perSecond)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_maxRate = perSecond;
}

double LiveRunner::maxSnapshotRate() const
{
    std::unique_lock<std::mutex> lock(m_mutex);
    return m_maxRate;
}

// On the worker thread, from inside the solver.
void LiveRunner::observe(const sl::TrainSnapshot& s, quint64 generation, const ExperimentConfig& config,
    SnapshotThrottle& throttle, const QElapsedTimer& clock, const sl::CancelToken& token)
{
    {
        // Pause: hold the solver here until resumed, cancelled, superseded or aborted.
        std::unique_lock<std::mutex> lock(m_mutex);
        m_resumed.wait(lock, [&] { return !m_paused || m_abort || m_restart || token.isCancelled(); });
    }
    if (token.isCancelled() || !throttle.admit(clock.elapsed()))
        return;
    // Eigenvalues only for admitted snapshots: the decomposition is the costly part, and its cost stretches the
    // interval to the next one.
    const qint64 before = clock.nsecsElapsed();
    QVector<double> eigenvalues = weightSpectrum(config.problem.model, s.weights);
    throttle.setCost(double(clock.nsecsElapsed() - before) / 1e6);
    const LiveSnapshot out = makeSnapshot(generation, config, s.iteration, s, std::move(eigenvalues), false);
    postToOwnerThread([this, out] { emit snapshot(out); });
}

void LiveRunner::wakeLocked()
{
    m_resumed.notify_all();
}

void LiveRunner::takeRequestLocked()
{
    m_taken = m_request;
    m_takenGeneration = m_generation;
    m_takenRate = m_maxRate;
    m_busy = true;
}

void LiveRunner::work(const sl::CancelToken& token)
{
    const ExperimentConfig& config = m_taken;
    const quint64 generation = m_takenGeneration;
    postToOwnerThread([this, generation, config = m_taken] { emit runStarted(generation, config); });
    SnapshotThrottle throttle(m_takenRate);
    QElapsedTimer clock;
    clock.start();
    const RunResult result = m_executor(
        config, [&](const sl::TrainSnapshot& s) { observe(s, generation, config, throttle, clock, token); }, token);

    m_mutex.lock();
    const bool superseded = m_restart;
    const bool aborted = m_abort;
    m_mutex.unlock();
    if (aborted || superseded)
        return;
    const LiveSnapshot last = makeSnapshot(generation, config, result.iterations, result, result.eigenvalues, true);
    postToOwnerThread([this, last] { emit snapshot(last); });
    postToOwnerThread([this, result, generation] { emit finished(result, generation); });
}

void LiveRunner::finishRoundLocked()
{
    m_busy = m_restart && !m_abort;  // a request that came in meanwhile keeps the runner busy
}

}  // namespace sl::app
