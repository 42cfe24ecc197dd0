// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/matrix_state_evolution.h"

#include "core/common/rng.h"
#include "core/common/validation.h"
#include "core/theory/root_finding.h"

#include <Eigen/Eigenvalues>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

namespace sl {

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point from)
{
    return std::chrono::duration<double>(Clock::now() - from).count();
}

// The spectrum of one Y_k = diag(s) + δZ_k: eigenvalues y (ascending) and, when eigenvectors were computed,
// w_i = v_iᵀ S* v_i, the teacher's weight along each eigenvector (for m = (1/d)Σ relu(y_i − τ) w_i).
struct SampleSpectrum {
    Eigen::VectorXd y;
    Eigen::VectorXd w;
};

// K fixed GOE samples (common random numbers), regenerated from per-sample seeds on each use so memory stays
// O(d²) instead of O(K d²); drawing d² normals is negligible next to the O(d³) decomposition.
class GoeEnsemble {
public:
    GoeEnsemble(int d, int samples, std::uint64_t seed) : m_d(d)
    {
        Rng master(seed);
        for (int k = 0; k < samples; ++k)
            m_seeds.push_back(master.nextSeed());
    }

    int size() const { return int(m_seeds.size()); }

    // docs/theory/state-evolution.md §6: Z = (G + Gᵀ)/√(2d), semicircle on [−2, 2].
    Eigen::MatrixXd goe(int k) const
    {
        Rng rng(m_seeds[std::size_t(k)]);
        const Eigen::MatrixXd g = rng.normalMatrix(m_d, m_d);
        return (g + g.transpose()) / std::sqrt(2.0 * m_d);
    }

    // Stops between samples once `cancel` is set; the caller checks the token and discards the partial result.
    // One decomposition is O(d³): K of them took ~0.2 s at d = 200, K = 32, too long to leave a cancel waiting
    // (issue 11: cancel returns within 100 ms; bench/bench_cancel_latency). With OpenMP the K independent samples
    // are shared among the threads (each result lands in its own slot, so the output does not depend on the
    // thread count); they are ~86% of a quadratic SE curve's time (bench/RESULTS.md).
    std::vector<SampleSpectrum> decompose(const Eigen::VectorXd& s, double delta, bool vectors, long& count,
        double& eigenSeconds, const CancelToken& cancel) const
    {
        std::vector<SampleSpectrum> out(m_seeds.size());
        const auto start = Clock::now();
        long done = 0;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) reduction(+ : done)
#endif
        for (int k = 0; k < size(); ++k) {
            if (cancel.isCancelled())
                continue;
            Eigen::MatrixXd y = delta * goe(k);
            y.diagonal() += s;
            Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(
                y, vectors ? Eigen::ComputeEigenvectors : Eigen::EigenvaluesOnly);
            ++done;
            out[std::size_t(k)].y = eig.eigenvalues();
            if (vectors) {
                // w_i = Σ_j s_j V_ji², since S* = diag(s).
                out[std::size_t(k)].w = (eig.eigenvectors().array().square().colwise() * s.array()).colwise().sum();
            }
        }
        eigenSeconds += seconds(start);  // wall time of the whole batch (GOE draws included, O(d²) each)
        count += done;
        return out;
    }

private:
    int m_d;
    std::vector<std::uint64_t> m_seeds;
};

// docs/theory/state-evolution.md §6: finite-d spectral divergence
//   D(δ, τ) ≈ (1/d²) E[ Σ_{i≠j} (r_i − r_j)/(y_i − y_j) + 2·#{y_i > τ} ],  r = (y − τ)₊.
// Pairs both above τ contribute 1, both below 0, mixed (y_i − τ)/(y_i − y_j): no division by a tie.
double divergence(const std::vector<SampleSpectrum>& spectra, double tau)
{
    double total = 0;
    for (const auto& sp : spectra) {
        const Eigen::VectorXd& y = sp.y;  // ascending
        const Eigen::Index d = y.size();
        Eigen::Index firstAbove = 0;
        while (firstAbove < d && y[firstAbove] <= tau)
            ++firstAbove;
        const double above = double(d - firstAbove);
        double mixed = 0;
        for (Eigen::Index i = firstAbove; i < d; ++i) {
            const double r = y[i] - tau;
            for (Eigen::Index j = 0; j < firstAbove; ++j)
                mixed += r / (y[i] - y[j]);
        }
        total += (above * (above - 1) + 2 * mixed + 2 * above) / (double(d) * double(d));
    }
    return total / double(spectra.size());
}

struct ThresholdMoments {
    double q = 0;  // (1/d)E Σ r_i² = J(δ, τ)
    double m = 0;  // (1/d)E Σ r_i w_i
    double meanR = 0;  // (1/d)E Σ r_i = −∂₂J/2
    double zeroFraction = 0;  // F_μδ(τ)
};

