// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/model/dataset.h"
#include "core/model/teacher.h"

#include <Eigen/Dense>

namespace sl {

// The diagonal linear network of docs/theory/models.md §2:
//     f(x) = Σ_i a_i w_i x_i/√d,   objective(a, w) = (1/2) Σ_μ (y_μ − f(x_μ))² + (λ/2)(‖a‖² + ‖w‖²).
// The 1/2 in front of the penalty (inferred; docs/theory/models.md §2) makes the ERM exactly the LASSO
// (1/2)Σ(y − θᵀx/√d)² + λ‖θ‖₁ with θ = a⊙w (docs/theory/convex.md §1), attained at balance |a_i| = |w_i|.
// Parameters are packed as one vector [a; w] of length 2d. Holds references to the data (which must outlive the
// net) and work buffers, so it is not thread-safe.
class DiagonalNet {
public:
    DiagonalNet(const Dataset& data, double weightDecay);

    // Objective value; when gradient is non-null it is resized to 2d and overwritten with [∂/∂a; ∂/∂w].
    double objective(const Eigen::VectorXd& params, Eigen::VectorXd* gradient);
    // The same on views; gradient must already have length 2d.
    double objectiveAndGradient(const Eigen::Ref<const Eigen::VectorXd>& params, Eigen::Ref<Eigen::VectorXd> gradient);
    double objectiveValue(const Eigen::Ref<const Eigen::VectorXd>& params);
    // The data term (1/2) Σ_μ (y_μ − f(x_μ))² alone.
    double dataLoss(const Eigen::Ref<const Eigen::VectorXd>& params);

    // θ = a⊙w from packed [a; w].
    static Eigen::VectorXd theta(const Eigen::Ref<const Eigen::VectorXd>& params);
    // The LASSO objective (1/2)Σ(y − θᵀx/√d)² + λ‖θ‖₁ (docs/theory/models.md §2, paper eq. 5 corrected).
    double lassoObjective(const Eigen::Ref<const Eigen::VectorXd>& theta) const;

    int dimension() const { return int(m_x.cols()); }
    long long samples() const { return m_x.rows(); }
    double weightDecay() const { return m_weightDecay; }

private:
    // Fills m_theta and m_residual = y − Xθ/√d; returns Σ r².
    double forward(const Eigen::Ref<const Eigen::VectorXd>& params);

    const Eigen::MatrixXd& m_x;
    const Eigen::VectorXd& m_y;
    double m_weightDecay;
    double m_sqrtD;
    Eigen::VectorXd m_theta;  // d
    Eigen::VectorXd m_residual;  // n
    Eigen::VectorXd m_thetaGradient;  // d: ∂(data term)/∂θ
};

// R = (1/d)‖θ − θ*‖² (docs/theory/models.md §2), the exact test excess risk E_x(f − f*)² for f = θᵀx/√d.
double diagonalExcessRisk(const Eigen::VectorXd& theta, const Teacher& teacher);

}  // namespace sl
