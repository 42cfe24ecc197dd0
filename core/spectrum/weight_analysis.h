// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/observer.h"
#include "core/common/status.h"
#include "core/spectrum/spectrum.h"
#include "core/spectrum/tail_fit.h"

#include <Eigen/Dense>
#include <limits>
#include <optional>
#include <string>

namespace sl {

// WeightWatcher-style analysis of one weight matrix W (N × M) a user trained elsewhere, read against the paper
// (arXiv:2509.24882, Result 2 and the spectral phases; docs/theory/weights.md has the normalisations and which
// choices are inferred). Column names follow WeightWatcher's `details` table where one exists.

// --- Marchenko–Pastur law ------------------------------------------------------------------------------------------

// The MP law of the eigenvalues of X = AᵀA/n for an n × m matrix A (m ≤ n) with i.i.d. entries of variance σ²:
// ratio q = m/n ∈ (0, 1], support [σ²(1 − √q)², σ²(1 + √q)²], no point mass (m ≤ n).
struct MarchenkoPastur {
    double ratio = 1.0;  // q = m/n
    double variance = 1.0;  // σ²
    double lowerEdge() const;
    double upperEdge() const;
    double density(double x) const;
    double cdf(double x) const;  // by quadrature (a smooth integrand after x = centre − half·cos t)
    double quantile(double p) const;  // inverse of cdf, p ∈ [0, 1]
};

// A pure-noise λ_max exceeds edge + 2 Tracy–Widom widths with probability ≈ 1% (TW₁'s upper tail; inferred).
inline constexpr double kSpikeTracyWidomWidths = 2.0;

struct MarchenkoPasturFit {
    Status status = Status::Invalid;
    std::string message;
    double ratio = std::numeric_limits<double>::quiet_NaN();  // q = min(N, M) / max(N, M)
    double variance = std::numeric_limits<double>::quiet_NaN();  // σ² in the ESD's units
    double edge = std::numeric_limits<double>::quiet_NaN();  // σ²(1 + √q)²: WeightWatcher's bulk_max
    double lowerEdge = std::numeric_limits<double>::quiet_NaN();  // σ²(1 − √q)²: bulk_min
    int numSpikes = 0;  // eigenvalues above the edge (WeightWatcher's num_spikes)
    // Width of λ_max's Tracy–Widom fluctuation at the edge (Johnstone 2001), σ²(1 + √q)(1 + 1/√q)^(1/3) n^(−2/3),
    // and the eigenvalues beyond edge + kSpikeTracyWidomWidths of it: the spikes the phase reading counts.
    double tracyWidomScale = std::numeric_limits<double>::quiet_NaN();
    int numSpikesBeyondFluctuations = 0;
    double ks = std::numeric_limits<double>::quiet_NaN();  // KS distance of the bulk (values ≤ edge) to the fitted law
    int iterations = 0;
};

// Fits σ² to an ESD (min(N, M) eigenvalues, any order) with the ratio q known from the shape (inferred method,
// docs/theory/weights.md §3): least squares of the sorted bulk eigenvalues against the MP quantiles, the values
// beyond the edge's Tracy–Widom fluctuations set aside as spikes and the fit repeated until their count is stable.
// Throws ValidationError for q outside (0, 1] or non-finite values.
MarchenkoPasturFit fitMarchenkoPastur(const Eigen::VectorXd& esd, double ratio);

// --- The ESD -------------------------------------------------------------------------------------------------------

// The min(N, M) eigenvalues of WᵀW (N ≥ M) or WWᵀ (N < M), ascending: the squared singular values of W, the
// |N − M| structural zeros of the larger Gram matrix left out (as WeightWatcher does). With normalize, divided by
// max(N, M) (WeightWatcher's normalize=True, W → W/√N). Small matrices: BDCSVD; from kLapackEigenvalueCrossover
// on, the Gram matrix by BLAS dsyrk and its eigenvalues by LAPACK's two-stage dsyevd_2stage (absolute error
// ~ ε·λ_max; bench/bench_weights.cpp compares it with dsyevd).
Eigen::VectorXd weightSpectrum(const Eigen::MatrixXd& w, bool normalize);

namespace detail {
// LAPACK's dsyevd_2stage (values only, lower triangle): weightSpectrum's engine, dsyevd its fallback; nullopt
// when LAPACK reports failure. Exposed for the benchmark that compares the two (bench/bench_weights.cpp).
std::optional<Eigen::VectorXd> lapackTwoStageEigenvalues(const Eigen::MatrixXd& matrix);
}  // namespace detail

// --- The whole analysis --------------------------------------------------------------------------------------------

struct WeightAnalysisConfig {
    bool normalize = false;  // divide the ESD by max(N, M)
    TailFitConfig tail;  // Clauset fit: minTail, bootstrap replicates, seed, threads, likelihood ratios
    void validate() const;  // throws ValidationError naming the parameter
};

struct WeightAnalysis {
    Status status = Status::Invalid;
    std::string message;
    // What was analysed.
    long long rows = 0, cols = 0;  // of W as stored
    long long n = 0, m = 0;  // WeightWatcher's N = max, M = min
    bool normalized = false;
    Eigen::VectorXd esd;  // ascending, m values

