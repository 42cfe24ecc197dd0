// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/runner/lambda_training.h"

#include "app/analysis/curve_aggregate.h"
#include "app/runner/point_scheduler.h"

#include <cmath>

namespace sl::app {

std::vector<double> logLambdaGrid(double from, double to, int points)
{
    std::vector<double> out;
    for (int i = 0; i < points; ++i) {
        const double t = points == 1 ? 0.0 : double(i) / (points - 1);
        out.push_back(std::exp(std::log(from) + t * (std::log(to) - std::log(from))));
    }
    return out;
}

ExperimentConfig lambdaTrainingExperiment(const ExperimentConfig& base, const std::vector<double>& lambdas, int seeds)
{
    ExperimentConfig out = base;
    out.seedList.clear();
    out.seedCount = seeds;
    out.sweep = SweepSpec{};
    out.sweep.weightDecays = lambdas;
    out.validate();
    return out;
}

std::vector<LambdaTrainedPoint> aggregateLambdaRuns(const QVector<RunResult>& runs, const std::vector<double>& lambdas)
{
    std::vector<LambdaTrainedPoint> out(lambdas.size());
    for (std::size_t i = 0; i < lambdas.size(); ++i)
        out[i].lambda = lambdas[i];
    auto indexOf = [&](double lambda) {
        for (std::size_t i = 0; i < lambdas.size(); ++i)
            if (lambdas[i] == lambda)
                return int(i);
        return -1;
    };
    QVector<RunResult> atGrid;
    for (const RunResult& r : runs)
        if (indexOf(r.config.problem.weightDecay) >= 0)
            atGrid.append(r);
    for (const AggregatePoint& a : aggregateBySamples(riskSamples(atGrid))) {
        // One n per training, so one group per λ; were there more, their counts add up and the last mean stays.
        LambdaTrainedPoint& p = out[std::size_t(indexOf(a.weightDecay))];
        p.runs += a.count;
        p.failed += a.leftOut;
        if (a.count > 0) {
            p.mean = a.mean;
            p.standardError = a.standardError;
        }
    }
    return out;
}

int LambdaTraining::emptyPoints() const
{
    int empty = 0;
    for (const LambdaTrainedPoint& p : points)
        if (p.runs == 0)
            ++empty;
    return empty;
}

LambdaTraining trainLambdaPoints(const ExperimentConfig& experiment, int threads, const QString& storePath,
    bool reuseStored, const sl::CancelToken& cancel, const std::function<void(int done, int total)>& progress)
{
    LambdaTraining out;
    out.experiment = experiment;
    const std::vector<ExperimentConfig> points = experiment.points();
    const int total = int(points.size());
    PointScheduler::Outcome outcome;
    QString openError;
    if (!PointScheduler::runToEnd(
            points, threads, storePath, reuseStored, cancel,
            [&](int done) {
                if (progress)
                    progress(done, total);
            },
            outcome, &openError)) {
        out.error = openError.isEmpty() ? QStringLiteral("the results store cannot be opened") : openError;
        return out;
    }
    QVector<RunResult> runs;
    for (const auto& r : outcome.results)
        if (r)
            runs.append(*r);
    out.points = aggregateLambdaRuns(runs, experiment.weightDecays());
    for (const RunResult& r : runs) {
        if (!aggregateLambdaRuns({r}, {r.config.problem.weightDecay}).front().failed)
            continue;
        out.firstFailure = QStringLiteral("λ = %1, seed %2: %3 (%4)")
                               .arg(r.config.problem.weightDecay, 0, 'g', 4)
                               .arg(r.config.problem.seed)
                               .arg(QLatin1String(sl::toString(r.status)), r.message);
        break;
    }
    out.cancelled = outcome.dropped > 0 || cancel.isCancelled();
    out.fromStore = outcome.fromStore;
    out.storeError = outcome.storeError;
    return out;
}

}  // namespace sl::app
