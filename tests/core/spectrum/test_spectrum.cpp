// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/rng.h"
#include "core/common/validation.h"
#include "core/spectrum/spectrum.h"

#include <QObject>
#include <QString>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <optional>

namespace {

// Haar-ish orthogonal matrix: Q of the QR of a Gaussian matrix.
Eigen::MatrixXd orthogonal(sl::Rng& rng, int d)
{
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(rng.normalMatrix(d, d));
    return qr.householderQ() * Eigen::MatrixXd::Identity(d, d);
}

// GOE with semicircle on [−2, 2]: off-diagonal variance 1/n.
Eigen::MatrixXd goe(sl::Rng& rng, int n)
{
    const Eigen::MatrixXd a = rng.normalMatrix(n, n);
    return (a + a.transpose()) / std::sqrt(2.0 * n);
}

double integral(const sl::Histogram& h)
{
    double s = 0;
    for (std::size_t b = 0; b < h.counts.size(); ++b)
        s += h.density[b] * (h.edges[b + 1] - h.edges[b]);
    return s;
}

double countSum(const sl::Histogram& h)
{
    double s = 0;
    for (double c : h.counts)
        s += c;
    return s;
}

bool ascending(const Eigen::VectorXd& v)
{
    return std::is_sorted(v.data(), v.data() + v.size());
}

double relativeError(const Eigen::VectorXd& got, const Eigen::VectorXd& expected)
{
    return (got - expected).cwiseAbs().maxCoeff() / expected.cwiseAbs().maxCoeff();
}

Eigen::VectorXd eigenSolverValues(const Eigen::MatrixXd& m)
{
    return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(m, Eigen::EigenvaluesOnly).eigenvalues();
}

// Above sl::kLapackEigenvalueCrossover, so symmetricEigenvalues takes the LAPACK path.
constexpr int kLapackSize = 450;

}  // namespace

