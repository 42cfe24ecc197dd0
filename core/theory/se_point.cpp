// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/se_point.h"

#include "core/common/power_law.h"
#include "core/common/validation.h"
#include "core/theory/lasso_fixed_point.h"
#include "core/theory/matrix_state_evolution.h"

#include <cmath>

namespace sl {

void StateEvolutionModel::validate() const
{
    requireAtLeast("d", d, 2);
    requireFinite("gamma", gamma);
    if (!(gamma > 0.5))
        throw ValidationError("gamma", "must be > 1/2 (arXiv:2509.24882 §2)");
    requireNonNegative("noise", noise);
    if (lassoTeacher.size() > 0 && lassoTeacher.size() != d)
        throw ValidationError("lassoTeacher", "must have d entries (or be empty)");
    if (matrixSpectrum.size() > 0 && matrixSpectrum.size() != d)
        throw ValidationError("matrixSpectrum", "must have d entries (or be empty)");
    requirePositive("lassoTolerance", lassoTolerance);
    requireAtLeast("samples", samples, 1);
    requirePositive("matrixTolerance", matrixTolerance);
    requireAtLeast("matrixMaxIterations", matrixMaxIterations, 1);
}

Eigen::VectorXd StateEvolutionModel::resolvedLassoTeacher() const
{
    if (lassoTeacher.size() > 0)
        return lassoTeacher;
    return lassoMode == LassoTeacherMode::VarianceProfile ? lassoPowerLawVariances(d, gamma)
                                                          : lassoDeterministicAmplitudes(d, gamma);
}

Eigen::VectorXd StateEvolutionModel::resolvedMatrixSpectrum() const
{
    return matrixSpectrum.size() > 0 ? matrixSpectrum : powerLawSpectrum(d, gamma);
}

double StateEvolutionModel::zeroRisk() const
{
    if (model == ModelKind::Quadratic)
        return 2 * resolvedMatrixSpectrum().squaredNorm() / d;
    const Eigen::VectorXd t = resolvedLassoTeacher();
    return lassoMode == LassoTeacherMode::VarianceProfile ? t.sum() / d : t.squaredNorm() / d;
}

StateEvolutionValue evaluateStateEvolution(const StateEvolutionModel& m, const Eigen::VectorXd& teacher, double nEff,
    double lambda, StateEvolutionWarmStart* warm, const CancelToken& cancel)
{
    requirePositive("nEff", nEff);
    requireNonNegative("lambda", lambda);
    StateEvolutionValue v;
    const double alpha = nEff / m.d;  // α = n/d (diagonal) and α_q = n/d² (quadratic) are both n_eff/d
    if (m.model == ModelKind::Quadratic) {
        MatrixStateEvolutionConfig c;
        c.spectrum = teacher;
        c.alphaQ = alpha;
        c.lambda = lambda;
        c.noise = m.noise;
        c.samples = m.samples;
        c.seed = m.seed;
        c.tolerance = m.matrixTolerance;
        c.maxIterations = m.matrixMaxIterations;
        if (warm && warm->delta > 0) {
            c.initialDelta = warm->delta;
            c.initialEpsilon = warm->epsilon;
        }
        const MatrixStateEvolutionResult r = MatrixStateEvolution(c).run({}, cancel);
        v.status = r.status;
        v.message = r.message;
        v.iterations = r.iterations;
        if (r.ok()) {
            v.excessRisk = r.testExcessRisk;
            v.matrixMse = r.matrixMse;
            v.delta = r.delta;
            v.epsilon = r.epsilon;
            v.threshold = r.threshold;
            if (warm) {
                warm->delta = r.delta;
                warm->epsilon = r.epsilon;
            }
        }
        return v;
    }
    LassoStateEvolutionConfig c;
    c.teacher = teacher;
    c.mode = m.lassoMode;
    c.alpha = alpha;
    c.lambda = lambda;
    c.noise = m.noise;
    c.tolerance = m.lassoTolerance;
    if (warm && warm->risk > 0)
        c.initialRisk = warm->risk;
    const LassoStateEvolutionResult r = solveLassoFixedPoint(c, cancel);
    v.status = r.status;
    v.message = r.message;
    v.iterations = r.iterations;
    if (r.ok()) {
        v.excessRisk = r.risk;
        v.delta = r.delta;
        v.epsilon = r.epsilon;
        v.threshold = r.threshold;
        if (warm)
            warm->risk = r.risk;
    }
    return v;
}

}  // namespace sl
