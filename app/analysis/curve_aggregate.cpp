// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/analysis/curve_aggregate.h"

#include "core/theory/phase_diagram.h"
#include "core/theory/state_evolution_curve.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

namespace sl::app {
namespace {

// Continued fraction of the incomplete beta function (modified Lentz), as in Numerical Recipes §6.4.
double betaContinuedFraction(double a, double b, double x)
{
    constexpr double kTiny = 1e-300;
    constexpr double kEps = 1e-15;
    double c = 1.0;
    double d = 1.0 - (a + b) * x / (a + 1.0);
    if (std::abs(d) < kTiny)
        d = kTiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 10000; ++m) {
        const double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 + aa * d;
        if (std::abs(d) < kTiny)
            d = kTiny;
        c = 1.0 + aa / c;
        if (std::abs(c) < kTiny)
            c = kTiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + aa * d;
        if (std::abs(d) < kTiny)
            d = kTiny;
        c = 1.0 + aa / c;
        if (std::abs(c) < kTiny)
            c = kTiny;
        d = 1.0 / d;
        const double delta = d * c;
        h *= delta;
        if (std::abs(delta - 1.0) < kEps)
            break;
    }
    return h;
}

// Regularised incomplete beta I_x(a, b).
double incompleteBeta(double a, double b, double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    const double logFront = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0))
        return std::exp(logFront) * betaContinuedFraction(a, b, x) / a;
    return 1.0 - std::exp(logFront) * betaContinuedFraction(b, a, 1.0 - x) / b;
}

}  // namespace

double studentTCdf(double t, double dof)
{
    if (std::isnan(t) || !(dof > 0))
        return kNaN;
    const double tail = 0.5 * incompleteBeta(0.5 * dof, 0.5, dof / (dof + t * t));  // P(T > |t|)
    return t >= 0 ? 1.0 - tail : tail;
}

