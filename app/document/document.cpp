// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/document/document.h"

#include "app/runner/sweep_runner.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

namespace sl::app {
namespace {

// Overlays kept for spectra (by configuration); the curves' theory is kept for every curve of the session.
constexpr int kMaxPointOverlays = 24;
// Points of a state-evolution curve, log-spaced over its range.
constexpr int kCurvePoints = 24;
// Around a focus point the theory curve spans 1.5 decades each side; around measured points a factor 1.5.
constexpr double kFocusSpan = 30.0;
constexpr double kMargin = 1.5;

QString exact(double v)
{
    return QString::number(v, 'g', 17);
}

QString formatNumber(double v)
{
    return std::isfinite(v) ? QString::number(v, 'g', 4) : QStringLiteral("–");
}

QJsonArray toArray(const QVector<double>& v)
{
    QJsonArray a;
    for (double x : v)
        a.append(std::isfinite(x) ? QJsonValue(x) : QJsonValue());
    return a;
}

QJsonArray toArray(const Eigen::VectorXd& v)
{
    QJsonArray a;
    for (Eigen::Index i = 0; i < v.size(); ++i)
        a.append(std::isfinite(v(i)) ? QJsonValue(v(i)) : QJsonValue());
    return a;
}

QVector<double> toVector(const QJsonValue& value)
{
    QVector<double> out;
    for (const QJsonValue& x : value.toArray())
        out << (x.isDouble() ? x.toDouble() : kNaN);
    return out;
}

Eigen::VectorXd toEigen(const QJsonValue& value)
{
    const QVector<double> v = toVector(value);
    return Eigen::Map<const Eigen::VectorXd>(v.data(), v.size());
}

double number(const QJsonValue& v)
{
    return v.isDouble() ? v.toDouble() : kNaN;
}

bool sameDoubles(const QVector<double>& a, const QVector<double>& b)
{
    if (a.size() != b.size())
        return false;
    for (int i = 0; i < a.size(); ++i)
        if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i]))))
            return false;
    return true;
}

bool same(double a, double b)
{
    return a == b || (std::isnan(a) && std::isnan(b));
}

sl::TailFit tailFitOf(const TailFitSummary& summary)
{
    sl::TailFit fit;
    fit.status = sl::Status::Invalid;
    sl::statusFromString(summary.status.toStdString(), fit.status);
    fit.message = summary.message.toStdString();
    fit.alpha = summary.alpha;
    fit.sigma = summary.sigma;
    fit.xmin = summary.xmin;
    fit.ks = summary.ks;
    fit.nTail = summary.nTail;
    return fit;
}

// Seed means (and standard errors) of one number of the runs, per n: the risk curve's aggregation applied to it.
std::map<long long, AggregatePoint> meanBySamples(
    const QVector<RunResult>& runs, const std::function<double(const RunResult&)>& value)
{
    std::vector<RiskSample> samples;
    for (const RunResult& r : runs)
        samples.push_back({r.config.problem.samples, r.config.problem.nEff(), r.config.problem.weightDecay, value(r)});
    std::map<long long, AggregatePoint> out;
    for (const AggregatePoint& p : aggregateBySamples(samples))
        out[p.samples] = p;
    return out;
}

double meanAt(const std::map<long long, AggregatePoint>& points, long long samples)
{
    const auto it = points.find(samples);
    return it == points.end() ? kNaN : it->second.mean;
}

}  // namespace

bool DecompositionState::operator==(const DecompositionState& o) const
{
    return curveId == o.curveId && name == o.name && sameDoubles(nEff, o.nEff) && runs == o.runs
        && sameDoubles(overfitting, o.overfitting) && sameDoubles(underfitting, o.underfitting)
        && sameDoubles(approximation, o.approximation) && sameDoubles(excessRisk, o.excessRisk)
        && sameDoubles(pruned, o.pruned) && sameDoubles(predictedOverfitting, o.predictedOverfitting)
        && sameDoubles(predictedUnderfitting, o.predictedUnderfitting)
        && sameDoubles(predictedApproximation, o.predictedApproximation)
        && sameDoubles(predictedPruned, o.predictedPruned) && message == o.message && hasConfig == o.hasConfig
        && seeds == o.seeds;  // not config: curveId fixes every exported field of it (as for RiskCurve)
}

// --- RiskCurve --------------------------------------------------------------------------------------------------

bool RiskCurve::operator==(const RiskCurve& o) const
{
    return id == o.id && name == o.name && same(weightDecay, o.weightDecay) && sameDoubles(nEff, o.nEff)
        && sameDoubles(mean, o.mean) && sameDoubles(standardError, o.standardError) && hasFit == o.hasFit
        && same(slope, o.slope) && same(slopeLow, o.slopeLow) && same(slopeHigh, o.slopeHigh)
        && fitPoints == o.fitPoints && same(fitFrom, o.fitFrom) && same(fitTo, o.fitTo) && slopeText == o.slopeText
        && sameDoubles(theoryNEff, o.theoryNEff) && sameDoubles(theoryRisk, o.theoryRisk)
        && hasPrediction == o.hasPrediction && same(predictedSlope, o.predictedSlope)
        && predictionInferred == o.predictionInferred && phase == o.phase && sameDoubles(bayesNEff, o.bayesNEff)
        && sameDoubles(bayesRisk, o.bayesRisk) && bayesRateOnly == o.bayesRateOnly && kept == o.kept
        && sameDoubles(prunedMean, o.prunedMean) && sameDoubles(prunedStandardError, o.prunedStandardError)
        && sameDoubles(predictedPruned, o.predictedPruned) && runsTotal == o.runsTotal && runsLeftOut == o.runsLeftOut;
    // config and seeds are not compared: the id fixes the configuration, and the seeds change only with the points.
}

QJsonObject RiskCurve::toJson() const
{
    QJsonObject json{{"id", id}, {"name", name}, {"weight_decay", weightDecay}, {"n_eff", toArray(nEff)},
        {"mean", toArray(mean)}, {"stderr", toArray(standardError)}, {"has_fit", hasFit}, {"slope", slope},
        {"slope_low", std::isfinite(slopeLow) ? QJsonValue(slopeLow) : QJsonValue()},
        {"slope_high", std::isfinite(slopeHigh) ? QJsonValue(slopeHigh) : QJsonValue()}, {"fit_points", fitPoints},
        {"fit_from", fitFrom}, {"fit_to", fitTo}, {"slope_text", slopeText}, {"theory_n_eff", toArray(theoryNEff)},
        {"theory_risk", toArray(theoryRisk)}, {"has_prediction", hasPrediction}, {"predicted_slope", predictedSlope},
        {"prediction_inferred", predictionInferred}, {"phase", phase}, {"bayes_n_eff", toArray(bayesNEff)},
        {"bayes_risk", toArray(bayesRisk)}, {"bayes_rate_only", bayesRateOnly}, {"kept", kept},
        {"pruned_mean", toArray(prunedMean)}, {"pruned_stderr", toArray(prunedStandardError)},
        {"predicted_pruned", toArray(predictedPruned)}, {"runs", runsTotal}, {"runs_left_out", runsLeftOut}};
    if (hasConfig)
        json["config"] = config.toJson();
    QJsonArray seedArray;
    for (const qulonglong seed : seeds)
        seedArray.append(QString::number(seed));  // as text: a 64-bit seed does not fit a JSON double
    json["seeds"] = seedArray;
    return json;
}

