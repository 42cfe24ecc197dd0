// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/model_kind.h"
#include "core/common/observer.h"
#include "core/common/status.h"
#include "core/theory/lasso_state_evolution.h"

#include <string>
#include <vector>

namespace sl {

// The d-exponents of the excess risk measured from the state evolution (docs/theory/exponents.md): on a grid
// of (a, b) with n_eff = d^a and λ = d^b, the SE is solved along a ladder of dimensions d and
// e(a, b) = −d log R / d log d is fitted over the ladder's top decade(s), next to Result 1's prediction
// (arXiv:2509.24882, Result 1; core/theory/phase_diagram.h).
struct ExponentMapConfig {
    ModelKind model = ModelKind::Diagonal;
    double gamma = 1.5;
    double noise = 0.5;  // Δ
    double aFrom = 0, aTo = 3, bFrom = -1, bTo = 2;
    int aPoints = 21, bPoints = 21;
    // Explicit cells (a, b); when non-empty the grid above is ignored.
    std::vector<double> cellA, cellB;
    // Ladder of dimensions: log-spaced from dMin to dMax with ladderPointsPerDecade points per decade (rounded to
    // integers, dMax always included); the fit uses the points with d >= dMax / 10^fitDecades.
    // n_eff = nEffFactor·d^a: a constant prefactor, e.g. the quadratic model's interpolation peak n_eff = α_interp·d
    // (docs/theory/exponents.md §5); it changes no predicted exponent.
    double nEffFactor = 1;
    double dMin = 100;
    double dMax = 1e5;
    int ladderPointsPerDecade = 4;
    double fitDecades = 1;
    // A cell is flagged `curved` when the slopes of the window's lower and upper halves differ by more than this
    // (a crossover still in progress at the ladder's top). (choice, not from the paper)
    double curvatureThreshold = 0.05;
    int threads = 0;  // 0: every core; the output does not depend on it

    // Diagonal model: the teacher is averaged over θ*_i ~ N(0, d·i^(−2γ)) (VarianceProfile, the default) or takes
    // the deterministic amplitudes √d·i^(−γ) (Amplitudes); the sum over i is the quadrature of
    // power_law_quadrature.h with `exactTerms` leading terms kept.
    LassoTeacherMode lassoMode = LassoTeacherMode::VarianceProfile;
    int exactTerms = 512;
    double lassoTolerance = 1e-10;
    int lassoMaxIterations = 20000;
    // Quadratic model: the d → ∞ state evolution (asymptotic_matrix_state_evolution.h) at each d.
    double matrixTolerance = 1e-9;
    int matrixMaxIterations = 500;
    int bulkNodes = 600;

    void validate() const;  // throws sl::ValidationError naming the parameter
    std::vector<double> ladder() const;  // the dimensions d, ascending
    int cellCount() const;
    void cell(int index, double& a, double& b) const;  // row-major: b slowest, a fastest
};

struct ExponentLadderPoint {
    double d = 0;
    double nEff = 0, lambda = 0;
    Status status = Status::Invalid;
    double risk = 0;  // excess risk: R (diagonal) or 2·E_mat (quadratic)
    int iterations = 0;
};

struct ExponentCell {
    double a = 0, b = 0;
    // Result 1 through the phase classifier (phase_diagram.h); `phase` may be "crossover" (then `phaseA` is the side
    // the point is on and `predicted` is that phase's exponent).
    std::string phase, phaseA;
    double predicted = 0;
    // Measured: least-squares slope of −log R on log d over the fit window, its 95% interval (Student t on the
    // residuals: the SE is deterministic, so the interval measures how far from straight the window is), the
    // slopes of the window's lower and upper halves, and their difference.
    Status status = Status::Invalid;  // Converged when every ladder point in the window converged
    std::string message;
    double measured = 0;
    double intervalLow = 0, intervalHigh = 0;
    double standardError = 0;
    double slopeLower = 0, slopeUpper = 0;
    double curvature = 0;  // slopeUpper − slopeLower
    bool curved = false;
    int fitPoints = 0;
    int failedPoints = 0;  // ladder points that did not converge (whole ladder)
    std::vector<ExponentLadderPoint> ladder;

    bool ok() const { return status == Status::Converged; }
    double difference() const { return measured - predicted; }
};

struct ExponentMapProgress {
    int done = 0;  // cells finished so far
    int total = 0;
    ExponentCell cell;  // the cell just finished
};

struct ExponentMapResult : ResultStatus {
    // status: Converged when every cell converged; Cancelled; NotConverged otherwise
    ExponentMapConfig config;
    std::vector<double> ladder;
    std::vector<ExponentCell> cells;  // in cell order; on cancellation the unfinished ones have status Cancelled
    int failedCells = 0;
    double seconds = 0;
};

// Fits −log R against log d (both natural logs) on the points of `ladder` with d >= dFrom that converged.
// Exposed for tests. Returns false when fewer than 3 points are usable.
bool fitExponent(
    const std::vector<ExponentLadderPoint>& ladder, double dFrom, double curvatureThreshold, ExponentCell& cell);

class ExponentMap {
public:
    explicit ExponentMap(ExponentMapConfig config);
    const ExponentMapConfig& config() const { return m_config; }

    // The cells are independent and run in parallel (config.threads); each walks its ladder upwards, warm-started
    // from the previous d. The observer is called once per finished cell, from a worker thread, never concurrently.
    ExponentMapResult run(
        const Observer<ExponentMapProgress>& observer = {}, const CancelToken& cancel = CancelToken()) const;

    // One cell on its own (the unit of work of run()).
    ExponentCell runCell(double a, double b, const CancelToken& cancel = CancelToken()) const;

private:
    ExponentMapConfig m_config;
};

}  // namespace sl
