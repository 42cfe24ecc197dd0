// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/runner/experiment_execution.h"

#include "app/experiment/solver_table.h"
#include "core/common/validation.h"
#include "core/convex/certificate.h"
#include "core/model/problem.h"
#include "core/spectrum/spectrum.h"
#include "core/spectrum/tail_fit.h"
#include "core/theory/phase_diagram.h"

#include "scalinglab/version.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>

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

}  // namespace

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
    try {
        config.validate();
        const sl::Problem problem = sl::makeProblem(config.problem);
        const SolverInfo& solver = solverInfo(config.solver);
        const sl::TrainResult trained = solver.run(problem, config, observer, cancel);
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
        if (config.certificate && solver.trainsNetwork && !diverged) {
            QString note;
            if (!certify(problem, trained, result.convexGap, cancel, note))
                result.message += note;
        }

        if (config.tailFit && !diverged) {
            Eigen::VectorXd values(result.eigenvalues.size());
            for (int i = 0; i < result.eigenvalues.size(); ++i)
                values[i] = result.eigenvalues[i];
            const sl::TailFit fit = sl::TailFitter(sl::TailFitConfig{}).run(values, {}, cancel);
            result.tailFit.computed = true;
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