RiskCurve RiskCurve::fromJson(const QJsonObject& j)
{
    RiskCurve c;
    c.id = j["id"].toString();
    c.name = j["name"].toString();
    c.weightDecay = number(j["weight_decay"]);
    c.nEff = toVector(j["n_eff"]);
    c.mean = toVector(j["mean"]);
    c.standardError = toVector(j["stderr"]);
    c.hasFit = j["has_fit"].toBool();
    c.slope = number(j["slope"]);
    c.slopeLow = number(j["slope_low"]);
    c.slopeHigh = number(j["slope_high"]);
    c.fitPoints = j["fit_points"].toInt();
    c.fitFrom = number(j["fit_from"]);
    c.fitTo = number(j["fit_to"]);
    c.slopeText = j["slope_text"].toString();
    c.theoryNEff = toVector(j["theory_n_eff"]);
    c.theoryRisk = toVector(j["theory_risk"]);
    c.hasPrediction = j["has_prediction"].toBool();
    c.predictedSlope = number(j["predicted_slope"]);
    c.predictionInferred = j["prediction_inferred"].toBool();
    c.phase = j["phase"].toString();
    c.bayesNEff = toVector(j["bayes_n_eff"]);
    c.bayesRisk = toVector(j["bayes_risk"]);
    c.bayesRateOnly = j["bayes_rate_only"].toBool();
    if (j["config"].isObject()) {
        if (const auto config = ExperimentConfig::fromJson(j["config"].toObject())) {
            c.config = *config;
            c.hasConfig = true;
        }
    }
    for (const QJsonValue& seed : j["seeds"].toArray())
        c.seeds << seed.toString().toULongLong();
    c.kept = j["kept"].toBool();
    c.prunedMean = toVector(j["pruned_mean"]);
    c.prunedStandardError = toVector(j["pruned_stderr"]);
    c.predictedPruned = toVector(j["predicted_pruned"]);
    c.runsTotal = j["runs"].toInt();
    c.runsLeftOut = j["runs_left_out"].toInt();
    return c;
}

// --- overlays as JSON -------------------------------------------------------------------------------------------

QJsonObject theoryOverlayToJson(const TheoryOverlay& o)
{
    return QJsonObject{{"config", o.config.toJson()}, {"config_hash", o.configHash},
        {"curve_n_eff_min", o.curveNEffMin}, {"curve_n_eff_max", o.curveNEffMax},
        {"teacher", toArray(o.teacherSpectrum)}, {"point_converged", o.pointConverged},
        {"point_message", o.pointMessage}, {"predicted_risk", o.predictedRisk}, {"delta", o.delta},
        {"epsilon", o.epsilon}, {"threshold", o.threshold}, {"predicted_spectrum", toArray(o.predictedSpectrum)},
        {"predicted_weight_at_zero", o.predictedWeightAtZero}, {"curve_n_eff", toArray(o.curveNEff)},
        {"curve_risk", toArray(o.curveRisk)}, {"curve_bayes_n_eff", toArray(o.curveBayesNEff)},
        {"curve_bayes_risk", toArray(o.curveBayesRisk)}, {"curve_bayes_rate_only", o.curveBayesRateOnly},
        {"curve_message", o.curveMessage}};
}

std::optional<TheoryOverlay> theoryOverlayFromJson(const QJsonObject& j)
{
    const auto config = ExperimentConfig::fromJson(j["config"].toObject());
    if (!config)
        return std::nullopt;
    TheoryOverlay o;
    o.config = *config;
    o.configHash = config->hash();
    if (j["config_hash"].toString() != o.configHash)
        return std::nullopt;  // written by a build that hashes differently: recompute rather than trust it
    o.curveNEffMin = number(j["curve_n_eff_min"]);
    o.curveNEffMax = number(j["curve_n_eff_max"]);
    o.teacherSpectrum = toEigen(j["teacher"]);
    o.pointConverged = j["point_converged"].toBool();
    o.pointMessage = j["point_message"].toString();
    o.predictedRisk = number(j["predicted_risk"]);
    o.delta = number(j["delta"]);
    o.epsilon = number(j["epsilon"]);
    o.threshold = number(j["threshold"]);
    o.predictedSpectrum = toEigen(j["predicted_spectrum"]);
    o.predictedWeightAtZero = number(j["predicted_weight_at_zero"]);
    o.curveNEff = toVector(j["curve_n_eff"]);
    o.curveRisk = toVector(j["curve_risk"]);
    o.curveBayesNEff = toVector(j["curve_bayes_n_eff"]);
    o.curveBayesRisk = toVector(j["curve_bayes_risk"]);
    o.curveBayesRateOnly = j["curve_bayes_rate_only"].toBool();
    o.curveMessage = j["curve_message"].toString();
    if (o.curveNEff.size() != o.curveRisk.size() || o.curveBayesNEff.size() != o.curveBayesRisk.size())
        return std::nullopt;
    return o;
}

// --- construction -----------------------------------------------------------------------------------------------

Document::Document(QObject* parent) : Document(&runExperiment, parent)
{
}

Document::Document(ExperimentExecutor executor, QObject* parent) : QObject(parent), m_executor(std::move(executor))
{
    registerRunnerMetaTypes();
    m_liveRunner = new LiveRunner(m_executor, this);
    m_theoryRunner = new TheoryRunner(this);
    m_sweepRunner = new SweepRunner(m_executor, this);
    connect(m_liveRunner, &LiveRunner::snapshot, this, &Document::onSnapshot);
    connect(m_liveRunner, &LiveRunner::finished, this, &Document::onFinished);
    connect(m_theoryRunner, &TheoryRunner::overlayReady, this, &Document::onOverlay);
    connect(m_sweepRunner, &SweepRunner::pointFinished, this, &Document::onSweepPoint);
    connect(m_sweepRunner, &SweepRunner::started, this, [this](int total, int) { emit sweepStarted(total); });
    connect(m_sweepRunner, &SweepRunner::progress, this, &Document::sweepProgress);
    connect(m_sweepRunner, &SweepRunner::finished, this, [this](int done, int total, bool cancelled) {
        emit message(cancelled ? tr("Sweep cancelled after %1 of %2 points").arg(done).arg(total)
                               : tr("Sweep finished: %1 points").arg(total),
            false);
        emit sweepFinished(done, total, cancelled);
    });
    connect(m_sweepRunner, &SweepRunner::error, this, [this](const QString& text) {
        m_lastError = text;
        emit message(text, true);
    });
    m_sweepRunner->setStorePath(QDir(QDir::tempPath()).filePath("scalinglab-scratch.sqlite"));
    m_status.iteration = tr("iteration –");
    m_status.loss = tr("loss –");
    m_status.risk = tr("excess risk –");
    m_status.gap = tr("convex gap –");
    m_status.transport = describe(m_state);
    m_status.decomposition = tr("decomposition –");
}

Document::~Document()
{
    m_sweepRunner->cancel();
}

bool Document::openStore(const QString& path)
{
    if (path == "-" || path == ":memory:")
        return true;
    if (!m_store.open(path)) {
        m_lastError = tr("Results store unavailable, results stay in memory only: %1").arg(m_store.lastError());
        emit message(m_lastError, true);
        return false;
    }
    // Sweeps save each point from their workers (each opens its own connection on the same file).
    m_sweepRunner->setStorePath(m_store.path());
    return true;
}

