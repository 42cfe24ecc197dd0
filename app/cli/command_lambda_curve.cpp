// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli lambda-curve (also `curve --over lambda`): excess risk against λ at fixed n_eff, trained over seeds
// and from the state evolution, with the SE's optimal λ and the phases crossed; and scalinglab-cli optimal-curve:
// the SE risk with λ re-optimised at every n_eff next to the Bayes-optimal risk (Corollary 1 of arXiv:2509.24882).
// Theory: docs/theory/noiseless-and-lambda.md §3, §4.
#include "app/analysis/curve_aggregate.h"
#include "app/cli/cli.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/experiment_output.h"
#include "app/cli/problem_options.h"
#include "app/runner/lambda_training.h"
#include "core/theory/bayes_optimal.h"
#include "core/theory/lambda_curve.h"

#include <cmath>
#include <limits>

namespace sl::cli {
namespace {

// The SE model matching an experiment's problem: Gaussian diagonal amplitudes are averaged over in closed form
// (variance profile d·i^(−2γ)), deterministic ones used as they are.
sl::StateEvolutionModel stateEvolutionModel(const sl::ProblemConfig& problem, const Options& o)
{
    sl::StateEvolutionModel m;
    m.model = problem.model;
    m.d = problem.dimension;
    m.gamma = problem.gamma;
    m.noise = problem.noise;
    if (problem.model == sl::ModelKind::Diagonal && problem.amplitudes == sl::TeacherAmplitudes::Gaussian)
        m.lassoMode = sl::LassoTeacherMode::VarianceProfile;
    m.samples = int(o.integer(QStringLiteral("se-samples"), m.samples, 1, 10000));
    return m;
}

QString teacherNote(const sl::StateEvolutionModel& m)
{
    if (m.model == sl::ModelKind::Quadratic)
        return QStringLiteral("matrix SE, %1 GOE samples; excess risk = 2·E_mat").arg(m.samples);
    return m.lassoMode == sl::LassoTeacherMode::VarianceProfile
        ? QStringLiteral("LASSO SE averaged over θ*_i ~ N(0, d·i^(−2γ))")
        : QStringLiteral("LASSO SE, deterministic amplitudes √d·i^(−γ) (inferred)");
}

// The Bayes-optimal risk of the diagonal model at n_eff (NaN for the quadratic model or on failure).
sl::BayesOptimalResult bayesOptimal(const sl::StateEvolutionModel& m, double nEff)
{
    return sl::solveBayesOptimal(sl::bayesOptimalConfigFor(m, nEff), interruptToken());
}

void addOptimalLambdaJson(QJsonObject& out, const sl::OptimalLambdaResult& opt)
{
    out[QStringLiteral("optimal_lambda")] = opt.ok() ? jsonNumber(opt.lambda) : QJsonValue(QJsonValue::Null);
    out[QStringLiteral("optimal_lambda_excess_risk")] = opt.ok() ? jsonNumber(opt.risk) : QJsonValue(QJsonValue::Null);
    out[QStringLiteral("optimal_lambda_bracketed")] = opt.ok();
    out[QStringLiteral("optimal_lambda_boundary")] = opt.boundary;
    out[QStringLiteral("optimal_lambda_note")] = QString::fromStdString(opt.message);
    if (opt.boundary != 0) {
        out[QStringLiteral("optimal_lambda_bound")] = jsonNumber(opt.lambda);
        out[QStringLiteral("excess_risk_at_bound")] = jsonNumber(opt.risk);
    }
}

}  // namespace

int runLambdaCurve(const QStringList& arguments)
{
    Options o(QStringLiteral("lambda-curve"),
        QStringLiteral("--samples N | --n-eff X [--lambda-from L --lambda-to L --points K] [options]"),
        QStringLiteral(
            "Excess risk against λ at fixed n (log-log; `curve --over lambda` is the same command): trained points\n"
            "over --seeds seeds (mean, standard error) and the state-evolution curve, with the SE's optimal λ\n"
            "(bracketed Brent minimisation in log λ), the closed-form phase and λ-exponent at every λ (2 − 1/γ in II,\n"
            "2 in III, −2/3 at the peak V) and the SE slope fitted over each phase crossed. The diagonal model also\n"
            "gets its Bayes-optimal risk. Default λ grid: 1/d to 10·d, 12 points. Theory:\n"
            "docs/theory/noiseless-and-lambda.md §3."));
    o.value(QStringLiteral("config"), QStringLiteral("FILE"), QStringLiteral("Base experiment JSON."));
    addProblemOptions(o, true);
    addSolverOptions(o);
    o.value(QStringLiteral("lambda-from"), QStringLiteral("L"), QStringLiteral("Smallest λ (> 0)."));
    o.value(QStringLiteral("lambda-to"), QStringLiteral("L"), QStringLiteral("Largest λ."));
    o.value(QStringLiteral("points"), QStringLiteral("K"), QStringLiteral("λ grid points (default 12)."));
    o.value(QStringLiteral("seeds"), QStringLiteral("S"), QStringLiteral("Seeds per λ (default 3)."));
    o.value(QStringLiteral("threads"), QStringLiteral("T"), QStringLiteral("Worker threads (default: all cores)."));
    o.flag(QStringLiteral("no-train"), QStringLiteral("Only the state evolution, no trained points."));
    o.value(
        QStringLiteral("se-samples"), QStringLiteral("K"), QStringLiteral("Quadratic SE: GOE samples (default 32)."));
    o.parse(arguments);
    if (o.helpRequested()) {
        writeOutput(o, o.helpText().toUtf8());
        return kSuccess;
    }
    o.requirePositional(0, QString());
    if (!o.has(QStringLiteral("samples")) && !o.has(QStringLiteral("n-eff")))
        throw UsageError{QStringLiteral("needs --samples N or --n-eff X")};
    QJsonObject base;
    if (o.has(QStringLiteral("config")))
        base = readJsonObjectFile(
            o.text(QStringLiteral("config")), QStringLiteral("the experiment must be a JSON object ({...})"));
    QJsonObject json = experimentJson(o, base);
    const int d = json.value(QStringLiteral("problem")).toObject().value(QStringLiteral("dimension")).toInt(50);
    const double lFrom = o.number(QStringLiteral("lambda-from"), 1.0 / d, 1e-300, 1e300);
    const double lTo = o.number(QStringLiteral("lambda-to"), 10.0 * d, 1e-300, 1e300);
    if (lTo < lFrom)
        throw UsageError{QStringLiteral("--lambda-to: must be >= --lambda-from")};
    const int points = int(o.integer(QStringLiteral("points"), 12, 1, 10000));
    const int seeds = int(o.integer(QStringLiteral("seeds"), 3, 1, 100000));
    const std::vector<double> lambdas = sl::app::logLambdaGrid(lFrom, lTo, points);
    sl::app::ConfigError error;
    const auto baseConfig = sl::app::ExperimentConfig::fromJson(json, &error);
    if (!baseConfig)
        throw UsageError{error.text()};
    // The window's λ view trains the same experiment through the same function (app/runner/lambda_training.h).
    const sl::app::ExperimentConfig config = sl::app::lambdaTrainingExperiment(*baseConfig, lambdas, seeds);
    const sl::ProblemConfig& problem = config.problem;
    const double nEff = problem.nEff();
    const sl::StateEvolutionModel model = stateEvolutionModel(problem, o);
    if (model.model == sl::ModelKind::Quadratic && lFrom <= 0)
        throw UsageError{QStringLiteral("--lambda-from: must be > 0")};

    // Trained points, aggregated per λ.
    std::vector<sl::app::LambdaTrainedPoint> trained;
    QString storeError;
    const bool train = !o.has(QStringLiteral("no-train"));
    if (train) {
        const int threads = int(o.integer(QStringLiteral("threads"), 0, 0, 4096));
        ProgressBar bar(o, QStringLiteral("lambda-curve"), (long long)config.points().size());
        const sl::app::LambdaTraining training = sl::app::trainLambdaPoints(
            config, threads, o.storePath(), false, interruptToken(), [&](int done, int) { bar.update(done); });
        bar.finish();
        if (!training.error.isEmpty())
            throw UsageError{QStringLiteral("cannot open the store: %1").arg(training.error)};
        trained = training.points;
        storeError = training.storeError;
    }
    const bool cancelled = interruptToken().isCancelled();

    // The state evolution on the same λ grid, and its optimum over λ ∈ [1e-6, 1e6].
    sl::LambdaCurveConfig lc;
    lc.model = model;
    lc.nEff = nEff;
    lc.lambdaValues = config.weightDecays();
    const sl::LambdaCurveResult se
        = cancelled ? sl::LambdaCurveResult{} : sl::computeLambdaCurve(lc, {}, interruptToken());
    sl::OptimalLambdaConfig oc;
    oc.model = model;
    oc.nEff = nEff;
    if (model.model == sl::ModelKind::Quadratic)
        oc.logTolerance = 0.02;
    const sl::OptimalLambdaResult opt
        = cancelled ? sl::OptimalLambdaResult{} : sl::findOptimalLambda(oc, interruptToken());

    QJsonArray pointsJson;
    QList<QStringList> rows{{QStringLiteral("λ"), QStringLiteral("runs"), QStringLiteral("mean"),
        QStringLiteral("stderr"), QStringLiteral("theory"), QStringLiteral("phase"), QStringLiteral("pred. exp."),
        QStringLiteral("SE slope")}};
    int emptyPoints = 0, runsLeftOut = 0, runsTotal = 0;
    const std::vector<double> grid = config.weightDecays();
    for (std::size_t i = 0; i < grid.size(); ++i) {
        const double lambda = grid[i];
        const sl::app::LambdaTrainedPoint a = i < trained.size() ? trained[i] : sl::app::LambdaTrainedPoint{};
        if (train && a.runs == 0)
            ++emptyPoints;
        runsLeftOut += a.failed;
        runsTotal += a.runs + a.failed;
        const sl::LambdaPoint* s = i < se.points.size() ? &se.points[i] : nullptr;
        const double theory = s && s->value.ok() ? s->value.excessRisk : std::nan("");
        pointsJson.append(QJsonObject{{QStringLiteral("lambda"), lambda}, {QStringLiteral("mean"), jsonNumber(a.mean)},
            {QStringLiteral("stderr"), jsonNumber(a.standardError)}, {QStringLiteral("runs"), a.runs},
            {QStringLiteral("failed"), a.failed}, {QStringLiteral("theory"), jsonNumber(theory)},
            {QStringLiteral("phase"), s ? QString::fromStdString(s->phase) : QString()},
            {QStringLiteral("predicted_exponent"), s ? jsonNumber(s->predictedExponent) : QJsonValue()},
            {QStringLiteral("se_slope"), s ? jsonNumber(s->localSlope) : QJsonValue()}});
        rows.append({formatNumber(lambda, 4), QString::number(a.runs), formatNumber(a.mean),
            formatNumber(a.standardError, 3), formatNumber(theory), s ? QString::fromStdString(s->phase) : QString(),
            s ? formatNumber(s->predictedExponent, 3) : QString(), s ? formatNumber(s->localSlope, 3) : QString()});
    }
    QJsonArray segments;
    QString segmentText;
    for (const sl::LambdaPhaseSegment& s : se.segments) {
        segments.append(QJsonObject{{QStringLiteral("phase"), QString::fromStdString(s.phase)},
            {QStringLiteral("lambda_from"), s.lambdaFrom}, {QStringLiteral("lambda_to"), s.lambdaTo},
            {QStringLiteral("points"), s.points}, {QStringLiteral("predicted_exponent"), s.predictedExponent},
            {QStringLiteral("se_slope"), jsonNumber(s.fittedSlope)}});
        segmentText
            += QStringLiteral("  %1  λ %2 … %3: predicted %4, SE %5\n")
                   .arg(QString::fromStdString(s.phase), formatNumber(s.lambdaFrom, 3), formatNumber(s.lambdaTo, 3),
                       formatNumber(s.predictedExponent, 3), formatNumber(s.fittedSlope, 3));
    }
    QJsonObject out;
    out[QStringLiteral("config")] = config.toJson();
    out[QStringLiteral("n_eff")] = nEff;
    out[QStringLiteral("points")] = pointsJson;
    out[QStringLiteral("segments")] = segments;
    addOptimalLambdaJson(out, opt);
    QString boText = QStringLiteral("-");
    if (model.model == sl::ModelKind::Diagonal && !cancelled) {
        const sl::BayesOptimalResult bo = bayesOptimal(model, nEff);
        out[QStringLiteral("bayes_optimal_excess_risk")] = bo.ok() ? jsonNumber(bo.risk) : QJsonValue(QJsonValue::Null);
        boText = bo.ok() ? formatNumber(bo.risk) : QString::fromStdString(bo.message);
    } else {
        out[QStringLiteral("bayes_optimal_excess_risk")] = QJsonValue::Null;
        if (model.model == sl::ModelKind::Quadratic)
            boText = QStringLiteral("quadratic: rate only, no constant");
    }
    out[QStringLiteral("theory_note")] = teacherNote(model);
    out[QStringLiteral("theory_status")] = QLatin1String(sl::toString(se.status));
    out[QStringLiteral("cancelled")] = cancelled;
    const QString human = formatTable(rows) + QStringLiteral("phases crossed (closed form, inferred borders):\n")
        + segmentText
        + formatPairs({{QStringLiteral("SE λ_opt, R(λ_opt)"),
                           opt.ok() ? QStringLiteral("%1, %2").arg(formatNumber(opt.lambda), formatNumber(opt.risk))
                                    : QString::fromStdString(opt.message)},
            {QStringLiteral("Bayes-optimal risk"), boText}, {QStringLiteral("theory"), teacherNote(model)}})
        + (runsLeftOut > 0 ? sl::app::leftOutNote(runsLeftOut, runsTotal, QStringLiteral("runs"))
                    + QStringLiteral(" (left out of the means)\n")
                           : QString())
        + (cancelled ? QStringLiteral("interrupted: only the finished runs are included\n") : QString());
    present(o, out, human);
    if (!storeError.isEmpty())
        throw RunError{
            QStringLiteral("saving to the store failed (the curve was still written out): %1").arg(storeError)};
    if (cancelled || emptyPoints > 0 || (se.status != sl::Status::Converged))
        return kRunFailed;
    return kSuccess;
}

int runOptimalCurve(const QStringList& arguments)
{
    Options o(QStringLiteral("optimal-curve"), QStringLiteral("--n-eff-from X --n-eff-to X [--points K] [options]"),
        QStringLiteral(
            "The state-evolution risk with λ re-optimised at every n_eff (Corollary 1 of arXiv:2509.24882: it reaches\n"
            "the Bayes-optimal rate), next to the Bayes-optimal risk from its own state evolution (diagonal model;\n"
            "prior matching --amplitudes: gaussian → linear posterior mean, deterministic → random signs, tanh) and\n"
            "the Bayes-optimal rate without constant (both models). Theory: docs/theory/noiseless-and-lambda.md "
            "§3–4."));
    addProblemOptions(o, false);
    o.value(QStringLiteral("n-eff-from"), QStringLiteral("X"), QStringLiteral("Smallest n_eff."));
    o.value(QStringLiteral("n-eff-to"), QStringLiteral("X"), QStringLiteral("Largest n_eff."));
    o.value(QStringLiteral("points"), QStringLiteral("K"), QStringLiteral("Grid points (default 12)."));
    o.value(
        QStringLiteral("se-samples"), QStringLiteral("K"), QStringLiteral("Quadratic SE: GOE samples (default 32)."));
    o.parse(arguments);
    if (o.helpRequested()) {
        writeOutput(o, o.helpText().toUtf8());
        return kSuccess;
    }
    o.requirePositional(0, QString());
    if (!o.has(QStringLiteral("n-eff-from")) || !o.has(QStringLiteral("n-eff-to")))
        throw UsageError{QStringLiteral("needs --n-eff-from and --n-eff-to")};
    sl::app::ConfigError error;
    const auto config = sl::app::ExperimentConfig::fromJson(experimentJson(o), &error);
    if (!config)
        throw UsageError{error.text()};
    const sl::StateEvolutionModel model = stateEvolutionModel(config->problem, o);
    const double from = o.number(QStringLiteral("n-eff-from"), 0, 1e-300, 1e15);
    const double to = o.number(QStringLiteral("n-eff-to"), 0, 1e-300, 1e15);
    if (to < from)
        throw UsageError{QStringLiteral("--n-eff-to: must be >= --n-eff-from")};
    sl::OptimalLambdaCurveConfig c;
    c.search.model = model;
    if (model.model == sl::ModelKind::Quadratic)
        c.search.logTolerance = 0.02;
    c.nEffMin = from;
    c.nEffMax = to;
    c.points = int(o.integer(QStringLiteral("points"), 12, 1, 10000));
    ProgressBar bar(o, QStringLiteral("optimal-curve"), c.points);
    const sl::OptimalLambdaCurveResult r = sl::computeOptimalLambdaCurve(
        c, [&](const sl::OptimalLambdaCurveProgress& p) { bar.update(p.index + 1); }, interruptToken());
    bar.finish();
    QJsonArray points;
    QList<QStringList> rows{{QStringLiteral("n_eff"), QStringLiteral("λ_opt"), QStringLiteral("R(λ_opt)"),
        QStringLiteral("R_BO"), QStringLiteral("ratio"), QStringLiteral("BO rate")}};
    for (const sl::OptimalLambdaPoint& p : r.points) {
        QJsonObject row{{QStringLiteral("n_eff"), p.nEff},
            {QStringLiteral("bayes_optimal_excess_risk"), jsonNumber(p.bayesOptimalRisk)},
            {QStringLiteral("ratio"), jsonNumber(p.ratio)},
            {QStringLiteral("bayes_optimal_rate"), jsonNumber(p.bayesOptimalRate)}};
        addOptimalLambdaJson(row, p.optimum);
        points.append(row);
        const QString lambdaText = p.optimum.ok() ? formatNumber(p.optimum.lambda)
            : p.optimum.boundary < 0              ? QStringLiteral("<= ") + formatNumber(p.optimum.lambda)
            : p.optimum.boundary > 0              ? QStringLiteral(">= ") + formatNumber(p.optimum.lambda)
                                                  : QStringLiteral("failed");
        rows.append({formatNumber(p.nEff, 4), lambdaText, formatNumber(p.optimum.risk),
            formatNumber(p.bayesOptimalRisk), formatNumber(p.ratio, 4), formatNumber(p.bayesOptimalRate, 4)});
    }
    QJsonObject out;
    out[QStringLiteral("config")] = config->toJson();
    out[QStringLiteral("points")] = points;
    out[QStringLiteral("status")] = QLatin1String(sl::toString(r.status));
    out[QStringLiteral("message")] = QString::fromStdString(r.message);
    out[QStringLiteral("theory_note")] = teacherNote(model);
    out[QStringLiteral("bayes_optimal_rate_note")]
        = QStringLiteral("Corollary 1 rate without constant: n_eff^(−1+1/(2γ)) below d^(2γ), d/n_eff above");
    present(o, out,
        formatTable(rows)
            + formatPairs({{QStringLiteral("status"), QString::fromStdString(r.message)},
                {QStringLiteral("theory"), teacherNote(model)},
                {QStringLiteral("BO rate"), QStringLiteral("without constant (Corollary 1)")}}));
    if (r.status == sl::Status::Cancelled)
        return kRunFailed;
    for (const sl::OptimalLambdaPoint& p : r.points)
        if (!p.optimum.ok() && p.optimum.boundary == 0)
            return kRunFailed;  // a failed search, not an unbracketed minimum
    return kSuccess;
}

}  // namespace sl::cli
