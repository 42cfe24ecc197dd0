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
    QString storePath;
    // std:: primitives, not QMutex/QWaitCondition: the system's libQt6Core is not built with ThreadSanitizer, and
    // QWaitCondition's unlock/relock inside it is invisible to TSan (false "double lock" reports, issue 11).
    std::mutex mutex;
    std::condition_variable resumed;
    bool paused = false;
    sl::CancelToken cancel;

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
    : QObject(parent), m_shared(std::make_shared<Shared>()), m_scheduler(std::move(executor))
{
    registerRunnerMetaTypes();
    m_shared->storePath = ResultStore::defaultPath();
}

SweepRunner::~SweepRunner()
{
    cancel();
    m_scheduler.waitForDone();
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
    m_scheduler.setMaxThreadCount(std::max(1, threads));
}

int SweepRunner::maxThreadCount() const
{
    return m_scheduler.maxThreadCount();
}

int SweepRunner::activeThreadCount() const
{
    return m_scheduler.activeThreadCount();
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
    if (path.isEmpty())
        return fail(QStringLiteral("No results store path given."));
    PointScheduler::Plan plan;
    QString storeError;
    if (!PointScheduler::plan(points, path, !rerun, plan, &storeError))
        return fail(storeError);

    sl::CancelToken cancel;
    {
        std::unique_lock<std::mutex> lock(m_shared->mutex);
        m_shared->cancel = sl::CancelToken{};
        cancel = m_shared->cancel;
    }
    m_error.clear();
    m_running = true;
    m_total = int(points.size());
    m_done = 0;
    m_dropped = 0;
    m_computed = 0;
    m_clock.start();
    emit started(m_total, int(plan.served.size()));
    // Served points are reported from the event loop, like the computed ones, after start() has returned.
    for (const auto& served : plan.served) {
        const RunResult result = served.second;
        QMetaObject::invokeMethod(
            this, [this, result] { onPointDone(result, true, false); }, Qt::QueuedConnection);
    }
    std::shared_ptr<Shared> shared = m_shared;
    PointScheduler::Callbacks callbacks;
    // Pause holds every worker at its solver's next observer call and keeps queued points from starting.
    callbacks.hold = [shared] { return shared->waitWhilePaused(); };
    callbacks.dropped = [this](std::size_t) {
        QMetaObject::invokeMethod(
            this, [this] { onPointDropped(); }, Qt::QueuedConnection);
    };
    callbacks.finished = [this](std::size_t, const RunResult& result, const QString& saveError) {
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
    };
    m_scheduler.run(points, plan.pending, path, cancel, std::move(callbacks));
    if (m_total == 0)
        QMetaObject::invokeMethod(
            this, [this] { checkFinished(); }, Qt::QueuedConnection);
    return true;
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
    return m_scheduler.waitForDone(msecs);
}

}  // namespace sl::app
