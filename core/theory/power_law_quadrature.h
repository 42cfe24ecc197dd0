// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <Eigen/Dense>

namespace sl {

// A quadrature for sums over the index of a power-law teacher, Σ_{i=1}^{d} g(i), with g smooth in i beyond the
// first few terms: the first `exact` indices are kept as they are (weight 1), the rest are replaced by the
// midpoint-rule integral ∫_{m+1/2}^{d+1/2} g(t) dt evaluated by composite Gauss–Legendre in ln t. The state
// evolutions of the diagonal and quadratic models at d = 10⁴…10⁶ then cost a few hundred terms instead of d
// (docs/theory/exponents.md §2). `index` holds the (possibly fractional) indices t_j, `weight` their weights;
// Σ weight = d up to rounding.
struct IndexQuadrature {
    Eigen::VectorXd index;
    Eigen::VectorXd weight;
    int exact = 0;  // the first `exact` entries are the integers 1..exact with weight 1
    long long dimension = 0;
};

// exact >= 1; when exact >= d the rule is the plain sum. panelWidth is the width of a Gauss–Legendre panel in
// ln t (8 nodes each). Throws sl::ValidationError for d < 1, exact < 1 or a non-positive panel width.
IndexQuadrature powerLawIndexQuadrature(long long d, int exact = 512, double panelWidth = 0.25);

}  // namespace sl
