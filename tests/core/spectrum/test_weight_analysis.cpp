// SPDX-License-Identifier: GPL-3.0-or-later
// WeightWatcher-style analysis of one matrix (core/spectrum/weight_analysis.h) on matrices whose answers are
// known: the Marchenko–Pastur law's moments, a Wishart matrix (known bulk edge, no spikes), the same with planted
// rank-one spikes (known count), planted power-law singular values (known α, and γ for α = 1 + 1/γ).
#include "core/common/rng.h"
#include "core/common/validation.h"
#include "core/spectrum/weight_analysis.h"

#include <QObject>
#include <QString>
#include <QStringLiteral>
#include <QTest>

#include <cmath>

namespace {

// A random orthogonal n × n matrix (Q of a Gaussian matrix's QR, signs fixed so it is Haar distributed).
Eigen::MatrixXd orthogonal(int n, sl::Rng& rng)
{
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(rng.normalMatrix(n, n));
    Eigen::MatrixXd q = qr.householderQ();
    const Eigen::MatrixXd r = qr.matrixQR();
    for (int j = 0; j < n; ++j)
        if (r(j, j) < 0)
            q.col(j) *= -1;
    return q;
}

// W = U diag(√λ) Vᵀ: its ESD (eigenvalues of WᵀW) is exactly λ.
Eigen::MatrixXd withSpectrum(const Eigen::VectorXd& lambda, sl::Rng& rng)
{
    const int n = int(lambda.size());
    return orthogonal(n, rng) * lambda.cwiseSqrt().asDiagonal() * orthogonal(n, rng).transpose();
}

}  // namespace

