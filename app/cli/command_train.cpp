// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli train: one experiment through the shared runner (app/runner/experiment_execution.h).
#include "app/cli/cli.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/experiment_output.h"
#include "app/cli/problem_options.h"
#include "app/runner/experiment_execution.h"
#include "app/store/result_store.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include <memory>

namespace sl::cli {
namespace {

// Whether `path` already holds a finished run of the configuration `configHash` (a result file from an earlier
// run of the same sweep point). Anything unreadable is not one.
bool holdsFinishedRun(const QString& path, const QString& configHash)
{
    if (path.isEmpty() || path == QLatin1String("-") || !QFileInfo(path).isFile())
        return false;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
    const auto stored = doc.isObject() ? sl::app::RunResult::fromJson(doc.object()) : std::nullopt;
    return stored && stored->configHash == configHash && isFinished(*stored);
}

}  // namespace

int runTrain(const QStringList& arguments)
{
    Options o(QStringLiteral("train"), QStringLiteral("[options] | --config FILE.json [options]"),
        QStringLiteral(
            "Train one experiment: teacher, data, network (or its convex twin, --solver convex), final spectrum,\n"
            "tail fit and phase. Options override the --config file (an experiment JSON, or a run result whose\n"
            "\"config\" is used). The JSON output is the run result (RunResult::toJson): config, status, iterations,\n"
            "train_loss, objective, excess_risk, matrix_mse, convex_gap, eigenvalues, tail_fit, phase, ...\n"
            "With --store PATH the result is also saved in the results store the GUI reads.\n"
            "Ctrl-C (SIGINT, e.g. from `scancel --signal=INT`) stops the run cleanly: its JSON says \"status\":\n"
            "\"cancelled\" (merge refuses it, `sweep --status` lists the point as cancelled), it is not saved in the\n"
            "store, and it never overwrites an --output file that holds a finished run of the same configuration."));
    o.value(QStringLiteral("config"), QStringLiteral("FILE"),
        QStringLiteral("Experiment JSON (schema scalinglab.experiment)."));
    addProblemOptions(o, true);
    addSolverOptions(o);
    o.parse(arguments);
    if (o.helpRequested()) {
        writeOutput(o, o.helpText().toUtf8());
        return kSuccess;
    }
    o.requirePositional(0, QString());
    const sl::app::ExperimentConfig config = experimentFromOptions(o);
    if (config.isSweep())
        throw UsageError{QStringLiteral("this experiment is a sweep of %1 runs (seeds or a grid); use `sweep`")
                             .arg(config.points().size())};
    // The store is opened before the run, so a path that cannot hold it costs no computation.
    std::unique_ptr<sl::app::ResultStore> store;
    if (!o.storePath().isEmpty()) {
        store = std::make_unique<sl::app::ResultStore>();
        if (!store->open(o.storePath()))
            throw UsageError{QStringLiteral("cannot open the store: %1").arg(store->lastError())};
    }
    ProgressBar bar(o, QStringLiteral("train"), config.train.maxIterations);
    const sl::app::RunResult result = sl::app::runExperiment(
        config,
        [&](const sl::TrainSnapshot& s) {
            bar.update(s.iteration, QStringLiteral("objective %1").arg(s.objective, 0, 'g', 6));
        },
        interruptToken());
    bar.finish();
    if (result.status == sl::Status::Cancelled && holdsFinishedRun(o.outputPath(), result.configHash))
        throw RunError{QStringLiteral("cancelled; '%1' already holds a finished run of this configuration and is kept")
                           .arg(o.outputPath())};
    // A save that fails (a full disk) does not lose the run: it is written out first, then the failure reported.
    QString storeError;
    if (store && result.status != sl::Status::Cancelled && store->save(result.toJson()) < 0)
        storeError = store->lastError();
    present(o, result.toJson(), describeRun(result));
    if (!storeError.isEmpty())
        throw RunError{
            QStringLiteral("saving to the store failed (the result was still written out): %1").arg(storeError)};
    return exitCodeFor(result);
}

}  // namespace sl::cli
