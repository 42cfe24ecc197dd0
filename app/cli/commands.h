// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

// The sub-commands of scalinglab-cli, one file each (app/cli/command_<name>.cpp). Each takes the arguments after
// its name and returns the exit code (sl::cli::ExitCode), throwing UsageError/RunError for one-line failures.
namespace sl::cli {

int runTrain(const QStringList& arguments);
int runCurve(const QStringList& arguments);
int runTheory(const QStringList& arguments);
int runPhase(const QStringList& arguments);
int runFitTail(const QStringList& arguments);
int runAnalyzeWeights(const QStringList& arguments);
int runSolve(const QStringList& arguments);
int runSweep(const QStringList& arguments);
int runMerge(const QStringList& arguments);
int runExponents(const QStringList& arguments);
int runLambdaCurve(const QStringList& arguments);
int runOptimalCurve(const QStringList& arguments);
int runSePhase(const QStringList& arguments);

}  // namespace sl::cli