ThresholdMoments thresholdMoments(const std::vector<SampleSpectrum>& spectra, double tau)
{
    ThresholdMoments out;
    double count = 0;
    for (const auto& sp : spectra) {
        for (Eigen::Index i = 0; i < sp.y.size(); ++i) {
            const double r = std::max(sp.y[i] - tau, 0.0);
            out.q += r * r;
            out.meanR += r;
            if (sp.w.size() > 0)
                out.m += r * sp.w[i];
            out.zeroFraction += sp.y[i] <= tau;
            count += 1;
        }
    }
    out.q /= count;
    out.m /= count;
    out.meanR /= count;
    out.zeroFraction /= count;
    return out;
}

// Solve (A) 4α_q − 1/ε − 2D(δ, λε) = 0 for ε; the left side increases with ε (docs/theory/state-evolution.md §7), from
// −∞ at ε → 0 to 4α_q at ε → ∞. Bracket in log ε from `guess`, then Brent in log ε. Returns NaN if no bracket is found.
double solveEpsilon(
    const std::vector<SampleSpectrum>& spectra, double alphaQ, double lambda, double guess, double* residual)
{
    auto g = [&](double logEps) {
        const double eps = std::exp(logEps);
        return 4 * alphaQ - 1 / eps - 2 * divergence(spectra, lambda * eps);
    };
    double lo = std::log(guess), hi = lo;
    double flo = g(lo), fhi = flo;
    const double step = std::log(2.0);
    for (int k = 0; flo > 0 && k < 200; ++k) {
        hi = lo;
        fhi = flo;
        lo -= step;
        flo = g(lo);
    }
    for (int k = 0; fhi < 0 && k < 200; ++k) {
        lo = hi;
        flo = fhi;
        hi += step;
        fhi = g(hi);
    }
    if (!(flo <= 0 && fhi >= 0))
        return std::numeric_limits<double>::quiet_NaN();
    const double logEps = detail::brentRoot(g, lo, flo, hi, fhi, 1e-13, 200);
    if (residual)
        *residual = std::abs(g(logEps)) / (4 * alphaQ);
    return std::exp(logEps);
}

}  // namespace

void MatrixStateEvolutionConfig::validate() const
{
    if (spectrum.size() < 2)
        throw ValidationError("spectrum", "needs at least 2 eigenvalues");
    for (Eigen::Index i = 0; i < spectrum.size(); ++i)
        if (!std::isfinite(spectrum[i]))
            throw ValidationError("spectrum", "must be finite");
    requirePositive("alphaQ", alphaQ);
    requirePositive("lambda", lambda);
    requireNonNegative("noise", noise);
    requireAtLeast("samples", samples, 1);
    requirePositive("tolerance", tolerance);
    requireAtLeast("maxIterations", maxIterations, 1);
    requirePositive("damping", damping);
    if (damping > 1)
        throw ValidationError("damping", "must be in (0, 1]");
    requireFinite("initialDelta", initialDelta);
    requireFinite("initialEpsilon", initialEpsilon);
}

MatrixStateEvolution::MatrixStateEvolution(MatrixStateEvolutionConfig config) : m_config(std::move(config))
{
    m_config.validate();
}

