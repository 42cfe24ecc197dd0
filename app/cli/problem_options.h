// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/cli/cli_common.h"
#include "app/experiment/experiment_config.h"
#include "core/theory/phase_diagram.h"

#include <QJsonObject>

namespace sl::cli {

// The problem options shared by train, curve, theory and render: --model --d --width --samples | --n-eff
// --weight-decay --gamma --noise --seed --amplitudes.
void addProblemOptions(Options& options, bool withSampleSize);
// Solver settings of train/curve/render: --solver --max-iterations --gradient-tolerance ... --certificate.
void addSolverOptions(Options& options);

// The "problem" object of an ExperimentConfig JSON from the options (only the ones given), merged over `base`.
// --n-eff is turned into n by docs/theory/models.md §5 (n = n_eff, or n_eff·d for the quadratic model).
QJsonObject problemJson(const Options& options, const QJsonObject& base = {});
// The whole experiment JSON: `base` (a --config file, or empty) with the options laid over it.
QJsonObject experimentJson(const Options& options, const QJsonObject& base = {});
// experimentJson parsed and validated through ExperimentConfig; a ConfigError becomes a UsageError naming the key.
sl::app::ExperimentConfig experimentFromOptions(const Options& options);

// The model of the options (for theory, which has no experiment).
sl::ModelKind modelKind(const QString& name);

}  // namespace sl::cli
