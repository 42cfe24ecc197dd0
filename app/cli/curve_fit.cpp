// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/curve_fit.h"

#include <cmath>
#include <limits>

namespace sl::cli {

CurvePointSummary summarise(const std::vector<double>& values)
{
    CurvePointSummary s;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    s.runs = int(values.size());
    if (values.empty()) {
        s.mean = s.standardError = nan;
        return s;
    }
    double sum = 0;
    for (double v : values)
        sum += v;
    s.mean = sum / double(values.size());
    if (values.size() < 2) {
        s.standardError = nan;
        return s;
    }
    double ss = 0;
    for (double v : values)
        ss += (v - s.mean) * (v - s.mean);
    s.standardError = std::sqrt(ss / double(values.size() - 1)) / std::sqrt(double(values.size()));
    return s;
}

double studentT975(int dof)
{
    // Table for small dof; beyond 30 the Cornish–Fisher expansion around z = 1.959964 is accurate to ~1e-4.
    static const double table[] = {12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
        2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687, 2.0639,
        2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423};
    if (dof >= 1 && dof <= 30)
        return table[dof - 1];
    const double z = 1.959963985;
    const double n = double(dof);
    return z + (z * z * z + z) / (4 * n) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
}

SlopeFit fitSlope(const std::vector<CurvePointSummary>& points)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> x, y;
    for (const CurvePointSummary& p : points) {
        if (p.nEff > 0 && std::isfinite(p.mean) && p.mean > 0) {
            x.push_back(std::log(p.nEff));
            y.push_back(std::log(p.mean));
        }
    }
    SlopeFit fit;
    fit.used = int(x.size());
    fit.slope = fit.low = fit.high = fit.intercept = nan;
    const size_t m = x.size();
    if (m < 2)
        return fit;
    double mx = 0, my = 0;
    for (size_t i = 0; i < m; ++i) {
        mx += x[i];
        my += y[i];
    }
    mx /= double(m);
    my /= double(m);
    double sxx = 0, sxy = 0;
    for (size_t i = 0; i < m; ++i) {
        sxx += (x[i] - mx) * (x[i] - mx);
        sxy += (x[i] - mx) * (y[i] - my);
    }
    if (!(sxx > 0))
        return fit;
    fit.slope = sxy / sxx;
    fit.intercept = my - fit.slope * mx;
    if (m < 3)
        return fit;
    double sse = 0;
    for (size_t i = 0; i < m; ++i) {
        const double r = y[i] - fit.intercept - fit.slope * x[i];
        sse += r * r;
    }
    const double se = std::sqrt(sse / double(m - 2) / sxx);
    const double t = studentT975(int(m) - 2);
    fit.low = fit.slope - t * se;
    fit.high = fit.slope + t * se;
    return fit;
}

}  // namespace sl::cli
