// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/state_evolution_curve.h"

#include "core/common/validation.h"
#include "core/theory/matrix_state_evolution.h"
#include "tests/core/common/random_cancel.h"

#include <QObject>
#include <QString>
#include <QTest>
#include <cmath>
#include <random>

class TestStateEvolutionCurve : public QObject {
    Q_OBJECT

private slots:
    void logGrid()
    {
        const auto g = sl::StateEvolutionCurve::logGrid(10, 1e4, 4);
        QCOMPARE(int(g.size()), 4);
        for (int i = 0; i < 4; ++i)
            QVERIFY(std::abs(g[std::size_t(i)] / std::pow(10.0, i + 1) - 1) < 1e-12);
    }

    // Warm starts change the path, not the fixed points: every point equals an independent cold solve, and the
    // observer sees every point in order.
    void lassoCurveMatchesPointSolves()
    {
        sl::StateEvolutionCurveConfig c;
        c.model = sl::ModelKind::Diagonal;
        c.d = 200;
        c.lambda = 0.3;
        c.nEffMin = 20;
        c.nEffMax = 2000;
        c.points = 9;
        std::vector<int> seen;
        const auto curve = sl::StateEvolutionCurve(c).run([&](const sl::CurveProgress& p) {
            QCOMPARE(p.total, 9);
            seen.push_back(p.index);
        });
        QVERIFY2(curve.status == sl::Status::Converged, curve.message.c_str());
        QCOMPARE(int(curve.points.size()), 9);
        QCOMPARE(int(seen.size()), 9);
        for (int i = 0; i < 9; ++i) {
            QCOMPARE(seen[std::size_t(i)], i);
            const auto& p = curve.points[std::size_t(i)];
            QCOMPARE(p.status, sl::Status::Converged);
            QVERIFY(std::abs(p.alpha - p.nEff / 200) < 1e-12);
            sl::LassoStateEvolutionConfig lc;
            lc.teacher = sl::lassoDeterministicAmplitudes(200, 1.0);
            lc.alpha = p.alpha;
            lc.lambda = 0.3;
            const auto cold = sl::LassoStateEvolution(lc).run();
            QVERIFY(cold.ok());
            QVERIFY(std::abs(cold.risk - p.excessRisk) < 1e-8 * cold.risk);
        }
    }

    // Far right of the peak at weak λ the curve follows phase VI's slope −1 (docs/theory/phase-diagram.md §2, §5;
    // docs/theory/state-evolution.md §10: −1.02, −1.00 at d = 2000), the exponent the classifier reports there.
    void lassoSlopeInPhaseVI()
    {
        const int d = 400;
        sl::StateEvolutionCurveConfig c;
        c.d = d;
        c.lambda = 1.0 / d;
        c.nEffValues = {50.0 * d, 100.0 * d};
        const auto curve = sl::StateEvolutionCurve(c).run();
        QVERIFY(curve.status == sl::Status::Converged);
        const double slope = std::log(curve.points[1].excessRisk / curve.points[0].excessRisk) / std::log(2.0);
        sl::PhaseDiagramConfig pc;
        pc.d = d;
        const sl::PhaseInfo info = sl::PhaseDiagram(pc).classify(70.0 * d, 1.0 / d);
        QCOMPARE(info.label, std::string("VIa"));
        QVERIFY2(std::abs(slope - info.exponentN) < 0.03, qPrintable(QString::number(slope)));
    }

    // At strong λ = √d the curve follows phase II's slope −(2 − 1/γ) = −1 for d ≪ n ≪ d^(γ+1)
    // (docs/theory/phase-diagram.md §8; docs/theory/state-evolution.md §10 at d = 2000: −0.9, −1.0, −1.09 before
    // bending towards III).
    void lassoSlopeInPhaseII()
    {
        const int d = 2000;
        sl::StateEvolutionCurveConfig c;
        c.d = d;
        c.lambda = std::sqrt(double(d));
        c.nEffValues = {2e4, 5e4};
        const auto curve = sl::StateEvolutionCurve(c).run();
        QVERIFY(curve.status == sl::Status::Converged);
        const double slope = std::log(curve.points[1].excessRisk / curve.points[0].excessRisk) / std::log(2.5);
        sl::PhaseDiagramConfig pc;
        pc.d = d;
        const sl::PhaseInfo info = sl::PhaseDiagram(pc).classify(3e4, c.lambda);
        QCOMPARE(info.label, std::string("II"));
        QVERIFY2(std::abs(slope - info.exponentN) < 0.03, qPrintable(QString::number(slope)));
    }

