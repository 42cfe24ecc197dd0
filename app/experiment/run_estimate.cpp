// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/experiment/run_estimate.h"

#include "app/experiment/experiment_config.h"
#include "app/experiment/memory_budget.h"

#include <Eigen/Dense>
#include <QThread>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>

namespace sl::app {
namespace {

std::mutex g_rateMutex;
std::optional<double> g_rate;

double measureGemmRate()
{
    constexpr int kRows = 512, kInner = 256, kCols = 256;
    const Eigen::MatrixXd a = Eigen::MatrixXd::Constant(kRows, kInner, 0.5);
    const Eigen::MatrixXd b = Eigen::MatrixXd::Constant(kInner, kCols, 0.25);
    Eigen::MatrixXd c(kRows, kCols);
    double best = 0;
    for (int k = 0; k < 3; ++k) {
        const auto start = std::chrono::steady_clock::now();
        c.noalias() = a * b;
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (s > 0)
            best = std::max(best, 2.0 * kRows * kInner * kCols / s);
    }
    // c is read so the product is not optimised away; a timer too coarse to see it falls back to 1 GFLOP/s.
    return best > 0 && std::isfinite(best) && c(0, 0) > 0 ? best : 1e9;
}

std::string formatSeconds(double s)
{
    char text[64];
    if (s < 90)
        std::snprintf(text, sizeof text, "%.0f s", s);
    else if (s < 5400)
        std::snprintf(text, sizeof text, "%.0f min", s / 60);
    else
        std::snprintf(text, sizeof text, "%.1f h", s / 3600);
    return text;
}

double networkIterations(const ExperimentConfig& config)
{
    const double cap = std::max(config.train.maxIterations, 1);
    if (config.train.optimizer == sl::Optimizer::Lbfgs)
        return std::min(cap, kTypicalLbfgsIterations);
    return cap;  // GD and Adam: the cap, an upper bound
}

double pointFlops(const ExperimentConfig& config, double n)
{
    const sl::ProblemConfig& problem = config.problem;
    const double d = std::max(problem.dimension, 1);
    const bool quadratic = problem.model == sl::ModelKind::Quadratic;
    const double p = quadratic ? std::max(problem.effectiveWidth(), 1) : 1.0;
    const SolverInfo& solver = solverInfo(config.solver);
    double flops = 0;
    if (solver.trainsNetwork) {
        const double evaluations = networkIterations(config)
            * (config.train.optimizer == sl::Optimizer::Lbfgs ? kLbfgsEvaluationsPerIteration : 1.0);
        flops += evaluations * 4.0 * n * d * p;
    }
    if (!solver.trainsNetwork || config.certificate) {
        const double iterations = solver.trainsNetwork
            ? kTypicalConvexIterations
            : std::min(double(std::max(config.train.maxIterations, 1)), kTypicalConvexIterations);
        flops += quadratic ? iterations * (4.0 * n * d * d + 9.0 * d * d * d) : n * d * d + iterations * 2.0 * d * d;
    }
    return flops;
}

}  // namespace

double estimateRunFlops(const ExperimentConfig& config)
{
    if (config.sweep.isEmpty() && config.seedList.size() <= 1 && config.seedCount <= 1)
        return pointFlops(config, double(std::max<long long>(config.problem.samples, 1)));
    double total = 0;
    const double perPointOfN = double(config.weightDecays().size()) * double(config.seeds().size());
    for (long long n : config.sampleGrid())
        total += perPointOfN * pointFlops(config, double(std::max<long long>(n, 1)));
    return total;
}

double measuredFlopRate()
{
    std::lock_guard<std::mutex> lock(g_rateMutex);
    if (!g_rate)
        g_rate = measureGemmRate();
    return *g_rate;
}

void setMeasuredFlopRate(std::optional<double> flopsPerSecond)
{
    std::lock_guard<std::mutex> lock(g_rateMutex);
    g_rate = flopsPerSecond;
}

RunEstimate estimateRun(const ExperimentConfig& config, double flopRate, int threads)
{
    RunEstimate e;
    const MemoryEstimate memory = estimateMemory(config);
    e.bytes = memory.bytes;
    e.memoryBreakdown = memory.breakdown;
    e.runs = int(std::min(sweepRunCount(config), 1e9));
    e.flops = estimateRunFlops(config);
    e.iterations = solverInfo(config.solver).trainsNetwork ? networkIterations(config) : 0;
    e.flopRate = flopRate > 0 ? flopRate : measuredFlopRate() * kGradientEfficiency;
    const int workers = threads > 0 ? threads : std::max(QThread::idealThreadCount(), 1);
    e.seconds = e.flops / (e.flopRate * double(std::clamp(e.runs, 1, workers)));
    return e;
}

std::string RunEstimate::text() const
{
    char detail[160];
    const char* optimiser = iterations > 0 ? " iterations" : "";
    if (iterations > 0)
        std::snprintf(detail, sizeof detail, "%.2g flop at %.2g GFLOP/s, %.0f%s per run", flops, flopRate / 1e9,
            iterations, optimiser);
    else
        std::snprintf(detail, sizeof detail, "%.2g flop at %.2g GFLOP/s", flops, flopRate / 1e9);
    std::string out = "about " + formatBytes(bytes) + " of memory (" + memoryBreakdown + ") and about "
        + formatSeconds(seconds) + " (estimate: " + detail;
    if (runs > 1)
        out += ", " + std::to_string(runs) + " runs";
    return out + ")";
}

}  // namespace sl::app
