// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 17's speed target: the error decomposition of one trained quadratic network at d = 200 costs no more than
// one eigen-decomposition of S* and one of Ŝ. BM_DecomposeQuadratic is the whole measured decomposition (edge,
// split, pruned risk); BM_TwoEigendecompositions is the peer, both with eigenvectors, in the same run. Read the
// ratio of their times.
#include "core/common/power_law.h"
#include "core/common/rng.h"
#include "core/decomposition/error_decomposition.h"

#include <Eigen/Eigenvalues>
#include <benchmark/benchmark.h>

namespace {

struct Fixture {
    Eigen::VectorXd spectrum;
    Eigen::MatrixXd rotation, teacher, trained;
};

// A teacher S* = O diag(s) Oᵀ and a trained-like Ŝ = ReLU(S* + δZ − λεI) (the law of Result 2) at d.
Fixture fixture(int d)
{
    sl::Rng rng(7);
    Fixture f;
    f.spectrum = sl::powerLawSpectrum(d, 1.0);
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(rng.normalMatrix(d, d));
    f.rotation = qr.householderQ() * Eigen::MatrixXd::Identity(d, d);
    f.teacher = f.rotation * f.spectrum.asDiagonal() * f.rotation.transpose();
    const Eigen::MatrixXd g = rng.normalMatrix(d, d);
    const Eigen::MatrixXd y = f.teacher + 0.8 * (g + g.transpose()) / std::sqrt(2.0 * d);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(0.5 * (y + y.transpose()));
    const Eigen::VectorXd r = (eig.eigenvalues().array() - 0.3).max(0.0).matrix();
    f.trained = eig.eigenvectors() * r.asDiagonal() * eig.eigenvectors().transpose();
    return f;
}

}  // namespace

static void BM_DecomposeQuadratic(benchmark::State& state)
{
    const Fixture f = fixture(int(state.range(0)));
    for (auto _ : state)
        benchmark::DoNotOptimize(sl::decomposeQuadratic(f.trained, f.spectrum, f.rotation));
}
BENCHMARK(BM_DecomposeQuadratic)->Arg(200)->Unit(benchmark::kMillisecond);

static void BM_TwoEigendecompositions(benchmark::State& state)
{
    const Fixture f = fixture(int(state.range(0)));
    for (auto _ : state) {
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> teacher(f.teacher);
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> trained(f.trained);
        benchmark::DoNotOptimize(teacher.eigenvalues().data());
        benchmark::DoNotOptimize(trained.eigenvalues().data());
    }
}
BENCHMARK(BM_TwoEigendecompositions)->Arg(200)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
