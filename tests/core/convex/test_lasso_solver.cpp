// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/convex/lasso_solver.h"

#include "core/common/rng.h"
#include "core/common/validation.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTest>
#include <cmath>
#include <limits>
#include <type_traits>

namespace {

struct Data {
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
};

// Gaussian design, sparse teacher with a few large coefficients, Gaussian noise.
Data makeData(int n, int d, std::uint64_t seed)
{
    sl::Rng rng(seed);
    Data data;
    data.X = rng.normalMatrix(n, d);
    Eigen::VectorXd theta = Eigen::VectorXd::Zero(d);
    for (int j = 0; j < std::min(d, 8); ++j)
        theta[(j * 7) % d] = (j % 2 ? -1.0 : 1.0) * (3.0 - 0.3 * j);
    data.y = data.X * theta + 0.5 * rng.normalVector(n);
    return data;
}

// Independent reference: FISTA with gradient-scheme adaptive restart on ½‖y − Aθ‖² + λ‖θ‖₁, step 1/‖A‖₂², run long.
Eigen::VectorXd fistaLasso(const Eigen::MatrixXd& A, const Eigen::VectorXd& y, double lambda, int iterations)
{
    const double lipschitz = Eigen::JacobiSVD<Eigen::MatrixXd>(A).singularValues()[0];
    const double step = 1.0 / (lipschitz * lipschitz);
    Eigen::VectorXd x = Eigen::VectorXd::Zero(A.cols()), z = x, previous = x;
    double t = 1.0;
    for (int k = 0; k < iterations; ++k) {
        const Eigen::VectorXd v = z - step * (A.transpose() * (A * z - y));
        previous = x;
        x = (v.array().abs() - step * lambda).max(0.0) * v.array().sign();
        if ((z - x).dot(x - previous) > 0) {
            t = 1.0;
            z = x;
            continue;
        }
        const double tNext = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * t * t));
        z = x + ((t - 1.0) / tNext) * (x - previous);
        t = tNext;
    }
    return x;
}

double plainObjective(const Eigen::MatrixXd& A, const Eigen::VectorXd& y, const Eigen::VectorXd& theta, double lambda)
{
    return 0.5 * (y - A * theta).squaredNorm() + lambda * theta.lpNorm<1>();
}

// Largest KKT violation: |A_jᵀr| ≤ λ off the support, A_jᵀr = λ sign θ_j on it.
double kktResidual(const Eigen::MatrixXd& A, const Eigen::VectorXd& y, const Eigen::VectorXd& theta, double lambda)
{
    const Eigen::VectorXd q = A.transpose() * (y - A * theta);
    double worst = 0.0;
    for (Eigen::Index j = 0; j < theta.size(); ++j) {
        if (theta[j] != 0.0)
            worst = std::max(worst, std::abs(q[j] - lambda * (theta[j] > 0 ? 1.0 : -1.0)));
        else
            worst = std::max(worst, std::abs(q[j]) - lambda);
    }
    return worst;
}

}  // namespace

// The solver keeps a reference to X instead of a 32 MB copy, so binding it to a temporary must not compile.
static_assert(
    !std::is_constructible_v<sl::LassoSolver, Eigen::MatrixXd, const Eigen::VectorXd&, const sl::LassoConfig&>);
static_assert(
    std::is_constructible_v<sl::LassoSolver, const Eigen::MatrixXd&, const Eigen::VectorXd&, const sl::LassoConfig&>);

