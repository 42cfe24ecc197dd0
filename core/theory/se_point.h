// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/model_kind.h"
#include "core/common/status.h"
#include "core/theory/lasso_state_evolution.h"

#include <Eigen/Dense>
#include <cstdint>
#include <string>

namespace sl {

// Everything but (n_eff, λ) that fixes a state-evolution prediction: the model, d, γ, Δ, the teacher and the
// solver settings. Shared by the λ curve, the optimal-λ search and the Δ = 0 slope map
// (docs/theory/noiseless-and-lambda.md).
struct StateEvolutionModel {
    ModelKind model = ModelKind::Diagonal;
    int d = 400;
    double gamma = 1.0;
    double noise = 0.5;  // Δ ≥ 0

    // Diagonal model: empty means deterministic amplitudes √d·i^(−γ) (inferred default, the paper's θ* are
    // Gaussian); with lassoMode = VarianceProfile the moments average over θ*_i ~ N(0, v_i).
    Eigen::VectorXd lassoTeacher;
    LassoTeacherMode lassoMode = LassoTeacherMode::Amplitudes;
    double lassoTolerance = 1e-10;

    // Quadratic model: empty means s_i ∝ i^(−γ) with Q* = 1; K GOE samples (common random numbers).
    Eigen::VectorXd matrixSpectrum;
    int samples = 32;
    std::uint64_t seed = 1;
    double matrixTolerance = 1e-6;
    int matrixMaxIterations = 1000;

    void validate() const;  // throws sl::ValidationError naming the parameter
    // The teacher actually used (the defaults filled in).
    Eigen::VectorXd resolvedLassoTeacher() const;
    Eigen::VectorXd resolvedMatrixSpectrum() const;
    // R(0): the risk of the zero estimator ((1/d)Σθ*² or (1/d)Σv for LASSO; 2Q* for the quadratic model).
    double zeroRisk() const;
};

// Warm-start state carried from one solved point to the next.
struct StateEvolutionWarmStart {
    double risk = -1;  // LASSO: R
    double delta = -1, epsilon = -1;  // quadratic: δ, ε
};

struct StateEvolutionValue : ResultStatus {
    // Test excess risk: (1/d)‖θ̂ − θ*‖² (LASSO) or 2·E_mat (quadratic, centred labels). Only meaningful when
    // status == Converged.
    double excessRisk = 0;
    double matrixMse = 0;  // E_mat (quadratic only)
    double delta = 0, epsilon = 0, threshold = 0;
};

// One state-evolution point at (n_eff, λ): the LASSO SE by the root finder of lasso_fixed_point.h, the quadratic
// SE by MatrixStateEvolution (λ > 0 required). `teacher` is model.resolvedLassoTeacher() or
// model.resolvedMatrixSpectrum() (passed in so that a sweep resolves it once). `warm` is updated on success.
StateEvolutionValue evaluateStateEvolution(const StateEvolutionModel& model, const Eigen::VectorXd& teacher,
    double nEff, double lambda, StateEvolutionWarmStart* warm = nullptr, const CancelToken& cancel = CancelToken());

}  // namespace sl
