// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/experiment/run_result.h"
#include "core/common/cancel_token.h"
#include "core/common/observer.h"
#include "core/decomposition/error_decomposition.h"
#include "core/model/problem.h"
#include "core/model/problem_config.h"
#include "core/train/trainer.h"

#include <Eigen/Dense>
#include <QVector>

#include <functional>

namespace sl::app {

// What a run reports while it works: the trainer's own snapshot (weights included), on the run's thread.
using RunObserver = sl::Observer<sl::TrainSnapshot>;

// Runs one experiment end to end (docs/architecture.md, data flow of one run):
//   makeProblem -> Trainer (or the convex solver) -> certificate (if on) -> final spectrum + tail fit (if on)
//   -> phase (closed-form classifier at this (n_eff, λ)) -> RunResult.
// The observer and the cancel token are passed to the solver. Never throws: an invalid configuration (or a
// sweep, which is many runs: use SweepRunner) comes back as status Invalid with the message.
RunResult runExperiment(const ExperimentConfig& config, const RunObserver& observer = {},
    const sl::CancelToken& cancel = sl::CancelToken{});

// The signature the runners call; tests may substitute their own.
using ExperimentExecutor
    = std::function<RunResult(const ExperimentConfig&, const RunObserver&, const sl::CancelToken&)>;

// The measured split's configuration a diagonal run gets (docs/theory/decomposition.md §3a): the LASSO state
// evolution at the run's own θ* (amplitude mode, α = n/d, λ, Δ) and, where it converged, its optimal soft pruning
// level as the fixed bulk edge; the gap rule (the default configuration) where it did not. The quadratic network
// gets 2δ − λε from its matrix state evolution inside runExperiment. Tests use this to split the same weights as
// a run does.
sl::DecompositionConfig diagonalDecompositionConfig(
    const sl::Problem& problem, const sl::CancelToken& cancel = sl::CancelToken{});

// The spectrum of a weight matrix as the trainer reports it, descending: the d eigenvalues of S = WWᵀ for the
// quadratic net (W is d×p; computed as squared singular values), {|a_i w_i|} for the diagonal net (W = [a w],
// docs/theory/convex.md §1, inferred).
QVector<double> weightSpectrum(sl::ModelKind model, const Eigen::MatrixXd& weights);

}  // namespace sl::app