class TestLassoSolver : public QObject {
    Q_OBJECT

private slots:
    void matchesKktAndIndependentSolver_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("d");
        QTest::addColumn<int>("units");
        QTest::addColumn<int>("updates");
        for (int units = 0; units < 2; ++units)
            for (int updates = 1; updates < 3; ++updates) {
                const QByteArray tag = QByteArray(units ? "experiment" : "plain") + (updates == 1 ? "/gram" : "/naive");
                QTest::newRow((tag + "/tall").constData()) << 80 << 30 << units << updates;
                QTest::newRow((tag + "/wide").constData()) << 40 << 90 << units << updates;
            }
    }

    void matchesKktAndIndependentSolver()
    {
        QFETCH(int, n);
        QFETCH(int, d);
        QFETCH(int, units);
        QFETCH(int, updates);
        const Data data = makeData(n, d, 11 + n + d);
        // The matrix the objective actually uses, formed independently of the solver.
        const Eigen::MatrixXd A = units ? Eigen::MatrixXd(data.X / std::sqrt(double(d))) : data.X;
        const double lambdaMax = (A.transpose() * data.y).lpNorm<Eigen::Infinity>();
        for (double fraction : {0.5, 0.1, 0.02}) {
            sl::LassoConfig config;
            config.lambda = fraction * lambdaMax;
            config.units = units ? sl::LassoUnits::Experiment : sl::LassoUnits::Plain;
            config.updates = updates == 1 ? sl::LassoUpdates::Gram : sl::LassoUpdates::Naive;
            config.gapTolerance = 1e-15;
            sl::LassoSolver solver(data.X, data.y, config);
            QCOMPARE(solver.usesGram(), updates == 1);
            QVERIFY(std::abs(solver.lambdaMax() - lambdaMax) <= 1e-12 * lambdaMax);
            const sl::LassoResult result = solver.run();
            QCOMPARE(result.status, sl::Status::Converged);
            QVERIFY(result.dualityGap >= 0.0);
            QVERIFY(result.relativeGap <= 1e-15);
            QVERIFY2(kktResidual(A, data.y, result.theta, config.lambda) <= 1e-8 * std::max(1.0, config.lambda),
                qPrintable(QString::number(kktResidual(A, data.y, result.theta, config.lambda))));
            QVERIFY(std::abs(result.objective - plainObjective(A, data.y, result.theta, config.lambda))
                <= 1e-12 * result.objective);
            QCOMPARE(result.activeCount, int((result.theta.array() != 0.0).count()));

            const Eigen::VectorXd reference = fistaLasso(A, data.y, config.lambda, 20000);
            QVERIFY(kktResidual(A, data.y, reference, config.lambda) <= 1e-7 * std::max(1.0, config.lambda));
            const double distance = (result.theta - reference).norm() / reference.norm();
            QVERIFY2(distance <= 1e-6, qPrintable(QString::number(distance)));
            const double referenceObjective = plainObjective(A, data.y, reference, config.lambda);
            QVERIFY(std::abs(result.objective - referenceObjective) <= 1e-10 * referenceObjective);
            // The dual value is a lower bound for every primal point, the reference's included.
            QVERIFY(result.dualObjective <= referenceObjective + 1e-12 * referenceObjective);
        }
    }

    void gramAndNaiveAgree()
    {
        const Data data = makeData(50, 50, 3);
        sl::LassoConfig config;
        config.lambda = 2.0;
        config.gapTolerance = 1e-14;
        config.updates = sl::LassoUpdates::Gram;
        const sl::LassoResult gram = sl::LassoSolver(data.X, data.y, config).run();
        config.updates = sl::LassoUpdates::Naive;
        const sl::LassoResult naive = sl::LassoSolver(data.X, data.y, config).run();
        QVERIFY((gram.theta - naive.theta).norm() <= 1e-6 * gram.theta.norm());
    }

    // A wide problem from a cold start: many coordinates violate at θ = 0, few end up active. The working set admits
    // violators in rounds, so it ends far below d; the answer is the same as with residual updates on every column.
    void workingSetStaysSmallOnWideProblems()
    {
        const Data data = makeData(150, 600, 17);
        sl::LassoConfig config;
        config.gapTolerance = 1e-14;
        config.updates = sl::LassoUpdates::Gram;
        sl::LassoSolver gram(data.X, data.y, config);
        const double lambda = 0.2 * gram.lambdaMax();
        const Eigen::VectorXd q0 = data.X.transpose() * data.y;
        const int violatorsAtZero = int((q0.array().abs() > lambda).count());
        QVERIFY(violatorsAtZero > 64);  // more than one round's growth: the test exercises the rounds
        const sl::LassoResult result = gram.solve(lambda, {});
        QCOMPARE(result.status, sl::Status::Converged);
        QVERIFY(kktResidual(data.X, data.y, result.theta, lambda) <= 1e-8 * lambda);
        QVERIFY(gram.workingSetSize() >= result.activeCount);
        QVERIFY2(gram.workingSetSize() < violatorsAtZero,
            qPrintable(QString("working set %1, violators at 0: %2").arg(gram.workingSetSize()).arg(violatorsAtZero)));
        config.updates = sl::LassoUpdates::Naive;
        const sl::LassoResult naive = sl::LassoSolver(data.X, data.y, config).solve(lambda, {});
        QVERIFY((result.theta - naive.theta).norm() <= 1e-6 * naive.theta.norm());
    }

    // Automatic updates leave Gram updates once the working set passes the limit, and still reach the optimum.
    void automaticFallsBackToResidualUpdates()
    {
        const Data data = makeData(60, 40, 23);
        sl::LassoConfig config;
        config.lambda = 0.5;
        config.gapTolerance = 1e-14;
        config.gramWorkingSetLimit = 8;
        sl::LassoSolver automatic(data.X, data.y, config);
        QVERIFY(automatic.usesGram());
        const sl::LassoResult result = automatic.run();
        QVERIFY(result.activeCount > 8);
        QVERIFY(!automatic.usesGram());
        QCOMPARE(result.status, sl::Status::Converged);
        config.updates = sl::LassoUpdates::Gram;
        const sl::LassoResult gram = sl::LassoSolver(data.X, data.y, config).run();
        QVERIFY((result.theta - gram.theta).norm() <= 1e-6 * gram.theta.norm());
    }

    void lambdaAboveMaxGivesZero()
    {
        const Data data = makeData(40, 25, 5);
        for (auto units : {sl::LassoUnits::Plain, sl::LassoUnits::Experiment})
            for (auto updates : {sl::LassoUpdates::Gram, sl::LassoUpdates::Naive}) {
                sl::LassoConfig config;
                config.units = units;
                config.updates = updates;
                sl::LassoSolver probe(data.X, data.y, config);
                config.lambda = probe.lambdaMax();
                // Start away from zero: the solver must move to θ = 0, not just keep its start.
                config.warmStart = Eigen::VectorXd::Constant(25, 0.3);
                const sl::LassoResult atMax = sl::LassoSolver(data.X, data.y, config).run();
                QCOMPARE(atMax.status, sl::Status::Converged);
                QVERIFY(atMax.theta.lpNorm<Eigen::Infinity>() <= 1e-9);
                config.lambda = 1.5 * probe.lambdaMax();
                const sl::LassoResult above = sl::LassoSolver(data.X, data.y, config).run();
                QCOMPARE(above.activeCount, 0);
                QVERIFY(above.theta.isZero(0.0));
                // Just below λ_max exactly one coefficient (the argmax of |X̃ᵀy|) enters.
                config.lambda = 0.999 * probe.lambdaMax();
                config.warmStart.resize(0);
                const sl::LassoResult below = sl::LassoSolver(data.X, data.y, config).run();
                QCOMPARE(below.activeCount, 1);
            }
    }

    void pathMatchesColdSolves()
    {
        for (auto updates : {sl::LassoUpdates::Gram, sl::LassoUpdates::Naive}) {
            const Data data = makeData(60, 45, 9);
            sl::LassoConfig config;
            config.units = sl::LassoUnits::Experiment;
            config.updates = updates;
            config.gapTolerance = 1e-14;
            sl::LassoSolver solver(data.X, data.y, config);
            sl::LassoPathConfig pathConfig;
            pathConfig.points = 12;
            pathConfig.ratio = 1e-2;
            const std::vector<sl::LassoResult> path = solver.path(pathConfig);
            QCOMPARE(int(path.size()), 12);
            QVERIFY(std::abs(path.front().lambda - solver.lambdaMax()) <= 1e-12 * solver.lambdaMax());
            QVERIFY(std::abs(path.back().lambda - 1e-2 * solver.lambdaMax()) <= 1e-12 * solver.lambdaMax());
            QCOMPARE(path.front().activeCount, 0);
            for (const sl::LassoResult& point : path) {
                QCOMPARE(point.status, sl::Status::Converged);
                sl::LassoConfig cold = config;
                cold.lambda = point.lambda;
                const sl::LassoResult fresh = sl::LassoSolver(data.X, data.y, cold).run();
                const double scale = std::max(fresh.theta.norm(), 1e-12);
                QVERIFY((point.theta - fresh.theta).norm() <= 1e-6 * scale);
                QVERIFY(std::abs(point.objective - fresh.objective) <= 1e-12 * fresh.objective);
            }
            // The active set grows along this path from 0 to many coefficients.
            QVERIFY(path.back().activeCount > 10);
        }
    }

    void warmStartFromSolutionStopsAtOnce()
    {
        const Data data = makeData(70, 30, 21);
        sl::LassoConfig config;
        config.lambda = 5.0;
        config.gapTolerance = 1e-12;
        const sl::LassoResult first = sl::LassoSolver(data.X, data.y, config).run();
        QVERIFY(first.iterations > 3);
        config.warmStart = first.theta;
        const sl::LassoResult again = sl::LassoSolver(data.X, data.y, config).run();
        QCOMPARE(again.iterations, 0);
        QCOMPARE(again.status, sl::Status::Converged);
    }

    void leastSquaresAtLambdaZero()
    {
        const Data data = makeData(60, 10, 4);
        sl::LassoConfig config;
        config.lambda = 0.0;
        config.gapTolerance = 1e-12;
        const sl::LassoResult result = sl::LassoSolver(data.X, data.y, config).run();
        QCOMPARE(result.status, sl::Status::Converged);
        const Eigen::VectorXd ols = data.X.colPivHouseholderQr().solve(data.y);
        QVERIFY((result.theta - ols).norm() <= 1e-8 * ols.norm());
    }

    void observerAndCancel()
    {
        const Data data = makeData(60, 40, 2);
        sl::LassoConfig config;
        config.lambda = 1.0;
        config.observeEvery = 1;
        config.gapTolerance = 1e-14;
        int calls = 0;
        double lastGap = std::numeric_limits<double>::infinity();
        const sl::LassoResult result = sl::LassoSolver(data.X, data.y, config).run([&](const sl::LassoSnapshot& s) {
            ++calls;
            QVERIFY(s.dualityGap >= 0.0);
            lastGap = s.dualityGap;
        });
        QVERIFY(calls >= 2);
        QVERIFY(std::abs(lastGap - result.dualityGap) <= 1e-12 * result.objective);

        sl::CancelToken cancel;
        cancel.cancel();
        const sl::LassoResult cancelled = sl::LassoSolver(data.X, data.y, config).run({}, cancel);
        QCOMPARE(cancelled.status, sl::Status::Cancelled);
        config.maxSweeps = 2;
        config.gapTolerance = 0.0;
        const sl::LassoResult capped = sl::LassoSolver(data.X, data.y, config).run();
        QCOMPARE(capped.status, sl::Status::MaxIterations);
        QCOMPARE(capped.iterations, 2);
    }

    void rejectsBadInput()
    {
        const Data data = makeData(20, 10, 1);
        sl::LassoConfig config;
        config.lambda = 1.0;
        auto expectError = [](const std::string& parameter, auto&& make) {
            try {
                make();
                QFAIL("no ValidationError");
            } catch (const sl::ValidationError& e) {
                QCOMPARE(QString::fromStdString(e.parameter()), QString::fromStdString(parameter));
            }
        };
        expectError("y", [&] { sl::LassoSolver(data.X, Eigen::VectorXd::Zero(19), config); });
        sl::LassoConfig negative = config;
        negative.lambda = -1.0;
        expectError("lambda", [&] { sl::LassoSolver(data.X, data.y, negative); });
        negative.lambda = std::numeric_limits<double>::infinity();
        expectError("lambda", [&] { sl::LassoSolver(data.X, data.y, negative); });
        Eigen::MatrixXd badX = data.X;
        badX(3, 4) = std::numeric_limits<double>::quiet_NaN();
        expectError("X", [&] { sl::LassoSolver(badX, data.y, config); });
        Eigen::MatrixXd hugeX = data.X;
        hugeX.col(2) *= 1e160;  // finite entries whose squared norm overflows
        expectError("X", [&] { sl::LassoSolver(hugeX, data.y, config); });
        sl::LassoConfig noGram = config;
        noGram.gramWorkingSetLimit = 0;
        expectError("gramWorkingSetLimit", [&] { sl::LassoSolver(data.X, data.y, noGram); });
        Eigen::VectorXd badY = data.y;
        badY[2] = std::numeric_limits<double>::quiet_NaN();
        expectError("y", [&] { sl::LassoSolver(data.X, badY, config); });
        sl::LassoConfig warm = config;
        warm.warmStart = Eigen::VectorXd::Zero(9);
        expectError("warmStart", [&] { sl::LassoSolver(data.X, data.y, warm); });
        sl::LassoSolver solver(data.X, data.y, config);
        expectError("lambda", [&] { solver.solve(-0.5, {}); });
        sl::LassoPathConfig ascending;
        ascending.lambdas = {1.0, 2.0};
        expectError("lambdas", [&] { solver.path(ascending); });
    }
};

QTEST_APPLESS_MAIN(TestLassoSolver)
#include "test_lasso_solver.moc"
