// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/rng.h"
#include "core/model/problem_config.h"
#include "core/model/teacher.h"

#include <Eigen/Dense>

namespace sl {

// n samples of the teacher-student task (docs/theory/models.md §1).
struct Dataset {
    Eigen::MatrixXd X;  // n×d, rows x_μ ~ N(0, I_d)
    Eigen::VectorXd y;  // labels y_μ = f*(x_μ) + √Δ ξ_μ
};

// The teacher's noiseless output on each row of X:
// quadratic f*(x) = (xᵀS*x − Tr S*)/√d (centred, docs/theory/models.md §3); diagonal f*(x) = θ*ᵀx/√d
// (docs/theory/models.md §2).
Eigen::VectorXd teacherOutput(const Teacher& teacher, const Eigen::MatrixXd& X);

// Draws X (n×d standard Gaussian, drawn first) then the noise ξ from rng.
Dataset makeDataset(const ProblemConfig& config, const Teacher& teacher, Rng& rng);

}  // namespace sl
