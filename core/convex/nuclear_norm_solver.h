// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/observer.h"
#include "core/common/status.h"

#include <Eigen/Dense>
#include <string>
#include <vector>

namespace sl {

struct NuclearNormConfig {
    double lambda = 0.0;  // λ ≥ 0
    // Converged when, on the same iteration, the relative objective change |F_k − F_{k−1}|/max(|F_k|, F(0)) ≤
    // tolerance (F(0) = the objective at S = 0, so that an exact fit with F* = 0 can stop), the
    // relative gradient-mapping norm (see NuclearNormSnapshot::optimality) ≤ optimalityTolerance, and the returned
    // S's own optimality (NuclearNormResult::optimality) ≤ optimalityTolerance: a Converged result never reports
    // an optimality above the tolerance.
    double tolerance = 1e-12;
    double optimalityTolerance = 1e-9;
    int maxIterations = 20000;
    // Lipschitz constant of the smooth part's gradient; 0 means estimate it by power iteration on A*A. Either way
    // backtracking doubles it whenever the sufficient-decrease test fails, so an underestimate is safe.
    double lipschitz = 0.0;
    int powerIterations = 20;
    // Warm start (d×d; symmetrised and projected onto the PSD cone); empty means S = 0.
    Eigen::MatrixXd warmStart;
    // An eigenvalue counts towards the rank when it exceeds rankTolerance·max(λ_max(S), tiny).
    double rankTolerance = 1e-8;
    // Call the observer every this many iterations (and at the end); 0 means only at the end.
    int observeEvery = 10;
};

struct NuclearNormSnapshot {
    int iteration = 0;
    double objective = 0.0;
    // Gradient mapping ‖L·(y_k − S_{k+1})‖_F divided by the gradient scale at the origin, ‖∇f(0)‖_F + c_pen·√d.
    double optimality = 0.0;
    double lipschitz = 0.0;
};

struct NuclearNormResult : ResultStatus {
    NuclearNormResult() : ResultStatus(Status::NotConverged) { }
    double objective = 0.0;
    // First-order optimality of the returned S: with G = ∇f(S) + c_pen·I, the natural residual
    // ‖S − Π_PSD(S − G)‖_F (zero iff the KKT conditions hold), divided by the gradient scale at the origin.
    // Cancelled runs skip it and report the last iteration's gradient-mapping proxy (NaN before the first).
    double optimality = 0.0;
    Eigen::MatrixXd S;
    Eigen::VectorXd eigenvalues;  // of S, descending
    int rank = 0;
    double lipschitz = 0.0;  // final (possibly backtracked) constant
    int restarts = 0;  // adaptive momentum restarts
};

// Nuclear-norm regularised PSD matrix sensing by FISTA with function-value adaptive restart (O'Donoghue–Candès) and
// backtracking. Objective F(S) = c_loss·Σ_μ(y_μ − A(S)_μ)² + c_pen·Tr S over S ⪰ 0 (on the PSD cone ‖S‖_* = Tr S).
// The prox of τ·Tr S + ι_{S⪰0} is eigenvalue soft-thresholding followed by clipping at 0.
class NuclearNormSolver {
public:
    // The quadratic network's convex twin in the network's units (docs/theory/models.md §3, docs/theory/convex.md §2):
    //     F(S) = (1/d²) Σ_μ (y_μ − Tr[S Z_μ])² + (λ/d) Tr S,   Z_μ = (x_μx_μᵀ − I)/√d,
    // equal to the network objective (1/d²)Σ(y − ŷ)² + (λ/d)‖W‖_F² at S = WWᵀ. Z_μ is never formed:
    // A(S)_μ = (x_μᵀSx_μ − Tr S)/√d and A*(r) = (Xᵀdiag(r)X − (Σr)I)/√d.
    NuclearNormSolver(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const NuclearNormConfig& config);
    // User data with explicit symmetric sensing matrices A_μ (d×d): F(S) = Σ_μ(y_μ − Tr[S A_μ])² + λ Tr S.
    NuclearNormSolver(
        const std::vector<Eigen::MatrixXd>& sensing, const Eigen::VectorXd& y, const NuclearNormConfig& config);

    NuclearNormResult run(const Observer<NuclearNormSnapshot>& observer = {}, const CancelToken& cancel = {});

    // A(S) (length n) and A*(r) (d×d, symmetric).
    Eigen::VectorXd apply(const Eigen::MatrixXd& S) const;
    Eigen::MatrixXd adjoint(const Eigen::VectorXd& r) const;
    // F(S) (S is not projected: callers pass PSD matrices).
    double objective(const Eigen::MatrixXd& S) const;
    // ∇f(S) = −2 c_loss A*(y − A(S)), the gradient of the smooth part only.
    Eigen::MatrixXd smoothGradient(const Eigen::MatrixXd& S) const;
    // The largest eigenvalue of 2 c_loss A*A by power iteration from a fixed seed (a lower bound).
    double estimateLipschitz(int iterations, const CancelToken& cancel = {}) const;
    // ‖S − Π_PSD(S − ∇f(S) − c_pen I)‖_F / (‖∇f(0)‖_F + c_pen√d): zero exactly at the minimiser.
    double optimality(const Eigen::MatrixXd& S) const;

    int dimension() const { return m_d; }
    double lossWeight() const { return m_lossWeight; }  // c_loss: 1/d² (network) or 1 (user data)
    double penaltyWeight() const { return m_penaltyWeight; }  // c_pen: λ/d (network) or λ (user data)
    const NuclearNormConfig& config() const { return m_config; }

private:
    void validateCommon(const Eigen::VectorXd& y);
    // A(S) for S = FFᵀ (F d×k): n·d·k flops for the Gaussian operator when k ≤ d/2, else apply(S).
    Eigen::VectorXd applyFactor(const Eigen::MatrixXd& factor, const Eigen::MatrixXd& S) const;
    double gradientScale() const;

    NuclearNormConfig m_config;
    int m_d = 0;
    bool m_gaussian = true;  // network form (X) or explicit sensing matrices
    Eigen::MatrixXd m_x;  // n×d (network form)
    Eigen::MatrixXd m_sensing;  // n×d² rows vec(A_μ) (user form)
    Eigen::VectorXd m_y;
    double m_lossWeight = 1.0;
    double m_penaltyWeight = 0.0;
};

}  // namespace sl
