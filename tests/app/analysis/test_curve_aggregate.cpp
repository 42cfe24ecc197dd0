// SPDX-License-Identifier: GPL-3.0-or-later
// Curve aggregation: mean/standard error over seeds, the log-log slope and its Student-t confidence interval
// (closed forms, table values, and the coverage of the interval over many noisy draws), and the theory overlay.
#include "app/analysis/curve_aggregate.h"

#include <QObject>
#include <QString>
#include <QTest>

#include <cmath>
#include <random>

using namespace sl::app;

class TestCurveAggregate : public QObject {
    Q_OBJECT

private slots:
    void studentQuantilesMatchTables()
    {
        // Standard table values of t_{0.975, ν} and t_{0.95, ν}.
        QVERIFY(std::abs(studentTQuantile(0.975, 1) - 12.7062047) < 1e-6);
        QVERIFY(std::abs(studentTQuantile(0.975, 2) - 4.30265273) < 1e-7);
        QVERIFY(std::abs(studentTQuantile(0.975, 5) - 2.57058184) < 1e-7);
        QVERIFY(std::abs(studentTQuantile(0.975, 10) - 2.22813885) < 1e-7);
        QVERIFY(std::abs(studentTQuantile(0.95, 30) - 1.69726089) < 1e-7);
        QVERIFY(std::abs(studentTQuantile(0.975, 1e7) - 1.95996398) < 1e-5);  // → the normal quantile
        QCOMPARE(studentTQuantile(0.5, 3), 0.0);
        QVERIFY(std::abs(studentTQuantile(0.025, 4) + studentTQuantile(0.975, 4)) < 1e-12);
        // ν = 1 is Cauchy: F(t) = 1/2 + atan(t)/π.
        for (double t : {-3.0, -0.5, 0.2, 1.0, 7.0})
            QVERIFY(std::abs(studentTCdf(t, 1) - (0.5 + std::atan(t) / M_PI)) < 1e-12);
        // ν = 2: F(t) = 1/2 + t / (2√(2 + t²)).
        for (double t : {-2.0, 0.3, 4.0})
            QVERIFY(std::abs(studentTCdf(t, 2) - (0.5 + t / (2 * std::sqrt(2 + t * t)))) < 1e-12);
    }

    void meanAndStandardErrorOverSeeds()
    {
        std::vector<RiskSample> s = {
            {100, 10, 0.1, 1.0}, {100, 10, 0.1, 2.0}, {100, 10, 0.1, 4.0}, {200, 20, 0.1, 5.0}, {100, 10, 1.0, 3.0},
            {100, 10, 1.0, std::nan("")},  // skipped
        };
        const auto curve = aggregateBySamples(s);
        QCOMPARE(curve.size(), size_t(3));
        // Sorted by λ then n.
        QCOMPARE(curve[0].weightDecay, 0.1);
        QCOMPARE(curve[0].samples, 100LL);
        QCOMPARE(curve[0].count, 3);
        QCOMPARE(curve[0].mean, 7.0 / 3.0);
        // sd² = ((1−7/3)² + (2−7/3)² + (4−7/3)²)/2 = 7/3; SE = √(7/3)/√3 = √7/3.
        QVERIFY(std::abs(curve[0].standardError - std::sqrt(7.0) / 3.0) < 1e-15);
        QCOMPARE(curve[1].samples, 200LL);
        QVERIFY(std::isnan(curve[1].standardError));  // one seed: no spread
        QCOMPARE(curve[2].weightDecay, 1.0);
        QCOMPARE(curve[2].count, 1);
        QCOMPARE(curve[2].nEff, 10.0);
    }

