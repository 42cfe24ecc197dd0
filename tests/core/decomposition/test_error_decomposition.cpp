// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/decomposition/error_decomposition.h"

#include "core/common/rng.h"
#include "core/common/validation.h"
#include "core/convex/lasso_solver.h"
#include "core/convex/nuclear_norm_solver.h"
#include "core/model/diagonal_net.h"
#include "core/model/problem.h"
#include "core/model/quadratic_net.h"

#include <QObject>
#include <QString>
#include <QStringLiteral>
#include <QTest>
#include <cmath>
#include <vector>

namespace {

sl::Problem problem(sl::ModelKind model, int d, long long n, double lambda, std::uint64_t seed,
    sl::TeacherAmplitudes amplitudes = sl::TeacherAmplitudes::Gaussian)
{
    sl::ProblemConfig c;
    c.model = model;
    c.dimension = d;
    c.samples = n;
    c.weightDecay = lambda;
    c.noise = 0.5;
    c.gamma = 1.0;
    c.amplitudes = amplitudes;
    c.seed = seed;
    return sl::makeProblem(c);
}

Eigen::VectorXd lasso(const sl::Problem& p)
{
    sl::LassoConfig lc;
    lc.lambda = p.config.weightDecay;
    lc.units = sl::LassoUnits::Experiment;
    const sl::LassoResult r = sl::LassoSolver(p.data.X, p.data.y, lc).run();
    return r.theta;
}

Eigen::MatrixXd nuclear(const sl::Problem& p)
{
    sl::NuclearNormConfig nc;
    nc.lambda = p.config.weightDecay;
    nc.maxIterations = 3000;
    return sl::NuclearNormSolver(p.data.X, p.data.y, nc).run().S;
}

double relative(double a, double b)
{
    return std::abs(a - b) / std::max(std::abs(b), 1e-300);
}

// The same split written with projectors and traces instead of the overlap bookkeeping of the core:
// over = ‖Ŝ_bulk‖² − 2Tr(Ŝ_bulk S*_B), under = ‖S*_B‖², approx = ‖Ŝ_spike − S*_A‖² − 2Tr(Ŝ_spike S*_B) −
// 2Tr(Ŝ_bulk S*_A), all ×2/d.
sl::ErrorTerms projectorSplit(const Eigen::MatrixXd& S, const sl::Teacher& t, double edge)
{
    const int d = t.dimension();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(S);
    Eigen::MatrixXd spike = Eigen::MatrixXd::Zero(d, d), bulk = Eigen::MatrixXd::Zero(d, d);
    int k = 0;
    for (int j = 0; j < d; ++j) {
        const Eigen::VectorXd u = eig.eigenvectors().col(j);
        if (std::abs(eig.eigenvalues()[j]) > edge) {
            spike += eig.eigenvalues()[j] * u * u.transpose();
            ++k;
        } else {
            bulk += eig.eigenvalues()[j] * u * u.transpose();
        }
    }
    // The teacher's spectrum is descending (makeTeacher), so A = its first k directions.
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(d, d), b = Eigen::MatrixXd::Zero(d, d);
    for (int i = 0; i < d; ++i) {
        const Eigen::VectorXd o = t.rotation.col(i);
        (i < k ? a : b) += t.spectrum[i] * o * o.transpose();
    }
    sl::ErrorTerms out;
    out.overfitting = 2.0 / d * (bulk.squaredNorm() - 2 * (bulk * b).trace());
    out.underfitting = 2.0 / d * b.squaredNorm();
    out.approximation = 2.0 / d * ((spike - a).squaredNorm() - 2 * (spike * b).trace() - 2 * (bulk * a).trace());
    return out;
}

}  // namespace

class TestErrorDecomposition : public QObject {
    Q_OBJECT

private slots:
    // The three measured terms add up to the measured excess risk, computed independently by the model code,
    // to rounding (1e-10 relative: the sum goes through an eigen-decomposition, whose round-off is ~1e-14 of
    // ‖Ŝ‖²), in several phases of both models.
    void measuredTermsAddUpToTheExcessRisk()
    {
        struct Case {
            sl::ModelKind model;
            int d;
            long long n;
            double lambda;
        };
        const std::vector<Case> cases{
            {sl::ModelKind::Diagonal, 100, 30, 0.01},  // IV
            {sl::ModelKind::Diagonal, 100, 100, 0.01},  // V
            {sl::ModelKind::Diagonal, 100, 800, 0.05},  // VI
            {sl::ModelKind::Diagonal, 100, 300, 10.0},  // II
            {sl::ModelKind::Diagonal, 100, 50, 1000.0},  // Ib (everything cut)
            {sl::ModelKind::Quadratic, 16, 40, 0.01}, {sl::ModelKind::Quadratic, 16, 80, 0.05},  // near the peak
            {sl::ModelKind::Quadratic, 16, 400, 0.05}, {sl::ModelKind::Quadratic, 16, 200, 3.0},  // regularised
        };
        for (const Case& c : cases) {
            const sl::Problem p = problem(c.model, c.d, c.n, c.lambda, 7);
            sl::ErrorDecomposition dec;
            double measured = 0;
            if (c.model == sl::ModelKind::Diagonal) {
                const Eigen::VectorXd theta = lasso(p);
                dec = sl::decomposeDiagonal(theta, p.teacher.spectrum);
                measured = sl::diagonalExcessRisk(theta, p.teacher);
            } else {
                const Eigen::MatrixXd S = nuclear(p);
                dec = sl::decomposeQuadratic(S, p.teacher.spectrum, p.teacher.rotation);
                measured = 2 * sl::matrixMse(S, p.teacher);
            }
            QVERIFY2(dec.ok(), dec.message.c_str());
            QVERIFY2(relative(dec.terms.total(), measured) < 1e-10,
                qPrintable(QStringLiteral("d=%1 n=%2 λ=%3: %4 vs %5")
                               .arg(c.d)
                               .arg(c.n)
                               .arg(c.lambda)
                               .arg(dec.terms.total(), 0, 'g', 17)
                               .arg(measured, 0, 'g', 17)));
            QVERIFY(dec.terms.underfitting >= 0);
        }
    }

