// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/status.h"
#include "core/spectrum/tail_fit.h"

#include <Eigen/Dense>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace sl {

// --- Eigenvalues (docs/theory/spectra.md §1) -------------------------------------------------------------------------

// Eigenvalues of a symmetric matrix, ascending, values only, from its lower triangle.
// Below kLapackEigenvalueCrossover rows: Eigen::SelfAdjointEigenSolver (EigenvaluesOnly), whose lower fixed cost
// per call (no workspace, no thread hand-offs) wins on small matrices. From there on: LAPACK's dsyevd, the routine
// numpy's eigvalsh calls, from the system LAPACK (OpenBLAS's on Debian: scripts/setup.sh installs it), whose
// blocked, multi-threaded tridiagonalisation beats Eigen's unblocked, memory-bound one (2.2x at d = 800).
// Should dsyevd report a failure, Eigen's solver answers instead.
// Throws sl::ValidationError("matrix", ...) if it is not square, not finite or not symmetric (to 1e-10 relative).
Eigen::VectorXd symmetricEigenvalues(const Eigen::MatrixXd& matrix);

// Measured on this project's 2-core machine (bench/RESULTS.md, "Eigenvalues"): idle, dsyevd on OpenBLAS's two
// threads overtakes Eigen at d ≈ 125 (1.15-1.25x faster at 150, 1.3x at 200); with the other core busy, OpenBLAS's
// second thread waits for it and Eigen stays ahead up to d ≈ 270. The idle case decides, as in the benchmark.
constexpr Eigen::Index kLapackEigenvalueCrossover = 150;

namespace detail {
// The LAPACK engine alone, without validation (the tests call it to know dsyevd itself answered): ascending
// eigenvalues from the lower triangle, or an empty optional when dsyevd reports failure (info != 0).
std::optional<Eigen::VectorXd> lapackSymmetricEigenvalues(const Eigen::MatrixXd& matrix);
}  // namespace detail

// Eigenvalues of WᵀW (cols(W) of them, ascending) as squared singular values of W (Eigen::BDCSVD, no vectors):
// more accurate than forming WᵀW for small eigenvalues. When rows < cols the missing cols − rows are exact zeros.
// This is WeightWatcher's ESD. For the quadratic net (docs/theory/models.md §3 canonical form, W ∈ R^(d×p), S = WWᵀ)
// the d eigenvalues of S, zeros included, are gramEigenvalues(W.transpose()); WᵀW has the same nonzero ones
// (docs/theory/spectra.md §3).
Eigen::VectorXd gramEigenvalues(const Eigen::MatrixXd& w);

// The diagonal network's weight "spectrum" {|θ_i|} (= w_i² at the balanced minimiser), docs/theory/convex.md §1
// (inferred).
Eigen::VectorXd diagonalSpectrum(const Eigen::VectorXd& theta);

// Values sorted in decreasing order: entry i has rank i + 1 (the rank-ordered plot, value vs rank).
Eigen::VectorXd rankOrdered(const Eigen::VectorXd& values);

// --- Histograms ----------------------------------------------------------------------------------------------------

// Bins are [e_i, e_{i+1}), the last one closed. density_i = counts_i / (total · width_i), where total counts every
// sample, in range or not: the density of the part inside the edges then integrates to the fraction inside (so a
// log-binned ESD with a point mass at 0 integrates to 1 − mass at 0), and to 1 when every sample is inside.
struct Histogram {
    std::vector<double> edges;  // bins + 1, increasing
    std::vector<double> counts;
    std::vector<double> density;
    long long total = 0;
    long long below = 0;  // samples < edges.front() (on log bins: the zeros and negatives among them)
    long long above = 0;  // samples > edges.back()
};

// bins + 1 edges, equally spaced on [lo, hi] (lo < hi) or on log scale (0 < lo < hi).
std::vector<double> linearEdges(double lo, double hi, int bins);
std::vector<double> logEdges(double lo, double hi, int bins);

// The one function for every overlay: the trained ESD, the teacher's spectrum and an SE-predicted spectrum are all
// sample vectors, binned on the same edges. Throws ValidationError for non-increasing edges or non-finite samples.
Histogram densityHistogram(const Eigen::VectorXd& samples, const std::vector<double>& edges);

