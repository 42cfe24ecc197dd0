// SPDX-License-Identifier: GPL-3.0-or-later
// Post-hoc pruning (arXiv:2509.24882, Corollary 2) on trained networks against its state-evolution prediction.
#include "core/decomposition/error_decomposition.h"

#include "core/convex/lasso_solver.h"
#include "core/convex/nuclear_norm_solver.h"
#include "core/model/diagonal_net.h"
#include "core/model/problem.h"
#include "core/model/quadratic_net.h"

#include <QtTest>
#include <cmath>
#include <vector>

namespace {

struct Stats {
    double mean = 0, sd = 0;
};
Stats stats(const std::vector<double>& x)
{
    Stats s;
    for (double v : x)
        s.mean += v;
    s.mean /= double(x.size());
    for (double v : x)
        s.sd += (v - s.mean) * (v - s.mean);
    s.sd = std::sqrt(s.sd / double(x.size() - 1));
    return s;
}

struct Run {
    double risk, pruned, predictedPruned, predictedRisk;
    sl::ErrorTerms measured, predicted;
};

Run diagonalRun(int d, long long n, double lambda, std::uint64_t seed)
{
    sl::ProblemConfig c;
    c.model = sl::ModelKind::Diagonal;
    c.dimension = d;
    c.samples = n;
    c.weightDecay = lambda;
    c.noise = 0.5;
    c.seed = seed;
    const sl::Problem p = sl::makeProblem(c);
    sl::LassoConfig lc;
    lc.lambda = lambda;
    lc.units = sl::LassoUnits::Experiment;
    const Eigen::VectorXd theta = sl::LassoSolver(p.data.X, p.data.y, lc).run().theta;
    const sl::ErrorDecomposition dec = sl::decomposeDiagonal(theta, p.teacher.spectrum);
    // The state evolution at this run's own teacher draw (amplitude mode), the same finite d.
    sl::LassoStateEvolutionConfig se;
    se.teacher = p.teacher.spectrum;
    se.alpha = double(n) / d;
    se.lambda = lambda;
    se.noise = c.noise;
    const sl::LassoStateEvolutionResult r = sl::LassoStateEvolution(se).run();
    const sl::PredictedDecomposition pred = sl::predictDiagonalDecomposition(se, r);
    return {dec.excessRisk, dec.prunedExcessRisk, pred.prunedExcessRisk, pred.excessRisk, dec.terms, pred.terms};
}

}  // namespace

class TestPruning : public QObject {
    Q_OBJECT

private slots:
    // Phase V (n_eff = d, small λ) of the diagonal network at d = 100, 8 seeds: the noise bulk dominates, and
    // pruning at the bulk edge removes it. Checked: (1) the mean pruned excess risk is at most half the mean
    // unpruned one; (2) the mean pruned risk agrees with the mean of the state evolution's pruned predictions
    // within the spread over seeds (2 standard deviations of the measured pruned risk: the prediction is a mean
    // over the law, the runs are single draws).
    void phaseFivePruningHalvesTheRiskAsPredicted()
    {
        std::vector<double> risk, pruned, predicted;
        for (std::uint64_t seed = 1; seed <= 8; ++seed) {
            const Run r = diagonalRun(100, 100, 0.01, seed);
            risk.push_back(r.risk);
            pruned.push_back(r.pruned);
            predicted.push_back(r.predictedPruned);
            qInfo("seed %d: risk %.4f pruned %.4f | SE risk %.4f pruned %.4f | meas o/u/a %.4f %.4f %.4f | pred %.4f "
                  "%.4f %.4f",
                int(seed), r.risk, r.pruned, r.predictedRisk, r.predictedPruned, r.measured.overfitting,
                r.measured.underfitting, r.measured.approximation, r.predicted.overfitting, r.predicted.underfitting,
                r.predicted.approximation);
        }
        const Stats u = stats(risk), p = stats(pruned), q = stats(predicted);
        qInfo("unpruned %.4f ± %.4f, pruned %.4f ± %.4f, SE pruned %.4f ± %.4f", u.mean, u.sd, p.mean, p.sd, q.mean,
            q.sd);
        QVERIFY(p.mean <= 0.5 * u.mean);
        QVERIFY(std::abs(p.mean - q.mean) <= 2 * p.sd);
    }
};

QTEST_APPLESS_MAIN(TestPruning)
#include "test_pruning.moc"
