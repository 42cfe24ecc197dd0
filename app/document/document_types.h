// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/analysis/curve_analysis.h"
#include "app/experiment/experiment_config.h"
#include "app/experiment/run_result.h"
#include "core/spectrum/spectrum.h"
#include "core/spectrum/tail_fit.h"

#include <Eigen/Dense>
#include <QJsonObject>
#include <QString>
#include <QVector>

#include <optional>

namespace sl::app {

// One curve of the risk plot as the document derives it: the seed-averaged points of one curve family at one
// exact λ, the slope fitted over the chosen n_eff window, the theory's prediction over that window and the
// state-evolution curve computed for this family and λ. The plots draw it as it is.
struct RiskCurve {
    // The curve's identity: the family's exact parameters and λ in full precision (curveId()), never display text.
    // Kept copies get "kept/<k>/" in front.
    QString id;
    QString name;  // display only: "λ = 0.04167"
    double weightDecay = kNaN;
    QVector<double> nEff, mean, standardError;  // standardError 0 where a single seed gives no spread
    // The curve's runs and those left out of its means (not converged: aggregateBySamples), for a legend or
    // tooltip "k of n runs did not converge" (leftOutNote).
    int runsTotal = 0, runsLeftOut = 0;
    bool hasFit = false;  // a slope was fitted (≥ 2 points in the window)
    double slope = 0, slopeLow = kNaN, slopeHigh = kNaN;  // the interval is NaN with only two points
    int fitPoints = 0;
    double fitFrom = 0, fitTo = 0;  // the n_eff range of the points the fit used
    QString slopeText;  // CurveAnalysis::slopeText()
    QVector<double> theoryNEff, theoryRisk;  // state evolution (converged points only)
    bool hasPrediction = false;
    double predictedSlope = 0;  // over [fitFrom, fitTo], through the phases that range crosses
    bool predictionInferred = false;
    QString phase;  // the phases the fit window crosses: "II" or "II → IV"
    // The Bayes-optimal reference (docs/theory/noiseless-and-lambda.md §4): its state evolution (diagonal model)
    // or, with bayesRateOnly, the rate of Corollary 1 without constant (quadratic model). Empty: not drawn.
    QVector<double> bayesNEff, bayesRisk;
    bool bayesRateOnly = false;
    bool kept = false;  // frozen for comparison: no longer follows results or the fit window
    // Post-hoc pruning (docs/theory/decomposition.md §6), per point of nEff: the seed mean of the runs' pruned
    // excess risks with its standard error, and the seed mean of their state-evolution predictions. NaN where no
    // run of that point was pruned (a run without "prune"); empty when none was.
    QVector<double> prunedMean, prunedStandardError, predictedPruned;
    // The configuration the curve was computed for (its family and λ; the n grid is nEff) and the seeds of the runs
    // its points average: every exported series carries them.
    bool hasConfig = false;
    ExperimentConfig config;
    QVector<qulonglong> seeds;

    bool operator==(const RiskCurve& o) const;
    bool operator!=(const RiskCurve& o) const { return !(*this == o); }
    QJsonObject toJson() const;
    static RiskCurve fromJson(const QJsonObject& json);
};

// What the spectrum plot shows: the live (or restored) run's eigenvalues with the overlays computed for that run's
// configuration. Values, not pointers.
struct SpectrumState {
    bool hasConfig = false;
    ExperimentConfig config;  // the run (or, before any run, the focus) the spectrum and its overlays belong to
    Eigen::VectorXd eigenvalues;  // of the trained weights: eig(S) (quadratic) or |θ_i| (diagonal)
    Eigen::VectorXd teacher;  // the teacher's spectrum s_i or |θ*_i|
    Eigen::VectorXd predicted;  // samples of the state-evolution spectrum (paper Section 5.1)
    double predictedWeightAtZero = kNaN;
    // Legend name for `predicted` when it is not the state evolution (e.g. a Marchenko–Pastur fit of user weights).
    QString predictedLabel;
    std::optional<sl::TailFit> tail;  // the finished run's tail fit
    std::optional<sl::BulkEdge> bulk;
    double predictedAlpha = kNaN;  // α = 1 + 1/γ (inferred)
    QString spectralPhase;  // the spectral-phase rule's label (inferred)
    bool final = false;  // the eigenvalues are the finished run's
    // The finished run's pruning threshold (docs/theory/decomposition.md §6): its bulk edge, which stands for
    // 2δ − λε (inferred); NaN when the run was not decomposed, 0 when there is nothing to prune. Beside it the
    // state evolution's own 2δ − λε (quadratic network; NaN otherwise).
    double pruningThreshold = kNaN;
    double predictedPruningThreshold = kNaN;
    // Not a run's spectrum (the weights view's): what it is of (the file, the tensor, its shape, the analysis's
    // settings), carried by every exported row. Empty for runs.
    QJsonObject source;
};

// The status bar's live fields, as text. Cleared when a run starts; the gap belongs to the last certificate.
struct LiveStatus {
    QString iteration;
    QString loss;
    QString risk;
    QString gap;
    QString transport;  // "Running", "Paused", "Cancelled at iteration 69", "Finished: converged"
    // The finished run's measured error terms (docs/theory/decomposition.md §2), or why there are none.
    QString decomposition;
};

// The error decomposition along the current curve (the focus family at the focus λ), for the decomposition view:
// per n_eff the seed means of the measured terms, of the runs' excess risk and pruned risk, and of the state
// evolution's predicted terms and pruned risk (each run's prediction at its own teacher). The measured terms of
// every run add up to its excess risk, so their means add up to `excessRisk`. `message` says why there is nothing
// (or what is missing): no decomposed run yet, or the live run was cancelled or diverged.
struct DecompositionState {
    QString curveId;
    QString name;  // display only: "λ = 0.01"
    QVector<double> nEff;
    QVector<int> runs;  // decomposed runs averaged per point
    QVector<double> overfitting, underfitting, approximation, excessRisk, pruned;
    QVector<double> predictedOverfitting, predictedUnderfitting, predictedApproximation, predictedPruned;
    QString message;
    // The curve's configuration (its family and λ; the n grid is nEff) and the seeds of the runs averaged: the
    // export carries them.
    bool hasConfig = false;
    ExperimentConfig config;
    QVector<qulonglong> seeds;

    bool operator==(const DecompositionState& o) const;
    bool operator!=(const DecompositionState& o) const { return !(*this == o); }
};

// The live run's marker on the risk plot, at the n_eff of the configuration its snapshot belongs to.
struct LivePoint {
    bool shown = false;
    double nEff = kNaN;
    double risk = kNaN;
};

// A finished curve's measured slope at the centre of its fit window, for the phase diagram's dots.
struct SlopeMeasurement {
    double nEff = kNaN;
    double lambda = kNaN;
    double slope = kNaN;
};

}  // namespace sl::app
