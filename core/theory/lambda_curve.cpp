// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/lambda_curve.h"

#include "core/common/result_summary.h"
#include "core/common/validation.h"
#include "core/theory/bayes_optimal.h"
#include "core/theory/phase_diagram.h"
#include "core/theory/state_evolution_curve.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

namespace sl {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Least-squares slope of y against x; NaN for fewer than two distinct x.
double leastSquaresSlope(const std::vector<double>& x, const std::vector<double>& y)
{
    const std::size_t n = x.size();
    if (n < 2)
        return kNaN;
    double mx = 0, my = 0;
    for (std::size_t i = 0; i < n; ++i) {
        mx += x[i];
        my += y[i];
    }
    mx /= double(n);
    my /= double(n);
    double sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sxx += (x[i] - mx) * (x[i] - mx);
        sxy += (x[i] - mx) * (y[i] - my);
    }
    return sxx > 0 ? sxy / sxx : kNaN;
}

PhaseDiagram diagramFor(const StateEvolutionModel& m)
{
    PhaseDiagramConfig pc;
    pc.d = m.d;
    pc.gamma = m.gamma;
    pc.noise = m.noise;
    return PhaseDiagram(pc);
}

// Brent's minimisation (parabolic interpolation safeguarded by golden sections) of f on [a, b] from an interior
// point x with f(x) <= f(a), f(b); `tol` is absolute in the argument. Returns the abscissa of the minimum found.
template <class F>
double brentMinimize(F&& f, double a, double b, double x, double fx, double tol, int maxEvaluations, bool& stop)
{
    constexpr double kGolden = 0.3819660112501051;
    double w = x, v = x, fw = fx, fv = fx, d = 0, e = 0;
    for (int k = 0; k < maxEvaluations && !stop; ++k) {
        const double xm = 0.5 * (a + b);
        const double tol1 = tol, tol2 = 2 * tol1;
        if (std::abs(x - xm) <= tol2 - 0.5 * (b - a))
            break;
        bool golden = true;
        if (std::abs(e) > tol1) {
            const double r = (x - w) * (fx - fv);
            double q = (x - v) * (fx - fw);
            double p = (x - v) * q - (x - w) * r;
            q = 2 * (q - r);
            if (q > 0)
                p = -p;
            q = std::abs(q);
            const double previous = e;
            e = d;
            if (!(std::abs(p) >= std::abs(0.5 * q * previous) || p <= q * (a - x) || p >= q * (b - x))) {
                d = p / q;
                const double u = x + d;
                if (u - a < tol2 || b - u < tol2)
                    d = xm >= x ? tol1 : -tol1;
                golden = false;
            }
        }
        if (golden) {
            e = x >= xm ? a - x : b - x;
            d = kGolden * e;
        }
        const double u = std::abs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1);
        const double fu = f(u);
        if (fu <= fx) {
            (u >= x ? a : b) = x;
            v = w;
            fv = fw;
            w = x;
            fw = fx;
            x = u;
            fx = fu;
        } else {
            (u < x ? a : b) = u;
            if (fu <= fw || w == x) {
                v = w;
                fv = fw;
                w = u;
                fw = fu;
            } else if (fu <= fv || v == x || v == w) {
                v = u;
                fv = fu;
            }
        }
    }
    return x;
}

}  // namespace

// ---- λ curve --------------------------------------------------------------------------------------------------

void LambdaCurveConfig::validate() const
{
    model.validate();
    requirePositive("nEff", nEff);
    if (lambdaValues.empty()) {
        requirePositive("lambdaMin", lambdaMin);
        requirePositive("lambdaMax", lambdaMax);
        if (!(lambdaMax >= lambdaMin))
            throw ValidationError("lambdaMax", "must be >= lambdaMin");
        requireAtLeast("points", points, 1);
    } else {
        for (const double l : lambdaValues)
            requirePositive("lambdaValues", l);
    }
}

std::vector<double> LambdaCurveConfig::grid() const
{
    return lambdaValues.empty() ? StateEvolutionCurve::logGrid(lambdaMin, lambdaMax, points) : lambdaValues;
}

