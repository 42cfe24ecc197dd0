// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace sl {

// The round-off part of L-BFGS's stopping rule (docs/theory/models.md §7): when the strong-Wolfe line search finds no
// step that lowers the objective, the run has converged if the best decrease still available along the search
// direction is below what the objective's own rounding can resolve (or below the change tolerance); otherwise the
// search failed far from stationarity.

// Multiple of the unit round-off in objectiveRoundOff (our choice, docs/theory/models.md §7).
inline constexpr double kObjectiveRoundOffFactor = 64.0;

// Absolute rounding error of a computed objective value f ≥ 0 whose data term is a sum of squared residuals,
// zeroPredictorLoss being that data term at the zero predictor (the scale of the labels): the residuals carry an
// error of order u·|y| each and the sums one of order u·f, so the value is uncertain by about
// u·(f + 2√(f·zeroPredictorLoss)); kObjectiveRoundOffFactor times that. NaN inputs give NaN.
double objectiveRoundOff(double objective, double zeroPredictorLoss);

// The largest decrease of the objective along a line that the quadratic through the slopes slope0 at t = 0 and
// slopeAtStep at t = step > 0 predicts: slope0²·step / (2·(slopeAtStep − slope0)). +infinity when that quadratic has no
// minimum (curvature ≤ 0) or an input is not finite: then nothing bounds the decrease. The slopes come from the
// gradient, which stays accurate where the objective values have drowned in round-off.
double predictedLineDecrease(double slope0, double step, double slopeAtStep);

}  // namespace sl
