// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/lasso_state_evolution.h"

#include "core/common/validation.h"
#include "core/theory/root_finding.h"

#include <cmath>
#include <limits>
#include <sstream>

namespace sl {

namespace {

constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;
// δ is kept above this floor so the closed forms stay finite when Δ = 0 drives δ → 0 (perfect recovery).
constexpr double kDeltaFloor = 1e-150;

double pdf(double x)
{
    return kInvSqrt2Pi * std::exp(-0.5 * x * x);
}
double upperTail(double x)
{
    return 0.5 * std::erfc(x * kInvSqrt2);
}  // 1 − Φ(x), accurate for large x
double lowerTail(double x)
{
    return 0.5 * std::erfc(-x * kInvSqrt2);
}  // Φ(x), accurate for very negative x

// Φ(a) − Φ(b) for a >= b without cancellation.
double cdfDifference(double a, double b)
{
    if (b >= 0)
        return upperTail(b) - upperTail(a);
    if (a <= 0)
        return lowerTail(a) - lowerTail(b);
    return 1.0 - upperTail(a) - lowerTail(b);
}

std::string describe(const char* what, double value)
{
    std::ostringstream out;
    out << what << value;
    return out.str();
}

}  // namespace

Eigen::VectorXd lassoDeterministicAmplitudes(int d, double gamma)
{
    requireAtLeast("d", d, 1);
    Eigen::VectorXd theta(d);
    for (int i = 0; i < d; ++i)
        theta[i] = std::sqrt(double(d)) * std::pow(double(i + 1), -gamma);
    return theta;
}

Eigen::VectorXd lassoPowerLawVariances(int d, double gamma)
{
    requireAtLeast("d", d, 1);
    Eigen::VectorXd v(d);
    for (int i = 0; i < d; ++i)
        v[i] = double(d) * std::pow(double(i + 1), -2 * gamma);
    return v;
}

void LassoStateEvolutionConfig::validate() const
{
    if (teacher.size() < 1)
        throw ValidationError("teacher", "must have at least one coordinate");
    for (Eigen::Index i = 0; i < teacher.size(); ++i) {
        if (!std::isfinite(teacher[i]))
            throw ValidationError("teacher", "must be finite");
        if (mode == LassoTeacherMode::VarianceProfile && teacher[i] < 0)
            throw ValidationError("teacher", "variances must be >= 0");
    }
    requirePositive("alpha", alpha);
    requireNonNegative("lambda", lambda);
    requireNonNegative("noise", noise);
    requirePositive("tolerance", tolerance);
    requireAtLeast("maxIterations", maxIterations, 1);
    requirePositive("damping", damping);
    if (damping > 1)
        throw ValidationError("damping", "must be in (0, 1]");
    requireFinite("initialRisk", initialRisk);
    if (weights.size() > 0) {
        if (weights.size() != teacher.size())
            throw ValidationError("weights", "must have one entry per teacher entry (or be empty)");
        for (Eigen::Index i = 0; i < weights.size(); ++i)
            if (!std::isfinite(weights[i]) || !(weights[i] > 0))
                throw ValidationError("weights", "must be finite and > 0");
    }
}

LassoMoments lassoMoments(const Eigen::VectorXd& teacher, LassoTeacherMode mode, double delta, double threshold)
{
    return lassoMoments(teacher, mode, delta, threshold, Eigen::VectorXd());
}

LassoMoments lassoMoments(const Eigen::VectorXd& teacher, LassoTeacherMode mode, double delta, double threshold,
    const Eigen::VectorXd& weights)
{
    const bool weighted = weights.size() > 0;
    // docs/theory/state-evolution.md §3: closed forms per coordinate, soft threshold η(θ + δg; t). Never quadrature
    // (the indicator makes Gauss–Hermite badly wrong when t ≪ δ, docs/theory/state-evolution.md §3).
    const double dl = std::max(delta, kDeltaFloor), t = threshold;
    double mse = 0, active = 0;
    const Eigen::Index d = teacher.size();
    if (mode == LassoTeacherMode::Amplitudes) {
        for (Eigen::Index i = 0; i < d; ++i) {
            const double th = std::abs(teacher[i]);  // the moments are even in θ
            const double a = (t - th) / dl, b = (-t - th) / dl;
            const double qa = upperTail(a), pb = lowerTail(b), fa = pdf(a), fb = pdf(b);
            const double on = qa + pb;
            const double w = weighted ? weights[i] : 1.0;
            active += w * on;
            mse += w
                * (dl * dl * (a * fa + on - b * fb) - 2 * dl * t * (fa + fb) + t * t * on
                    + th * th * cdfDifference(a, b));
        }
    } else {
        // (inferred, exact) θ* ~ N(0, v): Y = θ* + δg ~ N(0, s²), s² = v + δ², and E[Y − θ*|Y] = (δ²/s²)Y.
        // Expanding (η − θ*)² = (η − Y)² + 2(η − Y)(Y − θ*) + (Y − θ*)² gives, with u = t/s, Q = 1 − Φ(u):
        //   P(|Y| > t) = 2Q,   E(η − θ*)² = δ² + (1 − 2Q)(v − δ²) + 2Qt² − 2stφ(u),
        // a form without the cancellation of E η² − 2Eηθ* + v at t → 0.
        for (Eigen::Index i = 0; i < d; ++i) {
            const double v = teacher[i];
            const double s = std::sqrt(v + dl * dl), u = t / s;
            const double q = upperTail(u), inside = std::erf(u * kInvSqrt2);  // inside = 1 − 2Q
            const double w = weighted ? weights[i] : 1.0;
            active += w * 2 * q;
            mse += w * (dl * dl + inside * (v - dl * dl) + 2 * q * t * t - 2 * s * t * pdf(u));
        }
    }
    const double total = weighted ? weights.sum() : double(d);
    return {mse / total, active / total};
}

LassoStateEvolution::LassoStateEvolution(LassoStateEvolutionConfig config) : m_config(std::move(config))
{
    m_config.validate();
}

double LassoStateEvolution::solveThreshold(double delta, double* residual) const
{
    const double alpha = m_config.alpha, lambda = m_config.lambda;
    auto kappa
        = [&](double t) { return lassoMoments(m_config.teacher, m_config.mode, delta, t, m_config.weights).active; };
    // λ > 0: t(α − κ(t)) = λ, increasing in t where positive, so the root is unique
    // (docs/theory/state-evolution.md §4). λ = 0: α − κ(t) = 0 (min-ℓ1 interpolation, needs α < 1).
    auto f = [&](double t) { return lambda > 0 ? t * (alpha - kappa(t)) - lambda : alpha - kappa(t); };
    const double scale = std::max(delta, kDeltaFloor);
    double lo = 0, flo = f(0.0);
    double hi = scale, fhi = f(hi);
    for (int k = 0; fhi < 0 && k < 400; ++k) {
        lo = hi;
        flo = fhi;
        hi *= 2;
        fhi = f(hi);
    }
    if (!(fhi >= 0)) {
        if (residual)
            *residual = std::numeric_limits<double>::infinity();
        return std::numeric_limits<double>::quiet_NaN();
    }
    // Shrink from below as well: the root is usually far below δ when λ is small.
    if (lo == 0) {
        for (int k = 0; k < 400; ++k) {
            const double mid = hi / 8;
            const double fm = f(mid);
            if (fm >= 0) {
                hi = mid;
                fhi = fm;
            } else {
                lo = mid;
                flo = fm;
                break;
            }
        }
    }
    const double t = detail::brentRoot(f, lo, flo, hi, fhi, 1e-15, 300);
    if (residual) {
        const double r = f(t);
        *residual = lambda > 0 ? std::abs(r) / lambda : std::abs(r);
    }
    return t;
}

LassoStateEvolutionResult LassoStateEvolution::run(
    const Observer<LassoStateEvolutionSnapshot>& observer, const CancelToken& cancel) const
{
    const auto& c = m_config;
    LassoStateEvolutionResult result;
    // R(0), the risk of θ̂ = 0: (1/d)Σ θ*² (or Σ v / d).
    const bool weighted = c.weights.size() > 0;
    const double totalWeight = weighted ? c.weights.sum() : double(c.teacher.size());
    const double riskZero = c.mode == LassoTeacherMode::Amplitudes
        ? (weighted ? c.weights.dot(c.teacher.cwiseAbs2()) : c.teacher.squaredNorm()) / totalWeight
        : (weighted ? c.weights.dot(c.teacher) : c.teacher.sum()) / totalWeight;

    // λ = 0 with α >= 1: the threshold is 0 (κ = 1), ε = 1/(α − 1): ordinary least squares.
    // docs/theory/state-evolution.md §4 limits: αδ² = Δ + δ² gives R = δ² = Δ/(α − 1) in closed form,
    // no iteration needed.
    if (c.lambda == 0 && c.alpha >= 1) {
        if (c.alpha == 1) {
            result.status = Status::Diverged;
            result.message = "λ = 0 at α = 1: the interpolation peak, R = ∞ (docs/theory/phase-diagram.md §2 phase V)";
            return result;
        }
        result.status = Status::Converged;
        result.risk = c.noise / (c.alpha - 1);
        result.delta = std::sqrt((c.noise + result.risk) / c.alpha);
        result.epsilon = 1 / (c.alpha - 1);
        result.threshold = 0;
        result.activeFraction = 1;
        result.message = "λ = 0, α > 1: ordinary least squares, R = Δ/(α − 1)";
        return result;
    }

    double risk = c.initialRisk >= 0 ? c.initialRisk : riskZero;
    // Absolute floor on the convergence test, so a risk that tends to 0 (Δ = 0, perfect recovery) converges.
    const double floor = 1e-14 * std::max(riskZero, 1e-300);
    double t = 0, delta = 0, kappa = 0, residualInner = 0, residualOuter = 0;
    double previousRisk = 0, previousF = 0;
    bool havePrevious = false;
    for (int iter = 1; iter <= c.maxIterations; ++iter) {
        if (cancel.isCancelled()) {
            result.status = Status::Cancelled;
            result.message = "cancelled";
            result.iterations = iter - 1;
            return result;
        }
        // docs/theory/state-evolution.md §2: αδ² = Δ + R.
        delta = std::sqrt((c.noise + risk) / c.alpha);
        t = solveThreshold(delta, &residualInner);
        if (!std::isfinite(t)) {
            result.status = Status::NotConverged;
            result.message = describe("threshold equation t(α − κ(t)) = λ has no bracketed root at δ = ", delta);
            result.iterations = iter;
            return result;
        }
        const LassoMoments m = lassoMoments(c.teacher, c.mode, delta, t, c.weights);
        kappa = m.active;
        const double riskNew = m.mse;
        if (!std::isfinite(riskNew)) {
            result.status = Status::Diverged;
            result.message = "risk became non-finite";
            result.iterations = iter;
            return result;
        }
        const double change = std::abs(riskNew - risk);
        residualOuter = change / std::max(riskNew, 1e-300);
        const bool done = change <= c.tolerance * (riskNew + floor);
        double next = (1 - c.damping) * risk + c.damping * riskNew;
        if (!done && c.secantAcceleration) {
            const double f = riskNew - risk;
            if (havePrevious && f != previousF) {
                const double secant = risk - f * (risk - previousRisk) / (f - previousF);
                if (std::isfinite(secant) && secant > 0.5 * risk && secant < 2 * risk)
                    next = secant;
            }
            previousRisk = risk;
            previousF = f;
            havePrevious = true;
        }
        risk = done ? riskNew : next;
        if (observer)
            observer(LassoStateEvolutionSnapshot{iter, risk, delta, t, residualOuter});
        if (done) {
            // Report the moments at the accepted point: δ and t belong to riskNew's δ within the tolerance.
            result.status = Status::Converged;
            result.iterations = iter;
            result.residualOuter = residualOuter;
            result.residualInner = residualInner;
            result.risk = risk;
            result.delta = delta;
            result.threshold = t;
            result.activeFraction = kappa;
            result.epsilon = c.lambda > 0 ? t / c.lambda : std::numeric_limits<double>::infinity();
            std::ostringstream msg;
            msg << "converged in " << iter << " iterations (relative change " << residualOuter << ")";
            if (c.lambda == 0)
                msg << "; λ = 0, α < 1: min-ℓ1 interpolation (κ = α, ε = ∞)";
            result.message = msg.str();
            return result;
        }
    }
    result.status = Status::MaxIterations;
    result.iterations = c.maxIterations;
    result.residualOuter = residualOuter;
    result.residualInner = residualInner;
    std::ostringstream msg;
    msg << "no fixed point within " << c.maxIterations << " iterations (last relative change " << residualOuter
        << ", R = " << risk << ")";
    result.message = msg.str();
    return result;
}

}  // namespace sl
