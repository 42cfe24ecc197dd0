// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/runner/experiment_execution.h"

#include "core/common/validation.h"
#include "core/convex/certificate.h"
#include "core/convex/lasso_solver.h"
#include "core/convex/nuclear_norm_solver.h"
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

// Convex route for the diagonal net: the LASSO it is equivalent to (docs/theory/convex.md §1), in the net's units
// (docs/theory/models.md §2). The convex solver's observer reports no weights, so its snapshots carry none.
sl::TrainResult runLasso(const sl::Problem& problem, const ExperimentConfig& config, const RunObserver& observer,
    const sl::CancelToken& cancel)
{
    sl::LassoConfig lasso;
    lasso.lambda = problem.config.weightDecay;
    lasso.units = sl::LassoUnits::Experiment;
    // (inferred) train.max_iterations bounds the coordinate sweeps; the gap tolerance is core's default.
    lasso.maxSweeps = config.train.maxIterations;
    lasso.observeEvery = config.train.snapshotInterval;
    sl::LassoSolver solver(problem.data.X, problem.data.y, lasso);
    sl::Observer<sl::LassoSnapshot> relay;
    if (observer) {
        relay = [&](const sl::LassoSnapshot& s) {
            sl::TrainSnapshot t;
            t.iteration = s.iteration;
            t.objective = s.objective;
            t.trainLoss = std::nan("");
            t.excessRisk = std::nan("");
            t.gradientNorm = std::nan("");
            observer(t);
        };
    }
    const sl::LassoResult r = solver.run(relay, cancel);
    sl::TrainResult out;
    out.status = r.status;
    out.message = r.message;
    out.stopReason = "duality gap " + std::to_string(r.relativeGap);
    out.iterations = r.iterations;
    out.objective = r.objective;
    out.trainLoss = r.objective - r.lambda * r.theta.lpNorm<1>();
    const int d = problem.config.dimension;
    // R = (1/d)‖θ−θ*‖², docs/theory/models.md §2.
    out.excessRisk = (r.theta - problem.teacher.spectrum).squaredNorm() / d;
    out.matrixMse = std::nan("");
    out.gradientNorm = r.kktViolation;
    out.theta = r.theta;
    out.W.resize(d, 2);  // [a w] at the balanced point |a| = |w| (docs/theory/convex.md §1)
    out.W.col(0) = r.theta.cwiseAbs().cwiseSqrt().cwiseProduct(r.theta.cwiseSign());
    out.W.col(1) = r.theta.cwiseAbs().cwiseSqrt();
    return out;
}

// Convex route for the quadratic net: nuclear-norm PSD sensing in the net's units (docs/theory/models.md §3,
// docs/theory/convex.md §2), solved by FISTA from S = 0. W is the balanced factor V·diag(√s) of S (width d, always wide
// enough, docs/theory/convex.md §3).
sl::TrainResult runNuclearNorm(const sl::Problem& problem, const ExperimentConfig& config, const RunObserver& observer,
    const sl::CancelToken& cancel)
{
    sl::NuclearNormConfig nuclear;
    nuclear.lambda = problem.config.weightDecay;
    // (inferred) train.max_iterations bounds the FISTA iterations; tolerances are core's defaults.
    nuclear.maxIterations = config.train.maxIterations;
    nuclear.observeEvery = config.train.snapshotInterval;
    sl::NuclearNormSolver solver(problem.data.X, problem.data.y, nuclear);
    sl::Observer<sl::NuclearNormSnapshot> relay;
    if (observer) {
        relay = [&](const sl::NuclearNormSnapshot& s) {
            sl::TrainSnapshot t;
            t.iteration = s.iteration;
            t.objective = s.objective;
            t.trainLoss = std::nan("");
            t.excessRisk = std::nan("");
            t.gradientNorm = s.optimality;
            observer(t);
        };
    }
    const sl::NuclearNormResult r = solver.run(relay, cancel);
    sl::TrainResult out;
    out.status = r.status;
    out.message = r.message;
    out.stopReason = "optimality " + std::to_string(r.optimality);
    out.iterations = r.iterations;
    out.objective = r.objective;
    out.gradientNorm = r.optimality;
    if (r.S.size() == 0)
        return out;
    const int d = problem.config.dimension;
    out.S = r.S;
    out.trainLoss = r.objective - solver.penaltyWeight() * r.S.trace();
    out.matrixMse = (r.S - problem.teacher.matrix).squaredNorm() / d;  // E_mat, docs/theory/models.md §4
    // Test excess risk = 2·E_mat (docs/theory/models.md §4), as the trainer reports it.
    out.excessRisk = 2.0 * out.matrixMse;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(0.5 * (r.S + r.S.transpose()));
    out.W = eig.eigenvectors() * eig.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
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
        sl::TrainResult trained;
        if (config.solver == Solver::Convex) {
            trained = config.problem.model == sl::ModelKind::Diagonal
                ? runLasso(problem, config, observer, cancel)
                : runNuclearNorm(problem, config, observer, cancel);
        } else {
            trained = sl::Trainer::run(problem, config.train, observer, cancel);
        }
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
        if (config.certificate && config.solver != Solver::Convex && !diverged) {
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
            sl::PhaseDiagramConfig diagram;
            diagram.d = config.problem.dimension;
            diagram.gamma = config.problem.gamma;
            diagram.noise = config.problem.noise;
            const sl::PhaseInfo phase = sl::PhaseDiagram(diagram).classify(result.nEff, config.problem.weightDecay);
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
