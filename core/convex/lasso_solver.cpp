// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/convex/lasso_solver.h"

#include "core/common/format.h"
#include "core/common/validation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace sl {

namespace {

double softThreshold(double z, double t)
{
    if (z > t)
        return z - t;
    if (z < -t)
        return z + t;
    return 0.0;
}

void requireAllFinite(const std::string& name, const Eigen::Ref<const Eigen::MatrixXd>& m)
{
    if (!m.allFinite())
        throw ValidationError(name, "contains NaN or infinite entries");
}

// The working set may grow by max(this, its size) coordinates per round: from a cold start far more coordinates
// violate |q_j| ≤ λ than end up active, and each admitted one costs a Gram column (n·|W| flops) or a visit per sweep.
constexpr Eigen::Index kLassoMinWorkingSetGrowth = 64;

// Iterates combined by one Anderson extrapolation step (the paper's K = 5).
constexpr int kAndersonDepth = 5;

// Blocks of columns for the passes over X (X̃ᵀr, the column norms): one per thread when OpenMP is on.
int columnBlocks(Eigen::Index n, Eigen::Index d)
{
#ifdef _OPENMP
    if (n * d >= (Eigen::Index(1) << 16))
        return std::max(1, omp_get_max_threads());
#else
    (void)n;
    (void)d;
#endif
    return 1;
}

Eigen::Index blockStart(int block, int blocks, Eigen::Index size)
{
    return Eigen::Index(block) * size / blocks;
}

void validateLambda(double lambda)
{
    requireNonNegative("lambda", lambda);
}

// The duality gap of the LASSO at θ from ‖r‖², yᵀr and ‖X̃ᵀr‖_∞ (r = y − X̃θ). The dual point is the rescaled
// residual ν = s·r with s = min(1, λ/‖X̃ᵀr‖_∞), feasible for ‖X̃ᵀν‖_∞ ≤ λ; D(ν) = ½‖y‖² − ½‖y − ν‖².
struct GapParts {
    double primal = 0.0;
    double dual = 0.0;
};

GapParts gapParts(double lambda, double l1, double residualSquared, double yDotResidual, double gradientMax)
{
    GapParts parts;
    parts.primal = 0.5 * residualSquared + lambda * l1;
    double s = 1.0;
    if (gradientMax > lambda)
        s = lambda / gradientMax;
    parts.dual = s * yDotResidual - 0.5 * s * s * residualSquared;
    return parts;
}

double kktViolation(double lambda, const Eigen::VectorXd& theta, const Eigen::VectorXd& q)
{
    double worst = 0.0;
    for (Eigen::Index j = 0; j < theta.size(); ++j) {
        const double v = theta[j] != 0.0 ? std::abs(q[j] - (theta[j] > 0 ? lambda : -lambda))
                                         : std::max(0.0, std::abs(q[j]) - lambda);
        worst = std::max(worst, v);
    }
    return worst;
}

}  // namespace

struct LassoSolver::Progress {
    int sweeps = 0;
    int nextObservation = 0;
    bool moved = false;  // whether the last round's sweeps changed any coordinate

    // Whether the observer is due now (every `every` sweeps; never when every ≤ 0), booking the next call if so.
    bool observationDue(int every)
    {
        if (every <= 0 || sweeps < nextObservation)
            return false;
        nextObservation = sweeps + every;
        return true;
    }
};

