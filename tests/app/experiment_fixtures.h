// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Experiments and comparisons that several app/ and ui/ tests share (one definition, so they stay the same run).
#include "app/experiment/experiment_config.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace sl::test {

// |a − b| / |b| (b = 0 counts as the smallest normal scale, so a = b = 0 gives 0).
inline double relative(double a, double b)
{
    return std::abs(a - b) / std::max(std::abs(b), 1e-300);
}

// A decomposed, pruned diagonal run by the exact LASSO at d = 30, λ = 0.03, Δ = 0.5: fast, with every term of the
// error decomposition (docs/theory/decomposition.md) away from zero.
inline sl::app::ExperimentConfig decomposedDiagonal(long long samples, std::uint64_t seed)
{
    sl::app::ExperimentConfig c;
    c.problem.model = sl::ModelKind::Diagonal;
    c.problem.dimension = 30;
    c.problem.samples = samples;
    c.problem.weightDecay = 0.03;
    c.problem.noise = 0.5;
    c.problem.seed = seed;
    c.solver = sl::app::Solver::Convex;
    c.tailFit = false;
    c.decompose = true;
    c.prune = true;
    return c;
}

// Plain gradient descent with step 1 on the quadratic network at d = 8, n = 100: explodes within a few iterations
// (issue 11's "huge step"), a run that ends Diverged.
inline sl::app::ExperimentConfig divergingQuadratic()
{
    sl::app::ExperimentConfig c;
    c.problem.model = sl::ModelKind::Quadratic;
    c.problem.dimension = 8;
    c.problem.samples = 100;
    c.solver = sl::app::Solver::GradientDescent;
    c.train = sl::TrainConfig::defaults(sl::Optimizer::GradientDescent);
    c.train.learningRate = 1.0;
    return c;
}

}  // namespace sl::test
