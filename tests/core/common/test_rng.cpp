// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/rng.h"

#include <QObject>
#include <QTest>

class TestRng : public QObject {
    Q_OBJECT

private slots:
    void sameSeedGivesIdenticalDraws()
    {
        sl::Rng a(42), b(42);
        const Eigen::MatrixXd ma = a.normalMatrix(30, 20);
        const Eigen::MatrixXd mb = b.normalMatrix(30, 20);
        QVERIFY(ma == mb);
        sl::Rng c(43);
        QVERIFY(!(c.normalMatrix(30, 20) == ma));
    }

    void normalHasUnitMomentsAndGaussianTail()
    {
        sl::Rng rng(7);
        const int n = 400000;
        double sum = 0, sum2 = 0, sum4 = 0;
        int beyond2 = 0;
        for (int i = 0; i < n; ++i) {
            const double x = rng.normal();
            sum += x;
            sum2 += x * x;
            sum4 += x * x * x * x;
            beyond2 += std::abs(x) > 2.0;
        }
        const double mean = sum / n, var = sum2 / n - mean * mean;
        QVERIFY(std::abs(mean) < 5.0 / std::sqrt(n));
        QVERIFY(std::abs(var - 1.0) < 0.01);
        QVERIFY(std::abs(sum4 / n - 3.0) < 0.05);  // Gaussian kurtosis
        // P(|x| > 2) = 0.0455 for a standard normal.
        QVERIFY(std::abs(double(beyond2) / n - 0.0455) < 0.002);
    }

    void uniformStaysInOpenInterval()
    {
        sl::Rng rng(1);
        double lo = 1, hi = 0;
        for (int i = 0; i < 100000; ++i) {
            const double u = rng.uniform();
            lo = std::min(lo, u);
            hi = std::max(hi, u);
        }
        QVERIFY(lo > 0 && hi < 1);
        QVERIFY(lo < 1e-3 && hi > 1 - 1e-3);
    }
};

QTEST_APPLESS_MAIN(TestRng)
#include "test_rng.moc"
