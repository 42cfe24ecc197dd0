// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/exponent_map.h"

#include "core/common/validation.h"
#include "core/theory/lasso_state_evolution.h"
#include "core/theory/phase_diagram.h"
#include "core/theory/power_law_quadrature.h"

#include <QObject>
#include <QString>
#include <QStringLiteral>
#include <QTest>
#include <cmath>

namespace {

sl::ExponentMapConfig cells(std::vector<double> a, std::vector<double> b, double dMax)
{
    sl::ExponentMapConfig c;
    c.gamma = 1.5;
    c.noise = 0.5;
    c.cellA = std::move(a);
    c.cellB = std::move(b);
    c.dMin = 1000;
    c.dMax = dMax;
    c.threads = 1;
    return c;
}

}  // namespace

class TestExponentMap : public QObject {
    Q_OBJECT

private slots:
    // The quadrature of the index sum against the plain sum over all d coordinates: the LASSO moments at
    // d = 2·10⁴ (both teacher modes, several δ, t) agree to 1e-7 relative, so the compression changes no exponent.
    void quadratureMatchesTheFullSum()
    {
        const int d = 20000;
        const double gamma = 1.25;
        const sl::IndexQuadrature q = sl::powerLawIndexQuadrature(d, 512);
        QVERIFY(q.index.size() < 1000);
        QVERIFY(std::abs(q.weight.sum() - d) < 1e-8 * d);
        for (auto mode : {sl::LassoTeacherMode::VarianceProfile, sl::LassoTeacherMode::Amplitudes}) {
            const bool var = mode == sl::LassoTeacherMode::VarianceProfile;
            const Eigen::VectorXd full
                = var ? sl::lassoPowerLawVariances(d, gamma) : sl::lassoDeterministicAmplitudes(d, gamma);
            Eigen::VectorXd nodes(q.index.size());
            for (Eigen::Index j = 0; j < nodes.size(); ++j)
                nodes[j]
                    = var ? d * std::pow(q.index[j], -2 * gamma) : std::sqrt(double(d)) * std::pow(q.index[j], -gamma);
            for (double delta : {0.05, 0.7, 3.0}) {
                for (double t : {0.01, 0.5, 4.0, 40.0}) {
                    const sl::LassoMoments a = sl::lassoMoments(full, mode, delta, t);
                    const sl::LassoMoments b = sl::lassoMoments(nodes, mode, delta, t, q.weight);
                    QVERIFY2(std::abs(b.mse / a.mse - 1) < 1e-7, qPrintable(QString::number(b.mse / a.mse - 1)));
                    QVERIFY(std::abs(b.active - a.active) < 1e-7 * std::max(a.active, 1e-3));
                }
            }
        }
    }

