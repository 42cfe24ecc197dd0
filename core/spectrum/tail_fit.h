// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/observer.h"
#include "core/common/status.h"

#include <Eigen/Dense>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace sl {

// Power-law tail fit of a spectrum after Clauset, Shalizi & Newman (SIAM Review 51, 661 (2009)), continuous case.
// The tail exponent of the trained weights' ESD is compared with the predicted α_WW = 1 + 1/γ
// (docs/theory/spectra.md §5, §6).
//
// What is ours and what is plfit's (Debian libplfit 0.9.4): the xmin search, the D-versus-xmin curve, the minimum
// tail size, the truncated fit on [xmin, xmax], the thread-parallel, seeded, cancellable bootstrap and the
// likelihood-ratio tests are written here, because plfit has none of them (it scans every unique value, even a tail
// of one point, has no xmax, no curve, and its bootstrap is single-threaded or OpenMP with its own RNG and cannot be
// cancelled). The estimator is plfit's (the same MLE, the same KS convention), and the tests check that our fit
// agrees with plfit's to 1e-6; plfitReference() exposes plfit's own answer so the app can show both.

inline constexpr int kMinTailPoints = 50;

struct TailFitConfig {
    // Fixed xmin (> 0) when finite; otherwise xmin minimises the KS distance over the candidates.
    double xmin = std::numeric_limits<double>::quiet_NaN();
    // Upper truncation (> xmin) when finite: the fit uses the truncated power law on [xmin, xmax].
    double xmax = std::numeric_limits<double>::quiet_NaN();
    // Fewest points a tail may have; candidates xmin with fewer points above them are not tried (and the fit is
    // Invalid when even the lowest candidate has fewer).
    int minTail = kMinTailPoints;
    // At most this many (xmin, D) points in TailFit::ksCurve; every candidate is still searched (see tail_fit.cpp).
    int maxCurvePoints = 300;
    // Semi-parametric bootstrap replicates for the goodness-of-fit p-value; 0 skips it (pValue = NaN).
    int bootstrapReplicates = 0;
    std::uint64_t seed = 1;
    // Worker threads for the bootstrap; 0 means std::thread::hardware_concurrency(). The result does not depend
    // on it (one seed per replicate).
    int threads = 0;
    // Vuong / nested likelihood-ratio tests against the alternatives (only for an untruncated fit).
    bool likelihoodRatios = true;

    // Throws sl::ValidationError naming the parameter.
    void validate() const;
};

// One likelihood-ratio comparison of the power law (model 1) against an alternative (model 2) on the tail.
// R = Σ log p_pl(x_i) − Σ log p_alt(x_i): positive favours the power law. For the non-nested alternatives
// (exponential, log-normal) p is Vuong's two-sided p-value of the normalised R (Clauset 2009 eq. C.6). The truncated
// power law nests the power law (λ = 0), so there R ≤ 0 and p is the chi-square rule Clauset uses for nested models:
// p = P(χ²₁ > 2|R|) = erfc(√|R|); a small p says the cutoff is significant.
struct LikelihoodRatio {
    bool computed = false;
    std::string alternative;  // "exponential", "lognormal", "truncated power law"
    bool nested = false;
    double logLikelihoodRatio = std::numeric_limits<double>::quiet_NaN();  // R
    double normalizedRatio = std::numeric_limits<double>::quiet_NaN();  // R / (σ √n), Vuong's statistic
    double pValue = std::numeric_limits<double>::quiet_NaN();
    // The alternative's fitted parameters: exponential (λ, –), lognormal (μ, σ) of log x, truncated power law
    // (α, λ) for p(x) ∝ x^(−α) e^(−λx).
    double parameter1 = std::numeric_limits<double>::quiet_NaN();
    double parameter2 = std::numeric_limits<double>::quiet_NaN();
    // "power law", the alternative's name, or "inconclusive" (p ≥ 0.1, Clauset's threshold).
    std::string preferred;
};

struct TailFit : ResultStatus {
    double alpha = std::numeric_limits<double>::quiet_NaN();
    double sigma = std::numeric_limits<double>::quiet_NaN();  // standard error of alpha
    double xmin = std::numeric_limits<double>::quiet_NaN();
    double xmax = std::numeric_limits<double>::quiet_NaN();  // NaN if untruncated
    double ks = std::numeric_limits<double>::quiet_NaN();  // KS distance D of the tail
    int nTail = 0;
    int nUsed = 0;  // positive finite values the fit saw
    int nDropped = 0;  // non-positive values dropped before the fit
    double logLikelihood = std::numeric_limits<double>::quiet_NaN();  // of the tail under the fitted law
    bool xminFixed = false;
    std::vector<std::pair<double, double>> ksCurve;  // (xmin candidate, D), increasing xmin
    int candidates = 0;  // xmin candidates searched (every one, whether or not it is on the curve)
    double pValue = std::numeric_limits<double>::quiet_NaN();  // NaN if not computed
    int replicatesUsed = 0;  // bootstrap replicates that gave a valid fit
    LikelihoodRatio vsExponential;
    LikelihoodRatio vsLognormal;
    LikelihoodRatio vsTruncatedPowerLaw;
};

struct BootstrapProgress {
    int done = 0;
    int total = 0;
};

class TailFitter {
public:
    explicit TailFitter(const TailFitConfig& config);  // validates

    // Fits the tail of `values` (any order). Guards return status Invalid with a message, never a silent α:
    // NaN/Inf anywhere; no positive value; all values equal; fewer than minTail points in the tail. Non-positive
    // values are dropped (zeros are the ESD's rank-deficiency spike, docs/theory/spectra.md §1) and counted in the
    // message. The observer sees bootstrap progress on the calling thread; cancel is polled before every replicate.
    TailFit run(const Eigen::VectorXd& values, const Observer<BootstrapProgress>& observer = {},
        const CancelToken& cancel = {}) const;

    const TailFitConfig& config() const { return m_config; }

private:
    TailFitConfig m_config;
};

// Convenience: TailFitter(config).run(values).
TailFit fitPowerLawTail(const Eigen::VectorXd& values, const TailFitConfig& config = {});

// plfit 0.9.4's own continuous fit (linear xmin scan over every unique value but the largest, no finite-size
// correction, no p-value); with a finite fixedXmin, plfit's α for that xmin. For display next to ours and tests.
struct PlfitResult {
    bool ok = false;
    double alpha = std::numeric_limits<double>::quiet_NaN();
    double xmin = std::numeric_limits<double>::quiet_NaN();
    double ks = std::numeric_limits<double>::quiet_NaN();
    double logLikelihood = std::numeric_limits<double>::quiet_NaN();
};
PlfitResult plfitReference(const Eigen::VectorXd& values, double fixedXmin = std::numeric_limits<double>::quiet_NaN());

}  // namespace sl
