// SPDX-License-Identifier: GPL-3.0-or-later
// The sweep runner: every point saved at once, served from the store the second time, progress, pause, cancel and
// destruction mid-sweep leaving no thread behind and a consistent store, a SIGKILLed sweep (this executable
// re-launched as a child) leaving only complete, readable rows, and a full store (every point still reported).
#include "app/runner/sweep_runner.h"
#include "app/store/result_store.h"
#include "core/common/compute_threads.h"
#include "tests/app/store/full_store.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QIODevice>
#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSet>
#include <QSignalSpy>
#include <QString>
#include <QStringLiteral>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cmath>

using namespace sl::app;

namespace {

constexpr char kChildStoreVariable[] = "SCALINGLAB_TEST_SWEEP_CHILD_STORE";

// A sweep of tiny diagonal problems: 3 n × 2 λ × 2 seeds = 12 points.
ExperimentConfig tinySweep()
{
    ExperimentConfig c;
    c.problem.model = sl::ModelKind::Diagonal;
    c.problem.dimension = 10;
    c.problem.samples = 30;
    c.problem.seed = 21;
    c.tailFit = false;
    c.train.maxIterations = 3000;
    c.seedCount = 2;
    c.sweep.axis = SweepSpec::Axis::Samples;
    c.sweep.grid = {10, 40, 3, true};
    c.sweep.weightDecays = {0.1, 1.0};
    return c;
}

// Counts executions and the most that ran at once; optionally slows each point down by `delayMs` (after the real
// run, so the result is the real one) so that cancellation and the kill land mid-sweep.
struct Probe {
    QAtomicInt calls = 0;
    QAtomicInt active = 0;
    QAtomicInt maxActive = 0;
    int delayMs = 0;

    ExperimentExecutor executor()
    {
        return [this](const ExperimentConfig& c, const RunObserver& observer, const sl::CancelToken& cancel) {
            calls.fetchAndAddRelaxed(1);
            const int now = active.fetchAndAddOrdered(1) + 1;
            for (int seen = maxActive.loadRelaxed(); now > seen && !maxActive.testAndSetOrdered(seen, now);)
                seen = maxActive.loadRelaxed();
            RunResult r = runExperiment(c, observer, cancel);
            for (int t = 0; t < delayMs && !cancel.isCancelled(); ++t)
                QThread::msleep(1);
            active.fetchAndAddOrdered(-1);
            return r;
        };
    }
};

int threadCount()
{
    return QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size();
}

// Every row is a complete run that parses, hashes to its own config and was computed by the real solver.
void verifyStore(const QString& path, int expectedRows)
{
    ResultStore store;
    QVERIFY2(store.open(path), qPrintable(store.lastError()));
    QString message;
    QVERIFY2(store.integrityCheck(&message), qPrintable(message));
    const auto runs = store.runs();
    if (expectedRows >= 0)
        QCOMPARE(runs.size(), expectedRows);
    for (const StoredRun& row : runs) {
        QString error;
        const auto result = RunResult::fromJson(row.result, &error);
        QVERIFY2(result.has_value(), qPrintable(error));
        QCOMPARE(result->configHash, row.configHash);
        QCOMPARE(result->config.hash(), row.configHash);
        QVERIFY(result->status != sl::Status::Cancelled);
        QCOMPARE(result->eigenvalues.size(), result->config.problem.dimension);
        QVERIFY(std::isfinite(result->excessRisk));
        QCOMPARE(row.excessRisk, result->excessRisk);
    }
}

// The child: runs a long sweep into the store named by the environment, then exits (the parent kills it first).
int runChild(const QString& path)
{
    Probe probe;
    probe.delayMs = 40;
    SweepRunner runner(probe.executor());
    runner.setStorePath(path);
    runner.setMaxThreadCount(2);
    ExperimentConfig c = tinySweep();
    c.seedCount = 20;  // 120 points, ~2.5 s at 2 threads
    QObject::connect(&runner, &SweepRunner::finished, qApp, &QCoreApplication::quit);
    if (!runner.start(c))
        return 3;
    return QCoreApplication::exec();
}

}  // namespace

