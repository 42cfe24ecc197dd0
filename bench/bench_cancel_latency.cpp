// SPDX-License-Identifier: GPL-3.0-or-later
// Cancel latency of every solver at d ≤ 200 (issue 11: "cancel at random points of every solver returns within
// 100 ms of the request"). Tests assert no timings (team rule), so the figure is measured here: each solver runs
// on a worker thread, configured never to stop by itself within the horizon (tolerances 0, huge iteration
// limits); the main thread waits until run() has been entered, sleeps a uniformly random time in [0, horizon],
// cancels the token and the worker records when run() returned. Latency = return − request (steady clock).
// A plain main printing a table rather than Google Benchmark: the quantity is a distribution over random cancel
// points (median, p90, p99, max), not a per-iteration time. Setup (data, solver construction) is outside the
// timing: it is not part of run().
//
//   bench_cancel_latency [TRIALS=50] [HORIZON_MS=300] [FILTER]
//
// p99 is the nearest-rank percentile: with 50 trials it is the largest value (p99 = max).
#include "core/common/cancel_token.h"
#include "core/common/rng.h"
#include "core/convex/certificate.h"
#include "core/convex/lasso_solver.h"
#include "core/convex/nuclear_norm_solver.h"
#include "core/model/problem.h"
#include "core/spectrum/tail_fit.h"
#include "core/theory/lasso_state_evolution.h"
#include "core/theory/matrix_state_evolution.h"
#include "core/theory/state_evolution_curve.h"
#include "core/train/trainer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// One solver under test. prepare() builds everything run() needs (outside the timing) and returns the call to
// time; that call returns the solver's status.
struct Case {
    std::string name;
    std::string size;
    std::function<std::function<sl::Status(const sl::CancelToken&)>()> prepare;
    double horizonMs = 0;  // > 0: this case's own horizon (a solve that ends by itself sooner than the default)
};

struct Row {
    std::string name, size;
    int cancelled = 0, finishedFirst = 0, wrongStatus = 0;
    double median = NAN, p90 = NAN, p99 = NAN, max = NAN;
};

double nearestRank(std::vector<double> sorted, double q)
{
    if (sorted.empty())
        return NAN;
    const size_t rank = size_t(std::ceil(q * double(sorted.size())));
    return sorted[std::min(sorted.size(), std::max<size_t>(rank, 1)) - 1];
}

Row measure(const Case& c, int trials, double horizonMs, std::mt19937_64& rng)
{
    Row row{c.name, c.size};
    std::uniform_real_distribution<double> delay(0.0, c.horizonMs > 0 ? std::min(c.horizonMs, horizonMs) : horizonMs);
    std::vector<double> latencies;
    for (int t = 0; t < trials; ++t) {
        auto call = c.prepare();
        sl::CancelToken cancel;
        std::atomic<bool> entered{false};
        Clock::time_point returned;
        sl::Status status = sl::Status::Invalid;
        std::thread worker([&] {
            entered.store(true);
            status = call(cancel);
            returned = Clock::now();
        });
        while (!entered.load())
            std::this_thread::yield();
        std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(delay(rng)));
        const Clock::time_point requested = Clock::now();
        cancel.cancel();
        worker.join();
        if (returned < requested) {
            ++row.finishedFirst;  // ended by itself before the request: not a latency
            continue;
        }
        if (status != sl::Status::Cancelled)
            ++row.wrongStatus;  // returned after the request but did not say so
        ++row.cancelled;
        latencies.push_back(std::chrono::duration<double, std::milli>(returned - requested).count());
    }
    std::sort(latencies.begin(), latencies.end());
    row.median = nearestRank(latencies, 0.5);
    row.p90 = nearestRank(latencies, 0.9);
    row.p99 = nearestRank(latencies, 0.99);
    row.max = latencies.empty() ? NAN : latencies.back();
    return row;
}

sl::Problem problem(sl::ModelKind model, int d, long long n)
{
    sl::ProblemConfig config;
    config.model = model;
    config.dimension = d;
    config.samples = n;
    config.weightDecay = 0.01;
    config.gamma = 1.0;
    config.noise = 0.5;
    config.seed = 7;
    return sl::makeProblem(config);
}

// A training run that never stops by itself: no tolerance, no iteration limit, a step that neither converges
// nor diverges within the horizon.
sl::TrainConfig endlessTraining(sl::Optimizer optimizer)
{
    sl::TrainConfig config = sl::TrainConfig::defaults(optimizer);
    config.maxIterations = INT_MAX;
    config.gradientTolerance = 0;
    config.lossChangeTolerance = 0;
    if (optimizer != sl::Optimizer::Lbfgs)
        config.learningRate = optimizer == sl::Optimizer::Adam ? 1e-4 : 1e-5;
    return config;
}