void Document::setTheoryCachePath(const QString& path)
{
    m_cachePath = path;
    QFile file(path);
    if (path.isEmpty() || !file.open(QIODevice::ReadOnly))
        return;
    const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
    if (json.value("schema").toString() == QLatin1String("scalinglab.theory-cache"))
        loadTheoryJson(json.value("theory").toArray());
}

void Document::saveTheoryCache() const
{
    if (m_cachePath.isEmpty())
        return;
    QDir().mkpath(QFileInfo(m_cachePath).absolutePath());
    QSaveFile file(m_cachePath);
    if (file.open(QIODevice::WriteOnly)) {
        file.write(
            QJsonDocument(QJsonObject{{"schema", "scalinglab.theory-cache"}, {"version", 1}, {"theory", theoryJson()}})
                .toJson(QJsonDocument::Compact));
        file.commit();
    }
}

// --- keys -------------------------------------------------------------------------------------------------------

QString Document::familyKey(const ExperimentConfig& c)
{
    const sl::ProblemConfig& p = c.problem;
    return QStringLiteral("%1/d=%2/p=%3/gamma=%4/noise=%5/%6/%7")
        .arg(QString::fromLatin1(sl::toString(p.model)))
        .arg(p.dimension)
        .arg(p.effectiveWidth())
        .arg(exact(p.gamma), exact(p.noise), QString::fromLatin1(sl::toString(p.amplitudes)),
            QString::fromLatin1(toString(c.solver)));
}

QString Document::curveId(const ExperimentConfig& config, double weightDecay)
{
    return familyKey(config) + QStringLiteral("/lambda=") + exact(weightDecay);
}

ExperimentConfig Document::theoryConfig(const ExperimentConfig& config)
{
    ExperimentConfig t;
    t.problem = config.problem;
    return t;
}

// --- focus and window -------------------------------------------------------------------------------------------

void Document::setFocus(const ExperimentConfig& config)
{
    ExperimentConfig focus = config;
    focus.sweep = SweepSpec{};
    const bool familyChanged = !m_hasFocus || familyKey(focus) != familyKey(m_focus);
    const bool changed = !m_hasFocus || focus != m_focus;
    m_focus = focus;
    m_hasFocus = true;
    if (!changed)
        return;
    if (!m_curveConfig.contains(curveId(focus, focus.problem.weightDecay)))
        m_curveConfig.insert(curveId(focus, focus.problem.weightDecay), focus);
    Q_UNUSED(familyChanged);
    refreshCurves();
    if (!m_liveConfig)
        refreshSpectrum();
    requestTheory();
}

void Document::setFitWindow(double from, double to)
{
    if (from == m_fitFrom && to == m_fitTo)
        return;
    m_fitFrom = from;
    m_fitTo = to;
    refreshCurves();
}

// --- transport --------------------------------------------------------------------------------------------------

bool Document::validated(ExperimentConfig& config, const QString& what)
{
    config.sweep = SweepSpec{};
    config.seedList.clear();
    config.seedCount = 1;  // the live run is one seed; sweeps use them all
    config.certificate = true;
    if (m_decomposeRuns) {
        config.decompose = true;
        config.prune = true;
    }
    try {
        config.validate();
    } catch (const std::exception& e) {
        m_lastError = tr("Invalid parameters, nothing %1: %2").arg(what, QString::fromUtf8(e.what()));
        emit message(m_lastError, true);
        return false;
    }
    return true;
}

bool Document::run(const ExperimentConfig& requested)
{
    ExperimentConfig config = requested;
    if (!validated(config, tr("started")))
        return false;
    setFocus(requested);
    const bool same
        = m_liveConfig && *m_liveConfig == config && isBusy(m_state) && m_state != TransportState::Cancelling;
    apply(same ? TransportEvent::RunSame : TransportEvent::Run, &config);
    return true;
}

bool Document::step(const ExperimentConfig& requested)
{
    ExperimentConfig config = requested;
    if (!validated(config, tr("started")))
        return false;
    apply(TransportEvent::Step, &config);
    return true;
}

bool Document::liveRestart(const ExperimentConfig& requested)
{
    ExperimentConfig config = requested;
    if (!validated(config, tr("started")))
        return false;
    setFocus(requested);
    apply(TransportEvent::LiveRestart, &config);
    return true;
}

void Document::pause()
{
    apply(TransportEvent::Pause);
}

void Document::resume()
{
    apply(TransportEvent::Resume);
}

void Document::cancel()
{
    apply(TransportEvent::Cancel);
}

void Document::reset()
{
    m_resetPending = isBusy(m_state);
    apply(TransportEvent::Reset);
    if (!m_resetPending)
        emit message(tr("Live run reset"), false);
}

void Document::apply(TransportEvent event, const ExperimentConfig* config)
{
    const TransportState before = m_state;
    const TransportTransition t = transition(m_state, event);
    m_state = t.next;
    if (t.clearLive)
        clearLive();
    switch (t.command) {
    case TransportCommand::None: break;
    case TransportCommand::Start:
        if (config)
            startLive(*config);
        break;
    case TransportCommand::Pause: m_liveRunner->pause(); break;
    case TransportCommand::Resume: m_liveRunner->resume(); break;
    case TransportCommand::Cancel: m_liveRunner->cancel(); break;
    }
    if (m_state != before || t.command != TransportCommand::None) {
        if (m_state == TransportState::Running || m_state == TransportState::Paused
            || m_state == TransportState::Stepping || m_state == TransportState::Cancelling)
            setStatusTransport(describe(m_state));
        emit transportChanged(m_state);
    }
}

void Document::startLive(const ExperimentConfig& config)
{
    m_liveConfig = config;
    m_liveResult.reset();
    if (!m_liveDecompositionNote.isEmpty()) {
        m_liveDecompositionNote.clear();
        refreshDecomposition();
    }
    m_generation = m_liveRunner->request(config);
    emit launched(config, false);
    emit message(tr("Training %1 network, d = %2, n = %3, λ = %4")
                     .arg(QString::fromLatin1(sl::toString(config.problem.model)))
                     .arg(config.problem.dimension)
                     .arg(config.problem.samples)
                     .arg(config.problem.weightDecay),
        false);
    refreshSpectrum();
    requestTheory();
}

void Document::clearLive()
{
    m_liveConfig.reset();
    m_liveEigenvalues.clear();
    m_liveResult.reset();
    m_lastIteration = 0;
    m_livePoint = LivePoint{};
    m_status.iteration = tr("iteration –");
    m_status.loss = tr("loss –");
    m_status.risk = tr("excess risk –");
    // The certificate is computed when a run ends: until then the field says whose gap it would show.
    m_status.gap = tr("convex gap: at the end of the run");
    m_status.decomposition = tr("decomposition: at the end of the run");
    emit livePointChanged();
    emit statusChanged();
    refreshSpectrum();
}

void Document::setStatusTransport(const QString& text)
{
    m_status.transport = text;
    emit statusChanged();
}