LassoSolver::LassoSolver(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const LassoConfig& config)
    : m_config(config), m_x(&X)
{
    if (X.rows() < 1 || X.cols() < 1)
        throw ValidationError("X", "must have at least one row and one column");
    if (y.size() != X.rows())
        throw ValidationError(
            "y", "has " + std::to_string(y.size()) + " entries but X has " + std::to_string(X.rows()) + " rows");
    requireAllFinite("y", y);
    validateLambda(config.lambda);
    requireNonNegative("gapTolerance", config.gapTolerance);
    requireAtLeast("maxSweeps", config.maxSweeps, 1);
    requireAtLeast("observeEvery", config.observeEvery, 0);
    requireAtLeast("gramWorkingSetLimit", config.gramWorkingSetLimit, 1);
    if (config.warmStart.size() != 0 && config.warmStart.size() != X.cols())
        throw ValidationError("warmStart", "must be empty or have d = " + std::to_string(X.cols()) + " entries");
    requireAllFinite("warmStart", config.warmStart);

    const Eigen::Index n = X.rows(), d = X.cols();
    // docs/theory/models.md §2: the experiment's LASSO is ½Σ(y − θᵀx/√d)² + λ‖θ‖₁, i.e. the plain LASSO on X/√d.
    m_scale = m_config.units == LassoUnits::Experiment ? 1.0 / std::sqrt(double(d)) : 1.0;
    m_y = y;
    m_yNormSq = m_y.squaredNorm();
    // X̃ᵀy and ‖X̃_j‖² in one pass over X (each column is read once, while it is in cache); a NaN or ∞ in X shows up
    // in its column's norm, so the finiteness check costs nothing extra.
    m_xty.resize(d);
    m_colNormSq.resize(d);
    const int blocks = columnBlocks(n, d);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (blocks > 1)
#endif
    for (int b = 0; b < blocks; ++b)
        for (Eigen::Index j = blockStart(b, blocks, d); j < blockStart(b + 1, blocks, d); ++j) {
            m_xty[j] = m_scale * X.col(j).dot(m_y);
            m_colNormSq[j] = m_scale * m_scale * X.col(j).squaredNorm();
        }
    for (Eigen::Index j = 0; j < d; ++j)
        if (!std::isfinite(m_colNormSq[j]) || !std::isfinite(m_xty[j])) {
            requireAllFinite("X", X.col(j));
            throw ValidationError("X",
                "column " + std::to_string(j)
                    + " is too large: its squared norm overflows double precision (rescale the data)");
        }
    switch (m_config.updates) {
    case LassoUpdates::Gram: m_useGram = true; break;
    case LassoUpdates::Naive: m_useGram = false; break;
    case LassoUpdates::Automatic: m_useGram = true; break;  // until the working set outgrows the limit
    }
    m_wsSlot.assign(size_t(d), -1);
}

double LassoSolver::lambdaMax() const
{
    return m_xty.lpNorm<Eigen::Infinity>();
}

Eigen::VectorXd LassoSolver::residual(const Eigen::VectorXd& theta) const
{
    if (theta.size() != m_x->cols())
        throw ValidationError("theta", "must have d = " + std::to_string(m_x->cols()) + " entries");
    Eigen::VectorXd r = m_y;
    for (Eigen::Index j = 0; j < theta.size(); ++j)
        if (theta[j] != 0.0)
            r.noalias() -= (m_scale * theta[j]) * m_x->col(j);
    return r;
}

double LassoSolver::objective(const Eigen::VectorXd& theta, double lambda) const
{
    return 0.5 * residual(theta).squaredNorm() + lambda * theta.lpNorm<1>();
}

void LassoSolver::fullGradient(const Eigen::VectorXd& r, Eigen::VectorXd& q) const
{
    const Eigen::MatrixXd& X = *m_x;
    const Eigen::Index d = X.cols();
    q.resize(d);
    const int blocks = columnBlocks(X.rows(), d);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (blocks > 1)
#endif
    for (int b = 0; b < blocks; ++b) {
        const Eigen::Index start = blockStart(b, blocks, d), count = blockStart(b + 1, blocks, d) - start;
        q.segment(start, count).noalias() = X.middleCols(start, count).transpose() * r;
    }
    q *= m_scale;
}

LassoResult LassoSolver::run(const Observer<LassoSnapshot>& observer, const CancelToken& cancel)
{
    return solve(m_config.lambda, m_config.warmStart, observer, cancel);
}

std::vector<LassoResult> LassoSolver::path(
    const LassoPathConfig& pathConfig, const Observer<LassoSnapshot>& observer, const CancelToken& cancel)
{
    std::vector<double> lambdas = pathConfig.lambdas;
    if (lambdas.empty()) {
        requireAtLeast("points", pathConfig.points, 1);
        requirePositive("ratio", pathConfig.ratio);
        if (pathConfig.ratio > 1.0)
            throw ValidationError("ratio", "must be in (0, 1]");
        const double top = lambdaMax();
        for (int k = 0; k < pathConfig.points; ++k) {
            const double f = pathConfig.points == 1 ? 0.0 : double(k) / double(pathConfig.points - 1);
            lambdas.push_back(top * std::pow(pathConfig.ratio, f));
        }
    }
    for (size_t k = 0; k < lambdas.size(); ++k) {
        validateLambda(lambdas[k]);
        if (k > 0 && lambdas[k] > lambdas[k - 1])
            throw ValidationError("lambdas", "must be in descending order");
    }
    std::vector<LassoResult> results;
    results.reserve(lambdas.size());
    Eigen::VectorXd theta = Eigen::VectorXd::Zero(m_x->cols());
    for (double lambda : lambdas) {
        results.push_back(solve(lambda, theta, observer, cancel));
        theta = results.back().theta;
        if (results.back().status == Status::Cancelled)
            break;
    }
    return results;
}

