// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/dense_products.h"
#include "core/model/problem.h"
#include "core/model/quadratic_net.h"

#include <QObject>
#include <QString>
#include <QTest>
#include <cmath>

namespace {

sl::Problem problem(int d, long long n, double lambda, std::uint64_t seed)
{
    sl::ProblemConfig c;
    c.model = sl::ModelKind::Quadratic;
    c.dimension = d;
    c.samples = n;
    c.weightDecay = lambda;
    c.seed = seed;
    return sl::makeProblem(c);
}

// The objective of docs/theory/models.md §3 written sample by sample, independently of QuadraticNet's matrix form.
double referenceObjective(const sl::Problem& p, const Eigen::MatrixXd& W)
{
    const int d = p.config.dimension;
    double loss = 0;
    for (int mu = 0; mu < p.data.X.rows(); ++mu) {
        double yhat = 0;
        for (int j = 0; j < W.cols(); ++j) {
            double h = 0;
            for (int i = 0; i < d; ++i)
                h += W(i, j) * p.data.X(mu, i);
            yhat += h * h - W.col(j).squaredNorm();
        }
        yhat /= std::sqrt(double(d));
        loss += (p.data.y(mu) - yhat) * (p.data.y(mu) - yhat);
    }
    return loss / (double(d) * d) + p.config.weightDecay / d * W.squaredNorm();
}

// ∂objective/∂W = −(4/(d²√d)) [Xᵀ diag(r) X W − (Σr) W] + (2λ/d) W with r = y − ŷ, written with whole-matrix products.
Eigen::MatrixXd referenceGradient(const sl::Problem& p, const Eigen::MatrixXd& W, const Eigen::VectorXd& r)
{
    const double d = p.config.dimension;
    const Eigen::MatrixXd XW = p.data.X * W;
    const double scale = 4.0 / (d * d * std::sqrt(d));
    return -scale * (p.data.X.transpose() * r.asDiagonal() * XW - r.sum() * W) + (2 * p.config.weightDecay / d) * W;
}

// The BLAS path (forced) at d×p with n samples: objective with and without the gradient against the
// sample-by-sample formula, gradient against the whole-matrix formula.
void checkForcedBlasPathAgainstTheFormulas(int d, int p, long long n, double lambda, std::uint64_t seed)
{
    const sl::Problem pr = problem(d, n, lambda, seed);
    sl::Rng rng(seed + 1);
    const Eigen::MatrixXd W = rng.normalMatrix(d, p) / std::sqrt(double(p));
    sl::setDenseBackend(sl::DenseBackend::Blas);
    sl::QuadraticNet net(pr.data, pr.config.weightDecay);
    Eigen::MatrixXd gradient;
    const double value = net.objective(W, &gradient);
    const double valueOnly = net.objectiveValue(W);
    const Eigen::VectorXd r = pr.data.y - net.predict(W);
    sl::setDenseBackend(sl::DenseBackend::Automatic);
    const double expected = referenceObjective(pr, W);
    QVERIFY2(std::abs(value - expected) < 1e-12 * expected, qPrintable(QString::number(value - expected)));
    QVERIFY2(std::abs(valueOnly - expected) < 1e-12 * expected, qPrintable(QString::number(valueOnly - expected)));
    const Eigen::MatrixXd reference = referenceGradient(pr, W, r);
    QVERIFY2((gradient - reference).norm() < 1e-12 * reference.norm(),
        qPrintable(QString::number((gradient - reference).norm() / reference.norm())));
}

}  // namespace

class TestQuadraticNet : public QObject {
    Q_OBJECT

private slots:
    void objectiveMatchesTheSampleFormula()
    {
        const sl::Problem p = problem(6, 80, 0.7, 1);
        sl::QuadraticNet net(p.data, p.config.weightDecay);
        sl::Rng rng(2);
        const Eigen::MatrixXd W = rng.normalMatrix(6, 4) / std::sqrt(6.0);
        const double expected = referenceObjective(p, W);
        QVERIFY(std::abs(net.objective(W, nullptr) - expected) < 1e-12 * expected);
        Eigen::MatrixXd g;
        QVERIFY(std::abs(net.objective(W, &g) - expected) < 1e-12 * expected);
        const double penalty = 0.7 / 6 * W.squaredNorm();
        QVERIFY(std::abs(net.dataLoss(W) - (expected - penalty)) < 1e-12 * expected);
    }

