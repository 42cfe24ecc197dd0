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
#include <QSet>

#include <map>
#include <optional>

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

// An argument of an #SBATCH line: sbatch reads double quotes (with backslash escapes) there, not single quotes,
// and takes an unquoted space or '#' as the end of the argument.
QString sbatchQuote(const QString& s)
{
    QString out = s;
    out.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    out.replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QLatin1Char('"') + out + QLatin1Char('"');
}

QString pointFileName(size_t index)
{
    return QStringLiteral("point-%1.json").arg(int(index), 5, 10, QLatin1Char('0'));
}

// --work-dir, or PLAN.jobs beside the plan.
QString workDirOf(const Options& o, const QString& planPath)
{
    QString workDir = o.text(QStringLiteral("work-dir"));
    if (workDir.isEmpty()) {
        const QFileInfo info(planPath);
        workDir = info.absoluteDir().filePath(info.completeBaseName() + QStringLiteral(".jobs"));
    }
    return QFileInfo(workDir).absoluteFilePath();
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
        const QString name = pointFileName(i);
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
        "#   scalinglab-cli merge %1/results/*.json --store results.sqlite --plan PLAN.json\n"
        "# and `scalinglab-cli sweep PLAN.json --status --work-dir %1` names the points still to run.\n"
        "# The experiment replaces this shell (exec), so a signal to the batch step (scancel --batch --signal=INT,\n"
        "# #SBATCH --signal=B:INT@60) stops it cleanly with a \"cancelled\" result, which merge refuses.\n")
             .arg(shellQuote(root));
    s += QStringLiteral("#SBATCH --job-name=scalinglab-sweep\n");
    s += QStringLiteral("#SBATCH --array=0-%1\n").arg(count - 1);
    s += QStringLiteral("#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n");
    // In a Slurm file name '%' starts a pattern (%A, %a), so the folder's own '%' is written '%%'.
    QString logFolder = root + QStringLiteral("/logs/");
    logFolder.replace(QLatin1Char('%'), QStringLiteral("%%"));
    s += QStringLiteral("#SBATCH --output=%1\n").arg(sbatchQuote(logFolder + QStringLiteral("%A_%a.out")));
    if (o.has(QStringLiteral("slurm-time")))
        s += QStringLiteral("#SBATCH --time=%1\n").arg(sbatchQuote(o.text(QStringLiteral("slurm-time"))));
    if (o.has(QStringLiteral("slurm-partition")))
        s += QStringLiteral("#SBATCH --partition=%1\n").arg(sbatchQuote(o.text(QStringLiteral("slurm-partition"))));
    s += QStringLiteral("set -euo pipefail\n");
    s += QStringLiteral("jobs=%1\n").arg(shellQuote(root + QStringLiteral("/jobs.txt")));
    s += QStringLiteral(
        ": \"${SLURM_ARRAY_TASK_ID:?is not set: this is a Slurm job array, submit it with sbatch}\"\n"
        "line=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" \"$jobs\")\n"
        "if [ -z \"$line\" ]; then\n"
        "  echo \"sweep.slurm: array index $SLURM_ARRAY_TASK_ID has no job ($jobs holds jobs 0-%1)\" >&2\n"
        "  exit 1\n"
        "fi\n"
        "eval \"exec $line\"\n")
             .arg(count - 1);
    return s;
}

// How one point of an emitted sweep stands, from its result file (and the store, with --store).
enum class PointState { Finished, Failed, Cancelled, Missing };

const char* stateName(PointState state)
{
    switch (state) {
    case PointState::Finished: return "finished";
    case PointState::Failed: return "failed";
    case PointState::Cancelled: return "cancelled";
    case PointState::Missing: return "missing";
    }
    return "missing";
}

struct PointReport {
    PointState state = PointState::Missing;
    QString status;  // the run's own status when the file holds a run of this point
    QString detail;  // why it is missing, or the run's message
};