Case trainerCase(sl::ModelKind model, sl::Optimizer optimizer, int d, long long n, double horizonMs = 0)
{
    auto shared = std::make_shared<sl::Problem>(problem(model, d, n));
    const std::string name = std::string("trainer ") + sl::toString(optimizer) + " ("
        + (model == sl::ModelKind::Quadratic ? "quadratic" : "diagonal") + ")";
    return {name, "d=" + std::to_string(d) + " n=" + std::to_string(n),
        [shared, optimizer] {
            const sl::TrainConfig config = endlessTraining(optimizer);
            return std::function<sl::Status(const sl::CancelToken&)>(
                [shared, config](const sl::CancelToken& c) { return sl::Trainer::run(*shared, config, {}, c).status; });
        },
        horizonMs};
}

std::vector<Case> cases()
{
    std::vector<Case> out;
    constexpr int d = 200;
    for (sl::Optimizer o : {sl::Optimizer::Lbfgs, sl::Optimizer::GradientDescent, sl::Optimizer::Adam}) {
        // n < d; L-BFGS still reaches its round-off floor (line search fails) after ~50 ms here.
        out.push_back(trainerCase(sl::ModelKind::Diagonal, o, d, 100, o == sl::Optimizer::Lbfgs ? 30.0 : 0.0));
        out.push_back(trainerCase(sl::ModelKind::Quadratic, o, d, 2000));  // n_eff = 10
    }
    // The quadratic network's cost per evaluation grows with n (n·d·p): n_eff = 40.
    out.push_back(trainerCase(sl::ModelKind::Quadratic, sl::Optimizer::Lbfgs, d, 8000));
    out.push_back(trainerCase(sl::ModelKind::Quadratic, sl::Optimizer::GradientDescent, d, 8000));

    {
        auto p = std::make_shared<sl::Problem>(problem(sl::ModelKind::Diagonal, d, 100));  // n < d: slow
        for (sl::LassoUpdates updates : {sl::LassoUpdates::Gram, sl::LassoUpdates::Naive}) {
            out.push_back({std::string("LASSO coordinate descent (")
                    + (updates == sl::LassoUpdates::Gram ? "Gram" : "naive") + ")",
                "d=200 n=100", [p, updates] {
                    sl::LassoConfig config;
                    config.lambda = 1e-4;
                    config.units = sl::LassoUnits::Experiment;
                    config.updates = updates;
                    config.gapTolerance = 0;
                    config.maxSweeps = INT_MAX;
                    auto solver = std::make_shared<sl::LassoSolver>(p->data.X, p->data.y, config);
                    return std::function<sl::Status(const sl::CancelToken&)>(
                        [p, solver](const sl::CancelToken& c) { return solver->run({}, c).status; });
                }});
        }
    }
    {
        auto p = std::make_shared<sl::Problem>(problem(sl::ModelKind::Quadratic, d, 2000));
        out.push_back({"nuclear-norm FISTA", "d=200 n=2000", [p] {
                           sl::NuclearNormConfig config;
                           config.lambda = 1e-3;
                           config.tolerance = 0;
                           config.optimalityTolerance = 0;
                           config.maxIterations = INT_MAX;
                           auto solver = std::make_shared<sl::NuclearNormSolver>(p->data.X, p->data.y, config);
                           return std::function<sl::Status(const sl::CancelToken&)>(
                               [p, solver](const sl::CancelToken& c) { return solver->run({}, c).status; });
                       }});
        // The same with the Lipschitz constant given: no power iteration before the first poll.
        const double lipschitz = [&] {
            sl::NuclearNormConfig config;
            config.lambda = 1e-3;
            config.maxIterations = 1;
            return sl::NuclearNormSolver(p->data.X, p->data.y, config).run().lipschitz;
        }();
        out.push_back({"nuclear-norm FISTA, Lipschitz constant given", "d=200 n=2000", [p, lipschitz] {
                           sl::NuclearNormConfig config;
                           config.lambda = 1e-3;
                           config.lipschitz = lipschitz;
                           config.tolerance = 0;
                           config.optimalityTolerance = 0;
                           config.maxIterations = INT_MAX;
                           auto solver = std::make_shared<sl::NuclearNormSolver>(p->data.X, p->data.y, config);
                           return std::function<sl::Status(const sl::CancelToken&)>(
                               [p, solver](const sl::CancelToken& c) { return solver->run({}, c).status; });
                       }});
        // The certificate the app computes after training: a nuclear-norm solve from zero at the default
        // tolerances (it may finish before the request; those trials are counted apart).
        auto trained = std::make_shared<sl::TrainResult>([&] {
            sl::TrainConfig config = sl::TrainConfig::defaults(sl::Optimizer::Lbfgs);
            config.maxIterations = 20;
            return sl::Trainer::run(*p, config);
        }());
        out.push_back({"convex certificate (quadratic)", "d=200 n=2000", [p, trained] {
                           return std::function<sl::Status(const sl::CancelToken&)>(
                               [p, trained](const sl::CancelToken& c) { return sl::certify(*p, *trained, c).status; });
                       }});
    }
    {
        out.push_back({"LASSO state evolution", "d=200", [] {
                           sl::LassoStateEvolutionConfig config;
                           config.teacher = sl::lassoDeterministicAmplitudes(200, 1.0);
                           config.alpha = 0.5;
                           config.lambda = 0.05;
                           config.tolerance = 1e-300;  // must be > 0
                           config.maxIterations = INT_MAX;
                           config.damping = 1e-6;  // creeps towards the fixed point: never within the horizon
                           auto se = std::make_shared<sl::LassoStateEvolution>(config);
                           return std::function<sl::Status(const sl::CancelToken&)>(
                               [se](const sl::CancelToken& c) { return se->run({}, c).status; });
                       }});
        out.push_back({"matrix state evolution", "d=200 K=32", [] {
                           sl::MatrixStateEvolutionConfig config;
                           Eigen::VectorXd s(200);
                           for (int i = 0; i < 200; ++i)
                               s[i] = 1.0 / (i + 1.0);
                           config.spectrum = s * std::sqrt(200.0 / s.squaredNorm());  // Q* = 1
                           config.alphaQ = 0.2;
                           config.lambda = 0.01;
                           config.tolerance = 1e-300;
                           config.maxIterations = 1000000;
                           config.secantAcceleration = false;
                           config.damping = 1e-3;
                           auto se = std::make_shared<sl::MatrixStateEvolution>(config);
                           return std::function<sl::Status(const sl::CancelToken&)>(
                               [se](const sl::CancelToken& c) { return se->run({}, c).status; });
                       }});
        for (sl::ModelKind model : {sl::ModelKind::Diagonal, sl::ModelKind::Quadratic}) {
            const bool quadratic = model == sl::ModelKind::Quadratic;
            out.push_back({std::string("state-evolution curve (") + (quadratic ? "quadratic" : "diagonal") + ")",
                quadratic ? "d=200 K=32, 400 points" : "d=200, 4000 points", [model, quadratic] {
                    sl::StateEvolutionCurveConfig config;
                    config.model = model;
                    config.d = 200;
                    config.lambda = quadratic ? 0.01 : 0.05;
                    config.nEffMin = quadratic ? 0.5 : 1.0;
                    config.nEffMax = quadratic ? 2000.0 : 1e5;
                    config.points = quadratic ? 400 : 4000;
                    config.warmStart = false;
                    auto curve = std::make_shared<sl::StateEvolutionCurve>(config);
                    return std::function<sl::Status(const sl::CancelToken&)>(
                        [curve](const sl::CancelToken& c) { return curve->run({}, c).status; });
                }});
        }
    }
    {
        // d = 200 eigenvalues with a power-law tail, bootstrapped on all cores.
        auto values = std::make_shared<Eigen::VectorXd>(200);
        sl::Rng rng(11);
        for (int i = 0; i < 200; ++i)
            (*values)[i] = std::pow(1.0 - rng.uniform(), -1.0 / 1.5);
        out.push_back(
            {"tail-fit bootstrap", "200 values, 10^6 replicates", [values] {
                 sl::TailFitConfig config;
                 config.bootstrapReplicates = 1000000;
                 config.minTail = 50;
                 auto fitter = std::make_shared<sl::TailFitter>(config);
                 return std::function<sl::Status(const sl::CancelToken&)>(
                     [values, fitter](const sl::CancelToken& c) { return fitter->run(*values, {}, c).status; });
             }});
    }
    return out;
}

}  // namespace