    // A weighted SE solve equals the unweighted one with the entries repeated.
    void weightsAreMultiplicities()
    {
        sl::LassoStateEvolutionConfig c;
        c.teacher = (Eigen::VectorXd(3) << 5.0, 1.0, 0.2).finished();
        c.weights = (Eigen::VectorXd(3) << 2.0, 3.0, 1.0).finished();
        c.alpha = 0.8;
        c.lambda = 0.3;
        c.tolerance = 1e-13;
        sl::LassoStateEvolutionConfig e = c;
        e.weights.resize(0);
        e.teacher = (Eigen::VectorXd(6) << 5.0, 5.0, 1.0, 1.0, 1.0, 0.2).finished();
        const auto rc = sl::LassoStateEvolution(c).run();
        const auto re = sl::LassoStateEvolution(e).run();
        QVERIFY(rc.ok() && re.ok());
        QVERIFY(std::abs(rc.risk / re.risk - 1) < 1e-10);
        c.secantAcceleration = true;
        const auto rs = sl::LassoStateEvolution(c).run();
        QVERIFY(rs.ok());
        QVERIFY(std::abs(rs.risk / re.risk - 1) < 1e-10);
        QVERIFY(rs.iterations < rc.iterations);
        c.weights = (Eigen::VectorXd(2) << 1.0, 1.0).finished();
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::LassoStateEvolution{c});
    }

    // The fit on exact power laws returns the exponent with a zero-width interval; a bend is flagged.
    void fitOnSyntheticLadders()
    {
        std::vector<sl::ExponentLadderPoint> ladder;
        for (double d : {1e3, 1778.0, 3162.0, 5623.0, 1e4}) {
            sl::ExponentLadderPoint p;
            p.d = d;
            p.status = sl::Status::Converged;
            p.risk = 3.0 * std::pow(d, -0.75);
            ladder.push_back(p);
        }
        sl::ExponentCell cell;
        QVERIFY(sl::fitExponent(ladder, 1e3, 0.05, cell));
        QVERIFY(std::abs(cell.measured - 0.75) < 1e-12);
        QVERIFY(cell.intervalHigh - cell.intervalLow < 1e-9);
        QVERIFY(!cell.curved);
        for (auto& p : ladder)
            p.risk = 1 / p.d + 0.01 / std::pow(p.d, 0.5);  // slope 1 giving way to a d^(−1/2) term inside the window
        QVERIFY(sl::fitExponent(ladder, 1e3, 0.05, cell));
        QVERIFY(cell.curved);
        QVERIFY(cell.slopeUpper < cell.slopeLower);
        QVERIFY(cell.intervalLow < cell.measured && cell.measured < cell.intervalHigh);
        ladder[2].status = sl::Status::MaxIterations;
        ladder[3].status = sl::Status::MaxIterations;
        ladder[4].status = sl::Status::Diverged;
        QVERIFY(!sl::fitExponent(ladder, 1e3, 0.05, cell));
    }

    // Result 1 deep inside II, III and VI (diagonal, γ = 1.5, Δ = 0.5): the exponent measured on d = 10⁴…10⁵ (5 ladder
    // points) is within 0.05 of the table. II: (a, b) = (2, 1), e = (2 − 1/γ)(a − b − 1/2) = 2/3; III: (5, 2.5),
    // e = 2(a − b − 1) = 3; VIa: (2, −0.5), e = a − 1 = 1; VIb: (4, 0), e = 3. Each point is >= 0.5 (log_d) from the
    // nearest border.
    void deepInsidePhasesMatchResultOne()
    {
        sl::ExponentMapConfig c = cells({2, 5, 2, 4}, {1, 2.5, -0.5, 0}, 1e5);
        const sl::ExponentMapResult r = sl::ExponentMap(c).run();
        QCOMPARE(r.status, sl::Status::Converged);
        const char* phases[] = {"II", "III", "VIa", "VIb"};
        const double predicted[] = {2.0 / 3.0, 3, 1, 3};
        for (int i = 0; i < 4; ++i) {
            const sl::ExponentCell& cell = r.cells[std::size_t(i)];
            QCOMPARE(QString::fromStdString(cell.phase), QString::fromLatin1(phases[i]));
            QVERIFY(std::abs(cell.predicted - predicted[i]) < 1e-12);
            QVERIFY2(std::abs(cell.measured - predicted[i]) < 0.05,
                qPrintable(QStringLiteral("%1: measured %2").arg(phases[i]).arg(cell.measured)));
            QVERIFY(!cell.curved);
            QCOMPARE(cell.fitPoints, 5);
        }
    }

    // Phase IV is where the prediction is expected to fail at reachable d (the slowly varying ρ(n_eff/d) term): the
    // measured exponent at (0.6, −0.6) stays well below a(1 − 1/(2γ)) = 0.4. A check that the map can disagree.
    void phaseFourDisagrees()
    {
        sl::ExponentMapConfig c = cells({0.6}, {-0.6}, 1e5);
        const sl::ExponentCell cell = sl::ExponentMap(c).runCell(0.6, -0.6);
        QVERIFY(cell.ok());
        QCOMPARE(QString::fromStdString(cell.phase), QStringLiteral("IV"));
        QVERIFY(cell.measured < cell.predicted - 0.1);
    }

    // The cells are independent: the map is bit-identical for 1, 2 and 3 threads.
    void identicalForAnyThreadCount()
    {
        sl::ExponentMapConfig c;
        c.gamma = 1.0;
        c.aFrom = 0.5;
        c.aTo = 3;
        c.bFrom = -0.5;
        c.bTo = 2;
        c.aPoints = 4;
        c.bPoints = 3;
        c.dMin = 100;
        c.dMax = 1e4;
        std::vector<sl::ExponentMapResult> runs;
        int observed = 0;
        for (int threads : {1, 2, 3}) {
            c.threads = threads;
            runs.push_back(sl::ExponentMap(c).run([&](const sl::ExponentMapProgress& p) {
                ++observed;
                QVERIFY(p.done >= 1 && p.done <= p.total);
            }));
        }
        QCOMPARE(observed, 3 * 12);
        for (const auto& r : runs) {
            QCOMPARE(r.cells.size(), std::size_t(12));
            for (std::size_t i = 0; i < r.cells.size(); ++i) {
                QCOMPARE(r.cells[i].status, runs[0].cells[i].status);
                QCOMPARE(r.cells[i].measured, runs[0].cells[i].measured);
                QCOMPARE(r.cells[i].intervalLow, runs[0].cells[i].intervalLow);
                QCOMPARE(r.cells[i].ladder.size(), runs[0].cells[i].ladder.size());
                for (std::size_t k = 0; k < r.cells[i].ladder.size(); ++k)
                    QCOMPARE(r.cells[i].ladder[k].risk, runs[0].cells[i].ladder[k].risk);
            }
        }
    }

    void validationAndCancel()
    {
        sl::ExponentMapConfig c;
        c.gamma = 0.5;
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::ExponentMap{c});
        c.gamma = 1;
        c.dMax = 50;
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::ExponentMap{c});
        c.dMax = 1e4;
        c.ladderPointsPerDecade = 1;
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::ExponentMap{c});  // 2 points in the window
        c.ladderPointsPerDecade = 4;
        c.cellA = {1};
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::ExponentMap{c});
        c.cellB = {std::nan("")};
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::ExponentMap{c});
        c.cellA.clear();
        c.cellB.clear();
        sl::CancelToken cancel;
        cancel.cancel();
        const sl::ExponentMapResult r = sl::ExponentMap(c).run({}, cancel);
        QCOMPARE(r.status, sl::Status::Cancelled);
        for (const auto& cell : r.cells)
            QVERIFY(!cell.ok());
    }
};

QTEST_APPLESS_MAIN(TestExponentMap)
#include "test_exponent_map.moc"
