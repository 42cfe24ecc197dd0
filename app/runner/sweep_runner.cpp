// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/runner/sweep_runner.h"

#include "app/runner/live_runner.h"
#include "app/store/result_store.h"
#include "core/common/validation.h"

#include <QSet>
#include <QThread>

#include <condition_variable>
#include <mutex>

namespace sl::app {

// State the workers share with the runner; held by shared_ptr so a worker never touches a destroyed runner.
struct SweepRunner::Shared {
    ExperimentExecutor executor;
    QString storePath;
    // std:: primitives, not QMutex/QWaitCondition: the system's libQt6Core is not built with ThreadSanitizer, and
    // QWaitCondition's unlock/relock inside it is invisible to TSan (false "double lock" reports, issue 11).
    std::mutex mutex;
    std::condition_variable resumed;
    bool paused = false;
    sl::CancelToken cancel;
    // Serialises the workers' saves, so none of them waits on SQLite's busy timeout.
    std::mutex saveMutex;

    // Blocks while paused; false when the sweep was cancelled.
    bool waitWhilePaused()
    {
        std::unique_lock<std::mutex> lock(mutex);
        resumed.wait(lock, [&] { return !paused || cancel.isCancelled(); });
        return !cancel.isCancelled();
    }
};

SweepRunner::SweepRunner(QObject* parent) : SweepRunner(&runExperiment, parent)
{
}

SweepRunner::SweepRunner(ExperimentExecutor executor, QObject* parent)
    : QObject(parent), m_shared(std::make_shared<Shared>())
{
    registerRunnerMetaTypes();
    m_shared->executor = std::move(executor);
    m_shared->storePath = ResultStore::defaultPath();
    m_pool.setMaxThreadCount(QThread::idealThreadCount());
}

SweepRunner::~SweepRunner()
{
    cancel();
    m_pool.waitForDone();
}

void SweepRunner::setStorePath(const QString& path)
{
    std::unique_lock<std::mutex> lock(m_shared->mutex);
    m_shared->storePath = path;
}

QString SweepRunner::storePath() const
{
    std::unique_lock<std::mutex> lock(m_shared->mutex);
    return m_shared->storePath;
}

void SweepRunner::setMaxThreadCount(int threads)
{
    m_pool.setMaxThreadCount(std::max(1, threads));
}

int SweepRunner::maxThreadCount() const
{
    return m_pool.maxThreadCount();
}

int SweepRunner::activeThreadCount() const
{
    return m_pool.activeThreadCount();
}

bool SweepRunner::fail(const QString& message)
{
    m_error = message;
    emit error(message);
    return false;
}

bool SweepRunner::start(const ExperimentConfig& experiment, bool rerun)
{
    if (m_running)
        return fail(QStringLiteral("A sweep is already running; cancel it first."));
    try {
        experiment.validate();
    } catch (const sl::ValidationError& e) {
        return fail(QString::fromUtf8(e.what()));
    }
    const std::vector<ExperimentConfig> points = experiment.points();
    const QString path = storePath();

    // Look the points up in the store on this thread (one connection, closed again before the workers start).
    QVector<RunResult> cached;
    std::vector<ExperimentConfig> pending;
    {
        ResultStore store;
        if (!store.open(path))
            return fail(store.lastError());
        const QVector<QString> hashes = store.hashes();
        const QSet<QString> known(hashes.begin(), hashes.end());
        for (const ExperimentConfig& point : points) {
            const QString hash = point.hash();
            std::optional<RunResult> result;
            if (!rerun && known.contains(hash)) {
                if (const auto stored = store.findByHash(hash))
                    result = RunResult::fromJson(stored->result);
            }
            if (result)
                cached.append(*result);
            else
                pending.push_back(point);
        }
    }

    {
        std::unique_lock<std::mutex> lock(m_shared->mutex);
        m_shared->cancel = sl::CancelToken{};
    }
    m_error.clear();
    m_running = true;
    m_total = int(points.size());
    m_done = 0;
    m_dropped = 0;
    m_computed = 0;
    m_clock.start();
    m_threadBudget.reset();
    if (!pending.empty()) {
        m_threadBudget = std::make_unique<sl::ParallelWorkers>(std::min(m_pool.maxThreadCount(), int(pending.size())));
        m_threadsPerPoint = m_threadBudget->threadsPerWorker();
    }
    emit started(m_total, int(cached.size()));
    // Served points are reported from the event loop, like the computed ones, after start() has returned.
    for (const RunResult& result : cached)
        QMetaObject::invokeMethod(
            this, [this, result] { onPointDone(result, true, false); }, Qt::QueuedConnection);
    for (const ExperimentConfig& point : pending)
        schedule(point);
    if (m_total == 0)
        QMetaObject::invokeMethod(
            this, [this] { checkFinished(); }, Qt::QueuedConnection);
    return true;
}

void SweepRunner::schedule(const ExperimentConfig& point)
{
    std::shared_ptr<Shared> shared = m_shared;
    const sl::CancelToken cancel = [&] {
        std::unique_lock<std::mutex> lock(shared->mutex);
        return shared->cancel;
    }();
    const int threadsPerPoint = m_threadsPerPoint;
    m_pool.start(QRunnable::create([this, shared, cancel, point, threadsPerPoint] {
        sl::limitOpenMpThreadsOfThisThread(threadsPerPoint);
        if (cancel.isCancelled() || !shared->waitWhilePaused()) {
            QMetaObject::invokeMethod(
                this, [this] { onPointDropped(); }, Qt::QueuedConnection);
            return;
        }
        const RunObserver holdWhilePaused = [shared](const sl::TrainSnapshot&) { shared->waitWhilePaused(); };
        const RunResult result = shared->executor(point, holdWhilePaused, cancel);
        if (result.status == sl::Status::Cancelled) {
            QMetaObject::invokeMethod(
                this, [this] { onPointDropped(); }, Qt::QueuedConnection);
            return;
        }
        QString saveError;
        {
            std::unique_lock<std::mutex> lock(shared->saveMutex);
            QString path;
            {
                std::unique_lock<std::mutex> stateLock(shared->mutex);
                path = shared->storePath;
            }
            ResultStore store;  // this thread's own connection
            if (!store.open(path) || store.save(result.toJson()) < 0)
                saveError = store.lastError();
        }
        const bool saved = saveError.isEmpty();
        QMetaObject::invokeMethod(
            this,
            [this, result, saved, saveError] {
                if (!saved)
                    fail(
                        QStringLiteral("The run %1 could not be saved: %2").arg(result.configHash.left(12), saveError));
                onPointDone(result, false, saved);
            },
            Qt::QueuedConnection);
    }));
}

void SweepRunner::onPointDone(const RunResult& result, bool fromStore, bool /*saved*/)
{
    ++m_done;
    if (!fromStore)
        ++m_computed;
    emit pointFinished(result, fromStore);
    const int remaining = m_total - m_done - m_dropped;
    const qint64 eta = m_computed > 0 ? qint64(double(m_clock.elapsed()) * remaining / m_computed) : -1;
    emit progress(m_done, m_total, remaining == 0 ? 0 : eta);
    checkFinished();
}

void SweepRunner::onPointDropped()
{
    ++m_dropped;
    checkFinished();
}

void SweepRunner::checkFinished()
{
    if (!m_running || m_done + m_dropped < m_total)
        return;
    m_running = false;
    m_threadBudget.reset();
    emit finished(m_done, m_total, m_dropped > 0);
}

void SweepRunner::pause()
{
    std::unique_lock<std::mutex> lock(m_shared->mutex);
    m_shared->paused = true;
}

void SweepRunner::resume()
{
    std::unique_lock<std::mutex> lock(m_shared->mutex);
    m_shared->paused = false;
    m_shared->resumed.notify_all();
}

bool SweepRunner::isPaused() const
{
    std::unique_lock<std::mutex> lock(m_shared->mutex);
    return m_shared->paused;
}

void SweepRunner::cancel()
{
    std::unique_lock<std::mutex> lock(m_shared->mutex);
    m_shared->cancel.cancel();
    m_shared->resumed.notify_all();
}

bool SweepRunner::waitForFinished(int msecs)
{
    return m_pool.waitForDone(msecs);
}

}  // namespace sl::app
