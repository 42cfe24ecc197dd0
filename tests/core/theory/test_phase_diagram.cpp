// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/phase_diagram.h"

#include "core/common/validation.h"
#include "core/model/problem_config.h"

#include <QObject>
#include <QString>
#include <QTest>
#include <cmath>

namespace {

sl::PhaseDiagram diagram(double d, double gamma, double noise = 0.5, double margin = 0.1)
{
    sl::PhaseDiagramConfig c;
    c.d = d;
    c.gamma = gamma;
    c.noise = noise;
    c.crossoverMargin = margin;
    return sl::PhaseDiagram(c);
}

bool close(double x, double y, double rel = 1e-12)
{
    return std::abs(x - y) <= rel * std::max(std::abs(x), std::abs(y));
}

}  // namespace

class TestPhaseDiagram : public QObject {
    Q_OBJECT

private slots:
    // One point well inside each phase (≥ 0.25 in log_d units from every border), d = 1000, γ = 1, and the
    // d-exponent e of docs/theory/phase-diagram.md §2's table evaluated by hand.
    void insideEachPhase_data()
    {
        QTest::addColumn<double>("a");
        QTest::addColumn<double>("b");
        QTest::addColumn<QString>("label");
        QTest::addColumn<double>("e");
        QTest::addColumn<double>("exponentN");
        QTest::addColumn<double>("exponentLambda");
        QTest::newRow("Ia") << -0.5 << -1.5 << "Ia" << 0.0 << 0.0 << 0.0;
        QTest::newRow("Ib") << 0.5 << 0.5 << "Ib" << 0.0 << 0.0 << 0.0;
        QTest::newRow("II") << 1.5 << 0.5 << "II" << 0.5 << -1.0 << 1.0;  // (2−1)(1.5−0.5−0.5)
        QTest::newRow("III") << 3.0 << 1.25 << "III" << 1.5 << -2.0 << 2.0;  // 2(3−1.25−1)
        QTest::newRow("IV") << 0.5 << -1.0 << "IV" << 0.25 << -0.5 << 0.0;  // 0.5(1−1/2)
        QTest::newRow("V") << 1.0 << -1.0 << "V" << -2.0 / 3.0 << 0.0 << -2.0 / 3.0;  // R ~ λ^(−2/3) = d^(2/3)
        QTest::newRow("VIa") << 1.5 << -1.0 << "VIa" << 0.5 << -1.0 << 0.0;
        QTest::newRow("VIb") << 2.5 << 0.0 << "VIb" << 1.5 << -1.0 << 0.0;
    }
    void insideEachPhase()
    {
        QFETCH(double, a);
        QFETCH(double, b);
        QFETCH(QString, label);
        QFETCH(double, e);
        QFETCH(double, exponentN);
        QFETCH(double, exponentLambda);
        const auto pd = diagram(1000, 1.0);
        const sl::PhaseInfo info = pd.classifyLog(a, b);
        QCOMPARE(QString::fromStdString(info.label), label);
        QVERIFY(std::abs(info.e - e) < 1e-12);
        QVERIFY(std::abs(info.exponentN - exponentN) < 1e-12);
        QVERIFY(std::abs(info.exponentLambda - exponentLambda) < 1e-12);
        QVERIFY(!info.rateFormula.empty());
        // The natural-unit entry point agrees.
        const sl::PhaseInfo again = pd.classify(std::pow(1000.0, a), std::pow(1000.0, b));
        QCOMPARE(again.label, info.label);
        // Inferred pieces are flagged (docs/theory/phase-diagram.md §3: Ia/Ib, VIa/VIb split).
        const bool shouldBeInferred = label == "Ia" || label == "Ib" || label == "VIa" || label == "VIb";
        QCOMPARE(info.inferred, shouldBeInferred);
    }