void Document::onSnapshot(const LiveSnapshot& s)
{
    // Cancelling: the run is being ended, its last iterations are not news.
    if (s.generation != m_generation || !isBusy(m_state) || m_state == TransportState::Cancelling) {
        ++m_droppedStale;
        return;
    }
    m_lastIteration = s.iteration;
    m_status.iteration = tr("iteration %1").arg(s.iteration);
    m_status.loss = tr("loss %1").arg(formatNumber(s.trainLoss));
    m_status.risk = tr("excess risk %1").arg(formatNumber(s.excessRisk));
    emit statusChanged();
    // At the n_eff of the run the snapshot belongs to, whatever the panel shows now.
    const double nEff = s.config.problem.nEff();
    m_livePoint.shown = nEff > 0 && s.excessRisk > 0 && std::isfinite(s.excessRisk);
    m_livePoint.nEff = nEff;
    m_livePoint.risk = s.excessRisk;
    emit livePointChanged();
    if (!s.eigenvalues.isEmpty() && !s.final) {
        m_liveEigenvalues = s.eigenvalues;
        refreshSpectrum();
    }
    if (!s.final)
        apply(TransportEvent::Snapshot);
}

void Document::onFinished(const RunResult& result, quint64 generation)
{
    if (generation != m_generation || !isBusy(m_state)) {
        ++m_droppedStale;
        return;
    }
    const bool wasReset = m_resetPending;
    m_resetPending = false;
    if (result.status == sl::Status::Cancelled) {
        apply(TransportEvent::RunCancelled);
        if (wasReset) {
            setStatusTransport(tr("Idle (reset)"));
            emit message(tr("Live run reset"), false);
        } else {
            m_status.gap = tr("convex gap – (cancelled)");
            m_status.decomposition = tr("decomposition: not computed, the run was cancelled");
            m_liveDecompositionNote = tr("The live run was cancelled: it has no trained network to decompose.");
            refreshDecomposition();
            setStatusTransport(tr("Cancelled at iteration %1").arg(m_lastIteration));
            emit message(tr("Cancelled"), false);
        }
        return;
    }
    const QString iterations = tr("iteration %1 (%2)").arg(result.iterations).arg(sl::toString(result.status));
    m_status.iteration = iterations;
    m_status.loss = tr("loss %1").arg(formatNumber(result.trainLoss));
    m_status.risk = tr("excess risk %1").arg(formatNumber(result.excessRisk));
    if (result.status == sl::Status::Invalid) {
        apply(TransportEvent::RunFailed);
        m_status.gap = tr("convex gap –");
        m_status.decomposition = tr("decomposition: not computed, the run failed");
        m_liveDecompositionNote = tr("The live run failed (%1): nothing to decompose.").arg(result.message);
        refreshDecomposition();
        setStatusTransport(tr("Failed: %1").arg(result.message));
        m_lastError = tr("Run %1: %2").arg(sl::toString(result.status), result.message);
        emit message(m_lastError, true);
        return;
    }
    m_liveResult = result;
    if (result.status == sl::Status::Diverged) {
        // A diverged run is an outcome: kept and stored with its status (as sweeps and the CLI do); the curve
        // leaves it out, and neither its exploded risk (~1e10) nor its weights' spectrum is drawn.
        apply(TransportEvent::RunFailed);
        m_status.gap = tr("convex gap –");
        m_livePoint = LivePoint{};
        m_liveEigenvalues.clear();
        emit livePointChanged();
        m_status.decomposition = tr("decomposition: not computed, the run diverged");
        m_liveDecompositionNote = tr("The live run diverged: its weights are not a trained network, so it is not "
                                     "decomposed.");
        refreshDecomposition();
        setStatusTransport(tr("Failed: diverged"));
        m_lastError = tr("Run %1: %2").arg(sl::toString(result.status), result.message);
        emit message(m_lastError, true);
        refreshSpectrum();
        takeResult(result, true);
        return;
    }
    apply(TransportEvent::RunFinished);
    m_status.gap = result.convexGap.computed
        ? tr("convex gap %1 (this run's certificate)").arg(formatNumber(result.convexGap.relativeObjectiveGap))
        : tr("convex gap – (no certificate)");
    m_status.decomposition = decompositionStatus(result);
    setStatusTransport(tr("Finished: %1").arg(sl::toString(result.status)));
    const double nEff = result.config.problem.nEff();
    m_livePoint.shown = nEff > 0 && result.excessRisk > 0 && std::isfinite(result.excessRisk);
    m_livePoint.nEff = nEff;
    m_livePoint.risk = result.excessRisk;
    emit livePointChanged();
    m_liveEigenvalues = result.eigenvalues;
    refreshSpectrum();
    takeResult(result, true);
}

// --- sweeps -----------------------------------------------------------------------------------------------------

bool Document::startSweep(const ExperimentConfig& requested)
{
    ExperimentConfig sweep = requested;
    if (m_decomposeSweeps) {
        sweep.decompose = true;
        sweep.prune = true;
    }
    try {
        sweep.validate();
    } catch (const std::exception& e) {
        m_lastError = tr("Invalid sweep, nothing started: %1").arg(QString::fromUtf8(e.what()));
        emit message(m_lastError, true);
        return false;
    }
    emit launched(sweep, true);
    if (!m_sweepRunner->start(sweep)) {
        m_lastError = tr("Sweep not started: %1").arg(m_sweepRunner->lastError());
        emit message(m_lastError, true);
        return false;
    }
    m_lastSweep = sweep;
    std::set<double>& lambdas = m_sweepLambdas[familyKey(sweep)];
    for (double lambda : sweep.weightDecays()) {
        lambdas.insert(lambda);
        ExperimentConfig c = sweep;
        c.sweep = SweepSpec{};
        c.problem.weightDecay = lambda;
        const QString id = curveId(c, lambda);
        if (!m_curveConfig.contains(id))
            m_curveConfig.insert(id, c);
    }
    ExperimentConfig focus = sweep;
    focus.sweep = SweepSpec{};
    if (!m_hasFocus || familyKey(focus) != familyKey(m_focus))
        setFocus(focus);
    refreshCurves();
    requestTheory();
    return true;
}

void Document::cancelSweep()
{
    m_sweepRunner->cancel();
}

bool Document::sweepIsRunning() const
{
    return m_sweepRunner->isRunning();
}

void Document::onSweepPoint(const RunResult& result, bool /*fromStore*/)
{
    if (result.status == sl::Status::Invalid || result.status == sl::Status::Diverged)
        emit message(tr("Sweep point failed: %1").arg(result.message), false);
    takeResult(result, false);  // the sweep runner stored it
}

void Document::addResult(const RunResult& result)
{
    takeResult(result, true);
}

void Document::takeResult(const RunResult& result, bool store)
{
    if (store && m_store.isOpen() && m_store.save(result.toJson()) < 0) {
        m_lastError = tr("Could not store the result; it stays in memory (export the plots or save the session to "
                         "keep it): %1")
                          .arg(m_store.lastError());
        emit message(m_lastError, true);
    }
    m_results.push_back(result);
    const QString id = curveId(result.config, result.config.problem.weightDecay);
    m_byCurve[id].push_back(m_results.size() - 1);
    if (!m_curveConfig.contains(id)) {
        ExperimentConfig c = result.config;
        c.sweep = SweepSpec{};
        m_curveConfig.insert(id, c);
    }
    emit resultAdded(result);
    if (visibleIds().count(id)) {
        refreshCurve(id);
        updateMeasurements();
        requestTheory();  // the curve's range may have grown
    }
}

// --- curves -----------------------------------------------------------------------------------------------------