    void quadraticCurve()
    {
        sl::StateEvolutionCurveConfig c;
        c.model = sl::ModelKind::Quadratic;
        c.d = 20;
        c.lambda = 0.5;
        c.samples = 8;
        c.nEffMin = 4;  // α_q = 0.2 .. 2
        c.nEffMax = 40;
        c.points = 4;
        const auto curve = sl::StateEvolutionCurve(c).run();
        QVERIFY2(curve.status == sl::Status::Converged, curve.message.c_str());
        double previous = 1e300;
        for (const auto& p : curve.points) {
            QCOMPARE(p.n, p.nEff * 20);
            QVERIFY(std::abs(p.excessRisk - 2 * p.matrixMse) < 1e-15);
            QVERIFY(p.excessRisk < previous);  // regularised side: risk falls with n
            previous = p.excessRisk;
            // Same fixed point as a cold solve with the same GOE samples.
            sl::MatrixStateEvolutionConfig mc;
            mc.spectrum = sl::powerLawSpectrum(20, 1.0);
            mc.alphaQ = p.alpha;
            mc.lambda = 0.5;
            mc.samples = 8;
            const auto cold = sl::MatrixStateEvolution(mc).run();
            QVERIFY(cold.ok());
            QVERIFY(std::abs(cold.delta - p.delta) < 1e-5 * p.delta);
        }
    }

    void failedPointsAreReportedNotDropped()
    {
        sl::StateEvolutionCurveConfig c;
        c.d = 100;
        c.lambda = 1e-3;
        c.nEffValues = {100.0, 300.0};  // α = 1: slow near the peak
        c.lassoMaxIterations = 4;
        const auto curve = sl::StateEvolutionCurve(c).run();
        QCOMPARE(curve.status, sl::Status::NotConverged);
        QCOMPARE(int(curve.points.size()), 2);
        QVERIFY(curve.failedPoints >= 1);
        QCOMPARE(curve.points[0].status, sl::Status::MaxIterations);
        QCOMPARE(curve.points[0].excessRisk, 0.0);
    }

    void cancellation()
    {
        sl::StateEvolutionCurveConfig c;
        c.d = 100;
        c.points = 10;
        sl::CancelToken cancel;
        const auto curve = sl::StateEvolutionCurve(c).run(
            [&](const sl::CurveProgress& p) {
                if (p.index == 2)
                    cancel.cancel();
            },
            cancel);
        QCOMPARE(curve.status, sl::Status::Cancelled);
        QCOMPARE(int(curve.points.size()), 3);
    }

    // Issue 11: cancelled from another thread at random points, for both models; the points finished before the
    // request are returned (in grid order, each converged), the one interrupted is not.
    void cancelFromAnotherThreadAtRandomPoints_data()
    {
        QTest::addColumn<bool>("quadraticModel");
        QTest::newRow("diagonal") << false;
        QTest::newRow("quadratic") << true;
    }

    void cancelFromAnotherThreadAtRandomPoints()
    {
        QFETCH(bool, quadraticModel);
        sl::StateEvolutionCurveConfig c;
        c.model = quadraticModel ? sl::ModelKind::Quadratic : sl::ModelKind::Diagonal;
        c.d = quadraticModel ? 30 : 100;
        c.lambda = quadraticModel ? 0.05 : 0.1;
        c.samples = 8;
        c.nEffMin = quadraticModel ? 0.5 : 1.0;
        c.nEffMax = quadraticModel ? 300.0 : 1e4;
        c.points = 4000;  // far more than any trial reaches
        const sl::StateEvolutionCurve curve(c);
        const std::vector<double> grid = curve.grid();
        std::mt19937_64 rng(quadraticModel ? 47 : 53);
        for (int trial = 0; trial < 8; ++trial) {
            const int after = 1 + int(rng() % 8);
            int reported = 0;
            const auto r = sl::test::cancelAtRandomPoint(
                after, 3000, rng, [&](const sl::CancelToken& cancel, sl::test::RandomCanceller& canceller) {
                    reported = 0;
                    return curve.run(
                        [&](const sl::CurveProgress& p) {
                            reported = p.index + 1;
                            canceller.progress();
                        },
                        cancel);
                });
            QCOMPARE(r.status, sl::Status::Cancelled);
            QVERIFY2(QString::fromStdString(r.message).startsWith("cancelled after"), r.message.c_str());
            QVERIFY(int(r.points.size()) >= after && int(r.points.size()) < c.points);
            QCOMPARE(int(r.points.size()), reported);  // the points reported, and only those
            for (size_t i = 0; i < r.points.size(); ++i) {
                QCOMPARE(r.points[i].nEff, grid[i]);
                QCOMPARE(r.points[i].status, sl::Status::Converged);
                QVERIFY(std::isfinite(r.points[i].excessRisk) && r.points[i].excessRisk > 0);
            }
        }
    }

    void validation()
    {
        sl::StateEvolutionCurveConfig c;
        c.model = sl::ModelKind::Quadratic;
        c.lambda = 0;
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::StateEvolutionCurve{c});
        c.lambda = 1;
        c.nEffMax = 0.5;
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::StateEvolutionCurve{c});
        c.nEffMax = 10;
        c.gamma = 0.4;
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::StateEvolutionCurve{c});
    }
};

QTEST_APPLESS_MAIN(TestStateEvolutionCurve)
#include "test_state_evolution_curve.moc"
