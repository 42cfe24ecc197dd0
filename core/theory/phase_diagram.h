// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/model_kind.h"

#include <string>
#include <vector>

namespace sl {

// The two networks of docs/theory/models.md §1 (ModelKind, core/common) share one phase diagram in (n_eff, λ, d)
// (docs/theory/models.md §5, docs/theory/phase-diagram.md §2). n_eff of docs/theory/models.md §5 (eq. 10): n for the
// diagonal network (LASSO), n/d for the quadratic one (nuclear norm).
double effectiveSampleSize(ModelKind model, double n, double d);

// What the classifier says about one point (n_eff, λ) of the diagram. Exponents are in log_d units:
// a = log n_eff / log d, b = log λ / log d, and R ~ d^(−e) (docs/theory/phase-diagram.md §5).
struct PhaseInfo {
    std::string label;  // Ia, Ib, II, III, IV, V, VIa, VIb, or "crossover"
    std::string neighbourA, neighbourB;  // the two phases when label == "crossover" (A is the side the point is on)
    std::string rateFormula;  // e.g. "(λ√d/n_eff)^(2−1/γ)"; for a crossover, phase A's formula
    double exponentN = 0;  // d log R / d log n_eff at fixed λ
    double exponentLambda = 0;  // d log R / d log λ at fixed n_eff
    double e = 0;  // R ~ d^(−e)
    double a = 0, b = 0;
    // True when any part of the answer is (inferred) in the sense of docs/theory/README.md: the Ia/Ib plateaus, the
    // VIa/VIb split, the crossover margins, the whole Δ = 0 diagram (docs/theory/phase-diagram.md §3, §5, §9). `note`
    // says which.
    bool inferred = false;
    std::string note;
};

struct PhaseDiagramConfig {
    double d = 400;
    double gamma = 1.0;  // teacher power-law exponent, > 1/2
    double noise = 0.5;  // Δ; Δ = 0 switches to the (inferred) noiseless diagram of docs/theory/phase-diagram.md §9
    // (inferred) docs/theory/phase-diagram.md §5: "near a border (|difference| < ~0.1), report crossover", in log_d
    // units.
    double crossoverMargin = 0.1;
    // (inferred) docs/theory/phase-diagram.md §5: half-width η of the interpolation-peak band |a − 1| <= η (phase V).
    double peakHalfWidth = 0.05;
    // (inferred) The peak sits at n_eff = peakNEffFactor·d. docs/theory/phase-diagram.md §5 uses 1 for both models; for
    // the PSD quadratic model the peak is at n_eff ≈ α_interp·d (docs/theory/state-evolution.md §8), e.g. 0.27 at γ =
    // 1, Δ = 0.5 — pass matrixInterpolationThreshold()'s value to centre the V band there. Rates and the other borders
    // are unchanged.
    double peakNEffFactor = 1.0;

    void validate() const;  // throws sl::ValidationError

    // The diagram of one problem instance: its d, γ and Δ (core/model's ProblemConfig: dimension, gamma, noise);
    // the crossover and peak settings keep their defaults. A template so that core/theory keeps depending on
    // core/common only.
    template <class Problem>
    static PhaseDiagramConfig forProblem(const Problem& problem)
    {
        PhaseDiagramConfig config;
        config.d = problem.dimension;
        config.gamma = problem.gamma;
        config.noise = problem.noise;
        return config;
    }
};

// A point where two boundary lines meet, in natural units.
struct DiagramPoint {
    double nEff = 0;
    double lambda = 0;
    std::string name;
};

// The closed-form phase diagram of docs/theory/phase-diagram.md (paper Result 1, boundary lines, Corollary 1). Cheap:
// the UI may call it directly for its clickable diagram.
class PhaseDiagram {
public:
    explicit PhaseDiagram(const PhaseDiagramConfig& config);

    const PhaseDiagramConfig& config() const { return m_config; }

    // Classify (n_eff, λ); both must be > 0. With crossover detection (docs/theory/phase-diagram.md §5).
    PhaseInfo classify(double nEff, double lambda) const;
    // The same from the sample count n: n_eff = n (diagonal) or n/d (quadratic), docs/theory/models.md §5.
    PhaseInfo classifySamples(ModelKind model, double n, double lambda) const;
    // The same in log_d coordinates.
    PhaseInfo classifyLog(double a, double b) const;
    // The bare label of docs/theory/phase-diagram.md §5's pseudo-code, no crossover detection.
    std::string pureLabel(double a, double b) const;

    // d-exponent e(a, b) of phase `label` (R ~ d^(−e)), and its partial derivatives' negatives.
    double exponentE(const std::string& label, double a, double b) const;
    double exponentN(const std::string& label) const;  // −∂e/∂a
    double exponentLambda(const std::string& label) const;  // −∂e/∂b
    std::string rateFormula(const std::string& label) const;
    // The rate of phase `label` evaluated at (n_eff, λ), without Θ constants (the ρ term of IV is left out).
    double rate(const std::string& label, double nEff, double lambda) const;

    // Boundary lines of docs/theory/phase-diagram.md §4: λ as a function of n_eff.
    double lineL1(double nEff) const;  // λ = √(n_eff/d)        (bulk edge; regularised above)
    double lineL2(double nEff) const;  // λ = n_eff/√d          (threshold = largest teacher eigenvalue)
    double lineL3(double nEff) const;  // λ = n_eff/d^(γ+1/2)   (threshold = smallest teacher eigenvalue)
    // Vertical lines (n_eff values).
    double firstFeatureNEff() const { return 1.0; }  // n_eff ~ 1
    double peakNEff() const { return m_config.peakNEffFactor * m_config.d; }  // interpolation peak, phase V
    double heavyTailNEff() const;  // n_eff ~ d^(2γ) (VIa → VIb; III exists only right of it)
    // Intersections of docs/theory/phase-diagram.md §4: L1 ∩ L3 at n_eff = d^(2γ), L1 ∩ L2 at (1, d^(−1/2)).
    std::vector<DiagramPoint> intersections() const;

    // docs/theory/phase-diagram.md §7 (Corollary 1): Bayes-optimal rate, without constants; Θ(1) for n_eff <= 1.
    double bayesOptimalRate(double nEff) const;
    // docs/theory/phase-diagram.md §7: λ_opt ≍ √(n_eff/d) (on L1). (inferred reading of the table; the paper states
    // O(√(n_eff/d)) for n_eff ≪ d and O(n_eff/d^(γ+1/2)) for n_eff ≫ d, which is smaller there and still in the optimal
    // set.)
    double lambdaOpt(double nEff) const;

private:
    PhaseInfo describe(const std::string& label, double a, double b) const;
    bool noiseless() const { return m_config.noise == 0.0; }

    PhaseDiagramConfig m_config;
    double m_logD;
};

}  // namespace sl
