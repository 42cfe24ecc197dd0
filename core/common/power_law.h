// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <Eigen/Dense>

namespace sl {

// The quadratic teacher's eigenvalues s_i = c·i^(−γ), i = 1..d, with c fixed by Q* = (1/d)Σ s_i² = 1
// (docs/theory/models.md §3). One definition for the teacher (core/model) and the matrix state evolution's default
// teacher (core/theory). Throws sl::ValidationError for d < 1 or a non-finite γ.
Eigen::VectorXd powerLawSpectrum(int dimension, double gamma);

}  // namespace sl
