// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/decomposition/error_decomposition.h"

#include "core/common/rng.h"
#include "core/common/validation.h"
#include "core/spectrum/spectrum.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <vector>

namespace sl {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;
constexpr double kPi = 3.14159265358979323846;

double pdf(double x)
{
    return kInvSqrt2Pi * std::exp(-0.5 * x * x);
}
double upperTail(double x)
{
    return 0.5 * std::erfc(x * kInvSqrt2);
}
double lowerTail(double x)
{
    return 0.5 * std::erfc(-x * kInvSqrt2);
}

// Indices of the k largest |values| (ties: the lower index first), as a membership mask.
std::vector<char> topMagnitudes(const Eigen::VectorXd& values, int k)
{
    std::vector<int> order(std::size_t(values.size()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(
        order.begin(), order.end(), [&](int a, int b) { return std::abs(values[a]) > std::abs(values[b]); });
    std::vector<char> mask(std::size_t(values.size()), 0);
    for (int i = 0; i < k && i < int(order.size()); ++i)
        mask[std::size_t(order[std::size_t(i)])] = 1;
    return mask;
}

struct EdgeSplit {
    double edge = 0;
    bool found = false;
    int zeros = 0;
    std::string message;
};

// docs/theory/decomposition.md §3: the bulk edge of |x| by the gap rule, zeros relative to the largest value.
EdgeSplit findEdge(const Eigen::VectorXd& x, const DecompositionConfig& config)
{
    EdgeSplit out;
    const Eigen::VectorXd magnitudes = x.cwiseAbs();
    const double largest = magnitudes.size() > 0 ? magnitudes.maxCoeff() : 0.0;
    BulkEdgeConfig edge;
    edge.gapFactor = config.gapFactor;
    edge.window = config.window;
    edge.zeroTolerance = config.relativeZeroTolerance * largest;
    const BulkEdge bulk = detectBulkEdge(magnitudes, edge);
    out.zeros = bulk.nZero;
    if (std::isfinite(config.exactEdge)) {
        std::ostringstream msg;
        if (config.exactEdge > 0) {
            out.edge = config.exactEdge;
            out.found = true;
            msg << "the edge " << config.exactEdge << " fixed by the state evolution's pruning level";
        } else {
            out.edge = edge.zeroTolerance;
            msg << "the state evolution's pruning level is " << config.exactEdge
                << ": no level lowers its predicted risk, every nonzero value counts as a spike and nothing is "
                   "pruned";
        }
        out.message = msg.str();
    } else if (config.theoryEdge <= 0) {
        out.edge = edge.zeroTolerance;
        std::ostringstream msg;
        msg << "no noise bulk: the theory's 2δ − λε = " << config.theoryEdge
            << " ≤ 0, every nonzero eigenvalue counts as a spike and nothing is pruned";
        out.message = msg.str();
    } else if (bulk.status == Status::Converged) {
        out.edge = bulk.edge;
        out.found = true;
        out.message = bulk.message;
    } else {
        // No bulk to cut: every nonzero value is a spike (phase Ib's rank collapse, or a spectrum of few spikes).
        out.edge = edge.zeroTolerance;
        out.message = "no bulk (" + bulk.message + "): every nonzero eigenvalue counts as a spike";
    }
    return out;
}

// The split of docs/theory/decomposition.md §2 with a given edge; d·scale normalisation applied by the caller.
struct RawSplit {
    double over = 0, under = 0, approx = 0, pruned = 0;
    int spikes = 0;
};

// `edge` separates spikes from the bulk (the zero tolerance when there is no bulk); `pruneAt` is the pruning
// threshold (0 when there is no bulk: nothing is shrunk, not even by the zero tolerance).
RawSplit splitAt(const SpectralPair& pair, double edge, double pruneAt)
{
    const Eigen::VectorXd& r = pair.estimate;
    const Eigen::VectorXd& s = pair.teacher;
    const Eigen::Index d = r.size();
    RawSplit out;
    std::vector<char> spike(std::size_t(d), 0);
    for (Eigen::Index j = 0; j < d; ++j) {
        spike[std::size_t(j)] = std::abs(r[j]) > edge;
        out.spikes += spike[std::size_t(j)];
    }
    // Recovered teacher directions A: the `spikes` largest |s_i| (docs/theory/decomposition.md §2).
    const std::vector<char> recovered = topMagnitudes(s, out.spikes);
    // w^A_j = Σ_{i∈A} s_i C_ji and w^B_j = Σ_{i∉A} s_i C_ji: the teacher's recovered and unrecovered parts seen
    // along the estimate's eigenvector j.
    Eigen::VectorXd sA(d), sB(d);
    for (Eigen::Index i = 0; i < d; ++i) {
        sA[i] = recovered[std::size_t(i)] ? s[i] : 0.0;
        sB[i] = recovered[std::size_t(i)] ? 0.0 : s[i];
    }
    Eigen::VectorXd wA, wB;
    if (pair.overlaps.size() == 0) {
        wA = sA;
        wB = sB;
    } else {
        wA = pair.overlaps * sA;
        wB = pair.overlaps * sB;
    }
    double teacherMass = 0;
    for (Eigen::Index i = 0; i < d; ++i) {
        if (recovered[std::size_t(i)])
            out.approx += s[i] * s[i];
        else
            out.under += s[i] * s[i];
        teacherMass += s[i] * s[i];
    }
    double prunedOwn = 0, prunedCross = 0;
    for (Eigen::Index j = 0; j < d; ++j) {
        const double x = r[j];
        if (spike[std::size_t(j)])
            out.approx += x * x - 2 * x * (wA[j] + wB[j]);
        else
            out.over += x * x - 2 * x * wB[j];
        if (!spike[std::size_t(j)])
            out.approx -= 2 * x * wA[j];  // the bulk's share of the recovered directions: their misalignment
        const double p = std::copysign(std::max(std::abs(x) - pruneAt, 0.0), x);
        prunedOwn += p * p;
        prunedCross += p * (wA[j] + wB[j]);
    }
    out.pruned = prunedOwn - 2 * prunedCross + teacherMass;
    return out;
}

void requireSameSize(const SpectralPair& pair)
{
    const Eigen::Index d = pair.estimate.size();
    if (d < 1)
        throw ValidationError("estimate", "needs at least one eigenvalue");
    if (pair.teacher.size() != d)
        throw ValidationError("teacher", "must have as many eigenvalues as the estimate");
    if (pair.overlaps.size() != 0 && (pair.overlaps.rows() != d || pair.overlaps.cols() != d))
        throw ValidationError("overlaps", "must be d×d (or empty for the identity)");
}

// ∫_u^2 μ_sc(x)(x − u)² dx, by x = 2cos φ (smooth integrand), composite Simpson.
double semicircleIntegral(double u)
{
    if (u >= 2)
        return 0;
    u = std::max(u, -2.0);
    const double top = std::acos(u / 2);
    const int m = 2000;
    const double h = top / m;
    double sum = 0;
    for (int k = 0; k <= m; ++k) {
        const double phi = k * h;
        const double sn = std::sin(phi);
        const double v = (2 * std::cos(phi) - u);
        const double f = v * v * 4 * sn * sn / (2 * kPi);
        sum += (k == 0 || k == m ? 1 : (k % 2 ? 4 : 2)) * f;
    }
    return sum * h / 3;
}

}  // namespace

void DecompositionConfig::validate() const
{
    requirePositive("gapFactor", gapFactor);
    requireAtLeast("window", window, 1);
    requireNonNegative("relativeZeroTolerance", relativeZeroTolerance);
    if (!std::isnan(theoryEdge))
        requireFinite("theoryEdge", theoryEdge);
    if (!std::isnan(exactEdge))
        requireFinite("exactEdge", exactEdge);
}

ErrorDecomposition decomposeSpectralPair(const SpectralPair& pair, double scale, const DecompositionConfig& config)
{
    config.validate();
    requirePositive("scale", scale);
    requireSameSize(pair);
    ErrorDecomposition out;
    if (!pair.estimate.allFinite() || !pair.teacher.allFinite()
        || (pair.overlaps.size() != 0 && !pair.overlaps.allFinite())) {
        out.message = "the trained weights are not finite (a diverged run?): no decomposition";
        return out;
    }
    const double d = double(pair.estimate.size());
    const EdgeSplit edge = findEdge(pair.estimate, config);
    const RawSplit split = splitAt(pair, edge.edge, edge.found ? edge.edge : 0.0);
    out.status = Status::Converged;
    out.bulkFound = edge.found;
    out.bulkEdge = edge.found ? edge.edge : 0.0;
    out.zeros = edge.zeros;
    out.spikes = split.spikes;
    out.terms.overfitting = scale * split.over / d;
    out.terms.underfitting = scale * split.under / d;
    out.terms.approximation = scale * split.approx / d;
    out.excessRisk = out.terms.total();
    out.pruningThreshold = out.bulkEdge;
    out.prunedExcessRisk = scale * split.pruned / d;
    std::ostringstream msg;
    msg << split.spikes << " spike" << (split.spikes == 1 ? "" : "s") << " above the bulk edge " << out.bulkEdge << " ("
        << edge.message << ")";
    out.message = msg.str();
    return out;
}

ErrorDecomposition decomposeQuadratic(const Eigen::MatrixXd& S, const Eigen::VectorXd& teacherSpectrum,
    const Eigen::MatrixXd& teacherRotation, const DecompositionConfig& config)
{
    const Eigen::Index d = teacherSpectrum.size();
    if (S.rows() != d || S.cols() != d)
        throw ValidationError("S", "must be d×d with d the teacher's dimension");
    if (teacherRotation.rows() != d || teacherRotation.cols() != d)
        throw ValidationError("teacherRotation", "must be d×d");
    if (!S.allFinite()) {
        ErrorDecomposition out;
        out.message = "the trained weights are not finite (a diverged run?): no decomposition";
        return out;
    }
    config.validate();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(0.5 * (S + S.transpose()), Eigen::ComputeEigenvectors);
    SpectralPair pair;
    pair.estimate = eig.eigenvalues();
    pair.teacher = teacherSpectrum;
    // C_ji = (u_j·o_i)²: the estimate's eigenvector j against the teacher's eigenvector i.
    pair.overlaps = (eig.eigenvectors().transpose() * teacherRotation).array().square().matrix();
    return decomposeSpectralPair(pair, 2.0, config);
}

ErrorDecomposition decomposeDiagonal(
    const Eigen::VectorXd& theta, const Eigen::VectorXd& teacher, const DecompositionConfig& config)
{
    if (theta.size() != teacher.size())
        throw ValidationError("theta", "must have the teacher's dimension");
    SpectralPair pair;
    pair.estimate = theta;
    pair.teacher = teacher;
    return decomposeSpectralPair(pair, 1.0, config);
}

double semicircleBulkMass(double delta, double threshold)
{
    requirePositive("delta", delta);
    requireFinite("threshold", threshold);
    return delta * delta * semicircleIntegral(threshold / delta);
}

TruncatedMoments softThresholdTruncatedMoments(double theta, double delta, double threshold, double level)
{
    // Y > c: η = (θ − t) + δg on g > a; Y < −c: η = (θ + t) + δg on g < b (a = (c − θ)/δ, b = (−c − θ)/δ).
    const double th = std::abs(theta), t = threshold, c = std::max(level, threshold);
    const double a = (c - th) / delta, b = (-c - th) / delta;
    const double qa = upperTail(a), pb = lowerTail(b), fa = pdf(a), fb = pdf(b);
    const double m = th - t, mm = th + t;
    TruncatedMoments out;
    out.second = m * m * qa + 2 * m * delta * fa + delta * delta * (a * fa + qa) + mm * mm * pb - 2 * mm * delta * fb
        + delta * delta * (pb - b * fb);
    out.first = m * qa + delta * fa + mm * pb - delta * fb;
    if (theta < 0)
        out.first = -out.first;  // η is odd in θ
    return out;
}

PredictedDecomposition predictDiagonalDecomposition(const LassoStateEvolutionConfig& config,
    const LassoStateEvolutionResult& result, int draws, std::uint64_t seed, const DecompositionConfig& decomposition)
{
    config.validate();
    decomposition.validate();
    requireAtLeast("draws", draws, 2);
    if (config.mode != LassoTeacherMode::Amplitudes)
        throw ValidationError("mode", "the predicted decomposition needs the teacher's amplitudes");
    PredictedDecomposition out;
    if (!result.ok()) {
        out.message = "the state evolution did not converge (" + result.message + "): no predicted decomposition";
        return out;
    }
    const Eigen::VectorXd& theta = config.teacher;
    const Eigen::Index d = theta.size();
    const double delta = std::max(result.delta, 1e-300), t = result.threshold;
    out.delta = result.delta;
    out.threshold = t;

    // The measured split applied to draws θ̂_k = η(θ* + δg_k; t) of the law (common random numbers), so that the
    // edge and the spikes are found exactly as on a trained network. The draws' risks R_k have a known mean, the
    // state evolution's risk; each term's mean is corrected with R_k as a regression control variate,
    // T = mean(T_k) − β_T (mean(R_k) − R), β_T = cov(T_k, R_k)/var(R_k). It lowers the Monte Carlo error, and since
    // Σ T_k = R_k for every draw the β's add up to 1: the corrected terms add up to R exactly.
    std::vector<TruncatedMoments> all(static_cast<std::size_t>(d));
    for (Eigen::Index i = 0; i < d; ++i)
        all[std::size_t(i)] = softThresholdTruncatedMoments(theta[i], delta, t, t);
    Rng rng(seed);
    const int n = draws;
    Eigen::MatrixXd values(n, 5);  // overfitting, underfitting, approximation, risk, pruned risk
    double edgeSum = 0, spikeSum = 0;
    for (int k = 0; k < n; ++k) {
        Eigen::VectorXd draw(d);
        for (Eigen::Index i = 0; i < d; ++i) {
            const double y = theta[i] + delta * rng.normal();
            draw[i] = std::copysign(std::max(std::abs(y) - t, 0.0), y);
        }
        const ErrorDecomposition dec = decomposeDiagonal(draw, theta, decomposition);
        values.row(k) << dec.terms.overfitting, dec.terms.underfitting, dec.terms.approximation, dec.excessRisk,
            dec.prunedExcessRisk;
        edgeSum += dec.bulkEdge;
        spikeSum += dec.spikes;
    }
    const Eigen::RowVectorXd mean = values.colwise().mean();
    const Eigen::MatrixXd centred = values.rowwise() - mean;
    const double riskVariance = centred.col(3).squaredNorm();
    Eigen::RowVectorXd corrected = mean;
    if (n > 1 && riskVariance > 0) {
        for (int c : {0, 1, 2, 4})
            corrected[c] = mean[c] - centred.col(c).dot(centred.col(3)) / riskVariance * (mean[3] - result.risk);
    }
    out.terms = {corrected[0], corrected[1], corrected[2]};
    out.excessRisk = result.risk;
    out.bulkEdge = edgeSum / n;
    out.spikes = spikeSum / n;
    out.prunedExcessRisk = corrected[4];

    // Asymptotic (inferred analogue of eq. 17): coordinates with |θ*_i| > δ are the learned spikes.
    double aOver = 0, aUnder = 0, aApprox = 0;
    int k = 0;
    for (Eigen::Index i = 0; i < d; ++i) {
        const double th = theta[i];
        const TruncatedMoments& m = all[std::size_t(i)];
        if (std::abs(th) > result.delta) {
            aApprox += m.second - 2 * th * m.first + th * th;
            ++k;
        } else {
            aOver += m.second - 2 * th * m.first;
            aUnder += th * th;
        }
    }
    out.asymptotic = {aOver / double(d), aUnder / double(d), aApprox / double(d)};
    out.asymptoticSpikes = k;
    out.status = Status::Converged;
    std::ostringstream msg;
    msg << "LASSO state evolution δ = " << result.delta << ", λε = " << t << "; mean bulk edge " << out.bulkEdge
        << " and " << out.spikes << " spikes over " << draws << " draws (Monte Carlo risk " << mean[3]
        << ", control variate to the state evolution's " << result.risk << ")";
    out.message = msg.str();
    return out;
}

PredictedDecomposition predictQuadraticDecomposition(const MatrixStateEvolutionConfig& config,
    const MatrixStateEvolutionResult& result, const DecompositionConfig& decomposition, const CancelToken& cancel)
{
    config.validate();
    decomposition.validate();
    PredictedDecomposition out;
    if (!result.ok()) {
        out.message = "the state evolution did not converge (" + result.message + "): no predicted decomposition";
        return out;
    }
    const Eigen::VectorXd& s = config.spectrum;
    const Eigen::Index d = s.size();
    const double tau = result.threshold, delta = result.delta;
    out.delta = delta;
    out.threshold = tau;
    const std::vector<MatrixStateEvolutionSample> samples = matrixStateEvolutionSamples(config, delta, cancel);
    if (samples.empty()) {
        out.status = Status::Cancelled;
        out.message = "cancelled";
        return out;
    }
    // The state evolution knows its own 2δ − λε: its samples have no noise bulk when it is ≤ 0 (§3).
    DecompositionConfig sampleConfig = decomposition;
    if (std::isnan(sampleConfig.theoryEdge))
        sampleConfig.theoryEdge = 2 * delta - tau;
    std::vector<ErrorDecomposition> parts(samples.size());
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic)
#endif
    for (int k = 0; k < int(samples.size()); ++k) {
        SpectralPair pair;
        pair.estimate = (samples[std::size_t(k)].eigenvalues.array() - tau).max(0.0).matrix();
        pair.teacher = s;
        // The teacher is diag(s): its eigenvectors are the coordinate axes, so C_ji = V_ij².
        pair.overlaps = samples[std::size_t(k)].eigenvectors.transpose().array().square().matrix();
        parts[std::size_t(k)] = decomposeSpectralPair(pair, 2.0, sampleConfig);
    }
    ErrorTerms sum{0, 0, 0};
    double edge = 0, spikes = 0, pruned = 0, risk = 0;
    for (const ErrorDecomposition& p : parts) {
        sum.overfitting += p.terms.overfitting;
        sum.underfitting += p.terms.underfitting;
        sum.approximation += p.terms.approximation;
        edge += p.bulkEdge;
        spikes += p.spikes;
        pruned += p.prunedExcessRisk;
        risk += p.excessRisk;
    }
    const double kCount = double(parts.size());
    out.terms = {sum.overfitting / kCount, sum.underfitting / kCount, sum.approximation / kCount};
    out.bulkEdge = edge / kCount;
    out.spikes = spikes / kCount;
    out.prunedExcessRisk = pruned / kCount;
    out.excessRisk = result.testExcessRisk;

    // Asymptotic eq. 17 (read; constants uncertain), in E_mat units, ×2 for the test excess risk. The K'(δ) edge
    // term is left out: for a discrete teacher spectrum K(δ) is a step function (docs/theory/decomposition.md §5).
    std::vector<int> order(static_cast<std::size_t>(d));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return s[a] > s[b]; });
    double aUnder = 0, aApprox = 0;
    int k = 0;
    for (int idx : order) {
        const double si = s[idx];
        // A learned spike: above the BBP point δ and its outlier s + δ²/s above the threshold.
        if (si > delta && si + delta * delta / si > tau) {
            const double bias = delta * delta / si - tau;
            aApprox += bias * bias + (delta * delta / si) * (si + delta * delta / si - tau);
            ++k;
        } else {
            aUnder += si * si;
        }
    }
    const double aOver = semicircleBulkMass(delta, tau);
    out.asymptotic = {2 * aOver, 2 * aUnder / double(d), 2 * aApprox / double(d)};
    out.asymptoticSpikes = k;
    out.asymptoticEdge = std::max(2 * delta - tau, 0.0);
    out.status = Status::Converged;
    std::ostringstream msg;
    msg << "matrix state evolution δ = " << delta << ", λε = " << tau << "; " << parts.size()
        << " samples, mean bulk edge " << out.bulkEdge << ", mean " << out.spikes << " spikes";
    out.message = msg.str();
    return out;
}

}  // namespace sl
