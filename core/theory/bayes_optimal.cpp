// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/bayes_optimal.h"

#include "core/common/validation.h"
#include "core/theory/root_finding.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

namespace sl {

namespace {

// 8-point Gauss–Legendre nodes and weights on [−1, 1].
constexpr std::array<double, 4> kNodes{0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363};
constexpr std::array<double, 4> kWeights{
    0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};

// log(1 + e^x) without overflow.
double softplus(double x)
{
    return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

// log m(s), m(s) = E[1 − tanh(Y)], Y = s + √s g ~ N(s, s), by composite Gauss–Legendre in y, computed in log space
// (m(s) ~ e^(−s/2) underflows for s ≳ 1400). docs/theory/noiseless-and-lambda.md §4 explains the integration range:
// the density's own bulk [s − 20√s, s + 20√s], clipped to [−45, 45] where 1 − tanh(y) ≈ 2e^(−2y) and the density
// ratio p(y)/p(0) ≈ e^y make the integrand negligible (< e^(−45) of its mass) — except that when the bulk lies
// entirely right of 0 the mass sits in the density's left tail near y = 0 and the range starts at −45.
double logBinaryMmseQuadrature(double s)
{
    const double root = std::sqrt(s);
    const double bulkLo = s - 20 * root, bulkHi = s + 20 * root;
    const double lo = bulkLo < 0 ? std::max(bulkLo, -45.0) : -45.0;
    const double hi = std::min(bulkHi, 45.0);
    const double piece = std::min(1.0, 0.5 * root);
    const int pieces = std::max(1, int(std::ceil((hi - lo) / piece)));
    const double h = (hi - lo) / pieces;
    std::vector<double> logValues, weights;
    logValues.reserve(std::size_t(pieces) * 8);
    weights.reserve(std::size_t(pieces) * 8);
    double shift = -std::numeric_limits<double>::infinity();
    const double logNorm = -0.5 * std::log(2 * M_PI * s);
    for (int p = 0; p < pieces; ++p) {
        const double centre = lo + (p + 0.5) * h;
        for (std::size_t k = 0; k < kNodes.size(); ++k) {
            for (const double sign : {-1.0, 1.0}) {
                const double y = centre + sign * kNodes[k] * h / 2;
                const double logH = std::log(2.0) - softplus(2 * y);
                const double logP = logNorm - (y - s) * (y - s) / (2 * s);
                logValues.push_back(logH + logP);
                weights.push_back(kWeights[k] * h / 2);
                shift = std::max(shift, logH + logP);
            }
        }
    }
    double total = 0;
    for (std::size_t i = 0; i < logValues.size(); ++i)
        total += weights[i] * std::exp(logValues[i] - shift);
    return std::log(total) + shift;
}

constexpr double kTableMinSnr = 1e-10, kTableMaxSnr = 1e4;
constexpr int kTableSize = 3000;

struct MmseTable {
    double u0 = 0, step = 0;
    std::vector<double> logM;
    MmseTable()
    {
        u0 = std::log(kTableMinSnr);
        step = (std::log(kTableMaxSnr) - u0) / (kTableSize - 1);
        logM.resize(kTableSize);
        for (int i = 0; i < kTableSize; ++i)
            logM[std::size_t(i)] = logBinaryMmseQuadrature(std::exp(u0 + i * step));
    }
};

const MmseTable& table()
{
    static const MmseTable instance;  // thread-safe initialisation (C++11)
    return instance;
}

}  // namespace

double binaryChannelMmseQuadrature(double snr)
{
    requireNonNegative("snr", snr);
    if (snr < 1e-14)
        return 1 - snr + snr * snr;
    return std::exp(logBinaryMmseQuadrature(snr));
}

double binaryChannelMmse(double snr)
{
    if (!(snr >= 0))
        return std::numeric_limits<double>::quiet_NaN();
    if (snr < kTableMinSnr)
        return 1 - snr + snr * snr;  // E tanh(s + √s g) = s − s² + O(s³)
    if (snr >= kTableMaxSnr)
        return 0.0;  // < e^(−5000)
    const MmseTable& t = table();
    // Cubic Lagrange interpolation through the four nearest nodes, in (log s, log m).
    const double x = (std::log(snr) - t.u0) / t.step;
    int i = int(std::floor(x)) - 1;
    i = std::clamp(i, 0, kTableSize - 4);
    const double f = x - i;  // in [0, 3] up to clamping
    const double* y = t.logM.data() + i;
    const double l0 = -(f - 1) * (f - 2) * (f - 3) / 6, l1 = f * (f - 2) * (f - 3) / 2;
    const double l2 = -f * (f - 1) * (f - 3) / 2, l3 = f * (f - 1) * (f - 2) / 6;
    return std::min(1.0, std::exp(l0 * y[0] + l1 * y[1] + l2 * y[2] + l3 * y[3]));
}

const char* toString(BayesPrior prior)
{
    return prior == BayesPrior::Gaussian ? "gaussian" : "random-signs";
}

BayesPrior bayesPriorFor(LassoTeacherMode mode)
{
    return mode == LassoTeacherMode::VarianceProfile ? BayesPrior::Gaussian : BayesPrior::RandomSigns;
}

BayesOptimalConfig bayesOptimalConfigFor(const StateEvolutionModel& model, double nEff)
{
    BayesOptimalConfig config;
    config.teacher = model.resolvedLassoTeacher();
    config.prior = bayesPriorFor(model.lassoMode);
    config.alpha = nEff / model.d;
    config.noise = model.noise;
    return config;
}

double bayesPosteriorMean(BayesPrior prior, double teacherValue, double delta, double z)
{
    const double d2 = delta * delta;
    if (prior == BayesPrior::Gaussian)
        return teacherValue * z / (teacherValue + d2);
    const double a = std::abs(teacherValue);
    return a * std::tanh(a * z / d2);
}

double bayesScalarMmse(BayesPrior prior, double teacherValue, double delta)
{
    const double d2 = delta * delta;
    if (prior == BayesPrior::Gaussian)
        return teacherValue + d2 > 0 ? teacherValue * d2 / (teacherValue + d2) : 0.0;
    const double a2 = teacherValue * teacherValue;
    if (a2 == 0)
        return 0.0;
    if (d2 == 0)
        return 0.0;
    return a2 * binaryChannelMmse(a2 / d2);
}

double bayesOptimalMmse(BayesPrior prior, const Eigen::VectorXd& teacher, double delta)
{
    double total = 0;
    for (Eigen::Index i = 0; i < teacher.size(); ++i)
        total += bayesScalarMmse(prior, teacher[i], delta);
    return total / double(teacher.size());
}

void BayesOptimalConfig::validate() const
{
    if (teacher.size() < 1)
        throw ValidationError("teacher", "must have at least one coordinate");
    for (Eigen::Index i = 0; i < teacher.size(); ++i) {
        if (!std::isfinite(teacher[i]))
            throw ValidationError("teacher", "must be finite");
        if (prior == BayesPrior::Gaussian && teacher[i] < 0)
            throw ValidationError("teacher", "variances must be >= 0");
    }
    requirePositive("alpha", alpha);
    requireNonNegative("noise", noise);
    requirePositive("tolerance", tolerance);
}

BayesOptimalResult solveBayesOptimal(const BayesOptimalConfig& config, const CancelToken& cancel)
{
    config.validate();
    const BayesOptimalConfig& c = config;
    BayesOptimalResult result;
    result.alpha = c.alpha;
    result.noise = c.noise;
    const double d = double(c.teacher.size());
    const double riskZero = c.prior == BayesPrior::Gaussian ? c.teacher.sum() / d : c.teacher.squaredNorm() / d;
    auto exact = [&](const char* why) {
        result.status = Status::Converged;
        result.exactRecovery = c.noise == 0;
        result.risk = 0;
        result.delta = std::sqrt(c.noise / c.alpha);
        result.message = why;
        return result;
    };
    if (riskZero == 0)
        return exact("zero teacher: R_BO = 0");
    if (c.prior == BayesPrior::Gaussian && c.noise == 0 && c.alpha >= 1)
        return exact("Δ = 0, α ≥ 1, Gaussian prior: n ≥ d noiseless equations determine θ*, R_BO = 0");

    bool cancelled = false;
    // F(x) = (Δ + R_BO(√x))/α − x in x = δ²: ≤ 0 at the uninformed start x0, ≥ 0 at Δ/α.
    auto F = [&](double x) {
        if (cancel.isCancelled()) {
            cancelled = true;
            return 0.0;
        }
        ++result.evaluations;
        return (c.noise + bayesOptimalMmse(c.prior, c.teacher, std::sqrt(x))) / c.alpha - x;
    };
    double floor = c.noise / c.alpha;
    if (c.noise == 0) {
        if (c.prior == BayesPrior::Gaussian) {
            floor = 0;  // α < 1: F(x)/x → 1/α − 1 > 0 as x → 0, the scan stops before 0
        } else {
            // Below min a_i²/200 every channel has snr > 200 and m(s) < e^(−100): R_BO(√x)/(αx) ≪ 1, no root.
            double smallest = std::numeric_limits<double>::infinity();
            for (Eigen::Index i = 0; i < c.teacher.size(); ++i)
                if (c.teacher[i] != 0)
                    smallest = std::min(smallest, c.teacher[i] * c.teacher[i]);
            floor = smallest / 200;
        }
    }
    const double ratio = c.prior == BayesPrior::Gaussian ? 0.25 : 0.8;  // Gaussian: unique root, larger steps
    double hi = (c.noise + riskZero) / c.alpha, fhi = F(hi);
    if (cancelled) {
        result.status = Status::Cancelled;
        result.message = "cancelled";
        return result;
    }
    if (fhi >= 0) {
        result.status = Status::Converged;
        result.risk = riskZero;
        result.delta = std::sqrt(hi);
        result.message = "uninformed start is the fixed point: R_BO = R(0)";
        return result;
    }
    double lo = hi, flo = fhi;
    for (int k = 0; k < 5000 && !cancelled; ++k) {
        lo = std::max(hi * ratio, floor);
        if (lo <= 0)
            lo = hi * ratio;
        flo = F(lo);
        if (flo >= 0 || lo <= floor)
            break;
        hi = lo;
        fhi = flo;
    }
    if (cancelled) {
        result.status = Status::Cancelled;
        result.message = "cancelled";
        return result;
    }
    if (flo < 0) {
        if (c.noise == 0)
            return exact("Δ = 0: no fixed point with δ > 0 below the uninformed start, R_BO = 0 (exact recovery)");
        result.status = Status::NotConverged;
        result.message = "no sign change of α δ² − Δ − R_BO(δ) found";
        return result;
    }
    if (flo == 0) {
        hi = lo;
    } else {
        // Brent in v = log x − log lo + 1 (tolerance relative to v is absolute in log x).
        const double base = std::log(lo), width = std::log(hi) - base;
        auto g = [&](double v) { return F(std::exp(v - 1 + base)); };
        const double v = detail::brentRoot(g, 1.0, flo, 1.0 + width, fhi, c.tolerance / (1 + width), 300);
        if (cancelled) {
            result.status = Status::Cancelled;
            result.message = "cancelled";
            return result;
        }
        hi = std::exp(v - 1 + base);
    }
    result.delta = std::sqrt(hi);
    result.risk = bayesOptimalMmse(c.prior, c.teacher, result.delta);
    result.residual = std::abs(c.alpha * hi - c.noise - result.risk) / std::max(c.noise + result.risk, 1e-300);
    result.status = Status::Converged;
    std::ostringstream msg;
    msg << "Bayes-optimal fixed point (" << toString(c.prior) << " prior) in " << result.evaluations
        << " evaluations, residual " << result.residual;
    result.message = msg.str();
    return result;
}

}  // namespace sl
