// SPDX-License-Identifier: GPL-3.0-or-later
// The point scheduler (app/runner/point_scheduler.h), the sweep policy of the GUI and the CLI: stored points are
// served and not recomputed, the others run and are saved at once, cancelled points are neither saved nor
// reported, a cancelled token or a released hold drops queued points, and no store path means nothing is saved.
#include "app/runner/point_scheduler.h"
#include "app/store/result_store.h"

#include <QAtomicInt>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <map>
#include <mutex>

using namespace sl::app;

namespace {

// Four tiny diagonal problems: seeds 1..4.
std::vector<ExperimentConfig> tinyPoints()
{
    ExperimentConfig c;
    c.problem.model = sl::ModelKind::Diagonal;
    c.problem.dimension = 10;
    c.problem.samples = 30;
    c.problem.weightDecay = 0.5;
    c.tailFit = false;
    c.train.maxIterations = 3000;
    c.seedCount = 4;
    return c.points();
}

// Collects what the callbacks report (they run one at a time, on the workers).
struct Report {
    std::mutex mutex;
    std::map<std::size_t, RunResult> finished;
    std::vector<std::size_t> dropped;
    QStringList saveErrors;

    PointScheduler::Callbacks callbacks()
    {
        PointScheduler::Callbacks c;
        c.finished = [this](std::size_t i, const RunResult& r, const QString& saveError) {
            std::lock_guard<std::mutex> lock(mutex);
            finished[i] = r;
            if (!saveError.isEmpty())
                saveErrors << saveError;
        };
        c.dropped = [this](std::size_t i) {
            std::lock_guard<std::mutex> lock(mutex);
            dropped.push_back(i);
        };
        return c;
    }
};

}  // namespace

class TestPointScheduler : public QObject {
    Q_OBJECT

private slots:
    void storedPointsAreServedTheRestRunAndAreSaved()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.sqlite");
        const auto points = tinyPoints();
        QAtomicInt calls = 0;
        PointScheduler scheduler([&](const ExperimentConfig& c, const RunObserver& o, const sl::CancelToken& t) {
            calls.fetchAndAddRelaxed(1);
            return runExperiment(c, o, t);
        });
        scheduler.setMaxThreadCount(2);
        QCOMPARE(scheduler.maxThreadCount(), 2);

        PointScheduler::Plan plan;
        QString error;
        QVERIFY2(PointScheduler::plan(points, path, true, plan, &error), qPrintable(error));
        QCOMPARE(plan.served.size(), std::size_t(0));
        QCOMPARE(plan.pending, (std::vector<std::size_t>{0, 1, 2, 3}));
        Report report;
        scheduler.run(points, plan.pending, path, sl::CancelToken{}, report.callbacks());
        QVERIFY(scheduler.waitForDone(60000));
        QCOMPARE(calls.loadRelaxed(), 4);
        QCOMPARE(int(report.finished.size()), 4);
        QVERIFY(report.saveErrors.isEmpty());
        for (const auto& [i, r] : report.finished) {
            QCOMPARE(r.configHash, points[i].hash());  // each index carries its own point's result
            QCOMPARE(r.status, sl::Status::Converged);
        }
        {
            ResultStore store;
            QVERIFY(store.open(path));
            QCOMPARE(store.count(), qint64(4));
        }

        // Second time: every point is served from the store, bit for bit, and none is run.
        QVERIFY(PointScheduler::plan(points, path, true, plan, &error));
        QCOMPARE(plan.served.size(), std::size_t(4));
        QVERIFY(plan.pending.empty());
        for (const auto& [i, r] : plan.served) {
            QCOMPARE(r.configHash, points[i].hash());
            QCOMPARE(r.excessRisk, report.finished[i].excessRisk);
            QCOMPARE(r.eigenvalues, report.finished[i].eigenvalues);
        }
        // Asked to recompute: everything is pending again.
        QVERIFY(PointScheduler::plan(points, path, false, plan, &error));
        QVERIFY(plan.served.empty());
        QCOMPARE(plan.pending.size(), std::size_t(4));
    }

    void cancelledPointsAreNeitherSavedNorReported()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.sqlite");
        const auto points = tinyPoints();
        // Even seeds come back cancelled, as a run cut short by its token does.
        PointScheduler scheduler([](const ExperimentConfig& c, const RunObserver& o, const sl::CancelToken& t) {
            RunResult r = runExperiment(c, o, t);
            if (c.problem.seed % 2 == 0)
                r.status = sl::Status::Cancelled;
            return r;
        });
        PointScheduler::Plan plan;
        QVERIFY(PointScheduler::plan(points, path, true, plan, nullptr));
        Report report;
        scheduler.run(points, plan.pending, path, sl::CancelToken{}, report.callbacks());
        QVERIFY(scheduler.waitForDone(60000));
        QCOMPARE(int(report.finished.size()), 2);
        for (const auto& [i, r] : report.finished)
            QCOMPARE(r.config.problem.seed % 2, std::uint64_t(1));
        std::sort(report.dropped.begin(), report.dropped.end());
        QCOMPARE(report.dropped, (std::vector<std::size_t>{1, 3}));
        ResultStore store;
        QVERIFY(store.open(path));
        QCOMPARE(store.count(), qint64(2));
    }

    void aCancelledTokenOrAReleasedHoldDropsQueuedPoints()
    {
        const auto points = tinyPoints();
        QAtomicInt calls = 0;
        PointScheduler scheduler([&](const ExperimentConfig& c, const RunObserver& o, const sl::CancelToken& t) {
            calls.fetchAndAddRelaxed(1);
            return runExperiment(c, o, t);
        });
        const std::vector<std::size_t> all{0, 1, 2, 3};
        sl::CancelToken cancelled;
        cancelled.cancel();
        Report first;
        scheduler.run(points, all, QString(), cancelled, first.callbacks());
        QVERIFY(scheduler.waitForDone(60000));
        QCOMPARE(int(first.dropped.size()), 4);
        QVERIFY(first.finished.empty());

        Report second;
        PointScheduler::Callbacks callbacks = second.callbacks();
        callbacks.hold = [] { return false; };  // e.g. a sweep cancelled while paused
        scheduler.run(points, all, QString(), sl::CancelToken{}, callbacks);
        QVERIFY(scheduler.waitForDone(60000));
        QCOMPARE(int(second.dropped.size()), 4);
        QCOMPARE(calls.loadRelaxed(), 0);
    }

    void withoutAStoreNothingIsServedOrSaved()
    {
        const auto points = tinyPoints();
        PointScheduler::Plan plan;
        QVERIFY(PointScheduler::plan(points, QString(), true, plan, nullptr));
        QVERIFY(plan.served.empty());
        QCOMPARE(plan.pending.size(), std::size_t(4));
        PointScheduler scheduler;
        Report report;
        scheduler.run(points, plan.pending, QString(), sl::CancelToken{}, report.callbacks());
        QVERIFY(scheduler.waitForDone(60000));
        QCOMPARE(int(report.finished.size()), 4);
        QVERIFY(report.saveErrors.isEmpty());
    }

    void aStoreThatCannotBeOpenedIsRefusedBeforeAnythingRuns()
    {
        QTemporaryDir dir;
        PointScheduler::Plan plan;
        QString error;
        QVERIFY(!PointScheduler::plan(tinyPoints(), dir.path(), true, plan, &error));  // a folder, not a file
        QVERIFY2(error.contains("folder"), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestPointScheduler)
#include "test_point_scheduler.moc"
