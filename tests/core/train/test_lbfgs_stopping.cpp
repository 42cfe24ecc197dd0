// SPDX-License-Identifier: GPL-3.0-or-later
// The round-off part of L-BFGS's stopping rule (docs/theory/models.md §7): the decrease predicted along a line from
// two slopes (exact on quadratics) and the objective's round-off level (against the error of objectives computed
// in double, measured with an 80-bit long double reference).
#include "core/train/lbfgs_stopping.h"

#include <QObject>
#include <QString>
#include <QTest>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <random>

class TestLbfgsStopping : public QObject {
    Q_OBJECT

private slots:
    void predictedDecreaseIsExactOnAQuadratic()
    {
        // f(t) = f0 + s0·t + c·t²/2 has slope s0 + c·t and falls by s0²/(2c) at its minimum t* = −s0/c, whichever
        // trial step t₁ the curvature is read at.
        for (const double s0 : {-1.0, -3e-7, -250.0})
            for (const double c : {1e-3, 2.0, 4e5})
                for (const double t1 : {1e-6, 0.3, 7.0}) {
                    const double predicted = sl::predictedLineDecrease(s0, t1, s0 + c * t1);
                    const double exact = s0 * s0 / (2 * c);
                    // The slope difference c·t₁ is read off two slopes of size |s0|: relative error ~ε|s0|/(c·t₁).
                    const double tolerance
                        = 1e-14 + 4 * std::numeric_limits<double>::epsilon() * std::abs(s0) / (c * t1);
                    QVERIFY2(std::abs(predicted - exact) <= tolerance * exact,
                        qPrintable(
                            QString("s0 %1 c %2 t1 %3: %4 vs %5").arg(s0).arg(c).arg(t1).arg(predicted).arg(exact)));
                }
    }

    void noMinimumMeansNoBound()
    {
        const double inf = std::numeric_limits<double>::infinity();
        QCOMPARE(sl::predictedLineDecrease(-1.0, 0.5, -1.0), inf);  // linear along the line
        QCOMPARE(sl::predictedLineDecrease(-1.0, 0.5, -2.0), inf);  // concave
        QCOMPARE(sl::predictedLineDecrease(-1.0, 0.0, 1.0), inf);  // no trial step
        QCOMPARE(sl::predictedLineDecrease(-1.0, inf, 1.0), inf);  // the search never evaluated a point
        QCOMPARE(sl::predictedLineDecrease(-1.0, 0.5, std::nan("")), inf);  // a non-finite trial
    }

    // The estimate bounds the actual rounding of f = ½Σ(y − Aθ)² computed in double, both where the residual is of
    // the labels' size (θ = 0: the large-λ minimiser) and where it nearly cancels (θ fitting y), and is not loose
    // by orders of magnitude: a relative 1e-12 at most for f ~ ½‖y‖².
    void roundOffBoundsTheRoundingOfTheObjective()
    {
        std::mt19937_64 rng(7);
        std::normal_distribution<double> normal;
        const int n = 2000, d = 100;
        Eigen::MatrixXd A(n, d);
        Eigen::VectorXd theta(d), y(n);
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < d; ++j)
                A(i, j) = normal(rng) / std::sqrt(double(d));
        for (int j = 0; j < d; ++j)
            theta(j) = 3.0 * normal(rng);
        for (double noise : {1.0, 1e-6}) {
            for (int i = 0; i < n; ++i)
                y(i) = A.row(i).dot(theta) + noise * normal(rng);
            const double zeroLoss = 0.5 * y.squaredNorm();
            for (const bool atZero : {true, false}) {
                const Eigen::VectorXd at = atZero ? Eigen::VectorXd::Zero(d) : theta;
                const Eigen::VectorXd r = y - A * at;
                const double f = 0.5 * r.squaredNorm();
                long double exact = 0;
                for (int i = 0; i < n; ++i) {
                    long double ri = y(i);
                    for (int j = 0; j < d; ++j)
                        ri -= static_cast<long double>(A(i, j)) * at(j);
                    exact += ri * ri;
                }
                exact /= 2;
                const double error = double(std::abs(static_cast<long double>(f) - exact));
                const double bound = sl::objectiveRoundOff(f, zeroLoss);
                QVERIFY2(error <= bound,
                    qPrintable(QString("noise %1, at zero %2: error %3 > bound %4")
                                   .arg(noise)
                                   .arg(atZero)
                                   .arg(error)
                                   .arg(bound)));
                if (atZero)
                    QVERIFY2(bound <= 1e-12 * f, qPrintable(QString::number(bound / f)));
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestLbfgsStopping)
#include "test_lbfgs_stopping.moc"