    // The exponents reported are the slopes of the rate formulas: finite differences of log rate().
    void exponentsAreSlopesOfRates()
    {
        for (double gamma : {0.75, 1.0, 1.5}) {
            const auto pd = diagram(500, gamma);
            for (const char* label : {"II", "III", "IV", "V", "VIa", "VIb", "Ib"}) {
                const double n = 300, lam = 0.7, h = 1e-5;
                const double slopeN
                    = (std::log(pd.rate(label, n * std::exp(h), lam)) - std::log(pd.rate(label, n * std::exp(-h), lam)))
                    / (2 * h);
                const double slopeL
                    = (std::log(pd.rate(label, n, lam * std::exp(h))) - std::log(pd.rate(label, n, lam * std::exp(-h))))
                    / (2 * h);
                QVERIFY2(std::abs(slopeN - pd.exponentN(label)) < 1e-6, label);
                QVERIFY2(std::abs(slopeL - pd.exponentLambda(label)) < 1e-6, label);
                // And R ~ d^(−e) at (d^a, d^b).
                const double a = 1.3, b = 0.2, d = 500;
                QVERIFY2(close(pd.rate(label, std::pow(d, a), std::pow(d, b)), std::pow(d, -pd.exponentE(label, a, b)),
                             1e-10),
                    label);
            }
        }
    }

    // docs/theory/phase-diagram.md §4: the rates are continuous across the borders. Both formulas evaluated at points
    // on each line.
    void continuityOnBorders()
    {
        for (double gamma : {0.6, 1.0, 1.5, 2.0}) {
            const double d = 800;
            const auto pd = diagram(d, gamma);
            for (double a : {0.3, 0.8, 1.7, 2.5, 3.5}) {
                const double n = std::pow(d, a);
                const double l1 = pd.lineL1(n), l2 = pd.lineL2(n), l3 = pd.lineL3(n);
                QVERIFY(close(pd.rate("II", n, l1), pd.rate("IV", n, l1), 1e-10));  // II = IV on L1
                QVERIFY(close(pd.rate("III", n, l1), pd.rate("VIa", n, l1), 1e-10));  // III = VI on L1
                QVERIFY(close(pd.rate("II", n, l3), pd.rate("III", n, l3), 1e-10));  // II = III on L3
                QVERIFY(close(pd.rate("II", n, l2), 1.0, 1e-10));  // II = Θ(1) on L2
                // The same in exponent form.
                const double b1 = std::log(l1) / std::log(d), b3 = std::log(l3) / std::log(d);
                QVERIFY(std::abs(pd.exponentE("II", a, b1) - pd.exponentE("IV", a, b1)) < 1e-12);
                QVERIFY(std::abs(pd.exponentE("II", a, b3) - pd.exponentE("III", a, b3)) < 1e-12);
            }
        }
    }

    // The lines used for plotting are the classifier's borders: just above/below each line the label flips.
    void linesAreClassifierBorders()
    {
        const double d = 1000, gamma = 1.0, eps = 1e-6;
        const auto pd = diagram(d, gamma, 0.5, 0.0);  // no crossover band
        auto b = [&](double lambda) { return std::log(lambda) / std::log(d); };
        // L1 at a = 1.5 separates II (above) from VIa (below).
        double a = 1.5, n = std::pow(d, a);
        QCOMPARE(pd.pureLabel(a, b(pd.lineL1(n)) + eps), std::string("II"));
        QCOMPARE(pd.pureLabel(a, b(pd.lineL1(n)) - eps), std::string("VIa"));
        // L2 separates Ib (above) from II.
        QCOMPARE(pd.pureLabel(a, b(pd.lineL2(n)) + eps), std::string("Ib"));
        QCOMPARE(pd.pureLabel(a, b(pd.lineL2(n)) - eps), std::string("II"));
        // L3 at a = 3 separates II from III.
        a = 3.0;
        n = std::pow(d, a);
        QCOMPARE(pd.pureLabel(a, b(pd.lineL3(n)) + eps), std::string("II"));
        QCOMPARE(pd.pureLabel(a, b(pd.lineL3(n)) - eps), std::string("III"));
        // Vertical line d^(2γ) separates VIa from VIb.
        QCOMPARE(pd.heavyTailNEff(), std::pow(d, 2 * gamma));
        QCOMPARE(pd.pureLabel(2 * gamma - eps, -1), std::string("VIa"));
        QCOMPARE(pd.pureLabel(2 * gamma + eps, -1), std::string("VIb"));
        // Intersections: L1 ∩ L3 at n_eff = d^(2γ), L1 ∩ L2 at (1, d^(−1/2)).
        const auto points = pd.intersections();
        QCOMPARE(int(points.size()), 2);
        QVERIFY(close(pd.lineL1(points[0].nEff), pd.lineL3(points[0].nEff), 1e-12));
        QVERIFY(close(points[0].nEff, std::pow(d, 2 * gamma), 1e-12));
        QVERIFY(close(pd.lineL1(points[1].nEff), pd.lineL2(points[1].nEff), 1e-12));
        QVERIFY(close(points[1].lambda, 1 / std::sqrt(d), 1e-12));
        // L2 and L3 are parallel, a factor d^γ apart.
        QVERIFY(close(pd.lineL2(7.0) / pd.lineL3(7.0), std::pow(d, gamma), 1e-12));
    }