    void gradientMatchesCentralDifferences()
    {
        // Rectangular W (p ≠ d) so a transposed product cannot pass by accident.
        for (int p : {3, 8}) {
            const sl::Problem pr = problem(8, 120, 0.3, 3);
            sl::QuadraticNet net(pr.data, pr.config.weightDecay);
            sl::Rng rng(4);
            Eigen::MatrixXd W = rng.normalMatrix(8, p) / std::sqrt(8.0);
            Eigen::MatrixXd gradient;
            net.objective(W, &gradient);
            QCOMPARE(int(gradient.rows()), 8);
            QCOMPARE(int(gradient.cols()), p);
            Eigen::MatrixXd numeric(8, p);
            const double h = 1e-5;
            for (int i = 0; i < 8; ++i) {
                for (int j = 0; j < p; ++j) {
                    const double saved = W(i, j);
                    W(i, j) = saved + h;
                    const double up = net.objective(W, nullptr);
                    W(i, j) = saved - h;
                    const double down = net.objective(W, nullptr);
                    W(i, j) = saved;
                    numeric(i, j) = (up - down) / (2 * h);
                }
            }
            const double relative = (numeric - gradient).norm() / gradient.norm();
            QVERIFY2(relative < 1e-6, qPrintable(QString("relative error %1").arg(relative)));
        }
    }

    void blockedEvaluationMatchesTheUnblockedFormula()
    {
        // n large enough that the net splits the samples into several row blocks (and, with OpenMP, threads).
        const int d = 9, p = 5;
        const sl::Problem pr = problem(d, 5000, 0.6, 12);
        sl::QuadraticNet net(pr.data, pr.config.weightDecay);
        sl::Rng rng(13);
        const Eigen::MatrixXd W = rng.normalMatrix(d, p) / std::sqrt(double(d));
        Eigen::MatrixXd gradient;
        const double value = net.objective(W, &gradient);
        const double expected = referenceObjective(pr, W);
        QVERIFY(std::abs(value - expected) < 1e-12 * expected);
        const Eigen::MatrixXd reference = referenceGradient(pr, W, pr.data.y - net.predict(W));
        QVERIFY2((gradient - reference).norm() < 1e-12 * reference.norm(),
            qPrintable(QString::number((gradient - reference).norm() / reference.norm())));
    }

