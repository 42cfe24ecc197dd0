// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/noiseless_diagram.h"

#include "core/common/validation.h"
#include "core/theory/lasso_state_evolution.h"
#include "tests/core/common/random_cancel.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTest>
#include <cmath>
#include <random>

namespace {

// d = 100, γ = 1, Δ = 0, n_eff from 1 to 10⁷ and λ from 1/d to 10d: every Δ = 0 label (Ib, II, III, IV, VI) has
// cells in it (III needs n_eff ≫ d^(2γ) = 10⁴).
sl::NoiselessDiagramConfig smallDiagram(int threads)
{
    sl::NoiselessDiagramConfig c;
    c.model.d = 100;
    c.nEffMin = 1;
    c.nEffMax = 1e7;
    c.nEffPoints = 15;
    c.lambdaMin = 0.01;
    c.lambdaMax = 1000;
    c.lambdaPoints = 11;
    c.threads = threads;
    return c;
}

}  // namespace

class TestNoiselessDiagram : public QObject {
    Q_OBJECT

private slots:
    // Cells are the SE fixed points (checked against independent damped-iteration solves), the slopes are the
    // finite differences of their logs, and the thread count changes nothing.
    void cellsAndSlopes()
    {
        const auto one = sl::computeNoiselessDiagram(smallDiagram(1));
        const auto three = sl::computeNoiselessDiagram(smallDiagram(3));
        QVERIFY2(one.status == sl::Status::Converged, one.message.c_str());
        QCOMPARE(one.cells.size(), std::size_t(15 * 11));
        for (std::size_t k = 0; k < one.cells.size(); ++k) {
            QCOMPARE(one.cells[k].risk, three.cells[k].risk);
            QCOMPARE(one.cells[k].phase, three.cells[k].phase);
        }
        for (const std::size_t i : {std::size_t(2), std::size_t(7), std::size_t(12)}) {
            for (const std::size_t j : {std::size_t(1), std::size_t(5), std::size_t(9)}) {
                const auto& cell = one.cell(i, j);
                sl::LassoStateEvolutionConfig lc;
                lc.teacher = sl::lassoDeterministicAmplitudes(100, 1.0);
                lc.alpha = cell.nEff / 100;
                lc.lambda = cell.lambda;
                lc.noise = 0;
                lc.tolerance = 1e-12;
                const auto cold = sl::LassoStateEvolution(lc).run();
                QVERIFY(cold.ok());
                QVERIFY2(std::abs(cell.risk - cold.risk) < 1e-7 * cold.risk,
                    qPrintable(QString("cell (%1, %2): %3 vs %4").arg(i).arg(j).arg(cell.risk).arg(cold.risk)));
                const auto& left = one.cell(i - 1, j);
                const auto& right = one.cell(i + 1, j);
                QVERIFY(
                    std::abs(cell.slope - std::log(right.risk / left.risk) / std::log(right.nEff / left.nEff)) < 1e-12);
            }
        }
    }

    // The SE's own slopes against the inferred Δ = 0 exponents (docs/theory/noiseless-and-lambda.md §1 table):
    // they agree in Ib (0), II (−(2 − 1/γ) = −1), III and VI (−2) to within 0.1 (median over the cells); in IV
    // the SE slope varies across the region (the log factor of the best-k-term rate and the recovery transition
    // near n_eff ≈ d), so only its sign and the wide median band are checked.
    void slopesAgainstInferredExponents()
    {
        const auto r = sl::computeNoiselessDiagram(smallDiagram(2));
        QVERIFY(r.status == sl::Status::Converged);
        QStringList seen;
        for (const auto& a : r.agreement) {
            seen << QString::fromStdString(a.phase);
            qDebug() << a.phase.c_str() << a.cells << "predicted" << a.predictedSlope << "median" << a.medianSlope
                     << "median |dev|" << a.medianAbsDeviation;
            QVERIFY(a.cells > 0);
            if (a.phase == "IV") {
                QVERIFY(a.medianSlope < -0.3 && a.medianSlope > -2.0);
            } else {
                QVERIFY2(std::abs(a.medianSlope - a.predictedSlope) < 0.1, a.phase.c_str());
            }
        }
        for (const char* phase : {"Ib", "II", "III", "IV", "VI"})
            QVERIFY2(seen.contains(phase), phase);
    }

    void progressAndCancellation()
    {
        auto c = smallDiagram(2);
        int calls = 0, last = 0;
        const auto r = sl::computeNoiselessDiagram(c, [&](const sl::NoiselessDiagramProgress& p) {
            ++calls;
            QCOMPARE(p.columns, 11);
            QVERIFY(p.columnsDone == last + 1);
            last = p.columnsDone;
        });
        QVERIFY(r.status == sl::Status::Converged);
        QCOMPARE(calls, 11);
        // Cancelled from another thread at a random column: no cells come back.
        std::mt19937_64 rng(5);
        for (int trial = 0; trial < 4; ++trial) {
            const int after = 1 + int(rng() % 5);
            const auto cancelled = sl::test::cancelAtRandomPoint(
                after, 2000, rng, [&](const sl::CancelToken& cancel, sl::test::RandomCanceller& canceller) {
                    auto big = c;
                    big.lambdaPoints = 400;  // long enough that only the cancel ends it
                    return sl::computeNoiselessDiagram(
                        big, [&](const sl::NoiselessDiagramProgress&) { canceller.progress(); }, cancel);
                });
            QCOMPARE(cancelled.status, sl::Status::Cancelled);
            QVERIFY(cancelled.cells.empty());
        }
    }

    void validation()
    {
        auto c = smallDiagram(1);
        c.nEffMax = c.nEffMin;
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::computeNoiselessDiagram(c));
        c = smallDiagram(1);
        c.threads = -1;
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::computeNoiselessDiagram(c));
        c = smallDiagram(1);
        c.model.noise = -1;
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::computeNoiselessDiagram(c));
    }
};

QTEST_APPLESS_MAIN(TestNoiselessDiagram)
#include "test_noiseless_diagram.moc"