void LassoSolver::addToWorkingSet(const std::vector<Eigen::Index>& coordinates)
{
    std::vector<Eigen::Index> entering;
    for (Eigen::Index j : coordinates)
        if (m_wsSlot[size_t(j)] < 0 && m_colNormSq[j] > 0.0)
            entering.push_back(j);
    if (entering.empty())
        return;
    const Eigen::Index k = Eigen::Index(m_ws.size()), m = Eigen::Index(entering.size());
    if (m_useGram && m_config.updates == LassoUpdates::Automatic && k + m > m_config.gramWorkingSetLimit) {
        m_useGram = false;  // from here on residual updates; the Gram block is released
        m_wsX.resize(0, 0);
        m_wsGram.resize(0, 0);
    }
    for (Eigen::Index j : entering) {
        m_wsSlot[size_t(j)] = Eigen::Index(m_ws.size());
        m_ws.push_back(j);
    }
    if (!m_useGram)
        return;
    const Eigen::Index n = m_x->rows(), d = m_x->cols();
    if (k + m > m_wsX.cols()) {
        const Eigen::Index capacity = std::min(d, std::max(k + m, 2 * Eigen::Index(m_wsX.cols())));
        m_wsX.conservativeResize(n, capacity);
        m_wsGram.conservativeResize(capacity, capacity);
    }
    for (Eigen::Index t = 0; t < m; ++t)
        m_wsX.col(k + t) = m_scale * m_x->col(entering[size_t(t)]);
    // The new columns of G_WW in one matrix product (BLAS-3 speed), then mirrored into the new rows.
    m_wsGram.block(0, k, k + m, m).noalias() = m_wsX.leftCols(k + m).transpose() * m_wsX.middleCols(k, m);
    m_wsGram.block(k, 0, m, k) = m_wsGram.block(0, k, k, m).transpose();
}

void LassoSolver::fillResult(LassoResult& result, double lambda, const Eigen::VectorXd& theta, const Eigen::VectorXd& q,
    double residualSquared, double yDotResidual) const
{
    const double gradientMax = q.lpNorm<Eigen::Infinity>();
    const GapParts parts = gapParts(lambda, theta.lpNorm<1>(), residualSquared, yDotResidual, gradientMax);
    result.lambda = lambda;
    result.objective = parts.primal;
    result.dualObjective = parts.dual;
    result.dualityGap = std::max(0.0, parts.primal - parts.dual);
    result.relativeGap = m_yNormSq > 0 ? result.dualityGap / (0.5 * m_yNormSq) : result.dualityGap;
    result.kktViolation = kktViolation(lambda, theta, q);
    result.theta = theta;
    result.activeCount = int((theta.array() != 0.0).count());
}

namespace {

// Converged when the relative gap is below tolerance; with λ = 0 the rescaled-residual dual point is infeasible
// unless X̃ᵀr = 0, so least squares is declared converged on the KKT residual instead.
bool isConverged(double lambda, double relativeGap, double kkt, double tolerance, double xtyMax)
{
    if (relativeGap <= tolerance)
        return true;
    return lambda == 0.0 && kkt <= tolerance * std::max(xtyMax, 1e-300);
}

// The end of a solve, whichever update rule ran it: iteration count, message, and the final snapshot.
void finish(LassoResult& result, int sweeps, double lambda, const char* updates, const std::string& note,
    const Observer<LassoSnapshot>& observer)
{
    result.iterations = sweeps;
    result.message = std::string(toString(result.status)) + " after " + std::to_string(sweeps) + " sweeps (" + updates
        + "), relative duality gap " + formatNumber(result.relativeGap) + ", " + std::to_string(result.activeCount)
        + " active" + note;
    if (observer)
        observer(LassoSnapshot{sweeps, lambda, result.objective, result.dualityGap, result.activeCount});
}

}  // namespace

