// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/train/trainer.h"

#include "core/common/format.h"

#include "core/common/validation.h"
#include "core/model/diagonal_net.h"
#include "core/model/quadratic_net.h"
#include "core/train/lbfgs_stopping.h"

#include <LBFGS.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace sl {

namespace {

// The student as a function of one flat parameter vector: vec(W) (column-major d×p) or [a; w].
class Model {
public:
    virtual ~Model() = default;
    // Objective and gradient at x; counted (TrainResult::evaluations).
    double evaluate(const Eigen::VectorXd& x, Eigen::VectorXd& gradient)
    {
        ++evaluations;
        return objectiveAndGradient(x, gradient);
    }
    virtual double penalty(const Eigen::VectorXd& x) const = 0;
    virtual double excessRisk(const Eigen::VectorXd& x) const = 0;
    virtual Eigen::MatrixXd weights(const Eigen::VectorXd& x) const = 0;
    virtual void fill(const Eigen::VectorXd& x, TrainResult& result) const = 0;
    int evaluations = 0;
    // The data term of the zero predictor: the label scale in objectiveRoundOff().
    double zeroPredictorLoss = 0;

protected:
    virtual double objectiveAndGradient(const Eigen::VectorXd& x, Eigen::VectorXd& gradient) = 0;
};

class QuadraticModel final : public Model {
public:
    QuadraticModel(const Problem& problem)
        : m_problem(problem),
          m_net(problem.data, problem.config.weightDecay),
          m_d(problem.config.dimension),
          m_p(problem.config.effectiveWidth())
    {
        zeroPredictorLoss = problem.data.y.squaredNorm() / (double(m_d) * m_d);
    }
    double objectiveAndGradient(const Eigen::VectorXd& x, Eigen::VectorXd& gradient) override
    {
        Eigen::Map<Eigen::MatrixXd> g(gradient.data(), m_d, m_p);
        return m_net.objectiveAndGradient(Eigen::Map<const Eigen::MatrixXd>(x.data(), m_d, m_p), g);
    }
    double penalty(const Eigen::VectorXd& x) const override
    {
        return m_problem.config.weightDecay / m_d * x.squaredNorm();
    }
    double excessRisk(const Eigen::VectorXd& x) const override { return 2.0 * matrixMse(gram(x), m_problem.teacher); }
    Eigen::MatrixXd weights(const Eigen::VectorXd& x) const override
    {
        return Eigen::Map<const Eigen::MatrixXd>(x.data(), m_d, m_p);
    }
    void fill(const Eigen::VectorXd& x, TrainResult& result) const override
    {
        result.W = weights(x);
        result.S = gram(x);
        // docs/theory/models.md §4: the test excess risk of the centred quadratic model is 2·E_mat.
        result.matrixMse = matrixMse(result.S, m_problem.teacher);
        result.excessRisk = 2.0 * result.matrixMse;
    }

private:
    Eigen::MatrixXd gram(const Eigen::VectorXd& x) const
    {
        const Eigen::Map<const Eigen::MatrixXd> W(x.data(), m_d, m_p);
        Eigen::MatrixXd S(m_d, m_d);
        S.setZero();
        S.selfadjointView<Eigen::Lower>().rankUpdate(W);
        S.triangularView<Eigen::StrictlyUpper>() = S.transpose().eval();  // eval: no transpose aliasing
        return S;
    }