LambdaCurveResult computeLambdaCurve(
    const LambdaCurveConfig& config, const Observer<LambdaCurveProgress>& observer, const CancelToken& cancel)
{
    config.validate();
    const StateEvolutionModel& m = config.model;
    const Eigen::VectorXd teacher
        = m.model == ModelKind::Quadratic ? m.resolvedMatrixSpectrum() : m.resolvedLassoTeacher();
    const PhaseDiagram diagram = diagramFor(m);
    const std::vector<double> lambdas = config.grid();
    LambdaCurveResult result;
    result.nEff = config.nEff;
    StateEvolutionWarmStart warm;
    for (std::size_t i = 0; i < lambdas.size(); ++i) {
        if (cancel.isCancelled())
            break;
        LambdaPoint p;
        p.lambda = lambdas[i];
        StateEvolutionWarmStart start = config.warmStart ? warm : StateEvolutionWarmStart{};
        p.value = evaluateStateEvolution(m, teacher, config.nEff, p.lambda, &start, cancel);
        if (p.value.status == Status::Cancelled)
            break;
        if (p.value.ok())
            warm = start;
        else
            ++result.failedPoints;
        const PhaseInfo info = diagram.classify(config.nEff, p.lambda);
        p.phase = info.label;
        p.predictedExponent = info.exponentLambda;
        p.localSlope = kNaN;
        result.points.push_back(p);
        if (observer)
            observer(LambdaCurveProgress{int(i), int(lambdas.size()), p});
    }
    if (cancel.isCancelled() && result.points.size() < lambdas.size()) {
        result.status = Status::Cancelled;
        result.message = "cancelled after " + std::to_string(result.points.size()) + " of "
            + std::to_string(lambdas.size()) + " points";
        return result;
    }
    // Local slopes by (central) finite differences in log–log, over converged neighbours only.
    auto usable = [&](std::size_t j) { return result.points[j].value.ok() && result.points[j].value.excessRisk > 0; };
    for (std::size_t j = 0; j < result.points.size(); ++j) {
        if (!usable(j))
            continue;
        const std::size_t lo = j > 0 && usable(j - 1) ? j - 1 : j;
        const std::size_t hi = j + 1 < result.points.size() && usable(j + 1) ? j + 1 : j;
        if (lo == hi)
            continue;
        const auto& a = result.points[lo];
        const auto& b = result.points[hi];
        result.points[j].localSlope = std::log(b.value.excessRisk / a.value.excessRisk) / std::log(b.lambda / a.lambda);
    }
    // Phase segments with their fitted slopes.
    for (std::size_t j = 0; j < result.points.size();) {
        std::size_t k = j;
        std::vector<double> x, y;
        while (k < result.points.size() && result.points[k].phase == result.points[j].phase) {
            if (usable(k)) {
                x.push_back(std::log(result.points[k].lambda));
                y.push_back(std::log(result.points[k].value.excessRisk));
            }
            ++k;
        }
        LambdaPhaseSegment s;
        s.phase = result.points[j].phase;
        s.lambdaFrom = result.points[j].lambda;
        s.lambdaTo = result.points[k - 1].lambda;
        s.points = int(k - j);
        s.predictedExponent = result.points[j].predictedExponent;
        s.fittedSlope = leastSquaresSlope(x, y);
        result.segments.push_back(s);
        j = k;
    }
    setCountStatus(result, result.failedPoints, (long long)lambdas.size(), "points");
    return result;
}

// ---- optimal λ -------------------------------------------------------------------------------------------------

void OptimalLambdaConfig::validate() const
{
    model.validate();
    requirePositive("nEff", nEff);
    requirePositive("lambdaMin", lambdaMin);
    requirePositive("lambdaMax", lambdaMax);
    if (!(lambdaMax > lambdaMin))
        throw ValidationError("lambdaMax", "must be > lambdaMin");
    requireFinite("initialGuess", initialGuess);
    requirePositive("bracketFactor", bracketFactor);
    if (!(bracketFactor > 1))
        throw ValidationError("bracketFactor", "must be > 1");
    requirePositive("logTolerance", logTolerance);
    requireAtLeast("maxEvaluations", maxEvaluations, 5);
}

