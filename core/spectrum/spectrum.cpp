// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/spectrum/spectrum.h"

#include "core/common/validation.h"

#include <Eigen/Eigenvalues>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <sstream>
#include <vector>

// LAPACK's Fortran ABI: every argument by address; gfortran appends the lengths of the character arguments as
// hidden size_t parameters, which the reference LAPACK and OpenBLAS (both built with gfortran on Debian) expect.
extern "C" void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w,
    double* work, const int* lwork, int* iwork, const int* liwork, int* info, std::size_t jobzLength,
    std::size_t uploLength);

namespace sl {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void requireFiniteMatrix(const std::string& name, const Eigen::MatrixXd& m)
{
    if (!m.allFinite())
        throw ValidationError(name, "contains NaN or infinite entries");
}

}  // namespace

namespace detail {

std::optional<Eigen::VectorXd> lapackSymmetricEigenvalues(const Eigen::MatrixXd& matrix)
{
    if (matrix.rows() != matrix.cols() || matrix.rows() > std::numeric_limits<int>::max())
        return std::nullopt;  // not a question dsyevd can take (its sizes are 32-bit)
    const int n = int(matrix.rows());
    if (n == 0)
        return Eigen::VectorXd();
    const char valuesOnly = 'N', lower = 'L';
    Eigen::MatrixXd a = matrix;  // dsyevd overwrites its input
    Eigen::VectorXd values(n);
    int info = 0;
    int workQuery = -1, iworkQuery = -1;
    double workSize = 0;
    int iworkSize = 0;
    dsyevd_(&valuesOnly, &lower, &n, a.data(), &n, values.data(), &workSize, &workQuery, &iworkSize, &iworkQuery, &info,
        1, 1);
    if (info != 0)
        return std::nullopt;
    int lwork = int(workSize), liwork = iworkSize;
    std::vector<double> work(std::size_t(std::max(lwork, 1)));
    std::vector<int> iwork(std::size_t(std::max(liwork, 1)));
    dsyevd_(
        &valuesOnly, &lower, &n, a.data(), &n, values.data(), work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
    if (info != 0)
        return std::nullopt;
    return values;
}

}  // namespace detail

Eigen::VectorXd symmetricEigenvalues(const Eigen::MatrixXd& matrix)
{
    if (matrix.rows() != matrix.cols())
        throw ValidationError("matrix",
            "must be square (got " + std::to_string(matrix.rows()) + "x" + std::to_string(matrix.cols()) + ")");
    requireFiniteMatrix("matrix", matrix);
    if (matrix.size() == 0)
        return Eigen::VectorXd();
    const double scale = std::max(1.0, matrix.cwiseAbs().maxCoeff());
    if ((matrix - matrix.transpose()).cwiseAbs().maxCoeff() > 1e-10 * scale)
        throw ValidationError("matrix", "must be symmetric");
    if (matrix.rows() >= kLapackEigenvalueCrossover) {
        // info != 0 (dsyevd's QL/QR did not converge, or an argument it rejects) is not the caller's fault:
        // Eigen's solver, slower here but independent of LAPACK, still gives the answer.
        if (std::optional<Eigen::VectorXd> values = detail::lapackSymmetricEigenvalues(matrix))
            return *values;
    }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(matrix, Eigen::EigenvaluesOnly);
    return solver.eigenvalues();
}

Eigen::VectorXd gramEigenvalues(const Eigen::MatrixXd& w)
{
    requireFiniteMatrix("matrix", w);
    Eigen::VectorXd out = Eigen::VectorXd::Zero(w.cols());
    if (w.size() == 0)
        return out;
    Eigen::BDCSVD<Eigen::MatrixXd> svd(w);  // no computation options: singular values only
    const Eigen::VectorXd sv = svd.singularValues();  // decreasing, min(rows, cols) of them
    for (Eigen::Index i = 0; i < sv.size(); ++i)
        out[out.size() - 1 - i] = sv[i] * sv[i];
    return out;
}

Eigen::VectorXd diagonalSpectrum(const Eigen::VectorXd& theta)
{
    return theta.cwiseAbs();
}

Eigen::VectorXd rankOrdered(const Eigen::VectorXd& values)
{
    Eigen::VectorXd out = values;
    std::sort(out.data(), out.data() + out.size(), std::greater<double>());
    return out;
}

std::vector<double> linearEdges(double lo, double hi, int bins)
{
    requireFinite("lo", lo);
    requireFinite("hi", hi);
    requireAtLeast("bins", bins, 1);
    if (!(hi > lo))
        throw ValidationError("hi", "must be > lo");
    std::vector<double> edges(bins + 1);
    for (int i = 0; i <= bins; ++i)
        edges[i] = lo + (hi - lo) * i / bins;
    edges.back() = hi;
    return edges;
}

std::vector<double> logEdges(double lo, double hi, int bins)
{
    requirePositive("lo", lo);
    requirePositive("hi", hi);
    requireAtLeast("bins", bins, 1);
    if (!(hi > lo))
        throw ValidationError("hi", "must be > lo");
    std::vector<double> edges(bins + 1);
    const double a = std::log(lo), b = std::log(hi);
    for (int i = 0; i <= bins; ++i)
        edges[i] = std::exp(a + (b - a) * i / bins);
    edges.front() = lo;
    edges.back() = hi;
    return edges;
}

Histogram densityHistogram(const Eigen::VectorXd& samples, const std::vector<double>& edges)
{
    if (edges.size() < 2)
        throw ValidationError("edges", "need at least 2 edges");
    for (std::size_t i = 0; i < edges.size(); ++i) {
        requireFinite("edges", edges[i]);
        if (i > 0 && !(edges[i] > edges[i - 1]))
            throw ValidationError("edges", "must be strictly increasing");
    }
    if (!samples.allFinite())
        throw ValidationError("samples", "contain NaN or infinite values");
    Histogram h;
    h.edges = edges;
    const std::size_t bins = edges.size() - 1;
    h.counts.assign(bins, 0.0);
    h.density.assign(bins, 0.0);
    h.total = samples.size();
    for (Eigen::Index i = 0; i < samples.size(); ++i) {
        const double x = samples[i];
        if (x < edges.front()) {
            ++h.below;
        } else if (x > edges.back()) {
            ++h.above;
        } else {
            // First edge > x, minus one: the bin [e_i, e_{i+1}); x == last edge goes to the last bin.
            std::size_t b = std::size_t(std::upper_bound(edges.begin(), edges.end(), x) - edges.begin()) - 1;
            h.counts[std::min(b, bins - 1)] += 1.0;
        }
    }
    if (h.total > 0)
        for (std::size_t b = 0; b < bins; ++b)
            h.density[b] = h.counts[b] / (double(h.total) * (edges[b + 1] - edges[b]));
    return h;
}

Histogram linearHistogram(const Eigen::VectorXd& samples, int bins)
{
    requireAtLeast("bins", bins, 1);
    if (samples.size() == 0)
        throw ValidationError("samples", "is empty");
    if (!samples.allFinite())
        throw ValidationError("samples", "contain NaN or infinite values");
    double lo = samples.minCoeff(), hi = samples.maxCoeff();
    if (!(hi > lo)) {
        const double pad = lo != 0 ? 0.01 * std::abs(lo) : 1.0;
        lo -= pad;
        hi += pad;
    }
    return densityHistogram(samples, linearEdges(lo, hi, bins));
}

Histogram logHistogram(const Eigen::VectorXd& samples, int bins)
{
    requireAtLeast("bins", bins, 1);
    if (!samples.allFinite())
        throw ValidationError("samples", "contain NaN or infinite values");
    double lo = std::numeric_limits<double>::infinity(), hi = 0;
    for (Eigen::Index i = 0; i < samples.size(); ++i) {
        if (samples[i] > 0) {
            lo = std::min(lo, samples[i]);
            hi = std::max(hi, samples[i]);
        }
    }
    if (!(hi > 0))
        throw ValidationError("samples", "have no positive value for log bins");
    if (!(hi > lo)) {
        lo *= 0.99;
        hi *= 1.01;
    }
    return densityHistogram(samples, logEdges(lo, hi, bins));
}

void BulkEdgeConfig::validate() const
{
    requirePositive("gapFactor", gapFactor);
    requireAtLeast("window", window, 1);
    requireNonNegative("zeroTolerance", zeroTolerance);
    if (!std::isnan(lambdaEpsilon))
        requireNonNegative("lambdaEpsilon", lambdaEpsilon);
}

BulkEdge detectBulkEdge(const Eigen::VectorXd& values, const BulkEdgeConfig& config)
{
    config.validate();
    BulkEdge out;
    if (!values.allFinite()) {
        out.message = "the spectrum contains NaN or infinite values";
        return out;
    }
    std::vector<double> x;
    for (Eigen::Index i = 0; i < values.size(); ++i) {
        if (std::abs(values[i]) <= config.zeroTolerance)
            ++out.nZero;
        else if (values[i] > 0)
            x.push_back(values[i]);
    }
    out.nPositive = int(x.size());
    const int n = out.nPositive;
    if (n < 4) {
        out.message = "too few positive eigenvalues (" + std::to_string(n) + ") to locate a bulk";
        return out;
    }
    std::sort(x.begin(), x.end(), std::greater<double>());
    // Mean spacing inside the interquartile range (indices n/4 .. 3n/4 of the descending list).
    const int q1 = n / 4, q3 = (3 * n) / 4;
    double spacing = (x[q1] - x[q3]) / std::max(1, q3 - q1);
    if (!(spacing > 0))
        spacing = (x.front() - x.back()) / (n - 1);
    out.bulkSpacing = spacing;
    if (!(spacing > 0)) {
        out.status = Status::Converged;
        out.edge = x.front();
        out.message = "all positive eigenvalues are equal: a bulk with no outliers (inferred)";
        if (!std::isnan(config.lambdaEpsilon))
            out.delta = 0.5 * (out.edge + config.lambdaEpsilon);
        return out;
    }
    const double threshold = config.gapFactor * spacing * std::cbrt(double(n));
    int edgeIndex = -1;
    for (int k = 0; k + config.window < n; ++k) {
        bool dense = true;
        for (int j = k; j < k + config.window && dense; ++j)
            dense = x[j] - x[j + 1] <= threshold;
        if (dense) {
            edgeIndex = k;
            break;
        }
    }
    if (edgeIndex < 0) {
        out.message = "no dense bulk found (every gap exceeds the separation threshold)";
        return out;
    }
    out.status = Status::Converged;
    out.edge = x[edgeIndex];
    out.nOutliers = edgeIndex;
    if (!std::isnan(config.lambdaEpsilon))
        out.delta = 0.5 * (out.edge + config.lambdaEpsilon);
    std::ostringstream msg;
    msg << "bulk edge " << out.edge << " with " << out.nOutliers << " outlier" << (out.nOutliers == 1 ? "" : "s")
        << " above it (inferred: gap > " << config.gapFactor << " x bulk spacing x n^(1/3))";
    out.message = msg.str();
    return out;
}

const char* toString(SpectralPhase phase)
{
    switch (phase) {
    case SpectralPhase::RankCollapse: return "rank collapse";
    case SpectralPhase::Undetermined: return "undetermined";
    case SpectralPhase::HeavyTailed: return "heavy-tailed";
    case SpectralPhase::RandomLike: return "random-like";
    case SpectralPhase::BulkPlusSpikes: return "bulk+spikes";
    }
    return "unknown";
}

SpectralPhaseLabel classifySpectrum(
    const Eigen::VectorXd& values, const BulkEdge& bulk, const TailFit* tail, const PhaseRuleConfig& config)
{
    SpectralPhaseLabel label;
    int positive = 0;
    for (Eigen::Index i = 0; i < values.size(); ++i)
        positive += std::isfinite(values[i]) && values[i] > config.zeroTolerance;
    if (positive == 0) {
        label.phase = SpectralPhase::RankCollapse;
        label.reason = "all " + std::to_string(values.size())
            + " eigenvalues are zero: everything was cut (docs/theory/spectra.md §4 phase Ib)";
        return label;
    }
    if (positive < 3) {
        label.reason = "only " + std::to_string(positive) + " positive eigenvalues";
        return label;
    }
    if (tail && tail->status == Status::Converged) {
        const bool good = std::isnan(tail->pValue) ? tail->ks <= config.goodKs : tail->pValue >= config.goodPValue;
        const bool covers = tail->nTail >= config.bulkRemovedFraction * positive;
        if (good && covers) {
            std::ostringstream msg;
            msg << "power-law tail (alpha " << tail->alpha << ") fits " << tail->nTail << " of " << positive
                << " positive eigenvalues, no bulk below it (docs/theory/spectra.md §4 phases II/III/VIb)";
            label.phase = SpectralPhase::HeavyTailed;
            label.reason = msg.str();
            return label;
        }
    }
    if (bulk.status != Status::Converged) {
        label.reason = "no bulk edge: " + bulk.message;
        return label;
    }
    if (bulk.nOutliers == 0) {
        label.phase = SpectralPhase::RandomLike;
        label.reason = "a bulk with no outliers above its edge (docs/theory/spectra.md §4 phase Ia, or V)";
    } else {
        label.phase = SpectralPhase::BulkPlusSpikes;
        label.reason = std::to_string(bulk.nOutliers)
            + " outliers above the bulk edge (docs/theory/spectra.md §4 phases IV/VIa)";
    }
    return label;
}

InferredValue predictedTailExponent(double gamma)
{
    requirePositive("gamma", gamma);
    InferredValue v;
    v.value = 1.0 + 1.0 / gamma;
    v.note = "alpha_WW = 1 + 1/gamma (docs/theory/spectra.md §5, inferred: not found in the paper's text)";
    return v;
}

}  // namespace sl
