// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/observer.h"
#include "core/train/trainer.h"

namespace sl {
struct Problem;
}

namespace sl::app {

struct ExperimentConfig;

// The runners of the solver table (app/experiment/solver_table.h): one problem instance in, the trainer's result
// out, so runExperiment treats every solver alike.

// The runner of config.solver's row: runNetwork for the rows that train the network, runConvex for the convex twin.
sl::TrainResult runSolver(const sl::Problem& problem, const ExperimentConfig& config,
    const sl::Observer<sl::TrainSnapshot>& observer, const sl::CancelToken& cancel);

// The network's ERM by the optimiser config.train selects (L-BFGS, GD, Adam): sl::Trainer::run.
sl::TrainResult runNetwork(const sl::Problem& problem, const ExperimentConfig& config,
    const sl::Observer<sl::TrainSnapshot>& observer, const sl::CancelToken& cancel);

// The network's convex twin from zero (docs/theory/convex.md §5): the LASSO in the network's units for the diagonal
// model (W = [a w] at the balanced point), nuclear-norm PSD sensing by FISTA for the quadratic one (W = the balanced
// factor of S, width d). train.max_iterations bounds the sweeps or iterations (a choice of ours, (inferred)).
sl::TrainResult runConvex(const sl::Problem& problem, const ExperimentConfig& config,
    const sl::Observer<sl::TrainSnapshot>& observer, const sl::CancelToken& cancel);

}  // namespace sl::app
