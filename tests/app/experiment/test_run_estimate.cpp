// SPDX-License-Identifier: GPL-3.0-or-later
// The cost estimate shown before a long run (issue 16, item 11): memory from the shapes, time from a flop count.
#include "app/experiment/experiment_config.h"
#include "app/experiment/memory_budget.h"
#include "app/experiment/run_estimate.h"

#include <QObject>
#include <QString>
#include <QTest>

#include <cmath>

using sl::app::ExperimentConfig;

namespace {

ExperimentConfig config(sl::ModelKind model, int d, long long n)
{
    ExperimentConfig c;
    c.problem.model = model;
    c.problem.dimension = d;
    c.problem.samples = n;
    c.solver = sl::app::Solver::Lbfgs;
    c.train = sl::TrainConfig::defaults(sl::Optimizer::Lbfgs);
    return c;
}

}  // namespace

class TestRunEstimate : public QObject {
    Q_OBJECT

private slots:
    // Diagonal network with the certificate (the LASSO's d×d Gram matrix): 8·(n·d + 3n + (10 + 2m)·d + d²) bytes.
    void memoryOfADiagonalRunIsTheClosedForm()
    {
        ExperimentConfig c = config(sl::ModelKind::Diagonal, 100, 1000);
        c.certificate = true;
        const double n = 1000, d = 100, m = c.train.lbfgsMemory;
        const sl::app::RunEstimate e = sl::app::estimateRun(c, 1e9, 1);
        QCOMPARE(e.bytes, 8.0 * (n * d + 3 * n + (10 + 2 * m) * d + d * d));
    }

    // Quadratic network, no certificate: X, y, residuals, XW (n·p), the teacher's 3·d² and the optimiser's
    // (6 + 2m + blocks)·d·p with ceil(n / 1024) row blocks.
    void memoryOfAQuadraticRunIsTheClosedForm()
    {
        ExperimentConfig c = config(sl::ModelKind::Quadratic, 20, 2000);
        c.certificate = false;
        const double n = 2000, d = 20, p = 20, m = c.train.lbfgsMemory, blocks = 2;
        const sl::app::RunEstimate e = sl::app::estimateRun(c, 1e9, 1);
        QCOMPARE(e.bytes, 8.0 * (n * d + 3 * n + n * p + 3 * d * d + (6 + 2 * m + blocks) * d * p));
    }

    // 300 L-BFGS iterations × 1.1 evaluations × 4·n·d·p flops, at the rate given.
    void timeIsTheFlopCountOverTheRate()
    {
        ExperimentConfig c = config(sl::ModelKind::Quadratic, 30, 3000);
        c.certificate = false;
        const double flops = 300 * 1.1 * 4.0 * 3000 * 30 * 30;
        const sl::app::RunEstimate e = sl::app::estimateRun(c, 2e9, 1);
        QVERIFY(std::abs(e.flops - flops) <= 1e-12 * flops);
        QVERIFY(std::abs(e.seconds - flops / 2e9) <= 1e-12 * e.seconds);
        // The certificate adds 200 FISTA iterations of 4·n·d² + 9·d³.
        c.certificate = true;
        const double withCertificate = flops + 200 * (4.0 * 3000 * 30 * 30 + 9.0 * 30 * 30 * 30);
        QVERIFY(std::abs(sl::app::estimateRunFlops(c) - withCertificate) <= 1e-12 * withCertificate);
        // A cap below the typical count bounds the iterations.
        c.certificate = false;
        c.train.maxIterations = 30;
        QVERIFY(std::abs(sl::app::estimateRunFlops(c) - flops / 10) <= 1e-12 * flops);
    }

    // Three seeds cost three runs; on three threads they take the time of one.
    void aSweepSumsItsPointsOverTheThreads()
    {
        ExperimentConfig c = config(sl::ModelKind::Diagonal, 50, 400);
        const double one = sl::app::estimateRunFlops(c);
        c.seedCount = 3;
        const sl::app::RunEstimate e = sl::app::estimateRun(c, 1e9, 3);
        QCOMPARE(e.runs, 3);
        QVERIFY(std::abs(e.flops - 3 * one) <= 1e-12 * e.flops);
        QVERIFY(std::abs(e.seconds - one / 1e9) <= 1e-12 * e.seconds);
    }

    // The click in phase VIa at d = 200: n = 824 585, the data alone n·d doubles (1.2 GiB); even at
    // 100 GFLOP/s it is far beyond the confirmation threshold, while the window's default point is not.
    void phaseVIaAtD200IsLongAndTheDefaultIsShort()
    {
        ExperimentConfig big = config(sl::ModelKind::Quadratic, 200, 824585);
        big.certificate = true;
        const sl::app::RunEstimate e = sl::app::estimateRun(big, 1e11, 1);
        QVERIFY(e.bytes > 8.0 * 824585 * 200);
        QVERIFY(e.seconds > sl::app::kLongRunSeconds);
        QVERIFY(QString::fromStdString(e.text()).contains("GiB"));
        ExperimentConfig small = config(sl::ModelKind::Quadratic, 50, 500);
        small.certificate = true;
        QVERIFY(sl::app::estimateRun(small, 1e9, 1).seconds < sl::app::kLongRunSeconds);
    }

    void measuredRateIsPositiveAndCanBeFixed()
    {
        sl::app::setMeasuredFlopRate(std::nullopt);
        const double rate = sl::app::measuredFlopRate();
        QVERIFY(rate > 1e6 && std::isfinite(rate));
        sl::app::setMeasuredFlopRate(4e9);
        const ExperimentConfig c = config(sl::ModelKind::Diagonal, 50, 400);
        QCOMPARE(sl::app::estimateRun(c, 0, 1).flopRate, 4e9 * sl::app::kGradientEfficiency);
        sl::app::setMeasuredFlopRate(std::nullopt);
    }
};

QTEST_GUILESS_MAIN(TestRunEstimate)
#include "test_run_estimate.moc"