    // The overlap bookkeeping against the split written with explicit projectors (an independent formula).
    void quadraticSplitMatchesProjectorFormula()
    {
        const sl::Problem p = problem(sl::ModelKind::Quadratic, 16, 80, 0.05, 3);
        const Eigen::MatrixXd S = nuclear(p);
        const sl::ErrorDecomposition dec = sl::decomposeQuadratic(S, p.teacher.spectrum, p.teacher.rotation);
        QVERIFY(dec.ok());
        const double edge = dec.bulkFound ? dec.bulkEdge : 1e-6 * S.eigenvalues().cwiseAbs().maxCoeff();
        const sl::ErrorTerms ref = projectorSplit(S, p.teacher, edge);
        const double scale = dec.terms.total();
        QVERIFY(std::abs(dec.terms.overfitting - ref.overfitting) < 1e-11 * scale);
        QVERIFY(std::abs(dec.terms.underfitting - ref.underfitting) < 1e-11 * scale);
        QVERIFY(std::abs(dec.terms.approximation - ref.approximation) < 1e-11 * scale);
        // Pruned risk against the pruned matrix built explicitly.
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(S);
        const Eigen::VectorXd pruned = (eig.eigenvalues().array() - dec.pruningThreshold).max(0.0).matrix();
        const Eigen::MatrixXd sp = eig.eigenvectors() * pruned.asDiagonal() * eig.eigenvectors().transpose();
        QVERIFY(relative(dec.prunedExcessRisk, 2 * sl::matrixMse(sp, p.teacher)) < 1e-10);
    }

    // A hand-made diagonal case: a bulk of small values and three spikes; terms by hand.
    void diagonalHandExample()
    {
        const int d = 40;
        Eigen::VectorXd theta(d), teacher(d);
        sl::Rng rng(5);
        for (int i = 0; i < d; ++i) {
            teacher[i] = i < 3 ? 10.0 - 2 * i : 0.05 * rng.normal();
            theta[i] = i < 3 ? teacher[i] - 0.5 : 0.3 * rng.normal();
        }
        const sl::ErrorDecomposition dec = sl::decomposeDiagonal(theta, teacher);
        QVERIFY(dec.ok());
        QCOMPARE(dec.spikes, 3);
        double over = 0, under = 0, approx = 0;
        for (int i = 0; i < d; ++i) {
            if (i < 3) {
                approx += std::pow(theta[i] - teacher[i], 2);
            } else {
                over += theta[i] * theta[i] - 2 * theta[i] * teacher[i];
                under += teacher[i] * teacher[i];
            }
        }
        QVERIFY(std::abs(dec.terms.approximation - approx / d) < 1e-14);
        QVERIFY(std::abs(dec.terms.overfitting - over / d) < 1e-14);
        QVERIFY(std::abs(dec.terms.underfitting - under / d) < 1e-14);
        // Pruning at the edge removes the bulk entirely and shrinks the spikes by the edge.
        double pruned = 0;
        for (int i = 0; i < d; ++i) {
            const double x = std::copysign(std::max(std::abs(theta[i]) - dec.pruningThreshold, 0.0), theta[i]);
            pruned += std::pow(x - teacher[i], 2);
        }
        QVERIFY(std::abs(dec.prunedExcessRisk - pruned / d) < 1e-13);
    }

