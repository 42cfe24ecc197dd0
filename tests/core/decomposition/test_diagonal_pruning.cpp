// SPDX-License-Identifier: GPL-3.0-or-later
// The diagonal network's pruning level from its LASSO state evolution (docs/theory/decomposition.md §3a): the
// closed-form pruned risk against quadrature and against the split of draws of the state evolution's law, the
// optimal level against the stationarity condition of a two-point teacher, and the SURE level against a brute-force
// minimisation of Stein's estimate.
#include "core/decomposition/diagonal_pruning.h"

#include "core/common/rng.h"
#include "core/common/validation.h"

#include <QObject>
#include <QStringLiteral>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace {

constexpr double kPi = 3.14159265358979323846;

double soft(double y, double t)
{
    return std::copysign(std::max(std::abs(y) - t, 0.0), y);
}

// E(prune(η(θ + δg; t); e) − θ)² by composite Simpson over g ∈ [−12, 12] (independent of the closed form), with
// the kinks of the integrand (|y| = t and |y| = t + e) as grid nodes so each piece is smooth.
double quadratureRisk(double theta, double delta, double t, double e, sl::PruningShape shape)
{
    auto f = [&](double g) {
        const double y = theta + delta * g;
        const double eta = soft(y, t);
        const double pruned = shape == sl::PruningShape::Soft ? soft(eta, e) : (std::abs(eta) > e ? eta : 0.0);
        return (pruned - theta) * (pruned - theta) * std::exp(-0.5 * g * g) / std::sqrt(2 * kPi);
    };
    std::vector<double> nodes{-12.0, 12.0};
    for (double c : {t, -t, t + e, -t - e}) {
        const double g = (c - theta) / delta;
        if (g > -12 && g < 12)
            nodes.push_back(g);
    }
    std::sort(nodes.begin(), nodes.end());
    double sum = 0;
    for (std::size_t k = 0; k + 1 < nodes.size(); ++k) {
        const double a = nodes[k], b = nodes[k + 1];
        if (b - a <= 0)
            continue;
        const int m = 2000;
        const double h = (b - a) / m;
        // Each end just inside its piece: the hard shape jumps at a node, and each side needs its own limit.
        const double inside = 1e-12 * (b - a);
        double s = f(a + inside) + f(b - inside);
        for (int j = 1; j < m; ++j)
            s += (j % 2 ? 4 : 2) * f(a + j * h);
        sum += s * h / 3;
    }
    return sum;
}

double upperTail(double x)
{
    return 0.5 * std::erfc(x / std::sqrt(2.0));
}
double density(double x)
{
    return std::exp(-0.5 * x * x) / std::sqrt(2 * kPi);
}

}  // namespace

