// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli curve: excess risk against n (or n_eff) averaged over seeds, its fitted log-log slope, the
// state-evolution curve (docs/theory/state-evolution.md §9) and the phase's predicted slope
// (docs/theory/phase-diagram.md §5) for the same set-up.
#include "app/analysis/curve_aggregate.h"
#include "app/analysis/curve_analysis.h"
#include "app/cli/cli.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/curve_command.h"
#include "app/cli/experiment_output.h"
#include "app/cli/problem_options.h"
#include "core/theory/state_evolution_curve.h"

#include <QJsonDocument>

#include <cmath>
#include <limits>
#include <map>

namespace sl::cli {

namespace {

// Mean and standard error of the finite values (NaN mean when there are none).
struct MeanError {
    double mean = std::nan("");
    double stderr_ = std::nan("");
    int count = 0;
};
MeanError meanError(const std::vector<double>& values)
{
    MeanError out;
    double sum = 0, sumSq = 0;
    for (double v : values) {
        if (std::isfinite(v)) {
            sum += v;
            sumSq += v * v;
            ++out.count;
        }
    }
    if (out.count > 0)
        out.mean = sum / out.count;
    if (out.count > 1)
        out.stderr_ = std::sqrt(
            std::max(sumSq / out.count - out.mean * out.mean, 0.0) * out.count / (out.count - 1) / out.count);
    return out;
}

// Per-point decomposition (docs/theory/decomposition.md §6): the seed means of the measured terms with their
// standard errors, the pruned risk, and the seed means of the state evolution's predictions.
QJsonObject decompositionAtPoint(const QVector<sl::app::RunResult>& runs, bool decompose, bool prune)
{
    std::vector<double> over, under, approx, pruned, pOver, pUnder, pApprox, pRisk, pPruned, aOver, aUnder, aApprox;
    for (const sl::app::RunResult& r : runs) {
        const sl::app::DecompositionSummary& d = r.decomposition;
        if (d.computed) {
            over.push_back(d.measured.overfitting);
            under.push_back(d.measured.underfitting);
            approx.push_back(d.measured.approximation);
            pruned.push_back(d.prunedExcessRisk);
        }
        if (d.predictedComputed) {
            pOver.push_back(d.predicted.overfitting);
            pUnder.push_back(d.predicted.underfitting);
            pApprox.push_back(d.predicted.approximation);
            pRisk.push_back(d.predictedExcessRisk);
            pPruned.push_back(d.predictedPrunedExcessRisk);
            aOver.push_back(d.asymptotic.overfitting);
            aUnder.push_back(d.asymptotic.underfitting);
            aApprox.push_back(d.asymptotic.approximation);
        }
    }
    QJsonObject out, se{{"excess_risk", jsonNumber(meanError(pRisk).mean)}};
    auto put = [](QJsonObject& o, const char* key, const std::vector<double>& v, bool withError) {
        const MeanError m = meanError(v);
        o.insert(QLatin1String(key), jsonNumber(m.mean));
        if (withError)
            o.insert(QLatin1String(key) + QStringLiteral("_stderr"), jsonNumber(m.stderr_));
    };
    if (decompose) {
        put(out, "overfitting", over, true);
        put(out, "underfitting", under, true);
        put(out, "approximation", approx, true);
        put(se, "overfitting", pOver, false);
        put(se, "underfitting", pUnder, false);
        put(se, "approximation", pApprox, false);
        QJsonObject asymptotic;
        put(asymptotic, "overfitting", aOver, false);
        put(asymptotic, "underfitting", aUnder, false);
        put(asymptotic, "approximation", aApprox, false);
        se.insert(QStringLiteral("asymptotic"), asymptotic);
    }
    if (prune) {
        put(out, "pruned_excess_risk", pruned, true);
        put(se, "pruned_excess_risk", pPruned, false);
    }
    out.insert(QStringLiteral("state_evolution"), se);
    return out;
}

}  // namespace

void addCurveGridOptions(Options& o)
{
    o.value(QStringLiteral("samples-from"), QStringLiteral("N"), QStringLiteral("Smallest n."));
    o.value(QStringLiteral("samples-to"), QStringLiteral("N"), QStringLiteral("Largest n."));
    o.value(QStringLiteral("n-eff-from"), QStringLiteral("X"), QStringLiteral("Smallest n_eff (instead of n)."));
    o.value(QStringLiteral("n-eff-to"), QStringLiteral("X"), QStringLiteral("Largest n_eff."));
    o.value(QStringLiteral("points"), QStringLiteral("K"), QStringLiteral("Grid points (default 6)."));
    o.flag(QStringLiteral("linear"), QStringLiteral("Linear instead of log spacing."));
    o.value(QStringLiteral("seeds"), QStringLiteral("S"),
        QStringLiteral("Seeds per point: seed, seed+1, ... (default 3)."));
    o.value(QStringLiteral("threads"), QStringLiteral("T"), QStringLiteral("Worker threads (default: all cores)."));
    o.flag(QStringLiteral("no-theory"), QStringLiteral("Skip the state-evolution curve."));
    o.value(
        QStringLiteral("se-samples"), QStringLiteral("K"), QStringLiteral("Quadratic SE: GOE samples (default 32)."));
}

CurveComputation computeCurve(const Options& o)
{
    const bool bySamples = o.has(QStringLiteral("samples-from")) || o.has(QStringLiteral("samples-to"));
    const bool byNEff = o.has(QStringLiteral("n-eff-from")) || o.has(QStringLiteral("n-eff-to"));
    if (bySamples && byNEff)
        throw UsageError{QStringLiteral("give either --samples-from/--samples-to or --n-eff-from/--n-eff-to")};
    if (!bySamples && !byNEff)
        throw UsageError{QStringLiteral("needs --samples-from and --samples-to (or --n-eff-from and --n-eff-to)")};
    const QString fromKey = bySamples ? QStringLiteral("samples-from") : QStringLiteral("n-eff-from");
    const QString toKey = bySamples ? QStringLiteral("samples-to") : QStringLiteral("n-eff-to");
    if (!o.has(fromKey) || !o.has(toKey))
        throw UsageError{QStringLiteral("needs both --%1 and --%2").arg(fromKey, toKey)};
    const double from
        = bySamples ? double(o.integer(fromKey, 0, 1, 1000000000000LL)) : o.number(fromKey, 0, 1e-300, 1e15);
    const double to = bySamples ? double(o.integer(toKey, 0, 1, 1000000000000LL)) : o.number(toKey, 0, 1e-300, 1e15);
    if (to < from)
        throw UsageError{QStringLiteral("--%1 must be >= --%2").arg(toKey, fromKey)};
    const int points = int(o.integer(QStringLiteral("points"), 6, 1, 10000));
    const int seeds = int(o.integer(QStringLiteral("seeds"), 3, 1, 100000));

    // The curve is one experiment with a sweep, so it expands to points exactly as the GUI's and `sweep`'s do.
    QJsonObject base;
    if (o.has(QStringLiteral("config"))) {
        QJsonParseError error;
        const QByteArray text = readTextFile(o.text(QStringLiteral("config")));
        const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            throw UsageError{QStringLiteral("%1: not a JSON object").arg(o.text(QStringLiteral("config")))};
        base = doc.object();
    }
    QJsonObject json = experimentJson(o, base);
    json[QStringLiteral("seeds")] = seeds;
    json[QStringLiteral("sweep")] = QJsonObject{{bySamples ? QStringLiteral("n") : QStringLiteral("n_eff"),
        QJsonObject{{QStringLiteral("from"), from}, {QStringLiteral("to"), to}, {QStringLiteral("points"), points},
            {QStringLiteral("log"), !o.has(QStringLiteral("linear"))}}}};
    sl::app::ConfigError error;
    const auto config = sl::app::ExperimentConfig::fromJson(json, &error);
    if (!config)
        throw UsageError{error.text()};
    const sl::ProblemConfig& problem = config->problem;
    const sl::ModelKind model = problem.model;
    const int threads = int(o.integer(QStringLiteral("threads"), 0, 0, 4096));

    QString storeError;
    const QVector<sl::app::RunResult> results
        = runPoints(o, config->points(), threads, o.storePath(), QStringLiteral("curve"), false, nullptr, &storeError);
    const bool cancelled = interruptToken().isCancelled();

    // Aggregate over seeds, per n, with the GUI's aggregation (app/analysis): only converged runs with a finite
    // excess risk are averaged; any other run is left out and counted as failed at its n.
    const std::vector<sl::app::AggregatePoint> aggregated = sl::app::aggregateBySamples(sl::app::riskSamples(results));
    std::map<long long, int> failed;
    for (const long long n : config->sampleGrid())
        failed[n] = 0;
    int leftOut = 0;
    for (const sl::app::AggregatePoint& a : aggregated) {
        failed[a.samples] += a.leftOut;
        leftOut += a.leftOut;
    }
    // One point per grid n (increasing), also where no run finished (count 0, mean NaN).
    std::vector<sl::app::AggregatePoint> summary;
    for (const auto& [n, failures] : failed) {
        sl::app::AggregatePoint point;
        sl::ProblemConfig atN = problem;
        atN.samples = n;
        point.samples = n;
        point.nEff = atN.nEff();  // docs/theory/models.md §5
        point.weightDecay = problem.weightDecay;
        for (const sl::app::AggregatePoint& a : aggregated) {
            if (a.samples == n)
                point = a;
        }
        summary.push_back(point);
    }

    // Theory at the same n_eff values.
    std::vector<double> theory(summary.size(), std::nan(""));
    QString theoryNote;
    if (!o.has(QStringLiteral("no-theory")) && !cancelled) {
        if (model == sl::ModelKind::Quadratic && problem.weightDecay <= 0) {
            theoryNote = QStringLiteral("the quadratic state evolution needs λ > 0");
        } else {
            // The window's risk curve takes its state evolution from the same place (app/analysis).
            sl::StateEvolutionCurveConfig se = sl::app::stateEvolutionCurveConfig(
                problem, int(o.integer(QStringLiteral("se-samples"), 32, 1, 10000)));
            for (const sl::app::AggregatePoint& s : summary)
                se.nEffValues.push_back(s.nEff);
            const sl::StateEvolutionCurveResult r = sl::StateEvolutionCurve(se).run({}, interruptToken());
            for (size_t i = 0; i < r.points.size() && i < theory.size(); ++i) {
                if (r.points[i].status == sl::Status::Converged)
                    theory[i] = r.points[i].excessRisk;
            }
            theoryNote = sl::app::stateEvolutionNote(problem);
        }
    }

    // The slope over every point and the prediction of the phases that range crosses: the analysis the window's
    // risk plot shows (app/analysis analyseCurve), with no window bounds.
    const sl::app::CurveAnalysis analysis
        = sl::app::analyseCurve(problem, problem.weightDecay, summary, 0.0, std::numeric_limits<double>::infinity());
    const sl::app::SlopeFit& fit = analysis.fit;
    QJsonValue phase, predicted;
    QJsonArray phases;
    if (analysis.predicted.ok) {
        phase = analysis.predicted.phaseText();
        predicted = analysis.predicted.slope;
        for (const sl::app::PhaseSegment& segment : analysis.predicted.phases)
            phases.append(QJsonObject{{QStringLiteral("phase"), segment.label},
                {QStringLiteral("n_eff_from"), segment.nEffFrom}, {QStringLiteral("n_eff_to"), segment.nEffTo},
                {QStringLiteral("exponent_n"), segment.exponentN}, {QStringLiteral("inferred"), segment.inferred}});
    }

    QJsonArray pointsJson;
    QList<QStringList> rows{{QStringLiteral("n"), QStringLiteral("n_eff"), QStringLiteral("runs"),
        QStringLiteral("mean"), QStringLiteral("stderr"), QStringLiteral("theory")}};
    const bool decompose = config->decompose, prune = config->prune;
    if (decompose)
        rows.front() << QStringLiteral("over") << QStringLiteral("under") << QStringLiteral("approx")
                     << QStringLiteral("SE over") << QStringLiteral("SE under") << QStringLiteral("SE approx");
    if (prune)
        rows.front() << QStringLiteral("pruned") << QStringLiteral("SE pruned");
    for (size_t i = 0; i < summary.size(); ++i) {
        const sl::app::AggregatePoint& s = summary[i];
        const int failures = failed[s.samples];
        QJsonObject point{{QStringLiteral("samples"), double(s.samples)}, {QStringLiteral("n_eff"), s.nEff},
            {QStringLiteral("mean"), jsonNumber(s.mean)}, {QStringLiteral("stderr"), jsonNumber(s.standardError)},
            {QStringLiteral("theory"), jsonNumber(theory[i])}, {QStringLiteral("runs"), s.count},
            {QStringLiteral("failed"), failures}};
        QStringList row{QString::number(s.samples), formatNumber(s.nEff, 5), QString::number(s.count),
            formatNumber(s.mean), formatNumber(s.standardError, 3), formatNumber(theory[i])};
        if (decompose || prune) {
            QVector<sl::app::RunResult> atN;
            for (const sl::app::RunResult& r : results) {
                if (r.config.problem.samples == s.samples && r.status == sl::Status::Converged)
                    atN.append(r);
            }
            const QJsonObject dec = decompositionAtPoint(atN, decompose, prune);
            for (auto it = dec.begin(); it != dec.end(); ++it)
                point.insert(it.key(), it.value());
            const QJsonObject se = dec.value(QStringLiteral("state_evolution")).toObject();
            auto cell = [](const QJsonObject& o, const char* key) {
                return formatNumber(o.value(QLatin1String(key)).toDouble(std::nan("")), 4);
            };
            if (decompose)
                row << cell(dec, "overfitting") << cell(dec, "underfitting") << cell(dec, "approximation")
                    << cell(se, "overfitting") << cell(se, "underfitting") << cell(se, "approximation");
            if (prune)
                row << cell(dec, "pruned_excess_risk") << cell(se, "pruned_excess_risk");
        }
        pointsJson.append(point);
        rows.append(row);
    }
    QJsonObject out;
    out[QStringLiteral("config")] = config->toJson();
    out[QStringLiteral("points")] = pointsJson;
    out[QStringLiteral("fit")] = QJsonObject{{QStringLiteral("slope"), jsonNumber(fit.slope)},
        {QStringLiteral("slope_low"), jsonNumber(fit.low)}, {QStringLiteral("slope_high"), jsonNumber(fit.high)},
        {QStringLiteral("intercept"), jsonNumber(fit.intercept)}, {QStringLiteral("points_used"), fit.points}};
    out[QStringLiteral("predicted_slope")] = predicted.isUndefined() ? QJsonValue(QJsonValue::Null) : predicted;
    out[QStringLiteral("phase")] = phase.isUndefined() ? QJsonValue(QJsonValue::Null) : phase;
    out[QStringLiteral("phases")] = phases;
    out[QStringLiteral("predicted_slope_inferred")] = analysis.predicted.inferred;
    out[QStringLiteral("theory_note")] = theoryNote;
    out[QStringLiteral("cancelled")] = cancelled;
    QString human = formatTable(rows)
        + formatPairs({
            {QStringLiteral("fitted slope"),
                QStringLiteral("%1 [%2, %3] (95%, %4 points)")
                    .arg(formatNumber(fit.slope, 4), formatNumber(fit.low, 4), formatNumber(fit.high, 4))
                    .arg(fit.points)},
            {QStringLiteral("predicted slope"),
                predicted.isUndefined() ? QStringLiteral("-") : formatNumber(predicted.toDouble(), 4)},
            {QStringLiteral("phases crossed"), phase.isUndefined() ? QStringLiteral("-") : phase.toString()},
            {QStringLiteral("theory"), theoryNote},
        });
    if (leftOut > 0)
        human += sl::app::leftOutNote(leftOut, int(results.size()), QStringLiteral("runs"))
            + QStringLiteral(" (left out of the means)\n");
    if (cancelled)
        human += QStringLiteral("interrupted: only the finished runs are included\n");
    CurveComputation result{out, human, kSuccess, storeError};
    for (const sl::app::AggregatePoint& s : summary) {
        if (s.count == 0)
            result.exitCode = kRunFailed;
    }
    if (cancelled)
        result.exitCode = kRunFailed;
    return result;
}

int runCurve(const QStringList& arguments)
{
    // `curve --over lambda` is the λ curve at fixed n (command_lambda_curve.cpp); `--over n` is this command.
    for (int i = 0; i < arguments.size(); ++i) {
        const QString& a = arguments[i];
        QString over;
        if (a == QLatin1String("--over") && i + 1 < arguments.size())
            over = arguments[i + 1];
        else if (a.startsWith(QLatin1String("--over=")))
            over = a.mid(7);
        else
            continue;
        QStringList rest = arguments;
        rest.removeAt(i);
        if (!a.contains(QLatin1Char('=')))
            rest.removeAt(i);
        if (over == QLatin1String("lambda"))
            return runLambdaCurve(rest);
        if (over != QLatin1String("n") && over != QLatin1String("n-eff"))
            throw UsageError{QStringLiteral("--over: expected n, n-eff or lambda (got \"%1\")").arg(over)};
        return runCurve(rest);
    }
    Options o(QStringLiteral("curve"),
        QStringLiteral("--samples-from N --samples-to N --points K | --n-eff-from X --n-eff-to X --points K [options]"),
        QStringLiteral(
            "Excess risk against n on a log grid (integers, duplicates removed), each point over --seeds seeds:\n"
            "mean and standard error, the least-squares slope of log mean against log n_eff with its 95% interval,\n"
            "the state-evolution prediction at every point and the predicted slope of the phases the grid crosses\n"
            "(the chord of their power laws; inferred when it crosses a border). Points run in parallel on all\n"
            "cores (--threads). `--over lambda` gives the risk against λ at fixed n instead (see lambda-curve\n"
            "--help)."));
    o.value(QStringLiteral("over"), QStringLiteral("n|lambda"), QStringLiteral("The swept variable (default n)."));
    o.value(QStringLiteral("config"), QStringLiteral("FILE"), QStringLiteral("Base experiment JSON."));
    addProblemOptions(o, false);
    addSolverOptions(o);
    addCurveGridOptions(o);
    o.parse(arguments);
    if (o.helpRequested()) {
        writeOutput(o, o.helpText().toUtf8());
        return kSuccess;
    }
    o.requirePositional(0, QString());
    const CurveComputation curve = computeCurve(o);
    present(o, curve.json, curve.human);
    if (!curve.storeError.isEmpty())
        throw RunError{
            QStringLiteral("saving to the store failed (the curve was still written out): %1").arg(curve.storeError)};
    return curve.exitCode;
}

}  // namespace sl::cli
