// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/spectrum/tail_fit.h"

#include "core/common/rng.h"
#include "core/common/validation.h"

#include <plfit/plfit.h>
#include <plfit/plfit_error.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <sstream>
#include <thread>

namespace sl {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPreferThreshold = 0.1;  // Clauset 2009 §5: p < 0.1 makes the sign of R meaningful

// Sorted positive data with prefix sums of logs: α for any tail [k, hi) is O(1) (Σ log(x/xmin) = P[hi] − P[k] −
// m log xmin), and the KS scan works on the logs.
struct Sample {
    std::vector<double> x;  // ascending, > 0
    std::vector<double> logX;
    std::vector<double> prefix;  // prefix[i] = Σ_{j<i} logX[j]
    Eigen::ArrayXd ramp;  // 0, 1, 2, ...: the empirical CDF's numerators

    void build()
    {
        const std::size_t n = x.size();
        logX.resize(n);
        prefix.assign(n + 1, 0.0);
        for (std::size_t i = 0; i < n; ++i) {
            logX[i] = std::log(x[i]);
            prefix[i + 1] = prefix[i] + logX[i];
        }
        ramp = Eigen::ArrayXd::LinSpaced(Eigen::Index(n), 0.0, double(n) - 1.0);
    }
};

// The tail model on [xmin, xmax] in t = log(x/xmin): CDF F(t) = scale·(1 − e^(−βt)) with β = α − 1, scale = 1
// untruncated, 1/(1 − r^(−β)) truncated (r = xmax/xmin); `linear` is the β → 0 truncated limit F = t / log r.
struct TailModel {
    double beta = kNaN;
    double scale = 1.0;
    bool linear = false;
    double logR = std::numeric_limits<double>::infinity();
};

// Mean of t = log(x/xmin) under the truncated law, g(β) = 1/β − log r/(r^β − 1); decreasing from log r to 0.
double truncatedMeanLog(double beta, double logR)
{
    const double b = beta * logR;
    if (std::abs(b) < 1e-6)
        return logR / 2 - beta * logR * logR / 12;
    return 1.0 / beta - logR / std::expm1(b);
}

// Fisher information per point for β of the truncated law: Var(t) = 1/β² − log²r · r^β/(r^β − 1)².
double truncatedInformation(double beta, double logR)
{
    const double b = beta * logR;
    if (std::abs(b) < 1e-4)
        return logR * logR / 12 * (1 - b * b / 20);
    const double e = std::expm1(b);
    return 1.0 / (beta * beta) - logR * logR * (e + 1) / (e * e);
}

// MLE β for the truncated law given the mean log t̄ ∈ (0, log r): bisection on the monotone g.
double truncatedBeta(double meanLog, double logR)
{
    double lo = -1.0, hi = 1.0;
    while (truncatedMeanLog(lo, logR) < meanLog && lo > -1e12)
        lo *= 2;
    while (truncatedMeanLog(hi, logR) > meanLog && hi < 1e12)
        hi *= 2;
    for (int it = 0; it < 200 && hi - lo > 1e-15 * std::max(1.0, std::abs(lo) + std::abs(hi)); ++it) {
        const double mid = 0.5 * (lo + hi);
        if (truncatedMeanLog(mid, logR) > meanLog)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

TailModel makeModel(double beta, double logR)
{
    TailModel model;
    model.beta = beta;
    model.logR = logR;
    if (std::isfinite(logR)) {
        if (std::abs(beta * logR) < 1e-10)
            model.linear = true;
        else
            model.scale = 1.0 / -std::expm1(-beta * logR);
    }
    return model;
}

// D = max_j |F(x_j) − j/m| over the tail's m points (ascending), Clauset's plfit.m and plfit's convention (the
// empirical CDF just below each point). Stops early, returning a value > threshold, once the running maximum
// exceeds threshold: such a candidate cannot be the minimum.
double ksDistance(const Sample& s, int k, int m, double logXmin, const TailModel& model, double threshold)
{
    constexpr int kChunk = 128;
    const double invM = 1.0 / m;
    double dmax = 0.0;
    // Every term is a lower bound on D, and the deviation varies slowly with j, so a sparse first pass rejects
    // most hopeless candidates after m/32 points instead of a full chunked scan.
    constexpr int kSparse = 32;
    if (std::isfinite(threshold) && m > 8 * kSparse) {
        const Eigen::Index count = (m + kSparse - 1) / kSparse;
        const Eigen::Map<const Eigen::ArrayXd, 0, Eigen::InnerStride<kSparse>> lx(s.logX.data() + k, count);
        const Eigen::Map<const Eigen::ArrayXd, 0, Eigen::InnerStride<kSparse>> j(s.ramp.data(), count);
        if (model.linear)
            dmax = ((lx - logXmin) / model.logR - j * invM).abs().maxCoeff();
        else
            dmax = ((1.0 - (-model.beta * (lx - logXmin)).exp()) * model.scale - j * invM).abs().maxCoeff();
        if (dmax > threshold)
            return dmax;
    }
    for (int start = 0; start < m; start += kChunk) {
        const int len = std::min(kChunk, m - start);
        const Eigen::Map<const Eigen::ArrayXd> lx(s.logX.data() + k + start, len);
        const auto ecdf = s.ramp.segment(start, len) * invM;
        double d;
        if (model.linear)
            d = ((lx - logXmin) / model.logR - ecdf).abs().maxCoeff();
        else
            d = ((1.0 - (-model.beta * (lx - logXmin)).exp()) * model.scale - ecdf).abs().maxCoeff();
        dmax = std::max(dmax, d);
        if (dmax > threshold)
            return dmax;
    }
    return dmax;
}

// β for the tail [k, hi) at xmin (log logXmin) from the prefix sums; NaN when the tail has no spread.
double betaFor(const Sample& s, int k, int hi, double logXmin, double logR)
{
    const int m = hi - k;
    const double meanLog = (s.prefix[hi] - s.prefix[k]) / m - logXmin;
    if (!(meanLog > 0))
        return kNaN;
    if (!std::isfinite(logR))
        return 1.0 / meanLog;  // α = 1 + m / Σ log(x/xmin)
    if (!(meanLog < logR))
        return kNaN;
    return truncatedBeta(meanLog, logR);
}

struct CoreFit {
    bool ok = false;
    std::string message;
    double alpha = kNaN, xmin = kNaN, ks = kNaN;
    int k = 0, hi = 0;  // tail = x[k, hi)
    int candidates = 0;
    std::vector<std::pair<double, double>> curve;
};

std::string tooFew(int nTail, int minTail)
{
    return "too few eigenvalues for a tail fit (" + std::to_string(nTail) + " in the tail, need at least "
        + std::to_string(minTail) + ")";
}

// The fit on sorted positive data. Every candidate xmin is searched exactly (so the result is the global KS minimum,
// as in Clauset's method): first every stride-th candidate with a full KS scan (these make the curve), then all the
// others with the early exit above, which rejects most of them after a few hundred points.
CoreFit fitSorted(const Sample& s, const TailFitConfig& config, bool wantCurve, int strataWanted)
{
    CoreFit fit;
    const int n = int(s.x.size());
    const bool truncated = std::isfinite(config.xmax);
    const int hi = truncated ? int(std::upper_bound(s.x.begin(), s.x.end(), config.xmax) - s.x.begin()) : n;
    const double logXmax = truncated ? std::log(config.xmax) : std::numeric_limits<double>::infinity();
    fit.hi = hi;

    if (std::isfinite(config.xmin)) {
        const int k = int(std::lower_bound(s.x.begin(), s.x.begin() + hi, config.xmin) - s.x.begin());
        const int m = hi - k;
        if (m < config.minTail) {
            fit.message = tooFew(m, config.minTail);
            return fit;
        }
        const double logXmin = std::log(config.xmin);
        const double beta = betaFor(s, k, hi, logXmin, logXmax - logXmin);
        if (!std::isfinite(beta)) {
            fit.message = "the tail above xmin has no spread (all values equal xmin), no exponent to fit";
            return fit;
        }
        fit.ok = true;
        fit.k = k;
        fit.xmin = config.xmin;
        fit.alpha = 1 + beta;
        fit.ks = ksDistance(s, k, m, logXmin, makeModel(beta, logXmax - logXmin), 2.0);
        fit.candidates = 1;
        if (wantCurve)
            fit.curve.emplace_back(fit.xmin, fit.ks);
        return fit;
    }

    // Candidates: the first index of each block of equal values, with at least minTail points in [x_k, xmax] and
    // some spread above x_k.
    std::vector<int> cand;
    for (int k = 0; k < hi && hi - k >= config.minTail; ++k) {
        if (k > 0 && s.x[k] == s.x[k - 1])
            continue;
        if (s.x[k] == s.x[hi - 1])
            break;
        cand.push_back(k);
    }
    fit.candidates = int(cand.size());
    if (cand.empty()) {
        fit.message = hi < config.minTail ? tooFew(hi, config.minTail)
                                          : std::string("all values in the tail are equal, no exponent to fit");
        return fit;
    }

    const int nc = int(cand.size());
    const int stride = std::max(1, (nc + strataWanted - 1) / std::max(1, strataWanted));
    double bestD = std::numeric_limits<double>::infinity();
    int bestK = -1;
    auto evaluate = [&](int k, double threshold) {
        const double logXmin = s.logX[k];
        const double beta = betaFor(s, k, hi, logXmin, logXmax - logXmin);
        if (!std::isfinite(beta))
            return std::numeric_limits<double>::infinity();
        return ksDistance(s, k, hi - k, logXmin, makeModel(beta, logXmax - logXmin), threshold);
    };
    auto consider = [&](int k, double d) {
        if (d < bestD || (d == bestD && k < bestK)) {
            bestD = d;
            bestK = k;
        }
    };
    for (int c = 0; c < nc; c += stride) {
        const double d = evaluate(cand[c], std::numeric_limits<double>::infinity());
        consider(cand[c], d);
        if (wantCurve && std::isfinite(d))
            fit.curve.emplace_back(s.x[cand[c]], d);
    }
    for (int c = 0; c < nc; ++c) {
        if (c % stride == 0)
            continue;
        consider(cand[c], evaluate(cand[c], bestD));
    }
    if (bestK < 0 || !std::isfinite(bestD)) {
        fit.message = "no xmin candidate gave a finite KS distance";
        return fit;
    }
    fit.ok = true;
    fit.k = bestK;
    fit.xmin = s.x[bestK];
    fit.ks = bestD;
    fit.alpha = 1 + betaFor(s, bestK, hi, s.logX[bestK], logXmax - s.logX[bestK]);
    return fit;
}

std::uint64_t splitMix64(std::uint64_t z)
{
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// --- Likelihood-ratio tests (Clauset 2009 §5 and Appendix C) -----------------------------------------------------

// log of the standard normal upper tail Q(z) = P(Z > z), accurate far into the tail.
double logNormalTail(double z)
{
    if (z < 20)
        return std::log(0.5 * std::erfc(z / std::sqrt(2.0)));
    const double z2 = z * z;
    return -0.5 * z2 - std::log(z) - 0.5 * std::log(2 * M_PI)
        + std::log1p(-1 / z2 + 3 / (z2 * z2) - 15 / (z2 * z2 * z2));
}

LikelihoodRatio vuong(const std::string& name, const Eigen::ArrayXd& pl, const Eigen::ArrayXd& alt)
{
    LikelihoodRatio lr;
    lr.computed = true;
    lr.alternative = name;
    const Eigen::ArrayXd d = pl - alt;
    const double m = double(d.size());
    lr.logLikelihoodRatio = d.sum();
    const double sd = std::sqrt((d - d.mean()).square().sum() / m);
    if (sd > 0) {
        lr.normalizedRatio = lr.logLikelihoodRatio / (sd * std::sqrt(m));
        lr.pValue = std::erfc(std::abs(lr.normalizedRatio) / std::sqrt(2.0));
    } else {
        lr.pValue = 1.0;
    }
    lr.preferred = lr.pValue >= kPreferThreshold ? "inconclusive" : (lr.logLikelihoodRatio > 0 ? "power law" : name);
    return lr;
}

// Two-dimensional Nelder–Mead minimiser (for the truncated log-normal, whose MLE has no closed form).
template <class F>
Eigen::Vector2d nelderMead(const F& f, Eigen::Vector2d start, Eigen::Vector2d step, int maxIter = 4000)
{
    Eigen::Vector2d p[3] = {start, start + Eigen::Vector2d(step(0), 0), start + Eigen::Vector2d(0, step(1))};
    double v[3] = {f(p[0]), f(p[1]), f(p[2])};
    for (int it = 0; it < maxIter; ++it) {
        int order[3] = {0, 1, 2};
        std::sort(order, order + 3, [&](int a, int b) { return v[a] < v[b]; });
        const int b = order[0], m = order[1], w = order[2];
        if (std::abs(v[w] - v[b]) <= 1e-13 * (1 + std::abs(v[b])) && (p[w] - p[b]).norm() < 1e-10)
            break;
        const Eigen::Vector2d c = 0.5 * (p[b] + p[m]);
        const Eigen::Vector2d r = c + (c - p[w]);
        const double fr = f(r);
        if (fr < v[b]) {
            const Eigen::Vector2d e = c + 2 * (c - p[w]);
            const double fe = f(e);
            if (fe < fr) {
                p[w] = e;
                v[w] = fe;
            } else {
                p[w] = r;
                v[w] = fr;
            }
        } else if (fr < v[m]) {
            p[w] = r;
            v[w] = fr;
        } else {
            const Eigen::Vector2d k
                = fr < v[w] ? Eigen::Vector2d(c + 0.5 * (r - c)) : Eigen::Vector2d(c + 0.5 * (p[w] - c));
            const double fk = f(k);
            if (fk < std::min(fr, v[w])) {
                p[w] = k;
                v[w] = fk;
            } else {
                for (int i : {m, w}) {
                    p[i] = p[b] + 0.5 * (p[i] - p[b]);
                    v[i] = f(p[i]);
                }
            }
        }
    }
    int best = 0;
    for (int i = 1; i < 3; ++i)
        if (v[i] < v[best])
            best = i;
    return p[best];
}

// Log-normal on [xmin, ∞): p(x) = φ((ln x − μ)/σ) / (x σ Q((ln xmin − μ)/σ)).
LikelihoodRatio compareLognormal(const Eigen::ArrayXd& logX, double logXmin, const Eigen::ArrayXd& pl)
{
    const double m = double(logX.size());
    const double s1 = logX.sum(), s2 = logX.square().sum();
    const double mean = s1 / m;
    const double sd = std::max(1e-3, std::sqrt(std::max(0.0, s2 / m - mean * mean)));
    auto negLogLik = [&](const Eigen::Vector2d& p) {
        const double mu = p(0), sigma = std::exp(p(1));
        const double quad = (s2 - 2 * mu * s1 + m * mu * mu) / (2 * sigma * sigma);
        return s1 + m * std::log(sigma) + 0.5 * m * std::log(2 * M_PI) + quad
            + m * logNormalTail((logXmin - mu) / sigma);
    };
    const Eigen::Vector2d best = nelderMead(negLogLik, Eigen::Vector2d(mean, std::log(sd)), Eigen::Vector2d(sd, 0.5));
    const double mu = best(0), sigma = std::exp(best(1));
    const Eigen::ArrayXd z = (logX - mu) / sigma;
    const Eigen::ArrayXd alt
        = -logX - std::log(sigma) - 0.5 * std::log(2 * M_PI) - 0.5 * z.square() - logNormalTail((logXmin - mu) / sigma);
    LikelihoodRatio lr = vuong("lognormal", pl, alt);
    lr.parameter1 = mu;
    lr.parameter2 = sigma;
    return lr;
}

// Moments of u = log(x/xmin) and y = e^u under the power law with exponential cutoff in scaled form,
// w(u) ∝ exp((1 − α)u − s e^u), u ≥ 0, s = λ·xmin > 0, by composite Simpson on [0, U] in log space.
struct CutoffMoments {
    double logI = 0;  // log ∫ w
    double eu = 0, ey = 0, vuu = 0, vuy = 0, vyy = 0;
};

CutoffMoments cutoffMoments(double alpha, double s)
{
    const double a = 1 - alpha;
    auto g = [&](double u) { return a * u - s * std::exp(u); };
    const double uStar = (a > s) ? std::log(a / s) : 0.0;
    const double gMax = g(uStar);
    double upper = uStar + 1;
    while (g(upper) > gMax - 45 && upper < 1e4)
        upper *= 1.5;
    const double h0 = std::min(0.02, 0.2 / std::max(1e-12, std::abs(a)));
    int steps = int(std::ceil(upper / h0));
    steps = std::min(std::max(steps + (steps % 2), 200), 200000);
    const double h = upper / steps;
    double w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0;
    for (int i = 0; i <= steps; ++i) {
        const double u = i * h;
        const double y = std::exp(u);
        const double c = (i == 0 || i == steps) ? 1.0 : (i % 2 ? 4.0 : 2.0);
        const double w = c * std::exp(a * u - s * y - gMax);
        w0 += w;
        w1 += w * u;
        w2 += w * y;
        w3 += w * u * u;
        w4 += w * u * y;
        w5 += w * y * y;
    }
    CutoffMoments mom;
    mom.logI = gMax + std::log(w0 * h / 3);
    mom.eu = w1 / w0;
    mom.ey = w2 / w0;
    mom.vuu = w3 / w0 - mom.eu * mom.eu;
    mom.vuy = w4 / w0 - mom.eu * mom.ey;
    mom.vyy = w5 / w0 - mom.ey * mom.ey;
    return mom;
}

// Power law with exponential cutoff on [xmin, ∞), p(x) ∝ x^(−α) e^(−λx). In (α, s = λ xmin) it is an exponential
// family, so the log-likelihood L = −αA − sB − m log I(α, s) (A = Σ log(x/xmin), B = Σ x/xmin) is concave and
// Newton with backtracking on s > 0 finds the maximum. It nests the power law (s → 0).
LikelihoodRatio compareCutoff(const Eigen::ArrayXd& logX, double logXmin, double plAlpha, const Eigen::ArrayXd& pl)
{
    const Eigen::ArrayXd u = logX - logXmin;
    const Eigen::ArrayXd y = u.exp();
    const double m = double(u.size()), A = u.sum(), B = y.sum();
    auto logLik = [&](double alpha, double s, CutoffMoments* out) {
        const CutoffMoments mom = cutoffMoments(alpha, s);
        if (out)
            *out = mom;
        return -alpha * A - s * B - m * mom.logI;
    };
    double alpha = plAlpha, s = 0.01 * m / B;
    CutoffMoments mom;
    double L = logLik(alpha, s, &mom);
    for (int it = 0; it < 200; ++it) {
        const Eigen::Vector2d grad(-A + m * mom.eu, -B + m * mom.ey);
        Eigen::Matrix2d cov;
        cov << mom.vuu, mom.vuy, mom.vuy, mom.vyy;
        const Eigen::Vector2d step = cov.ldlt().solve(grad / m);
        if (!step.allFinite())
            break;
        double t = 1.0;
        bool moved = false;
        for (int bt = 0; bt < 60; ++bt, t *= 0.5) {
            const double a2 = alpha + t * step(0), s2 = s + t * step(1);
            if (!(s2 > 0))
                continue;
            CutoffMoments m2;
            const double L2 = logLik(a2, s2, &m2);
            if (std::isfinite(L2) && L2 >= L) {
                const bool small = std::abs(t * step(0)) < 1e-10 && std::abs(t * step(1)) < 1e-12 * (1 + s);
                alpha = a2;
                s = s2;
                mom = m2;
                moved = L2 > L + 1e-12 * std::abs(L) && !small;
                L = L2;
                break;
            }
        }
        if (!moved)
            break;
    }
    // Per-point log-densities: log p = −α log x − λx − log Z, Z = xmin^(1−α) I, i.e. −α u − s y − log I − log xmin.
    const Eigen::ArrayXd alt = -alpha * u - s * y - mom.logI - logXmin;
    LikelihoodRatio lr;
    lr.computed = true;
    lr.alternative = "truncated power law";
    lr.nested = true;
    const Eigen::ArrayXd d = pl - alt;
    // The nested model can only do at least as well; clamp round-off so R ≤ 0.
    lr.logLikelihoodRatio = std::min(0.0, d.sum());
    const double sd = std::sqrt((d - d.mean()).square().sum() / m);
    lr.normalizedRatio = sd > 0 ? lr.logLikelihoodRatio / (sd * std::sqrt(m)) : 0.0;
    lr.pValue = std::erfc(std::sqrt(std::abs(lr.logLikelihoodRatio)));
    lr.parameter1 = alpha;
    lr.parameter2 = s / std::exp(logXmin);
    lr.preferred = lr.pValue >= kPreferThreshold ? "inconclusive" : "truncated power law";
    return lr;
}

// --- The steps of TailFitter::run -------------------------------------------------------------------------------

// Step 1, the guards (never a silent α): NaN/Inf anywhere, no value, no positive value, all values equal. On
// success `s` holds the positive values, sorted and prepared, and out.nUsed/nDropped count them; otherwise
// out.message says why and the result stays Invalid.
bool preparePositiveSample(const Eigen::VectorXd& values, Sample& s, TailFit& out)
{
    const int total = int(values.size());
    int nNaN = 0, nInf = 0;
    for (int i = 0; i < total; ++i) {
        nNaN += std::isnan(values[i]);
        nInf += std::isinf(values[i]);
    }
    if (nNaN + nInf > 0) {
        std::ostringstream msg;
        msg << "the spectrum contains ";
        if (nNaN > 0)
            msg << nNaN << " NaN" << (nInf > 0 ? " and " : "");
        if (nInf > 0)
            msg << nInf << " infinite";
        msg << " value" << (nNaN + nInf > 1 ? "s" : "") << " (of " << total << "); no tail fit";
        out.message = msg.str();
        return false;
    }
    if (total == 0) {
        out.message = "the spectrum is empty; no tail fit";
        return false;
    }
    s.x.reserve(total);
    for (int i = 0; i < total; ++i)
        if (values[i] > 0)
            s.x.push_back(values[i]);
    out.nUsed = int(s.x.size());
    out.nDropped = total - out.nUsed;
    if (s.x.empty()) {
        const bool allZero = (values.array() == 0).all();
        out.message = allZero ? "all " + std::to_string(total) + " values are zero (rank collapse); no tail to fit"
                              : "no positive value (all " + std::to_string(total) + " are <= 0); no tail to fit";
        return false;
    }
    std::sort(s.x.begin(), s.x.end());
    if (s.x.front() == s.x.back() && out.nUsed > 1) {
        std::ostringstream msg;
        msg << "all " << out.nUsed << " positive values are equal (" << s.x.front()
            << "), a constant spectrum has no tail to fit";
        out.message = msg.str();
        return false;
    }
    s.build();
    return true;
}

// The fitted law on the chosen tail x[k, k + m), what the likelihood ratios and the bootstrap need of it.
struct ChosenTail {
    int k = 0, m = 0;
    bool truncated = false;
    double logXmin = 0, logR = 0, beta = 0;
    TailModel model;
    Eigen::ArrayXd logTail;  // log x over the tail
    Eigen::ArrayXd logDensity;  // log p(x) of the fitted power law over the tail
};

// Step 3, the final numbers for the tail the xmin search chose, recomputed directly (not from prefix sums) for
// accuracy: α, its standard error, xmin, the tail size, the KS distance and the log-likelihood.
ChosenTail describeChosenTail(const Sample& s, const CoreFit& fit, const TailFitConfig& config, TailFit& out)
{
    ChosenTail t;
    t.k = fit.k;
    t.m = fit.hi - fit.k;
    const int m = t.m;
    t.truncated = std::isfinite(config.xmax);
    t.logXmin = std::log(fit.xmin);
    t.logTail = Eigen::Map<const Eigen::ArrayXd>(s.logX.data() + fit.k, m);
    const double sumLog = (t.logTail - t.logXmin).sum();
    t.logR = t.truncated ? std::log(config.xmax) - t.logXmin : std::numeric_limits<double>::infinity();
    t.beta = t.truncated ? truncatedBeta(sumLog / m, t.logR) : m / sumLog;
    out.alpha = 1 + t.beta;
    out.xmin = fit.xmin;
    out.nTail = m;
    out.ks = ksDistance(s, fit.k, m, t.logXmin, makeModel(t.beta, t.logR), 2.0);
    t.model = makeModel(t.beta, t.logR);
    // log p(x) = log(β·scale) − log xmin − α log(x/xmin); the truncated β → 0 limit is 1/(x log r).
    const double logNorm = t.model.linear ? -std::log(t.logR) : std::log(t.beta * t.model.scale);
    t.logDensity = logNorm - t.logXmin - out.alpha * (t.logTail - t.logXmin);
    out.logLikelihood = t.logDensity.sum();
    out.sigma = t.truncated ? 1.0 / std::sqrt(m * truncatedInformation(t.beta, t.logR)) : t.beta / std::sqrt(double(m));
    return t;
}

// Step 4, likelihood ratios of the power law against the exponential, the log-normal and the power law with
// exponential cutoff on the tail (untruncated fits only: the alternatives are defined on [xmin, ∞)).
void compareAlternatives(const ChosenTail& t, double xmin, TailFit& out)
{
    const double meanExcess = (t.logTail.exp() - xmin).mean();
    if (meanExcess > 0) {
        const double lambda = 1.0 / meanExcess;
        const Eigen::ArrayXd expDensity = std::log(lambda) - lambda * (t.logTail.exp() - xmin);
        out.vsExponential = vuong("exponential", t.logDensity, expDensity);
        out.vsExponential.parameter1 = lambda;
    }
    out.vsLognormal = compareLognormal(t.logTail, t.logXmin, t.logDensity);
    out.vsTruncatedPowerLaw = compareCutoff(t.logTail, t.logXmin, out.alpha, t.logDensity);
}

// Step 5, the semi-parametric bootstrap (Clauset 2009 §4.1): each replicate draws n points, each from the fitted
// tail law with probability nTail/n and otherwise uniformly from the data outside the tail, then refits with the
// same configuration (xmin re-estimated unless fixed). Fills out.pValue (the fraction of replicates whose D exceeds
// the observed D) and out.replicatesUsed. Replicate i's draws come from seed ⊕ i alone, so the result does not
// depend on the thread count.
struct BootstrapOutcome {
    bool cancelled = false;
    int done = 0;  // replicates finished
};

BootstrapOutcome bootstrapPValue(const Sample& s, const CoreFit& fit, const ChosenTail& tail,
    const TailFitConfig& config, const Observer<BootstrapProgress>& observer, const CancelToken& cancel, TailFit& out)
{
    const int replicates = config.bootstrapReplicates;
    std::vector<double> body;
    body.insert(body.end(), s.x.begin(), s.x.begin() + fit.k);
    body.insert(body.end(), s.x.begin() + fit.hi, s.x.end());
    const int n = out.nUsed;
    const double pTail = double(tail.m) / n;
    std::vector<double> repD(replicates, kNaN);
    std::atomic<int> next{0}, done{0};
    TailFitConfig repConfig = config;
    repConfig.bootstrapReplicates = 0;
    repConfig.likelihoodRatios = false;
    // With xmin fixed the replicate's tail size is binomial; dropping replicates below minTail would bias the
    // null distribution of D, so they keep every tail (the D statistic is defined for any size).
    if (out.xminFixed)
        repConfig.minTail = 2;
    const double xminDraw = fit.xmin;
    const double alpha = out.alpha;
    const bool truncated = tail.truncated;
    const TailModel& model = tail.model;
    const double logR = tail.logR, beta = tail.beta;
    auto work = [&](bool reporter) {
        Sample r;
        while (true) {
            if (cancel.isCancelled())
                return;
            const int i = next.fetch_add(1);
            if (i >= replicates)
                return;
            Rng rng(splitMix64(config.seed ^ splitMix64(std::uint64_t(i) + 1)));
            r.x.resize(n);
            for (int j = 0; j < n; ++j) {
                const double u = rng.uniform();
                if (u < pTail || body.empty()) {
                    const double v = rng.uniform();
                    // Inverse CDF of the fitted law; truncated: (1 − v(1 − r^(−β)))^(−1/β).
                    if (!truncated)
                        r.x[j] = xminDraw * std::pow(v, -1.0 / (alpha - 1));
                    else if (model.linear)
                        r.x[j] = xminDraw * std::exp(v * logR);
                    else
                        r.x[j] = xminDraw * std::exp(-std::log1p(-v / model.scale) / beta);
                } else {
                    r.x[j] = body[std::min<std::size_t>(body.size() - 1, std::size_t(rng.uniform() * body.size()))];
                }
            }
            std::sort(r.x.begin(), r.x.end());
            r.build();
            const CoreFit rf = fitSorted(r, repConfig, false, 64);
            if (rf.ok)
                repD[i] = rf.ks;
            const int d = done.fetch_add(1) + 1;
            if (reporter && observer)
                observer(BootstrapProgress{d, replicates});
        }
    };
    const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
    const int threads = std::min(replicates, config.threads > 0 ? config.threads : int(hardware));
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(work, false);
    work(true);
    for (auto& t : pool)
        t.join();
    if (cancel.isCancelled()) {
        out.pValue = kNaN;
        return {true, done.load()};
    }
    if (observer)
        observer(BootstrapProgress{replicates, replicates});
    int valid = 0, larger = 0;
    for (double d : repD) {
        if (std::isnan(d))
            continue;
        ++valid;
        larger += d > out.ks;
    }
    out.replicatesUsed = valid;
    out.pValue = valid > 0 ? double(larger) / valid : kNaN;
    return {false, replicates};
}

}  // namespace

void TailFitConfig::validate() const
{
    if (!std::isnan(xmin))
        requirePositive("xmin", xmin);
    if (!std::isnan(xmax)) {
        requirePositive("xmax", xmax);
        if (!std::isnan(xmin) && !(xmax > xmin))
            throw ValidationError(
                "xmax", "must be > xmin (got xmax " + std::to_string(xmax) + ", xmin " + std::to_string(xmin) + ")");
    }
    requireAtLeast("minTail", minTail, 2);
    requireAtLeast("maxCurvePoints", maxCurvePoints, 1);
    requireAtLeast("bootstrapReplicates", bootstrapReplicates, 0);
    requireAtLeast("threads", threads, 0);
}

TailFitter::TailFitter(const TailFitConfig& config) : m_config(config)
{
    m_config.validate();
}

TailFit TailFitter::run(
    const Eigen::VectorXd& values, const Observer<BootstrapProgress>& observer, const CancelToken& cancel) const
{
    TailFit out;
    out.xmax = m_config.xmax;
    out.xminFixed = std::isfinite(m_config.xmin);
    const int total = int(values.size());
    if (cancel.isCancelled()) {
        out.status = Status::Cancelled;
        out.message = "cancelled before the fit";
        return out;
    }
    Sample s;
    if (!preparePositiveSample(values, s, out))
        return out;
    const std::string dropped = out.nDropped > 0 ? "; dropped " + std::to_string(out.nDropped) + " non-positive value"
            + (out.nDropped > 1 ? "s" : "") + " of " + std::to_string(total)
                                                 : std::string();

    // Step 2, xmin: the KS minimum over every candidate (fitSorted).
    const CoreFit fit = fitSorted(s, m_config, true, m_config.maxCurvePoints);
    out.candidates = fit.candidates;
    out.ksCurve = fit.curve;
    if (!fit.ok) {
        out.message = fit.message + dropped;
        return out;
    }
    const ChosenTail tail = describeChosenTail(s, fit, m_config, out);
    if (m_config.likelihoodRatios && !tail.truncated)
        compareAlternatives(tail, fit.xmin, out);

    out.status = Status::Converged;
    std::ostringstream msg;
    msg << "alpha = " << out.alpha << " +/- " << out.sigma << " on " << tail.m << " points above xmin = " << out.xmin;
    if (tail.truncated)
        msg << " (truncated at xmax = " << m_config.xmax << ")";
    msg << ", KS D = " << out.ks << dropped;

    const int replicates = m_config.bootstrapReplicates;
    if (replicates > 0) {
        const BootstrapOutcome bootstrap = bootstrapPValue(s, fit, tail, m_config, observer, cancel, out);
        if (bootstrap.cancelled) {
            out.status = Status::Cancelled;
            out.message = msg.str() + "; bootstrap cancelled after " + std::to_string(bootstrap.done) + " of "
                + std::to_string(replicates) + " replicates";
            return out;
        }
        msg << ", bootstrap p = " << out.pValue << " (" << out.replicatesUsed << " of " << replicates << " replicates)";
    }
    out.message = msg.str();
    return out;
}

TailFit fitPowerLawTail(const Eigen::VectorXd& values, const TailFitConfig& config)
{
    return TailFitter(config).run(values);
}

PlfitResult plfitReference(const Eigen::VectorXd& values, double fixedXmin)
{
    PlfitResult out;
    // plfit's default error handler aborts: hand it only data it accepts.
    if (values.size() < 2 || !values.allFinite() || !(values.array() > 0).all())
        return out;
    if (!std::isnan(fixedXmin) && !(fixedXmin > 0 && (values.array() >= fixedXmin).any()))
        return out;
    std::vector<double> data(values.data(), values.data() + values.size());
    plfit_continuous_options_t options;
    plfit_continuous_options_init(&options);
    options.finite_size_correction = 0;
    options.xmin_method = PLFIT_LINEAR_ONLY;
    options.p_value_method = PLFIT_P_VALUE_SKIP;
    plfit_result_t result;
    const int rc = std::isnan(fixedXmin)
        ? plfit_continuous(data.data(), data.size(), &options, &result)
        : plfit_estimate_alpha_continuous(data.data(), data.size(), fixedXmin, &options, &result);
    if (rc != PLFIT_SUCCESS)
        return out;
    out.ok = true;
    out.alpha = result.alpha;
    out.xmin = result.xmin;
    out.ks = result.D;
    out.logLikelihood = result.L;
    return out;
}

}  // namespace sl
