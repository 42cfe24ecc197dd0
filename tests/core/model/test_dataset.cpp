// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/dataset.h"

#include <QObject>
#include <QString>
#include <QTest>
#include <cmath>

namespace {

sl::ProblemConfig config(sl::ModelKind model, int d, long long n, double noise)
{
    sl::ProblemConfig c;
    c.model = model;
    c.dimension = d;
    c.samples = n;
    c.noise = noise;
    return c;
}

struct Moments {
    double mean, variance, meanError, varianceError;
};

// Sample mean and variance with their standard errors (the latter from the sample fourth moment).
Moments moments(const Eigen::VectorXd& v)
{
    const double n = double(v.size());
    const double mean = v.mean();
    const Eigen::ArrayXd c = v.array() - mean;
    const double m2 = c.square().mean(), m4 = c.square().square().mean();
    return {mean, m2, std::sqrt(m2 / n), std::sqrt((m4 - m2 * m2) / n)};
}

}  // namespace

class TestDataset : public QObject {
    Q_OBJECT

private slots:
    void noiselessQuadraticLabelsAreTheCentredQuadraticForm()
    {
        const int d = 7;
        const sl::ProblemConfig c = config(sl::ModelKind::Quadratic, d, 40, 0.0);
        sl::Rng rng(1);
        const sl::Teacher t = sl::makeTeacher(c, rng);
        const sl::Dataset data = sl::makeDataset(c, t, rng);
        QCOMPARE(int(data.X.rows()), 40);
        QCOMPARE(int(data.X.cols()), d);
        for (int mu = 0; mu < 40; ++mu) {
            // f*(x) = (xᵀS*x − Tr S*)/√d, written out as sums.
            double quadratic = 0, trace = 0;
            for (int i = 0; i < d; ++i) {
                trace += t.matrix(i, i);
                for (int j = 0; j < d; ++j)
                    quadratic += data.X(mu, i) * t.matrix(i, j) * data.X(mu, j);
            }
            const double expected = (quadratic - trace) / std::sqrt(double(d));
            QVERIFY(std::abs(data.y(mu) - expected) < 1e-12 * (1 + std::abs(expected)));
        }
    }

    void noiselessDiagonalLabelsAreLinear()
    {
        const int d = 9;
        const sl::ProblemConfig c = config(sl::ModelKind::Diagonal, d, 30, 0.0);
        sl::Rng rng(4);
        const sl::Teacher t = sl::makeTeacher(c, rng);
        const sl::Dataset data = sl::makeDataset(c, t, rng);
        for (int mu = 0; mu < 30; ++mu) {
            double f = 0;
            for (int i = 0; i < d; ++i)
                f += t.spectrum(i) * data.X(mu, i);
            f /= std::sqrt(double(d));
            QVERIFY(std::abs(data.y(mu) - f) < 1e-12 * (1 + std::abs(f)));
        }
    }

    void labelNoiseHasVarianceDelta()
    {
        for (auto model : {sl::ModelKind::Quadratic, sl::ModelKind::Diagonal}) {
            const double delta = 0.5;
            const sl::ProblemConfig c = config(model, 10, 40000, delta);
            sl::Rng rng(8);
            const sl::Teacher t = sl::makeTeacher(c, rng);
            const sl::Dataset data = sl::makeDataset(c, t, rng);
            const Moments m = moments(data.y - sl::teacherOutput(t, data.X));
            QVERIFY(std::abs(m.mean) < 5 * m.meanError);
            QVERIFY2(std::abs(m.variance - delta) < 5 * m.varianceError, qPrintable(QString::number(m.variance)));
        }
    }

    void quadraticLabelsAreCentredWithVarianceTwoQStar()
    {
        // E f* = 0 (centring) and E f*² = Var(xᵀS*x)/d = 2‖S*‖²/d = 2Q* = 2 (docs/theory/models.md §4).
        const sl::ProblemConfig c = config(sl::ModelKind::Quadratic, 12, 60000, 0.0);
        sl::Rng rng(21);
        const sl::Teacher t = sl::makeTeacher(c, rng);
        const sl::Dataset data = sl::makeDataset(c, t, rng);
        const Moments m = moments(data.y);
        QVERIFY(std::abs(m.mean) < 5 * m.meanError);
        QVERIFY2(std::abs(m.variance - 2.0) < 5 * m.varianceError, qPrintable(QString::number(m.variance)));
    }

    void diagonalLabelVarianceIsRiskAtZero()
    {
        const sl::ProblemConfig c = config(sl::ModelKind::Diagonal, 15, 60000, 0.0);
        sl::Rng rng(22);
        const sl::Teacher t = sl::makeTeacher(c, rng);
        const sl::Dataset data = sl::makeDataset(c, t, rng);
        const Moments m = moments(data.y);
        QVERIFY(std::abs(m.mean) < 5 * m.meanError);
        QVERIFY(std::abs(m.variance - t.riskAtZero()) < 5 * m.varianceError);
    }

    void inputsAreStandardGaussian()
    {
        const sl::ProblemConfig c = config(sl::ModelKind::Diagonal, 6, 50000, 0.1);
        sl::Rng rng(23);
        const sl::Teacher t = sl::makeTeacher(c, rng);
        const sl::Dataset data = sl::makeDataset(c, t, rng);
        const Eigen::MatrixXd covariance = data.X.transpose() * data.X / double(c.samples);
        // Entries of the sample covariance have standard error ≈ √(1/n) (off-diagonal) and √(2/n) (diagonal).
        QVERIFY((covariance - Eigen::MatrixXd::Identity(6, 6)).cwiseAbs().maxCoeff() < 5 * std::sqrt(2.0 / c.samples));
        QVERIFY(data.X.colwise().mean().cwiseAbs().maxCoeff() < 5 / std::sqrt(double(c.samples)));
    }
};

QTEST_APPLESS_MAIN(TestDataset)
#include "test_dataset.moc"
