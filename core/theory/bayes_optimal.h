// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/status.h"
#include "core/theory/lasso_state_evolution.h"
#include "core/theory/se_point.h"

#include <Eigen/Dense>
#include <string>

namespace sl {

// The prior the Bayes-optimal estimator of the diagonal model knows (docs/theory/noiseless-and-lambda.md §4).
enum class BayesPrior {
    // θ*_i ~ N(0, v_i): `teacher` holds the variances v_i (d·i^(−2γ) for the paper's teacher, arXiv:2509.24882
    // §2). The posterior mean of the scalar channel is linear, E[θ|z] = v z/(v + δ²), mmse_i = v δ²/(v + δ²).
    Gaussian,
    // θ*_i = ±a_i with known amplitudes and random signs: `teacher` holds a_i. E[θ|z] = a tanh(a z/δ²),
    // mmse_i = a²(1 − E_g tanh(s + √s g)), s = a²/δ² (a one-dimensional integral, tabulated once).
    RandomSigns,
};

const char* toString(BayesPrior prior);
// The prior matching the LASSO state evolution's teacher: VarianceProfile ↔ Gaussian, Amplitudes ↔ RandomSigns.
BayesPrior bayesPriorFor(LassoTeacherMode mode);

// Normalised mmse of the symmetric binary channel, m(s) = 1 − E_g tanh(s + √s g) ∈ [0, 1], s = snr ≥ 0.
// Interpolated from a table (log m against log s, cubic) built once by Gauss–Legendre quadrature; accurate to
// 1e-9 relative for s ≤ 10 and 2e-7 up to s = 1e4 (tested against direct quadrature), 0 beyond (m < e^(−5000)).
double binaryChannelMmse(double snr);
// The same by direct adaptive quadrature (the table's reference; slow).
double binaryChannelMmseQuadrature(double snr);

// Posterior mean E[θ*_i | z] of the scalar channel z = θ*_i + δg, and the per-coordinate mmse.
double bayesPosteriorMean(BayesPrior prior, double teacherValue, double delta, double z);
double bayesScalarMmse(BayesPrior prior, double teacherValue, double delta);
// (1/d) Σ_i mmse_i(δ): the Bayes-optimal risk of the decoupled channels at effective noise δ.
double bayesOptimalMmse(BayesPrior prior, const Eigen::VectorXd& teacher, double delta);

struct BayesOptimalConfig {
    Eigen::VectorXd teacher;  // variances (Gaussian) or amplitudes (RandomSigns), length d
    BayesPrior prior = BayesPrior::Gaussian;
    double alpha = 1.0;  // n/d = n_eff/d
    double noise = 0.5;  // Δ ≥ 0
    double tolerance = 1e-12;  // relative accuracy of δ²

    void validate() const;  // throws sl::ValidationError naming the parameter
};

// The Bayes-optimal problem of a diagonal-model state evolution at n_eff: the same teacher (the defaults filled in),
// the matching prior (bayesPriorFor), α = n_eff/d and Δ.
BayesOptimalConfig bayesOptimalConfigFor(const StateEvolutionModel& model, double nEff);

struct BayesOptimalResult : ResultStatus {
    double alpha = 0, noise = 0;  // what it was computed for
    double risk = 0;  // R_BO = (1/d)Σ mmse_i(δ) at the fixed point α δ² = Δ + R_BO
    double delta = 0;
    int evaluations = 0;  // of R_BO(δ)
    double residual = 0;  // |α δ² − Δ − R_BO| / (Δ + R_BO), or 0 for exact recovery
    bool exactRecovery = false;  // Δ = 0 and only the fixed point δ = 0 exists below the uninformed start

    bool ok() const { return status == Status::Converged; }
};

// The Bayes-optimal state evolution of the diagonal model, α δ² = Δ + R_BO(δ) (a standard AMP result, inferred:
// the paper states Bayes-optimal rates, Corollary 1, without the equations). Several fixed points can exist for
// the RandomSigns prior; the one reached by iterating from the uninformed start δ² = (Δ + R(0))/α is returned
// (the largest), found by a downward scan in log δ² (ratio 0.8) and Brent. For the Gaussian prior R_BO(δ)/δ² =
// (1/d)Σ v_i/(v_i + δ²) decreases in δ, so the fixed point is unique; at Δ = 0 it is δ > 0 for α < 1 and δ = 0
// (exact recovery, R_BO = 0) for α ≥ 1.
BayesOptimalResult solveBayesOptimal(const BayesOptimalConfig& config, const CancelToken& cancel = CancelToken());

}  // namespace sl
