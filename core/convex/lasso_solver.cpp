// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/convex/lasso_solver.h"

#include "core/common/format.h"
#include "core/common/validation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

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

// The smallest number of coordinates allowed to enter the Gram working set in one sweep.
constexpr Eigen::Index kLassoMinEntering = 32;

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

LassoSolver::LassoSolver(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const LassoConfig& config)
    : m_config(config)
{
    if (X.rows() < 1 || X.cols() < 1)
        throw ValidationError("X", "must have at least one row and one column");
    if (y.size() != X.rows())
        throw ValidationError(
            "y", "has " + std::to_string(y.size()) + " entries but X has " + std::to_string(X.rows()) + " rows");
    requireAllFinite("X", X);
    requireAllFinite("y", y);
    validateLambda(config.lambda);
    requireNonNegative("gapTolerance", config.gapTolerance);
    requireAtLeast("maxSweeps", config.maxSweeps, 1);
    requireAtLeast("observeEvery", config.observeEvery, 0);
    if (config.warmStart.size() != 0 && config.warmStart.size() != X.cols())
        throw ValidationError("warmStart", "must be empty or have d = " + std::to_string(X.cols()) + " entries");
    requireAllFinite("warmStart", config.warmStart);

    const Eigen::Index n = X.rows(), d = X.cols();
    // DIGEST §1a: the experiment's LASSO is ½Σ(y − θᵀx/√d)² + λ‖θ‖₁, i.e. the plain LASSO on X/√d.
    m_x = m_config.units == LassoUnits::Experiment ? Eigen::MatrixXd(X / std::sqrt(double(d))) : X;
    m_y = y;
    m_xty = m_x.transpose() * m_y;
    m_colNormSq = m_x.colwise().squaredNorm().transpose();
    m_yNormSq = m_y.squaredNorm();
    switch (m_config.updates) {
    case LassoUpdates::Gram: m_useGram = true; break;
    case LassoUpdates::Naive: m_useGram = false; break;
    case LassoUpdates::Automatic:
        // A Gram update costs d flops per changed coordinate, a residual update 2n per visited one, and the Gram
        // columns cost n·d each once; so Gram pays off unless d ≫ n, and while d² doubles fit comfortably.
        m_useGram = d <= 2 * n && d <= kLassoGramMaxDimension;
        break;
    }
    m_gramSlot.assign(size_t(d), -1);
}

double LassoSolver::lambdaMax() const
{
    return m_xty.lpNorm<Eigen::Infinity>();
}

double LassoSolver::objective(const Eigen::VectorXd& theta, double lambda) const
{
    return 0.5 * (m_y - m_x * theta).squaredNorm() + lambda * theta.lpNorm<1>();
}

LassoResult LassoSolver::run(const Observer<LassoSnapshot>& observer, const CancelToken& cancel)
{
    return solve(m_config.lambda, m_config.warmStart, observer, cancel);
}

LassoResult LassoSolver::solve(
    double lambda, const Eigen::VectorXd& warmStart, const Observer<LassoSnapshot>& observer, const CancelToken& cancel)
{
    validateLambda(lambda);
    const Eigen::Index d = m_x.cols();
    if (warmStart.size() != 0 && warmStart.size() != d)
        throw ValidationError("warmStart", "must be empty or have d = " + std::to_string(d) + " entries");
    requireAllFinite("warmStart", warmStart);
    Eigen::VectorXd theta = warmStart.size() == d ? warmStart : Eigen::VectorXd::Zero(d);
    // A coordinate with an all-zero column never enters: any value fits equally and the penalty wants 0.
    for (Eigen::Index j = 0; j < d; ++j)
        if (m_colNormSq[j] == 0.0)
            theta[j] = 0.0;
    return m_useGram ? solveGram(lambda, std::move(theta), observer, cancel)
                     : solveNaive(lambda, std::move(theta), observer, cancel);
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
    Eigen::VectorXd theta = Eigen::VectorXd::Zero(m_x.cols());
    for (double lambda : lambdas) {
        results.push_back(solve(lambda, theta, observer, cancel));
        theta = results.back().theta;
        if (results.back().status == Status::Cancelled)
            break;
    }
    return results;
}

