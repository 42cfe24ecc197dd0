// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/power_law_quadrature.h"

#include "core/common/validation.h"

#include <algorithm>
#include <cmath>

namespace sl {

namespace {

// 8-point Gauss–Legendre nodes and weights on [−1, 1].
constexpr double kNodes[8]
    = {-0.96028985649753623168, -0.79666647741362673959, -0.52553240991632898582, -0.18343464249564980494,
        0.18343464249564980494, 0.52553240991632898582, 0.79666647741362673959, 0.96028985649753623168};
constexpr double kWeights[8]
    = {0.10122853629037625915, 0.22238103445337447054, 0.31370664587788728734, 0.36268378782064630359,
        0.36268378782064630359, 0.31370664587788728734, 0.22238103445337447054, 0.10122853629037625915};

}  // namespace

IndexQuadrature powerLawIndexQuadrature(long long d, int exact, double panelWidth)
{
    requireAtLeast("d", d, 1);
    requireAtLeast("exact", exact, 1);
    requirePositive("panelWidth", panelWidth);
    IndexQuadrature q;
    q.dimension = d;
    const long long m = std::min<long long>(exact, d);
    q.exact = int(m);
    int panels = 0;
    double lo = 0, hi = 0;
    if (m < d) {
        lo = std::log(double(m) + 0.5);
        hi = std::log(double(d) + 0.5);
        panels = std::max(1, int(std::ceil((hi - lo) / panelWidth)));
    }
    q.index.resize(Eigen::Index(m) + 8 * panels);
    q.weight.resize(q.index.size());
    for (long long i = 0; i < m; ++i) {
        q.index[Eigen::Index(i)] = double(i + 1);
        q.weight[Eigen::Index(i)] = 1.0;
    }
    // Σ_{i=m+1}^{d} g(i) = ∫_{m+1/2}^{d+1/2} g(t) dt − [g'(t)/24] + …: the midpoint rule's Euler–Maclaurin
    // error is O(g''/24) per term, below 1e-5 relative for power laws beyond m = 512.
    const double h = panels > 0 ? (hi - lo) / panels : 0;
    Eigen::Index k = Eigen::Index(m);
    for (int p = 0; p < panels; ++p) {
        const double centre = lo + (p + 0.5) * h;
        for (int j = 0; j < 8; ++j, ++k) {
            const double u = centre + 0.5 * h * kNodes[j];
            const double t = std::exp(u);
            q.index[k] = t;
            q.weight[k] = 0.5 * h * kWeights[j] * t;  // dt = t du
        }
    }
    return q;
}

}  // namespace sl