    const Problem& m_problem;
    QuadraticNet m_net;
    int m_d, m_p;
};

class DiagonalModel final : public Model {
public:
    DiagonalModel(const Problem& problem)
        : m_problem(problem), m_net(problem.data, problem.config.weightDecay), m_d(problem.config.dimension)
    {
        zeroPredictorLoss = 0.5 * problem.data.y.squaredNorm();
    }
    double objectiveAndGradient(const Eigen::VectorXd& x, Eigen::VectorXd& gradient) override
    {
        return m_net.objectiveAndGradient(x, gradient);
    }
    double penalty(const Eigen::VectorXd& x) const override
    {
        return 0.5 * m_problem.config.weightDecay * x.squaredNorm();
    }
    double excessRisk(const Eigen::VectorXd& x) const override
    {
        return diagonalExcessRisk(DiagonalNet::theta(x), m_problem.teacher);
    }
    Eigen::MatrixXd weights(const Eigen::VectorXd& x) const override
    {
        return Eigen::Map<const Eigen::MatrixXd>(x.data(), m_d, 2);
    }
    void fill(const Eigen::VectorXd& x, TrainResult& result) const override
    {
        result.W = weights(x);
        result.a = x.head(m_d);
        result.w = x.tail(m_d);
        result.theta = DiagonalNet::theta(x);
        result.excessRisk = diagonalExcessRisk(result.theta, m_problem.teacher);
        result.matrixMse = std::numeric_limits<double>::quiet_NaN();
    }

private:
    const Problem& m_problem;
    DiagonalNet m_net;
    int m_d;
};

// How a run ended; thrown out of LBFGSpp's loop by our callbacks (not a std::exception, so it cannot be
// mistaken for one of LBFGSpp's own errors).
struct Stop {
    Status status;
    std::string reason;
};

// State shared by the optimisers: the current point, its objective and gradient, and the observer schedule.
class Loop {
public:
    Loop(Model& model, const TrainConfig& config, const Observer<TrainSnapshot>& observer, const CancelToken& cancel)
        : m_model(model), m_config(config), m_observer(observer), m_cancel(cancel)
    {
    }

    void emit(int iteration, const Eigen::VectorXd& x, double objective, double gradientNorm)
    {
        m_lastEmitted = iteration;
        if (!m_observer)
            return;
        TrainSnapshot s;
        s.iteration = iteration;
        s.objective = objective;
        s.trainLoss = objective - m_model.penalty(x);
        s.excessRisk = m_model.excessRisk(x);
        s.gradientNorm = gradientNorm;
        s.weights = m_model.weights(x);
        m_observer(s);
    }
    void maybeEmit(int iteration, const Eigen::VectorXd& x, double objective, double gradientNorm)
    {
        if (iteration % m_config.snapshotInterval == 0)
            emit(iteration, x, objective, gradientNorm);
    }
    int lastEmitted() const { return m_lastEmitted; }
    bool cancelled() const { return m_cancel.isCancelled(); }
    // Divergence test shared by all optimisers: not finite, or exploded relative to the start.
    bool diverged(double objective) const
    {
        return !std::isfinite(objective) || objective > m_config.divergenceFactor * std::max(m_initial, 1.0);
    }
    void setInitial(double objective) { m_initial = objective; }

private:
    Model& m_model;
    const TrainConfig& m_config;
    const Observer<TrainSnapshot>& m_observer;
    const CancelToken& m_cancel;
    int m_lastEmitted = -1;
    double m_initial = 0;
};

struct Outcome {
    Status status = Status::NotConverged;
    std::string reason;
    int iterations = 0;
    Eigen::VectorXd x;
    double objective = 0;
    double gradientNorm = 0;
};

std::string divergedReason(const TrainConfig& config)
{
    std::string reason
        = "objective became non-finite or grew past " + formatNumber(config.divergenceFactor) + "x its initial value";
    if (config.optimizer == Optimizer::Lbfgs)
        return reason + "; check the problem's scale (L-BFGS picks its own steps)";
    return reason + "; try a smaller learning rate (now " + formatNumber(config.learningRate) + ")";
}

// GD with heavy-ball momentum (PyTorch's SGD form, as in the follow-up code) and Adam (Kingma & Ba, with bias
// correction).
Outcome runFirstOrder(Model& model, const TrainConfig& config, Loop& loop, Eigen::VectorXd x)
{
    const Eigen::Index size = x.size();
    Eigen::VectorXd g(size), m = Eigen::VectorXd::Zero(size), v = Eigen::VectorXd::Zero(size);
    Outcome out;
    double f = model.evaluate(x, g);
    double gnorm = g.norm();
    loop.setInitial(f);
    loop.emit(0, x, f, gnorm);
    if (loop.diverged(f)) {
        out.status = Status::Diverged;
        out.reason = divergedReason(config);
    }
    const bool adam = config.optimizer == Optimizer::Adam;
    double beta1Power = 1.0, beta2Power = 1.0;
    int k = 0;
    while (out.reason.empty()) {
        if (gnorm <= config.gradientTolerance) {
            out.status = Status::Converged;
            out.reason = "gradient norm " + formatNumber(gnorm) + " <= " + formatNumber(config.gradientTolerance);
            break;
        }
        if (k >= config.maxIterations) {
            out.status = Status::MaxIterations;
            out.reason = "reached the iteration limit " + std::to_string(config.maxIterations);
            break;
        }
        if (loop.cancelled()) {
            out.status = Status::Cancelled;
            out.reason = "cancelled";
            break;
        }
        ++k;
        if (adam) {
            beta1Power *= config.adamBeta1;
            beta2Power *= config.adamBeta2;
            m = config.adamBeta1 * m + (1.0 - config.adamBeta1) * g;
            v = config.adamBeta2 * v + (1.0 - config.adamBeta2) * g.cwiseAbs2();
            x.array() -= config.learningRate * (m.array() / (1.0 - beta1Power))
                / ((v.array() / (1.0 - beta2Power)).sqrt() + config.adamEpsilon);
        } else {
            m = config.momentum * m + g;
            x -= config.learningRate * m;
        }
        const double previous = f;
        f = model.evaluate(x, g);
        gnorm = g.norm();
        if (loop.diverged(f)) {
            out.status = Status::Diverged;
            out.reason = divergedReason(config);
            break;
        }
        loop.maybeEmit(k, x, f, gnorm);
        const double change = std::abs(f - previous);
        if (change < config.lossChangeTolerance) {
            out.status = Status::Converged;
            out.reason = "objective change " + formatNumber(change) + " < " + formatNumber(config.lossChangeTolerance);
        }
    }
    out.iterations = k;
    out.x = std::move(x);
    out.objective = f;
    out.gradientNorm = gnorm;
    return out;
}

// The objective functor handed to LBFGSpp. LBFGSpp has no per-iteration callback, so cancellation is polled on
// every function evaluation and the per-iteration work (observer, stopping tests) runs in accepted(), called by
// StrongWolfeLineSearch below after each line search.
class LbfgsObjective {
public:
    LbfgsObjective(Model& model, const TrainConfig& config, Loop& loop) : m_model(model), m_config(config), m_loop(loop)
    {
    }

