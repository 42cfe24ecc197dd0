// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/runner/theory_runner.h"

#include "app/analysis/curve_analysis.h"
#include "core/common/rng.h"
#include "core/model/teacher.h"
#include "core/theory/bayes_optimal.h"
#include "core/theory/lasso_state_evolution.h"
#include "core/theory/matrix_state_evolution.h"
#include "core/theory/phase_diagram.h"
#include "core/theory/state_evolution_curve.h"

#include <algorithm>
#include <cmath>

namespace sl::app {
namespace {

// Monte Carlo draws per coordinate of the diagonal network's predicted |θ̂_i| (docs/theory/spectra.md §2, inferred
// analogue).
constexpr int kLassoSpectrumDraws = 16;
// GOE samples of the quadratic state evolution in the GUI overlay (docs/theory/state-evolution.md §7; K = 32 is the
// default of the CLI).
constexpr int kOverlayGoeSamples = 16;

Eigen::VectorXd sortedDescending(Eigen::VectorXd v)
{
    std::sort(v.data(), v.data() + v.size(), std::greater<double>());
    return v;
}

// The fields both state evolutions report (docs/theory/state-evolution.md §2, §6).
template <class Result>
void takePoint(TheoryOverlay& overlay, const Result& result, double testExcessRisk)
{
    overlay.pointConverged = result.ok();
    overlay.pointMessage = QString::fromStdString(result.message);
    if (result.ok()) {
        overlay.predictedRisk = testExcessRisk;
        overlay.delta = result.delta;
        overlay.epsilon = result.epsilon;
        overlay.threshold = result.threshold;
    }
}

}  // namespace

TheoryRunner::TheoryRunner(QObject* parent) : RestartableWorker(parent)
{
    qRegisterMetaType<sl::app::TheoryOverlay>();
}

TheoryRunner::~TheoryRunner()
{
    stopAndJoin();
}

void TheoryRunner::request(const ExperimentConfig& config, double nEffMin, double nEffMax, int points)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_request = Request{config, nEffMin, nEffMax, points};
    startOrRestartLocked();
}

void TheoryRunner::takeRequestLocked()
{
    m_taken = m_request;
}

void TheoryRunner::work(const sl::CancelToken& token)
{
    const TheoryOverlay overlay = compute(m_taken.config, m_taken.nEffMin, m_taken.nEffMax, m_taken.points, token);
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        if (m_abort)
            return;
    }
    // A superseded request's token is cancelled: its overlay is stale.
    if (!token.isCancelled())
        postToOwnerThread([this, overlay] { emit overlayReady(overlay); });
}

namespace {

// The Bayes-optimal reference at the SE curve's points: the diagonal model's Bayes-optimal state evolution (a point
// that fails is left out), or the quadratic model's rate without constant.
void addBayesOptimalCurve(
    TheoryOverlay& overlay, const sl::StateEvolutionCurveConfig& curve, const sl::CancelToken& cancel)
{
    if (curve.model == sl::ModelKind::Quadratic) {
        sl::PhaseDiagramConfig pc;
        pc.d = curve.d;
        pc.gamma = curve.gamma;
        pc.noise = curve.noise;
        const sl::PhaseDiagram diagram(pc);
        overlay.curveBayesRateOnly = true;
        for (double nEff : overlay.curveNEff) {
            overlay.curveBayesNEff << nEff;
            overlay.curveBayesRisk << diagram.bayesOptimalRate(nEff);
        }
        return;
    }
    sl::StateEvolutionModel m;
    m.model = curve.model;
    m.d = curve.d;
    m.gamma = curve.gamma;
    m.noise = curve.noise;
    m.lassoTeacher = curve.lassoTeacher;
    m.lassoMode = curve.lassoMode;
    for (double nEff : overlay.curveNEff) {
        if (cancel.isCancelled())
            return;
        const sl::BayesOptimalResult bo = sl::solveBayesOptimal(sl::bayesOptimalConfigFor(m, nEff), cancel);
        if (bo.ok()) {
            overlay.curveBayesNEff << nEff;
            overlay.curveBayesRisk << bo.risk;
        }
    }
}

}  // namespace

