// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/phase_diagram.h"

#include "core/common/validation.h"

#include <algorithm>
#include <cmath>

namespace sl {

double effectiveSampleSize(ModelKind model, double n, double d)
{
    // docs/theory/models.md §5, eq. 10.
    return model == ModelKind::Quadratic ? n / d : n;
}

void PhaseDiagramConfig::validate() const
{
    requirePositive("d", d);
    if (!(d > 1))
        throw ValidationError("d", "must be > 1 (the diagram is in log_d units)");
    requireFinite("gamma", gamma);
    if (!(gamma > 0.5))
        throw ValidationError("gamma", "must be > 1/2 (docs/theory/models.md §1)");
    requireNonNegative("noise", noise);
    requireNonNegative("crossoverMargin", crossoverMargin);
    requireNonNegative("peakHalfWidth", peakHalfWidth);
    requirePositive("peakNEffFactor", peakNEffFactor);
}

PhaseDiagram::PhaseDiagram(const PhaseDiagramConfig& config) : m_config(config), m_logD(0)
{
    m_config.validate();
    m_logD = std::log(m_config.d);
}

std::string PhaseDiagram::pureLabel(double a, double b) const
{
    const double g = m_config.gamma;
    // docs/theory/phase-diagram.md §5, literally.
    if (a <= 0)
        return b < a - 0.5 ? "Ia" : "Ib";
    if (b > a - 0.5)
        return "Ib";
    if (b > (a - 1) / 2) {  // regularised side of L1
        return b > a - g - 0.5 ? "II" : "III";
    }
    // Under-regularised side of L1.
    if (noiseless()) {
        // (inferred) docs/theory/phase-diagram.md §9: no divergent peak at Δ = 0; below interpolation the best-k-term
        // rate, above it the shrinkage bias of phase III form. The noiseless side of n_eff ~ d is labelled "VI" without
        // a/b split.
        return a < 1 ? "IV" : "VI";
    }
    const double eta = m_config.peakHalfWidth;
    const double peak = 1 + std::log(m_config.peakNEffFactor) / m_logD;  // a of the peak, 1 by default
    if (a < peak - eta)
        return "IV";
    if (std::abs(a - peak) <= eta)
        return "V";
    return a < 2 * g ? "VIa" : "VIb";
}

double PhaseDiagram::exponentE(const std::string& label, double a, double b) const
{
    const double g = m_config.gamma;
    if (label == "II")
        return (2 - 1 / g) * (a - b - 0.5);
    if (label == "III")
        return 2 * (a - b - 1);
    if (label == "IV")
        return noiseless() ? a * (2 * g - 1) : a * (1 - 1 / (2 * g));
    if (label == "V")
        return 2 * b / 3;
    if (label == "VIa" || label == "VIb")
        return a - 1;
    if (label == "VI")  // Δ = 0 only: λ²d²/n_eff², docs/theory/phase-diagram.md §9
        return 2 * (a - b - 1);
    return 0;  // Ia, Ib
}

double PhaseDiagram::exponentN(const std::string& label) const
{
    const double g = m_config.gamma;
    if (label == "II")
        return -(2 - 1 / g);
    if (label == "III" || label == "VI")
        return -2;
    if (label == "IV")
        return noiseless() ? 1 - 2 * g : -(1 - 1 / (2 * g));
    if (label == "VIa" || label == "VIb")
        return -1;
    return 0;  // Ia, Ib, V
}

double PhaseDiagram::exponentLambda(const std::string& label) const
{
    const double g = m_config.gamma;
    if (label == "II")
        return 2 - 1 / g;
    if (label == "III" || label == "VI")
        return 2;
    if (label == "V")
        return -2.0 / 3.0;
    return 0;
}

std::string PhaseDiagram::rateFormula(const std::string& label) const
{
    if (label == "Ia")
        return "Θ(1)";
    if (label == "Ib")
        return "Θ(1) = R(0)";
    if (label == "II")
        return "(λ√d/n_eff)^(2−1/γ)";
    if (label == "III")
        return "(λd/n_eff)²";
    if (label == "IV")
        return noiseless() ? "(n_eff/log(d/n_eff))^(1−2γ)" : "n_eff^(−1+1/(2γ)) + ρ(n_eff/d)";
    if (label == "V")
        return "λ^(−2/3)";
    if (label == "VIa" || label == "VIb")
        return "d/n_eff";
    if (label == "VI")
        return "(λd/n_eff)²";
    return "";
}

double PhaseDiagram::rate(const std::string& label, double nEff, double lambda) const
{
    const double g = m_config.gamma, d = m_config.d;
    if (label == "II")
        return std::pow(lambda * std::sqrt(d) / nEff, 2 - 1 / g);
    if (label == "III" || label == "VI")
        return std::pow(lambda * d / nEff, 2);
    if (label == "IV") {
        if (noiseless())
            return std::pow(nEff / std::log(d / nEff), 1 - 2 * g);
        return std::pow(nEff, -1 + 1 / (2 * g));
    }
    if (label == "V")
        return std::pow(lambda, -2.0 / 3.0);
    if (label == "VIa" || label == "VIb")
        return d / nEff;
    return 1.0;  // Ia, Ib
}

PhaseInfo PhaseDiagram::describe(const std::string& label, double a, double b) const
{
    PhaseInfo info;
    info.label = label;
    info.a = a;
    info.b = b;
    info.rateFormula = rateFormula(label);
    info.e = exponentE(label, a, b);
    info.exponentN = exponentN(label);
    info.exponentLambda = exponentLambda(label);
    // Everything the classifier decides at a border is (inferred) from docs/theory/phase-diagram.md §2-§4 (§5); the
    // pieces below are flagged individually so the UI can label them.
    if (label == "Ia" || label == "Ib") {
        info.inferred = true;
        info.note = "Ia/Ib definitions and Θ(1) rate inferred (docs/theory/phase-diagram.md §3)";
    } else if (label == "VIa" || label == "VIb") {
        info.inferred = true;
        info.note = "VIa/VIb border n_eff = d^(2γ) inferred from Corollary 1 (docs/theory/phase-diagram.md §3)";
    } else if (label == "IV") {
        info.note = "ρ(n_eff/d) term dominates at moderate d (docs/theory/phase-diagram.md §3)";
    } else if (label == "II") {
        info.note = "lower border n_eff/d^(γ+1/2) corrected (docs/theory/phase-diagram.md §3)";
    }
    if (noiseless()) {
        info.inferred = true;
        info.note = "Δ = 0: noiseless diagram inferred (docs/theory/phase-diagram.md §9); " + info.note;
    }
    return info;
}

PhaseInfo PhaseDiagram::classifyLog(double a, double b) const
{
    requireFinite("a", a);
    requireFinite("b", b);
    const std::string own = pureLabel(a, b);
    PhaseInfo info = describe(own, a, b);
    const double margin = m_config.crossoverMargin;
    if (margin <= 0)
        return info;
    // (inferred, docs/theory/phase-diagram.md §5) A point is a crossover when another phase lies within `margin` (log_d
    // units). Probe outwards on rings of growing radius; the first different label found is the nearest neighbour.
    // Inside the thin peak band V only the ±b directions are probed: the band itself (width 2η ≤ margin) is
    // the IV→VI crossover, so its a-borders would otherwise make every V point a crossover.
    const int kRings = 16, kDirections = 32;
    const double pi = std::acos(-1.0);
    for (int ring = 1; ring <= kRings; ++ring) {
        const double r = margin * ring / kRings;
        for (int k = 0; k < kDirections; ++k) {
            const double phi = 2 * pi * k / kDirections;
            double da = r * std::cos(phi), db = r * std::sin(phi);
            if (own == "V") {
                if (k % (kDirections / 2) != kDirections / 4)
                    continue;  // only phi = π/2, 3π/2
                da = 0;
            }
            const std::string other = pureLabel(a + da, b + db);
            if (other != own) {
                info.label = "crossover";
                info.neighbourA = own;
                info.neighbourB = other;
                info.inferred = true;
                info.note = "within " + std::to_string(margin) + " (log_d) of the " + own + "/" + other
                    + " border; rate and exponents are " + own
                    + "'s (crossover margin inferred, docs/theory/phase-diagram.md §5)"
                    + (info.note.empty() ? "" : "; " + info.note);
                return info;
            }
        }
    }
    return info;
}

PhaseInfo PhaseDiagram::classify(double nEff, double lambda) const
{
    requirePositive("nEff", nEff);
    requirePositive("lambda", lambda);
    return classifyLog(std::log(nEff) / m_logD, std::log(lambda) / m_logD);
}

PhaseInfo PhaseDiagram::classifySamples(ModelKind model, double n, double lambda) const
{
    requirePositive("n", n);
    return classify(effectiveSampleSize(model, n, m_config.d), lambda);
}

double PhaseDiagram::lineL1(double nEff) const
{
    return std::sqrt(nEff / m_config.d);
}

double PhaseDiagram::lineL2(double nEff) const
{
    return nEff / std::sqrt(m_config.d);
}

double PhaseDiagram::lineL3(double nEff) const
{
    return nEff / std::pow(m_config.d, m_config.gamma + 0.5);
}

double PhaseDiagram::heavyTailNEff() const
{
    return std::pow(m_config.d, 2 * m_config.gamma);
}

std::vector<DiagramPoint> PhaseDiagram::intersections() const
{
    // docs/theory/phase-diagram.md §4: L1 ∩ L3 at n_eff = d^(2γ) (λ = d^(γ−1/2)); L1 ∩ L2 at n_eff = 1, λ = d^(−1/2).
    // L2 and L3 are parallel and never meet.
    const double nTail = heavyTailNEff();
    return {
        {nTail, lineL1(nTail), "L1∩L3"},
        {1.0, lineL1(1.0), "L1∩L2"},
    };
}

double PhaseDiagram::bayesOptimalRate(double nEff) const
{
    // docs/theory/phase-diagram.md §7: n_eff^(−1+1/(2γ)) for 1 ≪ n_eff ≪ d^(2γ), d/n_eff beyond; the two meet at
    // d^(2γ), where each is the smaller one on its own side, so the rate is their minimum.
    // Θ(1) before the first feature.
    if (nEff <= 1)
        return 1.0;
    const double g = m_config.gamma;
    return std::min(std::pow(nEff, -1 + 1 / (2 * g)), m_config.d / nEff);
}

double PhaseDiagram::lambdaOpt(double nEff) const
{
    return lineL1(nEff);
}

}  // namespace sl
