// SPDX-License-Identifier: GPL-3.0-or-later
// Cost of the exponent map and of the d → ∞ quadratic state evolution (docs/theory/exponents.md §6):
//  - a 21×21 diagonal map, γ = 1.5, Δ = 0.5, a ∈ [0, 4], b ∈ [−1, 3], d = 10²…10⁵ (13 ladder points), 2 threads
//    (target: < 1 min on 2 cores); the same with one thread for the parallel speed-up;
//  - the same cell ladder with the plain sum over all d coordinates, at d up to 10⁴ only (the quadrature's gain);
//  - one asymptotic quadratic SE point (γ = 1, α_q = 0.5, λ = 0.5, Δ = 0.5) at d = 400, 10⁴ and 10⁵ (target < 1 s),
//    and one finite-d point at d = 400 with K = 8 for comparison.
#include "core/theory/asymptotic_matrix_state_evolution.h"
#include "core/theory/exponent_map.h"
#include "core/theory/matrix_state_evolution.h"

#include <benchmark/benchmark.h>

static void BM_DiagonalExponentMap21(benchmark::State& state)
{
    sl::ExponentMapConfig c;
    c.gamma = 1.5;
    c.aFrom = 0;
    c.aTo = 4;
    c.bFrom = -1;
    c.bTo = 3;
    c.aPoints = c.bPoints = 21;
    c.dMax = 1e5;
    c.threads = int(state.range(0));
    sl::ExponentMapResult r;
    for (auto _ : state)
        r = sl::ExponentMap(c).run();
    state.counters["cells"] = double(r.cells.size());
    state.counters["failedCells"] = r.failedCells;
    long solves = 0, iterations = 0;
    for (const auto& cell : r.cells)
        for (const auto& p : cell.ladder) {
            ++solves;
            iterations += p.iterations;
        }
    state.counters["seSolves"] = double(solves);
    state.counters["meanIterations"] = double(iterations) / double(solves);
}
BENCHMARK(BM_DiagonalExponentMap21)->Arg(2)->Arg(1)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

// One cell's ladder d = 10²…10⁴ with the quadrature (exactTerms 512) against the plain sum (exactTerms = d).
static void BM_DiagonalCellLadder(benchmark::State& state)
{
    sl::ExponentMapConfig c;
    c.gamma = 1.5;
    c.cellA = {2};
    c.cellB = {1};
    c.dMax = 1e4;
    c.exactTerms = int(state.range(0));
    c.threads = 1;
    double measured = 0;
    for (auto _ : state)
        measured = sl::ExponentMap(c).run().cells[0].measured;
    state.counters["measured"] = measured;
}
BENCHMARK(BM_DiagonalCellLadder)->Arg(512)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(3);

static void BM_AsymptoticQuadraticSePoint(benchmark::State& state)
{
    sl::AsymptoticMatrixStateEvolutionConfig c;
    c.dimension = state.range(0);
    c.gamma = 1.0;
    c.alphaQ = 0.5;
    c.lambda = 0.5;
    sl::AsymptoticMatrixStateEvolutionResult r;
    for (auto _ : state)
        r = sl::AsymptoticMatrixStateEvolution(c).run();
    state.counters["iterations"] = r.iterations;
    state.counters["outliers"] = r.outliers;
    state.counters["matrixMse"] = r.matrixMse;
    state.counters["converged"] = r.ok();
}
BENCHMARK(BM_AsymptoticQuadraticSePoint)
    ->Arg(400)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

static void BM_FiniteQuadraticSePoint(benchmark::State& state)
{
    sl::MatrixStateEvolutionConfig c;
    c.spectrum = sl::powerLawSpectrum(int(state.range(0)), 1.0);
    c.alphaQ = 0.5;
    c.lambda = 0.5;
    c.samples = 8;
    sl::MatrixStateEvolutionResult r;
    for (auto _ : state)
        r = sl::MatrixStateEvolution(c).run();
    state.counters["iterations"] = r.iterations;
    state.counters["matrixMse"] = r.matrixMse;
}
BENCHMARK(BM_FiniteQuadraticSePoint)->Arg(400)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_MAIN();
