// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/observer.h"
#include "core/common/status.h"

#include <Eigen/Dense>
#include <string>
#include <vector>

namespace sl {

// The teacher's eigenvalues as a weighted list, descending: the first `exact` entries are single eigenvalues
// (weight 1), the rest may be nodes of a quadrature over the index (weights = how many eigenvalues each stands
// for). Σ weights = dimension.
struct WeightedSpectrum {
    Eigen::VectorXd values;
    Eigen::VectorXd weights;
    int exact = 0;
    double dimension = 0;
};

// s_i = c·i^(−γ), i = 1..d, with Q* = (1/d)Σ s_i² = 1 (arXiv:2509.24882 §2, the project's teacher), the index sum
// compressed beyond the first `exact` eigenvalues (power_law_quadrature.h); Q* = 1 holds for the compressed list.
WeightedSpectrum powerLawWeightedSpectrum(long long d, double gamma, int exact = 1024);
// Any spectrum, every eigenvalue exact (sorted descending, equal values merged).
WeightedSpectrum explicitWeightedSpectrum(const Eigen::VectorXd& spectrum);

// The law μ_δ of S* + δZ (Z a GOE matrix with semicircle on [−2, 2]) for d → ∞ at a fixed teacher spectrum:
// the free convolution of the teacher's spectral measure with a semicircle of radius 2δ, from Pastur's equation
// G(z) = (1/d)Σ_i 1/(z − s_i − δ²G(z)) in its subordination form z = ω + δ²G_S*(ω) (docs/theory/exponents.md §3).
// Discretised as weighted points x (ascending): quadrature nodes of the connected bulk and one point mass of
// weight 1/d per separated teacher eigenvalue (an outlier, BBP) at its mean s_i + δ²(1/d)Σ_{j≠i} 1/(s_i − s_j).
struct DeformedSemicircleLaw {
    std::vector<double> x, w;
    double delta = 0;
    int outliers = 0;  // separated teacher eigenvalues (point masses)
    double bulkLeft = 0, bulkRight = 0;  // edges of the bulk
    double bulkMass = 0;  // mass of the bulk, 1 − outliers/d (the quadrature weights are scaled to it)
    double bulkQuadratureError = 0;  // relative error of the bulk quadrature's mass before that scaling
    bool needsMoreExact = false;  // every exact eigenvalue separated: the quadrature tail may hide more outliers
    // The same points split by origin, for E_mat without cancellation (lawMatrixMse): the bulk nodes, the teacher's
    // Σρs² over the eigenvalues in the bulk, and per outlier point its teacher eigenvalue and shift x − s.
    std::vector<double> bulkX, bulkW;
    double bulkTeacherSecondMoment = 0;
    std::vector<double> outlierTeacher, outlierShift, outlierWeight;
    double totalMass() const;
    double mean() const;
    double secondMoment() const;
};

DeformedSemicircleLaw deformedSemicircleLaw(const WeightedSpectrum& teacher, double delta, int bulkNodes = 600);

// Functionals of μ_δ at the threshold τ (arXiv:2509.24882's J and its derivatives, docs/theory/exponents.md §3):
//   J(τ) = ∫(x − τ)₊² μ,  r̄(τ) = ∫(x − τ)₊ μ = −∂₂J/2,  F(τ) = μ(x <= τ),
//   D(τ) = ∫∫ [(x − τ)₊ − (y − τ)₊]/(x − y) μ(dx)μ(dy)   (∂₁J = 2δD).
double lawJ(const DeformedSemicircleLaw& law, double tau);
double lawMeanExcess(const DeformedSemicircleLaw& law, double tau);
double lawMassBelow(const DeformedSemicircleLaw& law, double tau);
double lawDivergence(const DeformedSemicircleLaw& law, double tau);
// E_mat = Q* − J − 2τr̄ + 2δ²D (Stein's identity), summed per outlier as s² − x² + τ² = τ² − (x − s)(x + s) (or s²
// when cut), so a risk far below Q* (phase VIb: E_mat ~ 10⁻⁸) does not drown in the cancellation of Q* against J.
double lawMatrixMse(const DeformedSemicircleLaw& law, double tau, double divergence);

struct AsymptoticMatrixStateEvolutionConfig {
    // Teacher: `spectrum` when given, else the power law of (dimension, gamma) with Q* = 1.
    Eigen::VectorXd spectrum;
    long long dimension = 400;
    double gamma = 1.0;
    double alphaQ = 0.5;  // α_q = n/d² = n_eff/d
    double lambda = 1.0;  // > 0, penalty λd·Tr S
    double noise = 0.5;  // Δ
    double tolerance = 1e-9;  // relative change of δ
    int maxIterations = 500;
    double damping = 0.5;
    double initialDelta = -1;  // < 0: δ² = (Q* + Δ/2)/(2α_q)
    double initialEpsilon = -1;  // < 0: 1/(4α_q)
    int bulkNodes = 600;
    int exactTerms = 1024;  // power-law teacher: eigenvalues kept exact (grown automatically when all separate)

    void validate() const;  // throws sl::ValidationError naming the parameter
};

struct AsymptoticMatrixStateEvolutionSnapshot {
    int iteration = 0;
    double delta = 0, epsilon = 0, matrixMse = 0, residual = 0;
};

struct AsymptoticMatrixStateEvolutionResult {
    Status status = Status::Invalid;
    std::string message;
    int iterations = 0;
    double matrixMse = 0;  // E_mat = (1/d)‖Ŝ − S*‖² = Q* − J − 2τr̄ + 2δ²D (Stein's identity)
    double testExcessRisk = 0;  // 2·E_mat
    double delta = 0, epsilon = 0, threshold = 0;
    double residualA = 0;  // |4α_q − 1/ε − 2D| / (4α_q)
    double residualDelta = 0;
    double weightAtZero = 0;  // F_μδ(λε), the rank deficiency of Ŝ
    double divergence = 0;  // D(δ, λε)
    int outliers = 0;
    int exactTerms = 0;  // exact eigenvalues used in the end
    // What the bulk quadrature may misplace in E_mat (its mass error times the bulk's second moment); a fixed point
    // with E_mat < 50 × this is reported NotConverged.
    double riskResolution = 0;
    double seconds = 0;

    bool ok() const { return status == Status::Converged; }
};

// The quadratic network's state evolution (arXiv:2509.24882 §2.4 equations (A)/(B), Result 2's law) with μ_δ from
// Pastur's equation instead of K sampled GOE matrices: at each δ, (A) 4α_q − 1/ε = 2D(δ, λε) is solved for ε
// (Brent in log ε), then δ² = (E_mat + Δ/2)/(2α_q), damped with secant steps.
class AsymptoticMatrixStateEvolution {
public:
    explicit AsymptoticMatrixStateEvolution(AsymptoticMatrixStateEvolutionConfig config);
    const AsymptoticMatrixStateEvolutionConfig& config() const { return m_config; }

    AsymptoticMatrixStateEvolutionResult run(const Observer<AsymptoticMatrixStateEvolutionSnapshot>& observer = {},
        const CancelToken& cancel = CancelToken()) const;

private:
    AsymptoticMatrixStateEvolutionConfig m_config;
};

}  // namespace sl
