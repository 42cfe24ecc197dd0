// SPDX-License-Identifier: GPL-3.0-or-later
// analyze-weights on a 4096 × 4096 float32 matrix (issue 22's target: under 10 s on 2 cores), stage by stage:
// reading the memory-mapped safetensors file and converting to double, the ESD (dsyrk + dsyevd), the tail fit,
// the MP fit, and the whole analysis. Run: build/release/bench/bench_weights --benchmark_filter=4096
#include "core/common/rng.h"
#include "core/io/tensor_file.h"
#include "core/spectrum/weight_analysis.h"

#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

Eigen::MatrixXd gaussian(int n)
{
    sl::Rng rng(7);
    return rng.normalMatrix(n, n);
}

// A safetensors file with one F32 tensor "W" (written from the format's definition).
std::string writeSafetensors(const Eigen::MatrixXd& w)
{
    const std::string path = "/tmp/scalinglab_bench_weights_" + std::to_string(w.rows()) + ".safetensors";
    std::vector<float> data(std::size_t(w.size()));
    for (Eigen::Index r = 0; r < w.rows(); ++r)
        for (Eigen::Index c = 0; c < w.cols(); ++c)
            data[std::size_t(r * w.cols() + c)] = float(w(r, c));
    const std::string header = "{\"W\":{\"dtype\":\"F32\",\"shape\":[" + std::to_string(w.rows()) + ","
        + std::to_string(w.cols()) + "],\"data_offsets\":[0," + std::to_string(data.size() * 4) + "]}}";
    std::ofstream out(path, std::ios::binary);
    const std::uint64_t length = header.size();
    for (int i = 0; i < 8; ++i)
        out.put(char((length >> (8 * i)) & 0xff));
    out << header;
    out.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size() * 4));
    return path;
}

}  // namespace

static void BM_ReadSafetensorsF32(benchmark::State& state)
{
    const std::string path = writeSafetensors(gaussian(int(state.range(0))));
    for (auto _ : state) {
        const sl::io::TensorFile file = sl::io::TensorFile::open(path);
        benchmark::DoNotOptimize(file.matrix(0));
    }
    std::remove(path.c_str());
}
BENCHMARK(BM_ReadSafetensorsF32)->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

static void BM_WeightSpectrum(benchmark::State& state)
{
    const Eigen::MatrixXd w = gaussian(int(state.range(0)));
    for (auto _ : state)
        benchmark::DoNotOptimize(sl::weightSpectrum(w, false));
}
BENCHMARK(BM_WeightSpectrum)
    ->Arg(1024)
    ->Arg(4096)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

// The two LAPACK engines side by side on the same 4096 × 4096 Gram matrix (lower triangle filled).
static void BM_GramEigenvaluesDsyevd(benchmark::State& state)
{
    const Eigen::MatrixXd w = gaussian(int(state.range(0)));
    const Eigen::MatrixXd gram = w.transpose() * w;
    for (auto _ : state)
        benchmark::DoNotOptimize(sl::detail::lapackSymmetricEigenvalues(gram));
}
BENCHMARK(BM_GramEigenvaluesDsyevd)->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

static void BM_GramEigenvaluesTwoStage(benchmark::State& state)
{
    const Eigen::MatrixXd w = gaussian(int(state.range(0)));
    const Eigen::MatrixXd gram = w.transpose() * w;
    for (auto _ : state)
        benchmark::DoNotOptimize(sl::detail::lapackTwoStageEigenvalues(gram));
}
BENCHMARK(BM_GramEigenvaluesTwoStage)->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

static void BM_TailAndMpFit(benchmark::State& state)
{
    const Eigen::VectorXd esd = sl::weightSpectrum(gaussian(int(state.range(0))), false);
    for (auto _ : state) {
        benchmark::DoNotOptimize(sl::fitPowerLawTail(esd));
        benchmark::DoNotOptimize(sl::fitMarchenkoPastur(esd, 1.0));
    }
}
BENCHMARK(BM_TailAndMpFit)->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime();

// The whole of analyze-weights for one matrix: read + convert, ESD, tail fit with likelihood ratios, MP fit.
static void BM_AnalyzeWeightsFromFile(benchmark::State& state)
{
    const std::string path = writeSafetensors(gaussian(int(state.range(0))));
    for (auto _ : state) {
        const sl::io::TensorFile file = sl::io::TensorFile::open(path);
        benchmark::DoNotOptimize(sl::analyzeWeightMatrix(file.matrix(0)));
    }
    std::remove(path.c_str());
}
BENCHMARK(BM_AnalyzeWeightsFromFile)
    ->Arg(4096)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Iterations(2);

BENCHMARK_MAIN();
