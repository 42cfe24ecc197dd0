// SPDX-License-Identifier: GPL-3.0-or-later
// The solvers at Δ = 0 (the noiseless task, Result 4 of arXiv:2509.24882), where exact recovery makes problems
// degenerate: the minimum objective tends to 0, the data can be interpolated, and λ → 0 leaves the minimiser
// non-unique below interpolation. The network (L-BFGS) and its convex twin must still converge and agree
// (docs/theory/noiseless-and-lambda.md §1).
#include "core/convex/certificate.h"
#include "core/convex/lasso_solver.h"
#include "core/convex/nuclear_norm_solver.h"
#include "core/model/problem.h"
#include "core/theory/lasso_state_evolution.h"
#include "core/train/trainer.h"

#include <QObject>
#include <QTest>
#include <cmath>

namespace {

sl::Problem problem(sl::ModelKind model, int d, long long n, double lambda, std::uint64_t seed)
{
    sl::ProblemConfig c;
    c.model = model;
    c.dimension = d;
    c.samples = n;
    c.weightDecay = lambda;
    c.gamma = 1.0;
    c.noise = 0.0;
    c.amplitudes = sl::TeacherAmplitudes::Deterministic;
    c.seed = seed;
    return sl::makeProblem(c);
}

}  // namespace

class TestNoiselessSolvers : public QObject {
    Q_OBJECT

private slots:
    // LASSO at Δ = 0 as λ → 0 with n > d: a cold coordinate-descent solve recovers θ* exactly.
    void lassoRecoversAboveInterpolation()
    {
        const int d = 40;
        const sl::Problem p = problem(sl::ModelKind::Diagonal, d, 80, 1e-7, 3);
        sl::LassoConfig c;
        c.lambda = 1e-7;
        c.units = sl::LassoUnits::Experiment;
        c.gapTolerance = 1e-14;
        const sl::LassoResult r = sl::LassoSolver(p.data.X, p.data.y, c).run();
        QVERIFY2(r.status == sl::Status::Converged, r.message.c_str());
        QVERIFY((r.theta - p.teacher.spectrum).squaredNorm() / d < 1e-10 * p.teacher.riskAtZero());
    }

    // Below interpolation (n = d/2) at λ = 1e-7 a cold solve used to stall without continuation (measured: 100000
    // sweeps, relative duality gap stuck at 1e-8–1e-7 at d = 40 and 200, and a wrong risk: 0.118 against 0.167 at d =
    // 40), the basis-pursuit degeneracy of Δ = 0. The λ path from λ_max (warm starts, 40 points) converges at every λ,
    // interpolates the data, and its risk is the state evolution's minimum-ℓ1 interpolation limit (λ = 0, κ = α) within
    // the finite-size spread.
    void lassoPathReachesTheInterpolationLimit()
    {
        const int d = 100, n = 50, seeds = 4;
        double mean = 0;
        for (int seed = 0; seed < seeds; ++seed) {
            const sl::Problem p = problem(sl::ModelKind::Diagonal, d, n, 1e-7, 11 + seed);
            sl::LassoConfig c;
            c.units = sl::LassoUnits::Experiment;
            c.gapTolerance = 1e-10;
            sl::LassoSolver solver(p.data.X, p.data.y, c);
            sl::LassoPathConfig path;
            path.points = 40;
            path.ratio = 1e-7 / solver.lambdaMax();
            const std::vector<sl::LassoResult> results = solver.path(path);
            QCOMPARE(int(results.size()), 40);
            for (const sl::LassoResult& r : results)
                QVERIFY2(r.status == sl::Status::Converged, r.message.c_str());
            const sl::LassoResult& last = results.back();
            const double residual
                = (p.data.y - p.data.X * last.theta / std::sqrt(double(d))).squaredNorm() / p.data.y.squaredNorm();
            QVERIFY(residual < 1e-10);
            mean += (last.theta - p.teacher.spectrum).squaredNorm() / d / seeds;
        }
        sl::LassoStateEvolutionConfig se;
        se.teacher = sl::lassoDeterministicAmplitudes(d, 1.0);
        se.alpha = double(n) / d;
        se.lambda = 0;
        se.noise = 0;
        const auto limit = sl::LassoStateEvolution(se).run();
        QVERIFY2(limit.ok(), limit.message.c_str());
        qDebug() << "ERM path at λ = 1e-7" << mean << "SE min-ℓ1 limit" << limit.risk;
        QVERIFY(std::abs(mean - limit.risk) < 0.15 * limit.risk);
    }