TheoryOverlay TheoryRunner::compute(
    const ExperimentConfig& config, double nEffMin, double nEffMax, int points, const sl::CancelToken& cancel)
{
    TheoryOverlay overlay;
    overlay.config = config;
    overlay.configHash = config.hash();
    overlay.curveNEffMin = nEffMin;
    overlay.curveNEffMax = nEffMax;
    const sl::ProblemConfig& p = config.problem;
    const bool quadratic = p.model == sl::ModelKind::Quadratic;
    try {
        p.validate();
        // The same teacher the run trains against: makeProblem draws the teacher first from Rng(seed).
        sl::Rng rng(p.seed);
        const sl::Teacher teacher = sl::makeTeacher(p, rng);
        overlay.teacherSpectrum = sortedDescending(teacher.spectrum.cwiseAbs());
        const double alpha = p.nEff() / p.dimension;  // n/d diagonal, n/d² quadratic

        if (quadratic && p.weightDecay > 0) {
            sl::MatrixStateEvolutionConfig se;
            se.spectrum = teacher.spectrum;
            se.alphaQ = alpha;
            se.lambda = p.weightDecay;
            se.noise = p.noise;
            se.samples = kOverlayGoeSamples;
            se.seed = p.seed;
            const auto result = sl::MatrixStateEvolution(se).run({}, cancel);
            takePoint(overlay, result, result.testExcessRisk);
            if (result.ok()) {
                overlay.predictedSpectrum = result.spectrumSamples;
                overlay.predictedWeightAtZero = result.weightAtZero;
            }
        } else if (!quadratic) {
            sl::LassoStateEvolutionConfig se;
            se.teacher = teacher.spectrum;
            se.alpha = alpha;
            se.lambda = p.weightDecay;
            se.noise = p.noise;
            const auto result = sl::LassoStateEvolution(se).run({}, cancel);
            takePoint(overlay, result, result.risk);
            if (result.ok()) {
                // docs/theory/spectra.md §2 (inferred analogue): θ̂_i ~ η(θ*_i + δg; t), so |θ̂_i| = max(|θ*_i + δg| − t,
                // 0).
                sl::Rng noise(p.seed ^ 0x5eedULL);
                const Eigen::Index d = teacher.spectrum.size();
                overlay.predictedSpectrum.resize(d * kLassoSpectrumDraws);
                int zeros = 0;
                for (int k = 0; k < kLassoSpectrumDraws; ++k) {
                    for (Eigen::Index i = 0; i < d; ++i) {
                        const double z = std::abs(teacher.spectrum(i) + result.delta * noise.normal());
                        const double v = std::max(z - result.threshold, 0.0);
                        zeros += v == 0.0;
                        overlay.predictedSpectrum(k * d + i) = v;
                    }
                }
                overlay.predictedWeightAtZero = double(zeros) / double(overlay.predictedSpectrum.size());
            }
        } else {
            overlay.pointMessage = QStringLiteral("no state evolution at λ = 0 for the quadratic model");
        }

        if (points > 1 && nEffMax > nEffMin && nEffMin > 0 && !(quadratic && p.weightDecay <= 0)
            && !cancel.isCancelled()) {
            // The same state evolution as `scalinglab-cli curve` (one teacher choice, app/analysis).
            sl::StateEvolutionCurveConfig curve = stateEvolutionCurveConfig(p, kOverlayGoeSamples);
            curve.nEffMin = nEffMin;
            curve.nEffMax = nEffMax;
            curve.points = points;
            const auto result = sl::StateEvolutionCurve(curve).run({}, cancel);
            overlay.curveMessage = QString::fromStdString(result.message);
            for (const auto& point : result.points) {
                if (point.status == sl::Status::Converged) {
                    overlay.curveNEff << point.nEff;
                    overlay.curveRisk << point.excessRisk;
                }
            }
            addBayesOptimalCurve(overlay, curve, cancel);
        }
    } catch (const std::exception& e) {
        overlay.pointConverged = false;
        overlay.pointMessage = QString::fromUtf8(e.what());
    }
    return overlay;
}

}  // namespace sl::app
