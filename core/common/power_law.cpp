// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/power_law.h"

#include "core/common/validation.h"

#include <cmath>

namespace sl {

Eigen::VectorXd powerLawSpectrum(int dimension, double gamma)
{
    requireAtLeast("dimension", dimension, 1);
    requireFinite("gamma", gamma);
    Eigen::VectorXd s(dimension);
    for (int i = 0; i < dimension; ++i)
        s[i] = std::pow(double(i + 1), -gamma);
    // docs/theory/models.md §3: Q* = (1/d) Σ s_i² = 1.
    s *= std::sqrt(double(dimension) / s.squaredNorm());
    return s;
}

}  // namespace sl
