// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli sweep / merge: a grid of experiments run locally on all cores, or written out as one command
// line per point for GNU parallel (local cores or --sshlogin hosts) or as a Slurm job array; each job writes its
// result as JSON and `merge` loads them into the store.
#include "app/cli/cli.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/experiment_output.h"
#include "app/experiment/run_result.h"
#include "app/store/result_store.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

namespace sl::cli {
namespace {

sl::app::ExperimentConfig readPlan(const QString& path)
{
    sl::app::ConfigError error;
    const auto config = sl::app::ExperimentConfig::fromJsonText(readTextFile(path), &error);
    if (!config)
        throw UsageError{path + QStringLiteral(": ") + error.text()};
    return *config;
}

// POSIX shell quoting: '...' with embedded quotes as '\''.
QString shellQuote(const QString& s)
{
    QString out = s;
    out.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
        throw RunError{QStringLiteral("cannot write '%1': %2").arg(path, file.errorString())};
}

// Writes <dir>/configs/point-NNNNN.json for every point and <dir>/jobs.txt, one `scalinglab-cli train` command
// line per point writing <dir>/results/point-NNNNN.json. Returns the job lines.
QStringList writeJobs(const QString& workDir, const std::vector<sl::app::ExperimentConfig>& points)
{
    QDir dir(workDir);
    if (!dir.mkpath(QStringLiteral("configs")) || !dir.mkpath(QStringLiteral("results")))
        throw RunError{QStringLiteral("cannot create the work directory '%1'").arg(workDir)};
    const QString root = QFileInfo(workDir).absoluteFilePath();
    const QString exe = QCoreApplication::applicationFilePath();
    QStringList lines;
    for (size_t i = 0; i < points.size(); ++i) {
        const QString name = QStringLiteral("point-%1.json").arg(int(i), 5, 10, QLatin1Char('0'));
        const QString config = root + QStringLiteral("/configs/") + name;
        const QString result = root + QStringLiteral("/results/") + name;
        writeFile(config, QJsonDocument(points[i].toJson()).toJson(QJsonDocument::Indented));
        lines.append(QStringLiteral("%1 train --config %2 --json --output %3")
                         .arg(shellQuote(exe), shellQuote(config), shellQuote(result)));
    }
    writeFile(root + QStringLiteral("/jobs.txt"), (lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
    return lines;
}

QString slurmScript(const QString& workDir, int count, const Options& o)
{
    const QString root = QFileInfo(workDir).absoluteFilePath();
    QString s;
    s += QStringLiteral("#!/bin/bash\n");
    s += QStringLiteral(
        "# Slurm job array written by scalinglab-cli sweep --emit-slurm: task i runs line i+1 of jobs.txt,\n"
        "# one experiment, and writes its result JSON to results/. Afterwards:\n"
        "#   scalinglab-cli merge %1/results/*.json --store results.sqlite\n")
             .arg(shellQuote(root));
    s += QStringLiteral("#SBATCH --job-name=scalinglab-sweep\n");
    s += QStringLiteral("#SBATCH --array=0-%1\n").arg(count - 1);
    s += QStringLiteral("#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n");
    s += QStringLiteral("#SBATCH --output=%1/logs/%A_%a.out\n").arg(root);
    if (o.has(QStringLiteral("slurm-time")))
        s += QStringLiteral("#SBATCH --time=%1\n").arg(o.text(QStringLiteral("slurm-time")));
    if (o.has(QStringLiteral("slurm-partition")))
        s += QStringLiteral("#SBATCH --partition=%1\n").arg(o.text(QStringLiteral("slurm-partition")));
    s += QStringLiteral("set -euo pipefail\n");
    s += QStringLiteral("line=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" %1)\n").arg(shellQuote(root + "/jobs.txt"));
    s += QStringLiteral("eval \"$line\"\n");
    return s;
}

}  // namespace

int runSweep(const QStringList& arguments)
{
    Options o(QStringLiteral("sweep"), QStringLiteral("PLAN.json [options]"),
        QStringLiteral(
            "Runs every point of an experiment with a sweep (PLAN.json: schema scalinglab.experiment with \"seeds\"\n"
            "and/or \"sweep\": {\"n\" | \"n_eff\": {from, to, points, log}, \"weight_decays\": [...]}).\n"
            "Locally on all cores by default (each finished point saved at once with --store); or, for scale-out:\n"
            "  --emit-jobs   write DIR/configs/point-N.json and DIR/jobs.txt, and print one command line per point\n"
            "                (`scalinglab-cli train --config ... --json --output DIR/results/point-N.json`) for GNU\n"
            "                parallel: `parallel < DIR/jobs.txt`, or `parallel --sshlogin host1,host2 < DIR/jobs.txt`\n"
            "                with DIR on a shared file system;\n"
            "  --emit-slurm  the same files and a Slurm job-array script (sbatch it).\n"
            "Then `scalinglab-cli merge DIR/results/*.json --store PATH` loads the results into the store."));
    o.value(
        QStringLiteral("threads"), QStringLiteral("T"), QStringLiteral("Local worker threads (default: all cores)."));
    o.flag(QStringLiteral("resume"),
        QStringLiteral("Reuse the runs already in --store (same configuration hash), e.g. after Ctrl-C."));
    o.flag(QStringLiteral("emit-jobs"), QStringLiteral("Write the jobs for GNU parallel instead of running."));
    o.flag(QStringLiteral("emit-slurm"), QStringLiteral("Write a Slurm job-array script instead of running."));
    o.value(QStringLiteral("work-dir"), QStringLiteral("DIR"),
        QStringLiteral("Where --emit-jobs/--emit-slurm put configs/, results/ and jobs.txt (default: PLAN.jobs)."));
    o.value(QStringLiteral("slurm-time"), QStringLiteral("T"), QStringLiteral("#SBATCH --time for --emit-slurm."));
    o.value(QStringLiteral("slurm-partition"), QStringLiteral("P"),
        QStringLiteral("#SBATCH --partition for --emit-slurm."));
    o.parse(arguments);
    if (o.helpRequested()) {
        writeOutput(o, o.helpText().toUtf8());
        return kSuccess;
    }
    o.requirePositional(1, QStringLiteral("PLAN.json"));
    o.exclusive({QStringLiteral("emit-jobs"), QStringLiteral("emit-slurm")});
    const QString planPath = o.positional().first();
    const sl::app::ExperimentConfig plan = readPlan(planPath);
    const std::vector<sl::app::ExperimentConfig> points = plan.points();

    if (o.has(QStringLiteral("emit-jobs")) || o.has(QStringLiteral("emit-slurm"))) {
        QString workDir = o.text(QStringLiteral("work-dir"));
        if (workDir.isEmpty()) {
            const QFileInfo info(planPath);
            workDir = info.absoluteDir().filePath(info.completeBaseName() + QStringLiteral(".jobs"));
        }
        const QStringList lines = writeJobs(workDir, points);
        if (o.has(QStringLiteral("emit-slurm"))) {
            QDir(workDir).mkpath(QStringLiteral("logs"));
            const QString script = slurmScript(workDir, int(points.size()), o);
            writeFile(QDir(workDir).filePath(QStringLiteral("sweep.slurm")), script.toUtf8());
            if (o.json())
                present(o,
                    QJsonObject{{QStringLiteral("work_dir"), QFileInfo(workDir).absoluteFilePath()},
                        {QStringLiteral("points"), int(points.size())}, {QStringLiteral("script"), script}},
                    {});
            else
                writeOutput(o, script.toUtf8());
            return kSuccess;
        }
        if (o.json()) {
            QJsonArray jobs;
            for (const QString& l : lines)
                jobs.append(l);
            present(o,
                QJsonObject{{QStringLiteral("work_dir"), QFileInfo(workDir).absoluteFilePath()},
                    {QStringLiteral("points"), int(points.size())}, {QStringLiteral("jobs"), jobs}},
                {});
        } else {
            writeOutput(o, (lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
        }
        return kSuccess;
    }

    const int threads = int(o.integer(QStringLiteral("threads"), 0, 0, 4096));
    if (o.has(QStringLiteral("resume")) && o.storePath().isEmpty())
        throw UsageError{QStringLiteral("--resume needs --store PATH")};
    int fromStore = 0;
    QString storeError;
    const QVector<sl::app::RunResult> results = runPoints(o, points, threads, o.storePath(), QStringLiteral("sweep"),
        o.has(QStringLiteral("resume")), &fromStore, &storeError);
    const bool cancelled = interruptToken().isCancelled();
    int failed = 0;
    QJsonArray list;
    for (const sl::app::RunResult& r : results) {
        list.append(r.toJson());
        if (exitCodeFor(r) != kSuccess)
            ++failed;
    }
    QJsonObject json{{QStringLiteral("plan"), plan.toJson()}, {QStringLiteral("points"), int(points.size())},
        {QStringLiteral("completed"), results.size()}, {QStringLiteral("from_store"), fromStore},
        {QStringLiteral("failed"), failed}, {QStringLiteral("cancelled"), cancelled},
        {QStringLiteral("results"), list}};
    QString human = runTable(results)
        + QStringLiteral("%1 of %2 points finished (%3 read from the store), %4 failed%5\n")
              .arg(results.size())
              .arg(points.size())
              .arg(fromStore)
              .arg(failed)
              .arg(cancelled ? QStringLiteral(" (interrupted)") : QString());
    present(o, json, human);
    if (!storeError.isEmpty())
        throw RunError{
            QStringLiteral("saving to the store failed (the results were still written out): %1").arg(storeError)};
    return cancelled || failed > 0 ? kRunFailed : kSuccess;
}

int runMerge(const QStringList& arguments)
{
    Options o(QStringLiteral("merge"), QStringLiteral("RESULT.json... --store PATH"),
        QStringLiteral("Loads run results (the JSON that `train --json` and sweep jobs write) into the results store.\n"
                       "Every file is checked first; one bad file stops the merge before anything is saved. A result\n"
                       "whose configuration hash is already stored is skipped, so merging twice changes nothing."));
    o.parse(arguments);
    if (o.helpRequested()) {
        writeOutput(o, o.helpText().toUtf8());
        return kSuccess;
    }
    if (o.positional().isEmpty())
        throw UsageError{QStringLiteral("missing RESULT.json files (see merge --help)")};
    if (o.storePath().isEmpty())
        throw UsageError{QStringLiteral("needs --store PATH")};
    QVector<sl::app::RunResult> results;
    for (const QString& path : o.positional()) {
        QString message;
        const auto result = sl::app::RunResult::fromJson(
            readJsonObjectFile(path, QStringLiteral("a run result must be a JSON object")), &message);
        if (!result)
            throw UsageError{QStringLiteral("%1: not a run result: %2").arg(path, message)};
        results.append(*result);
    }
    sl::app::ResultStore store;
    if (!store.open(o.storePath()))
        throw UsageError{QStringLiteral("cannot open the store: %1").arg(store.lastError())};
    const QVector<QString> known = store.hashes();
    QSet<QString> seen(known.begin(), known.end());
    int merged = 0, skipped = 0;
    QJsonArray list;
    for (const sl::app::RunResult& r : results) {
        list.append(r.toJson());
        if (seen.contains(r.configHash)) {
            ++skipped;
            continue;
        }
        if (store.save(r.toJson()) < 0)
            throw RunError{QStringLiteral("saving to the store failed: %1").arg(store.lastError())};
        seen.insert(r.configHash);
        ++merged;
    }
    present(o,
        QJsonObject{{QStringLiteral("store"), o.storePath()}, {QStringLiteral("merged"), merged},
            {QStringLiteral("skipped"), skipped}, {QStringLiteral("results"), list}},
        runTable(results)
            + QStringLiteral("%1 merged, %2 already in %3\n").arg(merged).arg(skipped).arg(o.storePath()));
    return kSuccess;
}

}  // namespace sl::cli
