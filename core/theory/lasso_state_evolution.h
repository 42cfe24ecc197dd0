// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/observer.h"
#include "core/common/status.h"

#include <Eigen/Dense>
#include <string>

namespace sl {

// How the teacher vector enters the moments of docs/theory/state-evolution.md §3 (modes: §5).
enum class LassoTeacherMode {
    // `teacher` holds the amplitudes θ*_i themselves (an actual draw, or deterministic √d·i^(−γ)).
    Amplitudes,
    // `teacher` holds variances v_i; the moments are averaged over θ*_i ~ N(0, v_i) in closed form:
    // θ* + δg ~ N(0, v + δ²) and E[θ*|θ*+δg] is linear. (inferred, but exact; see lasso_state_evolution.cpp)
    VarianceProfile,
};

// Deterministic amplitudes √d·i^(−γ), i = 1..d; signs do not matter (docs/theory/models.md §6,
// docs/theory/state-evolution.md §5).
Eigen::VectorXd lassoDeterministicAmplitudes(int d, double gamma);
// Variance profile d·i^(−2γ), i = 1..d (docs/theory/models.md §2).
Eigen::VectorXd lassoPowerLawVariances(int d, double gamma);

struct LassoStateEvolutionConfig {
    Eigen::VectorXd teacher;  // length d
    LassoTeacherMode mode = LassoTeacherMode::Amplitudes;
    double alpha = 1.0;  // n/d = n_eff/d
    double lambda = 1.0;  // penalty λ‖θ‖₁ in the units of docs/theory/models.md §2; λ = 0 is the ridgeless limit
    double noise = 0.5;  // Δ
    double tolerance = 1e-10;  // relative change of R between outer iterations
    int maxIterations = 100000;
    double damping = 0.5;  // weight of the new R in the outer update (docs/theory/state-evolution.md §4: 0.3–0.5)
    double initialRisk = -1;  // warm start; < 0 means R(0) = (1/d)Σ E θ*_i²
    // Optional multiplicities of the teacher entries (same length, > 0): the moments become Σ w_i f_i / Σ w_i, so
    // a long power-law teacher can be given as a quadrature of its index (core/theory/power_law_quadrature.h).
    // Empty: every entry counts once.
    Eigen::VectorXd weights;
    // Secant steps on F(R) − R through the last two iterates when they stay within a factor 2 of R (the same guard
    // as the matrix state evolution); false: the plain damped iteration.
    bool secantAcceleration = false;

    void validate() const;  // throws sl::ValidationError naming the parameter
};

struct LassoStateEvolutionSnapshot {
    int iteration = 0;
    double risk = 0;
    double delta = 0;
    double threshold = 0;
    double residualOuter = 0;
};

struct LassoStateEvolutionResult : ResultStatus {
    double residualOuter = 0;  // |R_new − R|/R at the last iteration (fixed-point equation αδ² = Δ + R)
    double residualInner = 0;  // |t(α − κ(t)) − λ|/λ of the threshold equation (|α − κ| when λ = 0)
    double risk = 0;  // R = excess risk (1/d)‖θ̂ − θ*‖²
    double delta = 0;  // effective noise δ
    double epsilon = 0;  // ε = 1/(α − κ); +inf for λ = 0, α < 1 (min-ℓ1 interpolation)
    double threshold = 0;  // t = λε
    double activeFraction = 0;  // κ
};

// Per-coordinate closed-form moments of docs/theory/state-evolution.md §3 (no quadrature). Exposed for tests and the
// spectrum view.
struct LassoMoments {
    double mse = 0;  // (1/d) Σ E(η − θ*)²
    double active = 0;  // κ = (1/d) Σ P(|θ* + δg| > t)
};
LassoMoments lassoMoments(const Eigen::VectorXd& teacher, LassoTeacherMode mode, double delta, double threshold);
// The same with multiplicities w_i (empty: all 1): Σ w_i f_i / Σ w_i.
LassoMoments lassoMoments(const Eigen::VectorXd& teacher, LassoTeacherMode mode, double delta, double threshold,
    const Eigen::VectorXd& weights);

// LASSO state evolution (docs/theory/state-evolution.md §4): damped outer iteration on R, inner bisection for t.
class LassoStateEvolution {
public:
    explicit LassoStateEvolution(LassoStateEvolutionConfig config);

    const LassoStateEvolutionConfig& config() const { return m_config; }

    LassoStateEvolutionResult run(
        const Observer<LassoStateEvolutionSnapshot>& observer = {}, const CancelToken& cancel = CancelToken()) const;

    // Solve t·(α − κ(t)) = λ for t at fixed δ (λ > 0), or κ(t) = α (λ = 0, α < 1). Returns NaN if it fails.
    double solveThreshold(double delta, double* residual = nullptr) const;

private:
    LassoStateEvolutionConfig m_config;
};

}  // namespace sl
