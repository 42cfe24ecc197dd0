// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/status.h"
#include "core/model/problem.h"
#include "core/train/trainer.h"

#include <string>

namespace sl {

// Does a trained network sit at the global minimum its convex twin predicts (docs/theory/convex.md §6)?
// The status is the convex solve's: Converged means the comparison is meaningful.
struct ConvexCertificate : ResultStatus {
    ConvexCertificate() : ResultStatus(Status::NotConverged) { }
    // Network objective at the trained weights, recomputed on the problem's data: quadratic
    // (1/d²)Σ(y − ŷ)² + (λ/d)‖W‖_F² (= F_convex(WWᵀ)); diagonal ½Σ(y − f)² + (λ/2)(‖a‖² + ‖w‖²) (≥ LASSO(a⊙w),
    // with equality only at balance).
    double objectiveNetwork = 0.0;
    // Minimum of the convex problem, solved from zero (never from the network's weights, so agreement cannot be
    // inherited from the start point): nuclear-norm sensing (quadratic) or LASSO (diagonal), network units.
    double objectiveConvex = 0.0;
    // (F_net − F_convex)/|F_convex|: ≥ 0 up to the convex solver's accuracy; > 0 means the network missed the
    // global minimum.
    double relativeObjectiveGap = 0.0;
    // ‖S_net − S_convex‖_F/‖S_convex‖_F (quadratic) or ‖θ_net − θ_convex‖/‖θ_convex‖ (diagonal).
    double solutionDistance = 0.0;
    // Eigenvalues of S_convex above kCertificateRankTolerance·λ_max (quadratic), nonzero θ_i (diagonal).
    int convexRank = 0;
    // p (quadratic; the trained W's column count) or d (diagonal: one hidden unit per coordinate).
    int width = 0;
    // docs/theory/convex.md §3 width condition: p ≥ rank(S_convex) makes the network's minimum the convex one.
    bool widthSufficient = false;
    // Relative first-order optimality of the convex solution (NuclearNormResult::optimality, or the LASSO's
    // relative duality gap), so a reader can judge how sharp objectiveConvex is.
    double convexOptimality = 0.0;
};

// Relative eigenvalue threshold for convexRank.
constexpr double kCertificateRankTolerance = 1e-6;

// Solves the convex twin of problem (docs/theory/convex.md §6) on problem.data at problem.config.weightDecay and
// compares it with the trained network. Throws sl::ValidationError when trained does not match the problem
// (shapes, model).
ConvexCertificate certify(const Problem& problem, const TrainResult& trained, const CancelToken& cancel = {});

}  // namespace sl
