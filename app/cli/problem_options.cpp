// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/problem_options.h"

#include "app/experiment/solver_table.h"
#include "core/model/problem_config.h"

#include <QJsonDocument>

namespace sl::cli {

void addProblemOptions(Options& o, bool withSampleSize)
{
    o.value(
        QStringLiteral("model"), QStringLiteral("quadratic|diagonal"), QStringLiteral("Network (default quadratic)."));
    o.value(QStringLiteral("d"), QStringLiteral("D"), QStringLiteral("Input dimension d."));
    o.value(QStringLiteral("width"), QStringLiteral("P"), QStringLiteral("Hidden width p (quadratic; 0 means p = d)."));
    if (withSampleSize) {
        o.value(QStringLiteral("samples"), QStringLiteral("N"), QStringLiteral("Number of samples n."));
        o.value(QStringLiteral("n-eff"), QStringLiteral("X"),
            QStringLiteral("Effective sample size instead of n (n_eff = n diagonal, n/d quadratic)."));
    }
    o.value(QStringLiteral("weight-decay"), QStringLiteral("L"), QStringLiteral("Weight decay λ."));
    o.value(QStringLiteral("gamma"), QStringLiteral("G"), QStringLiteral("Teacher power-law exponent γ > 1/2."));
    o.value(QStringLiteral("noise"), QStringLiteral("DELTA"), QStringLiteral("Label-noise variance Δ."));
    o.value(
        QStringLiteral("seed"), QStringLiteral("S"), QStringLiteral("Random seed (teacher, data, initialisation)."));
    o.value(QStringLiteral("amplitudes"), QStringLiteral("gaussian|deterministic"),
        QStringLiteral("Diagonal teacher amplitudes (deterministic is (inferred), docs/theory/models.md §6)."));
}

void addSolverOptions(Options& o)
{
    o.value(QStringLiteral("solver"), sl::app::solverNames().join(QLatin1Char('|')),
        QStringLiteral("Optimiser, or the equivalent convex problem (default lbfgs)."));
    o.value(QStringLiteral("max-iterations"), QStringLiteral("K"), QStringLiteral("Iteration limit."));
    o.value(QStringLiteral("gradient-tolerance"), QStringLiteral("T"), QStringLiteral("Stop when ‖∇‖ ≤ T."));
    o.value(QStringLiteral("loss-change-tolerance"), QStringLiteral("T"),
        QStringLiteral("Stop when the objective changes by < T."));
    o.value(QStringLiteral("learning-rate"), QStringLiteral("LR"), QStringLiteral("Step size (gd, adam)."));
    o.value(QStringLiteral("momentum"), QStringLiteral("M"), QStringLiteral("Heavy-ball momentum (gd)."));
    o.value(QStringLiteral("init-scale"), QStringLiteral("S"), QStringLiteral("Initialisation scale."));
    o.value(QStringLiteral("lbfgs-memory"), QStringLiteral("M"), QStringLiteral("L-BFGS history length."));
    o.flag(QStringLiteral("certificate"), QStringLiteral("Also solve the convex problem and report the gap."));
    o.flag(QStringLiteral("no-tail-fit"), QStringLiteral("Skip the power-law tail fit of the final spectrum."));
    o.flag(QStringLiteral("decompose"),
        QStringLiteral("Split the excess risk: overfitting, underfitting, approximation (measured, SE)."));
    o.flag(QStringLiteral("prune"),
        QStringLiteral("Excess risk after pruning at the bulk edge (measured, SE; Corollary 2)."));
}

sl::ModelKind modelKind(const QString& name)
{
    return name == QLatin1String("diagonal") ? sl::ModelKind::Diagonal : sl::ModelKind::Quadratic;
}

QJsonObject problemJson(const Options& o, const QJsonObject& base)
{
    QJsonObject p = base;
    const QStringList models{QStringLiteral("quadratic"), QStringLiteral("diagonal")};
    if (o.has(QStringLiteral("model")))
        p[QStringLiteral("model")] = o.choice(QStringLiteral("model"), models, {});
    if (o.has(QStringLiteral("d")))
        p[QStringLiteral("dimension")] = double(o.integer(QStringLiteral("d"), 0, 1, 1000000));
    if (o.has(QStringLiteral("width")))
        p[QStringLiteral("width")] = double(o.integer(QStringLiteral("width"), 0, 0, 1000000));
    o.exclusive({QStringLiteral("samples"), QStringLiteral("n-eff")});
    if (o.has(QStringLiteral("samples")))
        p[QStringLiteral("samples")] = double(o.integer(QStringLiteral("samples"), 0, 1, 1000000000000LL));
    if (o.has(QStringLiteral("n-eff"))) {
        const double nEff = o.number(QStringLiteral("n-eff"), 0, 1e-300, 1e12);
        sl::ModelKind model = sl::ModelKind::Quadratic;
        sl::fromString(p.value(QStringLiteral("model")).toString(QStringLiteral("quadratic")).toStdString(), model);
        const int d = p.value(QStringLiteral("dimension")).toInt(sl::ProblemConfig{}.dimension);
        p[QStringLiteral("samples")] = double(sl::ProblemConfig::samplesForNEff(model, d, nEff));
    }
    if (o.has(QStringLiteral("weight-decay")))
        p[QStringLiteral("weight_decay")] = o.number(QStringLiteral("weight-decay"), 0, 0, 1e300);
    if (o.has(QStringLiteral("gamma")))
        p[QStringLiteral("gamma")] = o.number(QStringLiteral("gamma"), 0, 0.5, 1e6);
    if (o.has(QStringLiteral("noise")))
        p[QStringLiteral("noise")] = o.number(QStringLiteral("noise"), 0, 0, 1e300);
    if (o.has(QStringLiteral("seed")))
        p[QStringLiteral("seed")] = double(o.integer(QStringLiteral("seed"), 0, 0, 1LL << 53));
    if (o.has(QStringLiteral("amplitudes")))
        p[QStringLiteral("amplitudes")]
            = o.choice(QStringLiteral("amplitudes"), {QStringLiteral("gaussian"), QStringLiteral("deterministic")}, {});
    return p;
}

QJsonObject experimentJson(const Options& o, const QJsonObject& base)
{
    QJsonObject e = base;
    e[QStringLiteral("schema")] = QLatin1String(sl::app::ExperimentConfig::kSchema);
    if (!e.contains(QStringLiteral("version")))
        e[QStringLiteral("version")] = sl::app::ExperimentConfig::kVersion;
    e[QStringLiteral("problem")] = problemJson(o, e.value(QStringLiteral("problem")).toObject());
    if (o.has(QStringLiteral("solver"))) {
        const QString solver = o.choice(QStringLiteral("solver"), sl::app::solverNames(), {});
        if (solver != e.value(QStringLiteral("solver")).toString())
            e.remove(QStringLiteral("train"));  // another optimiser's settings do not carry over
        e[QStringLiteral("solver")] = solver;
    }
    QJsonObject train = e.value(QStringLiteral("train")).toObject();
    const struct {
        const char* option;
        const char* key;
        bool integer;
    } settings[] = {
        {"max-iterations", "max_iterations", true},
        {"gradient-tolerance", "gradient_tolerance", false},
        {"loss-change-tolerance", "loss_change_tolerance", false},
        {"learning-rate", "learning_rate", false},
        {"momentum", "momentum", false},
        {"init-scale", "init_scale", false},
        {"lbfgs-memory", "lbfgs_memory", true},
    };
    for (const auto& s : settings) {
        const QString name = QLatin1String(s.option);
        if (!o.has(name))
            continue;
        train[QLatin1String(s.key)]
            = s.integer ? double(o.integer(name, 0, 0, 2000000000)) : o.number(name, 0, -1e300, 1e300);
    }
    if (!train.isEmpty())
        e[QStringLiteral("train")] = train;
    if (o.has(QStringLiteral("certificate")))
        e[QStringLiteral("certificate")] = true;
    if (o.has(QStringLiteral("no-tail-fit")))
        e[QStringLiteral("tail_fit")] = false;
    if (o.has(QStringLiteral("decompose")))
        e[QStringLiteral("decompose")] = true;
    if (o.has(QStringLiteral("prune")))
        e[QStringLiteral("prune")] = true;
    return e;
}

sl::app::ExperimentConfig experimentFromOptions(const Options& o)
{
    QJsonObject base;
    if (o.has(QStringLiteral("config"))) {
        const QString path = o.text(QStringLiteral("config"));
        base = readJsonObjectFile(path, QStringLiteral("the experiment must be a JSON object ({...})"));
        // A run result (train --json output) is accepted too: its "config" is the experiment.
        if (base.contains(QStringLiteral("config")) && base.value(QStringLiteral("config")).isObject())
            base = base.value(QStringLiteral("config")).toObject();
    }
    sl::app::ConfigError error;
    const auto config = sl::app::ExperimentConfig::fromJson(experimentJson(o, base), &error);
    if (!config) {
        const QString where
            = o.has(QStringLiteral("config")) ? o.text(QStringLiteral("config")) + QStringLiteral(": ") : QString();
        throw UsageError{where + error.text()};
    }
    return *config;
}

}  // namespace sl::cli
