// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/observer.h"
#include "core/common/power_law.h"  // powerLawSpectrum: the default teacher eigenvalues (docs/theory/models.md §3)
#include "core/common/status.h"

#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

namespace sl {

struct MatrixStateEvolutionConfig {
    // Teacher eigenvalues s (S* = diag(s) suffices by rotation invariance, docs/theory/state-evolution.md §7);
    // Q* = (1/d)Σ s².
    Eigen::VectorXd spectrum;
    double alphaQ = 0.5;  // α_q = n/d² = n_eff/d
    // Penalty λd·Tr S (docs/theory/models.md §3 canonical form); must be > 0 (λ → 0⁺: interpolationThreshold).
    double lambda = 1.0;
    double noise = 0.5;  // Δ
    int samples = 32;  // K GOE samples Z_k = (G + Gᵀ)/√(2d), common random numbers
    std::uint64_t seed = 1;
    double tolerance = 1e-6;  // relative change of δ (docs/theory/state-evolution.md §7)
    int maxIterations = 1000;
    double damping = 0.5;  // weight of the new δ (docs/theory/state-evolution.md §7)
    // Secant steps on G(δ) − δ when safe (see run()); false: the plain damped iteration
    // (docs/theory/state-evolution.md §7).
    bool secantAcceleration = true;
    double initialDelta = -1;  // warm start; < 0: δ of the zero estimator, δ² = (Q* + Δ/2)/(2α_q)
    double initialEpsilon = -1;  // warm start of the ε bracket; < 0: 1/(4α_q)

    void validate() const;  // throws sl::ValidationError naming the parameter
};

struct MatrixStateEvolutionSnapshot {
    int iteration = 0;
    double delta = 0;
    double epsilon = 0;
    double matrixMse = 0;
    double residual = 0;
};

struct MatrixStateEvolutionResult : ResultStatus {
    double residualA = 0;  // |4α_q − 1/ε − 2D(δ, λε)| / (4α_q), equation (A) after the ε bisection
    double residualB = 0;  // |LHS − RHS| / RHS of identity (B) at the fixed point (a Monte Carlo consistency check)
    // Monte Carlo standard error of LHS − RHS, relative to RHS: (B) is Stein's identity E Tr(Z F(Y))/d = δ D in
    // disguise, exact in expectation but estimated from K samples, so |residualB| is O(residualBStandardError).
    double residualBStandardError = 0;
    double lhsB = 0, rhsB = 0;  // (B): Q* + Δ/2 + 2α_qδ² − δ²/ε  vs  J(δ, λε) − λε ∂₂J(δ, λε)
    double residualDelta = 0;  // relative change of δ at the last iteration
    double matrixMse = 0;  // E_mat = (1/d)‖Ŝ − S*‖_F²
    double testExcessRisk = 0;  // 2 E_mat, the test excess risk for centred labels (docs/theory/models.md §4)
    double delta = 0;
    double epsilon = 0;
    double threshold = 0;  // λε
    double overlapM = 0, overlapQ = 0;  // m = (1/d)Tr S*Ŝ, q = (1/d)‖Ŝ‖²
    // docs/theory/spectra.md §3: eigenvalues of ReLU(S* + δZ_k − λεI), all K·d pooled (zeros included), and the weight
    // of the point mass at 0, F_μδ(λε).
    Eigen::VectorXd spectrumSamples;
    double weightAtZero = 0;
    // Cost accounting: number of eigen-decompositions and the time spent in them vs in the whole run.
    long eigenDecompositions = 0;
    double eigenSeconds = 0;
    double totalSeconds = 0;
};

// Non-asymptotic, finite-d state evolution of the quadratic network (docs/theory/state-evolution.md §6): for each δ,
// decompose Y_k = diag(s) + δZ_k once, solve (A) 4α_q − 1/ε = 2D(δ, λε) for ε by bisection on log ε
// (Brent-safeguarded), then update δ² = (E_mat + Δ/2)/(2α_q) with damping.
class MatrixStateEvolution {
public:
    explicit MatrixStateEvolution(MatrixStateEvolutionConfig config);

    const MatrixStateEvolutionConfig& config() const { return m_config; }

    MatrixStateEvolutionResult run(
        const Observer<MatrixStateEvolutionSnapshot>& observer = {}, const CancelToken& cancel = CancelToken()) const;

private:
    MatrixStateEvolutionConfig m_config;
};

// The K samples Y_k = diag(s) + δZ_k of the law of Ŝ before the threshold, with the same common random numbers
// (config.seed, config.samples) as MatrixStateEvolution::run(): at the fixed point's δ they are exactly the
// samples its risk was averaged over. Eigenvalues ascending, eigenvectors as columns (in the teacher's basis).
// Returns an empty vector when cancelled.
struct MatrixStateEvolutionSample {
    Eigen::VectorXd eigenvalues;
    Eigen::MatrixXd eigenvectors;
};
std::vector<MatrixStateEvolutionSample> matrixStateEvolutionSamples(
    const MatrixStateEvolutionConfig& config, double delta, const CancelToken& cancel = CancelToken());

struct InterpolationThresholdResult : ResultStatus {
    double alphaInterp = 0;  // α_interp = D(δ̄, 0)/2 (<= 1/2)
    double deltaBar = 0;  // δ̄ solving Q* + Δ/2 = J(δ̄, 0) − (δ̄/2)∂₁J(δ̄, 0)
    double residual = 0;  // |equation for δ̄| / (Q* + Δ/2)
};

// docs/theory/state-evolution.md §8: interpolation threshold of the PSD model as λ → 0⁺ ((inferred) from (A)/(B)),
// Monte Carlo with K GOE samples (eigenvalues only). Requires Δ > 0.
InterpolationThresholdResult matrixInterpolationThreshold(const Eigen::VectorXd& spectrum, double noise,
    int samples = 32, std::uint64_t seed = 1, const CancelToken& cancel = CancelToken());

}  // namespace sl
