// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/experiment/memory_budget.h"

#include "app/experiment/experiment_config.h"
#include "core/common/validation.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace sl::app {
namespace {

std::mutex g_budgetMutex;
std::optional<std::uint64_t> g_budgetOverride;

// Mirrors core/model/quadratic_net.cpp: row blocks of about 1024 samples, at most 64, each with a d×p partial.
constexpr double kQuadraticBlockRows = 1024;
constexpr double kQuadraticMaxBlocks = 64;
// One listed sweep point and its stored result without eigenvalues: an ExperimentConfig, its JSON and hash.
constexpr double kBytesPerListedRun = 4096;

std::optional<std::uint64_t> environmentBudget()
{
    const char* text = std::getenv("SCALINGLAB_MEMORY_BUDGET_MB");
    if (!text || !*text)
        return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const double mb = std::strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !std::isfinite(mb) || mb <= 0 || mb > 1e12)
        return std::nullopt;  // unusable: ignored rather than refusing every run
    return std::uint64_t(mb * 1024.0 * 1024.0);
}

}  // namespace

std::uint64_t physicalMemoryBytes()
{
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || pageSize <= 0)
        return 0;
    return std::uint64_t(pages) * std::uint64_t(pageSize);
}

std::uint64_t memoryBudgetBytes()
{
    {
        std::lock_guard<std::mutex> lock(g_budgetMutex);
        if (g_budgetOverride)
            return *g_budgetOverride;
    }
    if (const auto env = environmentBudget())
        return *env;
    const std::uint64_t physical = physicalMemoryBytes();
    return physical > 0 ? physical / 2 : std::uint64_t(4) << 30;  // unknown machine: 4 GiB
}

std::string memoryBudgetSource()
{
    {
        std::lock_guard<std::mutex> lock(g_budgetMutex);
        if (g_budgetOverride)
            return "set by the application";
    }
    if (environmentBudget())
        return "from SCALINGLAB_MEMORY_BUDGET_MB";
    return physicalMemoryBytes() > 0 ? "half of physical memory; set SCALINGLAB_MEMORY_BUDGET_MB to change it"
                                     : "physical memory unknown; set SCALINGLAB_MEMORY_BUDGET_MB to change it";
}

void setMemoryBudgetBytes(std::optional<std::uint64_t> bytes)
{
    std::lock_guard<std::mutex> lock(g_budgetMutex);
    g_budgetOverride = bytes;
}

std::string formatBytes(double bytes)
{
    static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int unit = 0;
    while (bytes >= 1024.0 && unit < 6) {
        bytes /= 1024.0;
        ++unit;
    }
    char text[64];
    std::snprintf(text, sizeof text, "%.3g %s", bytes, kUnits[unit]);
    return text;
}

double estimateStateEvolutionBytes(int dimension, int samples)
{
    const double d = std::max(dimension, 0), k = std::max(samples, 0);
    return 8.0 * (k * d * d + 4.0 * d * d);
}

MemoryTerms networkMemory(const MemoryShape& s)
{
    MemoryTerms t;
    if (s.model != sl::ModelKind::Quadratic)
        return t;  // the diagonal net's vectors of d are counted with the problem's
    const double blocks = std::clamp(std::ceil(s.n / kQuadraticBlockRows), 1.0, kQuadraticMaxBlocks);
    t.samples = s.n * s.p;  // XW
    t.dimension = (6.0 + 2.0 * s.lbfgsMemory + blocks) * s.d * s.p;
    t.breakdown = ", network n×p = " + formatBytes(8.0 * s.n * s.p) + ", weights/optimiser/partials "
        + formatBytes(8.0 * (6.0 + 2.0 * s.lbfgsMemory + blocks) * s.d * s.p);
    return t;
}

MemoryTerms convexMemory(const MemoryShape& s)
{
    MemoryTerms t;
    const double d = s.d, n = s.n;
    if (s.model == sl::ModelKind::Quadratic) {
        // FISTA iterates, gradient, eigendecomposition (docs/theory/convex.md §5), and the adjoint's diag(r)·X.
        t.dimension = 8.0 * d * d;
        t.samples = n * d;
        t.breakdown = ", convex d×d iterates = " + formatBytes(8.0 * 8.0 * d * d);
    } else if (d <= 8192 && d <= 2.0 * n) {
        // LASSO's Gram matrix (d×d) when d is small enough for it, see core/convex/lasso_solver.h.
        t.dimension = d * d;
        t.breakdown = ", LASSO Gram d×d = " + formatBytes(8.0 * d * d);
    }
    return t;
}

