// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/dense_products.h"
#include "core/common/validation.h"
#include "core/model/diagonal_net.h"
#include "core/model/quadratic_net.h"
#include "core/train/trainer.h"
#include "tests/core/common/random_cancel.h"

#include <QObject>
#include <QString>
#include <QTest>
#include <atomic>
#include <chrono>
#include <climits>
#include <cmath>
#include <random>
#include <thread>
#include <vector>

namespace {

sl::Problem quadratic(int d, long long n, double lambda, double noise, std::uint64_t seed = 1)
{
    sl::ProblemConfig c;
    c.model = sl::ModelKind::Quadratic;
    c.dimension = d;
    c.samples = n;
    c.weightDecay = lambda;
    c.noise = noise;
    c.seed = seed;
    return sl::makeProblem(c);
}

sl::Problem diagonal(int d, long long n, double lambda, double noise, std::uint64_t seed = 1)
{
    sl::ProblemConfig c;
    c.model = sl::ModelKind::Diagonal;
    c.dimension = d;
    c.samples = n;
    c.weightDecay = lambda;
    c.noise = noise;
    c.seed = seed;
    c.amplitudes = sl::TeacherAmplitudes::Deterministic;
    return sl::makeProblem(c);
}

// Cyclic coordinate descent for the LASSO (1/2)‖y − Aθ‖² + λ‖θ‖₁ with A = X/√d: an independent solver.
Eigen::VectorXd lassoByCoordinateDescent(const sl::Problem& p, int sweeps)
{
    const int d = p.config.dimension;
    const double lambda = p.config.weightDecay;
    const Eigen::MatrixXd A = p.data.X / std::sqrt(double(d));
    const Eigen::VectorXd columnNorms = A.colwise().squaredNorm();
    Eigen::VectorXd theta = Eigen::VectorXd::Zero(d);
    Eigen::VectorXd r = p.data.y;
    for (int s = 0; s < sweeps; ++s) {
        for (int j = 0; j < d; ++j) {
            const double z = A.col(j).dot(r) + columnNorms(j) * theta(j);
            const double updated = std::copysign(std::max(std::abs(z) - lambda, 0.0), z) / columnNorms(j);
            r -= A.col(j) * (updated - theta(j));
            theta(j) = updated;
        }
    }
    return theta;
}

}  // namespace

class TestTrainer : public QObject {
    Q_OBJECT

private slots:
    void lbfgsRecoversANoiselessTeacher()
    {
        // n = 4d² ≫ d(d+1)/2 noiseless equations: the unregularised minimiser is S* itself.
        const sl::Problem p = quadratic(8, 256, 0.0, 0.0);
        const sl::TrainResult r = sl::Trainer::run(p, sl::TrainConfig::defaults(sl::Optimizer::Lbfgs));
        QVERIFY2(r.status == sl::Status::Converged, r.message.c_str());
        QVERIFY2(r.matrixMse < 1e-8, qPrintable(QString::number(r.matrixMse)));
        QVERIFY(r.matrixMse < 1e-6 * p.teacher.riskAtZero());
        QVERIFY(std::abs(r.excessRisk - 2 * r.matrixMse) <= 1e-15);
        QVERIFY((r.S - r.W * r.W.transpose()).norm() < 1e-12);
        QVERIFY(r.iterations > 0 && r.iterations < 50000);
        QVERIFY(!r.stopReason.empty() && !r.message.empty());
    }