int main(int argc, char** argv)
{
    const int trials = argc > 1 ? std::max(1, std::atoi(argv[1])) : 50;
    const double horizonMs = argc > 2 ? std::max(1.0, std::atof(argv[2])) : 300.0;
    const std::string filter = argc > 3 ? argv[3] : "";
    std::mt19937_64 rng(2024);
    std::printf("cancel latency, %d random cancel points in [0, %.0f ms] after run() starts; "
                "%u hardware threads\n\n",
        trials, horizonMs, std::thread::hardware_concurrency());
    std::printf(
        "| solver | size | cancelled | ended first | not 'cancelled' | median ms | p90 ms | p99 ms | max ms |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|\n");
    std::fflush(stdout);
    bool over = false;
    for (const Case& c : cases()) {
        if (!filter.empty() && c.name.find(filter) == std::string::npos)
            continue;
        const Row r = measure(c, trials, horizonMs, rng);
        std::printf("| %s | %s | %d | %d | %d | %.2f | %.2f | %.2f | %.2f |\n", r.name.c_str(), r.size.c_str(),
            r.cancelled, r.finishedFirst, r.wrongStatus, r.median, r.p90, r.p99, r.max);
        std::fflush(stdout);
        over = over || r.max > 100.0 || r.wrongStatus > 0;
    }
    std::printf("\n%s\n", over ? "OVER 100 ms (or a wrong status) somewhere" : "every cancel returned within 100 ms");
    return 0;
}
