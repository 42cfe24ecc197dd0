// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The error decomposition of arXiv:2509.24882 (Result 3, eq. 17) and its post-hoc pruning (Corollary 2), measured
// on a trained network and predicted from the state evolution at the same finite d. Definitions, and what is read
// from the paper, inferred or measured: docs/theory/decomposition.md.

#include "core/common/cancel_token.h"
#include "core/common/status.h"
#include "core/spectrum/trained_spectrum.h"
#include "core/theory/lasso_state_evolution.h"
#include "core/theory/matrix_state_evolution.h"

#include <Eigen/Dense>
#include <limits>
#include <string>

namespace sl {

// The three parts of the excess risk (docs/theory/decomposition.md §2), in the units of the run's excess risk:
// 2·E_mat for the quadratic network, (1/d)‖θ − θ*‖² for the diagonal one.
struct ErrorTerms {
    double overfitting = std::numeric_limits<double>::quiet_NaN();  // noise bulk that survives the threshold
    double underfitting = std::numeric_limits<double>::quiet_NaN();  // teacher directions not recovered
    double approximation = std::numeric_limits<double>::quiet_NaN();  // bias and misalignment of recovered spikes
    double total() const { return overfitting + underfitting + approximation; }
};

// How the bulk edge of a spectrum is found (inferred, docs/theory/decomposition.md §3): the gap rule of
// detectBulkEdge (core/spectrum) applied to |eigenvalues|, with values below relativeZeroTolerance·max|x| counted as
// the exact zeros of the threshold (an optimiser leaves them at round-off size, not at 0).
struct DecompositionConfig {
    double gapFactor = 4.0;
    int window = 2;
    double relativeZeroTolerance = kRelativeZeroTolerance;  // the one rule for numerical zeros (core/spectrum)
    // 2δ − λε where the theory knows it (the state evolution at the run's parameters), NaN where not. At or below 0
    // the spectrum has no noise bulk (λε ≥ 2δ, the threshold removed it): every nonzero eigenvalue is a spike and
    // nothing is pruned, whatever the gap rule would read into the spikes (docs/theory/decomposition.md §3). Above
    // 0 (or NaN) the gap rule decides.
    double theoryEdge = std::numeric_limits<double>::quiet_NaN();
    // The edge itself where the theory fixes it, NaN where not; it takes precedence over the gap rule and
    // `theoryEdge`. The diagonal network's level from its LASSO state evolution (diagonalStateEvolutionSplit,
    // docs/theory/decomposition.md §3a): above 0 the bulk is |x| ≤ exactEdge and pruning shrinks every value by it;
    // at or below 0 there is no bulk (every nonzero value is a spike) and nothing is pruned.
    double exactEdge = std::numeric_limits<double>::quiet_NaN();
    void validate() const;  // throws sl::ValidationError naming the parameter
};

// An estimate Ŝ = Σ_j r_j v_j v_jᵀ and a teacher S* = Σ_i s_i o_i o_iᵀ, given by their eigenvalues and the squared
// overlaps C_ji = (v_j·o_i)² of their eigenvectors. The diagonal network is the case v_j = o_j = e_j (C = I, the
// eigenvalues being the signed coefficients θ̂_j and θ*_j); `overlaps` is then left empty.
struct SpectralPair {
    Eigen::VectorXd estimate;  // r_j
    Eigen::VectorXd teacher;  // s_i
    Eigen::MatrixXd overlaps;  // d×d, rows = estimate directions, columns = teacher directions; empty: identity
};

// The common result header (core/common/status.h): Converged when the numbers below are valid, Invalid (with the
// message) for non-finite weights; `iterations` stays 0 (nothing iterates).
struct ErrorDecomposition : ResultStatus {
    ErrorTerms terms;
    double excessRisk = std::numeric_limits<double>::quiet_NaN();  // scale·(1/d)‖Ŝ − S*‖², from the same spectra
    double bulkEdge = 0;  // largest |eigenvalue| counted in the bulk; 0 when there is no bulk
    bool bulkFound = false;  // false: fewer than 4 nonzero values or no dense bulk, every nonzero value is a spike
    int spikes = 0;  // eigenvalues above the edge, = number of teacher directions counted as recovered
    int zeros = 0;  // eigenvalues counted as exact zeros
    // Corollary 2: every eigenvalue shrunk to sign(x)·(|x| − bulkEdge)₊ (the bulk edge is 2δ − λε).
    double pruningThreshold = 0;
    double prunedExcessRisk = std::numeric_limits<double>::quiet_NaN();
};

// The exact split of docs/theory/decomposition.md §2 for a spectral pair; `scale` multiplies every term (2 for the
// quadratic network's test excess risk). Non-finite input gives status Invalid with a message, not numbers;
// inconsistent sizes throw sl::ValidationError.
ErrorDecomposition decomposeSpectralPair(
    const SpectralPair& pair, double scale = 1.0, const DecompositionConfig& config = {});

// A trained quadratic network: S = WWᵀ (d×d), the teacher's eigenvalues s and eigenbasis O (S* = O diag(s) Oᵀ).
// Cost: one symmetric eigen-decomposition of S and one d×d product UᵀO (O is known, S* is not decomposed again).
ErrorDecomposition decomposeQuadratic(const Eigen::MatrixXd& S, const Eigen::VectorXd& teacherSpectrum,
    const Eigen::MatrixXd& teacherRotation, const DecompositionConfig& config = {});

// A trained diagonal network: θ = a⊙w against the teacher θ*.
ErrorDecomposition decomposeDiagonal(
    const Eigen::VectorXd& theta, const Eigen::VectorXd& teacher, const DecompositionConfig& config = {});

// --- Predicted by the state evolution ----------------------------------------------------------------------------

// Converged, Invalid (the state evolution did not converge: message, no numbers) or Cancelled.
struct PredictedDecomposition : ResultStatus {
    // The same split applied to the state evolution's own law of Ŝ (docs/theory/decomposition.md §4); the terms add
    // up to `excessRisk`, the state evolution's risk.
    ErrorTerms terms;
    double excessRisk = std::numeric_limits<double>::quiet_NaN();
    double bulkEdge = std::numeric_limits<double>::quiet_NaN();  // mean over the law's samples
    double spikes = std::numeric_limits<double>::quiet_NaN();  // mean number of spikes
    double prunedExcessRisk = std::numeric_limits<double>::quiet_NaN();
    double delta = std::numeric_limits<double>::quiet_NaN();
    double threshold = std::numeric_limits<double>::quiet_NaN();  // λε
    // Closed-form asymptotic expressions (docs/theory/decomposition.md §5): the paper's eq. 17 for the quadratic
    // network (read, constants uncertain), the per-coordinate analogue for the diagonal one (inferred). They need
    // not add up to `excessRisk`.
    ErrorTerms asymptotic;
    double asymptoticEdge = std::numeric_limits<double>::quiet_NaN();  // 2δ − λε (quadratic); NaN (diagonal)
    int asymptoticSpikes = 0;  // K(δ)
};

// Diagonal network: the LASSO state evolution in amplitude mode at this teacher (`result` must be converged, with
// `config` the configuration that produced it). The measured split is applied to `draws` draws of η(θ* + δg; λε)
// (common random numbers from `seed`) and averaged, with the draws' risk as a control variate whose mean is the
// state evolution's risk (docs/theory/decomposition.md §4): the terms add up to result.risk to rounding.
PredictedDecomposition predictDiagonalDecomposition(const LassoStateEvolutionConfig& config,
    const LassoStateEvolutionResult& result, int draws = 256, std::uint64_t seed = 1,
    const DecompositionConfig& decomposition = {});

// Quadratic network: the matrix state evolution's own K samples ReLU(diag(s) + δZ_k − λεI) at its fixed point,
// each split as a trained network would be, then averaged: the terms add up to result.testExcessRisk.
PredictedDecomposition predictQuadraticDecomposition(const MatrixStateEvolutionConfig& config,
    const MatrixStateEvolutionResult& result, const DecompositionConfig& decomposition = {},
    const CancelToken& cancel = CancelToken());

// --- Closed forms used above (exposed for the tests) ----------------------------------------------------------

// δ² ∫_{τ/δ}^{2} μ_sc(x) (x − τ/δ)² dx, the surviving semicircle bulk's ∫ x² (the first term of eq. 17).
double semicircleBulkMass(double delta, double threshold);

// For Y = θ + δg and η = sign(Y)(|Y| − t)₊: E[η² 1{|Y| > c}] and E[η 1{|Y| > c}] for c ≥ t (θ ≥ 0 w.l.o.g.).
struct TruncatedMoments {
    double second = 0;
    double first = 0;
};
TruncatedMoments softThresholdTruncatedMoments(double theta, double delta, double threshold, double level);

}  // namespace sl
