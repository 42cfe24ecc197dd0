// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli theory: the closed-form phase and rates (docs/theory/phase-diagram.md §5) and the state-evolution
// prediction (docs/theory/state-evolution.md §2 for the diagonal model, §6 for the quadratic one) at one point.
#include "app/cli/cli.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/problem_options.h"
#include "core/spectrum/spectrum.h"
#include "core/theory/bayes_optimal.h"
#include "core/theory/lambda_curve.h"
#include "core/theory/phase_diagram.h"
#include "core/theory/state_evolution_curve.h"

#include <cmath>

namespace sl::cli {

namespace {

// The Bayes-optimal risk (diagonal: its state evolution; quadratic: the rate only) and, with --optimal-lambda,
// the minimiser of the SE risk over λ (docs/theory/noiseless-and-lambda.md §3, §4).
int addBayesAndOptimalLambda(const Options& o, sl::ModelKind model, const sl::StateEvolutionCurveConfig& se,
    double nEff, QJsonObject& json, QList<QPair<QString, QString>>& human)
{
    sl::StateEvolutionModel m;
    m.model = model;
    m.d = se.d;
    m.gamma = se.gamma;
    m.noise = se.noise;
    m.lassoTeacher = se.lassoTeacher;
    m.lassoMode = se.lassoMode;
    m.samples = se.samples;
    m.seed = se.seed;
    int exitCode = kSuccess;
    if (model == sl::ModelKind::Diagonal) {
        const sl::BayesOptimalConfig bc = sl::bayesOptimalConfigFor(m, nEff);
        const sl::BayesOptimalResult bo = sl::solveBayesOptimal(bc, interruptToken());
        json[QStringLiteral("bayes_optimal_excess_risk")]
            = bo.ok() ? jsonNumber(bo.risk) : QJsonValue(QJsonValue::Null);
        json[QStringLiteral("bayes_optimal_prior")] = QLatin1String(sl::toString(bc.prior));
        json[QStringLiteral("bayes_optimal_note")] = QString::fromStdString(bo.message);
        human.append({QStringLiteral("Bayes-optimal risk"),
            bo.ok()
                ? formatNumber(bo.risk) + QStringLiteral(" (%1 prior, SE)").arg(QLatin1String(sl::toString(bc.prior)))
                : QString::fromStdString(bo.message)});
        if (!bo.ok())
            exitCode = kRunFailed;
    } else {
        json[QStringLiteral("bayes_optimal_excess_risk")] = QJsonValue::Null;
        json[QStringLiteral("bayes_optimal_note")]
            = QStringLiteral("quadratic model: only the rate (bayes_optimal_rate, no constant) is known");
    }
    if (!o.has(QStringLiteral("optimal-lambda")))
        return exitCode;
    sl::OptimalLambdaConfig oc;
    oc.model = m;
    oc.nEff = nEff;
    if (model == sl::ModelKind::Quadratic)
        oc.logTolerance = 0.02;  // the Monte Carlo SE is smooth in λ only to its own tolerance
    const sl::OptimalLambdaResult opt = sl::findOptimalLambda(oc, interruptToken());
    const bool found = opt.ok();
    json[QStringLiteral("optimal_lambda")] = found ? jsonNumber(opt.lambda) : QJsonValue(QJsonValue::Null);
    json[QStringLiteral("optimal_lambda_excess_risk")] = found ? jsonNumber(opt.risk) : QJsonValue(QJsonValue::Null);
    json[QStringLiteral("optimal_lambda_bracketed")] = found;
    json[QStringLiteral("optimal_lambda_boundary")] = opt.boundary;
    json[QStringLiteral("optimal_lambda_note")] = QString::fromStdString(opt.message);
    if (opt.boundary != 0) {
        json[QStringLiteral("optimal_lambda_bound")] = jsonNumber(opt.lambda);
        json[QStringLiteral("excess_risk_at_bound")] = jsonNumber(opt.risk);
    }
    human.append({QStringLiteral("SE λ_opt, R(λ_opt)"),
        found ? QStringLiteral("%1, %2").arg(formatNumber(opt.lambda), formatNumber(opt.risk))
              : QString::fromStdString(opt.message)});
    if (!found && opt.boundary == 0)
        exitCode = kRunFailed;  // a failed or cancelled search, not an unbracketed minimum
    return exitCode;
}

}  // namespace

int runTheory(const QStringList& arguments)
{
    Options o(QStringLiteral("theory"), QStringLiteral("[options]"),
        QStringLiteral(
            "Phase (docs/theory/phase-diagram.md §5), rate exponents and the state-evolution prediction\n"
            "(docs/theory/state-evolution.md §1) at one point (n or n_eff, λ). The diagonal model's SE follows\n"
            "--amplitudes: gaussian (default, as in train) averages over θ*_i ~ N(0, d·i^(−2γ)); deterministic uses\n"
            "|θ*_i| = √d·i^(−γ) ((inferred), docs/theory/models.md §6). The quadratic SE uses K GOE samples\n"
            "(docs/theory/state-evolution.md §7)."));
    addProblemOptions(o, true);
    o.value(
        QStringLiteral("se-samples"), QStringLiteral("K"), QStringLiteral("Quadratic SE: GOE samples (default 32)."));
    o.flag(QStringLiteral("no-state-evolution"), QStringLiteral("Only the closed-form phase and exponents."));
    o.flag(QStringLiteral("optimal-lambda"),
        QStringLiteral("Also minimise the SE risk over λ at this n_eff (bracketed Brent in log λ, λ in [1e-6, 1e6]):\n"
                       "optimal_lambda, optimal_lambda_excess_risk (docs/theory/noiseless-and-lambda.md §3)."));
    o.parse(arguments);
    if (o.helpRequested()) {
        writeOutput(o, o.helpText().toUtf8());
        return kSuccess;
    }
    o.requirePositional(0, QString());
    const QString modelName
        = o.choice(QStringLiteral("model"), {QStringLiteral("quadratic"), QStringLiteral("diagonal")}, "quadratic");
    const sl::ModelKind model = modelKind(modelName);
    const int d = int(o.integer(QStringLiteral("d"), 50, 2, 100000));
    const double gamma = o.number(QStringLiteral("gamma"), 1.0, 0.5, 1e6);
    if (!(gamma > 0.5))
        throw UsageError{QStringLiteral("--gamma: must be > 1/2 (got %1)").arg(gamma)};
    const double noise = o.number(QStringLiteral("noise"), 0.5, 0, 1e12);
    const double lambda = o.number(QStringLiteral("weight-decay"), 1.0, 0, 1e300);
    o.exclusive({QStringLiteral("samples"), QStringLiteral("n-eff")});
    double nEff = 0;
    if (o.has(QStringLiteral("n-eff"))) {
        nEff = o.number(QStringLiteral("n-eff"), 0, 1e-300, 1e15);
    } else if (o.has(QStringLiteral("samples"))) {
        nEff = sl::effectiveSampleSize(model, double(o.integer(QStringLiteral("samples"), 0, 1, 1e15)), d);
    } else {
        throw UsageError{QStringLiteral("needs --samples N or --n-eff X")};
    }
    if (model == sl::ModelKind::Quadratic && lambda <= 0 && !o.has(QStringLiteral("no-state-evolution")))
        throw UsageError{QStringLiteral("--weight-decay: must be > 0 for the quadratic state evolution")};
    const double samples = model == sl::ModelKind::Quadratic ? nEff * d : nEff;

    QJsonObject json;
    json[QStringLiteral("model")] = modelName;
    json[QStringLiteral("d")] = d;
    json[QStringLiteral("gamma")] = gamma;
    json[QStringLiteral("noise")] = noise;
    json[QStringLiteral("weight_decay")] = lambda;
    json[QStringLiteral("samples")] = samples;
    json[QStringLiteral("n_eff")] = nEff;
    QList<QPair<QString, QString>> human;
    human.append({QStringLiteral("model"), modelName});
    human.append({QStringLiteral("d, γ, Δ"), QStringLiteral("%1, %2, %3").arg(d).arg(gamma).arg(noise)});
    human.append({QStringLiteral("n, n_eff, λ"),
        QStringLiteral("%1, %2, %3").arg(formatNumber(samples), formatNumber(nEff), formatNumber(lambda))});

    sl::PhaseDiagramConfig diagramConfig;
    diagramConfig.d = d;
    diagramConfig.gamma = gamma;
    diagramConfig.noise = noise;
    const sl::PhaseDiagram diagram(diagramConfig);
    if (lambda > 0) {
        const sl::PhaseInfo phase = diagram.classify(nEff, lambda);
        json[QStringLiteral("phase")] = QString::fromStdString(phase.label);
        json[QStringLiteral("exponent_n")] = phase.exponentN;
        json[QStringLiteral("exponent_lambda")] = phase.exponentLambda;
        json[QStringLiteral("e")] = phase.e;
        json[QStringLiteral("a")] = phase.a;
        json[QStringLiteral("b")] = phase.b;
        json[QStringLiteral("rate_formula")] = QString::fromStdString(phase.rateFormula);
        json[QStringLiteral("phase_inferred")] = phase.inferred;
        json[QStringLiteral("phase_note")] = QString::fromStdString(phase.note);
        if (phase.label == "crossover")
            json[QStringLiteral("neighbours")]
                = QJsonArray{QString::fromStdString(phase.neighbourA), QString::fromStdString(phase.neighbourB)};
        QString label = QString::fromStdString(phase.label);
        if (phase.label == "crossover")
            label += QStringLiteral(" (%1 / %2)")
                         .arg(QString::fromStdString(phase.neighbourA), QString::fromStdString(phase.neighbourB));
        human.append({QStringLiteral("phase"), label + (phase.inferred ? QStringLiteral(" [inferred]") : QString())});
        human.append({QStringLiteral("rate"), QString::fromStdString(phase.rateFormula)});
        human.append({QStringLiteral("exponent vs n_eff"), formatNumber(phase.exponentN)});
        human.append({QStringLiteral("exponent vs λ"), formatNumber(phase.exponentLambda)});
    } else {
        json[QStringLiteral("phase")] = QJsonValue::Null;
        json[QStringLiteral("exponent_n")] = QJsonValue::Null;
        json[QStringLiteral("exponent_lambda")] = QJsonValue::Null;
        human.append({QStringLiteral("phase"), QStringLiteral("- (the classifier needs λ > 0)")});
    }
    json[QStringLiteral("bayes_optimal_rate")] = jsonNumber(diagram.bayesOptimalRate(nEff));
    json[QStringLiteral("lambda_opt")] = jsonNumber(diagram.lambdaOpt(nEff));
    const sl::InferredValue alphaWW = sl::predictedTailExponent(gamma);
    json[QStringLiteral("predicted_tail_alpha")] = alphaWW.value;  // docs/theory/spectra.md §5 (inferred)
    json[QStringLiteral("predicted_tail_alpha_inferred")] = true;
    human.append({QStringLiteral("λ_opt (≍ √(n_eff/d))"), formatNumber(diagram.lambdaOpt(nEff))});
    human.append({QStringLiteral("tail α_WW = 1+1/γ"), formatNumber(alphaWW.value) + QStringLiteral(" [inferred]")});

    int exitCode = kSuccess;
    if (!o.has(QStringLiteral("no-state-evolution"))) {
        sl::StateEvolutionCurveConfig se;
        se.model = model;
        se.d = d;
        se.gamma = gamma;
        se.lambda = lambda;
        se.noise = noise;
        se.nEffValues = {nEff};
        se.warmStart = false;
        se.samples = int(o.integer(QStringLiteral("se-samples"), se.samples, 1, 10000));
        se.seed = std::uint64_t(o.integer(QStringLiteral("seed"), 1, 0, 1LL << 53));
        const QString teacher = o.choice(QStringLiteral("amplitudes"),
            {QStringLiteral("gaussian"), QStringLiteral("deterministic")}, QStringLiteral("gaussian"));
        if (model == sl::ModelKind::Diagonal && teacher == QLatin1String("gaussian")) {
            se.lassoTeacher = sl::lassoPowerLawVariances(d, gamma);
            se.lassoMode = sl::LassoTeacherMode::VarianceProfile;
        }
        const sl::StateEvolutionCurveResult r = sl::StateEvolutionCurve(se).run({}, interruptToken());
        QJsonObject s;
        if (r.points.empty()) {
            s[QStringLiteral("converged")] = false;
            s[QStringLiteral("status")] = QLatin1String(sl::toString(r.status));
            s[QStringLiteral("message")] = QString::fromStdString(r.message);
            exitCode = kRunFailed;
        } else {
            const sl::CurvePoint& p = r.points.front();
            const bool quadratic = model == sl::ModelKind::Quadratic;
            s[QStringLiteral("excess_risk")] = jsonNumber(p.excessRisk);
            s[QStringLiteral("matrix_mse")] = quadratic ? jsonNumber(p.matrixMse) : QJsonValue(QJsonValue::Null);
            s[QStringLiteral("delta")] = jsonNumber(p.delta);
            s[QStringLiteral("epsilon")] = jsonNumber(p.epsilon);
            s[QStringLiteral("threshold")] = jsonNumber(p.threshold);
            s[QStringLiteral("converged")] = p.status == sl::Status::Converged;
            s[QStringLiteral("status")] = QLatin1String(sl::toString(p.status));
            s[QStringLiteral("message")] = QString::fromStdString(p.message);
            s[QStringLiteral("iterations")] = p.iterations;
            s[QStringLiteral("teacher")] = quadratic ? QStringLiteral("spectrum s_i ∝ i^(−γ), Q* = 1")
                : teacher == QLatin1String("gaussian")
                ? QStringLiteral("averaged over θ*_i ~ N(0, d·i^(−2γ))")
                : QStringLiteral("deterministic amplitudes √d·i^(−γ) (inferred)");
            if (quadratic) {
                s[QStringLiteral("se_samples")] = se.samples;
                s[QStringLiteral("seed")] = double(se.seed);
            }
            human.append({QStringLiteral("SE excess risk"), formatNumber(p.excessRisk)});
            if (quadratic)
                human.append({QStringLiteral("SE matrix MSE"), formatNumber(p.matrixMse)});
            human.append({QStringLiteral("SE δ, ε, λε"),
                QStringLiteral("%1, %2, %3")
                    .arg(formatNumber(p.delta), formatNumber(p.epsilon), formatNumber(p.threshold))});
            human.append({QStringLiteral("SE status"),
                QStringLiteral("%1 (%2 iterations) %3")
                    .arg(QLatin1String(sl::toString(p.status)))
                    .arg(p.iterations)
                    .arg(QString::fromStdString(p.message))});
            if (p.status != sl::Status::Converged)
                exitCode = kRunFailed;
        }
        json[QStringLiteral("state_evolution")] = s;
        if (exitCode == kSuccess)
            exitCode = addBayesAndOptimalLambda(o, model, se, nEff, json, human);
    }
    present(o, json, formatPairs(human));
    return exitCode;
}

}  // namespace sl::cli
