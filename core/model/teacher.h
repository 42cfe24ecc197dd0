// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/power_law.h"  // powerLawSpectrum, the quadratic teacher's eigenvalues
#include "core/common/rng.h"
#include "core/model/problem_config.h"

#include <Eigen/Dense>

namespace sl {

// The teacher of docs/theory/models.md §1: same architecture as the student, power-law spectrum with exponent γ.
struct Teacher {
    ModelKind model = ModelKind::Quadratic;
    // Quadratic: the eigenvalues s_i of S*, descending, s_i ∝ i^-γ with Q* = (1/d)Σ s_i² = 1
    // (docs/theory/models.md §3). Diagonal: the coefficients θ*_i (docs/theory/models.md §2).
    Eigen::VectorXd spectrum;
    // S* = O diag(s) Oᵀ (quadratic only; empty for diagonal).
    Eigen::MatrixXd matrix;
    // O, the Haar-random eigenbasis of S* (quadratic only; empty for diagonal).
    Eigen::MatrixXd rotation;

    int dimension() const { return int(spectrum.size()); }
    // Excess risk of the zero predictor in the units the trainer reports as "matrix" risk:
    // E_mat(0) = Q* (quadratic, = 1) or R(0) = (1/d)‖θ*‖² (diagonal).
    double riskAtZero() const;
};

// Draws a teacher from config (model, dimension, gamma, amplitudes) using rng.
// Quadratic (docs/theory/models.md §3): O from the QR decomposition of a d×d Gaussian matrix with R's diagonal made
// positive (that sign fix is what makes O Haar-distributed), s_i = c·i^-γ with c fixed by Q* = 1. Diagonal
// (docs/theory/models.md §2): θ*_i = √d i^-γ g_i (Gaussian) or √d i^-γ · (random sign) (Deterministic).
Teacher makeTeacher(const ProblemConfig& config, Rng& rng);

}  // namespace sl