    double operator()(const Eigen::VectorXd& x, Eigen::VectorXd& gradient)
    {
        if (m_loop.cancelled())
            throw Stop{Status::Cancelled, "cancelled"};
        // A non-finite value at a trial point is not divergence: the line search rejects it and shortens the
        // step. Accepted points are checked in accepted().
        return m_model.evaluate(x, gradient);
    }

    // Called by the line search with the directional derivative gᵀd before its first trial. PyTorch's rule
    // (docs/theory/models.md §7): gᵀd > −tolerance_change ends the run, as no step along d can change the objective
    // by more than the change tolerance to first order. An uphill direction (gᵀd ≥ 0, a stale curvature pair) is
    // left to the line search, which throws and makes runLbfgs() restart with a fresh memory.
    void startLineSearch(double slope) const
    {
        if (slope < 0 && slope > -m_config.lossChangeTolerance)
            throw Stop{Status::Converged,
                "directional derivative " + formatNumber(slope) + " > -" + formatNumber(m_config.lossChangeTolerance)
                    + " (no descent left along the L-BFGS direction)"};
    }

    void accepted(double f, const Eigen::VectorXd& x, const Eigen::VectorXd& gradient)
    {
        ++iterations;
        ++sinceRestart;
        const double previous = objective;
        const double stepSize = (x - best).cwiseAbs().maxCoeff();
        best = x;
        objective = f;
        gradientNorm = gradient.norm();
        try {
            m_loop.maybeEmit(iterations, best, objective, gradientNorm);
        } catch (...) {
            observerError = std::current_exception();
            throw Stop{Status::Invalid, "observer failed"};
        }
        if (m_loop.diverged(f))
            throw Stop{Status::Diverged, divergedReason(m_config)};
        if (gradientNorm <= m_config.gradientTolerance)
            throw Stop{Status::Converged,
                "gradient norm " + formatNumber(gradientNorm) + " <= " + formatNumber(m_config.gradientTolerance)};
        const double change = std::abs(f - previous);
        if (change < m_config.lossChangeTolerance)
            throw Stop{Status::Converged,
                "objective change " + formatNumber(change) + " < " + formatNumber(m_config.lossChangeTolerance)};
        // PyTorch's lack-of-progress rule: max|t·d| ≤ tolerance_change.
        if (stepSize <= m_config.lossChangeTolerance)
            throw Stop{Status::Converged,
                "step max|t·d| " + formatNumber(stepSize) + " <= " + formatNumber(m_config.lossChangeTolerance)
                    + " (no progress)"};
        if (iterations >= m_config.maxIterations)
            throw Stop{Status::MaxIterations, "reached the iteration limit " + std::to_string(m_config.maxIterations)};
        if (m_loop.cancelled())
            throw Stop{Status::Cancelled, "cancelled"};
    }

