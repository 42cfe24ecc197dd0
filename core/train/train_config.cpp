// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/train/train_config.h"

#include "core/common/validation.h"

namespace sl {

const char* toString(Optimizer optimizer)
{
    switch (optimizer) {
    case Optimizer::Lbfgs: return "lbfgs";
    case Optimizer::GradientDescent: return "gd";
    case Optimizer::Adam: return "adam";
    }
    return "unknown";
}

bool fromString(const std::string& name, Optimizer& out)
{
    for (Optimizer o : {Optimizer::Lbfgs, Optimizer::GradientDescent, Optimizer::Adam}) {
        if (name == toString(o)) {
            out = o;
            return true;
        }
    }
    return false;
}

TrainConfig TrainConfig::defaults(Optimizer optimizer)
{
    // docs/theory/models.md §7, the "follow-up code defaults".
    TrainConfig c;
    c.optimizer = optimizer;
    switch (optimizer) {
    case Optimizer::Lbfgs:
        c.maxIterations = 50000;
        c.gradientTolerance = 1e-10;
        c.lossChangeTolerance = 1e-12;
        c.learningRate = 1.0;
        c.momentum = 0.0;
        break;
    case Optimizer::GradientDescent:
        c.maxIterations = 150000;
        c.gradientTolerance = 0.0;
        c.lossChangeTolerance = 1e-11;
        c.learningRate = 1e-2;
        c.momentum = 0.5;
        break;
    case Optimizer::Adam:
        c.maxIterations = 50000;
        c.gradientTolerance = 0.0;
        c.lossChangeTolerance = 1e-10;
        c.learningRate = 1e-3;
        c.momentum = 0.0;
        break;
    }
    return c;
}

void TrainConfig::validate() const
{
    if (optimizer != Optimizer::Lbfgs && optimizer != Optimizer::GradientDescent && optimizer != Optimizer::Adam)
        throw ValidationError("optimizer", "must be lbfgs, gd or adam");
    requireAtLeast("maxIterations", maxIterations, 1);
    requireNonNegative("gradientTolerance", gradientTolerance);
    requireNonNegative("lossChangeTolerance", lossChangeTolerance);
    requirePositive("learningRate", learningRate);
    requireNonNegative("momentum", momentum);
    if (!(momentum < 1.0))
        throw ValidationError("momentum", "must be < 1 (got " + std::to_string(momentum) + ")");
    requireAtLeast("snapshotInterval", snapshotInterval, 1);
    requirePositive("initScale", initScale);
    requireAtLeast("lbfgsMemory", lbfgsMemory, 1);
    requireAtLeast("lbfgsMaxLineSearch", lbfgsMaxLineSearch, 1);
    requireNonNegative("adamBeta1", adamBeta1);
    if (!(adamBeta1 < 1.0))
        throw ValidationError("adamBeta1", "must be < 1 (got " + std::to_string(adamBeta1) + ")");
    requireNonNegative("adamBeta2", adamBeta2);
    if (!(adamBeta2 < 1.0))
        throw ValidationError("adamBeta2", "must be < 1 (got " + std::to_string(adamBeta2) + ")");
    requirePositive("adamEpsilon", adamEpsilon);
    requirePositive("divergenceFactor", divergenceFactor);
    if (!(divergenceFactor > 1.0))
        throw ValidationError("divergenceFactor", "must be > 1 (got " + std::to_string(divergenceFactor) + ")");
}

}  // namespace sl
