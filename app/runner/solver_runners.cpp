// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/runner/solver_runners.h"

#include "app/experiment/experiment_config.h"
#include "app/experiment/solver_table.h"
#include "core/common/format.h"
#include "core/convex/lasso_solver.h"
#include "core/convex/nuclear_norm_solver.h"
#include "core/model/problem.h"

#include <cmath>
#include <string>

namespace sl::app {
namespace {

// A convex solver's snapshots as the trainer's: its iteration and objective, `residual(snapshot)` in the gradient
// norm's place; no loss or risk (NaN) and no weights. An empty observer stays empty (the solver skips the calls).
template <class Snapshot, class Residual>
sl::Observer<Snapshot> relayAsTrainSnapshots(const sl::Observer<sl::TrainSnapshot>& observer, Residual residual)
{
    if (!observer)
        return {};
    return [&observer, residual](const Snapshot& s) {
        sl::TrainSnapshot t;
        t.iteration = s.iteration;
        t.objective = s.objective;
        t.trainLoss = std::nan("");
        t.excessRisk = std::nan("");
        t.gradientNorm = residual(s);
        observer(t);
    };
}

// Convex route for the diagonal net: the LASSO it is equivalent to (docs/theory/convex.md §1), in the net's units
// (docs/theory/models.md §2). The convex solver's observer reports no weights, so its snapshots carry none.
sl::TrainResult runLasso(const sl::Problem& problem, const ExperimentConfig& config,
    const sl::Observer<sl::TrainSnapshot>& observer, const sl::CancelToken& cancel)
{
    sl::LassoConfig lasso;
    lasso.lambda = problem.config.weightDecay;
    lasso.units = sl::LassoUnits::Experiment;
    // (inferred) train.max_iterations bounds the coordinate sweeps; the gap tolerance is core's default.
    lasso.maxSweeps = config.train.maxIterations;
    lasso.observeEvery = config.train.snapshotInterval;
    sl::LassoSolver solver(problem.data.X, problem.data.y, lasso);
    const sl::LassoResult r = solver.run(
        relayAsTrainSnapshots<sl::LassoSnapshot>(observer, [](const sl::LassoSnapshot&) { return std::nan(""); }),
        cancel);
    sl::TrainResult out;
    out.status = r.status;
    out.message = r.message;
    out.stopReason = "duality gap " + sl::formatNumber(r.relativeGap);
    out.iterations = r.iterations;
    out.objective = r.objective;
    out.trainLoss = r.objective - r.lambda * r.theta.lpNorm<1>();
    const int d = problem.config.dimension;
    // R = (1/d)‖θ−θ*‖², docs/theory/models.md §2.
    out.excessRisk = (r.theta - problem.teacher.spectrum).squaredNorm() / d;
    out.matrixMse = std::nan("");
    out.gradientNorm = r.kktViolation;
    out.theta = r.theta;
    out.W.resize(d, 2);  // [a w] at the balanced point |a| = |w| (docs/theory/convex.md §1)
    out.W.col(0) = r.theta.cwiseAbs().cwiseSqrt().cwiseProduct(r.theta.cwiseSign());
    out.W.col(1) = r.theta.cwiseAbs().cwiseSqrt();
    return out;
}

// Convex route for the quadratic net: nuclear-norm PSD sensing in the net's units (docs/theory/models.md §3,
// docs/theory/convex.md §2), solved by FISTA from S = 0. W is the balanced factor V·diag(√s) of S (width d, always wide
// enough, docs/theory/convex.md §3).
sl::TrainResult runNuclearNorm(const sl::Problem& problem, const ExperimentConfig& config,
    const sl::Observer<sl::TrainSnapshot>& observer, const sl::CancelToken& cancel)
{
    sl::NuclearNormConfig nuclear;
    nuclear.lambda = problem.config.weightDecay;
    // (inferred) train.max_iterations bounds the FISTA iterations; tolerances are core's defaults.
    nuclear.maxIterations = config.train.maxIterations;
    nuclear.observeEvery = config.train.snapshotInterval;
    sl::NuclearNormSolver solver(problem.data.X, problem.data.y, nuclear);
    const sl::NuclearNormResult r = solver.run(relayAsTrainSnapshots<sl::NuclearNormSnapshot>(observer,
                                                   [](const sl::NuclearNormSnapshot& s) { return s.optimality; }),
        cancel);
    sl::TrainResult out;
    out.status = r.status;
    out.message = r.message;
    out.stopReason = "optimality " + sl::formatNumber(r.optimality);
    out.iterations = r.iterations;
    out.objective = r.objective;
    out.gradientNorm = r.optimality;
    if (r.S.size() == 0)
        return out;
    const int d = problem.config.dimension;
    out.S = r.S;
    out.trainLoss = r.objective - solver.penaltyWeight() * r.S.trace();
    out.matrixMse = (r.S - problem.teacher.matrix).squaredNorm() / d;  // E_mat, docs/theory/models.md §4
    // Test excess risk = 2·E_mat (docs/theory/models.md §4), as the trainer reports it.
    out.excessRisk = 2.0 * out.matrixMse;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(0.5 * (r.S + r.S.transpose()));
    out.W = eig.eigenvectors() * eig.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
    return out;
}

}  // namespace

sl::TrainResult runNetwork(const sl::Problem& problem, const ExperimentConfig& config,
    const sl::Observer<sl::TrainSnapshot>& observer, const sl::CancelToken& cancel)
{
    return sl::Trainer::run(problem, config.train, observer, cancel);
}

sl::TrainResult runConvex(const sl::Problem& problem, const ExperimentConfig& config,
    const sl::Observer<sl::TrainSnapshot>& observer, const sl::CancelToken& cancel)
{
    return problem.config.model == sl::ModelKind::Diagonal ? runLasso(problem, config, observer, cancel)
                                                           : runNuclearNorm(problem, config, observer, cancel);
}

sl::TrainResult runSolver(const sl::Problem& problem, const ExperimentConfig& config,
    const sl::Observer<sl::TrainSnapshot>& observer, const sl::CancelToken& cancel)
{
    return solverInfo(config.solver).trainsNetwork ? runNetwork(problem, config, observer, cancel)
                                                   : runConvex(problem, config, observer, cancel);
}

}  // namespace sl::app