class TestSweepRunner : public QObject {
    Q_OBJECT

private slots:
    void savesEveryPointAndServesFromStore()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("sweep.sqlite");
        Probe probe;
        SweepRunner runner(probe.executor());
        runner.setStorePath(path);
        QCOMPARE(runner.maxThreadCount(), QThread::idealThreadCount());
        QSignalSpy points(&runner, &SweepRunner::pointFinished);
        QSignalSpy progress(&runner, &SweepRunner::progress);
        QSignalSpy finished(&runner, &SweepRunner::finished);
        QVERIFY(runner.start(tinySweep()));
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().at(0).toInt(), 12);
        QCOMPARE(finished.first().at(2).toBool(), false);
        QCOMPARE(points.size(), 12);
        QCOMPARE(probe.calls.loadRelaxed(), 12);
        QVERIFY(probe.maxActive.loadRelaxed() <= runner.maxThreadCount());
        QCOMPARE(progress.last().at(0).toInt(), 12);
        QCOMPARE(progress.last().at(1).toInt(), 12);
        QCOMPARE(progress.last().at(2).toLongLong(), 0);
        for (int i = 1; i < progress.size(); ++i)
            QCOMPARE(progress[i].at(0).toInt(), progress[i - 1].at(0).toInt() + 1);
        QSet<QString> hashes;
        for (const auto& p : points) {
            QCOMPARE(p.at(1).toBool(), false);
            hashes.insert(p.at(0).value<RunResult>().configHash);
        }
        QCOMPARE(hashes.size(), 12);
        verifyStore(path, 12);
        QVERIFY(runner.waitForFinished(10000));  // a worker may still be returning from its last point
        QCOMPARE(runner.activeThreadCount(), 0);

        // Again: every point is served from the store, nothing is computed or saved.
        points.clear();
        finished.clear();
        QVERIFY(runner.start(tinySweep()));
        QVERIFY(finished.wait(30000));
        QCOMPARE(probe.calls.loadRelaxed(), 12);
        QCOMPARE(points.size(), 12);
        for (const auto& p : points) {
            QCOMPARE(p.at(1).toBool(), true);
            QVERIFY(hashes.contains(p.at(0).value<RunResult>().configHash));
        }
        verifyStore(path, 12);

        // Rerun on request: computed and saved again.
        finished.clear();
        QVERIFY(runner.start(tinySweep(), true));
        QVERIFY(finished.wait(30000));
        QCOMPARE(probe.calls.loadRelaxed(), 24);
        verifyStore(path, 24);
    }

    // Issue 11: the store fills up mid-session (the GUI's sweeps save from the workers). Every point is still
    // reported (the window keeps them in memory), the failure is signalled with SQLite's reason, the sweep ends
    // normally, and the store holds exactly what it held, undamaged.
    void sizesTheBlasPoolForItsWorkers()
    {
        // Inside every point the BLAS pool is cores / workers (at least 1), and it is back to its ceiling once the
        // sweep has finished (core/common/compute_threads.h).
        if (!sl::blasIsOpenBlas())
            QSKIP("the system BLAS is not OpenBLAS (no thread pool to size)");
        const int cores = sl::hardwareThreads(), ceiling = sl::blasThreads();
        for (int workers : {1, cores}) {
            QTemporaryDir dir;
            QAtomicInt largest = 0, smallest = 1 << 20;
            SweepRunner runner(
                [&](const ExperimentConfig& c, const RunObserver& observer, const sl::CancelToken& cancel) {
                    const int now = sl::blasThreads();
                    for (int seen = largest.loadRelaxed(); now > seen && !largest.testAndSetOrdered(seen, now);)
                        seen = largest.loadRelaxed();
                    for (int seen = smallest.loadRelaxed(); now < seen && !smallest.testAndSetOrdered(seen, now);)
                        seen = smallest.loadRelaxed();
                    return runExperiment(c, observer, cancel);
                });
            runner.setStorePath(dir.filePath("sweep.sqlite"));
            runner.setMaxThreadCount(workers);
            QSignalSpy finished(&runner, &SweepRunner::finished);
            QVERIFY(runner.start(tinySweep()));
            QVERIFY(finished.wait(30000));
            const int expected = std::min(ceiling, sl::threadsPerWorker(workers));
            QCOMPARE(largest.loadRelaxed(), expected);
            QCOMPARE(smallest.loadRelaxed(), expected);
            QVERIFY(workers * largest.loadRelaxed() <= std::max(cores, ceiling));
            QCOMPARE(sl::blasThreads(), ceiling);
        }
    }

    void fullStoreStillReportsEveryPoint()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("full.sqlite");
        const sl::test::PageLimit limit(1);
        const int filled = sl::test::fillToCapacity(path);
        QVERIFY(filled > 0);
        SweepRunner runner;
        runner.setStorePath(path);
        QSignalSpy points(&runner, &SweepRunner::pointFinished);
        QSignalSpy errors(&runner, &SweepRunner::error);
        QSignalSpy finished(&runner, &SweepRunner::finished);
        QVERIFY2(runner.start(tinySweep()), qPrintable(runner.lastError()));
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().at(0).toInt(), 12);
        QCOMPARE(finished.first().at(2).toBool(), false);
        QCOMPARE(points.size(), 12);
        for (const auto& p : points) {
            QCOMPARE(p.at(1).toBool(), false);
            QVERIFY(std::isfinite(p.at(0).value<RunResult>().excessRisk));
        }
        QCOMPARE(errors.size(), 12);
        const QString error = errors.first().at(0).toString();
        QVERIFY2(error.contains("could not be saved") && error.contains("database or disk is full"), qPrintable(error));
        QVERIFY(runner.waitForFinished(10000));
        sl::app::ResultStore::setMaxPageCountForTesting(0);
        ResultStore store;
        QVERIFY2(store.open(path), qPrintable(store.lastError()));
        QCOMPARE(store.count(), qint64(filled));
        QVERIFY(store.integrityCheck());
    }

    void servedResultEqualsComputed()
    {
        QTemporaryDir dir;
        SweepRunner runner;
        runner.setStorePath(dir.filePath("s.sqlite"));
        ExperimentConfig c = tinySweep();
        c.seedCount = 1;
        c.sweep.weightDecays = {0.5};
        QSignalSpy points(&runner, &SweepRunner::pointFinished);
        QSignalSpy finished(&runner, &SweepRunner::finished);
        QVERIFY(runner.start(c));
        QVERIFY(finished.wait(30000));
        QVERIFY(runner.start(c));
        QVERIFY(finished.wait(30000));
        QCOMPARE(points.size(), 6);
        for (int i = 0; i < 3; ++i) {
            const RunResult computed = points[i].at(0).value<RunResult>();
            bool found = false;
            for (int j = 3; j < 6; ++j) {
                const RunResult served = points[j].at(0).value<RunResult>();
                if (served.configHash == computed.configHash) {
                    QCOMPARE(served.toJson(), computed.toJson());
                    found = true;
                }
            }
            QVERIFY(found);
        }
    }

    void refusesInvalidAndBusy()
    {
        QTemporaryDir dir;
        Probe probe;
        probe.delayMs = 50;
        SweepRunner runner(probe.executor());
        runner.setStorePath(dir.filePath("s.sqlite"));
        ExperimentConfig bad = tinySweep();
        bad.problem.gamma = 0.1;
        QVERIFY(!runner.start(bad));
        QVERIFY(runner.lastError().contains("problem.gamma"));
        QVERIFY(runner.start(tinySweep()));
        QVERIFY(!runner.start(tinySweep()));
        QVERIFY(runner.lastError().contains("already running"));
        runner.cancel();
        QVERIFY(runner.waitForFinished(30000));
        // A foreign store is refused before any work.
        SweepRunner other(probe.executor());
        const QString foreign = dir.filePath("foreign.txt");
        QFile f(foreign);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("hello, not a database");
        f.close();
        other.setStorePath(foreign);
        const int before = probe.calls.loadRelaxed();
        QVERIFY(!other.start(tinySweep()));
        QVERIFY(other.lastError().contains("not a Scaling Lab results store"));
        QCOMPARE(probe.calls.loadRelaxed(), before);
    }

    void pauseHoldsAndResumeFinishes()
    {
        QTemporaryDir dir;
        Probe probe;
        probe.delayMs = 5;
        SweepRunner runner(probe.executor());
        runner.setStorePath(dir.filePath("s.sqlite"));
        QSignalSpy finished(&runner, &SweepRunner::finished);
        QSignalSpy points(&runner, &SweepRunner::pointFinished);
        runner.pause();
        QVERIFY(runner.start(tinySweep()));
        QTest::qWait(300);
        QCOMPARE(probe.calls.loadRelaxed(), 0);  // paused before any point started
        QCOMPARE(points.size(), 0);
        runner.resume();
        QVERIFY(finished.wait(30000));
        QCOMPARE(points.size(), 12);
    }

    void cancelLeavesConsistentStoreAndNoThread()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.sqlite");
        Probe probe;
        probe.delayMs = 30;
        SweepRunner runner(probe.executor());
        runner.setStorePath(path);
        QSignalSpy points(&runner, &SweepRunner::pointFinished);
        QSignalSpy finished(&runner, &SweepRunner::finished);
        ExperimentConfig c = tinySweep();
        c.seedCount = 10;  // 60 points
        QVERIFY(runner.start(c));
        QTRY_VERIFY_WITH_TIMEOUT(points.size() >= 2, 30000);
        runner.cancel();
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().at(2).toBool(), true);
        QVERIFY(finished.first().at(0).toInt() < 60);
        QVERIFY(runner.waitForFinished(30000));
        QCOMPARE(runner.activeThreadCount(), 0);
        QCOMPARE(probe.active.loadAcquire(), 0);
        // The store holds exactly the points reported as finished, each complete.
        verifyStore(path, int(points.size()));
        QVERIFY(!runner.isRunning());
    }

    void destructionMidSweepJoinsEverything()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.sqlite");
        const int threadsBefore = threadCount();
        Probe probe;
        probe.delayMs = 30;
        {
            SweepRunner runner(probe.executor());
            runner.setStorePath(path);
            QSignalSpy points(&runner, &SweepRunner::pointFinished);
            ExperimentConfig c = tinySweep();
            c.seedCount = 10;
            QVERIFY(runner.start(c));
            QTRY_VERIFY_WITH_TIMEOUT(points.size() >= 1, 30000);
        }  // destroyed mid-sweep
        QCOMPARE(probe.active.loadAcquire(), 0);
        // The pool's threads were joined; the kernel may take a moment to reap the last one's task entry.
        QTRY_COMPARE_WITH_TIMEOUT(threadCount(), threadsBefore, 5000);
        verifyStore(path, -1);
        ResultStore store;
        QVERIFY(store.open(path));
        QVERIFY(store.count() >= 1 && store.count() < 60);
    }

    void killedSweepLeavesCompleteRows()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("killed.sqlite");
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(kChildStoreVariable, path);
        child.setProcessEnvironment(env);
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(), {});
        QVERIFY(child.waitForStarted(10000));
        qint64 saved = 0;
        QElapsedTimer waited;
        waited.start();
        while (saved < 4 && waited.elapsed() < 60000 && child.state() == QProcess::Running) {
            QThread::msleep(20);
            if (!QFileInfo(path).exists() || QFileInfo(path).size() == 0)
                continue;
            ResultStore store;
            if (store.open(path))
                saved = store.count();
        }
        QCOMPARE(child.state(), QProcess::Running);  // still mid-sweep
        child.kill();  // SIGKILL
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        ResultStore store;
        QVERIFY2(store.open(path), qPrintable(store.lastError()));
        const qint64 rows = store.count();
        QVERIFY2(rows >= 4 && rows < 120, qPrintable(QString::number(rows)));
        store.close();
        verifyStore(path, int(rows));
        qInfo("killed after %lld of 120 points were saved", rows);
    }
};

int main(int argc, char** argv)
{
    const QString childStore = qEnvironmentVariable(kChildStoreVariable);
    if (!childStore.isEmpty()) {
        QCoreApplication app(argc, argv);
        return runChild(childStore);
    }
    QCoreApplication app(argc, argv);
    TestSweepRunner test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "test_sweep_runner.moc"