MemoryEstimate estimateMemory(const ExperimentConfig& config)
{
    const sl::ProblemConfig& problem = config.problem;
    // Doubles, not integers: n·d can exceed 2^63 for absurd inputs, and the estimate only needs 3 digits.
    const double d = std::max(problem.dimension, 1);
    // The sweep's largest n from the grid's end point, in doubles: sampleGrid() would allocate `points` values
    // before anything is checked, and a grid end of 1e300 must not go through llround.
    double n = double(std::max<long long>(problem.samples, 1));
    if (config.sweep.axis == SweepSpec::Axis::Samples)
        n = std::max(n, std::round(config.sweep.grid.to));
    else if (config.sweep.axis == SweepSpec::Axis::EffectiveSamples)
        n = std::max(
            n, std::round(problem.model == sl::ModelKind::Quadratic ? config.sweep.grid.to * d : config.sweep.grid.to));
    const double p = problem.model == sl::ModelKind::Quadratic ? std::max(problem.effectiveWidth(), 1) : 2.0;
    const double memory = std::max(config.train.lbfgsMemory, 0);

    double samplesTerm = n * d + 3.0 * n;  // X, y, residuals
    double dimensionTerm = 0;
    std::string breakdown = "data X n×d = " + formatBytes(8.0 * n * d);
    const SolverInfo& solver = solverInfo(config.solver);
    const MemoryShape shape{problem.model, n, d, p, memory};
    // The solver's own share (its row of the solver table), after the certificate's convex solve if there is one.
    const auto addSolverTerms = [&] {
        for (const MemoryTerms& t :
            {config.certificate && solver.trainsNetwork ? convexMemory(shape) : MemoryTerms{}, solver.memory(shape)}) {
            samplesTerm += t.samples;
            dimensionTerm += t.dimension;
            breakdown += t.breakdown;
        }
    };
    if (problem.model == sl::ModelKind::Quadratic) {
        const double squares = 2.0 * d * d + d * d;  // teacher S* and its eigenbasis; final spectrum workspace
        dimensionTerm += squares;
        addSolverTerms();
        breakdown += ", teacher d×d = " + formatBytes(8.0 * squares);
    } else {
        dimensionTerm += (10.0 + 2.0 * memory) * d;  // teacher, θ, a, w, gradients, optimiser history
        addSolverTerms();
    }
    MemoryEstimate estimate;
    estimate.bytes = 8.0 * (samplesTerm + dimensionTerm);
    estimate.dominatedBySamples = samplesTerm >= dimensionTerm;
    estimate.breakdown = breakdown;
    return estimate;
}

double sweepRunCount(const ExperimentConfig& config)
{
    const double points
        = config.sweep.axis == SweepSpec::Axis::None ? 1.0 : double(std::max(config.sweep.grid.points, 1));
    const double decays = double(std::max<std::size_t>(config.sweep.weightDecays.size(), 1));
    const double seeds
        = config.seedList.empty() ? double(std::max(config.seedCount, 1)) : double(config.seedList.size());
    return points * decays * seeds;
}

double estimateSweepListBytes(const ExperimentConfig& config)
{
    // Each run is listed (ExperimentConfig::points()) and its result kept with its d eigenvalues.
    return sweepRunCount(config) * (kBytesPerListedRun + 8.0 * double(std::max(config.problem.dimension, 1)));
}

void checkMemoryBudget(const ExperimentConfig& config)
{
    const MemoryEstimate estimate = estimateMemory(config);
    const std::uint64_t budget = memoryBudgetBytes();
    const double list = estimateSweepListBytes(config);
    if (!(list <= double(budget))) {
        char runs[32];
        std::snprintf(runs, sizeof runs, "%.4g", sweepRunCount(config));
        throw sl::ValidationError(config.sweep.axis != SweepSpec::Axis::None ? "sweep" : "seeds",
            std::string("the sweep has ") + runs + " runs, whose descriptions and results alone would need about "
                + formatBytes(list) + " of memory, more than the memory budget of " + formatBytes(double(budget)) + " ("
                + memoryBudgetSource() + ")");
    }
    if (!(estimate.bytes <= double(budget))) {
        throw sl::ValidationError(estimate.dominatedBySamples ? "problem.samples" : "problem.dimension",
            "one run would need about " + formatBytes(estimate.bytes) + " of memory (" + estimate.breakdown
                + "), more than the memory budget of " + formatBytes(double(budget)) + " (" + memoryBudgetSource()
                + ")");
    }
}

}  // namespace sl::app
