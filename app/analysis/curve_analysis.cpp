// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/analysis/curve_analysis.h"

#include "core/theory/lasso_state_evolution.h"

#include <algorithm>
#include <cmath>

namespace sl::app {
namespace {

// Samples of the window per decade when looking for the phases it crosses (a phase narrower than 1/64 decade
// could be missed); each border found is then bisected to double precision.
constexpr int kSamplesPerDecade = 64;

QString formatSlope(double v)
{
    return QString::number(std::abs(v) < 0.005 ? 0.0 : v, 'f', 2);  // no "-0.00"
}

}  // namespace

sl::PhaseDiagramConfig phaseDiagramConfigFor(const sl::ProblemConfig& problem)
{
    sl::PhaseDiagramConfig config;
    config.d = problem.dimension;
    config.gamma = problem.gamma;
    config.noise = problem.noise;
    return config;
}

QString WindowPrediction::phaseText() const
{
    QStringList labels;
    for (const PhaseSegment& s : phases)
        labels << s.label;
    return labels.join(QStringLiteral(" → "));
}

WindowPrediction predictSlopeOverWindow(const sl::PhaseDiagram& diagram, double lambda, double nEffFrom, double nEffTo)
{
    WindowPrediction out;
    if (!(lambda > 0) || !std::isfinite(lambda)) {
        out.message = QStringLiteral("the phase diagram needs λ > 0");
        return out;
    }
    if (!(nEffFrom > 0) || !(nEffTo >= nEffFrom) || !std::isfinite(nEffTo)) {
        out.message = QStringLiteral("no n_eff window to predict over");
        return out;
    }
    const double logD = std::log(diagram.config().d);
    const double b = std::log(lambda) / logD;
    const double span = std::log10(nEffTo / nEffFrom);
    const int samples = std::max(2, int(std::ceil(span * kSamplesPerDecade)) + 1);
    auto labelAt = [&](double nEff) { return diagram.pureLabel(std::log(nEff) / logD, b); };
    auto nEffAt = [&](int k) {
        return samples == 1 ? nEffFrom : nEffFrom * std::pow(nEffTo / nEffFrom, double(k) / (samples - 1));
    };
    std::string current = labelAt(nEffFrom);
    double segmentFrom = nEffFrom;
    auto close = [&](double to) {
        PhaseSegment s;
        s.label = QString::fromStdString(current);
        s.nEffFrom = segmentFrom;
        s.nEffTo = to;
        s.exponentN = diagram.exponentN(current);
        const double middle = std::sqrt(segmentFrom * to);
        s.inferred = diagram.classifyLog(std::log(middle) / logD, b).inferred;
        out.phases.push_back(s);
    };
    for (int k = 1; k < samples; ++k) {
        const double x = nEffAt(k);
        const std::string label = labelAt(x);
        if (label != current) {
            // The border lies between the previous sample and this one: bisect (in log n_eff) to double precision.
            double lo = nEffAt(k - 1);
            double hi = x;
            for (int i = 0; i < 60 && hi / lo > 1.0 + 1e-14; ++i) {
                const double mid = std::sqrt(lo * hi);
                (labelAt(mid) == current ? lo : hi) = mid;
            }
            const double border = std::sqrt(lo * hi);
            close(border);
            current = label;
            segmentFrom = border;
        }
    }
    close(nEffTo);
    out.ok = true;
    out.inferred = out.phases.size() > 1;
    const double total = std::log(nEffTo / nEffFrom);
    if (total > 0) {
        double sum = 0;
        for (const PhaseSegment& s : out.phases) {
            sum += s.exponentN * std::log(s.nEffTo / s.nEffFrom);
            out.inferred = out.inferred || s.inferred;
        }
        out.slope = sum / total;
    } else {
        out.slope = out.phases.front().exponentN;
        out.inferred = out.phases.front().inferred;
    }
    return out;
}

QString CurveAnalysis::slopeText() const
{
    if (!fit.ok)
        return fit.points < 2 ? QStringLiteral("no slope (%1 point%2 in the fit window)")
                                    .arg(fit.points)
                                    .arg(fit.points == 1 ? QString() : QStringLiteral("s"))
                              : QStringLiteral("no slope: %1").arg(fit.message);
    if (!std::isfinite(fit.low) || !std::isfinite(fit.high))
        return QStringLiteral("slope %1 (%2 points: no interval)").arg(formatSlope(fit.slope)).arg(fit.points);
    return QStringLiteral("slope %1 [%2, %3]").arg(formatSlope(fit.slope), formatSlope(fit.low), formatSlope(fit.high));
}

CurveAnalysis analyseCurve(const sl::ProblemConfig& problem, double lambda, const std::vector<AggregatePoint>& points,
    double nEffFrom, double nEffTo, double confidence)
{
    const double lo = nEffFrom > 0 ? nEffFrom : 0.0;
    const double hi = nEffTo > 0 && std::isfinite(nEffTo) ? nEffTo : HUGE_VAL;
    CurveAnalysis out;
    out.fit = fitCurveSlope(points, lambda, lo, hi, confidence);
    double usedFrom = HUGE_VAL;
    double usedTo = 0;
    for (const AggregatePoint& p : points) {
        if (p.weightDecay == lambda && p.nEff >= lo && p.nEff <= hi && p.nEff > 0 && p.mean > 0
            && std::isfinite(p.mean)) {
            usedFrom = std::min(usedFrom, p.nEff);
            usedTo = std::max(usedTo, p.nEff);
        }
    }
    if (usedTo > 0) {
        out.usedFrom = usedFrom;
        out.usedTo = usedTo;
        try {
            const sl::PhaseDiagram diagram(phaseDiagramConfigFor(problem));
            out.predicted = predictSlopeOverWindow(diagram, lambda, usedFrom, usedTo);
        } catch (const std::exception& e) {
            out.predicted.message = QString::fromUtf8(e.what());
        }
    } else {
        out.predicted.message = QStringLiteral("no measured point in the window");
    }
    return out;
}

sl::StateEvolutionCurveConfig stateEvolutionCurveConfig(const sl::ProblemConfig& problem, int goeSamples)
{
    sl::StateEvolutionCurveConfig se;
    se.model = problem.model;
    se.d = problem.dimension;
    se.gamma = problem.gamma;
    se.lambda = problem.weightDecay;
    se.noise = problem.noise;
    se.seed = problem.seed;
    se.samples = goeSamples;
    if (problem.model == sl::ModelKind::Diagonal && problem.amplitudes == sl::TeacherAmplitudes::Gaussian) {
        se.lassoTeacher = sl::lassoPowerLawVariances(problem.dimension, problem.gamma);
        se.lassoMode = sl::LassoTeacherMode::VarianceProfile;
    }
    return se;
}

QString stateEvolutionNote(const sl::ProblemConfig& problem)
{
    if (problem.model == sl::ModelKind::Quadratic)
        return QStringLiteral("matrix SE, K GOE samples (paper Section 4); excess risk = 2·E_mat");
    if (problem.amplitudes == sl::TeacherAmplitudes::Gaussian)
        return QStringLiteral("LASSO SE averaged over θ*_i ~ N(0, d·i^(−2γ)) (paper Section 4)");
    return QStringLiteral("LASSO SE, deterministic amplitudes √d·i^(−γ) (inferred)");
}

}  // namespace sl::app