// A result file that cannot be read as a run of this configuration (none yet, half written by a killed job, or
// left by another plan) leaves the point missing.
PointReport inspectResultFile(const QString& file, const QString& configHash)
{
    PointReport report;
    if (!QFileInfo(file).isFile()) {
        report.detail = QStringLiteral("no result file");
        return report;
    }
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        report.detail = QStringLiteral("unreadable result file: %1").arg(f.errorString());
        return report;
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
    QString message;
    const auto run = error.error == QJsonParseError::NoError && doc.isObject()
        ? sl::app::RunResult::fromJson(doc.object(), &message)
        : std::nullopt;
    if (!run) {
        report.detail
            = QStringLiteral("the result file is not a run result%1")
                  .arg(message.isEmpty() ? QStringLiteral(" (an interrupted write?)") : QStringLiteral(": ") + message);
        return report;
    }
    if (run->configHash != configHash) {
        report.detail = QStringLiteral("the result file holds a run of another configuration");
        return report;
    }
    report.status = QLatin1String(sl::toString(run->status));
    if (run->status == sl::Status::Cancelled)
        report.state = PointState::Cancelled;
    else
        report.state = isFinished(*run) ? PointState::Finished : PointState::Failed;
    if (report.state != PointState::Finished)
        report.detail = run->message;
    return report;
}

// Sorted indices as ranges: "0-3,7,9-10" for `sbatch --array`, or, with forSed, the matching lines of jobs.txt
// as a sed script: "1,4p;8p;10,11p".
QString indexRanges(const std::vector<int>& indices, bool forSed)
{
    QStringList parts;
    for (size_t k = 0; k < indices.size();) {
        size_t end = k;
        while (end + 1 < indices.size() && indices[end + 1] == indices[end] + 1)
            ++end;
        const int from = indices[k] + (forSed ? 1 : 0);
        const int to = indices[end] + (forSed ? 1 : 0);
        QString part = from == to
            ? QString::number(from)
            : QStringLiteral("%1%2%3").arg(from).arg(forSed ? QLatin1Char(',') : QLatin1Char('-')).arg(to);
        parts.append(forSed ? part + QLatin1Char('p') : part);
        k = end + 1;
    }
    return parts.join(forSed ? QLatin1Char(';') : QLatin1Char(','));
}

// The work directory must hold this plan's jobs: as many as it has points, each the same configuration, so that
// the command lines printed for the unfinished points run exactly those points.
void requireJobsOfPlan(const QString& root, const std::vector<sl::app::ExperimentConfig>& points)
{
    const QString jobs = root + QStringLiteral("/jobs.txt");
    if (!QFileInfo(jobs).isFile())
        throw UsageError{
            QStringLiteral("'%1' holds no jobs.txt: write the jobs first (--emit-jobs or --emit-slurm)").arg(root)};
    const int lines = int(readTextFile(jobs).trimmed().split('\n').size());
    if (lines != int(points.size()))
        throw UsageError{QStringLiteral("'%1' holds %2 jobs but the plan has %3 points: it was written for another "
                                        "plan (emit the jobs again)")
                             .arg(jobs)
                             .arg(lines)
                             .arg(points.size())};
    for (size_t i = 0; i < points.size(); ++i) {
        const QString path = root + QStringLiteral("/configs/") + pointFileName(i);
        sl::app::ConfigError error;
        const auto config = QFileInfo(path).isFile()
            ? sl::app::ExperimentConfig::fromJsonText(readTextFile(path), &error)
            : std::nullopt;
        if (!config || config->hash() != points[i].hash())
            throw UsageError{QStringLiteral("'%1' is not point %2 of this plan: the work directory was written for "
                                            "another plan (emit the jobs again)")
                                 .arg(path)
                                 .arg(i)};
    }
}