void LassoSolver::sweepGram(double lambda, Eigen::VectorXd& theta, Eigen::VectorXd& r, const Eigen::VectorXd& q,
    Progress& progress, double innerTolerance, const Observer<LassoSnapshot>& observer, const CancelToken& cancel)
{
    const Eigen::Index k = Eigen::Index(m_ws.size());
    const double reference = m_yNormSq > 0 ? 0.5 * m_yNormSq : 1.0;
    const double xtyMax = m_xty.lpNorm<Eigen::Infinity>();
    Eigen::VectorXd thetaW(k), xtyW(k), qW(k);
    for (Eigen::Index i = 0; i < k; ++i) {
        thetaW[i] = theta[m_ws[size_t(i)]];
        xtyW[i] = m_xty[m_ws[size_t(i)]];
        qW[i] = q[m_ws[size_t(i)]];  // exact: from the last pass over X
    }
    const auto gram = m_wsGram.topLeftCorner(k, k);
    // Anderson extrapolation (Bertrand & Massias 2021, "Anderson acceleration of coordinate descent"): every
    // kAndersonDepth sweeps, the affine combination of the last iterates that best cancels their differences is
    // tried, and kept only if it lowers the objective. It costs one |W|² product, about one sweep, and on the
    // ill-conditioned n ≈ d designs of a λ path it saves many sweeps.
    Eigen::MatrixXd history(k, kAndersonDepth + 1);
    int stored = 0;
    auto objectiveOf = [&](const Eigen::VectorXd& t, const Eigen::VectorXd& g) {
        // ½‖y − X̃θ‖² + λ‖θ‖₁ with X̃ᵀX̃θ = X̃ᵀy − q.
        return 0.5 * m_yNormSq - 0.5 * t.dot(xtyW) - 0.5 * t.dot(g) + lambda * t.lpNorm<1>();
    };
    for (;;) {
        if (cancel.isCancelled() || progress.sweeps >= m_config.maxSweeps)
            break;
        bool changed = false;
        for (Eigen::Index i = 0; i < k; ++i) {
            const double gii = gram(i, i);
            const double old = thetaW[i];
            const double updated = softThreshold(old + qW[i] / gii, lambda / gii);
            if (updated != old) {
                qW.noalias() -= (updated - old) * gram.col(i);
                thetaW[i] = updated;
                changed = true;
            }
        }
        ++progress.sweeps;
        progress.moved = progress.moved || changed;
        if (progress.sweeps % 64 == 0)
            qW.noalias() = xtyW - gram * thetaW;  // resets the drift of the rank-one updates
        history.col(stored++) = thetaW;
        if (stored == kAndersonDepth + 1) {
            stored = 0;
            const Eigen::MatrixXd differences = history.rightCols(kAndersonDepth) - history.leftCols(kAndersonDepth);
            Eigen::MatrixXd normal = differences.transpose() * differences;
            normal.diagonal().array() += 1e-12 * std::max(normal.trace(), 1e-300);
            const Eigen::VectorXd z = normal.ldlt().solve(Eigen::VectorXd::Ones(kAndersonDepth));
            const double total = z.sum();
            if (z.allFinite() && std::abs(total) > 1e-300) {
                const Eigen::VectorXd extrapolated = history.rightCols(kAndersonDepth) * (z / total);
                Eigen::VectorXd qExtrapolated = xtyW;
                qExtrapolated.noalias() -= gram * extrapolated;
                if (objectiveOf(extrapolated, qExtrapolated) < objectiveOf(thetaW, qW)) {
                    thetaW = extrapolated;
                    qW = qExtrapolated;
                    // A sweep comes next, before any stopping test: it puts coordinates that the combination left
                    // slightly off zero back on it, so the returned θ is a coordinate-descent point.
                    continue;
                }
            }
        }
        // With G_WW: ‖r‖² = ‖y‖² − 2θᵀX̃ᵀy + θᵀGθ and Gθ = X̃ᵀy − q, so the working set's gap costs O(|W|). It equals
        // the full problem's gap when no coordinate outside W violates; the caller certifies it with exact r and q.
        const double ty = thetaW.dot(xtyW);
        const double residualSquared = std::max(0.0, m_yNormSq - ty - thetaW.dot(qW));
        const double gradientMax = qW.lpNorm<Eigen::Infinity>();
        const GapParts parts = gapParts(lambda, thetaW.lpNorm<1>(), residualSquared, m_yNormSq - ty, gradientMax);
        const double gap = std::max(0.0, parts.primal - parts.dual);
        if (observer && progress.observationDue(m_config.observeEvery))
            observer(LassoSnapshot{progress.sweeps, lambda, parts.primal, gap, int((thetaW.array() != 0.0).count())});
        if (!changed || isConverged(lambda, gap / reference, gradientMax, innerTolerance, xtyMax))
            break;
    }
    for (Eigen::Index i = 0; i < k; ++i)
        theta[m_ws[size_t(i)]] = thetaW[i];
    r = m_y;
    r.noalias() -= m_wsX.leftCols(k) * thetaW;
}

