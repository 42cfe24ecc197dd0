// SPDX-License-Identifier: GPL-3.0-or-later
// The trained points of the λ curve (app/runner/lambda_training.h), the one function behind the CLI's lambda-curve
// and the window's λ view: the grid, the experiment it expands to, the aggregation per λ (counted and failed runs,
// mean and standard error over seeds), the training against each run done by hand, cancel and the store.
#include "app/runner/experiment_execution.h"
#include "app/runner/lambda_training.h"
#include "app/store/result_store.h"
#include "core/common/validation.h"

#include <QFile>
#include <QIODevice>
#include <QObject>
#include <QString>
#include <QTemporaryDir>
#include <QTest>
#include <QVector>

#include <cmath>
#include <mutex>

using namespace sl::app;

namespace {

ExperimentConfig smallDiagonal()
{
    ExperimentConfig c;
    c.problem.model = sl::ModelKind::Diagonal;
    c.problem.dimension = 30;
    c.problem.samples = 60;
    c.problem.noise = 0.5;
    c.problem.amplitudes = sl::TeacherAmplitudes::Deterministic;
    c.problem.seed = 11;
    c.solver = Solver::Convex;
    c.train = sl::TrainConfig::defaults(solverInfo(Solver::Convex).trainDefaults);
    c.tailFit = false;
    return c;
}

RunResult run(double lambda, sl::Status status, double risk)
{
    RunResult r;
    r.config = smallDiagonal();
    r.config.problem.weightDecay = lambda;
    r.status = status;
    r.excessRisk = risk;
    return r;
}

bool close(double a, double b, double relative)
{
    return std::abs(a - b) <= relative * std::max(std::abs(a), std::abs(b));
}

}  // namespace

class TestLambdaTraining : public QObject {
    Q_OBJECT

private slots:
    void logGridIsGeometric()
    {
        const std::vector<double> grid = logLambdaGrid(0.01, 100, 5);
        QCOMPARE(grid.size(), std::size_t(5));
        QCOMPARE(grid.front(), 0.01);
        QVERIFY(close(grid.back(), 100, 1e-14));
        for (std::size_t i = 1; i < grid.size(); ++i)
            QVERIFY(close(grid[i] / grid[i - 1], 10.0, 1e-13));
        QCOMPARE(logLambdaGrid(3, 7, 1).size(), std::size_t(1));
        QVERIFY(close(logLambdaGrid(3, 7, 1).front(), 3, 1e-15));
    }

