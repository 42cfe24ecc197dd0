// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/noiseless_diagram.h"

#include "core/common/result_summary.h"
#include "core/common/validation.h"
#include "core/theory/phase_diagram.h"
#include "core/theory/state_evolution_curve.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

namespace sl {

namespace {

double median(std::vector<double> values)
{
    if (values.empty())
        return std::numeric_limits<double>::quiet_NaN();
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

}  // namespace

void NoiselessDiagramConfig::validate() const
{
    model.validate();
    requirePositive("nEffMin", nEffMin);
    requirePositive("nEffMax", nEffMax);
    if (!(nEffMax > nEffMin))
        throw ValidationError("nEffMax", "must be > nEffMin");
    requireAtLeast("nEffPoints", nEffPoints, 2);
    requirePositive("lambdaMin", lambdaMin);
    requirePositive("lambdaMax", lambdaMax);
    if (!(lambdaMax >= lambdaMin))
        throw ValidationError("lambdaMax", "must be >= lambdaMin");
    requireAtLeast("lambdaPoints", lambdaPoints, 1);
    requireAtLeast("threads", threads, 0);
}

NoiselessDiagramResult computeNoiselessDiagram(
    const NoiselessDiagramConfig& config, const Observer<NoiselessDiagramProgress>& observer, const CancelToken& cancel)
{
    config.validate();
    const auto start = std::chrono::steady_clock::now();
    const StateEvolutionModel& m = config.model;
    const Eigen::VectorXd teacher
        = m.model == ModelKind::Quadratic ? m.resolvedMatrixSpectrum() : m.resolvedLassoTeacher();
    PhaseDiagramConfig pc;
    pc.d = m.d;
    pc.gamma = m.gamma;
    pc.noise = m.noise;
    const PhaseDiagram diagram(pc);

    NoiselessDiagramResult result;
    result.nEff = StateEvolutionCurve::logGrid(config.nEffMin, config.nEffMax, config.nEffPoints);
    result.lambda = StateEvolutionCurve::logGrid(config.lambdaMin, config.lambdaMax, config.lambdaPoints);
    const std::size_t nx = result.nEff.size(), ny = result.lambda.size();
    std::vector<NoiselessDiagramCell> cells(nx * ny);

    std::atomic<int> nextColumn{0};
    std::mutex progressMutex;
    int columnsDone = 0;
    auto worker = [&] {
        for (int j = nextColumn++; j < int(ny); j = nextColumn++) {
            StateEvolutionWarmStart warm;
            for (std::size_t i = 0; i < nx; ++i) {
                if (cancel.isCancelled())
                    return;
                NoiselessDiagramCell& c = cells[std::size_t(j) * nx + i];
                c.nEff = result.nEff[i];
                c.lambda = result.lambda[std::size_t(j)];
                StateEvolutionWarmStart trial = warm;
                const StateEvolutionValue v = evaluateStateEvolution(m, teacher, c.nEff, c.lambda, &trial, cancel);
                c.status = v.status;
                c.risk = v.ok() ? v.excessRisk : 0;
                if (v.ok())
                    warm = trial;
                const PhaseInfo info = diagram.classify(c.nEff, c.lambda);
                c.phase = info.label;
                c.predictedSlope = info.exponentN;
                c.predictedLocalSlope = c.predictedSlope;
                if (info.label == "IV" && m.noise == 0 && c.nEff < m.d)
                    c.predictedLocalSlope = (1 - 2 * m.gamma) * (1 + 1 / std::log(m.d / c.nEff));
            }
            std::lock_guard<std::mutex> lock(progressMutex);
            ++columnsDone;
            if (observer)
                observer(NoiselessDiagramProgress{columnsDone, int(ny)});
        }
    };
    const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
    const int threads = std::min<int>(config.threads > 0 ? config.threads : int(hardware), int(ny));
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    for (std::thread& t : pool)
        t.join();
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (cancel.isCancelled()) {
        result.status = Status::Cancelled;
        result.message = "cancelled";
        return result;
    }

    // Slopes along each λ column in log–log.
    auto usable = [&](std::size_t i, std::size_t j) {
        const NoiselessDiagramCell& c = cells[j * nx + i];
        return c.status == Status::Converged && c.risk > 0;
    };
    for (std::size_t j = 0; j < ny; ++j) {
        for (std::size_t i = 0; i < nx; ++i) {
            NoiselessDiagramCell& c = cells[j * nx + i];
            c.slope = std::numeric_limits<double>::quiet_NaN();
            if (c.status != Status::Converged) {
                ++result.failedCells;
                continue;
            }
            if (!usable(i, j))
                continue;
            const std::size_t lo = i > 0 && usable(i - 1, j) ? i - 1 : i;
            const std::size_t hi = i + 1 < nx && usable(i + 1, j) ? i + 1 : i;
            if (lo == hi)
                continue;
            const NoiselessDiagramCell& a = cells[j * nx + lo];
            const NoiselessDiagramCell& b = cells[j * nx + hi];
            c.slope = std::log(b.risk / a.risk) / std::log(b.nEff / a.nEff);
        }
    }
    // Agreement per closed-form label.
    std::map<std::string, std::vector<double>> slopes, deviations, localDeviations;
    std::map<std::string, double> predicted;
    for (const NoiselessDiagramCell& c : cells) {
        if (c.phase == "crossover" || !std::isfinite(c.slope))
            continue;
        slopes[c.phase].push_back(c.slope);
        deviations[c.phase].push_back(std::abs(c.slope - c.predictedSlope));
        localDeviations[c.phase].push_back(std::abs(c.slope - c.predictedLocalSlope));
        predicted[c.phase] = c.predictedSlope;
    }
    for (const auto& [phase, values] : slopes)
        result.agreement.push_back({phase, int(values.size()), predicted[phase], median(values),
            median(deviations[phase]), median(localDeviations[phase])});
    result.cells = std::move(cells);
    setCountStatus(result, result.failedCells, (long long)(nx * ny), "cells");
    std::ostringstream msg;
    msg << result.message << " in " << result.seconds << " s on " << threads << " thread" << (threads == 1 ? "" : "s");
    result.message = msg.str();
    return result;
}

}  // namespace sl
