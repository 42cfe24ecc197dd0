// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/decomposition/diagonal_pruning.h"

#include "core/common/validation.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace sl {

namespace {

void validateLaw(const Eigen::VectorXd& teacher, double delta, double threshold)
{
    if (teacher.size() < 1)
        throw ValidationError("teacher", "needs at least one coordinate");
    if (!teacher.allFinite())
        throw ValidationError("teacher", "must be finite");
    requirePositive("delta", delta);
    requireNonNegative("threshold", threshold);
}

// E(η − θ)² summed over the coordinates, for η = η(y; t) kept where |y| > c (c ≥ t).
double riskSum(const Eigen::VectorXd& teacher, double delta, double t, double c)
{
    double sum = 0;
    for (Eigen::Index i = 0; i < teacher.size(); ++i) {
        const double th = teacher[i];
        const TruncatedMoments m = softThresholdTruncatedMoments(th, delta, t, c);
        sum += m.second - 2 * th * m.first + th * th;
    }
    return sum;
}

}  // namespace

double predictedDiagonalPrunedRisk(
    const Eigen::VectorXd& teacher, double delta, double threshold, double level, PruningShape shape)
{
    validateLaw(teacher, delta, threshold);
    requireNonNegative("level", level);
    const double d = double(teacher.size());
    if (shape == PruningShape::Soft)
        return riskSum(teacher, delta, threshold + level, threshold + level) / d;
    return riskSum(teacher, delta, threshold, threshold + level) / d;
}

double universalDiagonalPruningLevel(double delta, double threshold, int dimension)
{
    requirePositive("delta", delta);
    requireNonNegative("threshold", threshold);
    requireAtLeast("dimension", dimension, 2);
    return delta * std::sqrt(2 * std::log(double(dimension))) - threshold;
}

DiagonalPruningLevel optimalDiagonalPruningLevel(
    const Eigen::VectorXd& teacher, double delta, double threshold, PruningShape shape)
{
    validateLaw(teacher, delta, threshold);
    DiagonalPruningLevel out;
    out.shape = shape;
    auto risk = [&](double e) { return predictedDiagonalPrunedRisk(teacher, delta, threshold, e, shape); };
    // Beyond max|θ*| + 10δ every |y| is below t + e but with probability ~1e-23 per coordinate: the risk is flat
    // at (1/d)‖θ*‖² there, so the minimum lies inside.
    const double top = teacher.cwiseAbs().maxCoeff() + 10 * delta;
    const int points = std::clamp(int(std::ceil(8 * top / delta)) + 1, 257, 8193);
    const double step = top / (points - 1);
    out.predictedRisk = risk(0.0);
    int best = 0;
    double bestRisk = out.predictedRisk;
    for (int k = 1; k < points; ++k) {
        const double r = risk(k * step);
        if (r < bestRisk) {
            bestRisk = r;
            best = k;
        }
    }
    // Golden-section search on the bracket around the best grid point (the risk is smooth on the scale δ).
    double a = std::max(best - 1, 0) * step, b = std::min(best + 1, points - 1) * step;
    const double g = 0.5 * (std::sqrt(5.0) - 1);
    double x1 = b - g * (b - a), x2 = a + g * (b - a);
    double f1 = risk(x1), f2 = risk(x2);
    while (b - a > 1e-10 * (1 + b)) {
        if (f1 <= f2) {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - g * (b - a);
            f1 = risk(x1);
        } else {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + g * (b - a);
            f2 = risk(x2);
        }
    }
    double level = f1 <= f2 ? x1 : x2;
    double levelRisk = std::min(f1, f2);
    if (bestRisk < levelRisk) {
        level = best * step;
        levelRisk = bestRisk;
    }
    // No pruning unless a positive level predicts a lower risk beyond rounding.
    if (!(levelRisk < out.predictedRisk * (1 - 1e-12))) {
        level = 0;
        levelRisk = out.predictedRisk;
    }
    out.level = level;
    out.predictedPrunedRisk = levelRisk;
    return out;
}

double sureDiagonalPruningLevel(const Eigen::VectorXd& theta, double delta, double threshold)
{
    requirePositive("delta", delta);
    requireNonNegative("threshold", threshold);
    if (!theta.allFinite())
        throw ValidationError("theta", "must be finite");
    std::vector<double> y;
    for (Eigen::Index j = 0; j < theta.size(); ++j)
        if (theta[j] != 0)
            y.push_back(std::abs(theta[j]) + threshold);
    std::sort(y.begin(), y.end());
    // SURE(τ) − const = Σ_{y ≤ τ} (y² − 2δ²) + τ²·#{y > τ}; between consecutive y it grows with τ, so the
    // minimum over τ ≥ t is at τ = t or at one of the y.
    const double m = double(y.size());
    double bestTau = threshold, best = threshold * threshold * m, below = 0;
    for (std::size_t k = 0; k < y.size(); ++k) {
        below += y[k] * y[k] - 2 * delta * delta;
        const double value = below + y[k] * y[k] * (m - double(k + 1));
        if (value < best) {
            best = value;
            bestTau = y[k];
        }
    }
    return std::max(bestTau - threshold, 0.0);
}

DecompositionConfig diagonalStateEvolutionSplit(
    const LassoStateEvolutionConfig& config, const LassoStateEvolutionResult& result, DecompositionConfig base)
{
    if (!result.ok() || !std::isfinite(result.delta) || !(result.delta > 0) || !std::isfinite(result.threshold)
        || result.threshold < 0 || config.mode != LassoTeacherMode::Amplitudes)
        return base;
    base.exactEdge = optimalDiagonalPruningLevel(config.teacher, result.delta, result.threshold).level;
    return base;
}

}  // namespace sl
