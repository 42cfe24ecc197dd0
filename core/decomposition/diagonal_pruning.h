// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The post-hoc pruning level of the diagonal network from its LASSO state evolution (the diagonal counterpart of
// Corollary 2's 2δ − λε, arXiv:2509.24882; derivation, candidates and measurements: docs/theory/decomposition.md
// §3a). Under the state evolution the trained weights are θ̂_i = η(θ*_i + δg_i; t), g_i iid N(0, 1), t = λε, and
// pruning θ̂ at a level e is, coordinate by coordinate, a function of y_i = θ*_i + δg_i:
//   soft: sign(θ̂)(|θ̂| − e)₊ = η(y; t + e)   (Corollary 2's shape: the LASSO's law at the threshold t + e)
//   hard: θ̂·1{|θ̂| > e}     = η(y; t)·1{|y| > t + e}
// so its predicted risk is a sum of closed-form Gaussian integrals.

#include "core/decomposition/error_decomposition.h"

#include <Eigen/Dense>
#include <limits>

namespace sl {

enum class PruningShape { Soft, Hard };

// (1/d) Σ_i E(prune(θ̂_i; e) − θ*_i)² under the law above, in closed form (`softThresholdTruncatedMoments`). At
// e = 0 both shapes give the state evolution's own risk (1/d) Σ E(η(y; t) − θ*)². delta > 0, threshold ≥ 0,
// level ≥ 0, a non-empty finite teacher; otherwise sl::ValidationError naming the parameter.
double predictedDiagonalPrunedRisk(const Eigen::VectorXd& teacher, double delta, double threshold, double level,
    PruningShape shape = PruningShape::Soft);

// δ√(2 ln d) − t: the universal level √(2 ln d)·δ that the largest of d noise-only |y_i| = |δg_i| stays below with
// probability → 1, less the threshold the LASSO already applied (the analogue of 2δ − λε: the noise edge 2δ of
// S* + δZ less λε). May be ≤ 0: the LASSO's threshold already removed every noise-only coordinate.
double universalDiagonalPruningLevel(double delta, double threshold, int dimension);

struct DiagonalPruningLevel {
    double level = std::numeric_limits<double>::quiet_NaN();  // e ≥ 0; 0: no level lowers the predicted risk
    double predictedRisk = std::numeric_limits<double>::quiet_NaN();  // at e = 0
    double predictedPrunedRisk = std::numeric_limits<double>::quiet_NaN();  // at e
    PruningShape shape = PruningShape::Soft;
};

// The level e ≥ 0 that minimises predictedDiagonalPrunedRisk over the 1-D family (a grid of spacing ≤ δ/8 on
// [0, max|θ*| + 10δ], then golden-section search around the best grid point). The level is 0 exactly when no e > 0
// predicts a lower risk (to 1e-12 relative): pruning then changes nothing.
DiagonalPruningLevel optimalDiagonalPruningLevel(
    const Eigen::VectorXd& teacher, double delta, double threshold, PruningShape shape = PruningShape::Soft);

// The data-driven alternative (Stein's unbiased risk estimate of the soft family, SureShrink): for |θ̂_j| > 0,
// y_j = |θ̂_j| + t, and the level e = τ − t ≥ 0 minimises Σ_{θ̂_j ≠ 0} [min(y_j², τ²) − 2δ²·1{y_j ≤ τ}] (the
// coordinates the LASSO set to 0 add a constant for every τ ≥ t). Needs δ and t, not the teacher.
double sureDiagonalPruningLevel(const Eigen::VectorXd& theta, double delta, double threshold);

// The measured split's configuration for a diagonal run whose LASSO state evolution (amplitude mode, the run's θ*)
// is `result`: `exactEdge` = the optimal soft level above, which the split uses as its bulk edge and pruning
// threshold (docs/theory/decomposition.md §3a). A state evolution that did not converge, or a non-finite δ or t,
// leaves `base` unchanged: the gap rule decides.
DecompositionConfig diagonalStateEvolutionSplit(
    const LassoStateEvolutionConfig& config, const LassoStateEvolutionResult& result, DecompositionConfig base = {});

}  // namespace sl