    void blasProductsMatchTheSampleFormulaAndEigen_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("rank");
        // d = 6, n = 9000: p = 2 forms the gradient as Xᵀ·(diag(r)XW), p = 4 (d < 2p) through the weighted Gram
        // matrix Xᵀ diag(r) X by syrk updates (quadratic_net.cpp, gradientThroughWeightedGram); from p = d on the
        // forward pass is X·Rᵀ with Wᵀ = QR, also for rank-deficient W (trained weights often are).
        QTest::newRow("p=2, X^T (diag(r) X W)") << 2 << 2;
        QTest::newRow("p=4, weighted Gram") << 4 << 4;
        QTest::newRow("p=d=6, triangular factor") << 6 << 6;
        QTest::newRow("p=9, triangular factor") << 9 << 6;
        QTest::newRow("p=9, rank 2, triangular factor") << 9 << 2;
    }

    void blasProductsMatchTheSampleFormulaAndEigen()
    {
        // The BLAS path (forced; Automatic would keep Eigen at this size) over n = 9000 rows, i.e. three BLAS row
        // blocks of unequal start, rectangular W: objective against the sample-by-sample formula, gradient
        // against central differences of that formula, and both against the Eigen path.
        QFETCH(int, width);
        QFETCH(int, rank);
        const sl::Problem p = problem(6, 9000, 0.4, 5);
        sl::Rng rng(6);
        const Eigen::MatrixXd W = rank == std::min(6, width)
            ? Eigen::MatrixXd(rng.normalMatrix(6, width) / std::sqrt(6.0))
            : Eigen::MatrixXd(rng.normalMatrix(6, rank) * rng.normalMatrix(rank, width) / std::sqrt(6.0 * width));
        const double expected = referenceObjective(p, W);
        Eigen::MatrixXd gradientBlas, gradientEigen;
        sl::setDenseBackend(sl::DenseBackend::Blas);
        sl::QuadraticNet net(p.data, p.config.weightDecay);
        const double valueBlas = net.objective(W, &gradientBlas);
        const double valueOnly = net.objectiveValue(W);
        const Eigen::VectorXd predictionBlas = net.predict(W);
        Eigen::MatrixXd numeric(6, width);
        const double h = 1e-5;
        for (int i = 0; i < 6; ++i) {
            for (int j = 0; j < width; ++j) {
                Eigen::MatrixXd up = W, down = W;
                up(i, j) += h;
                down(i, j) -= h;
                numeric(i, j) = (referenceObjective(p, up) - referenceObjective(p, down)) / (2 * h);
            }
        }
        sl::setDenseBackend(sl::DenseBackend::Eigen);
        const double valueEigen = net.objective(W, &gradientEigen);
        const Eigen::VectorXd predictionEigen = net.predict(W);
        sl::setDenseBackend(sl::DenseBackend::Automatic);
        QVERIFY2(std::abs(valueBlas - expected) < 1e-12 * expected, qPrintable(QString::number(valueBlas - expected)));
        QVERIFY(std::abs(valueOnly - expected) < 1e-12 * expected);
        QVERIFY(std::abs(valueEigen - valueBlas) < 1e-13 * expected);
        QVERIFY2((gradientBlas - numeric).norm() < 1e-6 * numeric.norm(),
            qPrintable(QString::number((gradientBlas - numeric).norm() / numeric.norm())));
        QVERIFY2((gradientBlas - gradientEigen).norm() < 1e-12 * gradientEigen.norm(),
            qPrintable(QString::number((gradientBlas - gradientEigen).norm() / gradientEigen.norm())));
        QVERIFY((predictionBlas - predictionEigen).norm() < 1e-12 * predictionEigen.norm());
    }

    void blasBlocksSizedByTheWidthMatchTheWholeMatrixFormula()
    {
        // A wide net (p = 160): the BLAS path's row blocks are sized so that a block's XW fits the cache (819 rows
        // here), so n = 3000 runs in four blocks through the weighted Gram (d < 2p).
        checkForcedBlasPathAgainstTheFormulas(8, 160, 3000, 0.3, 21);
    }

    void fewSamplesKeepXWForTheGradient()
    {
        // n ≤ 2d with p = d: the gradient is Xᵀ·(diag(r)XW) (fewer flops than the weighted Gram here), which needs XW
        // itself, while the objective alone takes the triangular factor (X·Rᵀ, Wᵀ = QR).
        checkForcedBlasPathAgainstTheFormulas(8, 8, 12, 0.2, 31);
    }

    void blasFlopsFollowTheChosenProducts()
    {
        // d = p = 100, n = 20 000 (the benchmark's shape): triangular forward pass nd² + QR 2d²(p − d/3), weighted
        // Gram nd² + 2d²p. A narrow net (p = 10 < d) and few samples (n ≤ 2d) keep the plain products, 2ndp each.
        const double d = 100, n = 20000;
        QCOMPARE(sl::quadraticNetBlasFlops(20000, 100, 100, true),
            n * d * d + 2 * d * d * (d - d / 3) + n * d * d + 2 * d * d * d);
        QCOMPARE(sl::quadraticNetBlasFlops(20000, 100, 100, false), n * d * d + 2 * d * d * (d - d / 3));
        QCOMPARE(sl::quadraticNetBlasFlops(20000, 100, 10, true), 2 * (2 * n * d * 10));
        QCOMPARE(sl::quadraticNetBlasFlops(150, 100, 100, true), 2 * (2 * 150 * d * d));
    }

    void matrixMseIsZeroAtTheTeacherAndQStarAtZero()
    {
        const sl::Problem p = problem(10, 5, 1.0, 6);
        QVERIFY(sl::matrixMse(p.teacher.matrix, p.teacher) == 0.0);
        QVERIFY(std::abs(sl::matrixMse(Eigen::MatrixXd::Zero(10, 10), p.teacher) - 1.0) < 1e-12);
        QVERIFY(std::abs(p.teacher.riskAtZero() - 1.0) < 1e-12);
    }

    void twiceMatrixMseIsTheMonteCarloExcessRisk()
    {
        // E_x (f − f*)² = 2 E_mat for the centred quadratic model (docs/theory/models.md §4), checked against fresh
        // samples.
        const int d = 8;
        const sl::Problem p = problem(d, 5, 1.0, 7);
        sl::Rng rng(8);
        const Eigen::MatrixXd W = rng.normalMatrix(d, d) / std::sqrt(double(d));
        const Eigen::MatrixXd S = W * W.transpose();
        const double closedForm = 2.0 * sl::matrixMse(S, p.teacher);

        const int samples = 200000;
        sl::Rng draw(9);
        const Eigen::MatrixXd X = draw.normalMatrix(samples, d);
        sl::QuadraticNet net(p.data, 0.0);  // only its predict() on the fresh inputs below
        sl::Dataset fresh{X, Eigen::VectorXd::Zero(samples)};
        sl::QuadraticNet freshNet(fresh, 0.0);
        const Eigen::VectorXd f = freshNet.predict(W);
        const Eigen::VectorXd fStar = sl::teacherOutput(p.teacher, X);
        const Eigen::ArrayXd e2 = (f - fStar).array().square();
        const double mean = e2.mean();
        const double standardError = std::sqrt((e2 - mean).square().mean() / samples);
        QVERIFY2(std::abs(mean - closedForm) < 5 * standardError,
            qPrintable(QString("MC %1 ± %2 vs 2E_mat %3").arg(mean).arg(standardError).arg(closedForm)));
        // 1·E_mat is many standard errors away: the factor 2 is really there.
        QVERIFY(std::abs(mean - closedForm / 2) > 20 * standardError);
        Q_UNUSED(net);
    }
};

QTEST_APPLESS_MAIN(TestQuadraticNet)
#include "test_quadratic_net.moc"