    int iterations = 0;
    int sinceRestart = 0;
    Eigen::VectorXd best;  // the last accepted iterate (LBFGSpp's x is a trial point when it throws)
    double objective = 0;
    double gradientNorm = 0;
    std::exception_ptr observerError;

private:
    Model& m_model;
    const TrainConfig& m_config;
    Loop& m_loop;
};

// Cubic interpolation of the minimum of a function known by values and slopes at two points, clamped to
// [lo, hi]; bisection when the cubic has no minimum (also when a value is infinite). PyTorch's _cubic_interpolate.
double cubicMinimum(double x1, double f1, double g1, double x2, double f2, double g2, double lo, double hi)
{
    const double d1 = g1 + g2 - 3.0 * (f1 - f2) / (x1 - x2);
    const double d2Square = d1 * d1 - g1 * g2;
    if (d2Square >= 0) {
        const double d2 = std::sqrt(d2Square);
        const double minimum = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2.0 * d2))
                                        : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2.0 * d2));
        if (std::isfinite(minimum))
            return std::min(std::max(minimum, lo), hi);
    }
    return 0.5 * (lo + hi);
}

// Thrown by StrongWolfeLineSearch when no trial point lowered the objective, with what runLbfgs() needs to tell a
// search drowned in round-off from one that failed far from stationarity (docs/theory/models.md §7).
struct LineSearchFailure : std::runtime_error {
    LineSearchFailure(double objective, double predictedDecrease)
        : std::runtime_error("the line search found no step that lowers the objective"),
          objective(objective),
          predictedDecrease(predictedDecrease)
    {
    }
    double objective;  // at the start of the search
    double predictedDecrease;  // predictedLineDecrease() from the trial closest to the start
};

// Strong-Wolfe line search with cubic interpolation, a port of PyTorch's _strong_wolfe, the line search the follow-up
// code uses (line_search='strong_wolfe'; docs/theory/models.md §7), written as an LBFGSpp line-search policy so LBFGSpp
// keeps the two-loop recursion. LBFGSpp 0.1's own searches proved unusable here: Nocedal-Wright doubles the step
// without bound and silently accepts its last trial point; backtracking with the strong-Wolfe test oscillates and ran
// out of evaluations on the first step of diagonal problems; More-Thuente (0.1) tests the wrong variable in one
// branch. Before the first trial it calls f.startLineSearch(gᵀd), after each accepted step f.accepted(), our
// per-iteration hooks. A search that finds no step lowering the objective throws LineSearchFailure (a
// std::runtime_error, LBFGSpp's convention), which runLbfgs() turns into a restart or a status.
template <class Scalar>
class StrongWolfeLineSearch {
public:
    using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

