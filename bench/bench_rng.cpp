// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/rng.h"

#include <benchmark/benchmark.h>

static void BM_NormalMatrix(benchmark::State& state)
{
    sl::Rng rng(1);
    for (auto _ : state)
        benchmark::DoNotOptimize(rng.normalMatrix(state.range(0), 100));
}
BENCHMARK(BM_NormalMatrix)->Arg(1000);

BENCHMARK_MAIN();
