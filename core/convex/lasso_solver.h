// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/observer.h"
#include "core/common/status.h"

#include <Eigen/Dense>
#include <string>
#include <vector>

namespace sl {

// Which objective the solver minimises (DIGEST §1a, §2).
enum class LassoUnits {
    // ½‖y − Xθ‖² + λ‖θ‖₁: user data as given.
    Plain,
    // ½Σ_μ(y_μ − θᵀx_μ/√d)² + λ‖θ‖₁: the diagonal network's units (DIGEST §1a, eq. 5 repaired), i.e. X scaled by 1/√d.
    Experiment,
};

// How coordinate descent keeps the gradient q = X̃ᵀ(y − X̃θ) up to date (X̃ = X in the chosen units).
enum class LassoUpdates {
    // Gram when d ≤ 2n and d ≤ kLassoGramMaxDimension, naive otherwise (see LassoSolver::usesGram()).
    Automatic,
    // Covariance updates: q −= Δθ_j G_{:,j}, d flops per changed coordinate; columns of G = X̃ᵀX̃ are computed only for
    // coordinates that become nonzero, in blocks (one matrix product per sweep), and kept for the next λ.
    Gram,
    // Residual updates: r −= Δθ_j X̃_j, 2n flops per visited coordinate; sweeps run on the active set and a full
    // gradient X̃ᵀr (one matrix-vector product) is formed only to find violators and to compute the gap.
    Naive,
};

// Above this d the Gram matrix (d² doubles) is not used automatically.
constexpr int kLassoGramMaxDimension = 8192;

struct LassoConfig {
    double lambda = 0.0;  // λ ≥ 0
    LassoUnits units = LassoUnits::Plain;
    LassoUpdates updates = LassoUpdates::Automatic;
    // Stop when the duality gap ≤ gapTolerance · ½‖y‖² (the gap relative to the objective at θ = 0, which bounds
    // the optimum from above; the same reference as scikit-learn's tol·‖y‖²).
    double gapTolerance = 1e-10;
    int maxSweeps = 100000;  // coordinate sweeps (full or active-set) before giving up
    // Warm start (length d, in the chosen units); empty means θ = 0.
    Eigen::VectorXd warmStart;
    // Call the observer every this many sweeps (and at the end); 0 means only at the end.
    int observeEvery = 10;
};

struct LassoSnapshot {
    int iteration = 0;  // sweeps so far
    double lambda = 0.0;
    double objective = 0.0;
    double dualityGap = 0.0;
    int activeCount = 0;
};

struct LassoResult {
    Status status = Status::NotConverged;
    std::string message;
    double lambda = 0.0;
    int iterations = 0;  // coordinate sweeps
    double objective = 0.0;  // primal objective in the chosen units
    double dualObjective = 0.0;  // dual value at ν = r·min(1, λ/‖X̃ᵀr‖_∞)
    double dualityGap = 0.0;  // objective − dualObjective ≥ 0
    double relativeGap = 0.0;  // dualityGap / (½‖y‖²)
    // max_j of |q_j − λ sign θ_j| (θ_j ≠ 0) or (|q_j| − λ)₊ (θ_j = 0), q = X̃ᵀ(y − X̃θ): the KKT residual.
    double kktViolation = 0.0;
    Eigen::VectorXd theta;
    int activeCount = 0;  // nonzero coefficients
};

struct LassoPathConfig {
    int points = 50;
    // λ runs geometrically from λ_max = ‖X̃ᵀy‖_∞ down to ratio·λ_max (scikit-learn's eps).
    double ratio = 1e-3;
    // Explicit descending λ values; when non-empty, points and ratio are ignored.
    std::vector<double> lambdas;
};

// Cyclic coordinate descent for the LASSO with duality-gap stopping (dual point by residual rescaling).
// Construction validates X, y and config (sl::ValidationError naming the parameter) and copies the data; the
// Gram cache lives in the solver, so path() and repeated solve() calls reuse it. Not thread-safe (solve() grows the
// cache): use one solver per thread.
class LassoSolver {
public:
    LassoSolver(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const LassoConfig& config);

    LassoResult run(const Observer<LassoSnapshot>& observer = {}, const CancelToken& cancel = {});
    // Solves at another λ (validated) from warmStart (empty: θ = 0), reusing the cached Gram columns.
    LassoResult solve(double lambda, const Eigen::VectorXd& warmStart, const Observer<LassoSnapshot>& observer = {},
        const CancelToken& cancel = {});
    // Descending λ grid with warm starts; returns one result per λ (stops early, with the cancelled result last,
    // on cancellation).
    std::vector<LassoResult> path(const LassoPathConfig& pathConfig, const Observer<LassoSnapshot>& observer = {},
        const CancelToken& cancel = {});

    // ‖X̃ᵀy‖_∞: the smallest λ with θ = 0 a solution.
    double lambdaMax() const;
    // Objective ½‖y − X̃θ‖² + λ‖θ‖₁ in the configured units.
    double objective(const Eigen::VectorXd& theta, double lambda) const;
    bool usesGram() const { return m_useGram; }
    const LassoConfig& config() const { return m_config; }
    // The design in the configured units (X or X/√d).
    const Eigen::MatrixXd& design() const { return m_x; }

private:
    LassoResult solveGram(
        double lambda, Eigen::VectorXd theta, const Observer<LassoSnapshot>& observer, const CancelToken& cancel);
    LassoResult solveNaive(
        double lambda, Eigen::VectorXd theta, const Observer<LassoSnapshot>& observer, const CancelToken& cancel);
    void ensureGramColumns(const std::vector<Eigen::Index>& columns);
    void fillResult(LassoResult& result, double lambda, const Eigen::VectorXd& theta, const Eigen::VectorXd& q,
        double residualSquared, double yDotResidual) const;

    LassoConfig m_config;
    Eigen::MatrixXd m_x;  // X̃ (n×d), already in the configured units
    Eigen::VectorXd m_y;
    Eigen::VectorXd m_xty;  // X̃ᵀy
    Eigen::VectorXd m_colNormSq;  // diag(G) = ‖X̃_j‖²
    double m_yNormSq = 0.0;
    bool m_useGram = false;
    // Gram columns computed so far: m_gram.col(m_gramSlot[j]) = X̃ᵀX̃_j, or m_gramSlot[j] = −1.
    Eigen::MatrixXd m_gram;
    std::vector<Eigen::Index> m_gramSlot;
    Eigen::Index m_gramUsed = 0;
};

}  // namespace sl
