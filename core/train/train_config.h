// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace sl {

// The paper trains with L-BFGS (docs/theory/models.md §7, read); GD with heavy-ball momentum and Adam are the
// alternatives of the authors' follow-up code.
enum class Optimizer { Lbfgs, GradientDescent, Adam };

const char* toString(Optimizer optimizer);
// Inverse of toString ("lbfgs", "gd", "adam"); false for an unknown name.
bool fromString(const std::string& name, Optimizer& out);

// How the app labels TrainConfig::defaults(): the paper's own optimiser settings are (unknown),
// docs/theory/models.md §7.
inline constexpr const char* kTrainDefaultsLabel = "follow-up code defaults";

// Settings of one training run. Start from defaults(optimizer): the "follow-up code defaults" of
// docs/theory/models.md §7 (the paper's own optimiser settings are (unknown); the follow-up code is the same group's
// code for the same ERM).
struct TrainConfig {
    Optimizer optimizer = Optimizer::Lbfgs;
    int maxIterations = 50000;
    // Stop when ‖∇objective‖₂ <= this (0 disables the test).
    double gradientTolerance = 1e-10;
    // Stop when |objective_k − objective_{k−1}| < this, absolute as in PyTorch's tolerance_change (0 disables).
    double lossChangeTolerance = 1e-12;
    // Step size for GD and Adam. L-BFGS ignores it: its strong-Wolfe line search picks the step
    // (follow-up code: lr = 1).
    double learningRate = 1.0;
    // Heavy-ball momentum μ in [0, 1) for GD, PyTorch's form v ← μv + g, W ← W − lr·v.
    double momentum = 0.0;
    // Iterations between observer calls.
    int snapshotInterval = 1;
    // Initialisation W_ij ~ N(0, initScale²/d) (follow-up code: initScale = 1). The diagonal net draws a_i and w_i the
    // same way (inferred). Must be > 0: W = 0 is a stationary point of the quadratic objective.
    double initScale = 1.0;
    // L-BFGS history length. (unknown) the follow-up code keeps PyTorch's default 100; 20 bounds the memory at
    // 2·20·d·p doubles (~200 MB at d = p = 800) and changes only the path, not the minimiser.
    int lbfgsMemory = 20;
    // Maximum function evaluations per L-BFGS line search (PyTorch's strong-Wolfe default is 25).
    int lbfgsMaxLineSearch = 25;
    // Adam's moment decay rates and denominator guard (PyTorch defaults; the follow-up code sets only lr).
    double adamBeta1 = 0.9;
    double adamBeta2 = 0.999;
    double adamEpsilon = 1e-8;
    // The run ends as Diverged when the objective is not finite or exceeds this factor times
    // max(initial objective, 1).
    double divergenceFactor = 1e8;

    // docs/theory/models.md §7, the "follow-up code defaults":
    //   L-BFGS: ≤ 50000 iterations, gradient tolerance 1e-10, change tolerance 1e-12;
    //   GD: lr 1e-2, momentum 0.5, ≤ 150000 steps, |Δloss| < 1e-11 (no gradient test, as in the follow-up code);
    //   Adam: lr 1e-3, ≤ 50000 steps, tolerance 1e-10, read (inferred) as |Δloss| < 1e-10.
    static TrainConfig defaults(Optimizer optimizer);
    // Throws sl::ValidationError naming the first bad parameter.
    void validate() const;
};

}  // namespace sl