    void quadraticOptimumIsTheConvexOptimum()
    {
        // docs/theory/convex.md §2: with p = d the network ERM equals min_{S⪰0} (1/d²)Σ(y − Tr S Z)² + (λ/d) Tr S,
        // whose optimality conditions are G ⪰ 0 and GS = 0 for G = −(2/d²)Σ r_μ Z_μ + (λ/d) I, Z = (xxᵀ − I)/√d.
        const int d = 10;
        const sl::Problem p = quadratic(d, 300, 0.5, 0.5);
        const sl::TrainResult r = sl::Trainer::run(p, sl::TrainConfig::defaults(sl::Optimizer::Lbfgs));
        QVERIFY2(r.status == sl::Status::Converged, r.message.c_str());
        const double sqrtD = std::sqrt(double(d));
        Eigen::MatrixXd G = (0.5 / d) * Eigen::MatrixXd::Identity(d, d);
        for (int mu = 0; mu < p.data.X.rows(); ++mu) {
            const Eigen::VectorXd x = p.data.X.row(mu).transpose();
            const double residual = p.data.y(mu) - (x.dot(r.S * x) - r.S.trace()) / sqrtD;
            const Eigen::MatrixXd Z = (x * x.transpose() - Eigen::MatrixXd::Identity(d, d)) / sqrtD;
            G -= (2.0 / (double(d) * d)) * residual * Z;
        }
        const double scale = 0.5 / d;
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(G);
        // Loose on the negative side: directions where S's eigenvalue is ~0 are degenerate (quartic) in W and
        // converge slowly, so at the default tolerances G's smallest eigenvalue is ~ -1e-5·λ/d. A spurious
        // stationary point would leave it O(λ/d) negative.
        QVERIFY2(
            eig.eigenvalues().minCoeff() > -1e-4 * scale, qPrintable(QString::number(eig.eigenvalues().minCoeff())));
        QVERIFY2((G * r.S).norm() < 1e-4 * scale * r.S.norm(), qPrintable(QString::number((G * r.S).norm())));
        // Weight decay made S low-rank here, so the test above is not vacuous: some eigenvalues of G are > 0.
        QVERIFY(eig.eigenvalues().maxCoeff() > 1e-3 * scale);
    }

    void diagonalOptimumIsBalancedAndSolvesTheLasso()
    {
        const int d = 20;
        const sl::Problem p = diagonal(d, 60, 2.0, 0.5);
        const sl::TrainResult r = sl::Trainer::run(p, sl::TrainConfig::defaults(sl::Optimizer::Lbfgs));
        QVERIFY2(r.status == sl::Status::Converged, r.message.c_str());
        QVERIFY(std::isnan(r.matrixMse));
        // Materialised first: in "θ − a⊙w" a -march=native build may fuse the product into an FMA.
        const Eigen::VectorXd product = r.a.cwiseProduct(r.w);
        QVERIFY(r.theta == product);
        // Balance |a_i| = |w_i| (docs/theory/convex.md §1).
        QVERIFY2((r.a.cwiseAbs() - r.w.cwiseAbs()).cwiseAbs().maxCoeff() < 1e-4,
            qPrintable(QString::number((r.a.cwiseAbs() - r.w.cwiseAbs()).cwiseAbs().maxCoeff())));
        // There the network objective equals the LASSO objective (1/2)Σ(y − θᵀx/√d)² + λ‖θ‖₁.
        sl::DiagonalNet net(p.data, p.config.weightDecay);
        const double lasso = net.lassoObjective(r.theta);
        QVERIFY2(
            std::abs(r.objective - lasso) < 1e-8 * lasso, qPrintable(QString("%1 vs %2").arg(r.objective).arg(lasso)));
        // And θ is the LASSO minimiser found by an independent coordinate-descent solver.
        const Eigen::VectorXd reference = lassoByCoordinateDescent(p, 5000);
        QVERIFY2((r.theta - reference).norm() < 1e-4 * reference.norm(),
            qPrintable(QString::number((r.theta - reference).norm() / reference.norm())));
        int zeros = 0;
        for (int i = 0; i < d; ++i)
            zeros += reference(i) == 0.0;
        QVERIFY(zeros > 0);  // λ = 2 thresholds some coordinates: sparsity is really tested
        QVERIFY(std::abs(r.excessRisk - sl::diagonalExcessRisk(r.theta, p.teacher)) == 0.0);
    }