    // Closed-form truncated moments: at c = t they are E η² and E η (so E(η − θ)² is lassoMoments'), and for
    // c > t against an independent Monte Carlo (2·10⁵ draws: standard error ≤ 3e-3 of the scale 1 + |moment|;
    // 1.5e-2 tolerance, five standard errors).
    void truncatedMomentsAreRight()
    {
        for (double theta : {-2.0, 0.0, 0.3, 1.5, 6.0}) {
            const double delta = 1.1, t = 0.4;
            const sl::TruncatedMoments m = sl::softThresholdTruncatedMoments(theta, delta, t, t);
            Eigen::VectorXd one(1);
            one[0] = theta;
            const double mse = sl::lassoMoments(one, sl::LassoTeacherMode::Amplitudes, delta, t).mse;
            QVERIFY(std::abs(m.second - 2 * theta * m.first + theta * theta - mse) < 1e-12 * (1 + mse));
            const double c = 1.7;
            const sl::TruncatedMoments mc = sl::softThresholdTruncatedMoments(theta, delta, t, c);
            sl::Rng rng(11);
            double s2 = 0, s1 = 0;
            const int draws = 200000;
            for (int k = 0; k < draws; ++k) {
                const double y = theta + delta * rng.normal();
                if (std::abs(y) > c) {
                    const double eta = std::copysign(std::abs(y) - t, y);
                    s2 += eta * eta;
                    s1 += eta;
                }
            }
            QVERIFY2(std::abs(s2 / draws - mc.second) < 1.5e-2 * (1 + mc.second), qPrintable(QString::number(theta)));
            QVERIFY2(std::abs(s1 / draws - mc.first) < 1.5e-2 * (1 + std::abs(mc.first)),
                qPrintable(QString::number(theta)));
        }
    }

    // δ²∫_{τ/δ}^2 μ_sc (x − τ/δ)²: at τ = 0 half the second moment (δ²/2), at τ = −2δ the full second moment plus
    // (2δ)² ... i.e. δ²(1 + 4) = 5δ², and 0 at τ ≥ 2δ.
    void semicircleBulkMass()
    {
        QVERIFY(std::abs(sl::semicircleBulkMass(1.3, 0.0) - 0.5 * 1.69) < 1e-9);
        QVERIFY(std::abs(sl::semicircleBulkMass(0.7, -1.4) - 5 * 0.49) < 1e-9);
        QCOMPARE(sl::semicircleBulkMass(0.7, 1.4), 0.0);
    }

    // The predicted diagonal terms add up to the state evolution's risk (closed forms given the edge), and the
    // asymptotic per-coordinate split too (it is exact by construction for LASSO).
    void predictedDiagonalAddsUpToStateEvolution()
    {
        for (double alpha : {0.3, 1.0, 3.0}) {
            sl::LassoStateEvolutionConfig c;
            c.teacher = sl::lassoDeterministicAmplitudes(100, 1.0);
            c.alpha = alpha;
            c.lambda = 0.05;
            const sl::LassoStateEvolutionResult r = sl::LassoStateEvolution(c).run();
            QVERIFY(r.ok());
            const sl::PredictedDecomposition p = sl::predictDiagonalDecomposition(c, r);
            QVERIFY2(p.ok(), p.message.c_str());
            QVERIFY(relative(p.terms.total(), r.risk) < 1e-10);
            QVERIFY(relative(p.asymptotic.total(), r.risk) < 1e-10);
            QVERIFY(p.prunedExcessRisk > 0);
        }
    }

    // The predicted quadratic terms are averages over the state evolution's own samples: they add up to its risk.
    void predictedQuadraticAddsUpToStateEvolution()
    {
        for (double alphaQ : {0.2, 0.8}) {
            sl::MatrixStateEvolutionConfig c;
            c.spectrum = sl::powerLawSpectrum(20, 1.0);
            c.alphaQ = alphaQ;
            c.lambda = 0.05;
            c.samples = 8;
            const sl::MatrixStateEvolutionResult r = sl::MatrixStateEvolution(c).run();
            QVERIFY(r.ok());
            const sl::PredictedDecomposition p = sl::predictQuadraticDecomposition(c, r);
            QVERIFY2(p.ok(), p.message.c_str());
            QVERIFY2(relative(p.terms.total(), r.testExcessRisk) < 1e-10,
                qPrintable(
                    QStringLiteral("%1 vs %2").arg(p.terms.total(), 0, 'g', 17).arg(r.testExcessRisk, 0, 'g', 17)));
            QVERIFY(std::isfinite(p.asymptotic.total()));
        }
    }

    // Bad input: non-finite weights (a diverged run) give a message, not numbers; wrong sizes throw.
    void badInput()
    {
        Eigen::VectorXd theta = Eigen::VectorXd::Ones(10), teacher = Eigen::VectorXd::Ones(10);
        theta[3] = std::nan("");
        const sl::ErrorDecomposition dec = sl::decomposeDiagonal(theta, teacher);
        QVERIFY(!dec.ok());
        QVERIFY(std::isnan(dec.terms.overfitting));
        QVERIFY(QString::fromStdString(dec.message).contains(QStringLiteral("not finite")));
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::decomposeDiagonal(Eigen::VectorXd::Ones(3), teacher));
        Eigen::MatrixXd S = Eigen::MatrixXd::Identity(4, 4);
        S(1, 1) = std::numeric_limits<double>::infinity();
        QVERIFY(!sl::decomposeQuadratic(S, Eigen::VectorXd::Ones(4), Eigen::MatrixXd::Identity(4, 4)).ok());
    }
};

QTEST_APPLESS_MAIN(TestErrorDecomposition)
#include "test_error_decomposition.moc"
