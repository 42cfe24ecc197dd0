// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/observer.h"
#include "core/common/status.h"
#include "core/theory/se_point.h"

#include <string>
#include <vector>

namespace sl {

// ---- Risk against λ at fixed n_eff (docs/theory/noiseless-and-lambda.md §3) --------------------------------------

struct LambdaCurveConfig {
    StateEvolutionModel model;
    double nEff = 400;
    // Log-spaced λ grid, or explicit values (then lambdaMin/lambdaMax/points are ignored). λ > 0.
    double lambdaMin = 1e-3;
    double lambdaMax = 1e3;
    int points = 30;
    std::vector<double> lambdaValues;
    bool warmStart = true;  // each point starts from the previous one

    void validate() const;  // throws sl::ValidationError naming the parameter
    std::vector<double> grid() const;
};

struct LambdaPoint {
    double lambda = 0;
    StateEvolutionValue value;
    std::string phase;  // the closed-form classifier's label at (n_eff, λ) (PhaseDiagram, inferred borders)
    double predictedExponent = 0;  // that phase's d log R / d log λ: 2 − 1/γ (II), 2 (III), −2/3 (V), 0 otherwise
    double localSlope = 0;  // d log R / d log λ of the SE curve by finite differences (NaN at failed neighbours)
};

// A run of consecutive grid points with one phase label, with the least-squares slope of log R against log λ
// over its points (NaN for fewer than 2 points).
struct LambdaPhaseSegment {
    std::string phase;
    double lambdaFrom = 0, lambdaTo = 0;
    int points = 0;
    double predictedExponent = 0;
    double fittedSlope = 0;
};

struct LambdaCurveProgress {
    int index = 0, total = 0;
    LambdaPoint point;
};

struct LambdaCurveResult : ResultStatus {
    // status: Converged when every point converged
    double nEff = 0;  // what it was computed for
    std::vector<LambdaPoint> points;  // in grid order (ascending λ when the grid is); on cancel only those done
    std::vector<LambdaPhaseSegment> segments;
    int failedPoints = 0;
};

LambdaCurveResult computeLambdaCurve(const LambdaCurveConfig& config,
    const Observer<LambdaCurveProgress>& observer = {}, const CancelToken& cancel = CancelToken());

// ---- The optimal λ ----------------------------------------------------------------------------------------------

struct OptimalLambdaConfig {
    StateEvolutionModel model;
    double nEff = 400;
    // Search range; the minimiser must lie strictly inside it to count as found.
    double lambdaMin = 1e-6;
    double lambdaMax = 1e6;
    // First guess of λ_opt; <= 0 means √(n_eff/d), the line L1 on which Corollary 1 puts λ_opt (inferred reading).
    double initialGuess = -1;
    double bracketFactor = 4;  // spacing of the bracketing scan in λ
    // Accuracy of log λ_opt. The quadratic SE is a Monte Carlo estimate converged to ~1e-6, so its risk is only
    // smooth in λ to that level: use ≥ 1e-2 there.
    double logTolerance = 1e-3;
    int maxEvaluations = 200;

    void validate() const;  // throws sl::ValidationError naming the parameter
};

struct OptimalLambdaResult : ResultStatus {
    // Converged: an interior minimum, bracketed and refined. NotConverged: the SE risk still decreases at an end
    // of the range (e.g. Δ = 0 above the recovery threshold, where R → 0 as λ → 0); lambda/risk are then the
    // best end point, `boundary` says which. Other statuses: a point failed or the search was cancelled.
    double nEff = 0;
    double lambda = 0;  // λ_opt
    double risk = 0;  // R(λ_opt)
    double bracketLow = 0, bracketHigh = 0;  // the final bracket in λ
    int boundary = 0;  // −1: minimum at λ_min (risk still falling), +1: at λ_max, 0: interior
    int evaluations = 0;
    bool ok() const { return status == Status::Converged; }
};

// A bracketing scan in log λ from the guess (expanding by bracketFactor towards the lower values until the risk
// rises on both sides), then Brent's parabolic/golden-section minimisation in log λ inside the bracket.
OptimalLambdaResult findOptimalLambda(const OptimalLambdaConfig& config, const CancelToken& cancel = CancelToken());

// ---- Along n_eff with λ re-optimised at every point (Corollary 1) ------------------------------------------------

struct OptimalLambdaCurveConfig {
    OptimalLambdaConfig search;  // search.nEff is ignored
    double nEffMin = 10, nEffMax = 1e4;
    int points = 20;
    std::vector<double> nEffValues;  // explicit values (ascending); when non-empty the grid fields are ignored
    bool bayesOptimal = true;  // diagonal model: also solve the Bayes-optimal SE at every n_eff

    void validate() const;
    std::vector<double> grid() const;
};

struct OptimalLambdaPoint {
    double nEff = 0;
    OptimalLambdaResult optimum;
    // Diagonal model only (NaN otherwise or when not requested): R_BO with the prior matching the SE teacher
    // (Gaussian for a variance profile, random signs for amplitudes), and R(λ_opt)/R_BO.
    double bayesOptimalRisk = 0;
    double ratio = 0;
    // Corollary 1's rate without constant: n_eff^(−1+1/(2γ)) for n_eff ≪ d^(2γ), d/n_eff beyond (Θ(1) for
    // n_eff ≤ 1). Both models.
    double bayesOptimalRate = 0;
};

struct OptimalLambdaCurveProgress {
    int index = 0, total = 0;
    OptimalLambdaPoint point;
};

struct OptimalLambdaCurveResult : ResultStatus {
    // status: Converged when every point's optimum was bracketed
    std::vector<OptimalLambdaPoint> points;
    int unbracketedPoints = 0;
};

OptimalLambdaCurveResult computeOptimalLambdaCurve(const OptimalLambdaCurveConfig& config,
    const Observer<OptimalLambdaCurveProgress>& observer = {}, const CancelToken& cancel = CancelToken());

}  // namespace sl