OptimalLambdaResult findOptimalLambda(const OptimalLambdaConfig& config, const CancelToken& cancel)
{
    config.validate();
    const StateEvolutionModel& m = config.model;
    const Eigen::VectorXd teacher
        = m.model == ModelKind::Quadratic ? m.resolvedMatrixSpectrum() : m.resolvedLassoTeacher();
    OptimalLambdaResult result;
    result.nEff = config.nEff;
    const double uMin = std::log(config.lambdaMin), uMax = std::log(config.lambdaMax);
    std::map<double, double> seen;  // log λ → R
    StateEvolutionWarmStart warm;
    bool stop = false;
    Status failure = Status::Converged;
    std::string failureMessage;
    // The objective in u = log λ; log R keeps the parabolic steps well scaled over decades of risk.
    auto f = [&](double u) {
        u = std::clamp(u, uMin, uMax);
        const auto it = seen.find(u);
        if (it != seen.end())
            return it->second;
        if (stop)
            return std::numeric_limits<double>::infinity();
        if (result.evaluations >= config.maxEvaluations) {
            stop = true;
            failure = Status::MaxIterations;
            failureMessage = "evaluation limit reached";
            return std::numeric_limits<double>::infinity();
        }
        ++result.evaluations;
        StateEvolutionWarmStart start = warm;
        const StateEvolutionValue v = evaluateStateEvolution(m, teacher, config.nEff, std::exp(u), &start, cancel);
        if (!v.ok() || !(v.excessRisk > 0)) {
            stop = true;
            failure = v.status == Status::Converged ? Status::NotConverged : v.status;
            failureMessage = "state evolution at λ = " + std::to_string(std::exp(u)) + ": " + v.message;
            return std::numeric_limits<double>::infinity();
        }
        warm = start;
        const double value = std::log(v.excessRisk);
        seen[u] = value;
        return value;
    };
    auto fail = [&]() {
        result.status = failure == Status::Converged ? Status::NotConverged : failure;
        result.message = failureMessage;
        return result;
    };

    const double guess = config.initialGuess > 0 ? config.initialGuess : std::sqrt(config.nEff / m.d);
    const double h = std::log(config.bracketFactor);
    double b = std::clamp(std::log(guess), uMin, uMax);
    double a = std::max(b - h, uMin), c = std::min(b + h, uMax);
    if (a == b) {  // the guess sits at λ_min
        b = std::min(a + h, uMax);
        c = std::min(b + h, uMax);
    }
    if (c == b) {  // at λ_max
        b = std::max(c - h, uMin);
        a = std::max(b - h, uMin);
    }
    double fa = f(a), fb = f(b), fc = f(c);
    // Walk the triple downhill until the middle is lowest, or an end of the range is reached.
    for (int k = 0; k < 400 && !stop; ++k) {
        if (fa < fb && a > uMin) {
            c = b;
            fc = fb;
            b = a;
            fb = fa;
            a = std::max(a - h, uMin);
            fa = f(a);
        } else if (fc < fb && c < uMax) {
            a = b;
            fa = fb;
            b = c;
            fb = fc;
            c = std::min(c + h, uMax);
            fc = f(c);
        } else {
            break;
        }
    }
    if (stop)
        return fail();
    if (fa < fb || fc < fb) {
        // The risk still decreases at an end of the range.
        const bool low = fa < fb;
        result.status = Status::NotConverged;
        result.boundary = low ? -1 : 1;
        result.lambda = std::exp(low ? a : c);
        result.risk = std::exp(low ? fa : fc);
        result.bracketLow = std::exp(low ? a : b);
        result.bracketHigh = std::exp(low ? b : c);
        std::ostringstream msg;
        msg << "the state-evolution risk still decreases at λ = " << result.lambda << " (the "
            << (low ? "lower" : "upper") << " end of the range): λ_opt " << (low ? "<=" : ">=") << " " << result.lambda;
        if (low && m.noise == 0)
            msg << " (Δ = 0: the risk can vanish as λ → 0)";
        result.message = msg.str();
        return result;
    }
    const double u = brentMinimize(f, a, c, b, fb, config.logTolerance, config.maxEvaluations, stop);
    if (stop)
        return fail();
    result.status = Status::Converged;
    result.lambda = std::exp(u);
    result.risk = std::exp(f(u));
    result.bracketLow = std::exp(a);
    result.bracketHigh = std::exp(c);
    std::ostringstream msg;
    msg << "λ_opt = " << result.lambda << " (log λ to ±" << config.logTolerance << ") in " << result.evaluations
        << " state-evolution solves";
    result.message = msg.str();
    return result;
}

