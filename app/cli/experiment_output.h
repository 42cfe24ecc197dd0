// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/cli/cli_common.h"
#include "app/experiment/run_result.h"

#include <QString>
#include <QVector>

namespace sl::cli {

// A run that ended in a result (converged, or stopped at its iteration cap): the point is done. Diverged,
// not-converged and invalid runs are failed points, cancelled ones were never run to an end.
bool isFinished(const sl::app::RunResult& result);

// Exit code of a run: 0 for converged or max-iterations (a result with its status), 2 for an invalid
// configuration, 1 otherwise (diverged, not converged, cancelled).
int exitCodeFor(const sl::app::RunResult& result);

// The human-readable summary of one run.
QString describeRun(const sl::app::RunResult& result);
// One table row per run: n, n_eff, λ, seed, status, iterations, excess risk, phase.
QString runTable(const QVector<sl::app::RunResult>& results);

// Runs the experiment's points by the sweep policy of app/runner/point_scheduler.h, on `threads` threads (0: all
// cores), with a progress bar and Ctrl-C; each finished
// point is saved at once when `storePath` is not empty (so an interrupted sweep keeps what finished). Returns the
// finished results in the points' order (unfinished points are left out). With `resume`, points with a finished run in
// the store (same configuration hash) are read back instead of run; *fromStore counts them. A store that cannot be
// opened is a UsageError before anything runs. A save that fails (a full disk) does not stop the points: the
// first such error goes to *storeError, for the caller to report after it has written the results, or, without
// storeError, is thrown as a RunError once every point has finished.
QVector<sl::app::RunResult> runPoints(const Options& options, const std::vector<sl::app::ExperimentConfig>& points,
    int threads, const QString& storePath, const QString& label, bool resume = false, int* fromStore = nullptr,
    QString* storeError = nullptr);

}  // namespace sl::cli
