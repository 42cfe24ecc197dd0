// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/experiment/run_result.h"
#include "core/common/cancel_token.h"
#include "core/common/status.h"

#include <QString>
#include <QVector>

#include <vector>

namespace sl::app {

// One run's contribution to a risk curve.
struct RiskSample {
    long long samples = 0;  // n
    double nEff = kNaN;  // docs/theory/models.md §5
    double weightDecay = kNaN;  // λ
    double value = kNaN;  // usually the excess risk
    sl::Status status = sl::Status::Converged;  // how the run ended: only converged runs are averaged
};

// Mean and standard error over seeds at one (λ, n).
struct AggregatePoint {
    long long samples = 0;
    double nEff = kNaN;
    double weightDecay = kNaN;
    int count = 0;  // runs averaged: converged, with a finite value
    double mean = kNaN;  // NaN when count == 0
    // Sample standard deviation / √count (NaN for a single seed: no spread to measure).
    double standardError = kNaN;
    // Runs at this (λ, n) left out of the mean: any status but converged (the iteration cap, a failed line search,
    // divergence, ...) or a non-finite value.
    int leftOut = 0;
    int runs() const { return count + leftOut; }
};

// The excess risk of every run, with its status (aggregateBySamples decides which count).
std::vector<RiskSample> riskSamples(const QVector<RunResult>& runs);

// The one averaging rule of every risk curve (the window's risk plot and λ view, the CLI's `curve` and
// `lambda-curve`): groups by (λ, n), sorted by λ then n, and averages only the converged runs with a finite value;
// the others are counted in leftOut. A group whose runs were all left out is still a point (count 0, mean NaN),
// so that it can say so.
std::vector<AggregatePoint> aggregateBySamples(const std::vector<RiskSample>& samples);

// "k of n <unit> did not converge" (the runs aggregateBySamples left out) for legends, tooltips and exports; empty
// when leftOut is 0. `unit` names what was counted ("seeds", "runs").
QString leftOutNote(int leftOut, int runs, const QString& unit);

// Least-squares fit of log y = intercept + slope·log x over the points with xMin <= x <= xMax (and x, y > 0).
// The confidence interval is slope ± t_{(1+confidence)/2, m−2}·SE(slope) (Student t, m points).
struct SlopeFit {
    bool ok = false;
    QString message;
    int points = 0;
    double slope = kNaN;
    double intercept = kNaN;  // of log y (natural log)
    double standardError = kNaN;  // of the slope
    double confidence = 0.95;
    double tQuantile = kNaN;
    double low = kNaN;  // confidence interval of the slope
    double high = kNaN;
    double rSquared = kNaN;
};
SlopeFit fitLogLogSlope(
    const std::vector<double>& x, const std::vector<double>& y, double xMin, double xMax, double confidence = 0.95);
// The same on a curve's means against n_eff, for one λ (the points whose weightDecay equals it).
SlopeFit fitCurveSlope(const std::vector<AggregatePoint>& curve, double weightDecay, double nEffMin, double nEffMax,
    double confidence = 0.95);

// Quantile of Student's t distribution with dof degrees of freedom: P(T <= t) = p, 0 < p < 1, dof > 0.
double studentTQuantile(double p, double dof);
// Its distribution function, through the regularised incomplete beta function.
double studentTCdf(double t, double dof);

// What the theory says at the same points (docs/theory/phase-diagram.md §5 classifier,
// docs/theory/state-evolution.md §9 curve).
struct TheoryPoint {
    double nEff = kNaN;
    double weightDecay = kNaN;
    QString phase;  // classifier label, or "crossover"
    double exponentN = kNaN;  // predicted d log R / d log n_eff at fixed λ
    // The classifier's answer rests on an (inferred) part of the theory (docs/theory/phase-diagram.md §5).
    bool inferred = false;
    double stateEvolutionRisk = kNaN;  // NaN when not computed or not converged
    QString stateEvolutionStatus;
};

// Theory for the points of a curve, using the model, d, γ and Δ of `experiment`. With stateEvolution, runs the
// non-asymptotic state evolution (core/theory StateEvolutionCurve) per λ at the curve's n_eff values. The LASSO SE
// uses deterministic amplitudes √d·i^(−γ) ((inferred): docs/theory/models.md §6; the paper's choice is unknown),
// so for Gaussian-amplitude experiments it is the curve of the typical teacher, not of the drawn one.
std::vector<TheoryPoint> theoryForCurve(const ExperimentConfig& experiment, const std::vector<AggregatePoint>& curve,
    bool stateEvolution, const sl::CancelToken& cancel = sl::CancelToken{});

}  // namespace sl::app
