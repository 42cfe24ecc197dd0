// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/observer.h"
#include "core/common/status.h"

#include <Eigen/Dense>
#include <string>
#include <vector>

namespace sl {

// Which objective the solver minimises (docs/theory/models.md §2, docs/theory/convex.md §1).
enum class LassoUnits {
    // ½‖y − Xθ‖² + λ‖θ‖₁: user data as given.
    Plain,
    // ½Σ_μ(y_μ − θᵀx_μ/√d)² + λ‖θ‖₁: the diagonal network's units (docs/theory/models.md §2, paper eq. 5 corrected),
    // i.e. X scaled by 1/√d.
    Experiment,
};

// How coordinate descent keeps the gradient up to date. Both rules work on a working set W (coordinates that were
// ever nonzero or ever violated |q_j| ≤ λ, admitted strongest violation first, at most doubling per round): sweeps
// run on W only, and a full gradient q = X̃ᵀr (one pass over X) is formed only between rounds, to find violators
// outside W and to certify the duality gap. The ever-active set carries over to the next solve() (λ paths).
enum class LassoUpdates {
    // Gram updates unless the working set outgrows LassoConfig::gramWorkingSetLimit, residual updates from then on.
    Automatic,
    // Covariance updates restricted to W: q_W −= Δθ_j G_{W,j}, |W| flops per changed coordinate, with
    // G_WW = X̃_WᵀX̃_W built block by block (one matrix product per growth step) and kept for the next λ.
    Gram,
    // Residual updates r −= Δθ_j X̃_j: 4n flops per visited coordinate, no d-independent memory beyond X.
    Naive,
};

// The default limit on the working set for Gram updates: G_WW is |W|² doubles (128 MiB at this size).
constexpr int kLassoGramMaxWorkingSet = 4096;

// A cold solve (no warm start, or θ = 0) at 0 < λ < kLassoContinuationRatio·λ_max runs a geometric λ sequence from
// λ_max down to λ, kLassoContinuationStepsPerDecade steps a decade, each warm-started from the previous solution
// (continuation; docs/theory/noiseless-and-lambda.md §1). maxSweeps bounds all of its sweeps together.
constexpr double kLassoContinuationRatio = 1e-2;
constexpr double kLassoContinuationStepsPerDecade = 4.0;

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
    // Automatic updates switch from Gram to residual updates when the working set would exceed this many coordinates.
    int gramWorkingSetLimit = kLassoGramMaxWorkingSet;
};

struct LassoSnapshot {
    int iteration = 0;  // sweeps so far
    double lambda = 0.0;
    double objective = 0.0;
    double dualityGap = 0.0;
    int activeCount = 0;
};

// iterations: coordinate sweeps.
struct LassoResult : ResultStatus {
    LassoResult() : ResultStatus(Status::NotConverged) { }
    double lambda = 0.0;
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
// Construction validates X, y and config (sl::ValidationError naming the parameter). X is NOT copied (it is the
// largest object around: 32 MB at n = d = 2000): the solver keeps a reference, so X must outlive it, as with
// Spectra's matrix operations; a temporary X does not compile. The working set and its Gram block live in the
// solver, so path() and repeated solve() calls reuse them. Not thread-safe: use one solver per thread.
class LassoSolver {
public:
    LassoSolver(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const LassoConfig& config);
    LassoSolver(Eigen::MatrixXd&& X, const Eigen::VectorXd& y, const LassoConfig& config) = delete;

    LassoResult run(const Observer<LassoSnapshot>& observer = {}, const CancelToken& cancel = {});
    // Solves at another λ (validated) from warmStart (empty: θ = 0), reusing the cached Gram columns; a cold start at
    // small λ goes through continuation (kLassoContinuationRatio).
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
    // y − X̃θ in the configured units.
    Eigen::VectorXd residual(const Eigen::VectorXd& theta) const;
    // Whether Gram updates are used (Automatic: until the working set outgrows config().gramWorkingSetLimit).
    bool usesGram() const { return m_useGram; }
    const LassoConfig& config() const { return m_config; }
    // Coordinates in the working set so far (it only grows).
    Eigen::Index workingSetSize() const { return Eigen::Index(m_ws.size()); }

private:
    struct Progress;
    // One solve at λ from θ; the sweep count (and the maxSweeps budget) starts at sweepsBefore.
    LassoResult solveFrom(double lambda, Eigen::VectorXd theta, int sweepsBefore, const std::string& continuationNote,
        const Observer<LassoSnapshot>& observer, const CancelToken& cancel);
    void addToWorkingSet(const std::vector<Eigen::Index>& coordinates);
    void fullGradient(const Eigen::VectorXd& r, Eigen::VectorXd& q) const;
    // Sweeps over W until its own gap estimate passes innerTolerance (relative), nothing moves, or cancel/limit;
    // q is the exact gradient at θ on entry, r comes back exact (y − X̃θ).
    void sweepGram(double lambda, Eigen::VectorXd& theta, Eigen::VectorXd& r, const Eigen::VectorXd& q,
        Progress& progress, double innerTolerance, const Observer<LassoSnapshot>& observer, const CancelToken& cancel);
    // Sweeps over W until no coordinate step lowers the objective by more than innerTolerance (absolute).
    void sweepResidual(double lambda, Eigen::VectorXd& theta, Eigen::VectorXd& r, Progress& progress,
        double innerTolerance, const CancelToken& cancel);
    void fillResult(LassoResult& result, double lambda, const Eigen::VectorXd& theta, const Eigen::VectorXd& q,
        double residualSquared, double yDotResidual) const;

    LassoConfig m_config;
    const Eigen::MatrixXd* m_x;  // the caller's X (n×d), not copied; X̃ = m_scale·X
    double m_scale = 1.0;  // 1 (Plain) or 1/√d (Experiment)
    Eigen::VectorXd m_y;
    Eigen::VectorXd m_xty;  // X̃ᵀy
    Eigen::VectorXd m_colNormSq;  // diag(X̃ᵀX̃) = ‖X̃_j‖²
    double m_yNormSq = 0.0;
    bool m_useGram = false;
    // The working set W: m_ws[i] is a coordinate, m_wsSlot[j] its position in W or −1. With Gram updates the
    // columns X̃_W are packed in m_wsX (n × capacity) and G_WW = X̃_WᵀX̃_W in m_wsGram (capacity × capacity).
    std::vector<Eigen::Index> m_ws;
    std::vector<Eigen::Index> m_wsSlot;
    Eigen::MatrixXd m_wsX;
    Eigen::MatrixXd m_wsGram;
    // The last certified point (θ, r = y − X̃θ, q = X̃ᵀr): a warm start from exactly this θ skips one pass over X.
    Eigen::VectorXd m_lastTheta;
    Eigen::VectorXd m_lastResidual;
    Eigen::VectorXd m_lastGradient;
    double m_lastLambda = 0.0;
};

}  // namespace sl