    // The cold solve at the point where it used to stall (n = d/2, Δ = 0, λ ≤ 1e-5): it converges and lands on the
    // λ path's solution (warm starts from λ_max), whose risk is the SE's interpolation limit (test above).
    void lassoColdSolveBelowInterpolation_data()
    {
        QTest::addColumn<int>("d");
        QTest::addColumn<double>("lambda");
        QTest::newRow("d=40, λ=1e-7") << 40 << 1e-7;
        QTest::newRow("d=40, λ=1e-5") << 40 << 1e-5;
        QTest::newRow("d=200, λ=1e-6") << 200 << 1e-6;
    }
    void lassoColdSolveBelowInterpolation()
    {
        QFETCH(int, d);
        QFETCH(double, lambda);
        const sl::Problem p = problem(sl::ModelKind::Diagonal, d, d / 2, lambda, 3);
        sl::LassoConfig c;
        c.lambda = lambda;
        c.units = sl::LassoUnits::Experiment;
        c.gapTolerance = 1e-12;
        const sl::LassoResult cold = sl::LassoSolver(p.data.X, p.data.y, c).run();
        qDebug() << cold.message.c_str();
        QVERIFY2(cold.status == sl::Status::Converged, cold.message.c_str());

        sl::LassoSolver pathSolver(p.data.X, p.data.y, c);
        sl::LassoPathConfig path;
        path.points = 60;
        path.ratio = lambda / pathSolver.lambdaMax();
        const sl::LassoResult reference = pathSolver.path(path).back();
        QVERIFY2(reference.status == sl::Status::Converged, reference.message.c_str());
        // Both are within gapTolerance·½‖y‖² of the minimum.
        const double objectiveSlack = c.gapTolerance * 0.5 * p.data.y.squaredNorm();
        QVERIFY(std::abs(cold.objective - reference.objective) <= objectiveSlack);
        const double coldRisk = (cold.theta - p.teacher.spectrum).squaredNorm() / d;
        const double pathRisk = (reference.theta - p.teacher.spectrum).squaredNorm() / d;
        qDebug() << "risk cold" << coldRisk << "path" << pathRisk;
        QVERIFY(std::abs(coldRisk - pathRisk) <= 1e-4 * pathRisk);
        QVERIFY((cold.theta - reference.theta).norm() <= 1e-3 * reference.theta.norm());
    }

    // The diagonal network by L-BFGS reaches the LASSO minimum at Δ = 0, below and above interpolation, for a
    // small and a moderate λ.
    void diagonalNetworkAtDeltaZero_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<double>("lambda");
        QTest::newRow("n<d, λ=1e-3") << 10 << 1e-3;
        QTest::newRow("n>d, λ=1e-3") << 40 << 1e-3;
        QTest::newRow("n>d, λ=0.5") << 40 << 0.5;
    }
    void diagonalNetworkAtDeltaZero()
    {
        QFETCH(int, n);
        QFETCH(double, lambda);
        const sl::Problem p = problem(sl::ModelKind::Diagonal, 20, n, lambda, 5);
        const sl::TrainResult trained = sl::Trainer::run(p, sl::TrainConfig::defaults(sl::Optimizer::Lbfgs));
        QVERIFY2(trained.status == sl::Status::Converged, trained.message.c_str());
        const sl::ConvexCertificate c = sl::certify(p, trained);
        QCOMPARE(c.status, sl::Status::Converged);
        qDebug() << "gap" << c.relativeObjectiveGap << "distance" << c.solutionDistance;
        QVERIFY2(std::abs(c.relativeObjectiveGap) <= 1e-5, c.message.c_str());
        QVERIFY2(c.solutionDistance <= 1e-2, c.message.c_str());
    }

    // The quadratic network (p = d) and nuclear-norm sensing at Δ = 0: below the interpolation threshold
    // (α_q = 0.2) and above it (α_q = 0.8 > 1/2, exact recovery as λ → 0).
    void quadraticNetworkAtDeltaZero_data()
    {
        QTest::addColumn<int>("n");
        QTest::newRow("α_q = 0.2") << 20;
        QTest::newRow("α_q = 0.8") << 80;
    }
    void quadraticNetworkAtDeltaZero()
    {
        QFETCH(int, n);
        const int d = 10;
        const double lambda = 1e-3;
        const sl::Problem p = problem(sl::ModelKind::Quadratic, d, n, lambda, 7);
        const sl::TrainResult trained = sl::Trainer::run(p, sl::TrainConfig::defaults(sl::Optimizer::Lbfgs));
        QVERIFY2(trained.status == sl::Status::Converged || trained.status == sl::Status::MaxIterations,
            trained.message.c_str());
        QVERIFY(std::isfinite(trained.excessRisk));
        const sl::ConvexCertificate c = sl::certify(p, trained);
        QCOMPARE(c.status, sl::Status::Converged);
        qDebug() << "gap" << c.relativeObjectiveGap << "risk" << trained.excessRisk;
        QVERIFY2(std::abs(c.relativeObjectiveGap) <= 1e-4, c.message.c_str());
        if (n == 80)
            QVERIFY(trained.matrixMse < 1e-3);  // nearly exact recovery: E_mat(0) = Q* = 1
    }
};

QTEST_APPLESS_MAIN(TestNoiselessSolvers)
#include "test_noiseless_solvers.moc"
