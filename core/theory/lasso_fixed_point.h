// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/theory/lasso_state_evolution.h"

namespace sl {

// The LASSO state evolution's fixed point R = G(R) found as the root of a one-dimensional function instead of by
// damped iteration (docs/theory/noiseless-and-lambda.md §2): G(R) is the mean-squared error of the soft threshold
// at δ² = (Δ + R)/α with the threshold solved from t(α − κ(t)) = λ, and for λ > 0 the fixed point is unique, so
// log G(e^u) − u changes sign exactly once. A bracket in u = log R from the warm start (or R(0)), then Brent:
// ~10–20 evaluations of G where the damped iteration needs 50–400 (more at Δ = 0, where δ² ∝ R).
//
// Same config, same result type and the same fixed point as LassoStateEvolution::run() (tested to 1e-8 relative);
// `tolerance` is the relative accuracy of R. λ = 0 falls back to LassoStateEvolution::run(). `iterations` counts
// evaluations of G. Cancellation is polled before every evaluation.
LassoStateEvolutionResult solveLassoFixedPoint(
    const LassoStateEvolutionConfig& config, const CancelToken& cancel = CancelToken());

}  // namespace sl