void LassoSolver::sweepResidual(double lambda, Eigen::VectorXd& theta, Eigen::VectorXd& r, Progress& progress,
    double innerTolerance, const CancelToken& cancel)
{
    const Eigen::MatrixXd& X = *m_x;
    for (;;) {
        if (cancel.isCancelled() || progress.sweeps >= m_config.maxSweeps)
            break;
        // A step Δ on coordinate j lowers the objective by at least ½‖X̃_j‖²Δ²: stop when no step is worth more.
        double largestDecrease = 0.0;
        for (Eigen::Index j : m_ws) {
            const double gjj = m_colNormSq[j];
            const double old = theta[j];
            const double updated = softThreshold(old + m_scale * X.col(j).dot(r) / gjj, lambda / gjj);
            if (updated != old) {
                const double delta = updated - old;
                r.noalias() -= (m_scale * delta) * X.col(j);
                theta[j] = updated;
                largestDecrease = std::max(largestDecrease, 0.5 * gjj * delta * delta);
            }
        }
        ++progress.sweeps;
        progress.moved = progress.moved || largestDecrease > 0.0;
        if (largestDecrease <= innerTolerance)
            break;
    }
    r = residual(theta);  // exact again: rank-one drift must not stall the gap
}

LassoResult LassoSolver::solve(
    double lambda, const Eigen::VectorXd& warmStart, const Observer<LassoSnapshot>& observer, const CancelToken& cancel)
{
    validateLambda(lambda);
    const Eigen::Index d = m_x->cols();
    if (warmStart.size() != 0 && warmStart.size() != d)
        throw ValidationError("warmStart", "must be empty or have d = " + std::to_string(d) + " entries");
    requireAllFinite("warmStart", warmStart);
    const bool cold = warmStart.size() == 0 || (warmStart.array() == 0.0).all();
    const double top = lambdaMax();
    if (!cold || lambda <= 0.0 || lambda >= kLassoContinuationRatio * top)
        return solveFrom(lambda, warmStart.size() == d ? warmStart : Eigen::VectorXd::Zero(d), 0, "", observer, cancel);

    // Continuation (docs/theory/noiseless-and-lambda.md §1): a cold start at λ ≪ λ_max first fits a dense θ with far
    // more than min(n, d) nonzeros; below interpolation (n < d, Δ = 0) the Gram block of that support is singular, and
    // only the ℓ1 force λ, tiny per sweep, drives the extra coordinates back to zero (measured: 100000 sweeps, gap
    // stuck at 1e-8–1e-7). Solving a geometric λ sequence from λ_max down, each from the previous solution, keeps the
    // support near the true one at every step, as the λ path does.
    const double decades = std::log10(top / lambda);
    const int steps = std::max(2, int(std::ceil(decades * kLassoContinuationStepsPerDecade)));
    Eigen::VectorXd theta = Eigen::VectorXd::Zero(d);
    int sweeps = 0;
    for (int k = 1; k < steps; ++k) {
        const double stepLambda = top * std::pow(lambda / top, double(k) / double(steps));
        LassoResult step = solveFrom(stepLambda, theta, sweeps, "", {}, cancel);
        sweeps = step.iterations;
        if (step.status == Status::Cancelled)
            return step;
        if (step.status == Status::MaxIterations)
            break;  // the final solve below reports the exhausted budget at the requested λ
        theta = step.theta;
    }
    return solveFrom(lambda, theta, sweeps,
        "; continuation from λ_max in " + std::to_string(steps) + " geometric steps", observer, cancel);
}

