// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/experiment/experiment_config.h"
#include "app/experiment/run_result.h"
#include "core/common/cancel_token.h"

#include <QString>
#include <QVector>

#include <functional>
#include <vector>

namespace sl::app {

// The trained points of a risk-against-λ curve at fixed n (docs/theory/noiseless-and-lambda.md §3), written once for
// the CLI's `lambda-curve` and the window's λ view.

// `points` values of λ, log-spaced from `from` to `to` (both > 0); one point is `from`.
std::vector<double> logLambdaGrid(double from, double to, int points);

// The experiment of the trained points: `base`'s problem, solver and training settings at every λ of `lambdas`, with
// `seeds` seeds from base.problem.seed (any seed list or sweep of `base` is replaced). Each seed draws one data set,
// shared by all λ. Throws sl::ValidationError naming the parameter when the result is not a valid experiment.
ExperimentConfig lambdaTrainingExperiment(const ExperimentConfig& base, const std::vector<double>& lambdas, int seeds);

// One λ of the trained curve: the risk curve's aggregation over seeds (aggregateBySamples, app/analysis, the rule
// of every risk curve).
struct LambdaTrainedPoint {
    double lambda = kNaN;
    int runs = 0;  // runs averaged: converged, with a finite excess risk
    // The other finished runs, left out of the mean: stopped at the iteration cap, line search failed, diverged,
    // invalid, or a non-finite risk.
    int failed = 0;
    double mean = kNaN;  // NaN when runs == 0: a λ without a result is never a point
    double standardError = kNaN;  // NaN for a single run
};

// The runs of a λ training aggregated per λ of `lambdas`, in that order; runs at other λ are ignored.
std::vector<LambdaTrainedPoint> aggregateLambdaRuns(const QVector<RunResult>& runs, const std::vector<double>& lambdas);

struct LambdaTraining {
    ExperimentConfig experiment;  // what was trained
    std::vector<LambdaTrainedPoint> points;  // one per λ of experiment.weightDecays()
    // A run was cancelled (or the token was): `points` hold the finished runs only, not a complete result.
    bool cancelled = false;
    int fromStore = 0;  // runs read back from the store instead of trained
    QString storeError;  // the first save that failed (those runs still count)
    QString firstFailure;  // the first failed run in the points' order: its λ, seed, status and message
    QString error;  // the store could not be opened: nothing ran, `points` is empty
    bool complete() const { return error.isEmpty() && !cancelled; }
    int emptyPoints() const;  // λ values without a single result
};

// Trains every point of `experiment` (lambdaTrainingExperiment) by the sweep policy of app/runner/point_scheduler.h:
// `threads` workers (<= 0: all cores), each finished run saved to `storePath` at once (empty: no store), stored runs
// served from it when reuseStored; blocks the calling thread until every run has finished or been dropped by
// `cancel`. progress(done, total) is called from the workers, one call at a time.
LambdaTraining trainLambdaPoints(const ExperimentConfig& experiment, int threads, const QString& storePath,
    bool reuseStored, const sl::CancelToken& cancel, const std::function<void(int done, int total)>& progress = {});

}  // namespace sl::app
