// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/convex/certificate.h"

#include "core/common/validation.h"
#include "core/convex/lasso_solver.h"
#include "core/convex/nuclear_norm_solver.h"

#include <cmath>
#include <cstdio>

namespace sl {

namespace {

double relativeTo(double difference, double reference)
{
    return std::abs(reference) > 0.0 ? difference / std::abs(reference) : difference;
}

std::string summary(const ConvexCertificate& c)
{
    char buffer[400];
    std::snprintf(buffer, sizeof buffer,
        "convex solve %s; F_net = %.12g, F_convex = %.12g, relative gap %.3g, solution distance %.3g, "
        "convex rank %d, width %d (%s)",
        toString(c.status), c.objectiveNetwork, c.objectiveConvex, c.relativeObjectiveGap, c.solutionDistance,
        c.convexRank, c.width, c.widthSufficient ? "sufficient" : "too narrow: p < rank, docs/theory/convex.md §3");
    return buffer;
}

ConvexCertificate certifyQuadratic(const Problem& problem, const TrainResult& trained, const CancelToken& cancel)
{
    const Eigen::Index d = problem.data.X.cols();
    Eigen::MatrixXd sNet;
    if (trained.S.rows() == d && trained.S.cols() == d)
        sNet = trained.S;
    else if (trained.W.rows() == d && trained.W.cols() >= 1)
        sNet = trained.W * trained.W.transpose();
    else
        throw ValidationError("trained", "has neither a d×d S nor a d×p W for d = " + std::to_string(d));
    if (!sNet.allFinite())
        throw ValidationError("trained", "S contains NaN or infinite entries");

    ConvexCertificate c;
    c.width = trained.W.rows() == d && trained.W.cols() >= 1 ? int(trained.W.cols()) : problem.config.effectiveWidth();
    NuclearNormConfig config;
    config.lambda = problem.config.weightDecay;
    config.tolerance = 1e-13;
    config.optimalityTolerance = 1e-10;
    config.maxIterations = 50000;
    config.rankTolerance = kCertificateRankTolerance;
    // From S = 0, never from the network's S: agreement must not be inherited from the start point.
    NuclearNormSolver solver(problem.data.X, problem.data.y, config);
    const NuclearNormResult convex = solver.run({}, cancel);
    c.status = convex.status;
    // docs/theory/convex.md §2: at S = WWᵀ the network objective equals F_convex(S) since ‖W‖_F² = Tr S.
    c.objectiveNetwork = solver.objective(sNet);
    c.objectiveConvex = convex.objective;
    c.relativeObjectiveGap = relativeTo(c.objectiveNetwork - c.objectiveConvex, c.objectiveConvex);
    c.solutionDistance = relativeTo((sNet - convex.S).norm(), convex.S.norm());
    c.convexRank = convex.rank;
    c.widthSufficient = c.width >= c.convexRank;
    c.convexOptimality = convex.optimality;
    return c;
}

ConvexCertificate certifyDiagonal(const Problem& problem, const TrainResult& trained, const CancelToken& cancel)
{
    const Eigen::Index d = problem.data.X.cols();
    const bool hasLayers = trained.a.size() == d && trained.w.size() == d;
    Eigen::VectorXd thetaNet;
    if (hasLayers)
        thetaNet = trained.a.cwiseProduct(trained.w);
    else if (trained.theta.size() == d)
        thetaNet = trained.theta;
    else
        throw ValidationError("trained", "has neither a, w nor θ of length d = " + std::to_string(d));
    if (!thetaNet.allFinite())
        throw ValidationError("trained", "θ contains NaN or infinite entries");

    const double lambda = problem.config.weightDecay;
    LassoConfig config;
    config.lambda = lambda;
    config.units = LassoUnits::Experiment;  // docs/theory/models.md §2: ½Σ(y − θᵀx/√d)² + λ‖θ‖₁
    config.gapTolerance = 1e-14;
    LassoSolver solver(problem.data.X, problem.data.y, config);
    const LassoResult convex = solver.run({}, cancel);

    ConvexCertificate c;
    c.status = convex.status;
    c.width = int(d);
    if (hasLayers) {
        // The network's own objective (docs/theory/models.md §2): it exceeds LASSO(a⊙w) unless |a_i| = |w_i|.
        c.objectiveNetwork = 0.5 * solver.residual(thetaNet).squaredNorm()
            + 0.5 * lambda * (trained.a.squaredNorm() + trained.w.squaredNorm());
    } else {
        c.objectiveNetwork = solver.objective(thetaNet, lambda);
    }
    c.objectiveConvex = convex.objective;
    c.relativeObjectiveGap = relativeTo(c.objectiveNetwork - c.objectiveConvex, c.objectiveConvex);
    c.solutionDistance = relativeTo((thetaNet - convex.theta).norm(), convex.theta.norm());
    c.convexRank = convex.activeCount;
    c.widthSufficient = true;  // one hidden unit per coordinate: the diagonal network is never too narrow
    c.convexOptimality = convex.relativeGap;
    return c;
}

}  // namespace

ConvexCertificate certify(const Problem& problem, const TrainResult& trained, const CancelToken& cancel)
{
    problem.config.validate();
    if (problem.data.X.cols() != problem.config.dimension)
        throw ValidationError("problem",
            "data has " + std::to_string(problem.data.X.cols())
                + " columns but the configuration says d = " + std::to_string(problem.config.dimension));
    ConvexCertificate c = problem.config.model == ModelKind::Quadratic ? certifyQuadratic(problem, trained, cancel)
                                                                       : certifyDiagonal(problem, trained, cancel);
    c.message = summary(c);
    if (c.status != Status::Converged)
        c.message += "; the convex solve did not converge, so the comparison is inconclusive";
    return c;
}

}  // namespace sl