LassoResult LassoSolver::solveFrom(double lambda, Eigen::VectorXd theta, int sweepsBefore,
    const std::string& continuationNote, const Observer<LassoSnapshot>& observer, const CancelToken& cancel)
{
    const Eigen::Index d = m_x->cols();
    // A coordinate with an all-zero column never enters: any value fits equally and the penalty wants 0.
    std::vector<Eigen::Index> nonzero;
    for (Eigen::Index j = 0; j < d; ++j) {
        if (m_colNormSq[j] == 0.0)
            theta[j] = 0.0;
        if (theta[j] != 0.0)
            nonzero.push_back(j);
    }
    addToWorkingSet(nonzero);

    Eigen::VectorXd r, q;
    // Along a decreasing λ path the sequential strong rule (Tibshirani et al. 2012) predicts the new active set from
    // the previous solution's gradient: |q_j| > 2λ − λ_previous. Admitting those at once saves rounds (each costs
    // a pass over X and sweeps to full precision); the rule is only a guess, the gap check below still decides.
    double admission = lambda;
    if (m_lastTheta.size() == d && theta == m_lastTheta) {
        r = m_lastResidual;
        q = m_lastGradient;
        if (lambda < m_lastLambda)
            admission = std::max(0.0, 2.0 * lambda - m_lastLambda);
    } else if (nonzero.empty()) {
        r = m_y;
        q = m_xty;
    } else {
        r = residual(theta);
        fullGradient(r, q);
    }

    const double tolerance = m_config.gapTolerance;
    const double reference = m_yNormSq > 0 ? 0.5 * m_yNormSq : 1.0;
    const double xtyMax = m_xty.lpNorm<Eigen::Infinity>();
    LassoResult result;
    Progress progress;
    progress.sweeps = sweepsBefore;
    progress.nextObservation = sweepsBefore;
    std::string note = continuationNote;
    double innerScale = 1.0;  // shrinks when the working set's gap estimate was too optimistic
    for (;;) {
        fillResult(result, lambda, theta, q, r.squaredNorm(), m_y.dot(r));
        if (observer && progress.observationDue(m_config.observeEvery))
            observer(LassoSnapshot{progress.sweeps, lambda, result.objective, result.dualityGap, result.activeCount});
        if (isConverged(lambda, result.relativeGap, result.kktViolation, tolerance, xtyMax)) {
            result.status = Status::Converged;
            break;
        }
        if (cancel.isCancelled()) {
            result.status = Status::Cancelled;
            break;
        }
        if (progress.sweeps >= m_config.maxSweeps) {
            result.status = Status::MaxIterations;
            break;
        }
        // Violators outside W enter, strongest first, at most doubling W (the rest enter later if still needed).
        std::vector<Eigen::Index> entering;
        for (Eigen::Index j = 0; j < d; ++j)
            if (m_wsSlot[size_t(j)] < 0 && m_colNormSq[j] > 0.0 && std::abs(q[j]) > admission)
                entering.push_back(j);
        admission = lambda;
        const size_t cap = size_t(std::max<Eigen::Index>(kLassoMinWorkingSetGrowth, Eigen::Index(m_ws.size())));
        if (entering.size() > cap) {
            std::nth_element(entering.begin(), entering.begin() + std::ptrdiff_t(cap), entering.end(),
                [&](Eigen::Index a, Eigen::Index b) { return std::abs(q[a]) > std::abs(q[b]); });
            entering.resize(cap);
        }
        if (entering.empty()) {
            // No violator, yet the certified gap is too large: the working set's own stopping test was fooled by
            // rounding. Ask it for more; if its sweeps no longer move anything, this is the rounding floor.
            if (!progress.moved && progress.sweeps > sweepsBefore) {
                result.status = Status::NotConverged;
                note += "; stalled: no coordinate moves any more (the gap is at the rounding level)";
                break;
            }
            innerScale *= 0.1;
        } else {
            std::sort(entering.begin(), entering.end());
            addToWorkingSet(entering);
        }
        progress.moved = false;
        if (m_useGram)
            sweepGram(lambda, theta, r, q, progress, tolerance * innerScale, observer, cancel);
        else
            sweepResidual(lambda, theta, r, progress, tolerance * innerScale * reference, cancel);
        fullGradient(r, q);
    }
    m_lastTheta = theta;
    m_lastResidual = r;
    m_lastGradient = q;
    m_lastLambda = lambda;
    finish(result, progress.sweeps, lambda, m_useGram ? "Gram updates" : "residual updates", note, observer);
    return result;
}

}  // namespace sl
