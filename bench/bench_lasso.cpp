// SPDX-License-Identifier: GPL-3.0-or-later
// LASSO coordinate descent at d = n = 2000 (Gaussian design, sparse teacher, noise), to a relative duality gap of
// 1e-10 (gap ≤ 1e-10·½‖y‖²); single solves at two λ and a 50-point path down to 1e-3·λ_max. The scikit-learn
// comparison is bench/peers' business; these numbers are the C++ side.
#include "core/common/rng.h"
#include "core/convex/lasso_solver.h"

#include <benchmark/benchmark.h>

namespace {

struct Data {
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
};

const Data& data()
{
    static const Data instance = [] {
        const int n = 2000, d = 2000;
        sl::Rng rng(2024);
        Data out;
        out.X = rng.normalMatrix(n, d);
        Eigen::VectorXd theta = Eigen::VectorXd::Zero(d);
        for (int j = 0; j < 100; ++j)
            theta[j * 17] = rng.normal();
        out.y = out.X * theta + 0.5 * rng.normalVector(n);
        return out;
    }();
    return instance;
}

sl::LassoUpdates updatesFor(int64_t arg)
{
    return arg == 0 ? sl::LassoUpdates::Gram : sl::LassoUpdates::Naive;
}

// Args: {λ/λ_max in per mille, 0 = Gram / 1 = naive}. Each iteration builds a fresh solver, so the Gram columns'
// cost is included.
void BM_LassoSolve(benchmark::State& state)
{
    const Data& d = data();
    sl::LassoConfig config;
    config.gapTolerance = 1e-10;
    config.updates = updatesFor(state.range(1));
    const double lambdaMax = (d.X.transpose() * d.y).lpNorm<Eigen::Infinity>();
    config.lambda = lambdaMax * double(state.range(0)) / 1000.0;
    sl::LassoResult result;
    for (auto _ : state) {
        sl::LassoSolver solver(d.X, d.y, config);
        result = solver.run();
        benchmark::DoNotOptimize(result.theta.data());
    }
    state.counters["sweeps"] = result.iterations;
    state.counters["active"] = result.activeCount;
    state.counters["relGap"] = result.relativeGap;
    state.counters["converged"] = result.status == sl::Status::Converged;
}
BENCHMARK(BM_LassoSolve)
    ->Args({100, 0})
    ->Args({100, 1})
    ->Args({10, 0})
    ->Args({10, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// A 50-point geometric path from λ_max to 1e-3·λ_max with warm starts (scikit-learn's lasso_path defaults).
void BM_LassoPath(benchmark::State& state)
{
    const Data& d = data();
    sl::LassoConfig config;
    config.gapTolerance = 1e-10;
    config.updates = updatesFor(state.range(0));
    sl::LassoPathConfig pathConfig;
    pathConfig.points = 50;
    pathConfig.ratio = 1e-3;
    std::vector<sl::LassoResult> path;
    for (auto _ : state) {
        sl::LassoSolver solver(d.X, d.y, config);
        path = solver.path(pathConfig);
        benchmark::DoNotOptimize(path.back().theta.data());
    }
    int sweeps = 0, converged = 0;
    for (const sl::LassoResult& p : path) {
        sweeps += p.iterations;
        converged += p.status == sl::Status::Converged;
    }
    state.counters["sweeps"] = sweeps;
    state.counters["converged"] = converged;
    state.counters["lastActive"] = path.back().activeCount;
}
BENCHMARK(BM_LassoPath)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