    template <class Foo>
    static void LineSearch(Foo& f, Scalar& fx, Vector& x, Vector& grad, Scalar& step, const Vector& drt,
        const Vector& xp, const LBFGSpp::LBFGSParam<Scalar>& param)
    {
        const Scalar f0 = fx, gtd0 = grad.dot(drt);
        f.startLineSearch(gtd0);
        if (!(gtd0 < 0))
            throw std::logic_error("the search direction does not decrease the objective");
        const Scalar c1 = param.ftol, c2 = param.wolfe, kToleranceChange = 1e-9;
        const int maxEvaluations = param.max_linesearch;
        const Scalar directionNorm = drt.cwiseAbs().maxCoeff();
        // The trial closest to the start, for the curvature along d should the search fail.
        Scalar nearestStep = std::numeric_limits<Scalar>::infinity(), nearestSlope = 0;
        // NaN would defeat every comparison below; +inf makes the step "too long" and the search shrinks it.
        auto evaluate = [&](Scalar t, Vector& g) {
            x.noalias() = xp + t * drt;
            const Scalar value = f(x, g);
            if (t > 0 && t < nearestStep) {
                nearestStep = t;
                nearestSlope = g.dot(drt);
            }
            return std::isnan(value) ? std::numeric_limits<Scalar>::infinity() : value;
        };

        // Bracketing phase.
        Scalar bt[2], bf[2], bgtd[2];
        Vector bg[2];
        int bracketSize = 0;
        bool done = false;
        Scalar tPrev = 0, fPrev = f0, gtdPrev = gtd0;
        Vector gPrev = grad, gNew(grad.size());
        Scalar t = step;
        Scalar fNew = evaluate(t, gNew), gtdNew = gNew.dot(drt);
        int evaluations = 0;
        while (evaluations < maxEvaluations) {
            const bool tooLong = fNew > f0 + c1 * t * gtd0 || (evaluations > 1 && fNew >= fPrev);
            if (!tooLong && std::abs(gtdNew) <= -c2 * gtd0) {
                bt[0] = t, bf[0] = fNew, bgtd[0] = gtdNew, bg[0] = gNew;
                bracketSize = 1;
                done = true;
                break;
            }
            if (tooLong || gtdNew >= 0) {
                bt[0] = tPrev, bf[0] = fPrev, bgtd[0] = gtdPrev, bg[0] = gPrev;
                bt[1] = t, bf[1] = fNew, bgtd[1] = gtdNew, bg[1] = gNew;
                bracketSize = 2;
                break;
            }
            const Scalar previous = t;
            t = cubicMinimum(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, t + 0.01 * (t - tPrev), 10 * t);
            tPrev = previous, fPrev = fNew, gtdPrev = gtdNew, gPrev = gNew;
            fNew = evaluate(t, gNew);
            gtdNew = gNew.dot(drt);
            ++evaluations;
        }
        if (bracketSize == 0) {
            bt[0] = 0, bf[0] = f0, bgtd[0] = gtd0, bg[0] = grad;
            bt[1] = t, bf[1] = fNew, bgtd[1] = gtdNew, bg[1] = gNew;
            bracketSize = 2;
        }

        // Zoom phase.
        int low = bracketSize == 2 && bf[1] < bf[0] ? 1 : 0, high = 1 - low;
        bool insufficientProgress = false;
        while (!done && evaluations < maxEvaluations) {
            if (std::abs(bt[1] - bt[0]) * directionNorm < kToleranceChange)
                break;
            const Scalar lo = std::min(bt[0], bt[1]), hi = std::max(bt[0], bt[1]);
            t = cubicMinimum(bt[0], bf[0], bgtd[0], bt[1], bf[1], bgtd[1], lo, hi);
            const Scalar margin = 0.1 * (hi - lo);
            if (std::min(hi - t, t - lo) < margin) {
                if (insufficientProgress || t >= hi || t <= lo) {
                    t = std::abs(t - hi) < std::abs(t - lo) ? hi - margin : lo + margin;
                    insufficientProgress = false;
                } else {
                    insufficientProgress = true;
                }
            } else {
                insufficientProgress = false;
            }
            fNew = evaluate(t, gNew);
            gtdNew = gNew.dot(drt);
            ++evaluations;
            if (fNew > f0 + c1 * t * gtd0 || fNew >= bf[low]) {
                bt[high] = t, bf[high] = fNew, bgtd[high] = gtdNew, bg[high] = gNew;
                low = bf[0] <= bf[1] ? 0 : 1;
                high = 1 - low;
            } else {
                if (std::abs(gtdNew) <= -c2 * gtd0)
                    done = true;
                else if (gtdNew * (bt[high] - bt[low]) >= 0)
                    bt[high] = bt[low], bf[high] = bf[low], bgtd[high] = bgtd[low], bg[high] = bg[low];
                bt[low] = t, bf[low] = fNew, bgtd[low] = gtdNew, bg[low] = gNew;
            }
        }

        if (!(bt[low] > 0) || !(bf[low] < f0)) {
            x = xp;
            throw LineSearchFailure(f0, predictedLineDecrease(gtd0, nearestStep, nearestSlope));
        }
        step = bt[low];
        fx = bf[low];
        grad = bg[low];
        x.noalias() = xp + step * drt;
        f.accepted(fx, x, grad);
    }
};

