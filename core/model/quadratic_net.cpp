// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/quadratic_net.h"

#include <cmath>

namespace sl {

QuadraticNet::QuadraticNet(const Dataset& data, double weightDecay)
    : m_x(data.X),
      m_y(data.y),
      m_weightDecay(weightDecay),
      m_sqrtD(std::sqrt(double(data.X.cols()))),
      m_residual(data.X.rows())
{
}

double QuadraticNet::forward(const Eigen::Ref<const Eigen::MatrixXd>& W)
{
    const Eigen::Index n = m_x.rows();
    if (m_xw.rows() != n || m_xw.cols() != W.cols())
        m_xw.resize(n, W.cols());
    // First of the two n×d×p products of the hot path.
    m_xw.noalias() = m_x * W;
    // ‖Wᵀx_μ‖² column by column: contiguous, vectorised, no temporaries (m_xw is column-major).
    m_residual.setZero();
    for (Eigen::Index j = 0; j < m_xw.cols(); ++j)
        m_residual.array() += m_xw.col(j).array().square();
    // r = y − ŷ with ŷ = (‖Wᵀx‖² − ‖W‖_F²)/√d (DIGEST §1b).
    const double offset = W.squaredNorm();
    const double invSqrtD = 1.0 / m_sqrtD;
    m_residual = m_y.array() - (m_residual.array() - offset) * invSqrtD;
    return m_residual.squaredNorm();
}

double QuadraticNet::objectiveAndGradient(
    const Eigen::Ref<const Eigen::MatrixXd>& W, Eigen::Ref<Eigen::MatrixXd> gradient)
{
    const double d = double(m_x.cols());
    const double sumSquares = forward(W);
    // ∂ŷ_μ/∂W = 2(x_μx_μᵀ − I)W/√d, so
    // ∂objective/∂W = −(4/(d²√d)) [Xᵀ diag(r) X W − (Σ_μ r_μ) W] + (2λ/d) W.
    const double residualSum = m_residual.sum();
    m_xw.array().colwise() *= m_residual.array();
    // Second n×d×p product.
    gradient.noalias() = m_x.transpose() * m_xw;
    const double scale = 4.0 / (d * d * m_sqrtD);
    const double diagonal = scale * residualSum + 2.0 * m_weightDecay / d;
    gradient = -scale * gradient + diagonal * W;
    return sumSquares / (d * d) + m_weightDecay / d * W.squaredNorm();
}

double QuadraticNet::objective(const Eigen::MatrixXd& W, Eigen::MatrixXd* gradient)
{
    if (!gradient)
        return objectiveValue(W);
    gradient->resize(W.rows(), W.cols());
    return objectiveAndGradient(W, *gradient);
}

double QuadraticNet::objectiveValue(const Eigen::Ref<const Eigen::MatrixXd>& W)
{
    const double d = double(m_x.cols());
    return forward(W) / (d * d) + m_weightDecay / d * W.squaredNorm();
}

double QuadraticNet::dataLoss(const Eigen::Ref<const Eigen::MatrixXd>& W)
{
    const double d = double(m_x.cols());
    return forward(W) / (d * d);
}

Eigen::VectorXd QuadraticNet::predict(const Eigen::Ref<const Eigen::MatrixXd>& W)
{
    forward(W);
    return m_y - m_residual;
}

double matrixMse(const Eigen::MatrixXd& S, const Teacher& teacher)
{
    // DIGEST §1b: E_mat = (1/d)‖Ŝ − S*‖_F² = Q* − 2m + q.
    return (S - teacher.matrix).squaredNorm() / double(teacher.matrix.rows());
}

}  // namespace sl
