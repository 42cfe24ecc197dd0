// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/asymptotic_matrix_state_evolution.h"

#include "core/common/format.h"
#include "core/common/validation.h"
#include "core/theory/power_law_quadrature.h"
#include "core/theory/root_finding.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <complex>
#include <limits>
#include <numeric>
#include <sstream>

namespace sl {

namespace {

constexpr double kPi = 3.14159265358979323846;

// The teacher's measure ρ_j = w_j/d at s_j, with the sums of the subordination equation z = ω + δ²G(ω).
struct TeacherMeasure {
    const double* s = nullptr;
    std::vector<double> rho;
    int size = 0;

    double F(double omega) const  // Σ ρ/(ω − s)², real ω
    {
        double total = 0;
        for (int j = 0; j < size; ++j) {
            const double r = omega - s[j];
            total += rho[std::size_t(j)] / (r * r);
        }
        return total;
    }
    double Fprime(double omega) const  // d/dω of F
    {
        double total = 0;
        for (int j = 0; j < size; ++j) {
            const double r = omega - s[j];
            total -= 2 * rho[std::size_t(j)] / (r * r * r);
        }
        return total;
    }
};

// Solves δ²F(ω) = 1 for ω = base + sign·r with r in (0, rMax) (rMax = ∞ allowed), where δ²F decreases in r from
// +∞ at r → 0⁺. Brent in log r.
double edgeFromAtom(const TeacherMeasure& m, double delta, double base, double sign, double rMax)
{
    const double d2 = delta * delta;
    auto phi = [&](double logR) { return d2 * m.F(base + sign * std::exp(logR)) - 1; };
    double hi = std::log(std::isfinite(rMax) ? 0.999999 * rMax : 4 * delta + 1e-300);
    double fhi = phi(hi);
    for (int k = 0; fhi > 0 && !std::isfinite(rMax) && k < 200; ++k) {
        hi += std::log(2.0);
        fhi = phi(hi);
    }
    double lo = hi, flo = fhi;
    for (int k = 0; flo <= 0 && k < 2000; ++k) {
        lo -= std::log(2.0);
        flo = phi(lo);
    }
    if (!(flo > 0 && fhi <= 0))
        return std::numeric_limits<double>::quiet_NaN();
    const double logR = detail::brentRoot(phi, lo, flo, hi, fhi, 1e-14, 300);
    return base + sign * std::exp(logR);
}

// Minimiser of F on (lower, upper) between two consecutive atoms: F' increases from −∞ to +∞ there.
double gapMinimiser(const TeacherMeasure& m, double lower, double upper)
{
    double lo = lower, hi = upper;
    for (int k = 0; k < 200; ++k) {
        const double mid = 0.5 * (lo + hi);
        if (!(mid > lo && mid < hi))
            break;
        (m.Fprime(mid) < 0 ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

}  // namespace

WeightedSpectrum powerLawWeightedSpectrum(long long d, double gamma, int exact)
{
    requireFinite("gamma", gamma);
    const IndexQuadrature q = powerLawIndexQuadrature(d, exact);
    WeightedSpectrum out;
    out.values.resize(q.index.size());
    for (Eigen::Index j = 0; j < q.index.size(); ++j)
        out.values[j] = std::pow(q.index[j], -gamma);
    out.weights = q.weight;
    out.exact = q.exact;
    out.dimension = double(d);
    // Q* = (1/d) Σ s_i² = 1 for the list as it is (so the compressed teacher has exactly the teacher's Q*).
    out.values *= std::sqrt(out.dimension / out.weights.dot(out.values.cwiseAbs2()));
    return out;
}

WeightedSpectrum explicitWeightedSpectrum(const Eigen::VectorXd& spectrum)
{
    if (spectrum.size() < 1)
        throw ValidationError("spectrum", "needs at least one eigenvalue");
    std::vector<double> v(spectrum.data(), spectrum.data() + spectrum.size());
    for (double x : v)
        requireFinite("spectrum", x);
    std::sort(v.begin(), v.end(), std::greater<double>());
    std::vector<double> values, weights;
    for (double x : v) {
        if (!values.empty() && x == values.back())
            weights.back() += 1;
        else {
            values.push_back(x);
            weights.push_back(1);
        }
    }
    WeightedSpectrum out;
    out.values = Eigen::Map<Eigen::VectorXd>(values.data(), Eigen::Index(values.size()));
    out.weights = Eigen::Map<Eigen::VectorXd>(weights.data(), Eigen::Index(weights.size()));
    out.exact = int(values.size());
    out.dimension = double(spectrum.size());
    return out;
}

double DeformedSemicircleLaw::totalMass() const
{
    return std::accumulate(w.begin(), w.end(), 0.0);
}

double DeformedSemicircleLaw::mean() const
{
    double total = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        total += w[i] * x[i];
    return total;
}

double DeformedSemicircleLaw::secondMoment() const
{
    double total = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        total += w[i] * x[i] * x[i];
    return total;
}

DeformedSemicircleLaw deformedSemicircleLaw(const WeightedSpectrum& teacher, double delta, int bulkNodes)
{
    requirePositive("delta", delta);
    requireAtLeast("bulkNodes", bulkNodes, 4);
    const int n = int(teacher.values.size());
    if (n < 1 || teacher.weights.size() != n || teacher.exact < 1 || teacher.exact > n)
        throw ValidationError("teacher", "needs values, weights of the same length and 1 <= exact <= size");
    TeacherMeasure m;
    m.s = teacher.values.data();
    m.size = n;
    m.rho.resize(std::size_t(n));
    for (int j = 0; j < n; ++j)
        m.rho[std::size_t(j)] = teacher.weights[j] / teacher.dimension;
    const double d2 = delta * delta;
    const double* s = teacher.values.data();
    DeformedSemicircleLaw law;
    law.delta = delta;

    // Separated eigenvalues (outliers): the gap (s_{g+1}, s_g) between consecutive exact atoms is open when
    // δ²F dips below 1 inside it. For a power-law teacher the gaps close from the top down, so the outliers are the
    // atoms above the first closed gap (binary search; docs/theory/exponents.md §3).
    const int exact = teacher.exact;
    auto gapOpen = [&](int g) { return d2 * m.F(gapMinimiser(m, s[g + 1], s[g])) < 1; };
    int firstClosed = exact - 1;  // gaps 0..exact−2 exist; exact − 1 means "all open"
    if (exact >= 2) {
        int lo = 0, hi = exact - 1;  // answer in [lo, hi]
        while (lo < hi) {
            const int mid = (lo + hi) / 2;
            if (gapOpen(mid))
                lo = mid + 1;
            else
                hi = mid;
        }
        firstClosed = lo;
    } else {
        firstClosed = 0;
    }
    int k = firstClosed;  // atoms 0..k−1 are outliers
    if (k == exact - 1 && exact == n)
        k = n - 1;  // every gap open: the lowest atom alone is "the bulk"
    if (k >= exact - 1 && exact < n) {
        law.needsMoreExact = true;
        k = exact - 1;
    }
    law.outliers = k;

    // Bulk: ω from ω_L (left of every atom) to ω_R (just above atom k), where δ²F(ω) = 1.
    const double omegaL = edgeFromAtom(m, delta, s[n - 1], -1, std::numeric_limits<double>::infinity());
    double omegaR;
    if (k == 0)
        omegaR = edgeFromAtom(m, delta, s[0], +1, std::numeric_limits<double>::infinity());
    else {
        const double wStar = gapMinimiser(m, s[k], s[k - 1]);
        omegaR = edgeFromAtom(m, delta, s[k], +1, wStar - s[k]);
    }
    if (!std::isfinite(omegaL) || !std::isfinite(omegaR) || !(omegaR > omegaL))
        throw std::runtime_error("deformedSemicircleLaw: no bulk edges found at δ = " + formatNumber(delta));
    const double mid = 0.5 * (omegaL + omegaR), half = 0.5 * (omegaR - omegaL);

    std::vector<std::pair<double, double>> points;
    points.reserve(std::size_t(bulkNodes + k));
    double y = 0;  // v², warm start along the nodes
    for (int q = 0; q < bulkNodes; ++q) {
        const double theta = (q + 0.5) * kPi / bulkNodes;
        const double u = mid - half * std::cos(theta);
        // Im z = 0 on the curve v(u): H(y) = Σ ρ/((u − s)² + y) − 1/δ² = 0, y = v², H convex decreasing, y <= δ².
        auto H = [&](double yy, double& slope) {
            double h = 0, hp = 0;
            for (int j = 0; j < n; ++j) {
                const double r = u - s[j];
                const double den = 1 / (r * r + yy);
                h += m.rho[std::size_t(j)] * den;
                hp -= m.rho[std::size_t(j)] * den * den;
            }
            slope = hp;
            return h - 1 / d2;
        };
        double slope = 0;
        const double h0 = H(0, slope);
        if (!(h0 > 0)) {
            y = 0;
            continue;  // outside the support (cannot happen for a connected bulk; skipped, mass is checked)
        }
        double yy = std::clamp(y, 0.0, d2);
        double lo = 0, hi = d2;
        for (int it = 0; it < 200; ++it) {
            const double h = H(yy, slope);
            if (h > 0)
                lo = yy;
            else
                hi = yy;
            if (h == 0 || hi - lo <= 1e-15 * hi)
                break;
            double next = yy - h / slope;
            if (!(next > lo && next < hi))
                next = 0.5 * (lo + hi);
            if (std::abs(next - yy) <= 1e-15 * std::max(next, 1e-300)) {
                yy = next;
                break;
            }
            yy = next;
        }
        y = yy;
        const double v = std::sqrt(yy);
        const std::complex<double> omega(u, v);
        std::complex<double> g = 0;
        double A = 0, B = 0;
        for (int j = 0; j < n; ++j) {
            const std::complex<double> r = omega - s[j];
            const double r2 = std::norm(r);
            g += m.rho[std::size_t(j)] / r;
            A += m.rho[std::size_t(j)] / (r2 * r2);
            B += m.rho[std::size_t(j)] * (u - s[j]) / (r2 * r2);
        }
        const double x = u + d2 * g.real();
        // Along Im z = 0, dx/du = |z'(ω)|²/Re z'(ω) = 2δ²(v²A + B²/A); the density is v/(πδ²).
        const double dxdu = 2 * d2 * (yy * A + B * B / A);
        const double weight = v / (kPi * d2) * dxdu * half * std::sin(theta) * kPi / bulkNodes;
        if (std::isfinite(x) && std::isfinite(weight) && weight > 0)
            points.emplace_back(x, weight);
    }
    for (const auto& p : points)
        law.bulkMass += p.second;
    // The bulk's mass is known exactly (its eigenvalues' ρ): the quadrature weights are scaled to it. Where the
    // bulk is a comb of barely merged eigenvalues the nodes miss a little of it (5e-4 of the mass at 600 nodes,
    // d = 1778 in phase VIb), and that error, times x², would otherwise dominate an E_mat of order δ².
    double exactBulkMass = 0;
    for (int j = k; j < n; ++j)
        exactBulkMass += m.rho[std::size_t(j)];
    law.bulkQuadratureError = law.bulkMass / exactBulkMass - 1;
    if (law.bulkMass > 0) {
        const double scale = exactBulkMass / law.bulkMass;
        for (auto& p : points)
            p.second *= scale;
        law.bulkMass = exactBulkMass;
    }
    for (const auto& p : points) {
        law.bulkX.push_back(p.first);
        law.bulkW.push_back(p.second);
    }
    law.bulkLeft = omegaL + d2 * [&] {
        double g = 0;
        for (int j = 0; j < n; ++j)
            g += m.rho[std::size_t(j)] / (omegaL - s[j]);
        return g;
    }();
    law.bulkRight = omegaR + d2 * [&] {
        double g = 0;
        for (int j = 0; j < n; ++j)
            g += m.rho[std::size_t(j)] / (omegaR - s[j]);
        return g;
    }();
    // Outliers: a separated component has mass ρ_i and mean s_i + δ²Σ_{j≠i} ρ_j/(s_i − s_j) (the residue of
    // z G(z) at the component, docs/theory/exponents.md §3); to leading order it is a semicircle of variance δ²ρ_i.
    // Two points of weight ρ_i/2 at mean ± δ√ρ_i keep its mass, mean and variance.
    for (int i = 0; i < k; ++i) {
        double g = 0;
        for (int j = 0; j < n; ++j)
            if (j != i)
                g += m.rho[std::size_t(j)] / (s[i] - s[j]);
        const double shift = d2 * g, spread = delta * std::sqrt(m.rho[std::size_t(i)]);
        for (double side : {-1.0, 1.0}) {
            points.emplace_back(s[i] + shift + side * spread, 0.5 * m.rho[std::size_t(i)]);
            law.outlierTeacher.push_back(s[i]);
            law.outlierShift.push_back(shift + side * spread);
            law.outlierWeight.push_back(0.5 * m.rho[std::size_t(i)]);
        }
    }
    for (int j = k; j < n; ++j)
        law.bulkTeacherSecondMoment += m.rho[std::size_t(j)] * s[j] * s[j];
    std::sort(points.begin(), points.end());
    law.x.reserve(points.size());
    law.w.reserve(points.size());
    for (const auto& p : points) {
        law.x.push_back(p.first);
        law.w.push_back(p.second);
    }
    return law;
}

double lawJ(const DeformedSemicircleLaw& law, double tau)
{
    double total = 0;
    for (std::size_t i = 0; i < law.x.size(); ++i)
        if (law.x[i] > tau)
            total += law.w[i] * (law.x[i] - tau) * (law.x[i] - tau);
    return total;
}

double lawMeanExcess(const DeformedSemicircleLaw& law, double tau)
{
    double total = 0;
    for (std::size_t i = 0; i < law.x.size(); ++i)
        if (law.x[i] > tau)
            total += law.w[i] * (law.x[i] - tau);
    return total;
}

double lawMassBelow(const DeformedSemicircleLaw& law, double tau)
{
    double total = 0;
    for (std::size_t i = 0; i < law.x.size(); ++i)
        if (law.x[i] <= tau)
            total += law.w[i];
    return total;
}

double lawDivergence(const DeformedSemicircleLaw& law, double tau)
{
    // Pairs both above τ give 1, both below 0, mixed (x − τ)/(x − y) (x above, y below), counted twice.
    const std::size_t firstAbove = std::size_t(std::upper_bound(law.x.begin(), law.x.end(), tau) - law.x.begin());
    double above = 0, mixed = 0;
    for (std::size_t i = firstAbove; i < law.x.size(); ++i) {
        above += law.w[i];
        const double r = law.x[i] - tau;
        double inner = 0;
        for (std::size_t j = 0; j < firstAbove; ++j)
            inner += law.w[j] / (law.x[i] - law.x[j]);
        mixed += law.w[i] * r * inner;
    }
    return above * above + 2 * mixed;
}

double lawMatrixMse(const DeformedSemicircleLaw& law, double tau, double divergence)
{
    double total = law.bulkTeacherSecondMoment + 2 * law.delta * law.delta * divergence;
    for (std::size_t i = 0; i < law.bulkX.size(); ++i) {
        const double r = law.bulkX[i] - tau;
        if (r > 0)
            total -= law.bulkW[i] * (r * r + 2 * tau * r);
    }
    for (std::size_t i = 0; i < law.outlierTeacher.size(); ++i) {
        const double s = law.outlierTeacher[i], shift = law.outlierShift[i], x = s + shift;
        total += law.outlierWeight[i] * (x > tau ? tau * tau - shift * (x + s) : s * s);
    }
    return total;
}

void AsymptoticMatrixStateEvolutionConfig::validate() const
{
    if (spectrum.size() > 0) {
        for (Eigen::Index i = 0; i < spectrum.size(); ++i)
            requireFinite("spectrum", spectrum[i]);
    } else {
        requireAtLeast("dimension", dimension, 2);
        requireFinite("gamma", gamma);
        if (!(gamma > 0.5))
            throw ValidationError("gamma", "must be > 1/2");
    }
    requirePositive("alphaQ", alphaQ);
    requirePositive("lambda", lambda);
    requireNonNegative("noise", noise);
    requirePositive("tolerance", tolerance);
    requireAtLeast("maxIterations", maxIterations, 1);
    requirePositive("damping", damping);
    if (damping > 1)
        throw ValidationError("damping", "must be in (0, 1]");
    requireFinite("initialDelta", initialDelta);
    requireFinite("initialEpsilon", initialEpsilon);
    requireAtLeast("bulkNodes", bulkNodes, 16);
    requireAtLeast("exactTerms", exactTerms, 2);
}

AsymptoticMatrixStateEvolution::AsymptoticMatrixStateEvolution(AsymptoticMatrixStateEvolutionConfig config)
    : m_config(std::move(config))
{
    m_config.validate();
}

AsymptoticMatrixStateEvolutionResult AsymptoticMatrixStateEvolution::run(
    const Observer<AsymptoticMatrixStateEvolutionSnapshot>& observer, const CancelToken& cancel) const
{
    const auto start = std::chrono::steady_clock::now();
    const auto& c = m_config;
    AsymptoticMatrixStateEvolutionResult result;
    auto finish = [&](Status status, std::string message) {
        result.status = status;
        result.message = std::move(message);
        result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return result;
    };
    const bool explicitTeacher = c.spectrum.size() > 0;
    int exact = explicitTeacher ? 0 : int(std::min<long long>(c.exactTerms, c.dimension));
    WeightedSpectrum teacher = explicitTeacher ? explicitWeightedSpectrum(c.spectrum)
                                               : powerLawWeightedSpectrum(c.dimension, c.gamma, exact);
    const double qStar = teacher.weights.dot(teacher.values.cwiseAbs2()) / teacher.dimension;
    // The law at δ, growing the exact part of a power-law teacher while every exact eigenvalue separates.
    auto lawAt = [&](double delta) {
        for (;;) {
            DeformedSemicircleLaw law = deformedSemicircleLaw(teacher, delta, c.bulkNodes);
            if (!law.needsMoreExact || explicitTeacher || exact >= c.dimension)
                return law;
            exact = int(std::min<long long>(4LL * exact, c.dimension));
            teacher = powerLawWeightedSpectrum(c.dimension, c.gamma, exact);
        }
    };

    double delta = c.initialDelta > 0 ? c.initialDelta : std::sqrt((qStar + c.noise / 2) / (2 * c.alphaQ));
    double epsGuess = c.initialEpsilon > 0 ? c.initialEpsilon : 1 / (4 * c.alphaQ);
    double previousDelta = 0, previousF = 0;
    bool havePrevious = false;
    double bracketLo = 0, bracketHi = std::numeric_limits<double>::infinity();
    try {
        for (int iter = 1; iter <= c.maxIterations; ++iter) {
            if (cancel.isCancelled()) {
                result.iterations = iter - 1;
                return finish(Status::Cancelled, "cancelled");
            }
            const DeformedSemicircleLaw law = lawAt(delta);
            // (A): 4α_q − 1/ε − 2D(δ, λε) = 0, increasing in ε; bracket in log ε, then Brent.
            auto g = [&](double logEps) {
                const double eps = std::exp(logEps);
                return 4 * c.alphaQ - 1 / eps - 2 * lawDivergence(law, c.lambda * eps);
            };
            double lo = std::log(epsGuess), hi = lo, flo = g(lo), fhi = flo;
            for (int k = 0; flo > 0 && k < 400; ++k) {
                hi = lo;
                fhi = flo;
                lo -= std::log(2.0);
                flo = g(lo);
            }
            for (int k = 0; fhi < 0 && k < 400; ++k) {
                lo = hi;
                flo = fhi;
                hi += std::log(2.0);
                fhi = g(hi);
            }
            if (!(flo <= 0 && fhi >= 0)) {
                result.iterations = iter;
                return finish(
                    Status::NotConverged, "equation (A) has no bracketed root in ε at δ = " + formatNumber(delta));
            }
            const double logEps = detail::brentRoot(g, lo, flo, hi, fhi, 1e-13, 200);
            const double eps = std::exp(logEps);
            epsGuess = eps;
            const double tau = c.lambda * eps;
            const double D = lawDivergence(law, tau);
            // Stein's identity: m = J + τr̄ − δ²D, so E_mat = Q* − 2m + q = Q* − J − 2τr̄ + 2δ²D.
            const double eMat = std::max(lawMatrixMse(law, tau, D), 0.0);
            const double deltaNew = std::sqrt((eMat + c.noise / 2) / (2 * c.alphaQ));
            if (!std::isfinite(deltaNew) || !(deltaNew > 0)) {
                result.iterations = iter;
                return finish(Status::Diverged, "δ became non-finite or zero");
            }
            const double change = std::abs(deltaNew - delta) / delta;
            result.residualA = std::abs(g(logEps)) / (4 * c.alphaQ);
            result.residualDelta = change;
            if (observer)
                observer(AsymptoticMatrixStateEvolutionSnapshot{iter, delta, eps, eMat, change});
            // Bracket of the fixed point of G(δ) = δ: G(δ) > δ below it, < δ above. The discretised law moves in
            // small jumps with δ (an eigenvalue joining the outliers), so |G(δ) − δ| may stall near 1e-5 of δ at
            // d = 10⁵; a bracket narrower than the tolerance then locates the fixed point as well as the law can.
            (deltaNew > delta ? bracketLo : bracketHi) = delta;
            const bool bracketed
                = bracketLo > 0 && std::isfinite(bracketHi) && bracketHi - bracketLo <= c.tolerance * delta;
            if (change <= c.tolerance || bracketed) {
                // The bulk quadrature's mass error (before its weights were scaled) times the bulk's second moment
                // bounds what it can misplace in E_mat; where the risk is smaller than that (E_mat ~ δ², phase VIb
                // of the quadratic model at large d) the fixed point is not trusted (docs/theory/exponents.md §3).
                double bulkSecond = 0;
                for (std::size_t i = 0; i < law.bulkX.size(); ++i)
                    bulkSecond += law.bulkW[i] * law.bulkX[i] * law.bulkX[i];
                result.riskResolution = std::abs(law.bulkQuadratureError) * bulkSecond;
                if (result.riskResolution > 0.02 * eMat) {
                    result.iterations = iter;
                    return finish(Status::NotConverged,
                        "E_mat = " + formatNumber(eMat) + " is below the bulk quadrature's resolution "
                            + formatNumber(result.riskResolution) + " (raise bulkNodes)");
                }
                result.iterations = iter;
                result.matrixMse = eMat;
                result.testExcessRisk = 2 * eMat;
                result.delta = delta;
                result.epsilon = eps;
                result.threshold = tau;
                result.weightAtZero = lawMassBelow(law, tau);
                result.divergence = D;
                result.outliers = law.outliers;
                result.exactTerms = explicitTeacher ? teacher.exact : exact;
                std::ostringstream msg;
                msg << "converged in " << iter << " iterations (relative change of δ " << formatNumber(change)
                    << (change > c.tolerance ? ", fixed point bracketed to the tolerance" : "") << ", " << law.outliers
                    << " outliers)";
                return finish(Status::Converged, msg.str());
            }
            const double f = deltaNew - delta;
            double next = (1 - c.damping) * delta + c.damping * deltaNew;
            if (havePrevious && f != previousF) {
                const double secant = delta - f * (delta - previousDelta) / (f - previousF);
                if (std::isfinite(secant) && secant > 0.5 * delta && secant < 2 * delta)
                    next = secant;
            }
            if (!(next > bracketLo && next < bracketHi) && bracketLo > 0 && std::isfinite(bracketHi))
                next = 0.5 * (bracketLo + bracketHi);
            previousDelta = delta;
            previousF = f;
            havePrevious = true;
            delta = next;
        }
    } catch (const std::exception& e) {  // the law at a δ its root finders cannot resolve (e.g. δ → 0 at Δ = 0)
        return finish(Status::NotConverged, e.what());
    }
    result.iterations = c.maxIterations;
    return finish(Status::MaxIterations,
        "no fixed point within " + std::to_string(c.maxIterations) + " iterations (last relative change of δ "
            + formatNumber(result.residualDelta) + ")");
}

}  // namespace sl
