// SPDX-License-Identifier: GPL-3.0-or-later
// Not a speed target: the measurement behind docs/theory/decomposition.md §3a's table of pruning rules for the
// diagonal network. Each benchmark is one (d, n, λ, teacher) point over seeds 1–S, ERM by the exact LASSO, with the
// seed means as counters: the risk, the pruned risk by the gap rule (the old rule), by the state evolution's optimal
// soft level (the wired rule) and its hard twin, by the universal level δ√(2 ln d) − t (soft and hard) and by SURE,
// and the state evolution's closed-form predictions. Run: build/release/bench/bench_diagonal_pruning
// --benchmark_counters_tabular=true (a few minutes at one core: the phase III point solves n = 365174).
#include "core/convex/lasso_solver.h"
#include "core/decomposition/diagonal_pruning.h"
#include "core/model/problem.h"

#include <benchmark/benchmark.h>
#include <cmath>

namespace {

double prunedRisk(const Eigen::VectorXd& theta, const Eigen::VectorXd& teacher, double level, sl::PruningShape shape)
{
    double sum = 0;
    for (Eigen::Index i = 0; i < theta.size(); ++i) {
        const double x = theta[i];
        double p = 0;
        if (std::abs(x) > level)
            p = shape == sl::PruningShape::Soft ? std::copysign(std::abs(x) - level, x) : x;
        sum += (p - teacher[i]) * (p - teacher[i]);
    }
    return sum / double(theta.size());
}

}  // namespace

static void BM_DiagonalPruningRules(benchmark::State& state)
{
    const int d = int(state.range(0));
    const long long n = state.range(1);
    const double lambda = double(state.range(2)) / 1000.0;
    const bool deterministic = state.range(3) != 0;
    const int seeds = int(state.range(4));
    enum {
        Risk,
        Gap,
        Level,
        LevelHard,
        UnivSoft,
        UnivHard,
        Sure,
        SeRisk,
        SeLevel,
        SeLevelHard,
        SeUnivSoft,
        SeUnivHard,
        LevelValue,
        UnivValue,
        Count
    };
    const char* names[Count] = {"risk", "gap", "se_soft", "se_hard", "univ_soft", "univ_hard", "sure", "P_risk",
        "P_se_soft", "P_se_hard", "P_univ_soft", "P_univ_hard", "e_se", "e_univ"};
    double sums[Count] = {};
    for (auto _ : state) {
        for (int seed = 1; seed <= seeds; ++seed) {
            sl::ProblemConfig c;
            c.model = sl::ModelKind::Diagonal;
            c.dimension = d;
            c.samples = n;
            c.weightDecay = lambda;
            c.noise = 0.5;
            c.seed = std::uint64_t(seed);
            c.amplitudes = deterministic ? sl::TeacherAmplitudes::Deterministic : sl::TeacherAmplitudes::Gaussian;
            const sl::Problem p = sl::makeProblem(c);
            sl::LassoConfig lc;
            lc.lambda = lambda;
            lc.units = sl::LassoUnits::Experiment;
            const Eigen::VectorXd theta = sl::LassoSolver(p.data.X, p.data.y, lc).run().theta;
            const Eigen::VectorXd& teacher = p.teacher.spectrum;
            sl::LassoStateEvolutionConfig se;
            se.teacher = teacher;
            se.alpha = double(n) / d;
            se.lambda = lambda;
            se.noise = c.noise;
            const sl::LassoStateEvolutionResult r = sl::LassoStateEvolution(se).run();
            const double delta = r.delta, t = r.threshold;
            const double e = sl::optimalDiagonalPruningLevel(teacher, delta, t).level;
            const double eHard = sl::optimalDiagonalPruningLevel(teacher, delta, t, sl::PruningShape::Hard).level;
            const double u = std::max(sl::universalDiagonalPruningLevel(delta, t, d), 0.0);
            const sl::ErrorDecomposition gap = sl::decomposeDiagonal(theta, teacher);
            const double values[Count]
                = {gap.excessRisk, gap.prunedExcessRisk, prunedRisk(theta, teacher, e, sl::PruningShape::Soft),
                    prunedRisk(theta, teacher, eHard, sl::PruningShape::Hard),
                    prunedRisk(theta, teacher, u, sl::PruningShape::Soft),
                    prunedRisk(theta, teacher, u, sl::PruningShape::Hard),
                    prunedRisk(theta, teacher, sl::sureDiagonalPruningLevel(theta, delta, t), sl::PruningShape::Soft),
                    r.risk, sl::predictedDiagonalPrunedRisk(teacher, delta, t, e),
                    sl::predictedDiagonalPrunedRisk(teacher, delta, t, eHard, sl::PruningShape::Hard),
                    sl::predictedDiagonalPrunedRisk(teacher, delta, t, u),
                    sl::predictedDiagonalPrunedRisk(teacher, delta, t, u, sl::PruningShape::Hard), e, u};
            for (int k = 0; k < Count; ++k)
                sums[k] += values[k];
        }
    }
    for (int k = 0; k < Count; ++k)
        state.counters[names[k]] = sums[k] / seeds;
}
// {d, n, 1000·λ, deterministic amplitudes, seeds}
BENCHMARK(BM_DiagonalPruningRules)
    ->Args({100, 300, 1000, 1, 5})  // the window's first screen (VIa)
    ->Args({100, 30, 10, 0, 10})  // IV
    ->Args({100, 100, 10, 0, 10})  // V
    ->Args({100, 300, 10, 0, 10})  // VIa
    ->Args({100, 100, 3162, 0, 10})  // II
    ->Args({100, 562, 13335, 0, 10})  // II
    ->Args({100, 365174, 115478, 0, 2})  // III
    ->Args({400, 1200, 1000, 1, 5})  // the first screen's λ at d = 400 (a crossover)
    ->Args({400, 400, 10, 0, 5})  // V
    ->Args({400, 1200, 10, 0, 5})  // VIa
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
