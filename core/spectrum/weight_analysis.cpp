// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/spectrum/weight_analysis.h"

#include "core/common/validation.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>
#include <vector>

// BLAS's symmetric rank-k update C = αAᵀA + βC (trans = 'T') or αAAᵀ + βC ('N'), lower triangle only; OpenBLAS's,
// multi-threaded, through the LAPACK library core/spectrum already links.
extern "C" void dsyrk_(const char* uplo, const char* trans, const int* n, const int* k, const double* alpha,
    const double* a, const int* lda, const double* beta, double* c, const int* ldc, std::size_t uploLength,
    std::size_t transLength);

// LAPACK ≥ 3.7's two-stage tridiagonal reduction (dense → band by BLAS 3, band → tridiagonal), eigenvalues only.
extern "C" void dsyevd_2stage_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w,
    double* work, const int* lwork, int* iwork, const int* liwork, int* info, std::size_t jobzLength,
    std::size_t uploLength);

namespace sl {

namespace detail {

std::optional<Eigen::VectorXd> lapackTwoStageEigenvalues(const Eigen::MatrixXd& matrix)
{
    if (matrix.rows() != matrix.cols() || matrix.rows() > std::numeric_limits<int>::max())
        return std::nullopt;
    const int n = int(matrix.rows());
    if (n == 0)
        return Eigen::VectorXd();
    const char valuesOnly = 'N', lower = 'L';
    Eigen::MatrixXd a = matrix;  // overwritten
    Eigen::VectorXd values(n);
    int info = 0, workQuery = -1, iworkQuery = -1, iworkSize = 0;
    double workSize = 0;
    dsyevd_2stage_(&valuesOnly, &lower, &n, a.data(), &n, values.data(), &workSize, &workQuery, &iworkSize, &iworkQuery,
        &info, 1, 1);
    if (info != 0)
        return std::nullopt;
    int lwork = int(workSize), liwork = std::max(iworkSize, 1);
    std::vector<double> work(std::size_t(std::max(lwork, 1)));
    std::vector<int> iwork(static_cast<std::size_t>(liwork));
    dsyevd_2stage_(
        &valuesOnly, &lower, &n, a.data(), &n, values.data(), work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
    if (info != 0)
        return std::nullopt;
    return values;
}

}  // namespace detail

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPi = 3.14159265358979323846;

// The MP cdf for σ² = 1 tabulated on t ∈ [0, π], x(t) = c − h·cos t (c, h: centre and half-width of the support):
// dx = h sin t dt and √((b − x)(x − a)) = h sin t, so the density becomes h² sin²t / (2π q x(t)), smooth in t
// (at q = 1, where a = 0, it is (b/4π)(1 + cos t)). Cumulative trapezoid, normalised to end at exactly 1.
class MpTable {
public:
    explicit MpTable(double q, int points = 4096)
    {
        const double a = (1 - std::sqrt(q)) * (1 - std::sqrt(q)), b = (1 + std::sqrt(q)) * (1 + std::sqrt(q));
        m_centre = 0.5 * (a + b);
        m_half = 0.5 * (b - a);
        m_t.resize(std::size_t(points));
        m_cdf.resize(std::size_t(points));
        double previous = 0;
        for (int i = 0; i < points; ++i) {
            const double t = kPi * i / (points - 1);
            const double x = m_centre - m_half * std::cos(t);
            const double s = std::sin(t);
            const double g = x > 0 ? m_half * m_half * s * s / (2 * kPi * q * x) : (q == 1 ? b / (2 * kPi) : 0);
            m_t[std::size_t(i)] = t;
            m_cdf[std::size_t(i)]
                = i == 0 ? 0 : m_cdf[std::size_t(i) - 1] + 0.5 * (previous + g) * (kPi / (points - 1));
            previous = g;
        }
        const double total = m_cdf.back();
        for (double& c : m_cdf)
            c /= total;
    }
    double cdf(double x) const  // σ² = 1
    {
        if (x <= m_centre - m_half)
            return 0;
        if (x >= m_centre + m_half)
            return 1;
        const double t = std::acos(std::clamp((m_centre - x) / m_half, -1.0, 1.0));
        const auto it = std::upper_bound(m_t.begin(), m_t.end(), t);
        const std::size_t i = std::min(std::size_t(it - m_t.begin()), m_t.size() - 1);
        const double t0 = m_t[i - 1], t1 = m_t[i];
        return m_cdf[i - 1] + (m_cdf[i] - m_cdf[i - 1]) * (t - t0) / (t1 - t0);
    }
    double quantile(double p) const  // σ² = 1
    {
        p = std::clamp(p, 0.0, 1.0);
        const auto it = std::lower_bound(m_cdf.begin(), m_cdf.end(), p);
        const std::size_t i = std::clamp(std::size_t(it - m_cdf.begin()), std::size_t(1), m_cdf.size() - 1);
        const double c0 = m_cdf[i - 1], c1 = m_cdf[i];
        const double t = c1 > c0 ? m_t[i - 1] + (m_t[i] - m_t[i - 1]) * (p - c0) / (c1 - c0) : m_t[i];
        return m_centre - m_half * std::cos(t);
    }

private:
    double m_centre = 0, m_half = 0;
    std::vector<double> m_t, m_cdf;
};

// The table of the last ratio asked for, per thread: MarchenkoPastur is a plain value, and callers that evaluate
// many points of one law (plots, tests) should not rebuild it every time.
const MpTable& tableFor(double q)
{
    thread_local double cachedRatio = std::numeric_limits<double>::quiet_NaN();
    thread_local std::unique_ptr<MpTable> cached;
    if (!cached || cachedRatio != q) {
        cached = std::make_unique<MpTable>(q);
        cachedRatio = q;
    }
    return *cached;
}

void requireRatio(double q)
{
    requireFinite("ratio", q);
    if (!(q > 0 && q <= 1))
        throw ValidationError("ratio", "must be in (0, 1] (got " + std::to_string(q) + ")");
}

}  // namespace

double MarchenkoPastur::lowerEdge() const
{
    return variance * (1 - std::sqrt(ratio)) * (1 - std::sqrt(ratio));
}

double MarchenkoPastur::upperEdge() const
{
    return variance * (1 + std::sqrt(ratio)) * (1 + std::sqrt(ratio));
}

double MarchenkoPastur::density(double x) const
{
    const double a = lowerEdge(), b = upperEdge();
    if (!(x > a && x < b) || !(x > 0))
        return 0;
    return std::sqrt((b - x) * (x - a)) / (2 * kPi * variance * ratio * x);
}

double MarchenkoPastur::cdf(double x) const
{
    requireRatio(ratio);
    requirePositive("variance", variance);
    return tableFor(ratio).cdf(x / variance);
}

double MarchenkoPastur::quantile(double p) const
{
    requireRatio(ratio);
    requirePositive("variance", variance);
    return variance * tableFor(ratio).quantile(p);
}

MarchenkoPasturFit fitMarchenkoPastur(const Eigen::VectorXd& esd, double ratio)
{
    requireRatio(ratio);
    if (!esd.allFinite())
        throw ValidationError("esd", "contains NaN or infinite values");
    MarchenkoPasturFit fit;
    fit.ratio = ratio;
    const int m = int(esd.size());
    if (m < 4) {
        fit.message = "too few eigenvalues (" + std::to_string(m) + ") for a Marchenko–Pastur fit";
        return fit;
    }
    std::vector<double> x(esd.data(), esd.data() + m);
    std::sort(x.begin(), x.end());
    if (!(x.back() > 0)) {
        fit.message = "no positive eigenvalue: no bulk to fit";
        return fit;
    }
    const MpTable table(ratio);
    const double edgeFactor = (1 + std::sqrt(ratio)) * (1 + std::sqrt(ratio));
    // Johnstone's (2001) scale of λ_max's Tracy–Widom fluctuations for X = AᵀA/n, per unit σ².
    const double twFactor
        = (1 + std::sqrt(ratio)) * std::cbrt(1 + 1 / std::sqrt(ratio)) * std::pow(double(m) / ratio, -2.0 / 3.0);
    auto countAbove = [&](double threshold) { return int(x.end() - std::upper_bound(x.begin(), x.end(), threshold)); };
    int spikes = 0;
    double variance = kNaN;
    for (int iteration = 1; iteration <= 50; ++iteration) {
        // Least squares x_(i) ≈ σ² Q((i + 1/2)/bulk) over the bulk (the values not yet called spikes).
        const int bulk = m - spikes;
        double num = 0, den = 0;
        for (int i = 0; i < bulk; ++i) {
            const double q = table.quantile((i + 0.5) / bulk);
            num += x[std::size_t(i)] * q;
            den += q * q;
        }
        variance = den > 0 ? num / den : kNaN;
        fit.iterations = iteration;
        if (!(variance > 0))
            break;
        // Only values clear of the edge's own fluctuations are set aside (else the largest bulk eigenvalue,
        // which sits at the edge ± a Tracy–Widom width, would pull the fit down one value at a time).
        const int above = countAbove(variance * (edgeFactor + kSpikeTracyWidomWidths * twFactor));
        if (above == spikes)
            break;
        spikes = above;
        if (2 * spikes >= m)
            break;
    }
    if (!(variance > 0)) {
        fit.message = "no positive eigenvalue in the bulk: no Marchenko–Pastur law to fit";
        return fit;
    }
    fit.variance = variance;
    fit.edge = variance * edgeFactor;
    fit.lowerEdge = variance * (1 - std::sqrt(ratio)) * (1 - std::sqrt(ratio));
    fit.tracyWidomScale = variance * twFactor;
    fit.numSpikes = countAbove(fit.edge);
    fit.numSpikesBeyondFluctuations = countAbove(fit.edge + kSpikeTracyWidomWidths * fit.tracyWidomScale);
    const int bulk = m - fit.numSpikesBeyondFluctuations;
    double d = 0;
    for (int i = 0; i < bulk; ++i) {
        const double f = table.cdf(x[std::size_t(i)] / variance);
        d = std::max({d, std::abs(f - double(i) / bulk), std::abs(f - double(i + 1) / bulk)});
    }
    fit.ks = d;
    fit.status = Status::Converged;
    std::ostringstream msg;
    msg << "sigma^2 " << variance << ", bulk edge " << fit.edge << ", " << fit.numSpikes << " spike"
        << (fit.numSpikes == 1 ? "" : "s") << " above it (" << fit.numSpikesBeyondFluctuations << " beyond "
        << kSpikeTracyWidomWidths << " Tracy-Widom widths), bulk KS D " << d << " (inferred: quantile fit of the bulk)";
    if (2 * fit.numSpikes >= m)
        msg << "; more than half the eigenvalues lie above the edge, so the spectrum has no MP bulk";
    fit.message = msg.str();
    return fit;
}

Eigen::VectorXd weightSpectrum(const Eigen::MatrixXd& w, bool normalize)
{
    if (w.size() == 0)
        throw ValidationError("matrix", "is empty");
    if (!w.allFinite())
        throw ValidationError("matrix", "contains NaN or infinite entries");
    const Eigen::Index m = std::min(w.rows(), w.cols()), n = std::max(w.rows(), w.cols());
    Eigen::VectorXd values;
    if (m < kLapackEigenvalueCrossover || w.rows() > std::numeric_limits<int>::max()
        || w.cols() > std::numeric_limits<int>::max()) {
        values = w.rows() >= w.cols() ? gramEigenvalues(w) : gramEigenvalues(w.transpose());
    } else {
        Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(m, m);
        const char lower = 'L', trans = w.rows() >= w.cols() ? 'T' : 'N';
        const int order = int(m), inner = int(n), lda = int(w.rows());
        const double one = 1, zero = 0;
        dsyrk_(&lower, &trans, &order, &inner, &one, w.data(), &lda, &zero, gram.data(), &order, 1, 1);
        std::optional<Eigen::VectorXd> lapack = detail::lapackTwoStageEigenvalues(gram);
        if (!lapack)
            lapack = detail::lapackSymmetricEigenvalues(gram);
        if (lapack) {
            values = std::move(*lapack);
        } else {
            Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(gram, Eigen::EigenvaluesOnly);
            values = solver.eigenvalues();
        }
        values = values.cwiseMax(0.0);  // rounding can leave −ε·λ_max where W has a zero singular value
    }
    if (normalize)
        values /= double(n);
    return values;
}

void WeightAnalysisConfig::validate() const
{
    tail.validate();
}

double rankPowerLawExponent(const Eigen::VectorXd& values, double xmin)
{
    std::vector<double> top;
    for (Eigen::Index i = 0; i < values.size(); ++i)
        if (std::isfinite(values[i]) && values[i] > 0 && values[i] >= xmin)
            top.push_back(values[i]);
    if (top.size() < 3)
        return kNaN;
    std::sort(top.begin(), top.end(), std::greater<double>());
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    const double k = double(top.size());
    for (std::size_t i = 0; i < top.size(); ++i) {
        const double lx = std::log(double(i + 1)), ly = std::log(top[i]);
        sx += lx;
        sy += ly;
        sxx += lx * lx;
        sxy += lx * ly;
    }
    const double var = sxx - sx * sx / k;
    return var > 0 ? -(sxy - sx * sy / k) / var : kNaN;
}

WeightAnalysis analyzeWeightMatrix(const Eigen::MatrixXd& w, const WeightAnalysisConfig& config,
    const Observer<BootstrapProgress>& observer, const CancelToken& cancel)
{
    config.validate();
    WeightAnalysis out;
    out.rows = w.rows();
    out.cols = w.cols();
    out.n = std::max(w.rows(), w.cols());
    out.m = std::min(w.rows(), w.cols());
    out.normalized = config.normalize;
    out.esd = weightSpectrum(w, config.normalize);  // refuses empty and non-finite W
    const Eigen::VectorXd& esd = out.esd;

    out.lambdaMax = esd.maxCoeff();
    out.svMax = std::sqrt(out.lambdaMax);
    out.svMin = std::sqrt(std::max(0.0, esd.minCoeff()));
    out.norm = esd.sum();
    out.zeroTolerance = double(out.m) * std::numeric_limits<double>::epsilon() * out.lambdaMax;
    for (Eigen::Index i = 0; i < esd.size(); ++i)
        out.matrixRank += esd[i] > out.zeroTolerance;
    if (out.lambdaMax > 0) {
        out.stableRank = out.norm / out.lambdaMax;
        out.logNorm = std::log10(out.norm);
        out.logSpectralNorm = std::log10(out.lambdaMax);
        out.svMin = out.matrixRank == out.m ? out.svMin : 0.0;
    }

    out.tail = TailFitter(config.tail).run(esd, observer, cancel);
    if (cancel.isCancelled()) {
        out.status = Status::Cancelled;
        out.message = "cancelled during the bootstrap";
        return out;
    }
    if (out.tail.status == Status::Converged) {
        out.alphaWeighted = out.tail.alpha * out.logSpectralNorm;
        double sum = 0;
        for (Eigen::Index i = 0; i < esd.size(); ++i)
            sum += std::pow(esd[i], out.tail.alpha);
        out.logAlphaNorm = std::log10(sum);
        out.gammaFit = rankPowerLawExponent(esd, out.tail.xmin);
        if (out.gammaFit > 0) {
            out.alphaPredicted = predictedTailExponent(out.gammaFit).value;
            out.alphaGapSigmas = (out.tail.alpha - out.alphaPredicted) / out.tail.sigma;
        }
    }

    out.mp = fitMarchenkoPastur(esd, double(out.m) / double(out.n));
    if (out.mp.status == Status::Converged && out.lambdaMax > 0)
        out.mpSoftRank = out.mp.edge / out.lambdaMax;

    // The phase rule of core/spectrum (inferred), with the MP fit as the bulk and the numerical zeros as the
    // rank-deficiency spike.
    BulkEdge bulk;
    bulk.nPositive = out.matrixRank;
    bulk.nZero = int(out.m) - out.matrixRank;
    if (out.mp.status == Status::Converged) {
        bulk.status = Status::Converged;
        bulk.edge = out.mp.edge;
        bulk.nOutliers = out.mp.numSpikesBeyondFluctuations;
    }
    bulk.message = out.mp.message;
    PhaseRuleConfig rule;
    rule.zeroTolerance = out.zeroTolerance;
    out.phase = classifySpectrum(esd, bulk, &out.tail, rule);
    std::ostringstream reason;
    switch (out.phase.phase) {
    case SpectralPhase::RankCollapse:
        reason << "every eigenvalue is numerically zero: everything was cut";
        out.paperPhases = "Ib";
        break;
    case SpectralPhase::HeavyTailed:
        reason << "a power-law tail (alpha " << out.tail.alpha << ") covers " << out.tail.nTail << " of the "
               << out.matrixRank << " nonzero eigenvalues with a good fit, no noise bulk below it";
        out.paperPhases = "II, III or VIb";
        break;
    case SpectralPhase::RandomLike:
        reason << "a Marchenko–Pastur bulk (KS D " << out.mp.ks << ") with no eigenvalue beyond its edge's "
               << kSpikeTracyWidomWidths << " Tracy-Widom widths";
        out.paperPhases = "Ia or V";
        break;
    case SpectralPhase::BulkPlusSpikes:
        reason << out.mp.numSpikesBeyondFluctuations << " eigenvalue"
               << (out.mp.numSpikesBeyondFluctuations == 1 ? "" : "s") << " above the Marchenko–Pastur bulk edge "
               << out.mp.edge << " by more than " << kSpikeTracyWidomWidths << " Tracy-Widom widths";
        out.paperPhases = "IV or VIa";
        break;
    case SpectralPhase::Undetermined:
        reason << out.phase.reason;
        out.paperPhases = "-";
        break;
    }
    if (out.phase.phase != SpectralPhase::Undetermined)
        reason << " (inferred reading of the paper's phases " << out.paperPhases << ", docs/theory/weights.md §4)";
    out.phase.reason = reason.str();

    out.status = Status::Converged;
    std::ostringstream msg;
    msg << out.rows << "x" << out.cols << ": tail " << toString(out.tail.status) << ", MP " << toString(out.mp.status)
        << ", " << toString(out.phase.phase) << " (inferred)";
    out.message = msg.str();
    return out;
}

}  // namespace sl