class TestDiagonalPruning : public QObject {
    Q_OBJECT

private slots:
    // A teacher of mixed magnitudes (noise-only zeros, coordinates near δ, large ones) at δ = 0.7, t = 0.4: the
    // closed form equals the quadrature per coordinate to 1e-9 for both shapes and three levels; at level 0 it is
    // the state evolution's own risk; and on 20000 draws η(θ* + δg; t) the measured split with the level as its
    // edge gives the same soft pruned risk (its prunedExcessRisk), and the draws hard-pruned at the level the same
    // hard pruned risk, within 4 standard errors.
    void closedFormMatchesQuadratureAndTheSplitOfDraws()
    {
        Eigen::VectorXd teacher(12);
        teacher << 0, 0, 0, 0, 0.2, -0.5, 0.7, -1.0, 1.5, 2.5, -4.0, 8.0;
        const double delta = 0.7, t = 0.4;
        for (sl::PruningShape shape : {sl::PruningShape::Soft, sl::PruningShape::Hard}) {
            for (double e : {0.0, 0.6, 1.7}) {
                double quad = 0;
                for (Eigen::Index i = 0; i < teacher.size(); ++i)
                    quad += quadratureRisk(teacher[i], delta, t, e, shape);
                quad /= double(teacher.size());
                const double closed = sl::predictedDiagonalPrunedRisk(teacher, delta, t, e, shape);
                QVERIFY2(std::abs(closed - quad) <= 1e-9 * quad,
                    qPrintable(QStringLiteral("e %1: closed %2 quadrature %3")
                                   .arg(e)
                                   .arg(closed, 0, 'g', 15)
                                   .arg(quad, 0, 'g', 15)));
            }
        }
        const double own = sl::lassoMoments(teacher, sl::LassoTeacherMode::Amplitudes, delta, t).mse;
        for (sl::PruningShape shape : {sl::PruningShape::Soft, sl::PruningShape::Hard})
            QVERIFY(std::abs(sl::predictedDiagonalPrunedRisk(teacher, delta, t, 0.0, shape) - own) <= 1e-12 * own);
        const double e = 0.6;
        sl::DecompositionConfig fixed;
        fixed.exactEdge = e;
        sl::Rng rng(11);
        const int draws = 20000;
        std::vector<double> softRisk, hardRisk;
        for (int k = 0; k < draws; ++k) {
            Eigen::VectorXd draw(teacher.size());
            for (Eigen::Index i = 0; i < teacher.size(); ++i)
                draw[i] = soft(teacher[i] + delta * rng.normal(), t);
            const sl::ErrorDecomposition dec = sl::decomposeDiagonal(draw, teacher, fixed);
            QVERIFY(dec.ok() && dec.bulkFound);
            QCOMPARE(dec.pruningThreshold, e);
            softRisk.push_back(dec.prunedExcessRisk);
            double hard = 0;
            for (Eigen::Index i = 0; i < teacher.size(); ++i) {
                const double kept = std::abs(draw[i]) > e ? draw[i] : 0.0;
                hard += (kept - teacher[i]) * (kept - teacher[i]);
            }
            hardRisk.push_back(hard / double(teacher.size()));
        }
        const std::pair<const std::vector<double>*, sl::PruningShape> cases[]
            = {{&softRisk, sl::PruningShape::Soft}, {&hardRisk, sl::PruningShape::Hard}};
        for (const auto& [values, shape] : cases) {
            double mean = 0, var = 0;
            for (double v : *values)
                mean += v;
            mean /= draws;
            for (double v : *values)
                var += (v - mean) * (v - mean);
            const double se = std::sqrt(var / (draws - 1) / draws);
            const double closed = sl::predictedDiagonalPrunedRisk(teacher, delta, t, e, shape);
            qInfo("%s: draws %.5f ± %.5f, closed form %.5f", shape == sl::PruningShape::Soft ? "soft" : "hard", mean,
                se, closed);
            QVERIFY(std::abs(mean - closed) <= 4 * se);
        }
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::predictedDiagonalPrunedRisk(teacher, delta, t, -0.1));
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::predictedDiagonalPrunedRisk(teacher, 0.0, t, 0.1));
        QCOMPARE(sl::universalDiagonalPruningLevel(0.5, 0.2, 100), 0.5 * std::sqrt(2 * std::log(100.0)) - 0.2);
    }

    // Two-point teacher: a fraction ε of coordinates at μ = 60δ (never thresholded: risk δ² + τ²), the rest 0
    // (risk r0(τ) = 2[(δ² + τ²)Q(τ/δ) − τδφ(τ/δ)]); the soft family's risk at τ = t + e is ε(δ² + τ²) + (1 − ε)r0(τ),
    // stationary where ετ + 2(1 − ε)(τQ(τ/δ) − δφ(τ/δ)) = 0. Solved here by bisection; the optimiser's level must
    // be τ* − t. A teacher of only large coordinates (every extra shrinkage is bias) gets level 0 and prunes nothing.
    void optimalLevelSolvesTheStationarityCondition()
    {
        const int d = 50, large = 5;
        const double delta = 0.8, t = 0.3, mu = 60 * delta, eps = double(large) / d;
        Eigen::VectorXd teacher = Eigen::VectorXd::Zero(d);
        teacher.head(large).setConstant(mu);
        auto slope = [&](double tau) {
            return eps * tau + 2 * (1 - eps) * (tau * upperTail(tau / delta) - delta * density(tau / delta));
        };
        double lo = t, hi = 10 * delta;
        QVERIFY(slope(lo) < 0 && slope(hi) > 0);
        for (int k = 0; k < 200; ++k)
            (slope(0.5 * (lo + hi)) < 0 ? lo : hi) = 0.5 * (lo + hi);
        const double expected = 0.5 * (lo + hi) - t;
        const sl::DiagonalPruningLevel level = sl::optimalDiagonalPruningLevel(teacher, delta, t);
        qInfo("optimal level %.8f, stationarity %.8f", level.level, expected);
        QVERIFY(std::abs(level.level - expected) <= 1e-5);
        const double r0 = 2 * ((delta * delta + t * t) * upperTail(t / delta) - t * delta * density(t / delta));
        QVERIFY(std::abs(level.predictedRisk - (eps * (delta * delta + t * t) + (1 - eps) * r0)) <= 1e-11);
        QVERIFY(level.predictedPrunedRisk < level.predictedRisk);
        QCOMPARE(level.predictedPrunedRisk, sl::predictedDiagonalPrunedRisk(teacher, delta, t, level.level));

        const Eigen::VectorXd strong = Eigen::VectorXd::Constant(d, mu);
        const sl::DiagonalPruningLevel none = sl::optimalDiagonalPruningLevel(strong, delta, t);
        QCOMPARE(none.level, 0.0);
        QCOMPARE(none.predictedPrunedRisk, none.predictedRisk);
        // Level 0 in the split: no bulk, the pruned risk is the risk exactly.
        sl::DecompositionConfig fixed;
        fixed.exactEdge = none.level;
        Eigen::VectorXd draw = strong;
        draw.array() -= t;
        const sl::ErrorDecomposition dec = sl::decomposeDiagonal(draw, strong, fixed);
        QVERIFY(dec.ok() && !dec.bulkFound);
        QVERIFY(std::abs(dec.prunedExcessRisk - dec.excessRisk) <= 1e-9 * dec.excessRisk);  // μ² = 2304 cancels
        QCOMPARE(dec.terms.overfitting, 0.0);
    }

    // The SURE level against Stein's estimate Σ_j [δ² − 2δ²1{|y_j| ≤ τ} + min(y_j², τ²)] minimised by brute force over
    // τ ∈ {t} ∪ {|y_j|} ∪ a fine grid, using every y_j (those the LASSO zeroed included): the same τ.
    void sureLevelMinimisesSteinsEstimate()
    {
        const int d = 200;
        const double delta = 0.6, t = 0.25;
        sl::Rng rng(5);
        Eigen::VectorXd y(d), theta(d);
        for (int i = 0; i < d; ++i) {
            y[i] = 5.0 / (i + 1) + delta * rng.normal();
            theta[i] = soft(y[i], t);
        }
        auto stein = [&](double tau) {
            double s = 0;
            for (int i = 0; i < d; ++i)
                s += delta * delta - 2 * delta * delta * (std::abs(y[i]) <= tau) + std::min(y[i] * y[i], tau * tau);
            return s;
        };
        std::vector<double> candidates{t};
        for (int i = 0; i < d; ++i)
            if (std::abs(y[i]) > t)
                candidates.push_back(std::abs(y[i]));
        for (int k = 0; k <= 4000; ++k)
            candidates.push_back(t + k * 1e-3);
        double bestTau = t, best = stein(t);
        for (double tau : candidates)
            if (stein(tau) < best - 1e-12) {
                best = stein(tau);
                bestTau = tau;
            }
        const double level = sl::sureDiagonalPruningLevel(theta, delta, t);
        qInfo("SURE level %.6f, brute force %.6f", level, bestTau - t);
        QVERIFY(std::abs(level - (bestTau - t)) <= 1e-12);
        QVERIFY(level > 0);
    }
};

QTEST_APPLESS_MAIN(TestDiagonalPruning)
#include "test_diagonal_pruning.moc"
