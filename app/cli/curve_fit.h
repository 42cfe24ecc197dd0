// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

namespace sl::cli {

// One point of a risk curve: the mean excess risk over the seeds that finished and its standard error
// (sample standard deviation / √runs; NaN with fewer than two runs).
struct CurvePointSummary {
    long long samples = 0;
    double nEff = 0;
    double mean = 0;
    double standardError = 0;
    int runs = 0;
    int failed = 0;
};
CurvePointSummary summarise(const std::vector<double>& values);

// Least-squares line log(mean) = intercept + slope·log(n_eff) over the points with a positive finite mean; the
// interval is slope ± t(0.975, m − 2)·SE (Student t; NaN with fewer than three points).
struct SlopeFit {
    double slope = 0;
    double low = 0;
    double high = 0;
    double intercept = 0;
    int used = 0;
};
SlopeFit fitSlope(const std::vector<CurvePointSummary>& points);

// Two-sided 95% quantile of Student's t with `dof` degrees of freedom (dof ≥ 1).
double studentT975(int dof);

}  // namespace sl::cli
