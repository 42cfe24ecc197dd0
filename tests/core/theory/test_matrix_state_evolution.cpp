// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/matrix_state_evolution.h"

#include "core/common/rng.h"
#include "core/common/validation.h"

#include <QtTest>
#include <cmath>

namespace {

sl::MatrixStateEvolutionResult solve(int d, double alphaQ, double lambda, int samples, std::uint64_t seed = 1)
{
    sl::MatrixStateEvolutionConfig c;
    c.spectrum = sl::matrixPowerLawSpectrum(d, 1.0);
    c.alphaQ = alphaQ;
    c.lambda = lambda;
    c.noise = 0.5;
    c.samples = samples;
    c.seed = seed;
    return sl::MatrixStateEvolution(c).run();
}

}  // namespace

class TestMatrixStateEvolution : public QObject {
    Q_OBJECT

private slots:
    // DIGEST Appendix A (quadratic): d = 40, γ = 1, Δ = 0.5, Q* = 1, SE with 100 GOE samples.
    void appendixA_data()
    {
        QTest::addColumn<double>("alphaQ");
        QTest::addColumn<double>("lambda");
        QTest::addColumn<double>("eMat");
        QTest::addColumn<double>("delta");
        QTest::addColumn<double>("epsilon");
        QTest::newRow("0.2/1.0") << 0.2 << 1.0 << 0.388 << 1.263 << 1.889;
        QTest::newRow("0.2/0.05") << 0.2 << 0.05 << 0.435 << 1.309 << 18.6;
        QTest::newRow("0.5/0.02") << 0.5 << 0.02 << 0.390 << 0.800 << 1.676;
        QTest::newRow("0.5/0.5") << 0.5 << 0.5 << 0.172 << 0.650 << 0.953;
        QTest::newRow("1.5/0.05") << 1.5 << 0.05 << 0.0871 << 0.335 << 0.233;
        QTest::newRow("1.5/2.0") << 1.5 << 2.0 << 0.0914 << 0.337 << 0.199;
    }
    void appendixA()
    {
        QFETCH(double, alphaQ);
        QFETCH(double, lambda);
        QFETCH(double, eMat);
        QFETCH(double, delta);
        QFETCH(double, epsilon);
        const auto r = solve(40, alphaQ, lambda, 100);
        QVERIFY2(r.ok(), r.message.c_str());
        qDebug() << r.iterations << r.matrixMse << r.delta << r.epsilon << r.lhsB << r.rhsB << r.residualB
                 << r.eigenSeconds << r.totalSeconds;
    }
};

QTEST_APPLESS_MAIN(TestMatrixStateEvolution)
#include "test_matrix_state_evolution.moc"
