// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/convex/certificate.h"

#include "core/common/validation.h"
#include "core/convex/lasso_solver.h"
#include "core/convex/nuclear_norm_solver.h"

#include <QObject>
#include <QString>
#include <QTest>
#include <cmath>
#include <limits>

namespace {

sl::Problem quadraticProblem(int width, std::uint64_t seed)
{
    sl::ProblemConfig config;
    config.model = sl::ModelKind::Quadratic;
    config.dimension = 10;
    config.width = width;
    config.samples = 300;  // n_eff = 30 = 3d
    config.weightDecay = 5.0;  // convex rank 5 of 10 on this data
    config.gamma = 1.0;
    config.noise = 0.5;
    config.seed = seed;
    return sl::makeProblem(config);
}

sl::Problem diagonalProblem(std::uint64_t seed)
{
    sl::ProblemConfig config;
    config.model = sl::ModelKind::Diagonal;
    config.dimension = 20;
    config.samples = 15;  // fewer samples than coordinates: a genuinely sparse LASSO solution
    config.weightDecay = 0.5;
    config.gamma = 1.0;
    config.noise = 0.5;
    config.seed = seed;
    return sl::makeProblem(config);
}

QString describe(const sl::ConvexCertificate& c)
{
    return QString::fromStdString(c.message);
}

}  // namespace

class TestCertificate : public QObject {
    Q_OBJECT

private slots:
    void wideQuadraticNetworkReachesConvexMinimum_data()
    {
        QTest::addColumn<int>("width");
        QTest::newRow("p = d") << 0;
        QTest::newRow("rank < p = 6 < d") << 6;
    }

    void wideQuadraticNetworkReachesConvexMinimum()
    {
        QFETCH(int, width);
        const sl::Problem problem = quadraticProblem(width, 3);
        const sl::TrainResult trained = sl::Trainer::run(problem, sl::TrainConfig::defaults(sl::Optimizer::Lbfgs));
        const sl::ConvexCertificate c = sl::certify(problem, trained);
        QCOMPARE(c.status, sl::Status::Converged);
        QCOMPARE(c.width, width ? width : 10);
        QVERIFY2(c.convexRank >= 3 && c.convexRank <= 5, qPrintable(describe(c)));
        QVERIFY(c.widthSufficient);
        // The network objective is recomputed independently of the trainer's own bookkeeping.
        QVERIFY(std::abs(c.objectiveNetwork - trained.objective) <= 1e-9 * trained.objective);
        QVERIFY2(std::abs(c.relativeObjectiveGap) <= 1e-6, qPrintable(describe(c)));
        QVERIFY2(c.solutionDistance <= 1e-4, qPrintable(describe(c)));
        QVERIFY(c.convexOptimality <= 1e-8);
        // The trained network's Ŝ = WWᵀ is (nearly) rank-deficient like the convex one: its smallest
        // d − rank eigenvalues are tiny relative to the top one.
        const Eigen::VectorXd ev = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(trained.S).eigenvalues();
        QVERIFY(ev[10 - c.convexRank - 1] <= 1e-3 * ev[9]);
    }

    void narrowQuadraticNetworkShowsGap_data()
    {
        QTest::addColumn<int>("width");
        QTest::newRow("p = 1") << 1;
        QTest::newRow("p = 4 < rank") << 4;
    }

    void narrowQuadraticNetworkShowsGap()
    {
        QFETCH(int, width);
        const sl::Problem problem = quadraticProblem(width, 3);  // same data as above
        const sl::TrainResult trained = sl::Trainer::run(problem, sl::TrainConfig::defaults(sl::Optimizer::Lbfgs));
        QCOMPARE(int(trained.W.cols()), width);
        const sl::ConvexCertificate c = sl::certify(problem, trained);
        QCOMPARE(c.status, sl::Status::Converged);
        QCOMPARE(c.width, width);
        QVERIFY(c.convexRank >= 3 && c.convexRank > width);
        QVERIFY(!c.widthSufficient);
        // A rank-p network cannot represent the rank-5 minimiser: its objective stays clearly above.
        QVERIFY2(c.relativeObjectiveGap > (width == 1 ? 1e-3 : 1e-4), qPrintable(describe(c)));
        QVERIFY(c.solutionDistance > 1e-2);
    }

