// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/lasso_state_evolution.h"

#include "core/common/rng.h"
#include "core/common/validation.h"

#include <QtTest>
#include <cmath>

namespace {

sl::LassoStateEvolutionResult solve(int d, double alpha, double lambda, double noise = 0.5, double tol = 1e-13)
{
    sl::LassoStateEvolutionConfig c;
    c.teacher = sl::lassoDeterministicAmplitudes(d, 1.0);
    c.alpha = alpha;
    c.lambda = lambda;
    c.noise = noise;
    c.tolerance = tol;
    return sl::LassoStateEvolution(c).run();
}

}  // namespace

class TestLassoStateEvolution : public QObject {
    Q_OBJECT

private slots:
    // DIGEST Appendix A2: deterministic amplitudes √d·i^(−1), Δ = 0.5, d = 400. The main regression test.
    void appendixA2_data()
    {
        QTest::addColumn<double>("alpha");
        QTest::addColumn<double>("lambda");
        QTest::addColumn<double>("risk");
        QTest::addColumn<double>("delta");
        QTest::addColumn<double>("threshold");
        QTest::addColumn<double>("kappa");
        QTest::newRow("0.3/0.05") << 0.3 << 0.05 << 0.632628 << 1.943045 << 2.193528 << 0.277206;
        QTest::newRow("0.5/1.0") << 0.5 << 1.0 << 0.246267 << 1.221693 << 2.369376 << 0.077948;
        QTest::newRow("1.0/0.01") << 1.0 << 0.01 << 3.802259 << 2.074189 << 0.163678 << 0.938904;
        QTest::newRow("1.0/0.1") << 1.0 << 0.1 << 0.695904 << 1.093574 << 0.384521 << 0.739936;
        QTest::newRow("3.0/0.1") << 3.0 << 0.1 << 0.204254 << 0.484511 << 0.048316 << 0.930302;
        QTest::newRow("3.0/3.0") << 3.0 << 3.0 << 0.099706 << 0.447104 << 1.027952 << 0.081577;
        QTest::newRow("8.0/1.0") << 8.0 << 1.0 << 0.039493 << 0.259686 << 0.136684 << 0.683879;
    }
    void appendixA2()
    {
        QFETCH(double, alpha);
        QFETCH(double, lambda);
        QFETCH(double, risk);
        QFETCH(double, delta);
        QFETCH(double, threshold);
        QFETCH(double, kappa);
        const auto r = solve(400, alpha, lambda);
        QVERIFY2(r.ok(), r.message.c_str());
        qDebug() << r.iterations << r.risk << r.delta << r.threshold << r.activeFraction;
        // The table has 6 decimals: 1e-5 relative plus half a unit of the last digit.
        auto close = [](double got, double want) { return std::abs(got - want) <= 1e-5 * std::abs(want) + 5e-7; };
        QVERIFY2(close(r.risk, risk), qPrintable(QString::number(r.risk, 'g', 10)));
        QVERIFY2(close(r.delta, delta), qPrintable(QString::number(r.delta, 'g', 10)));
        QVERIFY2(close(r.threshold, threshold), qPrintable(QString::number(r.threshold, 'g', 10)));
        QVERIFY2(close(r.activeFraction, kappa), qPrintable(QString::number(r.activeFraction, 'g', 10)));
    }
};

QTEST_APPLESS_MAIN(TestLassoStateEvolution)
#include "test_lasso_state_evolution.moc"