Outcome runLbfgs(Model& model, const TrainConfig& config, Loop& loop, const Eigen::VectorXd& x0)
{
    Outcome out;
    LbfgsObjective objective(model, config, loop);
    Eigen::VectorXd g(x0.size());
    objective.best = x0;
    objective.objective = model.evaluate(x0, g);
    objective.gradientNorm = g.norm();
    loop.setInitial(objective.objective);
    loop.emit(0, x0, objective.objective, objective.gradientNorm);

    LBFGSpp::LBFGSParam<double> param;
    param.m = config.lbfgsMemory;
    param.linesearch = LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_STRONG_WOLFE;
    param.max_linesearch = config.lbfgsMaxLineSearch;
    // Every stopping test is ours (accepted()), so LBFGSpp's own are switched off.
    param.epsilon = 0;
    param.epsilon_rel = 0;
    param.past = 0;
    param.max_iterations = 0;
    LBFGSpp::LBFGSSolver<double, StrongWolfeLineSearch> solver(param);

    if (loop.diverged(objective.objective)) {
        out.status = Status::Diverged;
        out.reason = divergedReason(config);
    } else if (objective.gradientNorm <= config.gradientTolerance) {
        out.status = Status::Converged;
        out.reason
            = "gradient norm " + formatNumber(objective.gradientNorm) + " <= " + formatNumber(config.gradientTolerance);
    } else if (loop.cancelled()) {
        out.status = Status::Cancelled;
        out.reason = "cancelled";
    }
    while (out.reason.empty()) {
        Eigen::VectorXd x = objective.best;
        double fx = 0;
        objective.sinceRestart = 0;
        try {
            solver.minimize(objective, x, fx);
            // Only reachable if the gradient is exactly zero (LBFGSpp's tests are off).
            out.status = Status::Converged;
            out.reason = "gradient is exactly zero";
        } catch (const Stop& stop) {
            out.status = stop.status;
            out.reason = stop.reason;
        } catch (const std::exception& error) {
            // A line search that found no lower point (round-off near the minimum, or a poor direction from a
            // stale curvature pair), or a non-descent direction. Restart from the last accepted point with a fresh
            // memory while restarts make progress. When the steepest-descent search of a fresh memory fails too,
            // the run has converged if the decrease still available along −g is below the objective's round-off
            // or the change tolerance (docs/theory/models.md §7): PyTorch ends its run there too (a zero step);
            // otherwise the search failed far from stationarity.
            if (objective.sinceRestart > 0)
                continue;
            const auto* failure = dynamic_cast<const LineSearchFailure*>(&error);
            const double roundOff = failure ? objectiveRoundOff(failure->objective, model.zeroPredictorLoss) : 0.0;
            const double floor = std::max(roundOff, config.lossChangeTolerance);
            if (failure && failure->predictedDecrease <= floor) {
                out.status = Status::Converged;
                out.reason = "no descent possible at round-off: the line search along -g found no lower point, and "
                             "the decrease left along it, "
                    + formatNumber(failure->predictedDecrease) + ", is below "
                    + (roundOff >= config.lossChangeTolerance ? "the objective's round-off " : "the change tolerance ")
                    + formatNumber(floor);
            } else {
                out.status = Status::NotConverged;
                out.reason = std::string("line search failed (") + error.what() + ") at gradient norm "
                    + formatNumber(objective.gradientNorm);
                if (failure && std::isinf(failure->predictedDecrease))
                    out.reason += ", with no positive curvature along -g";
                else if (failure)
                    out.reason += ", with a decrease of " + formatNumber(failure->predictedDecrease)
                        + " still predicted along -g (round-off " + formatNumber(roundOff) + ")";
            }
        }
    }
    if (objective.observerError)
        std::rethrow_exception(objective.observerError);
    out.iterations = objective.iterations;
    out.x = objective.best;
    out.objective = objective.objective;
    out.gradientNorm = objective.gradientNorm;
    return out;
}