    // The experiment: the base's problem and solver at each λ with `seeds` seeds; the base's sweep and seed list are
    // replaced; one data set per seed shared by all λ (the same seeds at every λ).
    void experimentReplacesSweepAndSeeds()
    {
        ExperimentConfig base = smallDiagonal();
        base.seedList = {5, 9};
        base.sweep.axis = SweepSpec::Axis::Samples;
        base.sweep.grid = GridSpec{10, 100, 3, true};
        const ExperimentConfig e = lambdaTrainingExperiment(base, {0.1, 1, 10}, 4);
        QCOMPARE(e.weightDecays(), (std::vector<double>{0.1, 1, 10}));
        QCOMPARE(e.sampleGrid(), std::vector<long long>{60});
        QCOMPARE(e.seeds(), (std::vector<std::uint64_t>{11, 12, 13, 14}));
        QCOMPARE(e.solver, Solver::Convex);
        const std::vector<ExperimentConfig> points = e.points();
        QCOMPARE(points.size(), std::size_t(12));
        QCOMPARE(points[0].problem.seed, points[4].problem.seed);  // λ 0.1 and 1, first seed
        QVERIFY(points[0].hash() != points[4].hash());
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, lambdaTrainingExperiment(base, {0.1, -1}, 2));
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, lambdaTrainingExperiment(base, {0.1}, 0));
    }

    // Per λ: converged runs with a finite risk are averaged (sample standard deviation / √k), the risk curve's rule
    // (aggregateBySamples); runs stopped at the iteration cap, diverged, not-converged and non-finite ones are counted
    // as failed, runs at other λ are ignored.
    void aggregatesPerLambda()
    {
        const QVector<RunResult> runs{run(0.5, sl::Status::Converged, 1.0), run(0.5, sl::Status::MaxIterations, 2.0),
            run(0.5, sl::Status::Converged, 4.0), run(0.5, sl::Status::Diverged, 0.1),
            run(2.0, sl::Status::Converged, 3.0), run(2.0, sl::Status::NotConverged, 0.2),
            run(2.0, sl::Status::Converged, std::nan("")), run(8.0, sl::Status::Diverged, 1.0),
            run(99.0, sl::Status::Converged, 5.0)};
        const std::vector<LambdaTrainedPoint> points = aggregateLambdaRuns(runs, {0.5, 2.0, 8.0});
        QCOMPARE(points.size(), std::size_t(3));
        QCOMPARE(points[0].lambda, 0.5);
        QCOMPARE(points[0].runs, 2);
        QCOMPARE(points[0].failed, 2);
        // The max-iterations run's 2.0 is not averaged in (with it the mean would be 7/3).
        QCOMPARE(points[0].mean, 2.5);
        // deviations ∓3/2: sd 3/√2, s.e. 3/2
        QVERIFY(close(points[0].standardError, 1.5, 1e-14));
        QCOMPARE(points[1].runs, 1);
        QCOMPARE(points[1].failed, 2);
        QCOMPARE(points[1].mean, 3.0);
        QVERIFY(std::isnan(points[1].standardError));
        QCOMPARE(points[2].runs, 0);
        QCOMPARE(points[2].failed, 1);
        QVERIFY(std::isnan(points[2].mean));
    }

    // The training equals each run done by hand (runExperiment at every λ and seed) averaged by hand, to 1e-12;
    // progress counts every run.
    void trainingMatchesRunsByHand()
    {
        const ExperimentConfig e = lambdaTrainingExperiment(smallDiagonal(), logLambdaGrid(0.1, 10, 3), 3);
        std::mutex mutex;
        int calls = 0, lastDone = 0, lastTotal = 0;
        const LambdaTraining t = trainLambdaPoints(e, 2, QString(), false, sl::CancelToken{}, [&](int done, int total) {
            std::lock_guard<std::mutex> lock(mutex);
            ++calls;
            lastDone = std::max(lastDone, done);
            lastTotal = total;
        });
        QVERIFY(t.complete());
        QCOMPARE(t.emptyPoints(), 0);
        QCOMPARE(calls, 9);
        QCOMPARE(lastDone, 9);
        QCOMPARE(lastTotal, 9);
        QCOMPARE(t.points.size(), std::size_t(3));
        for (std::size_t i = 0; i < 3; ++i) {
            std::vector<double> risks;
            for (const ExperimentConfig& point : e.points())
                if (point.problem.weightDecay == e.weightDecays()[i]) {
                    const RunResult r = runExperiment(point);
                    QCOMPARE(r.status, sl::Status::Converged);
                    risks.push_back(r.excessRisk);
                }
            QCOMPARE(risks.size(), std::size_t(3));
            const double mean = (risks[0] + risks[1] + risks[2]) / 3;
            double ss = 0;
            for (const double r : risks)
                ss += (r - mean) * (r - mean);
            QCOMPARE(t.points[i].runs, 3);
            QVERIFY(close(t.points[i].mean, mean, 1e-12));
            QVERIFY(close(t.points[i].standardError, std::sqrt(ss / 2) / std::sqrt(3.0), 1e-9));
        }
    }

    // A cancelled training is not complete and averages nothing it did not finish.
    void cancelledTrainingIsNotComplete()
    {
        const ExperimentConfig e = lambdaTrainingExperiment(smallDiagonal(), {0.5, 5}, 2);
        sl::CancelToken cancel;
        cancel.cancel();
        const LambdaTraining t = trainLambdaPoints(e, 2, QString(), false, cancel);
        QVERIFY(t.cancelled);
        QVERIFY(!t.complete());
        QCOMPARE(t.emptyPoints(), 2);
    }

    // With a store: every run is saved; a second training serves all of them back with the same means.
    void storeSavesAndServes()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("runs.sqlite");
        const ExperimentConfig e = lambdaTrainingExperiment(smallDiagonal(), {0.3, 3}, 2);
        const LambdaTraining first = trainLambdaPoints(e, 2, path, true, sl::CancelToken{});
        QVERIFY(first.complete());
        QCOMPARE(first.fromStore, 0);
        {
            ResultStore store;
            QVERIFY(store.open(path));
            QCOMPARE(store.count(), qint64(4));
        }
        const LambdaTraining second = trainLambdaPoints(e, 2, path, true, sl::CancelToken{});
        QCOMPARE(second.fromStore, 4);
        for (std::size_t i = 0; i < 2; ++i) {
            QCOMPARE(second.points[i].runs, 2);
            QCOMPARE(second.points[i].mean, first.points[i].mean);
        }
        QFile blocker(dir.filePath("blocker"));  // a file where the store's folder would be
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const LambdaTraining bad = trainLambdaPoints(e, 2, dir.filePath("blocker/x.sqlite"), true, {});
        QVERIFY(!bad.error.isEmpty());
        QVERIFY(!bad.complete());
    }
};

QTEST_GUILESS_MAIN(TestLambdaTraining)
#include "test_lambda_training.moc"
