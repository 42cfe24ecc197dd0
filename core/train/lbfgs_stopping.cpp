// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/train/lbfgs_stopping.h"

#include <cmath>
#include <limits>

namespace sl {

double objectiveRoundOff(double objective, double zeroPredictorLoss)
{
    const double f = std::abs(objective);
    const double scale = f + 2.0 * std::sqrt(f * std::abs(zeroPredictorLoss));
    return kObjectiveRoundOffFactor * std::numeric_limits<double>::epsilon() * scale;
}

double predictedLineDecrease(double slope0, double step, double slopeAtStep)
{
    const double curvatureTimesStep = slopeAtStep - slope0;
    if (!std::isfinite(slope0) || !std::isfinite(step) || !std::isfinite(slopeAtStep) || !(step > 0)
        || !(curvatureTimesStep > 0))
        return std::numeric_limits<double>::infinity();
    return slope0 * slope0 * step / (2.0 * curvatureTimesStep);
}

}  // namespace sl
