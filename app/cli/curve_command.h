// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/cli/cli_common.h"

#include <QJsonObject>
#include <QString>

namespace sl::cli {

// The grid options of `curve` (--samples-from/--samples-to or --n-eff-from/--n-eff-to, --points, --linear,
// --seeds, --threads, --no-theory, --se-samples); the problem and solver options are added separately.
void addCurveGridOptions(Options& options);

// Runs the curve the options describe (used by `curve` and by `render risk` without a --curve file).
struct CurveComputation {
    QJsonObject json;  // config, points [{samples, n_eff, mean, stderr, theory, runs, failed}], fit, predicted_slope,
                       // phase, theory_note, cancelled
    QString human;
    int exitCode = 0;
    // The first failed save to --store, if any (the runs are in json all the same); the caller reports it after
    // writing the curve out.
    QString storeError;
};
CurveComputation computeCurve(const Options& options);

}  // namespace sl::cli