// ---- at λ_opt along n_eff --------------------------------------------------------------------------------------

void OptimalLambdaCurveConfig::validate() const
{
    OptimalLambdaConfig s = search;
    s.nEff = 1;
    s.validate();
    if (nEffValues.empty()) {
        requirePositive("nEffMin", nEffMin);
        requirePositive("nEffMax", nEffMax);
        if (!(nEffMax >= nEffMin))
            throw ValidationError("nEffMax", "must be >= nEffMin");
        requireAtLeast("points", points, 1);
    } else {
        for (const double v : nEffValues)
            requirePositive("nEffValues", v);
    }
}

std::vector<double> OptimalLambdaCurveConfig::grid() const
{
    return nEffValues.empty() ? StateEvolutionCurve::logGrid(nEffMin, nEffMax, points) : nEffValues;
}

OptimalLambdaCurveResult computeOptimalLambdaCurve(const OptimalLambdaCurveConfig& config,
    const Observer<OptimalLambdaCurveProgress>& observer, const CancelToken& cancel)
{
    config.validate();
    const StateEvolutionModel& m = config.search.model;
    const PhaseDiagram diagram = diagramFor(m);
    const std::vector<double> grid = config.grid();
    const bool bayes = config.bayesOptimal && m.model == ModelKind::Diagonal;
    OptimalLambdaCurveResult result;
    double previousNEff = 0, previousLambda = 0;
    for (std::size_t i = 0; i < grid.size(); ++i) {
        if (cancel.isCancelled())
            break;
        OptimalLambdaConfig search = config.search;
        search.nEff = grid[i];
        if (previousLambda > 0)  // λ_opt moves like √n_eff along L1 (inferred): a close first guess
            search.initialGuess = previousLambda * std::sqrt(grid[i] / previousNEff);
        OptimalLambdaPoint p;
        p.nEff = grid[i];
        p.optimum = findOptimalLambda(search, cancel);
        if (p.optimum.status == Status::Cancelled)
            break;
        if (p.optimum.ok()) {
            previousNEff = grid[i];
            previousLambda = p.optimum.lambda;
        } else {
            ++result.unbracketedPoints;
        }
        p.bayesOptimalRisk = kNaN;
        p.ratio = kNaN;
        if (bayes) {
            const BayesOptimalResult bo = solveBayesOptimal(bayesOptimalConfigFor(m, grid[i]), cancel);
            if (bo.status == Status::Cancelled)
                break;
            if (bo.ok()) {
                p.bayesOptimalRisk = bo.risk;
                if (bo.risk > 0 && (p.optimum.ok() || p.optimum.boundary != 0))
                    p.ratio = p.optimum.risk / bo.risk;
            }
        }
        p.bayesOptimalRate = diagram.bayesOptimalRate(grid[i]);
        result.points.push_back(p);
        if (observer)
            observer(OptimalLambdaCurveProgress{int(i), int(grid.size()), p});
    }
    if (result.points.size() < grid.size()) {
        result.status = Status::Cancelled;
        result.message = "cancelled after " + std::to_string(result.points.size()) + " of "
            + std::to_string(grid.size()) + " points";
        return result;
    }
    std::ostringstream msg;
    if (result.unbracketedPoints == 0) {
        result.status = Status::Converged;
        msg << "λ_opt bracketed at all " << grid.size() << " points";
    } else {
        result.status = Status::NotConverged;
        msg << result.unbracketedPoints << " of " << grid.size()
            << " points without an interior optimum (see each point's message)";
    }
    result.message = msg.str();
    return result;
}

}  // namespace sl
