// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/lasso_fixed_point.h"

#include "core/theory/root_finding.h"

#include <cmath>
#include <limits>
#include <sstream>

namespace sl {

namespace {

// One evaluation of the map R ↦ G(R) of docs/theory/noiseless-and-lambda.md §2.
struct MapValue {
    bool ok = false;
    double risk = 0;  // G(R)
    double delta = 0;
    double threshold = 0;
    double active = 0;
    double residualInner = 0;
};

}  // namespace

LassoStateEvolutionResult solveLassoFixedPoint(const LassoStateEvolutionConfig& config, const CancelToken& cancel)
{
    const LassoStateEvolution se(config);  // validates
    const LassoStateEvolutionConfig& c = se.config();
    if (c.lambda == 0)
        return se.run({}, cancel);  // OLS closed form or min-ℓ1 interpolation: the damped solver handles both

    LassoStateEvolutionResult result;
    const double d = double(c.teacher.size());
    const double riskZero = c.mode == LassoTeacherMode::Amplitudes ? c.teacher.squaredNorm() / d : c.teacher.sum() / d;
    if (riskZero == 0 && c.noise == 0) {
        // Nothing to learn and nothing to fit: θ̂ = 0 = θ* is the fixed point.
        result.status = Status::Converged;
        result.message = "zero teacher and Δ = 0: R = 0";
        result.epsilon = 1 / c.alpha;
        return result;
    }

    int evaluations = 0;
    bool cancelled = false, failed = false;
    MapValue last;
    auto map = [&](double risk) {
        MapValue v;
        if (cancel.isCancelled()) {
            cancelled = true;
            return v;
        }
        ++evaluations;
        v.delta = std::sqrt((c.noise + risk) / c.alpha);
        v.threshold = se.solveThreshold(v.delta, &v.residualInner);
        if (!std::isfinite(v.threshold)) {
            failed = true;
            return v;
        }
        const LassoMoments m = lassoMoments(c.teacher, c.mode, v.delta, v.threshold);
        v.risk = m.mse;
        v.active = m.active;
        v.ok = std::isfinite(v.risk) && v.risk > 0;
        if (!v.ok)
            failed = true;
        return v;
    };
    // f(u) = log G(e^u) − u: positive below the fixed point, negative above it (unique fixed point for λ > 0).
    auto f = [&](double u) {
        if (cancelled || failed)
            return 0.0;
        last = map(std::exp(u));
        if (!last.ok)
            return 0.0;
        return std::log(last.risk) - u;
    };
    auto stop = [&](Status status, const std::string& message) {
        result.status = status;
        result.message = message;
        result.iterations = evaluations;
        return result;
    };

    const double start = c.initialRisk > 0 ? c.initialRisk : (riskZero > 0 ? riskZero : c.noise / c.alpha);
    double lo = std::log(start), flo = f(lo);
    double hi = lo, fhi = flo;
    // Expand geometrically in u (steps of ×2, ×3, ×5, ... in R) until the sign changes.
    double step = std::log(2.0);
    const double uMin = std::log(1e-300), uMax = std::log(1e300);
    for (int k = 0; k < 200 && !cancelled && !failed; ++k) {
        if (flo > 0 && fhi > 0) {
            lo = hi;
            flo = fhi;
            hi = std::min(hi + step, uMax);
            fhi = f(hi);
        } else if (flo < 0 && fhi < 0) {
            hi = lo;
            fhi = flo;
            lo = std::max(lo - step, uMin);
            flo = f(lo);
        } else {
            break;
        }
        step *= 1.6;
        if ((lo <= uMin && flo < 0) || (hi >= uMax && fhi > 0))
            break;
    }
    if (cancelled)
        return stop(Status::Cancelled, "cancelled");
    if (failed)
        return stop(Status::NotConverged, "the threshold equation t(α − κ(t)) = λ has no bracketed root");
    if ((flo > 0 && fhi > 0) || (flo < 0 && fhi < 0))
        return stop(Status::NotConverged, "no sign change of log G(R) − log R found in R ∈ [1e-300, 1e300]");

    // Brent in v = u − lo + 1 ∈ [1, 1 + width], so its tolerance, relative to |v|, is an absolute one in u, i.e.
    // a relative one in R.
    const double width = hi - lo;
    auto g = [&](double v) { return f(v - 1 + lo); };
    const double v = detail::brentRoot(g, 1.0, flo, 1.0 + width, fhi, c.tolerance / (1.0 + width), 200);
    if (cancelled)
        return stop(Status::Cancelled, "cancelled");
    if (failed || !std::isfinite(v))
        return stop(Status::NotConverged, "Brent's method on log G(R) − log R failed");
    const double risk = std::exp(v - 1 + lo);
    const MapValue at = map(risk);
    if (!at.ok)
        return stop(cancelled ? Status::Cancelled : Status::NotConverged, "G(R) failed at the root");
    result.status = Status::Converged;
    result.iterations = evaluations;
    result.risk = at.risk;
    result.delta = at.delta;
    result.threshold = at.threshold;
    result.activeFraction = at.active;
    result.epsilon = at.threshold / c.lambda;
    result.residualOuter = std::abs(at.risk - risk) / at.risk;
    result.residualInner = at.residualInner;
    std::ostringstream msg;
    msg << "fixed point by Brent on log R in " << evaluations << " evaluations (|G(R) − R|/R = " << result.residualOuter
        << ")";
    result.message = msg.str();
    return result;
}

}  // namespace sl
