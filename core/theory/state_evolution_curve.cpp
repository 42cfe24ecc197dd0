// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/state_evolution_curve.h"

#include "core/common/power_law.h"
#include "core/common/result_summary.h"
#include "core/common/validation.h"
#include "core/theory/matrix_state_evolution.h"

#include <chrono>
#include <cmath>
#include <sstream>

namespace sl {

void StateEvolutionCurveConfig::validate() const
{
    requireAtLeast("d", d, 2);
    requireFinite("gamma", gamma);
    if (!(gamma > 0.5))
        throw ValidationError("gamma", "must be > 1/2 (docs/theory/models.md §1)");
    if (model == ModelKind::Quadratic)
        requirePositive("lambda", lambda);
    else
        requireNonNegative("lambda", lambda);
    requireNonNegative("noise", noise);
    if (nEffValues.empty()) {
        requirePositive("nEffMin", nEffMin);
        requirePositive("nEffMax", nEffMax);
        if (!(nEffMax >= nEffMin))
            throw ValidationError("nEffMax", "must be >= nEffMin");
        requireAtLeast("points", points, 1);
    } else {
        for (double v : nEffValues)
            requirePositive("nEffValues", v);
    }
    if (lassoTeacher.size() > 0 && lassoTeacher.size() != d)
        throw ValidationError("lassoTeacher", "must have d entries (or be empty)");
    if (matrixSpectrum.size() > 0 && matrixSpectrum.size() != d)
        throw ValidationError("matrixSpectrum", "must have d entries (or be empty)");
    requirePositive("lassoTolerance", lassoTolerance);
    requireAtLeast("lassoMaxIterations", lassoMaxIterations, 1);
    requireAtLeast("samples", samples, 1);
    requirePositive("matrixTolerance", matrixTolerance);
    requireAtLeast("matrixMaxIterations", matrixMaxIterations, 1);
}

StateEvolutionCurve::StateEvolutionCurve(StateEvolutionCurveConfig config) : m_config(std::move(config))
{
    m_config.validate();
}

std::vector<double> StateEvolutionCurve::logGrid(double from, double to, int points)
{
    std::vector<double> grid;
    if (points == 1) {
        grid.push_back(from);
        return grid;
    }
    const double a = std::log(from), b = std::log(to);
    for (int i = 0; i < points; ++i)
        grid.push_back(std::exp(a + (b - a) * i / (points - 1)));
    return grid;
}

std::vector<double> StateEvolutionCurve::grid() const
{
    return m_config.nEffValues.empty() ? logGrid(m_config.nEffMin, m_config.nEffMax, m_config.points)
                                       : m_config.nEffValues;
}

StateEvolutionCurveResult StateEvolutionCurve::run(
    const Observer<CurveProgress>& observer, const CancelToken& cancel) const
{
    const auto& c = m_config;
    const std::vector<double> nEffs = grid();
    const double d = c.d;
    const bool quadratic = c.model == ModelKind::Quadratic;
    const Eigen::VectorXd lassoTeacher
        = c.lassoTeacher.size() > 0 ? c.lassoTeacher : lassoDeterministicAmplitudes(c.d, c.gamma);
    const Eigen::VectorXd spectrum = c.matrixSpectrum.size() > 0 ? c.matrixSpectrum : powerLawSpectrum(c.d, c.gamma);
    StateEvolutionCurveResult result;
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    // Warm-start state carried from the last converged point.
    double lastRisk = -1, lastDelta = -1, lastEpsilon = -1;
    for (std::size_t i = 0; i < nEffs.size(); ++i) {
        if (cancel.isCancelled()) {
            result.status = Status::Cancelled;
            result.message = "cancelled after " + std::to_string(i) + " of " + std::to_string(nEffs.size()) + " points";
            result.totalSeconds = elapsed();
            return result;
        }
        CurvePoint p;
        p.nEff = nEffs[i];
        p.alpha = p.nEff / d;  // docs/theory/models.md §5: α = n/d = n_eff/d, α_q = n/d² = n_eff/d
        p.n = quadratic ? p.nEff * d : p.nEff;
        if (quadratic) {
            MatrixStateEvolutionConfig mc;
            mc.spectrum = spectrum;
            mc.alphaQ = p.alpha;
            mc.lambda = c.lambda;
            mc.noise = c.noise;
            mc.samples = c.samples;
            mc.seed = c.seed;
            mc.tolerance = c.matrixTolerance;
            mc.maxIterations = c.matrixMaxIterations;
            if (c.warmStart && lastDelta > 0) {
                mc.initialDelta = lastDelta;
                mc.initialEpsilon = lastEpsilon;
            }
            const MatrixStateEvolutionResult r = MatrixStateEvolution(mc).run({}, cancel);
            result.eigenDecompositions += r.eigenDecompositions;
            result.eigenSeconds += r.eigenSeconds;
            p.status = r.status;
            p.message = r.message;
            p.iterations = r.iterations;
            p.residualOuter = r.residualDelta;
            p.residualInner = r.residualA;
            if (r.ok()) {
                p.excessRisk = r.testExcessRisk;
                p.matrixMse = r.matrixMse;
                p.delta = r.delta;
                p.epsilon = r.epsilon;
                p.threshold = r.threshold;
                p.residualB = r.residualB;
                lastDelta = r.delta;
                lastEpsilon = r.epsilon;
            }
        } else {
            LassoStateEvolutionConfig lc;
            lc.teacher = lassoTeacher;
            lc.mode = c.lassoMode;
            lc.alpha = p.alpha;
            lc.lambda = c.lambda;
            lc.noise = c.noise;
            lc.tolerance = c.lassoTolerance;
            lc.maxIterations = c.lassoMaxIterations;
            if (c.warmStart && lastRisk >= 0)
                lc.initialRisk = lastRisk;
            const LassoStateEvolutionResult r = LassoStateEvolution(lc).run({}, cancel);
            p.status = r.status;
            p.message = r.message;
            p.iterations = r.iterations;
            p.residualOuter = r.residualOuter;
            p.residualInner = r.residualInner;
            if (r.ok()) {
                p.excessRisk = r.risk;
                p.delta = r.delta;
                p.epsilon = r.epsilon;
                p.threshold = r.threshold;
                lastRisk = r.risk;
            }
        }
        if (p.status == Status::Cancelled) {
            result.status = Status::Cancelled;
            result.message = "cancelled after " + std::to_string(i) + " of " + std::to_string(nEffs.size()) + " points";
            result.totalSeconds = elapsed();
            return result;
        }
        if (p.status != Status::Converged)
            ++result.failedPoints;
        result.points.push_back(p);
        if (observer)
            observer(CurveProgress{int(i), int(nEffs.size()), p});
    }
    setCountStatus(result, result.failedPoints, (long long)nEffs.size(), "points");
    result.totalSeconds = elapsed();
    return result;
}

}  // namespace sl