void LassoSolver::ensureGramColumns(const std::vector<Eigen::Index>& columns)
{
    std::vector<Eigen::Index> missing;
    for (Eigen::Index j : columns)
        if (m_gramSlot[size_t(j)] < 0)
            missing.push_back(j);
    if (missing.empty())
        return;
    const Eigen::Index d = m_x.cols();
    if (2 * (m_gramUsed + Eigen::Index(missing.size())) > d) {
        // Most of G is needed: one symmetric rank update (n·d² flops, half of a general product) is cheaper than
        // growing the cache column block by column block.
        Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(d, d);
        gram.selfadjointView<Eigen::Lower>().rankUpdate(m_x.transpose());
        gram.triangularView<Eigen::StrictlyUpper>() = gram.transpose().eval();
        m_gram = std::move(gram);
        for (Eigen::Index j = 0; j < d; ++j)
            m_gramSlot[size_t(j)] = j;
        m_gramUsed = d;
        return;
    }
    const Eigen::Index needed = m_gramUsed + Eigen::Index(missing.size());
    if (needed > m_gram.cols())
        m_gram.conservativeResize(d, std::min(d, std::max(needed, 2 * m_gram.cols())));
    // One matrix product for the whole block of entering coordinates (BLAS-3 speed rather than one
    // matrix-vector product per coordinate).
    const Eigen::MatrixXd block = m_x(Eigen::all, missing);
    m_gram.middleCols(m_gramUsed, Eigen::Index(missing.size())).noalias() = m_x.transpose() * block;
    for (Eigen::Index j : missing)
        m_gramSlot[size_t(j)] = m_gramUsed++;
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
void finish(
    LassoResult& result, int sweeps, double lambda, const char* updates, const Observer<LassoSnapshot>& observer)
{
    result.iterations = sweeps;
    result.message = std::string(toString(result.status)) + " after " + std::to_string(sweeps) + " sweeps (" + updates
        + "), relative duality gap " + formatNumber(result.relativeGap) + ", " + std::to_string(result.activeCount)
        + " active";
    if (observer) {
        LassoSnapshot snap;
        snap.iteration = sweeps;
        snap.lambda = lambda;
        snap.objective = result.objective;
        snap.dualityGap = result.dualityGap;
        snap.activeCount = result.activeCount;
        observer(snap);
    }
}

}  // namespace

LassoResult LassoSolver::solveGram(
    double lambda, Eigen::VectorXd theta, const Observer<LassoSnapshot>& observer, const CancelToken& cancel)
{
    const Eigen::Index d = m_x.cols();
    const double tolerance = m_config.gapTolerance;
    const double reference = m_yNormSq > 0 ? 0.5 * m_yNormSq : 1.0;
    const double xtyMax = m_xty.lpNorm<Eigen::Infinity>();

    std::vector<Eigen::Index> nonzero;
    for (Eigen::Index j = 0; j < d; ++j)
        if (theta[j] != 0.0)
            nonzero.push_back(j);
    ensureGramColumns(nonzero);

    // q = X̃ᵀy − Gθ, recomputed exactly from the cached columns (drift from the rank-one updates is reset).
    auto exactGradient = [&](Eigen::VectorXd& q) {
        q = m_xty;
        for (Eigen::Index j = 0; j < d; ++j)
            if (theta[j] != 0.0)
                q.noalias() -= theta[j] * m_gram.col(m_gramSlot[size_t(j)]);
    };
    Eigen::VectorXd q;
    exactGradient(q);

    LassoResult result;
    int sweeps = 0;
    auto report = [&](double gap) {
        if (!observer)
            return;
        LassoSnapshot snap;
        snap.iteration = sweeps;
        snap.lambda = lambda;
        snap.objective = 0.5 * (m_yNormSq - theta.dot(m_xty) - theta.dot(q)) + lambda * theta.lpNorm<1>();
        snap.dualityGap = gap;
        snap.activeCount = int((theta.array() != 0.0).count());
        observer(snap);
    };

    for (;;) {
        // With G: ‖r‖² = ‖y‖² − 2θᵀX̃ᵀy + θᵀGθ and Gθ = X̃ᵀy − q, so the gap costs O(d) per sweep.
        const double ty = theta.dot(m_xty);
        const double residualSquared = std::max(0.0, m_yNormSq - ty - theta.dot(q));
        const GapParts parts
            = gapParts(lambda, theta.lpNorm<1>(), residualSquared, m_yNormSq - ty, q.lpNorm<Eigen::Infinity>());
        const double gap = std::max(0.0, parts.primal - parts.dual);
        const double kkt = lambda == 0.0 ? kktViolation(lambda, theta, q) : 0.0;
        if (m_config.observeEvery > 0 && sweeps % m_config.observeEvery == 0)
            report(gap);
        if (isConverged(lambda, gap / reference, lambda == 0.0 ? kkt : 1e300, tolerance, xtyMax)) {
            // Confirm with the exact residual (n·d flops): the O(d) formula above cancels for tiny residuals.
            const Eigen::VectorXd r = m_y - m_x * theta;
            const Eigen::VectorXd qExact = m_x.transpose() * r;
            fillResult(result, lambda, theta, qExact, r.squaredNorm(), m_y.dot(r));
            if (isConverged(lambda, result.relativeGap, result.kktViolation, tolerance, xtyMax)) {
                result.status = Status::Converged;
                break;
            }
            q = qExact;
        }
        if (cancel.isCancelled()) {
            result.status = Status::Cancelled;
            break;
        }
        if (sweeps >= m_config.maxSweeps) {
            result.status = Status::MaxIterations;
            break;
        }
        // Coordinates that would leave zero this sweep get their Gram columns in one block first. From a cold start
        // far more coordinates violate |q_j| ≤ λ than end up active, and each column costs n·d flops; so only the
        // strongest violators enter, at most max(kLassoMinEntering, number of coordinates already holding a column)
        // per sweep (a working set that at most doubles per sweep; the rest enter later if they still violate).
        std::vector<Eigen::Index> entering;
        for (Eigen::Index j = 0; j < d; ++j)
            if (theta[j] == 0.0 && m_gramSlot[size_t(j)] < 0 && m_colNormSq[j] > 0.0 && std::abs(q[j]) > lambda)
                entering.push_back(j);
        const size_t cap = size_t(std::max<Eigen::Index>(kLassoMinEntering, m_gramUsed));
        if (entering.size() > cap) {
            std::nth_element(entering.begin(), entering.begin() + std::ptrdiff_t(cap), entering.end(),
                [&](Eigen::Index a, Eigen::Index b) { return std::abs(q[a]) > std::abs(q[b]); });
            entering.resize(cap);
        }
        ensureGramColumns(entering);
        for (Eigen::Index j = 0; j < d; ++j) {
            const Eigen::Index slot = m_gramSlot[size_t(j)];
            if (slot < 0)
                continue;  // still zero with |q_j| ≤ λ at the start of the sweep; it enters next sweep if needed
            const double gjj = m_colNormSq[j];
            if (gjj == 0.0)
                continue;
            const double old = theta[j];
            const double updated = softThreshold(old + q[j] / gjj, lambda / gjj);
            if (updated != old) {
                q.noalias() -= (updated - old) * m_gram.col(slot);
                theta[j] = updated;
            }
        }
        ++sweeps;
        if (sweeps % 64 == 0)
            exactGradient(q);
    }
    if (result.status != Status::Converged) {
        const Eigen::VectorXd r = m_y - m_x * theta;
        fillResult(result, lambda, theta, m_x.transpose() * r, r.squaredNorm(), m_y.dot(r));
    }
    finish(result, sweeps, lambda, "Gram updates", observer);
    return result;
}