class TestSpectrum : public QObject {
    Q_OBJECT

private slots:
    void symmetricEigenvaluesOfARotatedDiagonal()
    {
        sl::Rng rng(1);
        const int d = 60;
        Eigen::VectorXd lambda(d);
        for (int i = 0; i < d; ++i)
            lambda[i] = std::pow(i + 1.0, -1.2) * (i % 3 == 0 ? -1 : 1);
        const Eigen::MatrixXd q = orthogonal(rng, d);
        Eigen::MatrixXd m = q * lambda.asDiagonal() * q.transpose();
        m = 0.5 * (m + m.transpose());
        const Eigen::VectorXd got = sl::symmetricEigenvalues(m);
        Eigen::VectorXd expected = lambda;
        std::sort(expected.data(), expected.data() + d);
        QVERIFY((got - expected).cwiseAbs().maxCoeff() < 1e-12);

        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::symmetricEigenvalues(Eigen::MatrixXd::Ones(3, 4)));
        Eigen::MatrixXd skew = Eigen::MatrixXd::Identity(3, 3);
        skew(0, 1) = 0.5;
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::symmetricEigenvalues(skew));
        skew(0, 1) = std::numeric_limits<double>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::symmetricEigenvalues(skew));
    }

    void lapackEigenvaluesOfARotatedDiagonal()
    {
        static_assert(kLapackSize > sl::kLapackEigenvalueCrossover);
        sl::Rng rng(11);
        const int d = kLapackSize;
        // Distinct, both signs, four decades of magnitude, in no particular order.
        Eigen::VectorXd lambda(d);
        for (int i = 0; i < d; ++i)
            lambda[i] = (i % 2 == 0 ? 1.0 : -0.5) * std::pow(10.0, -4.0 * ((i * 7919) % d) / d) + 1e-3 * i;
        const Eigen::MatrixXd q = orthogonal(rng, d);
        Eigen::MatrixXd m = q * lambda.asDiagonal() * q.transpose();
        m = 0.5 * (m + m.transpose());
        Eigen::VectorXd expected = lambda;
        std::sort(expected.data(), expected.data() + d);
        QVERIFY(std::adjacent_find(expected.data(), expected.data() + d) == expected.data() + d);

        const std::optional<Eigen::VectorXd> lapack = sl::detail::lapackSymmetricEigenvalues(m);
        QVERIFY2(lapack.has_value(), "dsyevd reported failure");
        QCOMPARE(int(lapack->size()), d);
        QVERIFY(ascending(*lapack));
        QVERIFY2(
            relativeError(*lapack, expected) < 1e-10, qPrintable(QString::number(relativeError(*lapack, expected))));

        // The public function took the LAPACK path: the very same values, not merely close ones from Eigen.
        const Eigen::VectorXd got = sl::symmetricEigenvalues(m);
        QVERIFY(got == *lapack);
        QVERIFY(!(eigenSolverValues(m) == got));  // otherwise the line above would not tell the engines apart
    }

    void lapackEigenvaluesAgreeWithEigensSolver()
    {
        for (std::uint64_t seed : {12, 13}) {
            sl::Rng rng(seed);
            Eigen::MatrixXd m = goe(rng, kLapackSize);
            m(0, 0) += 5.0;  // a spike well outside the semicircle
            const Eigen::VectorXd got = sl::symmetricEigenvalues(m);
            const Eigen::VectorXd reference = eigenSolverValues(m);
            QVERIFY(ascending(got));
            QVERIFY2(relativeError(got, reference) < 1e-10, qPrintable(QString::number(relativeError(got, reference))));
            QVERIFY(std::abs(got.sum() - m.trace()) < 1e-10 * got.cwiseAbs().sum());
            QVERIFY(std::abs(got[kLapackSize - 1] - (5.0 + 1.0 / 5.0)) < 0.3);  // BBP position s + 1/s
        }
    }

    void bothSidesOfTheCrossoverAreAscendingAndAgree()
    {
        sl::Rng rng(14);
        for (Eigen::Index d : {sl::kLapackEigenvalueCrossover - 1, sl::kLapackEigenvalueCrossover}) {
            const Eigen::MatrixXd m = goe(rng, int(d));
            const Eigen::VectorXd got = sl::symmetricEigenvalues(m);
            QCOMPARE(got.size(), d);
            QVERIFY(ascending(got));
            const std::optional<Eigen::VectorXd> lapack = sl::detail::lapackSymmetricEigenvalues(m);
            QVERIFY(lapack.has_value());
            const Eigen::VectorXd eigen = eigenSolverValues(m);
            QVERIFY(relativeError(*lapack, eigen) < 1e-10);
            // Below the crossover Eigen answers, from it on LAPACK.
            if (d < sl::kLapackEigenvalueCrossover)
                QVERIFY(got == eigen);
            else
                QVERIFY(got == *lapack);
        }
    }

    void wishartSampleCovarianceAboveTheCrossover()
    {
        // C = XᵀX/n, X n×d Gaussian, d/n = 1/2: Marchenko–Pastur on [(1 − √(1/2))², (1 + √(1/2))²]. The squared
        // singular values of X/√n are the same eigenvalues from an independent algorithm (SVD, never forming C).
        sl::Rng rng(15);
        const int n = 1000, d = 500;
        const Eigen::MatrixXd x = rng.normalMatrix(n, d);
        Eigen::MatrixXd c = x.transpose() * x / double(n);
        c = 0.5 * (c + c.transpose());
        const Eigen::VectorXd got = sl::symmetricEigenvalues(c);
        QCOMPARE(int(got.size()), d);
        QVERIFY(ascending(got));
        const Eigen::VectorXd reference = sl::gramEigenvalues(x) / double(n);
        QVERIFY2(relativeError(got, reference) < 1e-10, qPrintable(QString::number(relativeError(got, reference))));
        QVERIFY(got[0] > 0);
        QVERIFY(std::abs(got[0] - std::pow(1 - std::sqrt(0.5), 2)) < 0.03);
        QVERIFY(std::abs(got[d - 1] - std::pow(1 + std::sqrt(0.5), 2)) < 0.1);
    }

    void gramEigenvaluesAreSquaredSingularValues()
    {
        sl::Rng rng(2);
        for (auto [rows, cols] : {std::pair{40, 25}, std::pair{12, 25}}) {
            const Eigen::MatrixXd w = rng.normalMatrix(rows, cols);
            const Eigen::VectorXd got = sl::gramEigenvalues(w);
            QCOMPARE(int(got.size()), cols);
            const Eigen::VectorXd ref = sl::symmetricEigenvalues(w.transpose() * w);
            QVERIFY((got - ref).cwiseAbs().maxCoeff() < 1e-10 * ref.cwiseAbs().maxCoeff());
            QVERIFY(std::is_sorted(got.data(), got.data() + got.size()));
            if (rows < cols)
                QVERIFY(got.head(cols - rows).isZero(0.0));  // the exact zeros, not round-off
            // Trace identity: Σ eigenvalues = ‖W‖_F².
            QVERIFY(std::abs(got.sum() - w.squaredNorm()) < 1e-10 * w.squaredNorm());
        }
        // Known singular values: W = U diag(σ) Vᵀ.
        const Eigen::MatrixXd u = orthogonal(rng, 8), v = orthogonal(rng, 8);
        const Eigen::VectorXd sigma = Eigen::VectorXd::LinSpaced(8, 0.5, 4.0);
        const Eigen::VectorXd got = sl::gramEigenvalues(u * sigma.asDiagonal() * v.transpose());
        QVERIFY((got - sigma.array().square().matrix()).cwiseAbs().maxCoeff() < 1e-12);
    }

    void diagonalSpectrumAndRankOrder()
    {
        Eigen::VectorXd theta(5);
        theta << -3, 0, 2, -0.5, 1;
        const Eigen::VectorXd s = sl::diagonalSpectrum(theta);
        QCOMPARE(s[0], 3.0);
        QCOMPARE(s[3], 0.5);
        const Eigen::VectorXd r = sl::rankOrdered(s);
        Eigen::VectorXd expected(5);
        expected << 3, 2, 1, 0.5, 0;
        QCOMPARE(r, expected);
    }

    void histogramsCountAndIntegrate()
    {
        sl::Rng rng(3);
        Eigen::VectorXd x(20000);
        for (int i = 0; i < x.size(); ++i)
            x[i] = rng.uniform() * 2.0;
        const sl::Histogram lin = sl::linearHistogram(x, 40);
        QCOMPARE(countSum(lin), 20000.0);
        QCOMPARE(lin.below + lin.above, 0LL);
        QVERIFY(std::abs(integral(lin) - 1.0) < 1e-12);
        // Uniform on [0, 2]: density 1/2 in every bin (binomial noise ~ 5% at 500 per bin).
        for (double d : lin.density)
            QVERIFY(std::abs(d - 0.5) < 0.1);

        const sl::Histogram lg = sl::logHistogram(x, 30);
        QCOMPARE(countSum(lg), 20000.0);
        QVERIFY(std::abs(integral(lg) - 1.0) < 1e-12);
        for (std::size_t b = 1; b < lg.edges.size(); ++b)  // equal ratios
            QVERIFY(std::abs(lg.edges[b] / lg.edges[b - 1] - lg.edges[1] / lg.edges[0]) < 1e-9);

        // Zeros (rank deficiency) fall below log bins: the rest integrates to the nonzero fraction.
        Eigen::VectorXd withZeros(25000);
        withZeros << x, Eigen::VectorXd::Zero(5000);
        const sl::Histogram z = sl::logHistogram(withZeros, 30);
        QCOMPARE(z.below, 5000LL);
        QVERIFY(std::abs(integral(z) - 0.8) < 1e-12);

        // Overlay on given edges: a Gaussian sample against its own density at bin centres.
        Eigen::VectorXd g(100000);
        for (int i = 0; i < g.size(); ++i)
            g[i] = rng.normal();
        const sl::Histogram h = sl::densityHistogram(g, sl::linearEdges(-2, 2, 20));
        QCOMPARE(double(h.below + h.above) + countSum(h), 100000.0);
        for (std::size_t b = 0; b < h.density.size(); ++b) {
            const double c = 0.5 * (h.edges[b] + h.edges[b + 1]);
            const double phi = std::exp(-0.5 * c * c) / std::sqrt(2 * M_PI);
            QVERIFY(std::abs(h.density[b] - phi) < 0.02);
        }
        // A value exactly on the last edge lands in the last bin.
        Eigen::VectorXd edge(2);
        edge << 0.0, 1.0;
        const sl::Histogram e = sl::densityHistogram(edge, {0.0, 0.5, 1.0});
        QCOMPARE(e.counts[0], 1.0);
        QCOMPARE(e.counts[1], 1.0);

        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::densityHistogram(g, {1.0, 1.0}));
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::logEdges(0.0, 1.0, 10));
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::logHistogram(-x, 10));
    }

    void bulkEdgeOfSpikedWigner()
    {
        // S* + δZ with δ = 1: semicircle edge 2δ = 2, spikes s > δ at s + δ²/s (BBP; docs/theory/spectra.md §1).
        const int n = 400;
        const double spikes[] = {3, 4, 6, 10, 20};
        for (std::uint64_t seed : {4, 5, 6}) {
            sl::Rng rng(seed);
            Eigen::MatrixXd m = goe(rng, n);
            for (int i = 0; i < 5; ++i)
                m(i, i) += spikes[i];
            const Eigen::VectorXd ev = sl::symmetricEigenvalues(m);
            sl::BulkEdgeConfig config;
            config.lambdaEpsilon = 0.0;
            const sl::BulkEdge bulk = sl::detectBulkEdge(ev, config);
            QCOMPARE(bulk.status, sl::Status::Converged);
            QCOMPARE(bulk.nOutliers, 5);
            QVERIFY2(std::abs(bulk.edge - 2.0) < 0.1, qPrintable(QString::number(bulk.edge)));
            QVERIFY(std::abs(bulk.delta - 1.0) < 0.05);
            // The outliers sit at the BBP positions.
            for (int i = 0; i < 5; ++i)
                QVERIFY(std::abs(ev[n - 5 + i] - (spikes[i] + 1 / spikes[i])) < 0.3);

            // After soft-thresholding at λε = 0.5 (the trained spectrum's shape, docs/theory/spectra.md §1): a spike at
            // 0, the bulk edge at 2δ − λε, and δ back from (edge + λε)/2 (docs/theory/spectra.md §7).
            Eigen::VectorXd trained = (ev.array() - 0.5).max(0.0);
            config.lambdaEpsilon = 0.5;
            const sl::BulkEdge cut = sl::detectBulkEdge(trained, config);
            QCOMPARE(cut.status, sl::Status::Converged);
            QCOMPARE(cut.nOutliers, 5);
            QVERIFY(cut.nZero > n / 2);
            QVERIFY2(std::abs(cut.delta - 1.0) < 0.05, qPrintable(QString::number(cut.delta)));
        }
    }

    void noOutliersInAPureMarchenkoPasturBulk()
    {
        // WᵀW/n with W n×p Gaussian, p/n = 1/2: MP edge (1 + √(1/2))² ≈ 2.914.
        for (std::uint64_t seed : {7, 8, 9}) {
            sl::Rng rng(seed);
            const Eigen::VectorXd ev = sl::gramEigenvalues(rng.normalMatrix(800, 400)) / 800.0;
            const sl::BulkEdge bulk = sl::detectBulkEdge(ev);
            QCOMPARE(bulk.status, sl::Status::Converged);
            QCOMPARE(bulk.nOutliers, 0);
            QVERIFY(std::abs(bulk.edge - std::pow(1 + std::sqrt(0.5), 2)) < 0.1);
            QVERIFY(std::isnan(bulk.delta));  // λε not given
            const sl::SpectralPhaseLabel label = sl::classifySpectrum(ev, bulk, nullptr);
            QCOMPARE(label.phase, sl::SpectralPhase::RandomLike);
        }
    }

    void phaseLabels()
    {
        // Rank collapse: everything cut.
        const Eigen::VectorXd zeros = Eigen::VectorXd::Zero(100);
        const sl::SpectralPhaseLabel collapse = sl::classifySpectrum(zeros, sl::detectBulkEdge(zeros), nullptr);
        QCOMPARE(collapse.phase, sl::SpectralPhase::RankCollapse);
        QVERIFY(collapse.inferred);

        // Bulk + spikes.
        sl::Rng rng(10);
        Eigen::MatrixXd m = goe(rng, 300);
        for (int i = 0; i < 4; ++i)
            m(i, i) += 4.0 + 3 * i;
        const Eigen::VectorXd ev = (sl::symmetricEigenvalues(m).array() - 0.3).max(0.0);
        const sl::BulkEdge bulk = sl::detectBulkEdge(ev);
        QCOMPARE(sl::classifySpectrum(ev, bulk, nullptr).phase, sl::SpectralPhase::BulkPlusSpikes);

        // Heavy-tailed: a power-law spectrum (teacher-like s_i ∝ i^(−γ), γ = 1 → density tail α = 2 by
        // docs/theory/spectra.md §6) whose tail fit covers all of it.
        const int d = 2000;
        Eigen::VectorXd s(d);
        for (int i = 0; i < d; ++i)
            s[i] = std::pow(i + 1.0, -1.0);
        sl::TailFitConfig config;
        config.xmin = s.minCoeff();
        const sl::TailFit tail = sl::fitPowerLawTail(s, config);
        QCOMPARE(tail.status, sl::Status::Converged);
        QVERIFY2(std::abs(tail.alpha - sl::predictedTailExponent(1.0).value) < 0.05,
            qPrintable(QString::number(tail.alpha)));
        const sl::SpectralPhaseLabel heavy = sl::classifySpectrum(s, sl::detectBulkEdge(s), &tail);
        QCOMPARE(heavy.phase, sl::SpectralPhase::HeavyTailed);
        // The same spectrum with a poor tail (a p-value below 0.1) is not called heavy-tailed.
        sl::TailFit poor = tail;
        poor.pValue = 0.01;
        QVERIFY(sl::classifySpectrum(s, sl::detectBulkEdge(s), &poor).phase != sl::SpectralPhase::HeavyTailed);
    }

    void predictedTailExponentIsInferred()
    {
        QCOMPARE(sl::predictedTailExponent(1.0).value, 2.0);
        QCOMPARE(sl::predictedTailExponent(0.5).value, 3.0);
        QCOMPARE(sl::predictedTailExponent(2.0).value, 1.5);
        QVERIFY(sl::predictedTailExponent(1.0).inferred);
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::predictedTailExponent(0.0));
    }
};

QTEST_APPLESS_MAIN(TestSpectrum)
#include "test_spectrum.moc"
