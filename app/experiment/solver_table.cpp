// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/experiment/solver_table.h"

#include "app/experiment/memory_budget.h"

#include <cstdlib>

namespace sl::app {

const std::vector<SolverInfo>& solverTable()
{
    static const std::vector<SolverInfo> table = {
        {Solver::Lbfgs, "lbfgs", "L-BFGS (paper)",
            "The network's ERM objective (docs/theory/models.md §2–§3) by L-BFGS with strong-Wolfe line search, "
            "the paper's optimiser.",
            sl::Optimizer::Lbfgs, true, false, &networkMemory},
        {Solver::GradientDescent, "gd", "Gradient descent + momentum",
            "The network's ERM objective by gradient descent with heavy-ball momentum.", sl::Optimizer::GradientDescent,
            true, true, &networkMemory},
        {Solver::Adam, "adam", "Adam", "The network's ERM objective by Adam.", sl::Optimizer::Adam, true, true,
            &networkMemory},
        {Solver::Convex, "convex", "Convex solver (LASSO / nuclear norm)",
            "The equivalent convex problem (docs/theory/convex.md §5): the LASSO by coordinate descent (diagonal), "
            "nuclear-norm PSD sensing by FISTA (quadratic); its global minimum is the one the network should reach.",
            sl::Optimizer::Lbfgs, false, false, &convexMemory},
    };
    return table;
}

const SolverInfo& solverInfo(Solver solver)
{
    for (const SolverInfo& row : solverTable())
        if (row.solver == solver)
            return row;
    std::abort();  // every enum value has a row (tests/app/experiment/test_solver_table.cpp)
}

const SolverInfo* findSolver(const QString& name)
{
    for (const SolverInfo& row : solverTable())
        if (name == QLatin1String(row.name))
            return &row;
    return nullptr;
}

const char* toString(Solver solver)
{
    return solverInfo(solver).name;
}

bool fromString(const QString& name, Solver& out)
{
    const SolverInfo* row = findSolver(name);
    if (row)
        out = row->solver;
    return row != nullptr;
}

QStringList solverNames()
{
    QStringList names;
    for (const SolverInfo& row : solverTable())
        names << QLatin1String(row.name);
    return names;
}

QString solverNamesInWords()
{
    const QStringList names = solverNames();
    if (names.size() < 2)
        return names.join(QString());
    return names.mid(0, names.size() - 1).join(QStringLiteral(", ")) + QStringLiteral(" or ") + names.last();
}

}  // namespace sl::app
