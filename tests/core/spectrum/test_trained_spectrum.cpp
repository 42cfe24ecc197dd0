// SPDX-License-Identifier: GPL-3.0-or-later
// core/spectrum/trained_spectrum: numerical zeros are the point mass at 0, and the tail fit keeps out of them and
// out of a noise bulk (arXiv:2509.24882 Result 2; docs/theory/spectra.md).
#include "core/spectrum/spectrum.h"
#include "core/spectrum/trained_spectrum.h"

#include <QObject>
#include <QString>
#include <QTest>

#include <cmath>
#include <random>

class TestTrainedSpectrum : public QObject {
    Q_OBJECT

    // ReLU(diag(s) + δZ − τ) at d = 300, Z a GOE matrix on [−2, 2]: a semicircle bulk of edge ≈ 2δ − τ = 1.5 plus
    // the teacher outliers s_i > δ (≈ 13 of them), with every clipped eigenvalue replaced by a "numerical zero"
    // 10^u, u uniform in [−15, −8], as a trained network leaves them. Returns the number of those zeros too.
    static Eigen::VectorXd bulkPlusSpikes(int& zeros)
    {
        const int d = 300;
        std::mt19937_64 rng(7);
        std::normal_distribution<double> g;
        std::uniform_real_distribution<double> u(-15, -8);
        Eigen::MatrixXd gauss(d, d);
        for (Eigen::Index i = 0; i < gauss.size(); ++i)
            gauss.data()[i] = g(rng);
        Eigen::MatrixXd y = (gauss + gauss.transpose()) / std::sqrt(2.0 * d);
        for (int i = 0; i < d; ++i)
            y(i, i) += std::sqrt(double(d)) / 1.28 / (i + 1.0);
        Eigen::VectorXd e = sl::symmetricEigenvalues(y).array() - 0.5;
        zeros = 0;
        for (Eigen::Index i = 0; i < e.size(); ++i) {
            if (e[i] <= 0) {
                e[i] = std::pow(10.0, u(rng));
                ++zeros;
            }
        }
        return e;
    }

private slots:
    void zerosAreRelativeToTheLargestValue()
    {
        Eigen::VectorXd x(7);
        x << 10, 1, 1e-3, 5e-7, 1e-12, 0, -1e-14;
        const sl::ZeroSplit split = sl::splitNumericalZeros(x);
        QCOMPARE(split.threshold, 10 * sl::kRelativeZeroTolerance);
        QCOMPARE(split.nZero, 4);
        QCOMPARE(split.nonZero.size(), Eigen::Index(3));
        QCOMPARE(split.nonZero[2], 1e-3);
        QCOMPARE(split.zeroFraction(), 4.0 / 7.0);
        // The same values ten times larger: the same split (a relative rule).
        QCOMPARE(sl::splitNumericalZeros(x * 10).nZero, 4);
        // All zero: everything is the point mass, nothing to fit.
        const sl::ZeroSplit none = sl::splitNumericalZeros(Eigen::VectorXd::Zero(5));
        QCOMPARE(none.nZero, 5);
        QCOMPARE(none.nonZero.size(), Eigen::Index(0));
        QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument, sl::splitNumericalZeros(Eigen::VectorXd::Constant(3, std::nan(""))));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sl::splitNumericalZeros(x, 1.0));
    }

    void aBulkWithSpikesIsNotFittedIntoTheBulkOrTheZeros()
    {
        int zeros = 0;
        const Eigen::VectorXd e = bulkPlusSpikes(zeros);
        QVERIFY(zeros > 50);
        // What the app did before: the plain fit on every value, which takes numerical zeros and bulk for a tail.
        const sl::TailFit plain = sl::fitPowerLawTail(e);
        const sl::TrainedSpectrumFit fit = sl::fitTrainedSpectrum(e);
        QCOMPARE(fit.zeros.nZero, zeros);
        QCOMPARE(fit.bulk.status, sl::Status::Converged);
        // The edge of the deformed semicircle: above 2δ − τ = 1.5, since the teacher eigenvalues left inside the bulk
        // widen it (free convolution), and below the largest few outliers.
        QVERIFY2(fit.bulk.edge > 1.5 && fit.bulk.edge < 3.0, qPrintable(QString::number(fit.bulk.edge)));
        QVERIFY2(fit.bulk.nOutliers >= 5 && fit.bulk.nOutliers <= 20, qPrintable(QString::number(fit.bulk.nOutliers)));
        QVERIFY2(plain.status == sl::Status::Converged && plain.xmin < fit.bulk.edge, plain.message.c_str());
        QVERIFY(fit.aboveBulkEdge);
        // About 13 outliers remain above the edge, fewer than the fit's 50: reported, not fitted.
        QCOMPARE(fit.tail.status, sl::Status::Invalid);
        QVERIFY2(QString::fromStdString(fit.tail.message).contains("above the bulk edge"), fit.tail.message.c_str());
        QVERIFY(fit.tail.nUsed == fit.bulk.nOutliers);
        // With a lower minimum the spikes themselves are fitted, all above the edge.
        sl::TailFitConfig few;
        few.minTail = 5;
        const sl::TrainedSpectrumFit spikes = sl::fitTrainedSpectrum(e, few);
        QCOMPARE(spikes.tail.status, sl::Status::Converged);
        QVERIFY(spikes.tail.xmin > spikes.bulk.edge);
    }

    void aHeavyTailWithZerosIsFittedWhole()
    {
        // Pareto quantiles with α = 2.5 (400 values, x ≥ 1) and 100 numerical zeros: phase III's "spike at 0 plus a
        // full power law". The fit must see exactly the 400 and find α, unrestricted by the bulk detector.
        const int n = 400;
        const double alpha = 2.5;
        Eigen::VectorXd x(n + 100);
        for (int i = 0; i < n; ++i)
            x[i] = std::pow((i + 0.5) / n, -1.0 / (alpha - 1));
        for (int i = 0; i < 100; ++i)
            x[n + i] = 1e-14 * (i + 1);
        const sl::TrainedSpectrumFit fit = sl::fitTrainedSpectrum(x);
        QCOMPARE(fit.zeros.nZero, 100);
        QCOMPARE(fit.tail.status, sl::Status::Converged);
        QVERIFY(!fit.aboveBulkEdge);
        QCOMPARE(fit.tail.nUsed, n);
        QVERIFY2(std::abs(fit.tail.alpha - alpha) < 0.15, qPrintable(QString::number(fit.tail.alpha)));
        QVERIFY(fit.tail.nTail >= n / 2);
    }
};

QTEST_MAIN(TestTrainedSpectrum)
#include "test_trained_spectrum.moc"
