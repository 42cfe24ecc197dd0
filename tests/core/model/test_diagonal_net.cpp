// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/diagonal_net.h"
#include "core/model/problem.h"

#include <QObject>
#include <QString>
#include <QTest>
#include <cmath>

namespace {

sl::Problem problem(int d, long long n, double lambda, std::uint64_t seed)
{
    sl::ProblemConfig c;
    c.model = sl::ModelKind::Diagonal;
    c.dimension = d;
    c.samples = n;
    c.weightDecay = lambda;
    c.seed = seed;
    return sl::makeProblem(c);
}

}  // namespace

class TestDiagonalNet : public QObject {
    Q_OBJECT

private slots:
    void objectiveMatchesTheSampleFormula()
    {
        const int d = 7;
        const sl::Problem p = problem(d, 50, 0.4, 1);
        sl::DiagonalNet net(p.data, 0.4);
        sl::Rng rng(2);
        const Eigen::VectorXd params = rng.normalVector(2 * d);
        double loss = 0;
        for (int mu = 0; mu < 50; ++mu) {
            double f = 0;
            for (int i = 0; i < d; ++i)
                f += params(i) * params(d + i) * p.data.X(mu, i);
            f /= std::sqrt(double(d));
            loss += 0.5 * (p.data.y(mu) - f) * (p.data.y(mu) - f);
        }
        const double expected = loss + 0.2 * params.squaredNorm();
        QVERIFY(std::abs(net.objective(params, nullptr) - expected) < 1e-12 * expected);
        QVERIFY(std::abs(net.dataLoss(params) - loss) < 1e-12 * loss);
    }

    void gradientMatchesCentralDifferences()
    {
        const int d = 10;
        const sl::Problem p = problem(d, 60, 0.8, 3);
        sl::DiagonalNet net(p.data, 0.8);
        sl::Rng rng(4);
        Eigen::VectorXd params = rng.normalVector(2 * d);
        Eigen::VectorXd gradient;
        net.objective(params, &gradient);
        QCOMPARE(int(gradient.size()), 2 * d);
        Eigen::VectorXd numeric(2 * d);
        const double h = 1e-5;
        for (int k = 0; k < 2 * d; ++k) {
            const double saved = params(k);
            params(k) = saved + h;
            const double up = net.objective(params, nullptr);
            params(k) = saved - h;
            const double down = net.objective(params, nullptr);
            params(k) = saved;
            numeric(k) = (up - down) / (2 * h);
        }
        const double relative = (numeric - gradient).norm() / gradient.norm();
        QVERIFY2(relative < 1e-6, qPrintable(QString("relative error %1").arg(relative)));
    }

    void penaltyEqualsL1AtBalanceAndExceedsItElsewhere()
    {
        // min_{a⊙w=θ} (‖a‖²+‖w‖²)/2 = ‖θ‖₁, attained at |a| = |w| (docs/theory/convex.md §1).
        const int d = 12;
        const sl::Problem p = problem(d, 40, 1.5, 5);
        sl::DiagonalNet net(p.data, 1.5);
        sl::Rng rng(6);
        const Eigen::VectorXd theta = rng.normalVector(d);
        Eigen::VectorXd balanced(2 * d);
        balanced.head(d) = theta.cwiseSign().cwiseProduct(theta.cwiseAbs().cwiseSqrt());
        balanced.tail(d) = theta.cwiseAbs().cwiseSqrt();
        QVERIFY((sl::DiagonalNet::theta(balanced) - theta).norm() < 1e-12);
        const double lasso = net.lassoObjective(theta);
        QVERIFY(std::abs(net.objective(balanced, nullptr) - lasso) < 1e-12 * lasso);
        Eigen::VectorXd unbalanced = balanced;
        unbalanced.head(d) *= 2.0;
        unbalanced.tail(d) *= 0.5;
        QVERIFY((sl::DiagonalNet::theta(unbalanced) - theta).norm() < 1e-12);
        QVERIFY(net.objective(unbalanced, nullptr) > lasso + 0.1);
    }

    void excessRiskIsTheMonteCarloRisk()
    {
        const int d = 10;
        const sl::Problem p = problem(d, 5, 1.0, 7);
        sl::Rng rng(8);
        const Eigen::VectorXd theta = rng.normalVector(d) * 2.0;
        const double closedForm = sl::diagonalExcessRisk(theta, p.teacher);
        const int samples = 200000;
        const Eigen::MatrixXd X = rng.normalMatrix(samples, d);
        const Eigen::ArrayXd e2 = ((X * (theta - p.teacher.spectrum)) / std::sqrt(double(d))).array().square();
        const double mean = e2.mean();
        const double standardError = std::sqrt((e2 - mean).square().mean() / samples);
        QVERIFY2(std::abs(mean - closedForm) < 5 * standardError,
            qPrintable(QString("MC %1 ± %2 vs R %3").arg(mean).arg(standardError).arg(closedForm)));
        QVERIFY(std::abs(sl::diagonalExcessRisk(Eigen::VectorXd::Zero(d), p.teacher) - p.teacher.riskAtZero()) < 1e-14);
    }
};

QTEST_APPLESS_MAIN(TestDiagonalNet)
#include "test_diagonal_net.moc"