LassoResult LassoSolver::solveNaive(
    double lambda, Eigen::VectorXd theta, const Observer<LassoSnapshot>& observer, const CancelToken& cancel)
{
    const Eigen::Index d = m_x.cols();
    const double tolerance = m_config.gapTolerance;
    const double reference = m_yNormSq > 0 ? 0.5 * m_yNormSq : 1.0;
    const double xtyMax = m_xty.lpNorm<Eigen::Infinity>();

    Eigen::VectorXd r = m_y - m_x * theta;
    std::vector<Eigen::Index> active;
    std::vector<char> isActive(size_t(d), 0);
    for (Eigen::Index j = 0; j < d; ++j)
        if (theta[j] != 0.0) {
            active.push_back(j);
            isActive[size_t(j)] = 1;
        }

    LassoResult result;
    int sweeps = 0;
    // Inner sweeps on the active set stop once no coordinate step decreases the objective by more than this
    // (a step Δ on coordinate j lowers it by at least ½G_jj Δ²); it shrinks whenever the outer check finds no new
    // violator yet the gap is still too large.
    double innerTolerance = tolerance * reference;
    int nextObservation = 0;
    for (;;) {
        // Full gradient (one matrix-vector product): violators, the gap and the KKT residual.
        const Eigen::VectorXd q = m_x.transpose() * r;
        fillResult(result, lambda, theta, q, r.squaredNorm(), m_y.dot(r));
        if (observer && m_config.observeEvery > 0 && sweeps >= nextObservation) {
            LassoSnapshot snap;
            snap.iteration = sweeps;
            snap.lambda = lambda;
            snap.objective = result.objective;
            snap.dualityGap = result.dualityGap;
            snap.activeCount = result.activeCount;
            observer(snap);
            nextObservation = sweeps + m_config.observeEvery;
        }
        if (isConverged(lambda, result.relativeGap, result.kktViolation, tolerance, xtyMax)) {
            result.status = Status::Converged;
            break;
        }
        if (cancel.isCancelled()) {
            result.status = Status::Cancelled;
            break;
        }
        if (sweeps >= m_config.maxSweeps) {
            result.status = Status::MaxIterations;
            break;
        }
        bool added = false;
        for (Eigen::Index j = 0; j < d; ++j)
            if (!isActive[size_t(j)] && m_colNormSq[j] > 0.0 && std::abs(q[j]) > lambda) {
                active.push_back(j);
                isActive[size_t(j)] = 1;
                added = true;
            }
        if (!added)
            innerTolerance *= 0.1;
        for (;;) {
            double largestDecrease = 0.0;
            for (Eigen::Index j : active) {
                const double gjj = m_colNormSq[j];
                const double old = theta[j];
                const double updated = softThreshold(old + m_x.col(j).dot(r) / gjj, lambda / gjj);
                if (updated != old) {
                    const double delta = updated - old;
                    r.noalias() -= delta * m_x.col(j);
                    theta[j] = updated;
                    largestDecrease = std::max(largestDecrease, 0.5 * gjj * delta * delta);
                }
            }
            ++sweeps;
            if (largestDecrease <= innerTolerance || sweeps >= m_config.maxSweeps || cancel.isCancelled())
                break;
        }
        // Recompute the residual exactly now and then so rank-one drift cannot stall the gap.
        r = m_y - m_x * theta;
    }
    finish(result, sweeps, lambda, "residual updates", observer);
    return result;
}

}  // namespace sl
