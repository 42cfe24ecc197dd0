// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/asymptotic_matrix_state_evolution.h"

#include "core/common/power_law.h"
#include "core/common/validation.h"
#include "core/theory/matrix_state_evolution.h"

#include <QObject>
#include <QString>
#include <QStringLiteral>
#include <QTest>
#include <cmath>

namespace {

// ∫ f dμ_sc,δ by Gauss–Chebyshev of the second kind on [−2δ, 2δ]: independent of the law's own quadrature.
template <class F>
double semicircleAverage(double delta, F&& f, int n = 4000)
{
    double total = 0;
    for (int k = 1; k <= n; ++k) {
        const double th = k * M_PI / (n + 1);
        const double x = 2 * delta * std::cos(th);
        total += std::pow(std::sin(th), 2) * f(x);
    }
    return total * 2 / (n + 1);  // ∫ f(2δ cos θ) (2/π) sin²θ dθ
}

}  // namespace

class TestAsymptoticMatrixStateEvolution : public QObject {
    Q_OBJECT

private slots:
    // Exact identities of the free convolution: mass 1, mean (1/d)Σ s_i (Tr Z = 0), second moment Q* + δ². With 600
    // bulk nodes they hold to 1e-4 (the bulk's fine structure near the last merged eigenvalues at small δ); with
    // 2400 nodes to 1e-5: what remains is the outliers' shape beyond their mean and variance, O(δ²k/d²).
    void lawMoments()
    {
        for (long long d : {400LL, 20000LL}) {
            const sl::WeightedSpectrum t = sl::powerLawWeightedSpectrum(d, 1.0, 1024);
            QVERIFY(std::abs(t.weights.dot(t.values.cwiseAbs2()) / t.dimension - 1) < 1e-12);
            const double mean = t.weights.dot(t.values) / t.dimension;
            for (double delta : {0.05, 0.3, 1.0}) {
                for (auto [nodes, tol] : {std::pair{600, 1e-4}, {2400, 1e-5}}) {
                    const sl::DeformedSemicircleLaw law = sl::deformedSemicircleLaw(t, delta, nodes);
                    QVERIFY2(std::abs(law.totalMass() - 1) < tol, qPrintable(QString::number(law.totalMass() - 1)));
                    QVERIFY(std::abs(law.mean() - mean) < tol);
                    QVERIFY(std::abs(law.secondMoment() - (1 + delta * delta)) < tol);
                    QVERIFY(law.outliers > 0);
                    QVERIFY(std::abs(law.bulkMass + double(law.outliers) / double(d) - 1) < tol);
                    // lawMatrixMse is Q* − J − 2τr̄ + 2δ²D summed without the cancellation.
                    for (double tau : {0.0, 0.2, 1.5}) {
                        const double D = sl::lawDivergence(law, tau);
                        const double direct
                            = 1 - sl::lawJ(law, tau) - 2 * tau * sl::lawMeanExcess(law, tau) + 2 * delta * delta * D;
                        QVERIFY(std::abs(sl::lawMatrixMse(law, tau, D) - direct) < 1e-12);
                    }
                }
            }
        }
    }

    // Pure semicircle (teacher 0): edges ±2δ, J(0) = δ²/2, and D against a direct double integral. A single spike
    // θ > δ on it separates at θ + δ²/θ (BBP), up to the 1/d of its own weight.
    void semicircleAndOneSpike()
    {
        const double delta = 0.7;
        const sl::DeformedSemicircleLaw sc
            = sl::deformedSemicircleLaw(sl::explicitWeightedSpectrum(Eigen::VectorXd::Zero(50)), delta, 800);
        QCOMPARE(sc.outliers, 0);
        QVERIFY(std::abs(sc.bulkLeft + 2 * delta) < 1e-10 && std::abs(sc.bulkRight - 2 * delta) < 1e-10);
        QVERIFY(std::abs(sl::lawJ(sc, 0) - delta * delta / 2) < 1e-6);
        for (double tau : {-0.5, 0.0, 0.4, 1.2}) {
            const double J = semicircleAverage(delta, [&](double x) { return std::pow(std::max(x - tau, 0.0), 2); });
            QVERIFY(std::abs(sl::lawJ(sc, tau) - J) < 1e-6);
            // D by the product Gauss–Chebyshev rule (coarser, independent nodes).
            const int n = 700;
            double D = 0;
            for (int i = 1; i <= n; ++i)
                for (int j = 1; j <= n; ++j) {
                    const double ti = i * M_PI / (n + 1), tj = j * M_PI / (n + 1);
                    const double x = 2 * delta * std::cos(ti), y = 2 * delta * std::cos(tj);
                    const double fx = std::max(x - tau, 0.0), fy = std::max(y - tau, 0.0);
                    const double q = i == j ? (x > tau ? 1.0 : 0.0) : (fx - fy) / (x - y);
                    D += std::pow(std::sin(ti) * std::sin(tj), 2) * q;
                }
            D *= std::pow(2.0 / (n + 1), 2);
            QVERIFY2(std::abs(sl::lawDivergence(sc, tau) - D) < 2e-4,
                qPrintable(QStringLiteral("τ %1: %2 vs %3").arg(tau).arg(sl::lawDivergence(sc, tau)).arg(D)));
        }
        const int d = 1000;
        const double theta = 3 * delta;
        Eigen::VectorXd s = Eigen::VectorXd::Zero(d);
        s[0] = theta;
        const sl::DeformedSemicircleLaw spike = sl::deformedSemicircleLaw(sl::explicitWeightedSpectrum(s), delta, 600);
        QCOMPARE(spike.outliers, 1);
        const double expected = theta + delta * delta * (d - 1.0) / d / theta;
        const std::size_t last = spike.x.size() - 1;
        QVERIFY(std::abs(0.5 * (spike.x[last] + spike.x[last - 1]) - expected) < 1e-12);
        QVERIFY(std::abs(spike.w[last] + spike.w[last - 1] - 1.0 / d) < 1e-15);
        QVERIFY(std::abs(0.5 * (spike.x[last] - spike.x[last - 1]) - delta / std::sqrt(double(d))) < 1e-12);
        // Below the threshold θ < δ the spike stays in the bulk.
        s[0] = 0.5 * delta;
        QCOMPARE(sl::deformedSemicircleLaw(sl::explicitWeightedSpectrum(s), delta, 600).outliers, 0);
    }

