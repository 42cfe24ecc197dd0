// SPDX-License-Identifier: GPL-3.0-or-later
// The training hot path: the quadratic network's objective and gradient, two n×d×p products (XW, then
// Xᵀ(diag(r)·XW)), against a plain Eigen GEMM of the same sizes as the reference rate. The ratio of the
// FLOP/s counters is the efficiency of QuadraticNet::objectiveAndGradient (target: >= 60% of GEMM).
// Rates are per process CPU-second (all OpenMP threads counted), so the ratio stays
// meaningful on a shared, oversubscribed machine; add --benchmark_... flags or OMP_NUM_THREADS as needed.
#include "core/common/rng.h"
#include "core/model/quadratic_net.h"

#include <benchmark/benchmark.h>

namespace {

constexpr int kDimension = 100;
constexpr int kWidth = 100;
constexpr int kSamples = 20000;

sl::Dataset makeData()
{
    sl::Rng rng(1);
    sl::Dataset data;
    data.X = rng.normalMatrix(kSamples, kDimension);
    data.y = rng.normalVector(kSamples);
    return data;
}

void setFlops(benchmark::State& state, double flopsPerIteration)
{
    state.counters["FLOP/s"] = benchmark::Counter(
        flopsPerIteration, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

}  // namespace

static void BM_QuadraticGradient(benchmark::State& state)
{
    const sl::Dataset data = makeData();
    sl::QuadraticNet net(data, 1.0);
    sl::Rng rng(2);
    const Eigen::MatrixXd W = rng.normalMatrix(kDimension, kWidth) / std::sqrt(double(kDimension));
    Eigen::MatrixXd gradient(kDimension, kWidth);
    for (auto _ : state) {
        benchmark::DoNotOptimize(net.objectiveAndGradient(W, gradient));
        benchmark::ClobberMemory();
    }
    setFlops(state, 4.0 * kSamples * kDimension * kWidth);
}
BENCHMARK(BM_QuadraticGradient)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

// Reference: one n×d by d×p GEMM (2·n·d·p flops).
static void BM_Gemm(benchmark::State& state)
{
    const sl::Dataset data = makeData();
    sl::Rng rng(2);
    const Eigen::MatrixXd W = rng.normalMatrix(kDimension, kWidth);
    Eigen::MatrixXd product(kSamples, kWidth);
    for (auto _ : state) {
        product.noalias() = data.X * W;
        benchmark::DoNotOptimize(product.data());
        benchmark::ClobberMemory();
    }
    setFlops(state, 2.0 * kSamples * kDimension * kWidth);
}
BENCHMARK(BM_Gemm)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

// Reference: the transposed GEMM of the gradient's second product, Xᵀ·M (2·n·d·p flops).
static void BM_GemmTransposed(benchmark::State& state)
{
    const sl::Dataset data = makeData();
    sl::Rng rng(2);
    const Eigen::MatrixXd M = rng.normalMatrix(kSamples, kWidth);
    Eigen::MatrixXd product(kDimension, kWidth);
    for (auto _ : state) {
        product.noalias() = data.X.transpose() * M;
        benchmark::DoNotOptimize(product.data());
        benchmark::ClobberMemory();
    }
    setFlops(state, 2.0 * kSamples * kDimension * kWidth);
}
BENCHMARK(BM_GemmTransposed)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

BENCHMARK_MAIN();
