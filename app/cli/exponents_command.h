// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/cli/cli_common.h"
#include "core/theory/exponent_map.h"

#include <QJsonObject>

// The options and computation of `exponents`, shared with `render phase --exponents` (app/main_cli.cpp).
namespace sl::cli {

// The grid and ladder options; `standalone` also adds --model, --gamma, --noise, --points, --amplitudes, --threads
// (which `render` already has).
void addExponentGridOptions(Options& options, bool standalone);
// Throws UsageError or sl::ValidationError (exit code 2) before any work.
sl::ExponentMapConfig exponentMapConfigFromOptions(const Options& options);

struct ExponentMapComputation {
    QJsonObject json;  // exponentMapJson() with the ladders, plus "from_store" and "key"
    bool fromStore = false;
    QString key;
};
// Reads the map from --store when the same parameters were computed before; otherwise computes it (progress bar,
// Ctrl-C -> RunError) and saves it there.
ExponentMapComputation computeExponentMap(const Options& options, const sl::ExponentMapConfig& config);

}  // namespace sl::cli