std::set<QString> Document::visibleIds() const
{
    std::set<QString> ids;
    if (!m_hasFocus)
        return ids;
    const QString family = familyKey(m_focus);
    for (auto it = m_byCurve.cbegin(); it != m_byCurve.cend(); ++it) {
        const ExperimentConfig& c = m_curveConfig[it.key()];
        if (familyKey(c) != family)
            continue;
        ids.insert(it.key());  // refreshCurve() leaves out a curve with nothing to draw
    }
    ids.insert(curveId(m_focus, m_focus.problem.weightDecay));
    const auto sweep = m_sweepLambdas.constFind(family);
    if (sweep != m_sweepLambdas.constEnd())
        for (double lambda : *sweep)
            ids.insert(curveId(m_focus, lambda));
    return ids;
}

RiskCurve Document::buildCurve(const QString& id) const
{
    const ExperimentConfig config = m_curveConfig.value(id, m_focus);
    const double lambda = config.problem.weightDecay;
    RiskCurve c;
    c.id = id;
    c.weightDecay = lambda;
    c.name = tr("λ = %1").arg(lambda, 0, 'g', 4);
    QVector<RunResult> runs;
    for (int i : m_byCurve.value(id))
        runs.push_back(m_results[i]);
    c.hasConfig = m_curveConfig.contains(id) || m_hasFocus;
    c.config = config;
    for (const RunResult& run : std::as_const(runs))
        if (!c.seeds.contains(qulonglong(run.config.problem.seed)))
            c.seeds << qulonglong(run.config.problem.seed);
    std::sort(c.seeds.begin(), c.seeds.end());
    // Points without a converged run are not drawn; their runs still count as left out.
    std::vector<AggregatePoint> points;
    for (const AggregatePoint& p : aggregateBySamples(riskSamples(runs))) {
        c.runsLeftOut += p.leftOut;
        c.runsTotal += p.runs();
        if (p.count > 0)
            points.push_back(p);
    }
    for (const AggregatePoint& p : points) {
        c.nEff << p.nEff;
        c.mean << p.mean;
        c.standardError << (std::isfinite(p.standardError) ? p.standardError : 0.0);
    }
    if (!points.empty()) {
        const CurveAnalysis analysis = analyseCurve(config.problem, lambda, points, m_fitFrom, m_fitTo);
        c.hasFit = analysis.fit.ok;
        c.slope = analysis.fit.slope;
        c.slopeLow = analysis.fit.low;
        c.slopeHigh = analysis.fit.high;
        c.fitPoints = analysis.fit.points;
        c.slopeText = analysis.slopeText();
        c.fitFrom = analysis.usedFrom;
        c.fitTo = analysis.usedTo;
        if (analysis.fit.ok && analysis.predicted.ok) {
            c.hasPrediction = true;
            c.predictedSlope = analysis.predicted.slope;
            c.predictionInferred = analysis.predicted.inferred;
            c.phase = analysis.predicted.phaseText();
        }
    }
    // The pruned risk of the same runs (those pruned), at the same points.
    QVector<RunResult> prunedRuns, predictedRuns;
    for (const RunResult& r : runs) {
        if (r.status != sl::Status::Converged || !r.config.prune)
            continue;
        if (r.decomposition.computed)
            prunedRuns.push_back(r);
        if (r.decomposition.predictedComputed)
            predictedRuns.push_back(r);
    }
    if (!prunedRuns.isEmpty() || !predictedRuns.isEmpty()) {
        const auto pruned
            = meanBySamples(prunedRuns, [](const RunResult& r) { return r.decomposition.prunedExcessRisk; });
        const auto predicted = meanBySamples(
            predictedRuns, [](const RunResult& r) { return r.decomposition.predictedPrunedExcessRisk; });
        for (const AggregatePoint& p : points) {
            const auto it = pruned.find(p.samples);
            c.prunedMean << (it == pruned.end() ? kNaN : it->second.mean);
            c.prunedStandardError << (it == pruned.end() || !std::isfinite(it->second.standardError)
                    ? 0.0
                    : it->second.standardError);
            c.predictedPruned << meanAt(predicted, p.samples);
        }
    }
    const auto theory = m_curveTheory.find(id);
    if (theory != m_curveTheory.end()) {
        c.theoryNEff = theory->second.nEff;
        c.theoryRisk = theory->second.risk;
        c.bayesNEff = theory->second.bayesNEff;
        c.bayesRisk = theory->second.bayesRisk;
        c.bayesRateOnly = theory->second.bayesRateOnly;
    }
    return c;
}

void Document::refreshCurve(const QString& id)
{
    if (m_hasFocus && id == curveId(m_focus, m_focus.problem.weightDecay))
        refreshDecomposition();
    const RiskCurve c = buildCurve(id);
    if (c.nEff.isEmpty() && c.theoryNEff.isEmpty()) {
        // Nothing to draw yet (no usable point, no theory): not on the plot.
        if (m_shown.erase(id))
            emit curveRemoved(id);
        return;
    }
    const auto it = m_shown.find(id);
    if (it != m_shown.end() && it->second == c)
        return;
    m_shown[id] = c;
    emit curveChanged(id);
}

void Document::refreshCurves()
{
    const std::set<QString> wanted = visibleIds();
    for (auto it = m_shown.begin(); it != m_shown.end();) {
        if (!wanted.count(it->first)) {
            const QString id = it->first;
            it = m_shown.erase(it);
            emit curveRemoved(id);
        } else {
            ++it;
        }
    }
    for (const QString& id : wanted)
        refreshCurve(id);
    updateMeasurements();
}

QVector<RiskCurve> Document::curves() const
{
    QVector<RiskCurve> out;
    for (const auto& [id, c] : m_shown)
        out << c;
    std::sort(
        out.begin(), out.end(), [](const RiskCurve& a, const RiskCurve& b) { return a.weightDecay < b.weightDecay; });
    for (const RiskCurve& k : m_kept)
        out << k;
    return out;
}

std::optional<RiskCurve> Document::curve(const QString& id) const
{
    const auto it = m_shown.find(id);
    if (it != m_shown.end())
        return it->second;
    for (const RiskCurve& k : m_kept)
        if (k.id == id)
            return k;
    return std::nullopt;
}

QVector<SlopeMeasurement> Document::measurements() const
{
    QVector<SlopeMeasurement> out;
    for (const auto& [id, c] : m_shown)
        if (c.hasFit && c.fitFrom > 0)
            out.push_back({std::sqrt(c.fitFrom * c.fitTo), c.weightDecay, c.slope});
    return out;
}

void Document::updateMeasurements()
{
    emit measurementsChanged();
}

int Document::keepCurrentCurves()
{
    ++m_keptGeneration;
    const sl::ProblemConfig& p = m_focus.problem;
    int added = 0;
    for (const auto& [id, c] : m_shown) {
        RiskCurve k = c;
        k.kept = true;
        k.id = QStringLiteral("kept/%1/%2").arg(m_keptGeneration).arg(id);
        k.name = tr("%1, %2 d=%3").arg(c.name, QString::fromLatin1(sl::toString(p.model))).arg(p.dimension);
        m_kept.push_back(k);
        emit curveChanged(k.id);
        ++added;
    }
    emit message(tr("%1 curves kept for comparison").arg(m_kept.size()), false);
    return added;
}