// Edges spanning the samples: linear over [min, max]; log over the positive samples' [min, max] (non-positive
// samples land in `below`). A degenerate range is widened by ±1% (±1 if zero) so a constant spectrum still bins.
Histogram linearHistogram(const Eigen::VectorXd& samples, int bins);
Histogram logHistogram(const Eigen::VectorXd& samples, int bins);

// --- Bulk edge and outliers (docs/theory/spectra.md §7; the method is inferred) --------------------------------------

// Method (inferred, not from the paper): the positive values (|x| ≤ zeroTolerance counts as zero: the rank-deficiency
// spike) are sorted downwards and the bulk's typical spacing s is the mean spacing inside their interquartile range
// (outliers are a minority, so it ignores them). Near a square-root edge (semicircle, Marchenko–Pastur) spacings
// grow to ~ n^(1/3)·s, so a gap counts as a separation when it exceeds gapFactor · s · n^(1/3). Walking down from
// the top, the bulk edge is the first value after which `window` consecutive gaps are all below that; the values
// above it are the outliers (learned features, docs/theory/spectra.md §1). Without a hard edge (the diagonal net's
// Gaussian bulk) the split is a convention; the app labels it inferred.
struct BulkEdgeConfig {
    double gapFactor = 4.0;
    int window = 2;
    double zeroTolerance = 1e-10;
    // λε when known: then δ = (edge + λε)/2 from edge = 2δ − λε (docs/theory/spectra.md §7, inferred);
    // NaN leaves δ NaN.
    double lambdaEpsilon = std::numeric_limits<double>::quiet_NaN();
    void validate() const;
};

struct BulkEdge : ResultStatus {
    double edge = std::numeric_limits<double>::quiet_NaN();
    int nOutliers = 0;
    int nPositive = 0;
    int nZero = 0;
    double bulkSpacing = std::numeric_limits<double>::quiet_NaN();
    double delta = std::numeric_limits<double>::quiet_NaN();  // (edge + λε)/2 when λε was given
    bool inferred = true;
};

BulkEdge detectBulkEdge(const Eigen::VectorXd& values, const BulkEdgeConfig& config = {});

// --- Spectral phase label (docs/theory/spectra.md §4, inferred) ------------------------------------------------------

// Martin–Mahoney-style label read off the ESD's shape. Rule, in order (inferred from the table of
// docs/theory/spectra.md §4):
//   RankCollapse   no value above zeroTolerance: everything was cut (phase Ib).
//   Undetermined   fewer than 3 positive values, or no bulk edge.
//   HeavyTailed    the tail fit converged, is a good fit (bootstrap p ≥ 0.1, or KS D ≤ goodKs when no p-value was
//                  computed) and covers at least bulkRemovedFraction of the positive values, i.e. there is no noise
//                  bulk under it (phases II, III, VIb).
//   RandomLike     no outliers above the bulk edge (phase Ia; V when the bulk dominates).
//   BulkPlusSpikes outliers above a bulk (phases IV, VIa).
enum class SpectralPhase { RankCollapse, Undetermined, HeavyTailed, RandomLike, BulkPlusSpikes };
const char* toString(SpectralPhase phase);

struct PhaseRuleConfig {
    double zeroTolerance = 1e-10;
    double goodPValue = 0.1;
    double goodKs = 0.05;
    double bulkRemovedFraction = 0.5;
};

struct SpectralPhaseLabel {
    SpectralPhase phase = SpectralPhase::Undetermined;
    std::string reason;
    bool inferred = true;
};

// `tail` may be null (no tail fit: HeavyTailed is then never chosen).
SpectralPhaseLabel classifySpectrum(
    const Eigen::VectorXd& values, const BulkEdge& bulk, const TailFit* tail, const PhaseRuleConfig& config = {});

// --- Predicted tail exponent (docs/theory/spectra.md §5, inferred) ---------------------------------------------------

struct InferredValue {
    double value = std::numeric_limits<double>::quiet_NaN();
    bool inferred = true;
    std::string note;
};

// α_WW = 1 + 1/γ for a teacher spectrum s_i ∝ i^(−γ) (docs/theory/spectra.md §5: inferred, not found in the paper's
// text). Throws ValidationError("gamma", ...) unless γ > 0.
InferredValue predictedTailExponent(double gamma);

}  // namespace sl
