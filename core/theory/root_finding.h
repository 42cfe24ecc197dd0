// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

namespace sl {
namespace detail {

// Brent's bracketing root finder (inverse quadratic interpolation safeguarded by bisection) for the inner
// equations of the state evolutions: the bracket is kept at every step, so it is as safe as the bisection
// docs/theory/state-evolution.md §4, §7 asks for, in ~10 evaluations instead of ~50. Requires f(lo), f(hi) of opposite
// signs (or zero). Returns the root, or NaN if the bracket is invalid. `evaluations` counts calls of f.
template <class F>
double brentRoot(
    F&& f, double lo, double flo, double hi, double fhi, double relTol, int maxIter, int* evaluations = nullptr)
{
    if (std::isnan(flo) || std::isnan(fhi) || (flo > 0 && fhi > 0) || (flo < 0 && fhi < 0))
        return std::numeric_limits<double>::quiet_NaN();
    if (flo == 0)
        return lo;
    if (fhi == 0)
        return hi;
    double a = lo, b = hi, fa = flo, fb = fhi;
    double c = a, fc = fa, d = b - a, e = d;
    int count = 0;
    for (int iter = 0; iter < maxIter; ++iter) {
        if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
            c = a;
            fc = fa;
            d = e = b - a;
        }
        if (std::abs(fc) < std::abs(fb)) {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        const double tol = 2 * std::numeric_limits<double>::epsilon() * std::abs(b) + 0.5 * relTol * std::abs(b);
        const double m = 0.5 * (c - b);
        if (std::abs(m) <= tol || fb == 0)
            break;
        if (std::abs(e) >= tol && std::abs(fa) > std::abs(fb)) {
            double p, q, r;
            const double s = fb / fa;
            if (a == c) {
                p = 2 * m * s;
                q = 1 - s;
            } else {
                q = fa / fc;
                r = fb / fc;
                p = s * (2 * m * q * (q - r) - (b - a) * (r - 1));
                q = (q - 1) * (r - 1) * (s - 1);
            }
            if (p > 0)
                q = -q;
            else
                p = -p;
            if (2 * p < std::min(3 * m * q - std::abs(tol * q), std::abs(e * q))) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = d;
            }
        } else {
            d = m;
            e = d;
        }
        a = b;
        fa = fb;
        b += std::abs(d) > tol ? d : (m > 0 ? tol : -tol);
        fb = f(b);
        ++count;
    }
    if (evaluations)
        *evaluations = count;
    return b;
}

}  // namespace detail
}  // namespace sl
