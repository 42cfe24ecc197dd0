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
    std::vector<RiskSample> samples;
    for (const RunResult& r : runs) {
        const int i = indexOf(r.config.problem.weightDecay);
        if (i < 0)
            continue;
        if ((r.status == sl::Status::Converged || r.status == sl::Status::MaxIterations) && std::isfinite(r.excessRisk))
            samples.push_back(
                {r.config.problem.samples, r.config.problem.nEff(), r.config.problem.weightDecay, r.excessRisk});
        else
            ++out[std::size_t(i)].failed;
    }
    for (const AggregatePoint& a : aggregateBySamples(samples)) {
        LambdaTrainedPoint& p = out[std::size_t(indexOf(a.weightDecay))];  // one n per training: one group per λ
        p.runs = a.count;
        p.mean = a.mean;
        p.standardError = a.standardError;
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