void Document::clearResults()
{
    m_results.clear();
    m_byCurve.clear();
    m_sweepLambdas.clear();
    for (const RiskCurve& k : std::as_const(m_kept))
        emit curveRemoved(k.id);
    m_kept.clear();
    refreshCurves();
}

// --- spectrum ---------------------------------------------------------------------------------------------------

void Document::refreshSpectrum()
{
    SpectrumState s;
    if (m_liveConfig) {
        s.hasConfig = true;
        s.config = *m_liveConfig;
    } else if (m_liveResult) {
        s.hasConfig = true;
        s.config = m_liveResult->config;
    } else if (m_hasFocus) {
        s.hasConfig = true;
        s.config = m_focus;
    }
    s.eigenvalues = Eigen::Map<const Eigen::VectorXd>(m_liveEigenvalues.data(), m_liveEigenvalues.size());
    if (s.hasConfig) {
        const auto overlay = m_pointTheory.constFind(theoryConfig(s.config).hash());
        if (overlay != m_pointTheory.constEnd()) {
            s.teacher = overlay->teacherSpectrum;
            s.predicted = overlay->predictedSpectrum;
            s.predictedWeightAtZero = overlay->predictedWeightAtZero;
        }
        s.predictedAlpha = 1.0 + 1.0 / s.config.problem.gamma;  // inferred: docs/theory
    }
    if (m_liveResult && m_liveResult->status != sl::Status::Diverged && !m_liveEigenvalues.isEmpty()) {
        s.final = true;
        if (m_liveResult->tailFit.computed)
            s.tail = tailFitOf(m_liveResult->tailFit);
        const DecompositionSummary& d = m_liveResult->decomposition;
        if (d.computed && m_liveResult->config.prune) {
            s.pruningThreshold = d.bulkEdge;
            s.predictedPruningThreshold = d.asymptoticEdge;
        }
    }
    if (s.eigenvalues.size() >= 3) {
        const sl::BulkEdge bulk = sl::detectBulkEdge(s.eigenvalues);
        s.bulk = bulk;
        const sl::TailFit* tail = s.tail ? &*s.tail : nullptr;
        s.spectralPhase = QString::fromLatin1(sl::toString(sl::classifySpectrum(s.eigenvalues, bulk, tail).phase));
    }
    m_spectrum = s;
    emit spectrumChanged();
}

// --- decomposition ----------------------------------------------------------------------------------------------

QString Document::decompositionStatus(const RunResult& result) const
{
    const DecompositionSummary& d = result.decomposition;
    if (!d.requested)
        return tr("decomposition – (not asked for)");
    if (!d.computed)
        return tr("decomposition: %1").arg(d.message);
    QString text = tr("overfitting %1 · underfitting %2 · approximation %3")
                       .arg(formatNumber(d.measured.overfitting), formatNumber(d.measured.underfitting),
                           formatNumber(d.measured.approximation));
    if (result.config.prune)
        text += tr(" · pruned %1").arg(formatNumber(d.prunedExcessRisk));
    return text;
}

DecompositionState Document::buildDecomposition() const
{
    DecompositionState out;
    if (!m_hasFocus)
        return out;
    const double lambda = m_focus.problem.weightDecay;
    out.curveId = curveId(m_focus, lambda);
    out.name = tr("λ = %1").arg(lambda, 0, 'g', 4);
    out.hasConfig = true;
    out.config = m_curveConfig.value(out.curveId, m_focus);
    // The runs the risk curve averages (converged), decomposed; the prediction from those whose state evolution
    // converged.
    QVector<RunResult> measured, predicted;
    for (int i : m_byCurve.value(out.curveId)) {
        const RunResult& r = m_results[i];
        if (r.status != sl::Status::Converged || !r.config.decompose)
            continue;
        if (r.decomposition.computed)
            measured.push_back(r);
        if (r.decomposition.predictedComputed)
            predicted.push_back(r);
    }
    for (const QVector<RunResult>* runs : {&measured, &predicted})
        for (const RunResult& r : *runs)
            if (!out.seeds.contains(qulonglong(r.config.problem.seed)))
                out.seeds << qulonglong(r.config.problem.seed);
    std::sort(out.seeds.begin(), out.seeds.end());
    using Getter = std::function<double(const RunResult&)>;
    const auto over = meanBySamples(measured, [](const RunResult& r) { return r.decomposition.measured.overfitting; });
    const auto under
        = meanBySamples(measured, [](const RunResult& r) { return r.decomposition.measured.underfitting; });
    const auto approx
        = meanBySamples(measured, [](const RunResult& r) { return r.decomposition.measured.approximation; });
    const auto risk = meanBySamples(measured, [](const RunResult& r) { return r.excessRisk; });
    const Getter prunedOf = [](const RunResult& r) { return r.config.prune ? r.decomposition.prunedExcessRisk : kNaN; };
    const auto pruned = meanBySamples(measured, prunedOf);
    const auto pOver
        = meanBySamples(predicted, [](const RunResult& r) { return r.decomposition.predicted.overfitting; });
    const auto pUnder
        = meanBySamples(predicted, [](const RunResult& r) { return r.decomposition.predicted.underfitting; });
    const auto pApprox
        = meanBySamples(predicted, [](const RunResult& r) { return r.decomposition.predicted.approximation; });
    const auto pPruned = meanBySamples(predicted,
        [](const RunResult& r) { return r.config.prune ? r.decomposition.predictedPrunedExcessRisk : kNaN; });
    std::map<long long, double> nEffOf;
    for (const auto* points : {&over, &pOver})
        for (const auto& [n, p] : *points)
            nEffOf[n] = p.nEff;
    for (const auto& [n, nEff] : nEffOf) {
        out.nEff << nEff;
        const auto it = over.find(n);
        out.runs << (it == over.end() ? 0 : it->second.count);
        out.overfitting << meanAt(over, n);
        out.underfitting << meanAt(under, n);
        out.approximation << meanAt(approx, n);
        out.excessRisk << meanAt(risk, n);
        out.pruned << meanAt(pruned, n);
        out.predictedOverfitting << meanAt(pOver, n);
        out.predictedUnderfitting << meanAt(pUnder, n);
        out.predictedApproximation << meanAt(pApprox, n);
        out.predictedPruned << meanAt(pPruned, n);
    }
    if (!m_liveDecompositionNote.isEmpty())
        out.message = m_liveDecompositionNote;
    else if (out.nEff.isEmpty())
        out.message = tr("No decomposed run on this curve (%1) yet: run it, or sweep it (runs started here are "
                         "decomposed; see the preset \"Error decomposition\").")
                          .arg(out.name);
    return out;
}

void Document::refreshDecomposition()
{
    DecompositionState next = buildDecomposition();
    if (next == m_decomposition)
        return;
    m_decomposition = std::move(next);
    emit decompositionChanged();
}

// --- theory -----------------------------------------------------------------------------------------------------