int runStatus(const Options& o, const QString& planPath, const std::vector<sl::app::ExperimentConfig>& points)
{
    const QString root = workDirOf(o, planPath);
    requireJobsOfPlan(root, points);
    QSet<QString> stored;
    if (!o.storePath().isEmpty()) {
        // A report does not create a store.
        if (!QFileInfo(o.storePath()).isFile())
            throw UsageError{QStringLiteral("no results store at '%1'").arg(o.storePath())};
        sl::app::ResultStore store;
        if (!store.open(o.storePath()))
            throw UsageError{QStringLiteral("cannot open the store: %1").arg(store.lastError())};
        const QVector<QString> hashes = store.finishedHashes();
        stored = QSet<QString>(hashes.begin(), hashes.end());
    }
    std::map<PointState, std::vector<int>> byState;
    std::vector<int> toRun;
    QJsonArray list;
    QList<QStringList> rows{{QStringLiteral("point"), QStringLiteral("state"), QStringLiteral("status"),
        QStringLiteral("n"), QStringLiteral("lambda"), QStringLiteral("seed"), QStringLiteral("detail")}};
    for (size_t i = 0; i < points.size(); ++i) {
        const QString hash = points[i].hash();
        const QString file = root + QStringLiteral("/results/") + pointFileName(i);
        PointReport report = inspectResultFile(file, hash);
        if (report.state != PointState::Finished && stored.contains(hash)) {
            report.state = PointState::Finished;
            report.detail = QStringLiteral("finished in the store");
        }
        byState[report.state].push_back(int(i));
        if (report.state != PointState::Finished)
            toRun.push_back(int(i));
        const sl::ProblemConfig& p = points[i].problem;
        list.append(QJsonObject{{QStringLiteral("index"), int(i)},
            {QStringLiteral("state"), QLatin1String(stateName(report.state))},
            {QStringLiteral("status"), report.status.isEmpty() ? QJsonValue() : QJsonValue(report.status)},
            {QStringLiteral("detail"), report.detail}, {QStringLiteral("config_hash"), hash},
            {QStringLiteral("result_file"), file}});
        rows.append({QString::number(i), QLatin1String(stateName(report.state)),
            report.status.isEmpty() ? QStringLiteral("-") : report.status, QString::number(p.samples),
            formatNumber(p.weightDecay, 4), QString::number(p.seed), report.detail});
    }
    const QString script = root + QStringLiteral("/sweep.slurm");
    const bool haveScript = QFileInfo(script).isFile();
    const QString sbatch = toRun.empty() || !haveScript
        ? QString()
        : QStringLiteral("sbatch --array=%1 %2").arg(indexRanges(toRun, false), shellQuote(script));
    const QString parallel = toRun.empty()
        ? QString()
        : QStringLiteral("sed -n '%1' %2 | parallel")
              .arg(indexRanges(toRun, true), shellQuote(root + QStringLiteral("/jobs.txt")));
    const QString merge
        = QStringLiteral("scalinglab-cli merge %1/results/*.json --store %2 --plan %3")
              .arg(shellQuote(root), o.storePath().isEmpty() ? QStringLiteral("STORE") : shellQuote(o.storePath()),
                  shellQuote(QFileInfo(planPath).absoluteFilePath()));
    auto indices = [](const std::vector<int>& v) {
        QJsonArray a;
        for (int i : v)
            a.append(i);
        return a;
    };
    QJsonObject json{{QStringLiteral("work_dir"), root}, {QStringLiteral("points"), int(points.size())},
        {QStringLiteral("finished"), indices(byState[PointState::Finished])},
        {QStringLiteral("missing"), indices(byState[PointState::Missing])},
        {QStringLiteral("failed"), indices(byState[PointState::Failed])},
        {QStringLiteral("cancelled"), indices(byState[PointState::Cancelled])},
        {QStringLiteral("to_run"), indices(toRun)},
        {QStringLiteral("sbatch"), sbatch.isEmpty() ? QJsonValue() : QJsonValue(sbatch)},
        {QStringLiteral("parallel"), parallel.isEmpty() ? QJsonValue() : QJsonValue(parallel)},
        {QStringLiteral("merge"), merge}, {QStringLiteral("point_states"), list}};
    QString human = formatTable(rows)
        + QStringLiteral("%1 of %2 points finished, %3 missing, %4 failed, %5 cancelled (work dir %6)\n")
              .arg(byState[PointState::Finished].size())
              .arg(points.size())
              .arg(byState[PointState::Missing].size())
              .arg(byState[PointState::Failed].size())
              .arg(byState[PointState::Cancelled].size())
              .arg(shellQuote(root));
    if (toRun.empty()) {
        human += QStringLiteral("Every point is finished. Load them into the store:\n  %1\n").arg(merge);
    } else {
        human += QStringLiteral("To run the %1 unfinished points (and only those):\n").arg(toRun.size());
        human += haveScript ? QStringLiteral("  %1\n").arg(sbatch)
                            : QStringLiteral("  (no sweep.slurm here: --emit-slurm writes it)\n");
        human += QStringLiteral("  %1\n").arg(parallel);
        if (!byState[PointState::Failed].empty())
            human += QStringLiteral("(The failed points are included; an unchanged configuration fails the same way "
                                    "again.)\n");
        human += QStringLiteral("then: %1\n").arg(merge);
    }
    present(o, json, human);
    return toRun.empty() ? kSuccess : kRunFailed;
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
            "                with DIR on a shared file system (add --termseq INT,10000,TERM,200,KILL,25 so that\n"
            "                Ctrl-C cancels the running jobs cleanly);\n"
            "  --emit-slurm  the same files and a Slurm job-array script (sbatch it).\n"
            "Then `scalinglab-cli merge DIR/results/*.json --store PATH --plan PLAN.json` loads the results into\n"
            "the store, and `sweep PLAN.json --status --work-dir DIR` lists the points that are finished, missing,\n"
            "failed or cancelled, with the `sbatch --array=...` and GNU parallel lines that run only the unfinished\n"
            "ones (exit code 0 when every point is finished, 1 otherwise). A cancelled or failed run never counts as\n"
            "a finished point: --resume and --status run it again."));
    o.value(
        QStringLiteral("threads"), QStringLiteral("T"), QStringLiteral("Local worker threads (default: all cores)."));
    o.flag(QStringLiteral("resume"),
        QStringLiteral("Reuse the runs already in --store (same configuration hash), e.g. after Ctrl-C."));
    o.flag(QStringLiteral("emit-jobs"), QStringLiteral("Write the jobs for GNU parallel instead of running."));
    o.flag(QStringLiteral("emit-slurm"), QStringLiteral("Write a Slurm job-array script instead of running."));
    o.flag(QStringLiteral("status"),
        QStringLiteral("Report the points of the jobs in --work-dir (and --store) instead of running."));
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
    o.exclusive({QStringLiteral("emit-jobs"), QStringLiteral("emit-slurm"), QStringLiteral("status")});
    o.exclusive({QStringLiteral("resume"), QStringLiteral("status")});
    const QString planPath = o.positional().first();
    const sl::app::ExperimentConfig plan = readPlan(planPath);
    const std::vector<sl::app::ExperimentConfig> points = plan.points();

    if (o.has(QStringLiteral("status")))
        return runStatus(o, planPath, points);
    if (o.has(QStringLiteral("emit-jobs")) || o.has(QStringLiteral("emit-slurm"))) {
        const QString workDir = workDirOf(o, planPath);
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
    Options o(QStringLiteral("merge"), QStringLiteral("RESULT.json... --store PATH [--plan PLAN.json]"),
        QStringLiteral(
            "Loads run results (the JSON that `train --json` and sweep jobs write) into the results store.\n"
            "Every file is checked first; one bad file stops the merge before anything is saved. A result whose\n"
            "configuration already has a finished run in the store is skipped, so merging twice changes nothing.\n"
            "A finished run replaces the failed runs stored for its configuration. A cancelled run is never stored:\n"
            "it is named, the other files are merged, and the exit code is 1, as it is when a failed run is merged.\n"
            "With --plan, also reports how many of the plan's points have a finished run in the store."));
    o.value(QStringLiteral("plan"), QStringLiteral("PLAN.json"),
        QStringLiteral("The sweep the results belong to: report \"k of N points of the plan\"."));
    o.parse(arguments);
    if (o.helpRequested()) {
        writeOutput(o, o.helpText().toUtf8());
        return kSuccess;
    }
    if (o.positional().isEmpty())
        throw UsageError{QStringLiteral("missing RESULT.json files (see merge --help)")};
    if (o.storePath().isEmpty())
        throw UsageError{QStringLiteral("needs --store PATH")};
    std::optional<sl::app::ExperimentConfig> plan;
    if (o.has(QStringLiteral("plan")))
        plan = readPlan(o.text(QStringLiteral("plan")));
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
    const QVector<QString> finishedHashes = store.finishedHashes();
    const QVector<QString> anyHashes = store.hashes();
    QSet<QString> finished(finishedHashes.begin(), finishedHashes.end());
    QSet<QString> known(anyHashes.begin(), anyHashes.end());
    int merged = 0, skipped = 0, replaced = 0, failed = 0;
    QStringList cancelled;
    QJsonArray list, refused;
    for (int k = 0; k < results.size(); ++k) {
        const sl::app::RunResult& r = results[k];
        if (r.status == sl::Status::Cancelled) {
            cancelled.append(o.positional().at(k));
            refused.append(o.positional().at(k));
            continue;
        }
        list.append(r.toJson());
        const bool done = isFinished(r);
        if (!done)
            ++failed;
        // A finished run is new unless the configuration has a finished run already; a failed one unless the
        // configuration has any run.
        if (done ? finished.contains(r.configHash) : known.contains(r.configHash)) {
            ++skipped;
            continue;
        }
        int removed = 0;
        if (store.save(r.toJson(), &removed) < 0)
            throw RunError{QStringLiteral("saving to the store failed: %1").arg(store.lastError())};
        replaced += removed;
        known.insert(r.configHash);
        if (done)
            finished.insert(r.configHash);
        ++merged;
    }
    QJsonObject json{{QStringLiteral("store"), o.storePath()}, {QStringLiteral("merged"), merged},
        {QStringLiteral("skipped"), skipped}, {QStringLiteral("replaced"), replaced},
        {QStringLiteral("failed"), failed}, {QStringLiteral("cancelled"), refused}, {QStringLiteral("results"), list}};
    QVector<sl::app::RunResult> shown;
    for (const sl::app::RunResult& r : results) {
        if (r.status != sl::Status::Cancelled)
            shown.append(r);
    }
    QString human = runTable(shown)
        + QStringLiteral("%1 merged, %2 already in %3").arg(merged).arg(skipped).arg(o.storePath())
        + (replaced > 0 ? QStringLiteral(" (replacing %1 failed runs)").arg(replaced) : QString()) + QLatin1Char('\n');
    for (const QString& path : cancelled)
        human += QStringLiteral("not merged: %1 is a cancelled run (run the point again)\n").arg(path);
    if (plan) {
        const std::vector<sl::app::ExperimentConfig> points = plan->points();
        QJsonArray unfinished;
        int planFinished = 0;
        for (size_t i = 0; i < points.size(); ++i) {
            if (finished.contains(points[i].hash()))
                ++planFinished;
            else
                unfinished.append(int(i));
        }
        json.insert(QStringLiteral("plan_points"), int(points.size()));
        json.insert(QStringLiteral("plan_finished"), planFinished);
        json.insert(QStringLiteral("plan_unfinished"), unfinished);
        human += QStringLiteral("%1 of %2 points of the plan are finished in %3%4\n")
                     .arg(planFinished)
                     .arg(points.size())
                     .arg(o.storePath())
                     .arg(planFinished < int(points.size())
                             ? QStringLiteral(" (`scalinglab-cli sweep PLAN.json --status --work-dir DIR` prints the "
                                              "lines that run the rest)")
                             : QString());
    }
    present(o, json, human);
    return cancelled.isEmpty() && failed == 0 ? kSuccess : kRunFailed;
}

}  // namespace sl::cli
