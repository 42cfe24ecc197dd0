// SPDX-License-Identifier: GPL-3.0-or-later
// Cost of the state evolutions (docs/theory/state-evolution.md §7, §9): one quadratic SE point and a 30-point quadratic
// curve at d = 200, K = 32 (dominated by the K eigen-decompositions per δ iteration), and a 40-point LASSO curve at d =
// 2000. Counters: eigFraction = time in eigen-decompositions / total, decompositions, SE iterations.
#include "core/theory/lasso_state_evolution.h"
#include "core/theory/matrix_state_evolution.h"
#include "core/theory/state_evolution_curve.h"

#include <benchmark/benchmark.h>

static void BM_MatrixSePoint(benchmark::State& state)
{
    sl::MatrixStateEvolutionConfig c;
    c.spectrum = sl::powerLawSpectrum(int(state.range(0)), 1.0);
    c.alphaQ = 0.5;
    c.lambda = 0.5;
    c.samples = 32;
    sl::MatrixStateEvolutionResult r;
    for (auto _ : state)
        r = sl::MatrixStateEvolution(c).run();
    state.counters["eigFraction"] = r.eigenSeconds / r.totalSeconds;
    state.counters["decompositions"] = double(r.eigenDecompositions);
    state.counters["iterations"] = r.iterations;
    state.counters["converged"] = r.ok();
}
BENCHMARK(BM_MatrixSePoint)->Arg(200)->Unit(benchmark::kSecond)->Iterations(1);

static void BM_MatrixSeCurve(benchmark::State& state)
{
    sl::StateEvolutionCurveConfig c;
    c.model = sl::ModelKind::Quadratic;
    c.d = int(state.range(0));
    c.lambda = 1.0;
    c.samples = 32;
    c.nEffMin = 0.05 * c.d;  // α_q = 0.05 .. 5
    c.nEffMax = 5.0 * c.d;
    c.points = 30;
    sl::StateEvolutionCurveResult r;
    for (auto _ : state)
        r = sl::StateEvolutionCurve(c).run();
    state.counters["eigFraction"] = r.eigenSeconds / r.totalSeconds;
    state.counters["decompositions"] = double(r.eigenDecompositions);
    state.counters["failedPoints"] = r.failedPoints;
}
BENCHMARK(BM_MatrixSeCurve)->Arg(200)->Unit(benchmark::kSecond)->Iterations(1);

static void BM_LassoSeCurve(benchmark::State& state)
{
    sl::StateEvolutionCurveConfig c;
    c.model = sl::ModelKind::Diagonal;
    c.d = int(state.range(0));
    c.lambda = 1.0;
    c.nEffMin = 0.01 * c.d;  // α = 0.01 .. 100, through the n ~ d bump
    c.nEffMax = 100.0 * c.d;
    c.points = 40;
    sl::StateEvolutionCurveResult r;
    for (auto _ : state)
        r = sl::StateEvolutionCurve(c).run();
    long iterations = 0;
    for (const auto& p : r.points)
        iterations += p.iterations;
    state.counters["seIterations"] = double(iterations);
    state.counters["failedPoints"] = r.failedPoints;
}
BENCHMARK(BM_LassoSeCurve)->Arg(2000)->Unit(benchmark::kSecond)->Iterations(1);

BENCHMARK_MAIN();