    void diagonalNetworkReachesLassoMinimum()
    {
        const sl::Problem problem = diagonalProblem(5);
        const sl::TrainResult trained = sl::Trainer::run(problem, sl::TrainConfig::defaults(sl::Optimizer::Lbfgs));
        const sl::ConvexCertificate c = sl::certify(problem, trained);
        QCOMPARE(c.status, sl::Status::Converged);
        QVERIFY2(std::abs(c.relativeObjectiveGap) <= 1e-6, qPrintable(describe(c)));
        QVERIFY2(c.solutionDistance <= 1e-4, qPrintable(describe(c)));
        QVERIFY(c.widthSufficient);
        QCOMPARE(c.width, 20);
        QVERIFY2(c.convexRank >= 1 && c.convexRank < 20, qPrintable(describe(c)));
        // The LASSO minimum is the network's: a balanced network built from θ_convex has the same objective.
        sl::LassoConfig config;
        config.lambda = problem.config.weightDecay;
        config.units = sl::LassoUnits::Experiment;
        config.gapTolerance = 1e-14;
        const sl::LassoResult lasso = sl::LassoSolver(problem.data.X, problem.data.y, config).run();
        const Eigen::VectorXd a = lasso.theta.cwiseAbs().cwiseSqrt();
        const Eigen::VectorXd w = lasso.theta.cwiseSign().cwiseProduct(a);
        sl::TrainResult balanced;
        balanced.a = a;
        balanced.w = w;
        const sl::ConvexCertificate exact = sl::certify(problem, balanced);
        QVERIFY(std::abs(exact.relativeObjectiveGap) <= 1e-12);
        // An unbalanced factorisation of the same θ pays more weight decay: the certificate sees it.
        balanced.a = 2.0 * a;
        balanced.w = 0.5 * w;
        const sl::ConvexCertificate unbalanced = sl::certify(problem, balanced);
        QVERIFY(unbalanced.relativeObjectiveGap > 1e-3);
        QVERIFY(unbalanced.solutionDistance <= 1e-12);
    }

    void gapOfPerturbedSolutionIsPositive()
    {
        // Hand the certificate the convex minimiser itself, then a perturbed one: zero gap, then a positive gap.
        const sl::Problem problem = quadraticProblem(0, 4);
        sl::NuclearNormConfig config;
        config.lambda = problem.config.weightDecay;
        const sl::NuclearNormResult convex = sl::NuclearNormSolver(problem.data.X, problem.data.y, config).run();
        sl::TrainResult fake;
        fake.S = convex.S;
        const sl::ConvexCertificate c = sl::certify(problem, fake);
        QVERIFY(std::abs(c.relativeObjectiveGap) <= 1e-9);
        QVERIFY(c.solutionDistance <= 1e-5);
        fake.S = 1.1 * convex.S;
        QVERIFY(sl::certify(problem, fake).relativeObjectiveGap > 1e-6);
    }

    void rejectsMismatchedInput()
    {
        const sl::Problem problem = quadraticProblem(0, 3);
        sl::TrainResult wrong;
        wrong.S = Eigen::MatrixXd::Identity(9, 9);
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::certify(problem, wrong));
        wrong.S = Eigen::MatrixXd::Identity(10, 10);
        wrong.S(0, 0) = std::numeric_limits<double>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::certify(problem, wrong));
        sl::Problem broken = problem;
        broken.config.weightDecay = -1.0;
        wrong.S = Eigen::MatrixXd::Identity(10, 10);
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::certify(broken, wrong));
        const sl::Problem diagonal = diagonalProblem(1);
        sl::TrainResult short_;
        short_.theta = Eigen::VectorXd::Zero(5);
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::certify(diagonal, short_));
        // Mismatched data and configuration.
        sl::Problem mismatched = diagonal;
        mismatched.config.dimension = 21;
        short_.theta = Eigen::VectorXd::Zero(20);
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::certify(mismatched, short_));
    }
};

QTEST_APPLESS_MAIN(TestCertificate)
#include "test_certificate.moc"