std::pair<double, double> Document::wantedRange(const QString& id) const
{
    const ExperimentConfig config = m_curveConfig.value(id, m_focus);
    double lo = HUGE_VAL;
    double hi = 0;
    auto cover = [&](double a, double b) {
        if (a > 0 && std::isfinite(a) && b >= a && std::isfinite(b)) {
            lo = std::min(lo, a);
            hi = std::max(hi, b);
        }
    };
    for (int i : m_byCurve.value(id)) {
        const double n = m_results[i].config.problem.nEff();
        cover(n / kMargin, n * kMargin);
    }
    if (m_hasFocus && id == curveId(m_focus, m_focus.problem.weightDecay))
        cover(m_focus.problem.nEff() / kFocusSpan, m_focus.problem.nEff() * kFocusSpan);
    if (m_lastSweep && familyKey(*m_lastSweep) == familyKey(config)
        && m_lastSweep->sweep.axis != SweepSpec::Axis::None) {
        const std::vector<long long> grid = m_lastSweep->sampleGrid();
        if (!grid.empty()) {
            sl::ProblemConfig a = config.problem, b = config.problem;
            a.samples = grid.front();
            b.samples = grid.back();
            cover(a.nEff() / kMargin, b.nEff() * kMargin);
        }
    }
    if (config.problem.model == sl::ModelKind::Diagonal)
        lo = std::max(lo, 1.0);
    return {lo, hi};
}

void Document::requestTheory()
{
    // The spectrum's overlay first (what the live run is compared with), then every visible curve's.
    const ExperimentConfig point = m_liveConfig ? *m_liveConfig : m_focus;
    if (m_liveConfig || m_hasFocus) {
        const QString key = theoryConfig(point).hash();
        if (!m_pointTheory.contains(key)) {
            TheoryRequest r;
            r.config = theoryConfig(point);
            const QString id = curveId(point, point.problem.weightDecay);
            const auto range = wantedRange(id);
            const auto have = m_curveTheory.find(id);
            if (have == m_curveTheory.end() || have->second.from > range.first * 1.001
                || have->second.to < range.second / 1.001) {
                r.curveId = id;
                r.from = have == m_curveTheory.end() ? range.first : std::min(range.first, have->second.from);
                r.to = have == m_curveTheory.end() ? range.second : std::max(range.second, have->second.to);
            }
            enqueue(r);
        }
    }
    for (const QString& id : visibleIds()) {
        const auto range = wantedRange(id);
        if (!(range.second > range.first))
            continue;
        const auto have = m_curveTheory.find(id);
        if (have != m_curveTheory.end() && have->second.from <= range.first * 1.001
            && have->second.to >= range.second / 1.001)
            continue;
        TheoryRequest r;
        r.config = theoryConfig(m_curveConfig.value(id, m_focus));
        r.curveId = id;
        // Curves only grow: a request never asks for less than what is drawn.
        r.from = have == m_curveTheory.end() ? range.first : std::min(range.first, have->second.from);
        r.to = have == m_curveTheory.end() ? range.second : std::max(range.second, have->second.to);
        enqueue(r);
    }
    dispatchTheory();
}

void Document::enqueue(const TheoryRequest& request)
{
    // Already asked for: the same point overlay, or the same curve over at least this range.
    auto sameAs = [&](const TheoryRequest& r) {
        if (!request.curveId.isEmpty())
            return r.curveId == request.curveId && r.from <= request.from && r.to >= request.to;
        return r.config == request.config;
    };
    if (m_theoryInFlight && sameAs(*m_theoryInFlight))
        return;
    for (const TheoryRequest& r : m_theoryQueue)
        if (sameAs(r))
            return;
    // A newer request for the same thing replaces a queued one.
    m_theoryQueue.erase(
        std::remove_if(m_theoryQueue.begin(), m_theoryQueue.end(),
            [&](const TheoryRequest& r) { return !request.curveId.isEmpty() && r.curveId == request.curveId; }),
        m_theoryQueue.end());
    m_theoryQueue.push_back(request);
}

void Document::dispatchTheory()
{
    if (m_theoryInFlight || m_theoryQueue.empty())
        return;
    TheoryRequest r = m_theoryQueue.front();
    m_theoryQueue.pop_front();
    try {
        r.config.problem.validate();
    } catch (const std::exception&) {
        dispatchTheory();  // the panel shows the error when the user runs it
        return;
    }
    m_theoryInFlight = r;
    m_theoryRunner->request(r.config, r.from, r.to, r.curveId.isEmpty() ? 0 : kCurvePoints);
}

void Document::storePointTheory(const TheoryOverlay& overlay)
{
    const QString key = theoryConfig(overlay.config).hash();
    if (m_pointTheory.contains(key))
        return;
    m_pointTheory.insert(key, overlay);
    m_pointOrder.push_back(key);
    while (int(m_pointOrder.size()) > kMaxPointOverlays) {
        m_pointTheory.remove(m_pointOrder.front());
        m_pointOrder.pop_front();
    }
}

void Document::storeCurveTheory(const QString& id, const TheoryOverlay& overlay)
{
    if (!(overlay.curveNEffMax > overlay.curveNEffMin))
        return;
    const auto have = m_curveTheory.find(id);
    // A curve only grows: a narrower answer (an older request) never replaces a wider one.
    if (have != m_curveTheory.end()
        && !(overlay.curveNEffMin <= have->second.from && overlay.curveNEffMax >= have->second.to))
        return;
    CurveTheory t;
    t.config = theoryConfig(overlay.config);
    t.from = overlay.curveNEffMin;
    t.to = overlay.curveNEffMax;
    t.nEff = overlay.curveNEff;
    t.risk = overlay.curveRisk;
    t.bayesNEff = overlay.curveBayesNEff;
    t.bayesRisk = overlay.curveBayesRisk;
    t.bayesRateOnly = overlay.curveBayesRateOnly;
    t.message = overlay.curveMessage;
    m_curveTheory[id] = t;
}

QJsonArray Document::theoryJson() const
{
    QJsonArray out;
    for (const QString& key : m_pointOrder)
        out.append(QJsonObject{{"point", theoryOverlayToJson(m_pointTheory.value(key))}});
    for (const auto& [id, theory] : m_curveTheory) {
        TheoryOverlay o;
        o.config = theory.config;
        o.configHash = theory.config.hash();
        o.curveNEffMin = theory.from;
        o.curveNEffMax = theory.to;
        o.curveNEff = theory.nEff;
        o.curveRisk = theory.risk;
        o.curveBayesNEff = theory.bayesNEff;
        o.curveBayesRisk = theory.bayesRisk;
        o.curveBayesRateOnly = theory.bayesRateOnly;
        o.curveMessage = theory.message;
        out.append(QJsonObject{{"curve", id}, {"overlay", theoryOverlayToJson(o)}});
    }
    return out;
}

void Document::loadTheoryJson(const QJsonArray& entries)
{
    for (const QJsonValue& v : entries) {
        const QJsonObject entry = v.toObject();
        if (entry.contains("point")) {
            if (const auto overlay = theoryOverlayFromJson(entry["point"].toObject()))
                storePointTheory(*overlay);
        } else if (const auto overlay = theoryOverlayFromJson(entry["overlay"].toObject())) {
            storeCurveTheory(entry["curve"].toString(), *overlay);
        }
    }
}

void Document::onOverlay(const TheoryOverlay& overlay)
{
    // Keyed by what it was computed for: it lands where that configuration's views are, whatever is shown now.
    QString curve;
    if (m_theoryInFlight && m_theoryInFlight->config.hash() == overlay.configHash) {
        curve = m_theoryInFlight->curveId;
        m_theoryInFlight.reset();
    }
    storePointTheory(overlay);
    if (!curve.isEmpty()) {
        storeCurveTheory(curve, overlay);
        if (m_shown.count(curve) || visibleIds().count(curve))
            refreshCurve(curve);
    }
    if (m_spectrum.hasConfig && theoryConfig(m_spectrum.config).hash() == theoryConfig(overlay.config).hash())
        refreshSpectrum();
    dispatchTheory();
}

