// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/diagonal_net.h"

#include <cmath>

namespace sl {

DiagonalNet::DiagonalNet(const Dataset& data, double weightDecay)
    : m_x(data.X),
      m_y(data.y),
      m_weightDecay(weightDecay),
      m_sqrtD(std::sqrt(double(data.X.cols()))),
      m_theta(data.X.cols()),
      m_residual(data.X.rows()),
      m_thetaGradient(data.X.cols())
{
}

double DiagonalNet::forward(const Eigen::Ref<const Eigen::VectorXd>& params)
{
    const Eigen::Index d = m_x.cols();
    m_theta = params.head(d).cwiseProduct(params.tail(d));
    m_residual.noalias() = m_x * m_theta;
    m_residual = m_y - m_residual / m_sqrtD;
    return m_residual.squaredNorm();
}

double DiagonalNet::objectiveAndGradient(
    const Eigen::Ref<const Eigen::VectorXd>& params, Eigen::Ref<Eigen::VectorXd> gradient)
{
    const Eigen::Index d = m_x.cols();
    const double sumSquares = forward(params);
    // ∂(data)/∂θ = −Xᵀr/√d; chain rule through θ = a⊙w, plus λa and λw from the penalty.
    m_thetaGradient.noalias() = m_x.transpose() * m_residual;
    m_thetaGradient /= -m_sqrtD;
    gradient.head(d) = m_thetaGradient.cwiseProduct(params.tail(d)) + m_weightDecay * params.head(d);
    gradient.tail(d) = m_thetaGradient.cwiseProduct(params.head(d)) + m_weightDecay * params.tail(d);
    return 0.5 * sumSquares + 0.5 * m_weightDecay * params.squaredNorm();
}

double DiagonalNet::objective(const Eigen::VectorXd& params, Eigen::VectorXd* gradient)
{
    if (!gradient)
        return objectiveValue(params);
    gradient->resize(params.size());
    return objectiveAndGradient(params, *gradient);
}

double DiagonalNet::objectiveValue(const Eigen::Ref<const Eigen::VectorXd>& params)
{
    return 0.5 * forward(params) + 0.5 * m_weightDecay * params.squaredNorm();
}

double DiagonalNet::dataLoss(const Eigen::Ref<const Eigen::VectorXd>& params)
{
    return 0.5 * forward(params);
}

Eigen::VectorXd DiagonalNet::theta(const Eigen::Ref<const Eigen::VectorXd>& params)
{
    const Eigen::Index d = params.size() / 2;
    return params.head(d).cwiseProduct(params.tail(d));
}

double DiagonalNet::lassoObjective(const Eigen::Ref<const Eigen::VectorXd>& theta) const
{
    const Eigen::VectorXd residual = m_y - m_x * theta / m_sqrtD;
    return 0.5 * residual.squaredNorm() + m_weightDecay * theta.lpNorm<1>();
}

double diagonalExcessRisk(const Eigen::VectorXd& theta, const Teacher& teacher)
{
    return (theta - teacher.spectrum).squaredNorm() / double(teacher.spectrum.size());
}

}  // namespace sl
