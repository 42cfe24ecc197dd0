// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/experiment/experiment_config.h"
#include "core/common/status.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QVector>

#include <limits>
#include <optional>

namespace sl::app {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The convex certificate of a trained network (docs/theory/convex.md §6): how far its objective and solution are from
// the convex problem's. Absent (computed = false, JSON null) when the certificate was off or not available.
struct ConvexGap {
    bool computed = false;
    double relativeObjectiveGap = kNaN;
    double solutionDistance = kNaN;
};

// The power-law tail fit of the final spectrum (docs/theory/spectra.md §6), as sl::TailFit reports it.
struct TailFitSummary {
    bool computed = false;
    double alpha = kNaN;
    double sigma = kNaN;
    double xmin = kNaN;
    double ks = kNaN;
    int nTail = 0;
    QString status;  // sl::toString(Status) of the fit, e.g. "converged" or "invalid"
    QString message;
    // The numerical zeros kept out of the fit (core/spectrum/trained_spectrum.h) and the bulk edge the tail was
    // restricted to; absent from results stored before they existed (then 0, NaN, false).
    int nZero = 0;
    double zeroThreshold = kNaN;
    double bulkEdge = kNaN;
    bool aboveBulkEdge = false;
};

// Three error terms (docs/theory/decomposition.md §2) in the units of excess_risk; NaN when not computed.
struct ErrorTermsSummary {
    double overfitting = kNaN;
    double underfitting = kNaN;
    double approximation = kNaN;
};

// The error decomposition and post-hoc pruning of a run (docs/theory/decomposition.md), present when the
// configuration asked for them ("decompose", "prune"). `message` says why the numbers are missing when they are
// (a diverged run, a state evolution that did not converge).
struct DecompositionSummary {
    bool requested = false;
    bool computed = false;  // the measured part
    QString message;
    ErrorTermsSummary measured;
    double bulkEdge = kNaN;  // inferred: the trained spectrum's bulk edge, = the pruning threshold 2δ − λε
    int spikes = 0;
    double prunedExcessRisk = kNaN;
    // The state evolution's prediction at the same finite d (the run's own teacher).
    bool predictedComputed = false;
    QString predictedMessage;
    ErrorTermsSummary predicted;
    double predictedExcessRisk = kNaN;
    double predictedPrunedExcessRisk = kNaN;
    double predictedBulkEdge = kNaN;
    double predictedSpikes = kNaN;
    double delta = kNaN;
    double threshold = kNaN;  // λε
    ErrorTermsSummary asymptotic;  // closed forms (quadratic: the paper's eq. 17; diagonal: inferred analogue)
    double asymptoticEdge = kNaN;
    int asymptoticSpikes = 0;
};

// Everything one run produces. Its JSON is the CLI's contract; the keys are
//   config, config_hash, status, message, stop_reason, iterations, train_loss, objective, excess_risk, matrix_mse,
//   gradient_norm, n_eff, convex_gap {relative_objective_gap, solution_distance}, eigenvalues,
//   tail_fit {alpha, sigma, xmin, ks, n_tail, status, message, n_zero, zero_threshold, bulk_edge, above_bulk_edge},
//   phase, phase_inferred, duration_ms, software_version; with "decompose"/"prune" in the config also
//   overfitting, underfitting, approximation, pruned_excess_risk, state_evolution {...} and decomposition {...}
//   (docs/theory/decomposition.md §6).
// Numbers that do not apply (matrix_mse of the diagonal model, a certificate that was off) are JSON null.
struct RunResult {
    ExperimentConfig config;
    QString configHash;  // config.hash()
    sl::Status status = sl::Status::NotConverged;
    QString message;
    QString stopReason;
    int iterations = 0;
    double trainLoss = kNaN;
    double objective = kNaN;
    // Test excess risk: 2·E_mat for the quadratic net, R = (1/d)‖θ−θ*‖² for the diagonal one (core/train).
    double excessRisk = kNaN;
    double matrixMse = kNaN;  // E_mat = (1/d)‖S−S*‖_F², quadratic only
    double gradientNorm = kNaN;
    double nEff = kNaN;  // docs/theory/models.md §5
    ConvexGap convexGap;
    // Final spectrum, descending: eigenvalues of S = WWᵀ (quadratic) or |θ_i| (diagonal, docs/theory/convex.md §1–§2).
    QVector<double> eigenvalues;
    TailFitSummary tailFit;
    // Phase label of the closed-form classifier (docs/theory/phase-diagram.md §5) at (n_eff, λ); empty when λ = 0.
    QString phase;
    // The classifier's answer rests on an (inferred) part of the theory (docs/theory/phase-diagram.md §5).
    bool phaseInferred = false;
    qint64 durationMs = 0;
    QString softwareVersion;
    DecompositionSummary decomposition;

    QJsonObject toJson() const;
    // nullopt with *error set when a key is missing or has the wrong type, or the config does not validate.
    static std::optional<RunResult> fromJson(const QJsonObject& json, QString* error = nullptr);
};

}  // namespace sl::app

Q_DECLARE_METATYPE(sl::app::RunResult)
