// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/experiment/run_result.h"

#include <QJsonArray>

#include <climits>
#include <cmath>

namespace sl::app {
namespace {

// JSON has no NaN: a number that does not apply is null, and null reads back as NaN.
QJsonValue number(double x)
{
    return std::isfinite(x) ? QJsonValue(x) : QJsonValue();
}

struct Reader {
    const QJsonObject& json;
    QString* error;
    bool ok = true;

    double number(const QString& key)
    {
        const QJsonValue v = json.value(key);
        if (v.isNull())
            return kNaN;
        if (!v.isDouble())
            return fail(key, "a number or null"), kNaN;
        return v.toDouble();
    }
    // A whole number in [0, max]: converting an arbitrary double (NaN, 1e300) to an integer is undefined
    // behaviour, found by fuzzing a session file (fuzz/fuzz_session.cpp).
    double integer(const QString& key, double max)
    {
        const QJsonValue v = json.value(key);
        const double x = v.toDouble(kNaN);
        if (!v.isDouble() || !(x >= 0 && x <= max) || x != std::floor(x))
            return fail(key, "a whole number >= 0"), 0.0;
        return x;
    }
    QString string(const QString& key)
    {
        const QJsonValue v = json.value(key);
        if (!v.isString())
            return fail(key, "a string"), QString();
        return v.toString();
    }
    void fail(const QString& key, const char* expected)
    {
        if (ok && error)
            *error = QStringLiteral("%1: expected %2").arg(key, QLatin1String(expected));
        ok = false;
    }
};

}  // namespace

namespace {

void insertTerms(QJsonObject& json, const ErrorTermsSummary& t)
{
    json.insert(QStringLiteral("overfitting"), number(t.overfitting));
    json.insert(QStringLiteral("underfitting"), number(t.underfitting));
    json.insert(QStringLiteral("approximation"), number(t.approximation));
}

ErrorTermsSummary readTerms(Reader& in)
{
    ErrorTermsSummary t;
    t.overfitting = in.number(QStringLiteral("overfitting"));
    t.underfitting = in.number(QStringLiteral("underfitting"));
    t.approximation = in.number(QStringLiteral("approximation"));
    return t;
}

// docs/theory/decomposition.md §6: the measured terms at the top level (the keys the issue names), the pruned risk,
// the state evolution's prediction under "state_evolution", and how the split was made under "decomposition".
void insertDecomposition(QJsonObject& json, const DecompositionSummary& d, bool decompose, bool prune)
{
    if (decompose)
        insertTerms(json, d.measured);
    if (prune)
        json.insert(QStringLiteral("pruned_excess_risk"), number(d.prunedExcessRisk));
    QJsonObject se{{"computed", d.predictedComputed}, {"message", d.predictedMessage},
        {"excess_risk", number(d.predictedExcessRisk)}, {"delta", number(d.delta)}, {"threshold", number(d.threshold)},
        {"bulk_edge", number(d.predictedBulkEdge)}, {"spikes", number(d.predictedSpikes)}};
    if (decompose) {
        insertTerms(se, d.predicted);
        QJsonObject asymptotic{{"bulk_edge", number(d.asymptoticEdge)}, {"spikes", d.asymptoticSpikes}};
        insertTerms(asymptotic, d.asymptotic);
        se.insert(QStringLiteral("asymptotic"), asymptotic);
    }
    if (prune)
        se.insert(QStringLiteral("pruned_excess_risk"), number(d.predictedPrunedExcessRisk));
    json.insert(QStringLiteral("state_evolution"), se);
    json.insert(QStringLiteral("decomposition"),
        QJsonObject{{"computed", d.computed}, {"message", d.message}, {"bulk_edge", number(d.bulkEdge)},
            {"spikes", d.spikes}, {"bulk_edge_inferred", true}});
}

}  // namespace

QJsonObject RunResult::toJson() const
{
    QJsonArray spectrum;
    for (double x : eigenvalues)
        spectrum.append(number(x));
    QJsonValue gap;
    if (convexGap.computed)
        gap = QJsonObject{{"relative_objective_gap", number(convexGap.relativeObjectiveGap)},
            {"solution_distance", number(convexGap.solutionDistance)}};
    QJsonValue tail;
    if (tailFit.computed)
        tail = QJsonObject{{"alpha", number(tailFit.alpha)}, {"sigma", number(tailFit.sigma)},
            {"xmin", number(tailFit.xmin)}, {"ks", number(tailFit.ks)}, {"n_tail", tailFit.nTail},
            {"status", tailFit.status}, {"message", tailFit.message}, {"n_zero", tailFit.nZero},
            {"zero_threshold", number(tailFit.zeroThreshold)}, {"bulk_edge", number(tailFit.bulkEdge)},
            {"above_bulk_edge", tailFit.aboveBulkEdge}};
    QJsonObject json{
        {"config", config.toJson()},
        {"config_hash", configHash},
        {"status", QLatin1String(sl::toString(status))},
        {"message", message},
        {"stop_reason", stopReason},
        {"iterations", iterations},
        {"train_loss", number(trainLoss)},
        {"objective", number(objective)},
        {"excess_risk", number(excessRisk)},
        {"matrix_mse", number(matrixMse)},
        {"gradient_norm", number(gradientNorm)},
        {"n_eff", number(nEff)},
        {"convex_gap", gap},
        {"eigenvalues", spectrum},
        {"tail_fit", tail},
        {"phase", phase.isEmpty() ? QJsonValue() : QJsonValue(phase)},
        {"phase_inferred", phaseInferred},
        {"duration_ms", double(durationMs)},
        {"software_version", softwareVersion},
    };
    if (config.decompose || config.prune)
        insertDecomposition(json, decomposition, config.decompose, config.prune);
    return json;
}

std::optional<RunResult> RunResult::fromJson(const QJsonObject& json, QString* error)
{
    RunResult r;
    ConfigError configError;
    const auto config = ExperimentConfig::fromJson(json.value(QStringLiteral("config")).toObject(), &configError);
    if (!config) {
        if (error)
            *error = QStringLiteral("config.") + configError.text();
        return std::nullopt;
    }
    r.config = *config;
    Reader in{json, error};
    r.configHash = in.string(QStringLiteral("config_hash"));
    const QString status = in.string(QStringLiteral("status"));
    if (in.ok && !sl::statusFromString(status.toStdString(), r.status))
        in.fail(QStringLiteral("status"), "a known status (converged, max-iterations, ...)");
    r.message = in.string(QStringLiteral("message"));
    r.stopReason = json.value(QStringLiteral("stop_reason")).toString();
    r.iterations = int(in.integer(QStringLiteral("iterations"), INT_MAX));
    r.trainLoss = in.number(QStringLiteral("train_loss"));
    r.objective = in.number(QStringLiteral("objective"));
    r.excessRisk = in.number(QStringLiteral("excess_risk"));
    r.matrixMse = in.number(QStringLiteral("matrix_mse"));
    r.gradientNorm = in.number(QStringLiteral("gradient_norm"));
    r.nEff = in.number(QStringLiteral("n_eff"));
    const QJsonValue gap = json.value(QStringLiteral("convex_gap"));
    if (gap.isObject()) {
        const QJsonObject g = gap.toObject();
        Reader gin{g, error};
        r.convexGap.computed = true;
        r.convexGap.relativeObjectiveGap = gin.number(QStringLiteral("relative_objective_gap"));
        r.convexGap.solutionDistance = gin.number(QStringLiteral("solution_distance"));
        in.ok = in.ok && gin.ok;
    } else if (!gap.isNull() && !gap.isUndefined()) {
        in.fail(QStringLiteral("convex_gap"), "an object or null");
    }
    const QJsonValue spectrum = json.value(QStringLiteral("eigenvalues"));
    if (!spectrum.isArray())
        in.fail(QStringLiteral("eigenvalues"), "a list of numbers");
    for (const QJsonValue& v : spectrum.toArray())
        r.eigenvalues.append(v.isDouble() ? v.toDouble() : kNaN);
    const QJsonValue tail = json.value(QStringLiteral("tail_fit"));
    if (tail.isObject()) {
        const QJsonObject t = tail.toObject();
        Reader tin{t, error};
        r.tailFit.computed = true;
        r.tailFit.alpha = tin.number(QStringLiteral("alpha"));
        r.tailFit.sigma = tin.number(QStringLiteral("sigma"));
        r.tailFit.xmin = tin.number(QStringLiteral("xmin"));
        r.tailFit.ks = tin.number(QStringLiteral("ks"));
        r.tailFit.nTail = int(tin.integer(QStringLiteral("n_tail"), INT_MAX));
        r.tailFit.status = tin.string(QStringLiteral("status"));
        r.tailFit.message = t.value(QStringLiteral("message")).toString();
        r.tailFit.nZero = t.value(QStringLiteral("n_zero")).toInt(0);
        r.tailFit.zeroThreshold = t.value(QStringLiteral("zero_threshold")).toDouble(kNaN);
        r.tailFit.bulkEdge = t.value(QStringLiteral("bulk_edge")).toDouble(kNaN);
        r.tailFit.aboveBulkEdge = t.value(QStringLiteral("above_bulk_edge")).toBool(false);
        in.ok = in.ok && tin.ok;
    } else if (!tail.isNull() && !tail.isUndefined()) {
        in.fail(QStringLiteral("tail_fit"), "an object or null");
    }
    r.phase = json.value(QStringLiteral("phase")).toString();
    r.phaseInferred = json.value(QStringLiteral("phase_inferred")).toBool();
    r.durationMs = qint64(in.integer(QStringLiteral("duration_ms"), 9007199254740992.0));
    r.softwareVersion = in.string(QStringLiteral("software_version"));
    if (r.config.decompose || r.config.prune) {
        DecompositionSummary& d = r.decomposition;
        d.requested = true;
        if (r.config.decompose)
            d.measured = readTerms(in);
        if (r.config.prune)
            d.prunedExcessRisk = in.number(QStringLiteral("pruned_excess_risk"));
        const QJsonObject meta = json.value(QStringLiteral("decomposition")).toObject();
        Reader metaIn{meta, error};
        d.computed = meta.value(QStringLiteral("computed")).toBool();
        d.message = meta.value(QStringLiteral("message")).toString();
        d.bulkEdge = metaIn.number(QStringLiteral("bulk_edge"));
        d.spikes = meta.value(QStringLiteral("spikes")).toInt();
        const QJsonObject se = json.value(QStringLiteral("state_evolution")).toObject();
        Reader sin{se, error};
        d.predictedComputed = se.value(QStringLiteral("computed")).toBool();
        d.predictedMessage = se.value(QStringLiteral("message")).toString();
        d.predictedExcessRisk = sin.number(QStringLiteral("excess_risk"));
        d.delta = sin.number(QStringLiteral("delta"));
        d.threshold = sin.number(QStringLiteral("threshold"));
        d.predictedBulkEdge = sin.number(QStringLiteral("bulk_edge"));
        d.predictedSpikes = sin.number(QStringLiteral("spikes"));
        if (r.config.decompose) {
            d.predicted = readTerms(sin);
            const QJsonObject a = se.value(QStringLiteral("asymptotic")).toObject();
            Reader ain{a, error};
            d.asymptotic = readTerms(ain);
            d.asymptoticEdge = ain.number(QStringLiteral("bulk_edge"));
            d.asymptoticSpikes = a.value(QStringLiteral("spikes")).toInt();
            in.ok = in.ok && ain.ok;
        }
        if (r.config.prune)
            d.predictedPrunedExcessRisk = sin.number(QStringLiteral("pruned_excess_risk"));
        in.ok = in.ok && metaIn.ok && sin.ok;
    }
    if (!in.ok)
        return std::nullopt;
    return r;
}

}  // namespace sl::app
