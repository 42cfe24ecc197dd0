// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/rng.h"
#include "core/spectrum/spectrum.h"
#include "core/spectrum/tail_fit.h"

#include <benchmark/benchmark.h>
#include <chrono>
#include <cmath>
#include <ctime>
#include <thread>
#include <time.h>

namespace {

// A realistic tail-fit input: log-normal body below 3 and a Pareto(α = 2.5) tail above it, 10 000 values.
Eigen::VectorXd bodyAndTail(int n)
{
    sl::Rng rng(42);
    Eigen::VectorXd x(n);
    const int tail = n / 4;
    for (int i = 0; i < n - tail;) {
        const double v = std::exp(0.3 + 0.5 * rng.normal());
        if (v < 3.0)
            x[i++] = v;
    }
    for (int i = n - tail; i < n; ++i)
        x[i] = 3.0 * std::pow(rng.uniform(), -1.0 / 1.5);
    return x;
}

}  // namespace

static void BM_SymmetricEigenvalues(benchmark::State& state)
{
    sl::Rng rng(1);
    const Eigen::MatrixXd a = rng.normalMatrix(state.range(0), state.range(0));
    const Eigen::MatrixXd m = 0.5 * (a + a.transpose());
    for (auto _ : state)
        benchmark::DoNotOptimize(sl::symmetricEigenvalues(m));
}
BENCHMARK(BM_SymmetricEigenvalues)->Arg(200)->Arg(800)->Unit(benchmark::kMillisecond);

static void BM_GramEigenvalues(benchmark::State& state)
{
    sl::Rng rng(2);
    const Eigen::MatrixXd w = rng.normalMatrix(state.range(0), state.range(0));
    for (auto _ : state)
        benchmark::DoNotOptimize(sl::gramEigenvalues(w));
}
BENCHMARK(BM_GramEigenvalues)->Arg(200)->Arg(800)->Unit(benchmark::kMillisecond);

// Target: < 50 ms for 10 000 values (full exhaustive xmin search, curve, likelihood ratios).
static void BM_TailFit(benchmark::State& state)
{
    const Eigen::VectorXd x = bodyAndTail(int(state.range(0)));
    sl::TailFitConfig config;
    config.likelihoodRatios = state.range(1) != 0;
    int candidates = 0;
    for (auto _ : state) {
        const sl::TailFit fit = sl::fitPowerLawTail(x, config);
        candidates = fit.candidates;
        benchmark::DoNotOptimize(fit.alpha);
    }
    state.counters["candidates"] = candidates;
}
BENCHMARK(BM_TailFit)->Args({10000, 0})->Args({10000, 1})->Unit(benchmark::kMillisecond);

// plfit's own linear scan on the same data, for comparison (it tries every unique value with a full KS scan).
static void BM_PlfitLinearScan(benchmark::State& state)
{
    const Eigen::VectorXd x = bodyAndTail(int(state.range(0)));
    for (auto _ : state)
        benchmark::DoNotOptimize(sl::plfitReference(x).alpha);
}
BENCHMARK(BM_PlfitLinearScan)->Arg(10000)->Iterations(1)->Unit(benchmark::kMillisecond);

static double threadCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// 1000-replicate semi-parametric bootstrap on 1000 values. cpu_per_wall is the process CPU time over the wall
// time: ≈ the number of cores busy (2 on an idle 2-core machine when both are used). cpu_per_main_thread is the
// process CPU time over the calling thread's own: ≈ the number of threads that shared the work, even when other
// processes load the machine and the wall-clock ratio cannot show it.
static void BM_Bootstrap(benchmark::State& state)
{
    sl::Rng rng(3);
    Eigen::VectorXd x(1000);
    for (int i = 0; i < x.size(); ++i)
        x[i] = std::pow(rng.uniform(), -1.0 / 1.5);
    sl::TailFitConfig config;
    config.bootstrapReplicates = int(state.range(0));
    config.likelihoodRatios = false;
    double cpu = 0, wall = 0, mainCpu = 0, p = 0;
    for (auto _ : state) {
        const double t0 = threadCpuSeconds();
        const std::clock_t c0 = std::clock();
        const auto w0 = std::chrono::steady_clock::now();
        p = sl::fitPowerLawTail(x, config).pValue;
        cpu += double(std::clock() - c0) / CLOCKS_PER_SEC;
        wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
        mainCpu += threadCpuSeconds() - t0;
    }
    state.counters["cpu_per_wall"] = cpu / wall;
    state.counters["cpu_per_main_thread"] = cpu / mainCpu;
    state.counters["threads"] = std::thread::hardware_concurrency();
    state.counters["p"] = p;
}
BENCHMARK(BM_Bootstrap)->Arg(1000)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