// --- session ----------------------------------------------------------------------------------------------------

Session Document::toSession(const ExperimentConfig& parameters) const
{
    Session session;
    session.parameters = parameters;
    session.results = m_results;
    QJsonObject doc;
    if (m_liveResult) {
        doc["live_result"] = m_liveResult->toJson();
        doc["live_eigenvalues_shown"] = !m_liveEigenvalues.isEmpty();
    }
    doc["transport"] = QString::fromLatin1(toString(m_state));
    doc["status"] = QJsonObject{{"iteration", m_status.iteration}, {"loss", m_status.loss}, {"risk", m_status.risk},
        {"gap", m_status.gap}, {"transport", m_status.transport}, {"decomposition", m_status.decomposition}};
    doc["fit_window"] = QJsonObject{{"from", m_fitFrom}, {"to", m_fitTo}};
    doc["theory"] = theoryJson();
    QJsonArray kept;
    for (const RiskCurve& k : m_kept) {
        kept.append(k.toJson());
        session.keptCurves << k.name;
    }
    doc["kept"] = kept;
    QJsonArray sweepLambdas;
    for (auto it = m_sweepLambdas.cbegin(); it != m_sweepLambdas.cend(); ++it) {
        QJsonArray values;
        for (double v : *it)
            values.append(v);
        sweepLambdas.append(QJsonObject{{"family", it.key()}, {"lambdas", values}});
    }
    doc["sweep_lambdas"] = sweepLambdas;
    if (m_lastSweep)
        doc["last_sweep"] = m_lastSweep->toJson();
    session.document = doc;
    return session;
}

void Document::restore(const Session& session)
{
    m_liveRunner->cancel();
    m_sweepRunner->cancel();
    // Nothing of the running generation may land after this: a new generation number is taken by the next start,
    // and the state is not busy, so whatever the cancelled run still sends is dropped.
    ++m_generation;
    m_state = TransportState::Idle;
    m_resetPending = false;
    for (const auto& [id, c] : m_shown)
        emit curveRemoved(id);
    m_shown.clear();
    for (const RiskCurve& k : std::as_const(m_kept))
        emit curveRemoved(k.id);
    m_kept.clear();
    m_results.clear();
    m_byCurve.clear();
    m_sweepLambdas.clear();
    m_lastSweep.reset();
    m_liveConfig.reset();
    m_liveResult.reset();
    m_liveEigenvalues.clear();
    m_livePoint = LivePoint{};
    m_liveDecompositionNote.clear();

    const QJsonObject doc = session.document;
    loadTheoryJson(doc["theory"].toArray());
    const QJsonObject window = doc["fit_window"].toObject();
    m_fitFrom = window["from"].toDouble();
    m_fitTo = window["to"].toDouble();
    for (const QJsonValue& v : doc["sweep_lambdas"].toArray()) {
        std::set<double>& set = m_sweepLambdas[v.toObject()["family"].toString()];
        for (const QJsonValue& x : v.toObject()["lambdas"].toArray())
            set.insert(x.toDouble());
    }
    if (doc.contains("last_sweep"))
        if (const auto sweep = ExperimentConfig::fromJson(doc["last_sweep"].toObject()))
            m_lastSweep = *sweep;
    for (const RunResult& r : session.results) {
        m_results.push_back(r);
        const QString id = curveId(r.config, r.config.problem.weightDecay);
        m_byCurve[id].push_back(m_results.size() - 1);
        if (!m_curveConfig.contains(id)) {
            ExperimentConfig c = r.config;
            c.sweep = SweepSpec{};
            m_curveConfig.insert(id, c);
        }
    }
    if (doc.contains("live_result")) {
        if (const auto live = RunResult::fromJson(doc["live_result"].toObject())) {
            m_liveResult = *live;
            m_liveConfig = live->config;
            if (doc["live_eigenvalues_shown"].toBool(true))
                m_liveEigenvalues = live->eigenvalues;
            const double nEff = live->config.problem.nEff();
            m_livePoint.shown = live->status != sl::Status::Diverged && nEff > 0 && live->excessRisk > 0
                && std::isfinite(live->excessRisk);
            m_livePoint.nEff = nEff;
            m_livePoint.risk = live->excessRisk;
        }
    } else if (!session.results.isEmpty() && !doc.contains("status")) {
        // A session written before the document: show its last result's spectrum, as the run that made it.
        m_liveResult = session.results.back();
        m_liveConfig = m_liveResult->config;
        m_liveEigenvalues = m_liveResult->eigenvalues;
    }
    const QJsonObject status = doc["status"].toObject();
    if (!status.isEmpty()) {
        m_status.iteration = status["iteration"].toString();
        m_status.loss = status["loss"].toString();
        m_status.risk = status["risk"].toString();
        m_status.gap = status["gap"].toString();
        m_status.transport = status["transport"].toString();
        m_status.decomposition = status["decomposition"].toString(tr("decomposition –"));
        const QString state = doc["transport"].toString();
        // A session saved mid-run reopens idle: nothing runs until the user asks.
        m_state = state == QLatin1String("finished") ? TransportState::Finished
            : state == QLatin1String("failed")       ? TransportState::Failed
                                                     : TransportState::Idle;
        if (state != QLatin1String("finished") && state != QLatin1String("failed") && state != QLatin1String("idle"))
            m_status.transport = tr("Idle (the session was saved during a run)");
    } else if (m_liveResult) {
        m_status.iteration
            = tr("iteration %1 (%2)").arg(m_liveResult->iterations).arg(sl::toString(m_liveResult->status));
        m_status.loss = tr("loss %1").arg(formatNumber(m_liveResult->trainLoss));
        m_status.risk = tr("excess risk %1").arg(formatNumber(m_liveResult->excessRisk));
        m_status.gap = m_liveResult->convexGap.computed
            ? tr("convex gap %1 (this run's certificate)")
                  .arg(formatNumber(m_liveResult->convexGap.relativeObjectiveGap))
            : tr("convex gap – (no certificate)");
        m_status.transport = tr("Finished: %1").arg(sl::toString(m_liveResult->status));
        m_status.decomposition = decompositionStatus(*m_liveResult);
        m_state = TransportState::Finished;
    } else {
        m_status = LiveStatus{tr("iteration –"), tr("loss –"), tr("excess risk –"), tr("convex gap –"),
            describe(m_state), tr("decomposition –")};
    }
    for (const QJsonValue& v : doc["kept"].toArray())
        m_kept.push_back(RiskCurve::fromJson(v.toObject()));
    m_keptGeneration = m_kept.size();

    ExperimentConfig focus = session.parameters;
    focus.sweep = SweepSpec{};
    m_focus = focus;
    m_hasFocus = true;
    if (!m_curveConfig.contains(curveId(focus, focus.problem.weightDecay)))
        m_curveConfig.insert(curveId(focus, focus.problem.weightDecay), focus);
    emit transportChanged(m_state);
    emit statusChanged();
    emit livePointChanged();
    refreshCurves();
    for (const RiskCurve& k : std::as_const(m_kept))
        emit curveChanged(k.id);
    refreshSpectrum();
    requestTheory();
}

}  // namespace sl::app
