// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/model_kind.h"
#include "core/common/observer.h"
#include "core/common/status.h"
#include "core/theory/lasso_state_evolution.h"
#include "core/theory/phase_diagram.h"

#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

namespace sl {

struct StateEvolutionCurveConfig {
    ModelKind model = ModelKind::Diagonal;
    int d = 400;
    double gamma = 1.0;
    double lambda = 1.0;  // > 0 for the quadratic model; >= 0 for LASSO
    double noise = 0.5;  // Δ
    // Log-spaced grid of n_eff (docs/theory/models.md §5: n for the diagonal model, n/d for the quadratic one).
    double nEffMin = 1.0;
    double nEffMax = 1e4;
    int points = 30;
    // Explicit n_eff values (ascending or not); when non-empty, nEffMin/nEffMax/points are ignored.
    std::vector<double> nEffValues;
    bool warmStart = true;  // start each point from the previous converged one

    // LASSO teacher: empty means deterministic amplitudes √d·i^(−γ) ((inferred) default: docs/theory/models.md §6
    // practical note; the paper's choice is unknown).
    Eigen::VectorXd lassoTeacher;
    LassoTeacherMode lassoMode = LassoTeacherMode::Amplitudes;
    double lassoTolerance = 1e-10;
    int lassoMaxIterations = 100000;

    // Quadratic teacher spectrum: empty means s_i ∝ i^(−γ) with Q* = 1 (docs/theory/models.md §3).
    Eigen::VectorXd matrixSpectrum;
    int samples = 32;  // K GOE samples
    std::uint64_t seed = 1;
    double matrixTolerance = 1e-6;
    int matrixMaxIterations = 1000;

    void validate() const;  // throws sl::ValidationError naming the parameter
};

struct CurvePoint : ResultStatus {
    double nEff = 0;
    double n = 0;  // samples: n_eff (diagonal) or n_eff·d (quadratic)
    double alpha = 0;  // n/d (diagonal) or α_q = n/d² (quadratic), both = n_eff/d
    // Test excess risk: R = (1/d)‖θ̂ − θ*‖² for LASSO, 2·E_mat for the quadratic model (docs/theory/models.md §4). Only
    // meaningful when status == Converged.
    double excessRisk = 0;
    // E_mat = (1/d)‖Ŝ − S*‖² (quadratic only; what the authors' follow-up code plots as "mse"; (unknown) which one the
    // paper plots).
    double matrixMse = 0;
    double delta = 0;
    double epsilon = 0;
    double threshold = 0;  // λε
    double residualOuter = 0;  // LASSO: relative change of R; quadratic: relative change of δ
    double residualInner = 0;  // LASSO: threshold equation; quadratic: equation (A)
    double residualB = 0;  // quadratic only: identity (B)
};

struct CurveProgress {
    int index = 0;  // of the point just finished
    int total = 0;
    CurvePoint point;
};

// status: Converged when every point converged.
struct StateEvolutionCurveResult : ResultStatus {
    std::vector<CurvePoint> points;  // in grid order; on cancellation only those finished
    int failedPoints = 0;
    // Cost accounting (quadratic model): eigen-decompositions and their share of the run time.
    long eigenDecompositions = 0;
    double eigenSeconds = 0;
    double totalSeconds = 0;
};

// State-evolution risk against n_eff on a log grid for either model (docs/theory/state-evolution.md §9), warm-starting
// each point from the previous one. Each point carries its own status; a failed point is reported, not dropped.
class StateEvolutionCurve {
public:
    explicit StateEvolutionCurve(StateEvolutionCurveConfig config);

    const StateEvolutionCurveConfig& config() const { return m_config; }
    // The n_eff values the curve will visit.
    std::vector<double> grid() const;

    StateEvolutionCurveResult run(
        const Observer<CurveProgress>& observer = {}, const CancelToken& cancel = CancelToken()) const;

    static std::vector<double> logGrid(double from, double to, int points);

private:
    StateEvolutionCurveConfig m_config;
};

}  // namespace sl
