// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>

namespace sl::app {

struct ExperimentConfig;

// What one run of an experiment is expected to cost, before it starts: the memory of estimateMemory() (from the
// shapes: the data X is n·d doubles, etc.) and a time from a flop count divided by a flop rate. The time is an
// ESTIMATE: the flop count assumes a typical iteration count (L-BFGS: kTypicalLbfgsIterations, measured on the
// bench, bench/RESULTS.md; GD and Adam: their iteration cap, an upper bound) and the rate is this machine's
// measured GEMM rate times kGradientEfficiency. A sweep is the sum of its points divided by the threads that run them.
struct RunEstimate {
    double bytes = 0;  // estimateMemory(config).bytes, the largest point's
    std::string memoryBreakdown;  // estimateMemory's words ("data X n×d = 1.2 GiB, ...")
    double flops = 0;  // total over every point of the experiment
    double iterations = 0;  // assumed per point (network optimiser; 0 for the convex solver alone)
    double flopRate = 0;  // flop/s assumed for the run's kernels
    double seconds = 0;  // flops / (flopRate · parallel points)
    int runs = 1;  // single runs the experiment expands to
    // "about 1.55 GiB of memory and about 12 min (estimate: 4.4e13 flop at 3.1 GFLOP/s, 300 L-BFGS iterations)".
    std::string text() const;
};

// L-BFGS iterations to convergence on the bench's quadratic runs (183–273 at d = p = 100–200, bench/RESULTS.md),
// rounded up; that other points converge in a similar count is (inferred).
inline constexpr double kTypicalLbfgsIterations = 300;
// Objective evaluations per L-BFGS iteration (192/183 and 282/273 on the bench): 1.1, rounded up.
inline constexpr double kLbfgsEvaluationsPerIteration = 1.1;
// Iterations assumed for the convex solver (the certificate's or the convex solver's own): (inferred), a round
// number for FISTA/coordinate descent to the certificate's tolerance at the app's sizes.
inline constexpr double kTypicalConvexIterations = 200;
// The quadratic gradient reached 26–33 % of the machine's best GEMM rate and ~50 % of Eigen's own GEMM rate on
// the bench (bench/RESULTS.md, "Quadratic gradient"): the measured GEMM rate is multiplied by this.
inline constexpr double kGradientEfficiency = 0.5;
// Runs estimated to take longer than this ask for confirmation in the window (the "~30 s").
inline constexpr double kLongRunSeconds = 30.0;

// Flops per point: the network's 4·n·d·p per evaluation (forward X·W and the gradient Xᵀ·G, quadratic) or 4·n·d
// (diagonal), times the iterations; the convex solve (certificate) adds 4·n·d² + 9·d³ per FISTA iteration (the
// adjoint, the forward map and a symmetric eigendecomposition) or the LASSO's Gram matrix n·d² plus 2·d² per sweep.
double estimateRunFlops(const ExperimentConfig& config);

// This machine's double-precision GEMM rate in flop/s, measured once per process (a few ms: a 512×256·256×256
// Eigen product, best of three) unless setMeasuredFlopRate() fixed it; tests fix it so their answer is exact.
double measuredFlopRate();
void setMeasuredFlopRate(std::optional<double> flopsPerSecond);

// The estimate for `config` as it will run. flopRate <= 0: measuredFlopRate() · kGradientEfficiency. `threads`
// <= 0: the sweep runner's default (QThread::idealThreadCount()).
RunEstimate estimateRun(const ExperimentConfig& config, double flopRate = 0, int threads = 0);

}  // namespace sl::app