    // One rule for every risk curve: only converged runs with a finite value are averaged; the others are counted as
    // left out, and a point whose runs were all left out is still there (count 0, mean NaN) to say so.
    void averagesOnlyConvergedRuns()
    {
        using sl::Status;
        const std::vector<RiskSample> s
            = {{100, 10, 0.1, 1.0, Status::Converged}, {100, 10, 0.1, 3.0, Status::Converged},
                {100, 10, 0.1, 50.0, Status::MaxIterations},  // would move the mean from 2 to 18
                {100, 10, 0.1, 0.01, Status::NotConverged}, {100, 10, 0.1, 7.0, Status::Diverged},
                {100, 10, 0.1, std::nan(""), Status::Converged},  // non-finite: left out too
                {200, 20, 0.1, 9.0, Status::MaxIterations}, {200, 20, 0.1, 8.0, Status::Cancelled},
                {100, 10, 1.0, 4.0, Status::Converged}};
        const auto curve = aggregateBySamples(s);
        QCOMPARE(curve.size(), size_t(3));
        QCOMPARE(curve[0].count, 2);
        QCOMPARE(curve[0].leftOut, 4);
        QCOMPARE(curve[0].runs(), 6);
        QCOMPARE(curve[0].mean, 2.0);
        QVERIFY(std::abs(curve[0].standardError - 1.0) < 1e-15);  // sd √2, /√2
        // Every run at n = 200 ended without converging: a point without a mean, which counts them.
        QCOMPARE(curve[1].samples, 200LL);
        QCOMPARE(curve[1].count, 0);
        QCOMPARE(curve[1].leftOut, 2);
        QCOMPARE(curve[1].nEff, 20.0);
        QVERIFY(std::isnan(curve[1].mean) && std::isnan(curve[1].standardError));
        QCOMPARE(curve[2].count, 1);
        QCOMPARE(curve[2].leftOut, 0);
        QCOMPARE(leftOutNote(curve[0].leftOut, curve[0].runs(), "seeds"), QString("4 of 6 seeds did not converge"));
        QVERIFY(leftOutNote(0, 3, "seeds").isEmpty());
    }

    // riskSamples() hands every run over with its status, so the rule above is the only filter.
    void riskSamplesKeepTheStatus()
    {
        QVector<RunResult> runs(3);
        const sl::Status statuses[] = {sl::Status::Converged, sl::Status::MaxIterations, sl::Status::NotConverged};
        for (int i = 0; i < 3; ++i) {
            runs[i].config.problem.samples = 50;
            runs[i].config.problem.weightDecay = 0.5;
            runs[i].status = statuses[i];
            runs[i].excessRisk = 1.0 + i;
        }
        const auto samples = riskSamples(runs);
        QCOMPARE(samples.size(), size_t(3));
        QCOMPARE(samples[1].status, sl::Status::MaxIterations);
        const auto curve = aggregateBySamples(samples);
        QCOMPARE(curve.size(), size_t(1));
        QCOMPARE(curve[0].mean, 1.0);
        QCOMPARE(curve[0].leftOut, 2);
    }

    void exactPowerLawGivesExactSlope()
    {
        std::vector<double> x;
        std::vector<double> y;
        for (int i = 0; i < 12; ++i) {
            x.push_back(std::pow(10.0, 0.25 * i));
            y.push_back(3.7 * std::pow(x.back(), -0.75));
        }
        const SlopeFit fit = fitLogLogSlope(x, y, 0, 1e300);
        QVERIFY(fit.ok);
        QCOMPARE(fit.points, 12);
        QVERIFY(std::abs(fit.slope + 0.75) < 1e-12);
        QVERIFY(std::abs(fit.intercept - std::log(3.7)) < 1e-11);
        QVERIFY(fit.high - fit.low < 1e-10);
        QVERIFY(std::abs(fit.rSquared - 1.0) < 1e-12);
        // The window selects points: a broken power law fitted on one side only.
        for (std::size_t i = 6; i < x.size(); ++i)
            y[i] = 3.7 * std::pow(x[5], -0.75) * std::pow(x[i] / x[5], -2.0);
        const SlopeFit left = fitLogLogSlope(x, y, 1.0, x[5]);
        const SlopeFit right = fitLogLogSlope(x, y, x[5], 1e300);
        QCOMPARE(left.points, 6);
        QVERIFY(std::abs(left.slope + 0.75) < 1e-12);
        QVERIFY(std::abs(right.slope + 2.0) < 1e-12);
    }

