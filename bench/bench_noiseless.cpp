// SPDX-License-Identifier: GPL-3.0-or-later
// Cost of the Δ = 0 slope map, the λ curve and the optimal-λ search (docs/theory/noiseless-and-lambda.md), each
// next to its peer: the same points solved by the damped iteration LassoStateEvolution::run() (what
// StateEvolutionCurve uses) instead of the root finder of lasso_fixed_point.h.
// Targets of issue 18: a 30-point λ curve at d = 1000 (diagonal) < 1 s; the 25 × 25 Δ = 0 map at d = 400 < 10 s
// on 2 cores.
#include "core/theory/lambda_curve.h"
#include "core/theory/noiseless_diagram.h"
#include "core/theory/state_evolution_curve.h"

#include <benchmark/benchmark.h>

static void BM_LambdaCurve30(benchmark::State& state)
{
    sl::LambdaCurveConfig c;
    c.model.d = int(state.range(0));
    c.model.noise = 0.5;
    c.nEff = 3.0 * c.model.d;
    c.lambdaMin = 1e-3;
    c.lambdaMax = 1e3;
    c.points = 30;
    sl::LambdaCurveResult r;
    for (auto _ : state)
        r = sl::computeLambdaCurve(c);
    state.counters["converged"] = r.status == sl::Status::Converged;
}
BENCHMARK(BM_LambdaCurve30)->Arg(1000)->Unit(benchmark::kMillisecond)->Iterations(3);

// Peer: the same 30 λ values by the damped iteration, warm-started from the previous λ.
static void BM_LambdaCurve30DampedPeer(benchmark::State& state)
{
    const int d = int(state.range(0));
    const auto lambdas = sl::StateEvolutionCurve::logGrid(1e-3, 1e3, 30);
    int converged = 0;
    for (auto _ : state) {
        converged = 0;
        double warm = -1;
        for (const double lambda : lambdas) {
            sl::LassoStateEvolutionConfig lc;
            lc.teacher = sl::lassoDeterministicAmplitudes(d, 1.0);
            lc.alpha = 3.0;
            lc.lambda = lambda;
            lc.noise = 0.5;
            lc.initialRisk = warm;
            const auto r = sl::LassoStateEvolution(lc).run();
            converged += r.ok();
            warm = r.ok() ? r.risk : -1;
        }
    }
    state.counters["converged"] = converged == 30;
}
BENCHMARK(BM_LambdaCurve30DampedPeer)->Arg(1000)->Unit(benchmark::kMillisecond)->Iterations(1);

static void BM_OptimalLambda(benchmark::State& state)
{
    sl::OptimalLambdaConfig o;
    o.model.d = int(state.range(0));
    o.nEff = 3.0 * o.model.d;
    sl::OptimalLambdaResult r;
    for (auto _ : state)
        r = sl::findOptimalLambda(o);
    state.counters["evaluations"] = r.evaluations;
    state.counters["converged"] = r.ok();
}
BENCHMARK(BM_OptimalLambda)->Arg(1000)->Unit(benchmark::kMillisecond)->Iterations(3);

static void BM_NoiselessDiagram25(benchmark::State& state)
{
    sl::NoiselessDiagramConfig c;
    c.model.d = int(state.range(0));
    c.threads = int(state.range(1));
    c.nEffMin = 1;
    c.nEffMax = 1e7;
    c.lambdaMin = 1.0 / c.model.d;
    c.lambdaMax = 10.0 * c.model.d;
    sl::NoiselessDiagramResult r;
    for (auto _ : state)
        r = sl::computeNoiselessDiagram(c);
    state.counters["converged"] = r.status == sl::Status::Converged;
}
BENCHMARK(BM_NoiselessDiagram25)->Args({400, 2})->Args({400, 1})->Unit(benchmark::kSecond)->Iterations(1);

// One λ column of that map (25 n_eff values at λ = 1/d, the slowest row at Δ = 0), root finder vs the damped
// iteration through StateEvolutionCurve: the per-point ratio behind the map's speed.
static void BM_DiagramColumn(benchmark::State& state)
{
    sl::StateEvolutionModel m;
    m.d = int(state.range(0));
    m.noise = 0;
    const Eigen::VectorXd teacher = m.resolvedLassoTeacher();
    const auto grid = sl::StateEvolutionCurve::logGrid(1, 1e7, 25);
    for (auto _ : state) {
        sl::StateEvolutionWarmStart warm;
        for (const double n : grid)
            benchmark::DoNotOptimize(sl::evaluateStateEvolution(m, teacher, n, 1.0 / m.d, &warm));
    }
}
BENCHMARK(BM_DiagramColumn)->Arg(400)->Unit(benchmark::kMillisecond)->Iterations(3);

static void BM_DiagramColumnDampedPeer(benchmark::State& state)
{
    sl::StateEvolutionCurveConfig c;
    c.d = int(state.range(0));
    c.noise = 0;
    c.lambda = 1.0 / c.d;
    c.nEffMin = 1;
    c.nEffMax = 1e7;
    c.points = 25;
    sl::StateEvolutionCurveResult r;
    for (auto _ : state)
        r = sl::StateEvolutionCurve(c).run();
    state.counters["failedPoints"] = r.failedPoints;
}
BENCHMARK(BM_DiagramColumnDampedPeer)->Arg(400)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_MAIN();
