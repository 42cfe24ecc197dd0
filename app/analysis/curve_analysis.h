// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/analysis/curve_aggregate.h"
#include "core/model/problem_config.h"
#include "core/theory/phase_diagram.h"
#include "core/theory/state_evolution_curve.h"

#include <QString>

#include <vector>

namespace sl::app {

// The closed-form phase diagram (paper Result 1) of a set-up: its d, γ and Δ.
sl::PhaseDiagramConfig phaseDiagramConfigFor(const sl::ProblemConfig& problem);

// One stretch of an n_eff window, at fixed λ, inside a single phase of the closed-form diagram.
struct PhaseSegment {
    QString label;  // Ia, Ib, II, III, IV, V, VIa, VIb
    double nEffFrom = kNaN;
    double nEffTo = kNaN;
    double exponentN = kNaN;  // the phase's d log R / d log n_eff at fixed λ
    bool inferred = false;  // the classifier's answer there rests on an inferred part of the theory
};

// What the theory predicts for a slope measured over [nEffFrom, nEffTo] at fixed λ: the phases the window crosses,
// in order of n_eff, and the slope of the chord of the piecewise power law they predict between the window's ends,
//   Σ_k exponentN_k · log(to_k / from_k) / log(to / from),
// which is the slope a fit over the window sees when the theory holds (each phase a straight line in log-log).
// Crossing a border makes the prediction (inferred): the paper's rates hold inside a phase, not across it.
struct WindowPrediction {
    bool ok = false;
    QString message;  // why there is no prediction (λ <= 0, empty window)
    std::vector<PhaseSegment> phases;
    double slope = kNaN;
    bool inferred = false;
    // "II" or "II → IV"
    QString phaseText() const;
};
WindowPrediction predictSlopeOverWindow(const sl::PhaseDiagram& diagram, double lambda, double nEffFrom, double nEffTo);

// A measured curve at one λ analysed over an n_eff window: the least-squares slope (with its Student-t interval;
// none with two points, none at all with fewer) over the points inside the window, the n_eff range those points
// span, and the theory's prediction over that same range.
struct CurveAnalysis {
    SlopeFit fit;
    double usedFrom = kNaN;  // smallest and largest n_eff of the points the fit used
    double usedTo = kNaN;
    WindowPrediction predicted;
    // "slope −0.52 [−0.61, −0.43]", "slope −0.52 (2 points: no interval)", "no slope: ..."
    QString slopeText() const;
};
// `points` may hold several λ: only those whose weightDecay equals `lambda` exactly are used. nEffTo <= 0 or
// infinite means no upper bound; nEffFrom <= 0 no lower bound.
CurveAnalysis analyseCurve(const sl::ProblemConfig& problem, double lambda, const std::vector<AggregatePoint>& points,
    double nEffFrom, double nEffTo, double confidence = 0.95);

// The state-evolution curve of a set-up (paper Section 4), the one place that decides which teacher it uses:
// Gaussian diagonal amplitudes are averaged over in closed form (the variance profile d·i^(−2γ)); deterministic
// amplitudes and the quadratic network's deterministic spectrum s_i ∝ i^(−γ) are used as they are. The risk
// curve of the window and `scalinglab-cli curve` both take it from here. The grid is left to the caller.
sl::StateEvolutionCurveConfig stateEvolutionCurveConfig(const sl::ProblemConfig& problem, int goeSamples);
// One line saying what that curve is, for the CLI's output and the window's tooltips.
QString stateEvolutionNote(const sl::ProblemConfig& problem);

}  // namespace sl::app