    void confidenceIntervalCoverage()
    {
        // 6 points (4 degrees of freedom), log-normal noise: the 95% interval must contain the true slope in
        // about 95% of draws. With 1.96 instead of t_{0.975,4} = 2.78 the coverage would be about 88%.
        std::mt19937_64 engine(2024);
        std::normal_distribution<double> noise(0.0, 0.2);
        const int trials = 2000;
        int covered = 0;
        const double truth = -1.0;
        for (int trial = 0; trial < trials; ++trial) {
            std::vector<double> x;
            std::vector<double> y;
            for (int i = 0; i < 6; ++i) {
                x.push_back(std::pow(2.0, i + 1));
                y.push_back(0.5 * std::pow(x.back(), truth) * std::exp(noise(engine)));
            }
            const SlopeFit fit = fitLogLogSlope(x, y, 0, 1e300);
            QVERIFY(fit.ok && fit.low < fit.slope && fit.slope < fit.high);
            covered += fit.low <= truth && truth <= fit.high ? 1 : 0;
        }
        const double coverage = double(covered) / trials;
        // Binomial standard deviation √(0.95·0.05/2000) ≈ 0.005: ±4 of them.
        QVERIFY2(std::abs(coverage - 0.95) < 0.02, qPrintable(QString::number(coverage)));
    }

    void degenerateWindows()
    {
        QVERIFY(!fitLogLogSlope({1, 2}, {1, 1}, 5, 10).ok);
        QVERIFY(!fitLogLogSlope({3, 3, 3}, {1, 2, 3}, 0, 10).ok);
        const SlopeFit two = fitLogLogSlope({1, 10}, {1, 0.1}, 0, 100);
        QVERIFY(two.ok);
        QVERIFY(std::abs(two.slope + 1) < 1e-12);
        QVERIFY(std::isnan(two.low));
    }

    void curveSlopePerLambda()
    {
        std::vector<AggregatePoint> curve;
        for (int i = 0; i < 5; ++i) {
            const double n = 10.0 * std::pow(2.0, i);
            curve.push_back({(long long)n, n, 0.1, 3, 2.0 / n, 0.0});
            curve.push_back({(long long)n, n, 1.0, 3, 5.0 / (n * n), 0.0});
        }
        QVERIFY(std::abs(fitCurveSlope(curve, 0.1, 0, 1e9).slope + 1.0) < 1e-12);
        QVERIFY(std::abs(fitCurveSlope(curve, 1.0, 0, 1e9).slope + 2.0) < 1e-12);
    }

    void theoryAtCurvePoints()
    {
        // Diagonal model, d = 400, γ = 1, Δ = 0.5 at α = n/d = 3, λ = 0.1: docs/theory/state-evolution.md §10 gives the
        // LASSO state evolution R = 0.204254 (deterministic amplitudes).
        ExperimentConfig c;
        c.problem.model = sl::ModelKind::Diagonal;
        c.problem.dimension = 400;
        c.problem.gamma = 1.0;
        c.problem.noise = 0.5;
        std::vector<AggregatePoint> curve = {{1200, 1200.0, 0.1, 1, 0.2, kNaN}, {3200, 3200.0, 1.0, 1, 0.04, kNaN}};
        const auto theory = theoryForCurve(c, curve, true);
        QCOMPARE(theory.size(), size_t(2));
        QVERIFY2(std::abs(theory[0].stateEvolutionRisk - 0.204254) < 1e-5,
            qPrintable(QString::number(theory[0].stateEvolutionRisk, 'g', 10)));
        QVERIFY(std::abs(theory[1].stateEvolutionRisk - 0.039493) < 1e-5);  // α = 8, λ = 1
        // The classifier at the same point (docs/theory/phase-diagram.md §5): a = log 1200/log 400 ≈ 1.18, b = log
        // 0.1/log 400 ≈ −0.38, b < (a − 1)/2 (under-regularised), 1 + η < a < 2γ: VIa, slope −1 in n_eff.
        QCOMPARE(theory[0].phase, QString("VIa"));
        QCOMPARE(theory[0].weightDecay, 0.1);
        QCOMPARE(theory[0].exponentN, -1.0);
        const auto phasesOnly = theoryForCurve(c, curve, false);
        QVERIFY(std::isnan(phasesOnly[0].stateEvolutionRisk));
        QCOMPARE(phasesOnly[0].phase, theory[0].phase);
    }
};

QTEST_APPLESS_MAIN(TestCurveAggregate)
#include "test_curve_aggregate.moc"