class TestWeightAnalysis : public QObject {
    Q_OBJECT

private slots:
    // The law itself, against closed forms: support edges, E[x] = σ², E[x²] = σ⁴(1 + q), and cdf ∘ quantile = id.
    void marchenkoPasturMoments()
    {
        for (double q : {0.25, 0.5, 1.0}) {
            const sl::MarchenkoPastur mp{q, 2.0};
            QCOMPARE(mp.upperEdge(), 2.0 * (1 + std::sqrt(q)) * (1 + std::sqrt(q)));
            QCOMPARE(mp.cdf(mp.upperEdge()), 1.0);
            QCOMPARE(mp.cdf(mp.lowerEdge() * 0.999), 0.0);
            const int k = 20000;
            double m1 = 0, m2 = 0;
            for (int i = 0; i < k; ++i) {
                const double x = mp.quantile((i + 0.5) / k);
                m1 += x / k;
                m2 += x * x / k;
            }
            QVERIFY2(std::abs(m1 - 2.0) < 2e-3, qPrintable(QString::number(m1)));
            QVERIFY2(std::abs(m2 - 4.0 * (1 + q)) < 1e-2, qPrintable(QString::number(m2)));
            for (double p : {0.1, 0.5, 0.9})
                QVERIFY(std::abs(mp.cdf(mp.quantile(p)) - p) < 1e-6);
            // The density integrates (midpoint rule on x, independent of the cdf's quadrature) to the cdf.
            const double a = mp.lowerEdge(), x = mp.quantile(0.6);
            double integral = 0;
            const int steps = 200000;
            for (int i = 0; i < steps; ++i)
                integral += mp.density(a + (x - a) * (i + 0.5) / steps) * (x - a) / steps;
            QVERIFY2(std::abs(integral - 0.6) < 2e-3, qPrintable(QString::number(integral)));
        }
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, (sl::MarchenkoPastur{1.5, 1.0}.cdf(1.0)));
    }

    // W (N × M, i.i.d. N(0, v)): the ESD of WᵀW/N is MP with σ² = v and edge v(1 + √q)²; raw, N times that.
    void wishartHasTheKnownEdgeAndNoSpikes()
    {
        sl::Rng rng(11);
        const int n = 400, m = 200;
        const double v = 0.09, q = double(m) / n;
        const Eigen::MatrixXd w = std::sqrt(v) * rng.normalMatrix(n, m);
        sl::WeightAnalysisConfig config;
        config.normalize = true;
        const sl::WeightAnalysis a = sl::analyzeWeightMatrix(w, config);
        QCOMPARE(a.status, sl::Status::Converged);
        QCOMPARE(a.n, 400LL);
        QCOMPARE(a.m, 200LL);
        QCOMPARE(a.esd.size(), Eigen::Index(200));
        QCOMPARE(a.mp.status, sl::Status::Converged);
        QCOMPARE(a.mp.ratio, q);
        const double edge = v * (1 + std::sqrt(q)) * (1 + std::sqrt(q));
        QVERIFY2(std::abs(a.mp.edge / edge - 1) < 0.03, qPrintable(QString::number(a.mp.edge / edge)));
        QVERIFY2(std::abs(a.mp.variance / v - 1) < 0.03, qPrintable(QString::number(a.mp.variance)));
        QCOMPARE(a.mp.numSpikesBeyondFluctuations, 0);
        QVERIFY(a.mp.ks < 0.05);
        QCOMPARE(a.phase.phase, sl::SpectralPhase::RandomLike);
        QVERIFY(a.phase.inferred);
        QCOMPARE(QString::fromStdString(a.paperPhases), QStringLiteral("Ia or V"));
        // Norms: Σλ = ‖W‖_F²/N, λ_max = ‖W‖₂²/N, stable rank = their ratio (scale-free).
        QVERIFY(std::abs(a.norm - w.squaredNorm() / n) < 1e-9 * a.norm);
        const Eigen::JacobiSVD<Eigen::MatrixXd> svd(w);
        const double top = svd.singularValues()[0];
        QVERIFY(std::abs(a.lambdaMax - top * top / n) < 1e-9 * a.lambdaMax);
        QVERIFY(std::abs(a.svMax - std::sqrt(a.lambdaMax)) < 1e-12);
        QVERIFY(std::abs(a.stableRank - w.squaredNorm() / (top * top)) < 1e-9 * a.stableRank);
        QCOMPARE(a.matrixRank, m);

        // Raw ESD: everything in units N times larger; the scale-free numbers are unchanged.
        const sl::WeightAnalysis raw = sl::analyzeWeightMatrix(w);
        QVERIFY(std::abs(raw.mp.edge / (n * a.mp.edge) - 1) < 1e-9);
        QVERIFY(std::abs(raw.stableRank / a.stableRank - 1) < 1e-9);
        QVERIFY(std::abs(raw.tail.alpha - a.tail.alpha) < 1e-6);

        // A wide matrix (N < M) has the same ESD as its transpose: the min(N, M) nonzero eigenvalues.
        const sl::WeightAnalysis wide = sl::analyzeWeightMatrix(w.transpose(), config);
        QCOMPARE(wide.esd.size(), Eigen::Index(200));
        QVERIFY((wide.esd - a.esd).cwiseAbs().maxCoeff() < 1e-9 * a.lambdaMax);
    }

    // The two ESD engines (BDCSVD below kLapackEigenvalueCrossover, dsyrk + dsyevd_2stage from there) agree.
    void largeAndSmallEnginesAgree()
    {
        sl::Rng rng(3);
        const Eigen::MatrixXd w = rng.normalMatrix(260, 200);
        const Eigen::VectorXd lapack = sl::weightSpectrum(w, false);
        const Eigen::VectorXd svd = sl::gramEigenvalues(w);  // BDCSVD: cols values, ascending
        QCOMPARE(lapack.size(), svd.size());
        QVERIFY((lapack - svd).cwiseAbs().maxCoeff() < 1e-10 * svd.maxCoeff());
        const Eigen::MatrixXd gram = w.transpose() * w;
        const auto twoStage = sl::detail::lapackTwoStageEigenvalues(gram);
        QVERIFY(twoStage.has_value());
        QVERIFY((*twoStage - svd).cwiseAbs().maxCoeff() < 1e-10 * svd.maxCoeff());
    }

    // Wishart + three rank-one signals far above the edge: exactly three spikes, read as bulk+spikes.
    void plantedSpikesAreCounted()
    {
        sl::Rng rng(5);
        const int n = 500, m = 300;
        Eigen::MatrixXd w = rng.normalMatrix(n, m);
        const double edge = n * std::pow(1 + std::sqrt(double(m) / n), 2);
        for (double strength : {2.0, 3.0, 4.0}) {
            const Eigen::VectorXd u = rng.normalVector(n).normalized(), v = rng.normalVector(m).normalized();
            w += strength * std::sqrt(edge) * u * v.transpose();
        }
        const sl::WeightAnalysis a = sl::analyzeWeightMatrix(w);
        QCOMPARE(a.mp.numSpikesBeyondFluctuations, 3);
        QCOMPARE(a.mp.numSpikes, 3);
        QVERIFY2(std::abs(a.mp.edge / edge - 1) < 0.03, qPrintable(QString::number(a.mp.edge / edge)));
        QCOMPARE(a.phase.phase, sl::SpectralPhase::BulkPlusSpikes);
        QCOMPARE(QString::fromStdString(a.paperPhases), QStringLiteral("IV or VIa"));
        QVERIFY(a.mpSoftRank < 0.5);  // the top spike is well above the bulk
    }

    // Planted ESD λ_k = k^(−γ) (a teacher spectrum s_k ∝ k^(−γ)): the rank fit returns γ, and the Clauset α of the
    // ESD matches α = 1 + 1/γ (here γ = 1: α = 2) within its error.
    void plantedPowerLawRanks()
    {
        sl::Rng rng(8);
        const int n = 600;
        const double gamma = 1.0;
        Eigen::VectorXd lambda(n);
        for (int k = 1; k <= n; ++k)
            lambda[k - 1] = 50.0 * std::pow(double(k), -gamma);
        QVERIFY(std::abs(sl::rankPowerLawExponent(lambda, 0.0) - gamma) < 1e-12);
        const sl::WeightAnalysis a = sl::analyzeWeightMatrix(withSpectrum(lambda, rng));
        QCOMPARE(a.tail.status, sl::Status::Converged);
        QVERIFY2(std::abs(a.gammaFit - gamma) < 0.05, qPrintable(QString::number(a.gammaFit)));
        QVERIFY2(std::abs(a.alphaPredicted - 2.0) < 0.1, qPrintable(QString::number(a.alphaPredicted)));
        QVERIFY2(std::abs(a.tail.alpha - 2.0) < 3 * a.tail.sigma + 0.05, qPrintable(QString::number(a.tail.alpha)));
        QVERIFY(std::abs(a.alphaGapSigmas) < 3);
    }

    // Planted Pareto(α = 2.5) eigenvalues: the Clauset fit through the whole pipeline recovers α, the tail covers
    // the spectrum, and the reading is heavy-tailed (the paper's II, III or VIb).
    void plantedParetoTailIsHeavyTailed()
    {
        sl::Rng rng(21);
        const int n = 500;
        const double alpha = 2.5;
        Eigen::VectorXd lambda(n);
        for (int i = 0; i < n; ++i)
            lambda[i] = std::pow(rng.uniform(), -1.0 / (alpha - 1));  // x_min = 1
        const sl::WeightAnalysis a = sl::analyzeWeightMatrix(withSpectrum(lambda, rng));
        QCOMPARE(a.tail.status, sl::Status::Converged);
        QVERIFY2(std::abs(a.tail.alpha - alpha) < 3 * a.tail.sigma,
            qPrintable(QStringLiteral("%1 ± %2").arg(a.tail.alpha).arg(a.tail.sigma)));
        QCOMPARE(a.phase.phase, sl::SpectralPhase::HeavyTailed);
        QCOMPARE(QString::fromStdString(a.paperPhases), QStringLiteral("II, III or VIb"));
        QVERIFY(a.tail.vsExponential.computed);
        QVERIFY(a.tail.vsExponential.logLikelihoodRatio > 0);  // the power law beats the exponential
    }

    void rankCollapseAndRefusals()
    {
        const sl::WeightAnalysis zero = sl::analyzeWeightMatrix(Eigen::MatrixXd::Zero(30, 20));
        QCOMPARE(zero.phase.phase, sl::SpectralPhase::RankCollapse);
        QCOMPARE(zero.matrixRank, 0);
        QCOMPARE(zero.tail.status, sl::Status::Invalid);  // reported, not a number
        Eigen::MatrixXd bad = Eigen::MatrixXd::Ones(4, 4);
        bad(1, 2) = std::nan("");
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::analyzeWeightMatrix(bad));
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::analyzeWeightMatrix(Eigen::MatrixXd(0, 3)));
        sl::WeightAnalysisConfig config;
        config.tail.minTail = 1;
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::analyzeWeightMatrix(Eigen::MatrixXd::Ones(4, 4), config));
    }

    void cancelledBootstrapIsNotAResult()
    {
        sl::Rng rng(2);
        sl::WeightAnalysisConfig config;
        config.tail.bootstrapReplicates = 100000;
        config.tail.threads = 1;
        sl::CancelToken cancel;
        int calls = 0;
        const sl::WeightAnalysis a = sl::analyzeWeightMatrix(
            rng.normalMatrix(200, 200), config,
            [&](const sl::BootstrapProgress&) {
                if (++calls == 3)
                    cancel.cancel();
            },
            cancel);
        QCOMPARE(a.status, sl::Status::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TestWeightAnalysis)
#include "test_weight_analysis.moc"