MatrixStateEvolutionResult MatrixStateEvolution::run(
    const Observer<MatrixStateEvolutionSnapshot>& observer, const CancelToken& cancel) const
{
    const auto start = Clock::now();
    const auto& c = m_config;
    const int d = int(c.spectrum.size());
    const double qStar = c.spectrum.squaredNorm() / d;
    const GoeEnsemble ensemble(d, c.samples, c.seed);
    MatrixStateEvolutionResult result;
    auto finish = [&](Status status, std::string message) {
        result.status = status;
        result.message = std::move(message);
        result.totalSeconds = seconds(start);
        return result;
    };

    double delta = c.initialDelta > 0 ? c.initialDelta : std::sqrt((qStar + c.noise / 2) / (2 * c.alphaQ));
    double epsGuess = c.initialEpsilon > 0 ? c.initialEpsilon : 1 / (4 * c.alphaQ);
    double previousDelta = 0, previousF = 0;
    bool havePrevious = false;
    for (int iter = 1; iter <= c.maxIterations; ++iter) {
        if (cancel.isCancelled()) {
            result.iterations = iter - 1;
            return finish(Status::Cancelled, "cancelled");
        }
        // One decomposition per Y_k per δ, reused by every bisection step (τ changes, Y_k does not).
        const auto spectra
            = ensemble.decompose(c.spectrum, delta, true, result.eigenDecompositions, result.eigenSeconds, cancel);
        if (cancel.isCancelled()) {
            result.iterations = iter - 1;
            return finish(Status::Cancelled, "cancelled");
        }
        double residualA = 0;
        const double eps = solveEpsilon(spectra, c.alphaQ, c.lambda, epsGuess, &residualA);
        if (!std::isfinite(eps)) {
            result.iterations = iter;
            std::ostringstream msg;
            msg << "equation (A) has no bracketed root in ε at δ = " << delta;
            return finish(Status::NotConverged, msg.str());
        }
        epsGuess = eps;
        const double tau = c.lambda * eps;
        const ThresholdMoments mom = thresholdMoments(spectra, tau);
        // E_mat = Q* − 2m + q from ReLU(Y_k − λεI) − S* directly (docs/theory/state-evolution.md §6).
        const double eMat = qStar - 2 * mom.m + mom.q;
        const double deltaNew = std::sqrt(std::max(eMat + c.noise / 2, 0.0) / (2 * c.alphaQ));
        if (!std::isfinite(deltaNew)) {
            result.iterations = iter;
            return finish(Status::Diverged, "δ became non-finite");
        }
        const double change = std::abs(deltaNew - delta) / std::max(delta, 1e-300);
        if (observer)
            observer(MatrixStateEvolutionSnapshot{iter, delta, eps, eMat, change});
        if (change <= c.tolerance) {
            result.iterations = iter;
            result.residualA = residualA;
            result.residualDelta = change;
            result.matrixMse = eMat;
            result.testExcessRisk = 2 * eMat;
            result.delta = delta;
            result.epsilon = eps;
            result.threshold = tau;
            result.overlapM = mom.m;
            result.overlapQ = mom.q;
            // docs/theory/state-evolution.md §6 (B): Q* + Δ/2 + 2α_qδ² − δ²/ε = J − λε∂₂J,
            // with ∂₂J = −2∫(x − τ)₊ μ_δ(dx).
            result.lhsB = qStar + c.noise / 2 + 2 * c.alphaQ * delta * delta - delta * delta / eps;
            result.rhsB = mom.q + 2 * tau * mom.meanR;
            result.residualB = std::abs(result.lhsB - result.rhsB) / std::abs(result.rhsB);
            // Using (A) and the δ update, LHS − RHS = 2(m − q − τ r̄ + δ²D) = −2·mean_k g_k with the per-sample
            // Stein gap g_k = (1/d)Σ_i (y_i − w_i) r_i − δ² D_k = δ Tr(Z_k F_k)/d − δ² D_k.
            {
                const double kCount = double(spectra.size());
                double sum = 0, sumSq = 0;
                for (const auto& sp : spectra) {
                    const Eigen::ArrayXd r = (sp.y.array() - tau).max(0.0);
                    const double gap = ((sp.y - sp.w).array() * r).sum() / d
                        - delta * delta * divergence(std::vector<SampleSpectrum>{sp}, tau);
                    sum += gap;
                    sumSq += gap * gap;
                }
                const double mean = sum / kCount;
                const double var
                    = kCount > 1 ? std::max(sumSq / kCount - mean * mean, 0.0) * kCount / (kCount - 1) : 0.0;
                result.residualBStandardError = 2 * std::sqrt(var / kCount) / std::abs(result.rhsB);
            }
            // docs/theory/spectra.md §3: pooled eigenvalues of ReLU(S* + δZ − λεI) and the mass at zero.
            result.spectrumSamples.resize(Eigen::Index(spectra.size()) * d);
            for (std::size_t k = 0; k < spectra.size(); ++k)
                result.spectrumSamples.segment(Eigen::Index(k) * d, d) = (spectra[k].y.array() - tau).max(0.0);
            result.weightAtZero = mom.zeroFraction;
            std::ostringstream msg;
            msg << "converged in " << iter << " iterations (relative change of δ " << change << ", (B) residual "
                << result.residualB << ")";
            return finish(Status::Converged, msg.str());
        }
        result.residualDelta = change;
        result.residualA = residualA;
        // docs/theory/state-evolution.md §7: damped update δ ← (1 − ω)δ + ωG(δ). With common random numbers G is a
        // smooth, deterministic function of δ, so a secant step on F(δ) = G(δ) − δ through the last two iterates is
        // taken instead when it stays within a factor 2 of δ (a guard of ours, not from the paper): same fixed point,
        // ~3x fewer decompositions. secantAcceleration = false gives the plain damped iteration.
        const double f = deltaNew - delta;
        double next = (1 - c.damping) * delta + c.damping * deltaNew;
        if (c.secantAcceleration && havePrevious && f != previousF) {
            const double secant = delta - f * (delta - previousDelta) / (f - previousF);
            if (std::isfinite(secant) && secant > 0.5 * delta && secant < 2 * delta)
                next = secant;
        }
        previousDelta = delta;
        previousF = f;
        havePrevious = true;
        delta = next;
    }
    result.iterations = c.maxIterations;
    std::ostringstream msg;
    msg << "no fixed point within " << c.maxIterations << " iterations (last relative change of δ "
        << result.residualDelta << ")";
    return finish(Status::MaxIterations, msg.str());
}

