// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/model_kind.h"
#include "core/common/observer.h"
#include "core/train/train_config.h"

#include <QString>
#include <QStringList>

#include <string>
#include <vector>

namespace sl {
struct Problem;
struct TrainResult;
struct TrainSnapshot;
}  // namespace sl

namespace sl::app {

struct ExperimentConfig;

// What trains the model: one of the network optimisers, or the convex problem the network is equivalent to
// (docs/theory/convex.md §1–§2: LASSO for the diagonal network, nuclear-norm sensing for the quadratic one).
// Every value has exactly one row in solverTable().
enum class Solver { Lbfgs, GradientDescent, Adam, Convex };

// The sizes a solver's memory use depends on (doubles, so absurd inputs cannot overflow).
struct MemoryShape {
    sl::ModelKind model = sl::ModelKind::Quadratic;
    double n = 0;  // samples (a sweep's largest)
    double d = 0;  // dimension
    double p = 0;  // width (quadratic) or 2 (diagonal: a and w)
    double lbfgsMemory = 0;
};

// What one solver adds to a run's memory, in doubles: the terms that grow with n and with d, and the words for
// the estimate's breakdown (app/experiment/memory_budget.cpp adds the data, the teacher and the vectors of d).
struct MemoryTerms {
    double samples = 0;
    double dimension = 0;
    std::string breakdown;
};

using MemoryEstimator = MemoryTerms (*)(const MemoryShape&);

// One row of the solver table: everything the JSON, the CLI, the parameter panel, the dispatch and the memory
// budget need to know about a solver. Adding a solver is a new row plus its core class and its runner.
struct SolverInfo {
    Solver solver;
    const char* name;  // the experiment JSON's "solver" and the CLI's --solver value
    const char* label;  // the parameter panel's entry
    const char* optimises;  // what it minimises, in words (the panel's item tooltip)
    sl::Optimizer trainDefaults;  // the TrainConfig::defaults() that missing "train" fields take
    // false: solves the convex twin (then no certificate is needed, it is the reference). It also picks the runner
    // (app/runner/solver_runners.h: runSolver), which is not a column so that the parsers of this table (the
    // experiment JSON, and the fuzz targets built from them) do not link the solvers.
    bool trainsNetwork;
    bool usesLearningRate;  // the panel's learning-rate field applies
    MemoryEstimator memory;  // app/experiment/memory_budget.h
};

// The rows, in the order the panel and the CLI list them.
const std::vector<SolverInfo>& solverTable();
// The row of `solver` (every enum value has one).
const SolverInfo& solverInfo(Solver solver);
// The row whose name is `name`, or nullptr.
const SolverInfo* findSolver(const QString& name);

const char* toString(Solver solver);
bool fromString(const QString& name, Solver& out);
// Every row's name, in table order ("lbfgs", "gd", "adam", "convex").
QStringList solverNames();
// The names for a message: "lbfgs, gd, adam or convex".
QString solverNamesInWords();

}  // namespace sl::app
