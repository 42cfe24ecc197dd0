// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/experiment/solver_table.h"

#include <cstdint>
#include <optional>
#include <string>

namespace sl::app {

struct ExperimentConfig;

// How much memory one run may claim before it is refused (ExperimentConfig::validate). In this order: the value
// given to setMemoryBudgetBytes(), the environment variable SCALINGLAB_MEMORY_BUDGET_MB (mebibytes), half of the
// physical memory (sysconf). The check is a guard against crashing on allocation, not an exact accounting.
std::uint64_t memoryBudgetBytes();
// Where the budget came from, in words ("half of physical memory", "SCALINGLAB_MEMORY_BUDGET_MB", "set by the app").
std::string memoryBudgetSource();
// Overrides the budget for this process; std::nullopt goes back to the environment/physical default.
void setMemoryBudgetBytes(std::optional<std::uint64_t> bytes);
// Physical memory of this machine in bytes (0 if unknown).
std::uint64_t physicalMemoryBytes();

// An upper-end estimate of the memory one run of `config` allocates, for its largest point (a sweep's largest n;
// points run one per thread, each is checked alone). Counted in doubles: the data X (n×d) and labels, the teacher
// (d×d, quadratic), the network's n×p product and its per-block d×p partial gradients, the optimiser's d×p
// vectors (L-BFGS keeps 2·memory of them), the convex solver's d×d iterates (or LASSO's d×d Gram), the certificate
// and the final spectrum (d×d). The constants are ours, (inferred) from the code, not from the paper.
struct MemoryEstimate {
    double bytes = 0;
    bool dominatedBySamples = false;  // the n-proportional terms are the larger part
    std::string breakdown;  // the main terms, in words
};
MemoryEstimate estimateMemory(const ExperimentConfig& config);
// The solver table's memory estimators (solver_table.h): the network optimisers' share (the quadratic net's n×p
// product, per-block partials and optimiser vectors) and the convex solver's (FISTA's d×d iterates and the adjoint's
// n×d product, or the LASSO's Gram matrix); the certificate adds the convex share to a network run.
MemoryTerms networkMemory(const MemoryShape& shape);
MemoryTerms convexMemory(const MemoryShape& shape);

// The matrix state evolution of docs/theory/state-evolution.md §7 holds K GOE samples of size d×d (K·d² doubles) plus
// d×d workspaces.
double estimateStateEvolutionBytes(int dimension, int samples);

// The number of single runs a sweep expands to (grid points × weight decays × seeds), and the memory their list
// and results take (a few KiB each plus d eigenvalues): checked first, so a "seeds": 2e9 plan is refused
// before points() or seeds() would allocate it.
double sweepRunCount(const ExperimentConfig& config);
double estimateSweepListBytes(const ExperimentConfig& config);

// "1.5 GiB", "745 TiB": bytes in binary units with three significant figures.
std::string formatBytes(double bytes);

// Throws sl::ValidationError (parameter "problem.samples" or "problem.dimension", whichever term dominates) when
// estimateMemory(config) exceeds memoryBudgetBytes(); the message states the estimate and the budget.
void checkMemoryBudget(const ExperimentConfig& config);

}  // namespace sl::app