std::vector<MatrixStateEvolutionSample> matrixStateEvolutionSamples(
    const MatrixStateEvolutionConfig& config, double delta, const CancelToken& cancel)
{
    config.validate();
    requirePositive("delta", delta);
    const int d = int(config.spectrum.size());
    const GoeEnsemble ensemble(d, config.samples, config.seed);
    std::vector<MatrixStateEvolutionSample> out(std::size_t(ensemble.size()));
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic)
#endif
    for (int k = 0; k < ensemble.size(); ++k) {
        if (cancel.isCancelled())
            continue;
        Eigen::MatrixXd y = delta * ensemble.goe(k);
        y.diagonal() += config.spectrum;
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(y, Eigen::ComputeEigenvectors);
        out[std::size_t(k)].eigenvalues = eig.eigenvalues();
        out[std::size_t(k)].eigenvectors = eig.eigenvectors();
    }
    if (cancel.isCancelled())
        return {};
    return out;
}

InterpolationThresholdResult matrixInterpolationThreshold(
    const Eigen::VectorXd& spectrum, double noise, int samples, std::uint64_t seed, const CancelToken& cancel)
{
    if (spectrum.size() < 2)
        throw ValidationError("spectrum", "needs at least 2 eigenvalues");
    requirePositive("noise", noise);
    requireAtLeast("samples", samples, 1);
    const int d = int(spectrum.size());
    const double qStar = spectrum.squaredNorm() / d;
    const GoeEnsemble ensemble(d, samples, seed);
    InterpolationThresholdResult result;
    long count = 0;
    double eigenSeconds = 0;
    // docs/theory/state-evolution.md §8 (inferred): λ → 0⁺ in (A)/(B): δ̄ solves Q* + Δ/2 = J(δ̄, 0) − δ̄² D(δ̄, 0) (using
    // ∂₁J = 2δD), then α_interp = D(δ̄, 0)/2. Eigenvalues suffice.
    double lastD = 0;
    bool cancelled = false;
    auto h = [&](double logDelta) {
        if (cancel.isCancelled()) {
            cancelled = true;
            return 0.0;
        }
        ++result.iterations;
        const double delta = std::exp(logDelta);
        const auto spectra = ensemble.decompose(spectrum, delta, false, count, eigenSeconds, cancel);
        if (cancel.isCancelled()) {
            cancelled = true;
            return 0.0;
        }
        lastD = divergence(spectra, 0.0);
        return thresholdMoments(spectra, 0.0).q - delta * delta * lastD - qStar - noise / 2;
    };
    // At δ → 0 the left side is J(0, 0) − Q* − Δ/2 < 0 for a PSD teacher; scan upwards in δ for the first sign
    // change (the large-δ behaviour is marginal: J ≈ δ²/2 and D → 1/2 for a pure semicircle).
    const double scale = std::sqrt(qStar + noise / 2);
    double lo = std::log(scale / 64), flo = h(lo);
    double hi = lo, fhi = flo;
    for (int k = 0; k < 40 && fhi < 0 && !cancelled; ++k) {
        lo = hi;
        flo = fhi;
        hi += std::log(1.5);
        fhi = h(hi);
    }
    if (cancelled) {
        result.status = Status::Cancelled;
        result.message = "cancelled";
        return result;
    }
    if (!(flo < 0 && fhi >= 0)) {
        result.status = Status::NotConverged;
        result.message = "no sign change of the δ̄ equation found";
        return result;
    }
    const double logDelta = detail::brentRoot(h, lo, flo, hi, fhi, 1e-10, 100);
    if (cancelled) {
        result.status = Status::Cancelled;
        result.message = "cancelled";
        return result;
    }
    const double r = h(logDelta);  // also sets lastD at the root
    result.deltaBar = std::exp(logDelta);
    result.alphaInterp = lastD / 2;
    result.residual = std::abs(r) / (qStar + noise / 2);
    result.status = Status::Converged;
    std::ostringstream msg;
    msg << "α_interp = " << result.alphaInterp << " at δ̄ = " << result.deltaBar << " (" << samples
        << " GOE samples, d = " << d << ")";
    result.message = msg.str();
    return result;
}

}  // namespace sl
