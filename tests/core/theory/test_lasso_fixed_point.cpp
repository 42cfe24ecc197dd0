// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/lasso_fixed_point.h"

#include "core/common/validation.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTest>
#include <cmath>

namespace {

sl::LassoStateEvolutionConfig config(int d, double alpha, double lambda, double noise)
{
    sl::LassoStateEvolutionConfig c;
    c.teacher = sl::lassoDeterministicAmplitudes(d, 1.0);
    c.alpha = alpha;
    c.lambda = lambda;
    c.noise = noise;
    return c;
}

}  // namespace

class TestLassoFixedPoint : public QObject {
    Q_OBJECT

private slots:
    // The root finder and the damped iteration of LassoStateEvolution::run() are two solvers of one fixed point:
    // they must agree in every phase, with and without noise (Δ = 0 is where δ² ∝ R makes the iteration slow).
    void agreesWithDampedIteration_data()
    {
        QTest::addColumn<double>("alpha");
        QTest::addColumn<double>("lambda");
        QTest::addColumn<double>("noise");
        for (const double noise : {0.0, 0.5}) {
            for (const double alpha : {0.05, 0.5, 1.0, 3.0, 30.0}) {
                for (const double lambda : {1e-3, 0.1, 3.0, 100.0}) {
                    const QByteArray name = QByteArray::number(alpha) + "/" + QByteArray::number(lambda) + "/"
                        + QByteArray::number(noise);
                    QTest::newRow(name.constData()) << alpha << lambda << noise;
                }
            }
        }
    }
    void agreesWithDampedIteration()
    {
        QFETCH(double, alpha);
        QFETCH(double, lambda);
        QFETCH(double, noise);
        auto c = config(100, alpha, lambda, noise);
        c.tolerance = 1e-13;
        const auto slow = sl::LassoStateEvolution(c).run();
        QVERIFY2(slow.ok(), slow.message.c_str());
        c.tolerance = 1e-11;
        const auto fast = sl::solveLassoFixedPoint(c);
        QVERIFY2(fast.ok(), fast.message.c_str());
        QVERIFY2(std::abs(fast.risk - slow.risk) <= 1e-8 * slow.risk,
            qPrintable(QString("fast %1 vs damped %2").arg(fast.risk, 0, 'g', 15).arg(slow.risk, 0, 'g', 15)));
        QVERIFY(std::abs(fast.delta - slow.delta) <= 1e-8 * slow.delta);
        QVERIFY(std::abs(fast.activeFraction - slow.activeFraction) <= 1e-6);
        QVERIFY(fast.residualOuter < 1e-9);
        QVERIFY(fast.iterations < 80);
    }

    // The reference values of the damped solver at d = 400 (Appendix A2 of the project's own verification,
    // deterministic amplitudes, Δ = 0.5), reproduced by the root finder.
    void referenceValues()
    {
        const double rows[][3] = {{0.3, 0.05, 0.632628}, {1.0, 0.01, 3.802259}, {3.0, 3.0, 0.099706}};
        for (const auto& row : rows) {
            const auto r = sl::solveLassoFixedPoint(config(400, row[0], row[1], 0.5));
            QVERIFY(r.ok());
            QVERIFY2(std::abs(r.risk / row[2] - 1) < 2e-6, qPrintable(QString::number(r.risk, 'g', 10)));
        }
    }

    // Warm starts change the bracket, not the root.
    void warmStartFindsTheSameRoot()
    {
        auto c = config(200, 2.0, 0.05, 0.0);
        const auto cold = sl::solveLassoFixedPoint(c);
        for (const double start : {1e-12, 1e-3, 10.0}) {
            c.initialRisk = start;
            const auto warm = sl::solveLassoFixedPoint(c);
            QVERIFY(warm.ok());
            QVERIFY(std::abs(warm.risk - cold.risk) < 1e-9 * cold.risk);
        }
    }

    void lambdaZeroFallsBackToTheClosedForms()
    {
        const auto ols = sl::solveLassoFixedPoint(config(50, 3.0, 0.0, 0.5));
        QVERIFY(ols.ok());
        QVERIFY(std::abs(ols.risk - 0.25) < 1e-12);  // Δ/(α − 1)
    }

    void cancelledBeforeStart()
    {
        const sl::CancelToken cancel;
        cancel.cancel();
        const auto r = sl::solveLassoFixedPoint(config(50, 1.0, 0.1, 0.0), cancel);
        QCOMPARE(r.status, sl::Status::Cancelled);
        QCOMPARE(r.risk, 0.0);
    }

    void validation()
    {
        auto c = config(10, 1.0, 0.1, 0.0);
        c.alpha = -1;
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::solveLassoFixedPoint(c));
    }
};

QTEST_APPLESS_MAIN(TestLassoFixedPoint)
#include "test_lasso_fixed_point.moc"
