// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/experiment_output.h"

#include "app/cli/cli.h"

#include "app/runner/experiment_execution.h"
#include "app/runner/point_scheduler.h"

#include <memory>
#include <optional>

namespace sl::cli {

bool isFinished(const sl::app::RunResult& result)
{
    return result.status == sl::Status::Converged || result.status == sl::Status::MaxIterations;
}

int exitCodeFor(const sl::app::RunResult& result)
{
    switch (result.status) {
    case sl::Status::Converged:
    case sl::Status::MaxIterations: return kSuccess;
    case sl::Status::Invalid: return kBadUsage;
    default: return kRunFailed;
    }
}

QString describeRun(const sl::app::RunResult& r)
{
    const sl::ProblemConfig& p = r.config.problem;
    QList<QPair<QString, QString>> pairs{
        {QStringLiteral("model"),
            QStringLiteral("%1, d = %2, p = %3, n = %4 (n_eff = %5)")
                .arg(QLatin1String(sl::toString(p.model)))
                .arg(p.dimension)
                .arg(p.effectiveWidth())
                .arg(p.samples)
                .arg(formatNumber(r.nEff))},
        {QStringLiteral("λ, γ, Δ, seed"),
            QStringLiteral("%1, %2, %3, %4").arg(p.weightDecay).arg(p.gamma).arg(p.noise).arg(p.seed)},
        {QStringLiteral("solver"), QLatin1String(sl::app::toString(r.config.solver))},
        // Every solver's message starts with its status and iteration count ("lbfgs converged after 184 iterations:
        // ..."), which this line printed twice before it.
        {QStringLiteral("status"),
            !r.message.isEmpty() ? r.message
                                 : QStringLiteral("%1 after %2 iterations")
                                       .arg(QLatin1String(sl::toString(r.status)))
                                       .arg(r.iterations)},
        {QStringLiteral("train loss"), formatNumber(r.trainLoss, 10)},
        {QStringLiteral("objective"), formatNumber(r.objective, 10)},
        {QStringLiteral("excess risk"), formatNumber(r.excessRisk, 10)},
    };
    if (p.model == sl::ModelKind::Quadratic)
        pairs.append({QStringLiteral("matrix MSE"), formatNumber(r.matrixMse, 10)});
    if (r.convexGap.computed)
        pairs.append({QStringLiteral("convex gap"),
            QStringLiteral("objective %1, solution %2")
                .arg(formatNumber(r.convexGap.relativeObjectiveGap), formatNumber(r.convexGap.solutionDistance))});
    if (r.tailFit.computed)
        pairs.append({QStringLiteral("tail fit"),
            QStringLiteral("α = %1 ± %2, xmin = %3, KS = %4, n_tail = %5 (%6)")
                .arg(formatNumber(r.tailFit.alpha, 4), formatNumber(r.tailFit.sigma, 2),
                    formatNumber(r.tailFit.xmin, 4), formatNumber(r.tailFit.ks, 3))
                .arg(r.tailFit.nTail)
                .arg(r.tailFit.status)});
    const sl::app::DecompositionSummary& dec = r.decomposition;
    if (r.config.decompose || r.config.prune) {
        auto terms = [](const sl::app::ErrorTermsSummary& t) {
            return QStringLiteral("overfitting %1, underfitting %2, approximation %3")
                .arg(formatNumber(t.overfitting, 5), formatNumber(t.underfitting, 5), formatNumber(t.approximation, 5));
        };
        if (!dec.computed) {
            pairs.append({QStringLiteral("decomposition"), dec.message});
        } else {
            if (r.config.decompose)
                pairs.append({QStringLiteral("decomposition"), terms(dec.measured)});
            pairs.append({QStringLiteral("bulk edge"),
                QStringLiteral("%1 with %2 spikes above it [inferred]")
                    .arg(formatNumber(dec.bulkEdge, 5))
                    .arg(dec.spikes)});
            if (r.config.prune)
                pairs.append({QStringLiteral("pruned excess risk"), formatNumber(dec.prunedExcessRisk, 6)});
        }
        if (!dec.predictedComputed) {
            pairs.append({QStringLiteral("SE prediction"), dec.predictedMessage});
        } else {
            pairs.append({QStringLiteral("SE excess risk"),
                QStringLiteral("%1 (δ = %2, λε = %3)")
                    .arg(formatNumber(dec.predictedExcessRisk, 6), formatNumber(dec.delta, 5),
                        formatNumber(dec.threshold, 5))});
            if (r.config.decompose) {
                pairs.append({QStringLiteral("SE decomposition"), terms(dec.predicted)});
                pairs.append({QStringLiteral("asymptotic"),
                    terms(dec.asymptotic)
                        + (p.model == sl::ModelKind::Quadratic ? QStringLiteral(" [eq. 17, constants uncertain]")
                                                               : QStringLiteral(" [inferred]"))});
            }
            pairs.append({QStringLiteral("SE bulk edge"),
                QStringLiteral("%1 with %2 spikes")
                    .arg(formatNumber(dec.predictedBulkEdge, 5), formatNumber(dec.predictedSpikes, 4))});
            if (r.config.prune)
                pairs.append({QStringLiteral("SE pruned excess risk"), formatNumber(dec.predictedPrunedExcessRisk, 6)});
        }
    }
    pairs.append({QStringLiteral("phase"),
        r.phase.isEmpty() ? QStringLiteral("-")
                          : r.phase + (r.phaseInferred ? QStringLiteral(" [inferred]") : QString())});
    QStringList top;
    for (int i = 0; i < std::min(8, int(r.eigenvalues.size())); ++i)
        top.append(formatNumber(r.eigenvalues[i], 4));
    pairs.append({QStringLiteral("top eigenvalues"), top.join(QLatin1Char(' '))});
    pairs.append({QStringLiteral("duration"), QStringLiteral("%1 ms").arg(r.durationMs)});
    return formatPairs(pairs);
}

QString runTable(const QVector<sl::app::RunResult>& results)
{
    QList<QStringList> rows{
        {QStringLiteral("n"), QStringLiteral("n_eff"), QStringLiteral("lambda"), QStringLiteral("seed"),
            QStringLiteral("status"), QStringLiteral("iter"), QStringLiteral("excess_risk"), QStringLiteral("phase")}};
    for (const sl::app::RunResult& r : results) {
        const sl::ProblemConfig& p = r.config.problem;
        rows.append({QString::number(p.samples), formatNumber(r.nEff, 4), formatNumber(p.weightDecay, 4),
            QString::number(p.seed), QLatin1String(sl::toString(r.status)), QString::number(r.iterations),
            formatNumber(r.excessRisk, 6), r.phase.isEmpty() ? QStringLiteral("-") : r.phase});
    }
    return formatTable(rows);
}

QVector<sl::app::RunResult> runPoints(const Options& options, const std::vector<sl::app::ExperimentConfig>& points,
    int threads, const QString& storePath, const QString& label, bool resume, int* fromStore, QString* storeErrorOut)
{
    // The sweep policy of app/runner/point_scheduler.h; with resume, points already stored are read back. A run cut
    // short by Ctrl-C is not a result: it is neither saved nor reported.
    ProgressBar bar(options, label, (long long)points.size());
    sl::app::PointScheduler::Outcome outcome;
    QString openError;
    if (!sl::app::PointScheduler::runToEnd(
            points, threads, storePath, resume, interruptToken(), [&](int done) { bar.update(done); }, outcome,
            &openError))
        throw UsageError{QStringLiteral("cannot open the store: %1").arg(openError)};
    bar.finish();
    if (fromStore)
        *fromStore = outcome.fromStore;
    if (storeErrorOut)
        *storeErrorOut = outcome.storeError;
    else if (!outcome.storeError.isEmpty())
        throw RunError{QStringLiteral("saving to the store failed: %1").arg(outcome.storeError)};
    QVector<sl::app::RunResult> out;
    for (auto& s : outcome.results) {
        if (s)
            out.append(*s);
    }
    return out;
}

}  // namespace sl::cli