    void crossoverNamesBothNeighbours()
    {
        const auto pd = diagram(1000, 1.0);
        // 0.05 above L1 at a = 1.5 (L1: b = 0.25): II side, VIa across.
        sl::PhaseInfo info = pd.classifyLog(1.5, 0.30);
        QCOMPARE(info.label, std::string("crossover"));
        QCOMPARE(info.neighbourA, std::string("II"));
        QCOMPARE(info.neighbourB, std::string("VIa"));
        QVERIFY(info.inferred);
        QVERIFY(std::abs(info.exponentN - (-1.0)) < 1e-12);  // II's exponent
        // 0.15 away it is not a crossover any more.
        QCOMPARE(pd.classifyLog(1.5, 0.40).label, std::string("II"));
        // Just below L3 at a = 3 (L3: b = 1.5).
        info = pd.classifyLog(3.0, 1.45);
        QCOMPARE(info.neighbourA, std::string("III"));
        QCOMPARE(info.neighbourB, std::string("II"));
        // Inside the peak band only the λ direction counts: V stays V away from L1.
        QCOMPARE(pd.classifyLog(1.02, -1.0).label, std::string("V"));
        // Approaching the peak band from the left: IV/V crossover.
        info = pd.classifyLog(0.9, -1.0);
        QCOMPARE(info.neighbourA, std::string("IV"));
        QCOMPARE(info.neighbourB, std::string("V"));
    }

    // docs/theory/phase-diagram.md §7: λ_opt on L1 gives the Bayes-optimal rate; the rate is continuous at d^(2γ).
    void bayesOptimal()
    {
        for (double gamma : {0.75, 1.0, 2.0}) {
            const double d = 300;
            const auto pd = diagram(d, gamma);
            for (double n : {3.0, 30.0, 0.5 * pd.heavyTailNEff()}) {
                QVERIFY(close(pd.lambdaOpt(n), pd.lineL1(n)));
                QVERIFY(close(pd.bayesOptimalRate(n), pd.rate("II", n, pd.lambdaOpt(n)), 1e-10));
            }
            for (double n : {2.0 * pd.heavyTailNEff(), 50.0 * pd.heavyTailNEff()})
                QVERIFY(close(pd.bayesOptimalRate(n), d / n, 1e-12));
            const double nT = pd.heavyTailNEff();
            QVERIFY(close(pd.bayesOptimalRate(nT * (1 - 1e-9)), pd.bayesOptimalRate(nT * (1 + 1e-9)), 1e-6));
            QCOMPARE(pd.bayesOptimalRate(0.5), 1.0);
        }
    }

