// SPDX-License-Identifier: GPL-3.0-or-later
// Nuclear-norm FISTA in the quadratic network's units (docs/theory/models.md §3) at d = 100, n = 20000 (n_eff = 200 =
// 2d): the cost of one iteration (one A, one A*, one d×d eigendecomposition) and of its parts.
#include "core/common/rng.h"
#include "core/convex/nuclear_norm_solver.h"

#include <benchmark/benchmark.h>
#include <chrono>

namespace {

struct Data {
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
};

const Data& data()
{
    static const Data instance = [] {
        const int n = 20000, d = 100;
        sl::Rng rng(7);
        Data out;
        out.X = rng.normalMatrix(n, d);
        const Eigen::MatrixXd U = rng.normalMatrix(d, 10) / std::sqrt(double(d));
        const Eigen::MatrixXd teacher = std::sqrt(double(d)) * U * U.transpose();
        const Eigen::MatrixXd xs = out.X * teacher;
        out.y = ((xs.array() * out.X.array()).rowwise().sum() - teacher.trace()).matrix() / std::sqrt(double(d))
            + 0.7 * rng.normalVector(n);
        return out;
    }();
    return instance;
}

sl::NuclearNormConfig configFor(int iterations, double lipschitz)
{
    sl::NuclearNormConfig config;
    config.lambda = 1.0;
    config.tolerance = 0.0;
    config.optimalityTolerance = 0.0;
    config.maxIterations = iterations;
    config.lipschitz = lipschitz;
    return config;
}

// One FISTA iteration, net of run()'s fixed costs: (time of 21 iterations − time of 1) / 20, with the Lipschitz
// constant given so no power iteration is timed.
void BM_NuclearFistaIteration(benchmark::State& state)
{
    const Data& d = data();
    const double lipschitz = sl::NuclearNormSolver(d.X, d.y, configFor(1, 0.0)).estimateLipschitz(20) * 1.05;
    sl::NuclearNormSolver one(d.X, d.y, configFor(1, lipschitz));
    sl::NuclearNormSolver many(d.X, d.y, configFor(21, lipschitz));
    using Clock = std::chrono::steady_clock;
    for (auto _ : state) {
        const auto t0 = Clock::now();
        benchmark::DoNotOptimize(one.run().objective);
        const auto t1 = Clock::now();
        benchmark::DoNotOptimize(many.run().objective);
        const auto t2 = Clock::now();
        const double net = std::chrono::duration<double>((t2 - t1) - (t1 - t0)).count() / 20.0;
        state.SetIterationTime(std::max(net, 0.0));
    }
}
BENCHMARK(BM_NuclearFistaIteration)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_NuclearApply(benchmark::State& state)
{
    const Data& d = data();
    sl::NuclearNormSolver solver(d.X, d.y, configFor(1, 1.0));
    sl::Rng rng(1);
    Eigen::MatrixXd S = rng.normalMatrix(100, 100);
    S = (S + S.transpose()).eval();
    for (auto _ : state)
        benchmark::DoNotOptimize(solver.apply(S).data());
}
BENCHMARK(BM_NuclearApply)->Unit(benchmark::kMillisecond);

void BM_NuclearAdjoint(benchmark::State& state)
{
    const Data& d = data();
    sl::NuclearNormSolver solver(d.X, d.y, configFor(1, 1.0));
    for (auto _ : state)
        benchmark::DoNotOptimize(solver.adjoint(d.y).data());
}
BENCHMARK(BM_NuclearAdjoint)->Unit(benchmark::kMillisecond);

// The prox's eigendecomposition of a d×d symmetric matrix.
void BM_NuclearEigen(benchmark::State& state)
{
    sl::Rng rng(2);
    Eigen::MatrixXd V = rng.normalMatrix(100, 100);
    V = (V + V.transpose()).eval();
    for (auto _ : state) {
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(V);
        benchmark::DoNotOptimize(eig.eigenvectors().data());
    }
}
BENCHMARK(BM_NuclearEigen)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