    // The compressed power-law teacher (1024 exact eigenvalues + quadrature) gives the fixed point of the full one.
    void compressedTeacherMatchesFull()
    {
        sl::AsymptoticMatrixStateEvolutionConfig c;
        c.dimension = 3000;
        c.gamma = 1.0;
        c.alphaQ = 0.5;
        c.lambda = 0.5;
        const auto compressed = sl::AsymptoticMatrixStateEvolution(c).run();
        c.spectrum = sl::powerLawSpectrum(3000, 1.0);
        const auto full = sl::AsymptoticMatrixStateEvolution(c).run();
        QVERIFY(compressed.ok() && full.ok());
        QVERIFY2(std::abs(compressed.matrixMse / full.matrixMse - 1) < 1e-4,
            qPrintable(QString::number(compressed.matrixMse / full.matrixMse - 1)));
        QVERIFY(std::abs(compressed.delta / full.delta - 1) < 1e-5);
    }

    // Against the finite-d Monte Carlo state evolution at d = 400 (γ = 1, Δ = 0.5, α_q = 0.5, λ = 0.5): E_mat within
    // 2%. K = 2 GOE samples, warm-started at the asymptotic fixed point (same fixed point, fewer decompositions): each
    // d = 400 sample costs ~0.1 s per δ-iteration, and the finite-d risk's sampling error at K = 2 is ~0.3%, far
    // below the tolerance (docs/theory/exponents.md §4 has K = 8 and d = 200…800).
    void agreesWithFiniteDimension()
    {
        sl::AsymptoticMatrixStateEvolutionConfig c;
        c.dimension = 400;
        c.gamma = 1.0;
        c.alphaQ = 0.5;
        c.lambda = 0.5;
        c.noise = 0.5;
        const auto asym = sl::AsymptoticMatrixStateEvolution(c).run();
        QVERIFY(asym.ok());
        sl::MatrixStateEvolutionConfig m;
        m.spectrum = sl::powerLawSpectrum(400, 1.0);
        m.alphaQ = c.alphaQ;
        m.lambda = c.lambda;
        m.noise = c.noise;
        m.samples = 2;
        m.initialDelta = asym.delta;
        m.initialEpsilon = asym.epsilon;
        const auto finite = sl::MatrixStateEvolution(m).run();
        QVERIFY(finite.ok());
        QVERIFY2(std::abs(asym.matrixMse / finite.matrixMse - 1) < 0.02,
            qPrintable(QStringLiteral("%1 vs %2").arg(asym.matrixMse).arg(finite.matrixMse)));
        QVERIFY(std::abs(asym.delta / finite.delta - 1) < 0.01);
        QVERIFY(std::abs(asym.epsilon / finite.epsilon - 1) < 0.02);
    }

    void validationAndCancel()
    {
        sl::AsymptoticMatrixStateEvolutionConfig c;
        c.lambda = 0;
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::AsymptoticMatrixStateEvolution{c});
        c.lambda = 1;
        c.gamma = 0.4;
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::AsymptoticMatrixStateEvolution{c});
        c.gamma = 1;
        c.alphaQ = std::nan("");
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::AsymptoticMatrixStateEvolution{c});
        c.alphaQ = 0.5;
        sl::CancelToken cancel;
        cancel.cancel();
        QCOMPARE(sl::AsymptoticMatrixStateEvolution(c).run({}, cancel).status, sl::Status::Cancelled);
    }
};

QTEST_APPLESS_MAIN(TestAsymptoticMatrixStateEvolution)
#include "test_asymptotic_matrix_state_evolution.moc"