    void noiselessIsFlaggedInferred()
    {
        const auto pd = diagram(1000, 1.0, 0.0);
        // No peak at Δ = 0 (docs/theory/phase-diagram.md §9): a = 1, below L1 is not V.
        const sl::PhaseInfo info = pd.classifyLog(1.3, -1.0);
        QVERIFY(info.inferred);
        QCOMPARE(info.label, std::string("VI"));
        QVERIFY(info.note.find("phase-diagram.md §9") != std::string::npos);
        QCOMPARE(pd.classifyLog(0.5, -1.0).label, std::string("IV"));
        QVERIFY(std::abs(pd.classifyLog(0.5, -1.0).exponentN - (1 - 2 * 1.0)) < 1e-12);
        // The regularised phases keep their Δ > 0 rates.
        QCOMPARE(pd.classifyLog(1.5, 0.5).e, diagram(1000, 1.0).classifyLog(1.5, 0.5).e);
    }

    // The quadratic model's peak at n_eff ≈ α_interp·d (docs/theory/state-evolution.md §8) can centre the V band; n →
    // n_eff by model.
    void peakLocationAndSamples()
    {
        sl::PhaseDiagramConfig c;
        c.d = 400;
        c.crossoverMargin = 0;
        QCOMPARE(sl::PhaseDiagram(c).classify(0.27 * 400, 1e-3).label, std::string("IV"));
        c.peakNEffFactor = 0.27;
        const sl::PhaseDiagram pd(c);
        QCOMPARE(pd.classify(0.27 * 400, 1e-3).label, std::string("V"));
        QCOMPARE(pd.peakNEff(), 0.27 * 400);
        QCOMPARE(pd.classifySamples(sl::ModelKind::Quadratic, 0.27 * 400 * 400, 1e-3).label, std::string("V"));
        QCOMPARE(pd.classifySamples(sl::ModelKind::Diagonal, 0.27 * 400 * 400, 1e-3).label, std::string("VIa"));
    }

    void forProblemTakesTheProblemsDimensionGammaAndNoise()
    {
        sl::ProblemConfig problem;
        problem.dimension = 300;
        problem.gamma = 0.75;
        problem.noise = 0;  // the noiseless diagram: every answer inferred, no V band
        const sl::PhaseDiagramConfig c = sl::PhaseDiagramConfig::forProblem(problem);
        QCOMPARE(c.d, 300.0);
        QCOMPARE(c.gamma, 0.75);
        QCOMPARE(c.noise, 0.0);
        QCOMPARE(c.crossoverMargin, sl::PhaseDiagramConfig{}.crossoverMargin);
        // Same answers as the diagram written by hand, e.g. III at n_eff = d², λ = d^0.6: above L1 (b > (a − 1)/2 =
        // 0.5), below L3 (b ≤ a − γ − 1/2 = 0.75).
        const sl::PhaseDiagram fromProblem(c), byHand = diagram(300, 0.75, 0.0);
        for (double a : {0.5, 1.0, 2.0})
            for (double b : {-1.0, 0.6, 1.0})
                QCOMPARE(fromProblem.classifyLog(a, b).label, byHand.classifyLog(a, b).label);
        QCOMPARE(fromProblem.pureLabel(2.0, 0.6), std::string("III"));
        QVERIFY(fromProblem.classifyLog(1.0, -1.0).inferred);
    }

    void validation()
    {
        sl::PhaseDiagramConfig c;
        c.gamma = 0.5;
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::PhaseDiagram{c});
        c.gamma = 1;
        c.d = 1;
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::PhaseDiagram{c});
        const auto pd = diagram(100, 1);
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, pd.classify(-1, 1));
        QCOMPARE(sl::effectiveSampleSize(sl::ModelKind::Quadratic, 4000, 40), 100.0);
        QCOMPARE(sl::effectiveSampleSize(sl::ModelKind::Diagonal, 4000, 40), 4000.0);
    }
};

QTEST_APPLESS_MAIN(TestPhaseDiagram)
#include "test_phase_diagram.moc"