    void reproducesAppendixA()
    {
        // docs/theory/state-evolution.md §10 (independent FISTA/state-evolution numbers): the normalisations of
        // docs/theory/models.md fix these risks, so a wrong factor of d or 2 in the objective or the penalty moves them
        // far outside the tolerances. Diagonal, A2: d = 400, α = 3, λ = 3, γ = 1, Δ = 0.5, deterministic amplitudes: SE
        // R = 0.099706.
        double risk = 0;
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            const sl::TrainResult r = sl::Trainer::run(
                diagonal(400, 1200, 3.0, 0.5, seed), sl::TrainConfig::defaults(sl::Optimizer::Lbfgs));
            QVERIFY2(r.status == sl::Status::Converged, r.message.c_str());
            risk += r.excessRisk / 5;
        }
        QVERIFY2(std::abs(risk / 0.099706 - 1.0) < 0.15, qPrintable(QString::number(risk)));
        // Quadratic, A1: d = 40, α_q = n/d² = 0.2, λ = 1: ERM E_mat = 0.428 ± 0.035, SE 0.388.
        double mse = 0;
        for (std::uint64_t seed = 1; seed <= 3; ++seed) {
            const sl::TrainResult r
                = sl::Trainer::run(quadratic(40, 320, 1.0, 0.5, seed), sl::TrainConfig::defaults(sl::Optimizer::Lbfgs));
            QVERIFY2(r.status == sl::Status::Converged, r.message.c_str());
            mse += r.matrixMse / 3;
        }
        QVERIFY2(mse > 0.388 * 0.85 && mse < 0.428 + 2 * 0.035, qPrintable(QString::number(mse)));
    }

    void sameSeedIsBitIdentical()
    {
        for (auto o : {sl::Optimizer::Lbfgs, sl::Optimizer::Adam}) {
            sl::TrainConfig config = sl::TrainConfig::defaults(o);
            config.maxIterations = 200;
            const sl::Problem p = quadratic(6, 100, 0.3, 0.5, 11);
            const sl::TrainResult a = sl::Trainer::run(p, config), b = sl::Trainer::run(p, config);
            QVERIFY(a.W == b.W);
            QCOMPARE(a.iterations, b.iterations);
            QVERIFY(a.objective == b.objective);
            const sl::TrainResult c = sl::Trainer::run(quadratic(6, 100, 0.3, 0.5, 12), config);
            QVERIFY(!(c.W == a.W));
            QVERIFY(!(sl::Trainer::initialWeights(quadratic(6, 100, 0.3, 0.5, 12), config)
                == sl::Trainer::initialWeights(p, config)));
        }
    }

    void initialisationHasVarianceInitScaleSquaredOverD()
    {
        const int d = 30;
        const sl::Problem p = quadratic(d, 10, 1.0, 0.5);
        sl::TrainConfig config = sl::TrainConfig::defaults(sl::Optimizer::Lbfgs);
        config.initScale = 2.0;
        const Eigen::MatrixXd W = sl::Trainer::initialWeights(p, config);
        QCOMPARE(int(W.rows()), d);
        QCOMPARE(int(W.cols()), d);
        const double variance = W.squaredNorm() / W.size();
        QVERIFY(std::abs(variance / (4.0 / d) - 1.0) < 5 * std::sqrt(2.0 / W.size()));
    }

    void hugeGradientStepDiverges()
    {
        const sl::Problem p = quadratic(8, 100, 0.1, 0.5);
        sl::TrainConfig config = sl::TrainConfig::defaults(sl::Optimizer::GradientDescent);
        config.learningRate = 1e3;
        const sl::TrainResult r = sl::Trainer::run(p, config);
        QVERIFY2(r.status == sl::Status::Diverged, r.message.c_str());
        QVERIFY(r.iterations < config.maxIterations);
        QVERIFY(QString::fromStdString(r.message).contains("smaller learning rate"));
    }

    void cancelFromAnotherThreadStopsTheRun()
    {
        const sl::Problem p = quadratic(20, 2000, 0.1, 0.5);
        sl::TrainConfig config = sl::TrainConfig::defaults(sl::Optimizer::GradientDescent);
        config.learningRate = 1e-6;  // never converges within the limit
        config.lossChangeTolerance = 0;
        config.maxIterations = INT_MAX;
        sl::CancelToken cancel;
        std::atomic<int> seen{0};
        std::thread canceller([&] {
            while (seen.load() < 5)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            cancel.cancel();
        });
        const sl::TrainResult r = sl::Trainer::run(
            p, config, [&](const sl::TrainSnapshot&) { seen.fetch_add(1); }, cancel);
        canceller.join();
        QVERIFY2(r.status == sl::Status::Cancelled, r.message.c_str());
        QVERIFY(r.iterations >= 4 && r.iterations < config.maxIterations);
    }

    void lbfgsPollsCancelEveryIteration()
    {
        const sl::Problem p = quadratic(10, 400, 0.1, 0.5);
        sl::CancelToken cancel;
        std::vector<int> iterations;
        const sl::TrainResult r = sl::Trainer::run(
            p, sl::TrainConfig::defaults(sl::Optimizer::Lbfgs),
            [&](const sl::TrainSnapshot& s) {
                iterations.push_back(s.iteration);
                if (s.iteration == 3)
                    cancel.cancel();
            },
            cancel);
        QVERIFY2(r.status == sl::Status::Cancelled, r.message.c_str());
        QCOMPARE(r.iterations, 3);
        QCOMPARE(iterations, (std::vector<int>{0, 1, 2, 3}));
        // Already cancelled: no iteration at all.
        const sl::TrainResult none = sl::Trainer::run(p, sl::TrainConfig::defaults(sl::Optimizer::Lbfgs), {}, cancel);
        QVERIFY(none.status == sl::Status::Cancelled);
        QCOMPARE(none.iterations, 0);
    }

    // Issue 11: every optimiser, on both networks, cancelled from another thread at random points (after a random
    // number of iterations, plus a random pause that lands inside an iteration or a line search). The run never
    // ends by itself (no tolerance, no iteration limit), so it must come back Cancelled, and its result must be
    // consistent: the weights returned are finite, of the right shape, and the objective reported is theirs.
    void cancelFromAnotherThreadAtRandomPoints_data()
    {
        QTest::addColumn<bool>("quadraticModel");
        QTest::addColumn<int>("optimizer");
        for (bool q : {true, false})
            for (sl::Optimizer o : {sl::Optimizer::Lbfgs, sl::Optimizer::GradientDescent, sl::Optimizer::Adam})
                QTest::addRow("%s %s", q ? "quadratic" : "diagonal", sl::toString(o)) << q << int(o);
    }

    void cancelFromAnotherThreadAtRandomPoints()
    {
        QFETCH(bool, quadraticModel);
        QFETCH(int, optimizer);
        const sl::Problem p = quadraticModel ? quadratic(20, 400, 0.01, 0.5) : diagonal(200, 100, 0.01, 0.5);
        sl::TrainConfig config = sl::TrainConfig::defaults(sl::Optimizer(optimizer));
        config.maxIterations = INT_MAX;
        config.gradientTolerance = 0;
        config.lossChangeTolerance = 0;
        if (config.optimizer != sl::Optimizer::Lbfgs)
            config.learningRate = 1e-3;  // neither converges nor diverges within the run
        std::mt19937_64 rng(std::uint64_t(1000 + 10 * optimizer + quadraticModel));
        const int columns = quadraticModel ? 20 : 2;
        sl::CancelToken cancelled;
        cancelled.cancel();
        for (int trial = 0; trial < 8; ++trial) {
            const int after = 1 + int(rng() % 30);
            const sl::TrainResult r = sl::test::cancelAtRandomPoint(
                after, 1000, rng, [&](const sl::CancelToken& cancel, sl::test::RandomCanceller& canceller) {
                    return sl::Trainer::run(
                        p, config, [&](const sl::TrainSnapshot&) { canceller.progress(); }, cancel);
                });
            QVERIFY2(r.status == sl::Status::Cancelled, r.message.c_str());
            QCOMPARE(r.stopReason, std::string("cancelled"));
            // One observer call per iteration from iteration 0: it had reached iteration after − 1.
            QVERIFY2(r.iterations >= after - 1, qPrintable(QString("%1 < %2").arg(r.iterations).arg(after - 1)));
            QCOMPARE(r.W.rows(), Eigen::Index(p.config.dimension));
            QCOMPARE(r.W.cols(), Eigen::Index(columns));
            QVERIFY(r.W.allFinite());
            QVERIFY(std::isfinite(r.objective) && std::isfinite(r.excessRisk));
            // The objective belongs to the weights returned (not to a line-search trial point): evaluated again
            // from them (a run already cancelled does no iteration), it is the same number.
            const sl::TrainResult again = sl::Trainer::runFrom(p, config, r.W, {}, cancelled);
            QCOMPARE(again.iterations, 0);
            QVERIFY2(std::abs(again.objective - r.objective) <= 1e-12 * std::abs(r.objective),
                qPrintable(QString("%1 vs %2").arg(again.objective, 0, 'g', 17).arg(r.objective, 0, 'g', 17)));
        }
    }

    void roundOffFloorIsAConvergedStop()
    {
        // With both tolerances at 0 the run can only end when the line search cannot decrease the objective any
        // more (round-off floor): LBFGSpp throws there, and the trainer turns that into a converged stop at
        // round-off (docs/theory/models.md §7), where PyTorch would take a zero step and stop.
        const sl::Problem p = quadratic(8, 200, 0.5, 0.5, 2);
        sl::TrainConfig config = sl::TrainConfig::defaults(sl::Optimizer::Lbfgs);
        const sl::TrainResult reference = sl::Trainer::run(p, config);
        config.gradientTolerance = 0;
        config.lossChangeTolerance = 0;
        config.maxIterations = 5000;
        const sl::TrainResult r = sl::Trainer::run(p, config);
        QVERIFY2(r.status == sl::Status::Converged, r.message.c_str());
        QVERIFY2(
            QString::fromStdString(r.stopReason).contains("no descent possible at round-off"), r.stopReason.c_str());
        QVERIFY(r.W.allFinite() && std::isfinite(r.objective));
        // The point returned is the last accepted iterate: at least as good as the default run's.
        QVERIFY(r.objective <= reference.objective + 1e-12);
        QVERIFY(r.iterations > reference.iterations);
    }

    // A λ sweep's large weight decay (docs/theory/models.md §7, "L-BFGS's stopping rules"): above
    // λ_max = ‖X̃ᵀy‖_∞ (X̃ = X/√d) the LASSO's minimiser is θ = 0, and the network's is a = w = 0 (the objective
    // exceeds f* = ½‖y‖² by at least (λ − λ_max)/2·‖[a w]‖² everywhere). f* is large, so its round-off exceeds the
    // change tolerance: the line search loses the decrease in round-off before the gradient or the change test can
    // fire. That is a converged stop at round-off, at the closed-form minimiser; it was reported as a failed line
    // search before. The iteration cap and a cancel on the same problem keep their statuses.
    void largeWeightDecayConvergesAtTheZeroMinimiser()
    {
        const int d = 10;
        const sl::Problem p = diagonal(d, 20, 43.0, 0.5, 5);
        const double lambdaMax = (p.data.X.transpose() * p.data.y).cwiseAbs().maxCoeff() / std::sqrt(double(d));
        const double lambda = p.config.weightDecay;
        QVERIFY2(lambda > 1.5 * lambdaMax, qPrintable(QString::number(lambdaMax)));
        const double optimum = 0.5 * p.data.y.squaredNorm();
        const sl::TrainConfig config = sl::TrainConfig::defaults(sl::Optimizer::Lbfgs);
        const double bound = std::sqrt(2 * 1e-13 * optimum / (lambda - lambdaMax));
        const double riskAtZero = sl::diagonalExcessRisk(Eigen::VectorXd::Zero(d), p.teacher);
        // The closed form: f* = ½‖y‖², reached to its round-off; a = w = 0 to the accuracy that allows,
        // ‖[a w]‖² ≤ 2(f − f*)/(λ − λ_max); θ = a⊙w and the excess risk R(0) = (1/d)‖θ*‖² to far better.
        auto checkMinimiser = [&](const sl::TrainResult& r) {
            QVERIFY2(std::abs(r.objective - optimum) <= 1e-13 * optimum,
                qPrintable(QString("%1 vs %2").arg(r.objective, 0, 'g', 17).arg(optimum, 0, 'g', 17)));
            QVERIFY2(r.W.norm() <= bound, qPrintable(QString("%1 > %2").arg(r.W.norm()).arg(bound)));
            QVERIFY2(r.theta.cwiseAbs().maxCoeff() <= bound * bound,
                qPrintable(QString::number(r.theta.cwiseAbs().maxCoeff())));
            QVERIFY(std::abs(r.excessRisk - riskAtZero) <= 1e-10 * riskAtZero);
        };
        const sl::TrainResult r = sl::Trainer::run(p, config);
        QVERIFY2(r.status == sl::Status::Converged, r.message.c_str());
        // PyTorch's rule gᵀd > −tolerance_change ends it: the quasi-Newton step could change f by less than that.
        QVERIFY2(QString::fromStdString(r.stopReason).contains("directional derivative"), r.stopReason.c_str());
        checkMinimiser(r);
        if (QTest::currentTestFailed())
            return;
        // With both tolerances off only the round-off rule can end the run: no lower point along −g, and the decrease
        // left there is below the objective's round-off. The same minimiser.
        sl::TrainConfig noTolerances = config;
        noTolerances.gradientTolerance = 0;
        noTolerances.lossChangeTolerance = 0;
        const sl::TrainResult atRoundOff = sl::Trainer::run(p, noTolerances);
        QVERIFY2(atRoundOff.status == sl::Status::Converged, atRoundOff.message.c_str());
        QVERIFY2(QString::fromStdString(atRoundOff.stopReason).contains("no descent possible at round-off"),
            atRoundOff.stopReason.c_str());
        checkMinimiser(atRoundOff);
        if (QTest::currentTestFailed())
            return;

        // The iteration cap is still not convergence.
        sl::TrainConfig capped = config;
        capped.maxIterations = 3;
        const sl::TrainResult cap = sl::Trainer::run(p, capped);
        QVERIFY2(cap.status == sl::Status::MaxIterations, cap.message.c_str());
        QVERIFY(!cap.ok());
        QCOMPARE(cap.iterations, 3);
        // A cancelled run is still cancelled, also when cancelled at the last iterations near round-off.
        sl::CancelToken cancel;
        const sl::TrainResult stopped = sl::Trainer::run(
            p, config,
            [&](const sl::TrainSnapshot& s) {
                if (s.iteration == r.iterations - 1)
                    cancel.cancel();
            },
            cancel);
        QVERIFY2(stopped.status == sl::Status::Cancelled, stopped.message.c_str());
    }

    // A line search that fails far from stationarity stays a failure: one evaluation per search cannot leave the
    // saddle at the origin of a diagonal net started at 0.1·N(0, 1/d) (negative curvature along −g, gradient ~1).
    void lineSearchFailureFarFromStationarityIsNotConverged()
    {
        sl::ProblemConfig c;
        c.model = sl::ModelKind::Diagonal;
        c.dimension = 8;
        c.samples = 20;
        c.weightDecay = 1e-3;
        c.noise = 0.5;
        c.seed = 3;
        const sl::Problem p = sl::makeProblem(c);
        sl::TrainConfig config = sl::TrainConfig::defaults(sl::Optimizer::Lbfgs);
        config.lbfgsMaxLineSearch = 1;
        config.initScale = 0.1;
        const sl::TrainResult r = sl::Trainer::run(p, config);
        QVERIFY2(r.status == sl::Status::NotConverged, r.message.c_str());
        QVERIFY2(QString::fromStdString(r.stopReason).startsWith("line search failed"), r.stopReason.c_str());
        QVERIFY(r.gradientNorm > 0.1);
        QVERIFY(!r.ok());
        // With the default 25 evaluations the same start converges.
        config.lbfgsMaxLineSearch = 25;
        const sl::TrainResult converged = sl::Trainer::run(p, config);
        QVERIFY2(converged.status == sl::Status::Converged, converged.message.c_str());
        QVERIFY(converged.objective < r.objective - 1.0);
    }

    void iterationLimitIsAStatus()
    {
        const sl::Problem p = quadratic(8, 150, 0.1, 0.5);
        for (auto o : {sl::Optimizer::Lbfgs, sl::Optimizer::GradientDescent, sl::Optimizer::Adam}) {
            sl::TrainConfig config = sl::TrainConfig::defaults(o);
            config.maxIterations = 4;
            const sl::TrainResult r = sl::Trainer::run(p, config);
            QVERIFY2(r.status == sl::Status::MaxIterations, r.message.c_str());
            QCOMPARE(r.iterations, 4);
        }
    }

    void snapshotsAreConsistentWithTheNet()
    {
        const sl::Problem p = quadratic(7, 120, 0.4, 0.5);
        sl::TrainConfig config = sl::TrainConfig::defaults(sl::Optimizer::GradientDescent);
        config.maxIterations = 10;
        config.snapshotInterval = 3;
        std::vector<sl::TrainSnapshot> snapshots;
        const sl::TrainResult r
            = sl::Trainer::run(p, config, [&](const sl::TrainSnapshot& s) { snapshots.push_back(s); });
        std::vector<int> seen;
        sl::QuadraticNet net(p.data, p.config.weightDecay);
        for (const sl::TrainSnapshot& s : snapshots) {
            seen.push_back(s.iteration);
            const double objective = net.objective(s.weights, nullptr);
            QVERIFY(std::abs(s.objective - objective) < 1e-12 * objective);
            QVERIFY(std::abs(s.trainLoss - net.dataLoss(s.weights)) < 1e-12 * objective);
            const double risk = 2 * sl::matrixMse(s.weights * s.weights.transpose(), p.teacher);
            QVERIFY(std::abs(s.excessRisk - risk) < 1e-12 * risk);
        }
        // Every snapshotInterval iterations, plus the final state.
        QCOMPARE(seen, (std::vector<int>{0, 3, 6, 9, 10}));
        QVERIFY(snapshots.back().weights == r.W);
        QVERIFY(std::abs(r.trainLoss - net.dataLoss(r.W)) < 1e-12 * r.objective);
        Eigen::MatrixXd gradient;
        net.objective(r.W, &gradient);
        QVERIFY(std::abs(r.gradientNorm - gradient.norm()) < 1e-10 * gradient.norm());
    }

    void optimizersReachTheSameMinimum()
    {
        // λ > 0 and many samples: a unique convex optimum that every optimiser must find.
        const sl::Problem p = quadratic(6, 200, 1.0, 0.5, 3);
        const sl::TrainResult l = sl::Trainer::run(p, sl::TrainConfig::defaults(sl::Optimizer::Lbfgs));
        QVERIFY2(l.status == sl::Status::Converged, l.message.c_str());
        sl::TrainConfig gd = sl::TrainConfig::defaults(sl::Optimizer::GradientDescent);
        gd.learningRate = 0.1;
        const sl::TrainResult g = sl::Trainer::run(p, gd);
        QVERIFY2(g.status == sl::Status::Converged, g.message.c_str());
        sl::TrainConfig adamConfig = sl::TrainConfig::defaults(sl::Optimizer::Adam);
        adamConfig.learningRate = 1e-2;
        adamConfig.maxIterations = 20000;
        const sl::TrainResult a = sl::Trainer::run(p, adamConfig);
        QVERIFY2(a.status == sl::Status::Converged || a.status == sl::Status::MaxIterations, a.message.c_str());
        QVERIFY2((g.S - l.S).norm() < 1e-4 * l.S.norm(), qPrintable(QString::number((g.S - l.S).norm() / l.S.norm())));
        QVERIFY2((a.S - l.S).norm() < 1e-3 * l.S.norm(), qPrintable(QString::number((a.S - l.S).norm() / l.S.norm())));
        QVERIFY(g.objective >= l.objective - 1e-10 && a.objective >= l.objective - 1e-10);
    }

    void warmStartAtTheOptimumStopsAtOnce()
    {
        const sl::Problem p = quadratic(6, 150, 0.5, 0.5, 4);
        const sl::TrainConfig config = sl::TrainConfig::defaults(sl::Optimizer::Lbfgs);
        const sl::TrainResult first = sl::Trainer::run(p, config);
        QVERIFY2(first.status == sl::Status::Converged, first.message.c_str());
        const sl::TrainResult again = sl::Trainer::runFrom(p, config, first.W);
        QVERIFY(again.iterations <= 5);
        QVERIFY(std::abs(again.objective - first.objective) < 1e-10 * first.objective);
    }

    void invalidInputsThrowNamingTheParameter()
    {
        const sl::Problem p = quadratic(6, 50, 0.5, 0.5);
        sl::TrainConfig config = sl::TrainConfig::defaults(sl::Optimizer::GradientDescent);
        config.learningRate = -1;
        try {
            sl::Trainer::run(p, config);
            QFAIL("negative learning rate accepted");
        } catch (const sl::ValidationError& e) {
            QCOMPARE(QString::fromStdString(e.parameter()), QString("learningRate"));
        }
        config.learningRate = 0.01;
        try {
            sl::Trainer::runFrom(p, config, Eigen::MatrixXd::Ones(6, 2));  // [a w] shape, but the model is quadratic
            QFAIL("wrong initial shape accepted");
        } catch (const sl::ValidationError& e) {
            QCOMPARE(QString::fromStdString(e.parameter()), QString("initial"));
        }
        Eigen::MatrixXd bad = Eigen::MatrixXd::Ones(6, 6);
        bad(2, 3) = std::nan("");
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::Trainer::runFrom(p, config, bad));
    }

    void eigenAndBlasProductsTrainToTheSameExcessRisk()
    {
        // The same L-BFGS run (d = p = 20, n = 2000, λ = 1, Δ = 0.5, to gradient norm 1e-6) with every product of
        // the quadratic net in Eigen's kernels and with every one through the BLAS: different kernels, so the
        // iterates differ by rounding from the first gradient on, yet the final excess risks must agree to 1e-9
        // relative. The tolerance stops well above the floor where the strong-Wolfe search can no longer see the
        // objective decrease (gradient norm ~1e-7 here): down there each run stops wherever rounding leaves it,
        // and the risks then agree only to ~1e-8, the accuracy of the minimiser itself.
        const sl::Problem p = quadratic(20, 2000, 1.0, 0.5, 7);
        sl::TrainConfig config = sl::TrainConfig::defaults(sl::Optimizer::Lbfgs);
        config.gradientTolerance = 1e-6;
        config.lossChangeTolerance = 0;
        const Eigen::MatrixXd w0 = sl::Trainer::initialWeights(p, config);
        sl::setDenseBackend(sl::DenseBackend::Eigen);
        const sl::TrainResult eigen = sl::Trainer::runFrom(p, config, w0);
        sl::setDenseBackend(sl::DenseBackend::Blas);
        const sl::TrainResult blas = sl::Trainer::runFrom(p, config, w0);
        sl::setDenseBackend(sl::DenseBackend::Automatic);
        QVERIFY2(eigen.status == sl::Status::Converged, eigen.message.c_str());
        QVERIFY2(blas.status == sl::Status::Converged, blas.message.c_str());
        const double relative = std::abs(eigen.excessRisk - blas.excessRisk) / eigen.excessRisk;
        QVERIFY2(relative <= 1e-9,
            qPrintable(QString("Eigen %1, BLAS %2, relative difference %3")
                           .arg(eigen.excessRisk, 0, 'g', 17)
                           .arg(blas.excessRisk, 0, 'g', 17)
                           .arg(relative)));
        QVERIFY(eigen.excessRisk > 1e-3);  // a non-trivial risk, so 1e-9 relative is not a comparison of zeros
        QVERIFY((eigen.W - blas.W).norm() > 0);  // the switch really changed the computation
        // L-BFGS evaluates at the start, once per accepted step at least, and on line-search trials.
        QVERIFY(eigen.evaluations >= eigen.iterations + 1);
    }

    void countsEvaluations()
    {
        // Gradient descent without early stop: the start point and one evaluation per step.
        const sl::Problem p = quadratic(6, 60, 0.5, 0.5);
        sl::TrainConfig config = sl::TrainConfig::defaults(sl::Optimizer::GradientDescent);
        config.maxIterations = 7;
        config.lossChangeTolerance = 0;
        const sl::TrainResult r = sl::Trainer::run(p, config);
        QCOMPARE(r.iterations, 7);
        QCOMPARE(r.evaluations, 8);
    }
};

QTEST_APPLESS_MAIN(TestTrainer)
#include "test_trainer.moc"
