// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/rng.h"

#include <cmath>

namespace sl {

double Rng::uniform()
{
    // 53 random bits mapped to (0, 1): never 0, so log(u) is always finite.
    const std::uint64_t bits = m_engine() >> 11;
    return (static_cast<double>(bits) + 0.5) * (1.0 / 9007199254740992.0);
}

double Rng::normal()
{
    if (m_hasSpare) {
        m_hasSpare = false;
        return m_spare;
    }
    double u, v, s;
    do {
        u = 2.0 * uniform() - 1.0;
        v = 2.0 * uniform() - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double factor = std::sqrt(-2.0 * std::log(s) / s);
    m_spare = v * factor;
    m_hasSpare = true;
    return u * factor;
}

double Rng::sign()
{
    return (m_engine() >> 63) ? 1.0 : -1.0;
}

Eigen::MatrixXd Rng::normalMatrix(Eigen::Index rows, Eigen::Index cols)
{
    Eigen::MatrixXd m(rows, cols);
    // Fill column by column so the layout in memory equals the order of draws.
    for (Eigen::Index j = 0; j < cols; ++j)
        for (Eigen::Index i = 0; i < rows; ++i)
            m(i, j) = normal();
    return m;
}

Eigen::VectorXd Rng::normalVector(Eigen::Index size)
{
    Eigen::VectorXd v(size);
    for (Eigen::Index i = 0; i < size; ++i)
        v(i) = normal();
    return v;
}

}  // namespace sl