    // Norms (WeightWatcher's meanings, in the ESD's units).
    double lambdaMax = std::numeric_limits<double>::quiet_NaN();  // = spectral_norm: λ_max = ‖W‖₂² (or /N)
    double svMax = std::numeric_limits<double>::quiet_NaN();  // √λ_max
    double svMin = std::numeric_limits<double>::quiet_NaN();  // √λ_min
    double norm = std::numeric_limits<double>::quiet_NaN();  // Σλ = ‖W‖_F² (or /N)
    double stableRank = std::numeric_limits<double>::quiet_NaN();  // Σλ / λ_max
    int matrixRank = 0;  // eigenvalues above zeroTolerance
    double zeroTolerance = 0;  // m · ε · λ_max, the Gram eigenvalues' accuracy
    double logNorm = std::numeric_limits<double>::quiet_NaN();  // log10(norm)
    double logSpectralNorm = std::numeric_limits<double>::quiet_NaN();  // log10(λ_max)
    double alphaWeighted = std::numeric_limits<double>::quiet_NaN();  // α · log10(λ_max)
    double logAlphaNorm = std::numeric_limits<double>::quiet_NaN();  // log10(Σ λ^α)

    TailFit tail;  // Clauset fit of the ESD: alpha, xmin, sigma, D (ks), num_pl_spikes (nTail), p, ratios
    MarchenkoPasturFit mp;
    double mpSoftRank = std::numeric_limits<double>::quiet_NaN();  // bulk edge / λ_max

    // The theory's reading (inferred, docs/theory/weights.md §4-§5).
    SpectralPhaseLabel phase;
    std::string paperPhases;  // the paper's phases this shape goes with, e.g. "II, III or VIb"
    double gammaFit = std::numeric_limits<double>::quiet_NaN();  // λ_(k) ∝ k^(−γ) on the fitted tail
    double alphaPredicted = std::numeric_limits<double>::quiet_NaN();  // 1 + 1/γ
    double alphaGapSigmas = std::numeric_limits<double>::quiet_NaN();  // (α − (1 + 1/γ)) / sigma
};

// Validates the config, refuses an empty or non-finite W (ValidationError "matrix"), then computes everything
// above. A tail fit that cannot run (too few eigenvalues for minTail, ...) leaves status Converged with the tail's
// own status and message; status is Cancelled when `cancel` stopped the bootstrap (nothing else is then reported).
WeightAnalysis analyzeWeightMatrix(const Eigen::MatrixXd& w, const WeightAnalysisConfig& config = {},
    const Observer<BootstrapProgress>& observer = {}, const CancelToken& cancel = {});

// γ of a rank-ordered power law λ_(k) ∝ k^(−γ): least squares of log λ on log k over the values ≥ xmin, largest
// first (NaN with fewer than 3 such values). For a tail p(x) ∝ x^(−α), γ = 1/(α − 1).
double rankPowerLawExponent(const Eigen::VectorXd& values, double xmin);

}  // namespace sl
