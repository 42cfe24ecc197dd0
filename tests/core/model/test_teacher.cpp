// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/teacher.h"

#include <QObject>
#include <QString>
#include <QTest>
#include <cmath>

namespace {

sl::ProblemConfig config(sl::ModelKind model, int d, double gamma)
{
    sl::ProblemConfig c;
    c.model = model;
    c.dimension = d;
    c.gamma = gamma;
    return c;
}

}  // namespace

class TestTeacher : public QObject {
    Q_OBJECT

private slots:
    void quadraticSpectrumIsNormalisedPowerLaw()
    {
        for (double gamma : {0.6, 1.0, 1.5}) {
            sl::Rng rng(3);
            const int d = 30;
            const sl::Teacher t = sl::makeTeacher(config(sl::ModelKind::Quadratic, d, gamma), rng);
            QCOMPARE(int(t.spectrum.size()), d);
            // s_i · i^γ is the same constant for every i (docs/theory/models.md §3).
            const double c = t.spectrum(0);
            for (int i = 0; i < d; ++i) {
                QVERIFY(std::abs(t.spectrum(i) * std::pow(i + 1.0, gamma) / c - 1.0) < 1e-12);
                if (i > 0)
                    QVERIFY(t.spectrum(i) < t.spectrum(i - 1));
            }
            // Q* = (1/d) Σ s_i² = 1.
            QVERIFY(std::abs(t.spectrum.squaredNorm() / d - 1.0) < 1e-12);
            QVERIFY(std::abs(t.riskAtZero() - 1.0) < 1e-12);
            // ... and so (1/d) Tr S*² = 1 as well.
            QVERIFY(std::abs(t.matrix.squaredNorm() / d - 1.0) < 1e-10);
        }
    }

    void largeDimensionMatchesZetaAsymptotics()
    {
        // docs/theory/models.md §3: s_i ≈ √d i^-γ / ζ(2γ)^(1/2) for large d; at γ = 1, ζ(2) = π²/6.
        const int d = 4000;
        const Eigen::VectorXd s = sl::powerLawSpectrum(d, 1.0);
        const double predicted = std::sqrt(double(d)) / std::sqrt(M_PI * M_PI / 6.0);
        QVERIFY2(std::abs(s(0) / predicted - 1.0) < 1e-3, qPrintable(QString::number(s(0) / predicted)));
    }

    void quadraticMatrixHasTheSpectrumAndAnOrthogonalBasis()
    {
        sl::Rng rng(11);
        const int d = 25;
        const sl::Teacher t = sl::makeTeacher(config(sl::ModelKind::Quadratic, d, 1.0), rng);
        const Eigen::MatrixXd& O = t.rotation;
        QVERIFY((O.transpose() * O - Eigen::MatrixXd::Identity(d, d)).norm() < 1e-12);
        QVERIFY((O * O.transpose() - Eigen::MatrixXd::Identity(d, d)).norm() < 1e-12);
        QVERIFY(t.matrix == t.matrix.transpose());
        QVERIFY((t.matrix - O * t.spectrum.asDiagonal() * O.transpose()).norm() < 1e-12);
        // An independent eigen-solver sees exactly the power-law spectrum.
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(t.matrix);
        Eigen::VectorXd ascending = t.spectrum.reverse();
        QVERIFY((eig.eigenvalues() - ascending).norm() < 1e-12 * d);
    }

    void rotationIsHaarDistributed()
    {
        // With R's diagonal made positive, O is Haar: every entry has mean 0 and variance 1/d. Without the sign
        // fix, Householder QR makes Q's diagonal entries one-signed, so the mean test below would fail.
        const int d = 4, draws = 4000;
        Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(d, d), sumSquares = Eigen::MatrixXd::Zero(d, d);
        sl::Rng rng(5);
        for (int k = 0; k < draws; ++k) {
            const sl::Teacher t = sl::makeTeacher(config(sl::ModelKind::Quadratic, d, 1.0), rng);
            sum += t.rotation;
            sumSquares += t.rotation.cwiseAbs2();
        }
        const double standardError = std::sqrt(1.0 / d / draws);
        for (int i = 0; i < d; ++i) {
            for (int j = 0; j < d; ++j) {
                QVERIFY2(std::abs(sum(i, j) / draws) < 5 * standardError, qPrintable(QString("O_%1%2").arg(i).arg(j)));
                // Var(O_ij²) = 2(d−1)/(d²(d+2)) for Haar O.
                const double se2 = std::sqrt(2.0 * (d - 1) / (double(d) * d * (d + 2)) / draws);
                QVERIFY(std::abs(sumSquares(i, j) / draws - 1.0 / d) < 5 * se2);
            }
        }
    }

    void diagonalDeterministicAmplitudes()
    {
        sl::ProblemConfig c = config(sl::ModelKind::Diagonal, 200, 1.3);
        c.amplitudes = sl::TeacherAmplitudes::Deterministic;
        sl::Rng rng(2);
        const sl::Teacher t = sl::makeTeacher(c, rng);
        QVERIFY(t.matrix.size() == 0);
        int positive = 0;
        for (int i = 0; i < c.dimension; ++i) {
            const double amplitude = std::sqrt(200.0) * std::pow(i + 1.0, -1.3);
            QVERIFY(std::abs(std::abs(t.spectrum(i)) / amplitude - 1.0) < 1e-14);
            positive += t.spectrum(i) > 0;
        }
        QVERIFY(positive > 60 && positive < 140);  // random signs: Binomial(200, 1/2)
        QVERIFY(std::abs(t.riskAtZero() - t.spectrum.squaredNorm() / 200) < 1e-14);
    }

    void diagonalGaussianAmplitudesAreStandardNormal()
    {
        const int d = 3000;
        sl::ProblemConfig c = config(sl::ModelKind::Diagonal, d, 1.0);
        c.amplitudes = sl::TeacherAmplitudes::Gaussian;
        sl::Rng rng(9);
        const sl::Teacher t = sl::makeTeacher(c, rng);
        // θ*_i ~ N(0, d i^-2γ) (docs/theory/models.md §2): θ*_i / (√d i^-γ) must be standard normal.
        double sum = 0, sum2 = 0;
        for (int i = 0; i < d; ++i) {
            const double g = t.spectrum(i) / (std::sqrt(double(d)) / (i + 1.0));
            sum += g;
            sum2 += g * g;
        }
        QVERIFY(std::abs(sum / d) < 5 / std::sqrt(double(d)));
        QVERIFY(std::abs(sum2 / d - 1.0) < 5 * std::sqrt(2.0 / d));
    }
};

QTEST_APPLESS_MAIN(TestTeacher)
#include "test_teacher.moc"
