// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/runner/experiment_execution.h"

#include "app/experiment/solver_table.h"
#include "app/runner/solver_runners.h"
#include "core/common/validation.h"
#include "core/convex/certificate.h"
#include "core/decomposition/diagonal_pruning.h"
#include "core/decomposition/error_decomposition.h"
#include "core/model/problem.h"
#include "core/spectrum/spectrum.h"
#include "core/spectrum/tail_fit.h"
#include "core/spectrum/trained_spectrum.h"
#include "core/theory/phase_diagram.h"

#include "scalinglab/version.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <optional>

namespace sl::app {
namespace {

QVector<double> toDescending(const Eigen::VectorXd& values)
{
    QVector<double> out(values.begin(), values.end());
    std::sort(out.begin(), out.end(), std::greater<double>());
    return out;
}

// The convex certificate of docs/theory/convex.md §6 (core/convex), solved from zero.
bool certify(const sl::Problem& problem, const sl::TrainResult& trained, ConvexGap& gap, const sl::CancelToken& cancel,
    QString& note)
{
    const sl::ConvexCertificate c = sl::certify(problem, trained, cancel);
    if (c.status != sl::Status::Converged) {
        note = QStringLiteral(" (convex certificate: %1)").arg(QString::fromStdString(c.message));
        return false;
    }
    gap.computed = true;
    gap.relativeObjectiveGap = c.relativeObjectiveGap;
    gap.solutionDistance = c.solutionDistance;
    return true;
}

ErrorTermsSummary summary(const sl::ErrorTerms& t)
{
    return {t.overfitting, t.underfitting, t.approximation};
}

// The diagonal run's LASSO state evolution at its own teacher draw θ* (amplitude mode) and the split it implies.
struct DiagonalTheory {
    sl::LassoStateEvolutionConfig config;
    sl::LassoStateEvolutionResult result;
    sl::DecompositionConfig split;
};

DiagonalTheory diagonalTheory(const sl::Problem& problem, const sl::CancelToken& cancel)
{
    const sl::ProblemConfig& p = problem.config;
    DiagonalTheory out;
    out.config.teacher = problem.teacher.spectrum;
    out.config.alpha = p.nEff() / p.dimension;  // α = n/d
    out.config.lambda = p.weightDecay;
    out.config.noise = p.noise;
    out.result = sl::LassoStateEvolution(out.config).run({}, cancel);
    out.split = sl::diagonalStateEvolutionSplit(out.config, out.result);
    return out;
}

// docs/theory/decomposition.md: the measured split of the trained weights, then the state evolution's prediction
// at this run's own teacher and the same finite d. A run that diverged gets a message, not numbers.
void decompose(const sl::Problem& problem, const sl::TrainResult& trained, DecompositionSummary& out,
    const sl::CancelToken& cancel)
{
    out.requested = true;
    if (trained.status == sl::Status::Diverged) {
        out.message = QStringLiteral("not computed: the run diverged, its weights are not a trained network");
        out.predictedMessage = out.message;
        return;
    }
    const sl::ProblemConfig& p = problem.config;
    const bool quadratic = p.model == sl::ModelKind::Quadratic;
    if ((quadratic && trained.S.size() == 0) || (!quadratic && trained.theta.size() == 0)) {
        out.message = QStringLiteral("not computed: the solver returned no weights");
        out.predictedMessage = out.message;
        return;
    }
    // The quadratic state evolution first: its 2δ − λε tells the measured split whether the trained spectrum has a
    // noise bulk at all (docs/theory/decomposition.md §3; at or below 0 nothing is pruned).
    const double alpha = p.nEff() / p.dimension;  // α = n/d, α_q = n/d², both n_eff/d
    sl::MatrixStateEvolutionConfig matrixSe;
    std::optional<sl::MatrixStateEvolutionResult> matrixResult;
    sl::DecompositionConfig split;
    // The diagonal network's state evolution likewise fixes its pruning level (§3a; the gap rule where it fails).
    std::optional<DiagonalTheory> lasso;
    if (!quadratic) {
        lasso = diagonalTheory(problem, cancel);
        split = lasso->split;
    }
    if (quadratic && p.weightDecay > 0) {
        matrixSe.spectrum = problem.teacher.spectrum;
        matrixSe.alphaQ = alpha;
        matrixSe.lambda = p.weightDecay;
        matrixSe.noise = p.noise;
        matrixResult = sl::MatrixStateEvolution(matrixSe).run({}, cancel);
        if (matrixResult->ok())
            split.theoryEdge = 2 * matrixResult->delta - matrixResult->threshold;
    }
    const sl::ErrorDecomposition measured = quadratic
        ? sl::decomposeQuadratic(trained.S, problem.teacher.spectrum, problem.teacher.rotation, split)
        : sl::decomposeDiagonal(trained.theta, problem.teacher.spectrum, split);
    out.message = QString::fromStdString(measured.message);
    if (measured.ok()) {
        out.computed = true;
        out.measured = summary(measured.terms);
        out.bulkEdge = measured.bulkEdge;
        out.spikes = measured.spikes;
        out.prunedExcessRisk = measured.prunedExcessRisk;
    }
    if (cancel.isCancelled())
        return;

    sl::PredictedDecomposition predicted;
    if (quadratic) {
        if (!matrixResult) {
            out.predictedMessage = QStringLiteral("not computed: the quadratic state evolution needs λ > 0");
            return;
        }
        predicted = sl::predictQuadraticDecomposition(matrixSe, *matrixResult, {}, cancel);
    } else {
        // The same split on the state evolution's draws: their edge is the same fixed level.
        predicted = sl::predictDiagonalDecomposition(lasso->config, lasso->result, 256, p.seed, lasso->split);
    }
    out.predictedMessage = QString::fromStdString(predicted.message);
    if (!predicted.ok())
        return;
    out.predictedComputed = true;
    out.predicted = summary(predicted.terms);
    out.predictedExcessRisk = predicted.excessRisk;
    out.predictedPrunedExcessRisk = predicted.prunedExcessRisk;
    out.predictedBulkEdge = predicted.bulkEdge;
    out.predictedSpikes = predicted.spikes;
    out.delta = predicted.delta;
    out.threshold = predicted.threshold;
    out.asymptotic = summary(predicted.asymptotic);
    out.asymptoticEdge = predicted.asymptoticEdge;
    out.asymptoticSpikes = predicted.asymptoticSpikes;
}

}  // namespace

sl::DecompositionConfig diagonalDecompositionConfig(const sl::Problem& problem, const sl::CancelToken& cancel)
{
    return diagonalTheory(problem, cancel).split;
}

QVector<double> weightSpectrum(sl::ModelKind model, const Eigen::MatrixXd& weights)
{
    if (weights.size() == 0)
        return {};
    if (model == sl::ModelKind::Diagonal) {
        if (weights.cols() != 2)
            return {};
        return toDescending(sl::diagonalSpectrum(weights.col(0).cwiseProduct(weights.col(1))));
    }
    // S = WWᵀ (d×d) and WᵀW (p×p) share their nonzero eigenvalues; S has d − p more zeros when p < d.
    Eigen::VectorXd gram = sl::gramEigenvalues(weights);  // p values, ascending
    const Eigen::Index d = weights.rows();
    QVector<double> out = toDescending(gram);
    out.resize(int(d), 0.0);  // pads with zeros (p < d) or drops the p − d exact zeros (p > d)
    return out;
}

RunResult runExperiment(const ExperimentConfig& config, const RunObserver& observer, const sl::CancelToken& cancel)
{
    QElapsedTimer timer;
    timer.start();
    RunResult result;
    result.config = config;
    result.configHash = config.hash();
    result.softwareVersion = QLatin1String(sl::kVersion);
    result.nEff = config.problem.nEff();
    auto finish = [&] {
        result.durationMs = timer.elapsed();
        return result;
    };
    if (config.isSweep()) {
        result.status = sl::Status::Invalid;
        result.message = QStringLiteral("this experiment is a sweep of %1 runs; run it with the sweep runner")
                             .arg(config.points().size());
        return finish();
    }
    if (config.decompose || config.prune) {
        result.decomposition.requested = true;
        result.decomposition.message = QStringLiteral("not computed: the run did not finish");
        result.decomposition.predictedMessage = result.decomposition.message;
    }
    try {
        config.validate();
        const sl::Problem problem = sl::makeProblem(config.problem);
        const sl::TrainResult trained = runSolver(problem, config, observer, cancel);
        result.status = trained.status;
        result.message = QString::fromStdString(trained.message);
        result.stopReason = QString::fromStdString(trained.stopReason);
        result.iterations = trained.iterations;
        result.trainLoss = trained.trainLoss;
        result.objective = trained.objective;
        result.excessRisk = trained.excessRisk;
        result.matrixMse = config.problem.model == sl::ModelKind::Quadratic ? trained.matrixMse : kNaN;
        result.gradientNorm = trained.gradientNorm;
        if (trained.status == sl::Status::Invalid || trained.status == sl::Status::Cancelled)
            return finish();

        result.eigenvalues = weightSpectrum(config.problem.model, trained.W);

        // A diverged run keeps the spectrum of its exploded weights (what happened), but a convex certificate or a
        // tail fit of them means nothing, and the certificate's convex solve would cost seconds at large d.
        const bool diverged = trained.status == sl::Status::Diverged;
        if (config.certificate && solverInfo(config.solver).trainsNetwork && !diverged) {
            QString note;
            if (!certify(problem, trained, result.convexGap, cancel, note))
                result.message += note;
        }

        if (config.tailFit && !diverged) {
            Eigen::VectorXd values(result.eigenvalues.size());
            for (int i = 0; i < result.eigenvalues.size(); ++i)
                values[i] = result.eigenvalues[i];
            // Numerical zeros and the noise bulk are kept out of the fit (core/spectrum/trained_spectrum.h).
            const sl::TrainedSpectrumFit spectrumFit = sl::fitTrainedSpectrum(values, sl::TailFitConfig{}, cancel);
            const sl::TailFit& fit = spectrumFit.tail;
            result.tailFit.computed = true;
            result.tailFit.nZero = spectrumFit.zeros.nZero;
            result.tailFit.zeroThreshold = spectrumFit.zeros.threshold;
            result.tailFit.bulkEdge = spectrumFit.bulk.status == sl::Status::Converged ? spectrumFit.bulk.edge : kNaN;
            result.tailFit.aboveBulkEdge = spectrumFit.aboveBulkEdge;
            result.tailFit.alpha = fit.alpha;
            result.tailFit.sigma = fit.sigma;
            result.tailFit.xmin = fit.xmin;
            result.tailFit.ks = fit.ks;
            result.tailFit.nTail = fit.nTail;
            result.tailFit.status = QLatin1String(sl::toString(fit.status));
            result.tailFit.message = QString::fromStdString(fit.message);
        }

        if (config.problem.weightDecay > 0 && result.nEff > 0) {
            const sl::PhaseDiagram diagram(sl::PhaseDiagramConfig::forProblem(config.problem));
            const sl::PhaseInfo phase = diagram.classify(result.nEff, config.problem.weightDecay);
            result.phase = QString::fromStdString(phase.label);
            result.phaseInferred = phase.inferred;
        }

        if (config.decompose || config.prune)
            decompose(problem, trained, result.decomposition, cancel);
    } catch (const sl::ValidationError& e) {
        result.status = sl::Status::Invalid;
        result.message = QString::fromUtf8(e.what());
    } catch (const std::exception& e) {
        result.status = sl::Status::Invalid;
        result.message = QStringLiteral("internal error: %1").arg(QString::fromUtf8(e.what()));
    }
    return finish();
}

}  // namespace sl::app