std::uint64_t splitMix64(std::uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void validateProblem(const Problem& problem)
{
    problem.config.validate();
    const ProblemConfig& c = problem.config;
    if (problem.data.X.rows() != c.samples || problem.data.X.cols() != c.dimension
        || problem.data.y.size() != c.samples)
        throw ValidationError("problem", "data do not match the configuration (use makeProblem)");
    if (problem.teacher.model != c.model || problem.teacher.spectrum.size() != c.dimension)
        throw ValidationError("problem", "teacher does not match the configuration (use makeProblem)");
}

}  // namespace

Eigen::MatrixXd Trainer::initialWeights(const Problem& problem, const TrainConfig& config)
{
    const ProblemConfig& c = problem.config;
    // A stream of its own, derived from the problem seed, so the start point is reproducible and independent of
    // the teacher and data draws. W_ij ~ N(0, initScale²/d) (follow-up code defaults, docs/theory/models.md §7).
    Rng rng(splitMix64(c.seed ^ 0x7472616E696E6974ULL));
    const int columns = c.model == ModelKind::Quadratic ? c.effectiveWidth() : 2;
    return rng.normalMatrix(c.dimension, columns) * (config.initScale / std::sqrt(double(c.dimension)));
}

TrainResult Trainer::run(const Problem& problem, const TrainConfig& config, const Observer<TrainSnapshot>& observer,
    const CancelToken& cancel)
{
    validateProblem(problem);
    config.validate();
    return runFrom(problem, config, initialWeights(problem, config), observer, cancel);
}

TrainResult Trainer::runFrom(const Problem& problem, const TrainConfig& config, const Eigen::MatrixXd& initial,
    const Observer<TrainSnapshot>& observer, const CancelToken& cancel)
{
    validateProblem(problem);
    config.validate();
    const ProblemConfig& c = problem.config;
    const bool quadratic = c.model == ModelKind::Quadratic;
    const int columns = quadratic ? c.effectiveWidth() : 2;
    if (initial.rows() != c.dimension || initial.cols() != columns)
        throw ValidationError("initial",
            "must be " + std::to_string(c.dimension) + "x" + std::to_string(columns) + (quadratic ? " (W)" : " ([a w])")
                + ", got " + std::to_string(initial.rows()) + "x" + std::to_string(initial.cols()));
    if (!initial.allFinite())
        throw ValidationError("initial", "must be finite");

    std::unique_ptr<Model> model;
    if (quadratic)
        model = std::make_unique<QuadraticModel>(problem);
    else
        model = std::make_unique<DiagonalModel>(problem);
    Loop loop(*model, config, observer, cancel);
    const Eigen::VectorXd x0 = Eigen::Map<const Eigen::VectorXd>(initial.data(), initial.size());
    Outcome out = config.optimizer == Optimizer::Lbfgs ? runLbfgs(*model, config, loop, x0)
                                                       : runFirstOrder(*model, config, loop, x0);

    // The final state is always observed, except after a cancel (the caller no longer wants it) or a divergence
    // (its values are not finite).
    if (out.status != Status::Cancelled && out.status != Status::Diverged && loop.lastEmitted() != out.iterations)
        loop.emit(out.iterations, out.x, out.objective, out.gradientNorm);

    TrainResult result;
    result.status = out.status;
    result.stopReason = out.reason;
    result.iterations = out.iterations;
    result.evaluations = model->evaluations;
    result.objective = out.objective;
    result.trainLoss = out.objective - model->penalty(out.x);
    result.gradientNorm = out.gradientNorm;
    model->fill(out.x, result);
    std::ostringstream message;
    message << toString(config.optimizer) << ' ' << toString(out.status) << " after " << out.iterations
            << " iterations: " << out.reason << "; objective " << formatNumber(result.objective) << ", excess risk "
            << formatNumber(result.excessRisk);
    result.message = message.str();
    return result;
}

}  // namespace sl