double studentTQuantile(double p, double dof)
{
    if (!(p > 0 && p < 1) || !(dof > 0))
        return kNaN;
    if (p == 0.5)
        return 0.0;
    if (p < 0.5)
        return -studentTQuantile(1.0 - p, dof);
    // Bracket, then bisect: the CDF is monotone, and 200 halvings reach double precision.
    double lo = 0.0;
    double hi = 1.0;
    while (studentTCdf(hi, dof) < p && hi < 1e300)
        hi *= 2.0;
    for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
        const double mid = 0.5 * (lo + hi);
        (studentTCdf(mid, dof) < p ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

std::vector<RiskSample> riskSamples(const QVector<RunResult>& runs)
{
    std::vector<RiskSample> out;
    for (const RunResult& r : runs)
        out.push_back(
            {r.config.problem.samples, r.config.problem.nEff(), r.config.problem.weightDecay, r.excessRisk, r.status});
    return out;
}

std::vector<AggregatePoint> aggregateBySamples(const std::vector<RiskSample>& samples)
{
    struct Group {
        double nEff = kNaN;
        int leftOut = 0;
        std::vector<double> values;  // averaged
    };
    std::map<std::pair<double, long long>, Group> groups;
    for (const RiskSample& s : samples) {
        Group& g = groups[{s.weightDecay, s.samples}];
        if (std::isnan(g.nEff))
            g.nEff = s.nEff;
        if (s.status == sl::Status::Converged && std::isfinite(s.value))
            g.values.push_back(s.value);
        else
            ++g.leftOut;
    }
    std::vector<AggregatePoint> out;
    for (const auto& [key, group] : groups) {
        AggregatePoint p;
        p.weightDecay = key.first;
        p.samples = key.second;
        p.nEff = group.nEff;
        p.leftOut = group.leftOut;
        p.count = int(group.values.size());
        if (p.count > 0) {
            double sum = 0;
            for (const double v : group.values)
                sum += v;
            p.mean = sum / p.count;
        }
        if (p.count > 1) {
            double ss = 0;
            for (const double v : group.values)
                ss += (v - p.mean) * (v - p.mean);
            p.standardError = std::sqrt(ss / (p.count - 1)) / std::sqrt(double(p.count));
        }
        out.push_back(p);
    }
    return out;
}

QString leftOutNote(int leftOut, int runs, const QString& unit)
{
    if (leftOut <= 0)
        return QString();
    return QStringLiteral("%1 of %2 %3 did not converge").arg(leftOut).arg(runs).arg(unit);
}

SlopeFit fitLogLogSlope(
    const std::vector<double>& x, const std::vector<double>& y, double xMin, double xMax, double confidence)
{
    SlopeFit fit;
    fit.confidence = confidence;
    if (x.size() != y.size()) {
        fit.message = QStringLiteral("x and y differ in length");
        return fit;
    }
    if (!(confidence > 0 && confidence < 1)) {
        fit.message = QStringLiteral("confidence must be between 0 and 1");
        return fit;
    }
    std::vector<double> lx;
    std::vector<double> ly;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (x[i] >= xMin && x[i] <= xMax && x[i] > 0 && y[i] > 0 && std::isfinite(x[i]) && std::isfinite(y[i])) {
            lx.push_back(std::log(x[i]));
            ly.push_back(std::log(y[i]));
        }
    }
    const int m = int(lx.size());
    fit.points = m;
    if (m < 2) {
        fit.message = QStringLiteral("the window holds %1 usable point(s); a slope needs at least 2").arg(m);
        return fit;
    }
    double mx = 0;
    double my = 0;
    for (int i = 0; i < m; ++i) {
        mx += lx[i];
        my += ly[i];
    }
    mx /= m;
    my /= m;
    double sxx = 0;
    double sxy = 0;
    double syy = 0;
    for (int i = 0; i < m; ++i) {
        sxx += (lx[i] - mx) * (lx[i] - mx);
        sxy += (lx[i] - mx) * (ly[i] - my);
        syy += (ly[i] - my) * (ly[i] - my);
    }
    if (!(sxx > 0)) {
        fit.message = QStringLiteral("all points in the window have the same n");
        return fit;
    }
    fit.slope = sxy / sxx;
    fit.intercept = my - fit.slope * mx;
    double rss = 0;
    for (int i = 0; i < m; ++i) {
        const double r = ly[i] - fit.intercept - fit.slope * lx[i];
        rss += r * r;
    }
    fit.rSquared = syy > 0 ? 1.0 - rss / syy : 1.0;
    fit.ok = true;
    if (m < 3) {
        fit.message = QStringLiteral("two points: the slope is exact, no confidence interval");
        return fit;
    }
    fit.standardError = std::sqrt(rss / (m - 2) / sxx);
    fit.tQuantile = studentTQuantile(0.5 * (1.0 + confidence), m - 2);
    fit.low = fit.slope - fit.tQuantile * fit.standardError;
    fit.high = fit.slope + fit.tQuantile * fit.standardError;
    return fit;
}

SlopeFit fitCurveSlope(
    const std::vector<AggregatePoint>& curve, double weightDecay, double nEffMin, double nEffMax, double confidence)
{
    std::vector<double> x;
    std::vector<double> y;
    for (const AggregatePoint& p : curve) {
        if (p.weightDecay == weightDecay) {
            x.push_back(p.nEff);
            y.push_back(p.mean);
        }
    }
    return fitLogLogSlope(x, y, nEffMin, nEffMax, confidence);
}

std::vector<TheoryPoint> theoryForCurve(const ExperimentConfig& experiment, const std::vector<AggregatePoint>& curve,
    bool stateEvolution, const sl::CancelToken& cancel)
{
    const sl::ProblemConfig& problem = experiment.problem;
    const sl::PhaseDiagram diagram(sl::PhaseDiagramConfig::forProblem(problem));

    std::vector<TheoryPoint> out;
    std::map<double, std::vector<std::size_t>> byLambda;
    for (const AggregatePoint& p : curve) {
        TheoryPoint t;
        t.nEff = p.nEff;
        t.weightDecay = p.weightDecay;
        if (p.nEff > 0 && p.weightDecay > 0) {
            const sl::PhaseInfo info = diagram.classify(p.nEff, p.weightDecay);
            t.phase = QString::fromStdString(info.label);
            t.exponentN = info.exponentN;
            t.inferred = info.inferred;
        }
        byLambda[p.weightDecay].push_back(out.size());
        out.push_back(t);
    }
    if (!stateEvolution)
        return out;
    const bool quadratic = problem.model == sl::ModelKind::Quadratic;
    for (const auto& [lambda, indices] : byLambda) {
        if (cancel.isCancelled())
            break;
        if (quadratic && !(lambda > 0)) {
            for (std::size_t i : indices)
                out[i].stateEvolutionStatus = QStringLiteral("the quadratic state evolution needs λ > 0");
            continue;
        }
        sl::StateEvolutionCurveConfig config;
        config.model = problem.model;
        config.d = problem.dimension;
        config.gamma = problem.gamma;
        config.lambda = lambda;
        config.noise = problem.noise;
        config.seed = problem.seed;
        for (std::size_t i : indices)
            config.nEffValues.push_back(out[i].nEff);
        try {
            const sl::StateEvolutionCurveResult result = sl::StateEvolutionCurve(config).run({}, cancel);
            for (std::size_t k = 0; k < indices.size() && k < result.points.size(); ++k) {
                const sl::CurvePoint& point = result.points[k];
                TheoryPoint& t = out[indices[k]];
                t.stateEvolutionStatus = QString::fromLatin1(sl::toString(point.status));
                if (point.status == sl::Status::Converged)
                    t.stateEvolutionRisk = point.excessRisk;
            }
        } catch (const std::exception& e) {
            for (std::size_t i : indices)
                out[i].stateEvolutionStatus = QString::fromUtf8(e.what());
        }
    }
    return out;
}

}  // namespace sl::app
