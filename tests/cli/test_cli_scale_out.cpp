// SPDX-License-Identifier: GPL-3.0-or-later
// The scale-out path for real (issue 21): GNU parallel runs the emitted jobs from a work directory whose path has a
// space and a quote, `merge --plan` counts the plan's points and `sweep --status` names the unfinished ones with the
// line that runs just those; the Slurm script refuses an array index without a job and hands a signal to the run
// (exec); a run cancelled with SIGINT (under GNU parallel, or through the script) is never merged, never reused by
// --resume, and never overwrites a finished result; merge and --resume replace stored cancelled and failed rows.
// The real Slurm cluster is scripts/test-slurm.
#include "cli_process.h"

#include "app/experiment/experiment_config.h"
#include "app/store/result_store.h"

#include <QByteArray>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileDevice>
#include <QFileInfo>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QStringLiteral>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <map>

using sl::test::CliRun;
using sl::test::runCli;

namespace {

// Six fast points (convex LASSO, d = 8): 3 sample sizes × 2 seeds.
const QByteArray kFastPlan = "{\"schema\": \"scalinglab.experiment\", \"version\": 1, \"solver\": \"convex\",\n"
                             " \"problem\": {\"model\": \"diagonal\", \"dimension\": 8, \"weight_decay\": 0.2, "
                             "\"gamma\": 1.0, \"noise\": 0.5,\n"
                             "             \"seed\": 4},\n"
                             " \"seeds\": 2, \"sweep\": {\"n\": {\"from\": 6, \"to\": 40, \"points\": 3}}}\n";

// Two points that each run for minutes (plain gradient descent, both stopping tests off): they only ever end by
// being cancelled here.
const QByteArray kSlowPlan
    = "{\"schema\": \"scalinglab.experiment\", \"version\": 1, \"solver\": \"gd\",\n"
      " \"problem\": {\"model\": \"diagonal\", \"dimension\": 50, \"samples\": 100, \"weight_decay\": 0.2, \"seed\": "
      "1},\n"
      " \"train\": {\"max_iterations\": 20000000, \"gradient_tolerance\": 0, \"loss_change_tolerance\": 0,\n"
      "           \"learning_rate\": 0.001},\n"
      " \"seeds\": 2}\n";

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QJsonObject readObject(const QString& path)
{
    return QJsonDocument::fromJson(readAll(path)).object();
}

void writeObject(const QString& path, const QJsonObject& object)
{
    sl::test::writeText(path, QJsonDocument(object).toJson());
}

// Each run's JSON by configuration hash, without its wall time (the only field that may differ between two runs of
// one configuration).
std::map<QString, QJsonObject> byHash(const QJsonArray& results)
{
    std::map<QString, QJsonObject> out;
    for (const QJsonValue& v : results) {
        QJsonObject o = v.toObject();
        o.remove("duration_ms");
        out[o["config_hash"].toString()] = o;
    }
    return out;
}

QList<int> indices(const QJsonValue& array)
{
    QList<int> out;
    for (const QJsonValue& v : array.toArray())
        out.append(v.toInt());
    return out;
}

// Whether process `pid` has a SIGINT handler installed (bit 2 of SigCgt in /proc/PID/status), i.e. the CLI has got
// far enough that an interrupt cancels the run instead of killing the process.
bool catchesSigint(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return false;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("SigCgt:")) {
            bool ok = false;
            const qulonglong mask = line.mid(7).trimmed().toULongLong(&ok, 16);
            return ok && (mask & (1ull << (SIGINT - 1)));
        }
    }
    return false;
}

// A child process of `parent` (GNU parallel's job), or 0.
qint64 childOf(qint64 parent)
{
    for (const QString& entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        const QByteArray stat = readAll(QStringLiteral("/proc/%1/stat").arg(pid));
        // "pid (comm) state ppid ...": the command may hold spaces, so read after its closing parenthesis.
        const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields[1].toLongLong() == parent)
            return pid;
    }
    return 0;
}

// Whether process `pid` is scalinglab-cli itself (a shell or GNU parallel's forked perl, before they exec the
// job, may have a SIGINT handler of their own).
bool isCli(qint64 pid)
{
    return QFileInfo(QStringLiteral("/proc/%1/exe").arg(pid)).canonicalFilePath()
        == QFileInfo(QStringLiteral(SCALINGLAB_CLI_PATH)).canonicalFilePath();
}

// Waits until process `pid` (or, with ofChild, its child) is scalinglab-cli and catches SIGINT; returns that
// process, or 0.
qint64 waitUntilCatchingSigint(qint64 pid, bool ofChild)
{
    for (int i = 0; i < 400; ++i) {
        const qint64 target = ofChild ? childOf(pid) : pid;
        if (target > 0 && isCli(target) && catchesSigint(target))
            return target;
        QTest::qWait(25);
    }
    return 0;
}

// A row written straight into the runs table, as a store written before cancelled runs were refused could hold.
bool insertRawRow(const QString& storePath, const QJsonObject& result)
{
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
        db.setDatabaseName(storePath);
        if (db.open()) {
            QSqlQuery insert(db);
            insert.prepare("INSERT INTO runs (config_hash, config_json, result_json, status, software_version,"
                           " created_at) VALUES (?, ?, ?, ?, 'old', '2026-01-01T00:00:00')");
            insert.addBindValue(result["config_hash"].toString());
            insert.addBindValue(QString::fromUtf8(QJsonDocument(result["config"].toObject()).toJson()));
            insert.addBindValue(QString::fromUtf8(QJsonDocument(result).toJson()));
            insert.addBindValue(result["status"].toString());
            ok = insert.exec();
            insert.finish();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));
    return ok;
}

QStringList resultFiles(const QString& workDir)
{
    QStringList files = QDir(workDir + "/results").entryList({"*.json"}, QDir::Files, QDir::Name);
    for (QString& f : files)
        f = workDir + "/results/" + f;
    return files;
}

}  // namespace

class TestCliScaleOut : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

    static QString parallelExecutable() { return QStandardPaths::findExecutable(QStringLiteral("parallel")); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        sl::test::writeText(path("fast.json"), kFastPlan);
        sl::test::writeText(path("slow.json"), kSlowPlan);
    }

    void parallelRunsTheJobsFromAPathWithASpaceAndStatusNamesWhatIsLeft()
    {
        if (parallelExecutable().isEmpty())
            QSKIP("GNU parallel is not installed (scripts/setup.sh installs it)");
        const CliRun local
            = runCli({"sweep", path("fast.json"), "--threads", "2", "--store", path("local.sqlite"), "--json"});
        QCOMPARE(local.exitCode, 0);
        const auto expected = byHash(local.json()["results"].toArray());
        QCOMPARE(expected.size(), size_t(6));

        const QString work = path("sp ace/it's work");
        QCOMPARE(runCli({"sweep", path("fast.json"), "--emit-jobs", "--work-dir", work}).exitCode, 0);
        // Nothing has run: every point is missing, and the line for GNU parallel runs all six.
        CliRun status = runCli({"sweep", path("fast.json"), "--status", "--work-dir", work, "--json"});
        QCOMPARE(status.exitCode, 1);
        QCOMPARE(indices(status.json()["missing"]), (QList<int>{0, 1, 2, 3, 4, 5}));
        QCOMPARE(status.json()["parallel"].toString(),
            QString("sed -n '1,6p' '%1/jobs.txt' | parallel").arg(QString(work).replace("'", "'\\''")));
        QVERIFY(status.json()["sbatch"].isNull());  // no sweep.slurm in a --emit-jobs directory

        QProcess parallel;
        parallel.setStandardInputFile(work + "/jobs.txt");
        parallel.start(parallelExecutable(), {"--will-cite", "-j", "2", "--halt", "now,fail=1"});
        QVERIFY(parallel.waitForFinished(60000));
        QCOMPARE(parallel.exitCode(), 0);
        const QStringList files = resultFiles(work);
        QCOMPARE(files.size(), 6);
        status = runCli({"sweep", path("fast.json"), "--status", "--work-dir", work, "--json"});
        QCOMPARE(status.exitCode, 0);
        QCOMPARE(indices(status.json()["finished"]).size(), 6);
        QVERIFY(status.json()["to_run"].toArray().isEmpty());

        // Merged with the plan: 6 of 6 points, each bit-identical to the local sweep's run.
        const CliRun merge = runCli(
            QStringList{"merge", "--store", path("parallel.sqlite"), "--plan", path("fast.json"), "--json"} + files);
        QCOMPARE(merge.exitCode, 0);
        const QJsonObject mj = merge.json();
        QCOMPARE(mj["merged"].toInt(), 6);
        QCOMPARE(mj["plan_points"].toInt(), 6);
        QCOMPARE(mj["plan_finished"].toInt(), 6);
        QVERIFY(byHash(mj["results"].toArray()) == expected);
        const CliRun again
            = runCli(QStringList{"merge", "--store", path("parallel.sqlite"), "--plan", path("fast.json")} + files);
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.out.contains("0 merged, 6 already in") && again.out.contains("6 of 6 points of the plan"),
            again.out.constData());
        // Given only part of the results, merge into a new store counts what the plan still lacks.
        const CliRun part = runCli(
            {"merge", "--store", path("part.sqlite"), "--plan", path("fast.json"), "--json", files[0], files[5]});
        QCOMPARE(part.json()["plan_finished"].toInt(), 2);
        QCOMPARE(indices(part.json()["plan_unfinished"]), (QList<int>{1, 2, 3, 4}));

        // Two results gone: --status names them and its line runs those two and nothing else.
        QVERIFY(QFile::remove(files[1]) && QFile::remove(files[4]));
        const QDateTime past = QDateTime::currentDateTime().addDays(-1);
        for (int i : {0, 2, 3, 5}) {
            QFile f(files[i]);
            QVERIFY(f.open(QIODevice::ReadWrite) && f.setFileTime(past, QFileDevice::FileModificationTime));
        }
        status = runCli({"sweep", path("fast.json"), "--status", "--work-dir", work, "--json"});
        QCOMPARE(status.exitCode, 1);
        QCOMPARE(indices(status.json()["missing"]), (QList<int>{1, 4}));
        // With the store they were merged into, the two count as finished; a store that is not there is an error.
        const CliRun withStore = runCli(
            {"sweep", path("fast.json"), "--status", "--work-dir", work, "--store", path("parallel.sqlite"), "--json"});
        QCOMPARE(withStore.exitCode, 0);
        QCOMPARE(indices(withStore.json()["finished"]).size(), 6);
        QCOMPARE(runCli({"sweep", path("fast.json"), "--status", "--work-dir", work, "--store", path("none.sqlite")})
                     .exitCode,
            2);
        QVERIFY(!QFile::exists(path("none.sqlite")));
        const QString line = status.json()["parallel"].toString();
        QVERIFY2(line.startsWith("sed -n '2p;5p' "), qPrintable(line));
        QProcess shell;
        shell.start("bash", {"-c", line + " --will-cite"});
        QVERIFY(shell.waitForFinished(60000));
        QCOMPARE(shell.exitCode(), 0);
        for (int i : {0, 2, 3, 5})
            QCOMPARE(QFileInfo(files[i]).lastModified(), past);
        for (const QString& f : files)
            QCOMPARE(byHash(QJsonArray{readObject(f)}),
                (std::map<QString, QJsonObject>{*expected.find(readObject(f)["config_hash"].toString())}));
        QCOMPARE(runCli({"sweep", path("fast.json"), "--status", "--work-dir", work}).exitCode, 0);
        // A work directory of another plan is refused rather than described.
        const CliRun other = runCli({"sweep", path("slow.json"), "--status", "--work-dir", work});
        QCOMPARE(other.exitCode, 2);
        QVERIFY2(other.oneErrorLine() && other.err.contains("another plan"), other.err.constData());
    }

    void slurmScriptQuotesPathsAndRefusesAnIndexWithoutAJob()
    {
        const QString work = path("slurm \"dir\" 100%");
        const CliRun emitted = runCli(
            {"sweep", path("fast.json"), "--emit-slurm", "--work-dir", work, "--slurm-partition", "debug queue"});
        QCOMPARE(emitted.exitCode, 0);
        // sbatch reads double quotes with backslash escapes in #SBATCH lines; '%' is doubled in a file name.
        const QString quoted = QString(work).replace("\"", "\\\"").replace("%", "%%");
        QVERIFY2(emitted.out.contains(QString("#SBATCH --output=\"%1/logs/%A_%a.out\"\n").arg(quoted).toUtf8()),
            emitted.out.constData());
        QVERIFY(emitted.out.contains("#SBATCH --partition=\"debug queue\"\n"));
        QVERIFY(emitted.out.contains("#SBATCH --array=0-5\n"));

        auto task = [&](const QString& index, bool set) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.remove("SLURM_ARRAY_TASK_ID");
            if (set)
                env.insert("SLURM_ARRAY_TASK_ID", index);
            p.setProcessEnvironment(env);
            p.start("bash", {work + "/sweep.slurm"});
            p.waitForFinished(60000);
            return std::make_pair(p.exitCode(), p.readAllStandardError());
        };
        const auto beyond = task("9", true);
        QCOMPARE(beyond.first, 1);
        QVERIFY2(beyond.second.contains("array index 9 has no job") && beyond.second.contains("0-5"),
            beyond.second.constData());
        QVERIFY(resultFiles(work).isEmpty());
        const auto unset = task(QString(), false);
        QVERIFY(unset.first != 0);
        QVERIFY2(unset.second.contains("SLURM_ARRAY_TASK_ID"), unset.second.constData());
        const auto second = task("2", true);
        QCOMPARE(second.first, 0);
        const std::vector<sl::app::ExperimentConfig> points
            = sl::app::ExperimentConfig::fromJsonText(kFastPlan)->points();
        QCOMPARE(readObject(work + "/results/point-00002.json")["config_hash"].toString(), points[2].hash());
        const CliRun status = runCli({"sweep", path("fast.json"), "--status", "--work-dir", work, "--json"});
        QCOMPARE(indices(status.json()["finished"]), QList<int>{2});
        QCOMPARE(status.json()["sbatch"].toString(),
            QString("sbatch --array=0-1,3-5 '%1/sweep.slurm'").arg(QString(work).replace("'", "'\\''")));

        // The run replaces the script's shell (exec), so SIGINT to the batch step reaches it: a clean cancel.
        const QString slow = path("slow slurm");
        QCOMPARE(runCli({"sweep", path("slow.json"), "--emit-slurm", "--work-dir", slow}).exitCode, 0);
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("SLURM_ARRAY_TASK_ID", "1");
        p.setProcessEnvironment(env);
        p.start("bash", {slow + "/sweep.slurm"});
        QVERIFY(p.waitForStarted());
        QVERIFY(waitUntilCatchingSigint(p.processId(), false) == p.processId());
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 1);
        QCOMPARE(readObject(slow + "/results/point-00001.json")["status"].toString(), QString("cancelled"));
    }

    void cancelledRunUnderParallelIsNeverMergedNorKeptOverAFinishedOne()
    {
        if (parallelExecutable().isEmpty())
            QSKIP("GNU parallel is not installed (scripts/setup.sh installs it)");
        const QString work = path("slow work");
        QCOMPARE(runCli({"sweep", path("slow.json"), "--emit-jobs", "--work-dir", work}).exitCode, 0);
        // Ctrl-C under GNU parallel with --termseq INT,...: parallel passes SIGINT on to the running job.
        QProcess parallel;
        parallel.setStandardInputFile(work + "/jobs.txt");
        parallel.start(parallelExecutable(), {"--will-cite", "-j", "1", "--termseq", "INT,10000,TERM,200,KILL,25"});
        QVERIFY(parallel.waitForStarted());
        QVERIFY(waitUntilCatchingSigint(parallel.processId(), true) > 0);
        ::kill(pid_t(parallel.processId()), SIGINT);
        QVERIFY(parallel.waitForFinished(30000));
        const QString cancelled = work + "/results/point-00000.json";
        const QJsonObject run = readObject(cancelled);
        QCOMPARE(run["status"].toString(), QString("cancelled"));
        QVERIFY(!QFile::exists(work + "/results/point-00001.json"));  // parallel started nothing more

        // merge stores nothing of it, names it, and says so in its exit code.
        CliRun merge = runCli({"merge", cancelled, "--store", path("cancel.sqlite"), "--plan", path("slow.json")});
        QCOMPARE(merge.exitCode, 1);
        QVERIFY2(
            merge.out.contains("not merged: " + cancelled.toUtf8() + " is a cancelled run"), merge.out.constData());
        QVERIFY(merge.out.contains("0 of 2 points of the plan"));
        merge = runCli({"merge", cancelled, "--store", path("cancel.sqlite"), "--json"});
        QCOMPARE(merge.json()["merged"].toInt(), 0);
        QCOMPARE(merge.json()["cancelled"].toArray(), QJsonArray{cancelled});
        {
            sl::app::ResultStore store;
            QVERIFY(store.open(path("cancel.sqlite")));
            QCOMPARE(store.count(), 0);
        }
        const CliRun status = runCli({"sweep", path("slow.json"), "--status", "--work-dir", work, "--json"});
        QCOMPARE(status.exitCode, 1);
        QCOMPARE(indices(status.json()["cancelled"]), QList<int>{0});
        QCOMPARE(indices(status.json()["missing"]), QList<int>{1});
        QCOMPARE(indices(status.json()["to_run"]), (QList<int>{0, 1}));
        const CliRun human = runCli({"sweep", path("slow.json"), "--status", "--work-dir", work});
        QVERIFY2(human.out.contains("0 of 2 points finished, 1 missing, 0 failed, 1 cancelled"), human.out.constData());

        // A finished result already in --output is never overwritten by a cancelled rerun of the same point.
        QJsonObject finished = run;
        finished["status"] = "max-iterations";
        writeObject(cancelled, finished);
        const QByteArray before = readAll(cancelled);
        const QString job = QString::fromUtf8(readAll(work + "/jobs.txt")).split('\n').first();
        QProcess train;
        train.start("bash", {"-c", "exec " + job});
        QVERIFY(train.waitForStarted());
        QVERIFY(waitUntilCatchingSigint(train.processId(), false) > 0);
        ::kill(pid_t(train.processId()), SIGINT);
        QVERIFY(train.waitForFinished(30000));
        QCOMPARE(train.exitCode(), 1);
        const QByteArray err = train.readAllStandardError();
        QVERIFY2(err.contains("already holds a finished run of this configuration"), err.constData());
        QCOMPARE(readAll(cancelled), before);
    }

    void resumeAndMergeReplaceCancelledAndFailedRows()
    {
        const CliRun local = runCli({"sweep", path("fast.json"), "--threads", "2", "--json"});
        QCOMPARE(local.exitCode, 0);
        const QJsonArray results = local.json()["results"].toArray();
        const auto expected = byHash(results);
        // A store with point 0 cancelled (as the earlier merge stored it), point 1 diverged, point 2 finished.
        QJsonObject cancelled = results[0].toObject();
        cancelled["status"] = "cancelled";
        QJsonObject diverged = results[1].toObject();
        diverged["status"] = "diverged";
        {
            sl::app::ResultStore store;
            QVERIFY(store.open(path("resume.sqlite")));
            QVERIFY(store.save(diverged) > 0);
            QVERIFY(store.save(results[2].toObject()) > 0);
        }
        QVERIFY(insertRawRow(path("resume.sqlite"), cancelled));
        const CliRun resumed
            = runCli({"sweep", path("fast.json"), "--store", path("resume.sqlite"), "--resume", "--json"});
        QCOMPARE(resumed.exitCode, 0);
        QCOMPARE(resumed.json()["from_store"].toInt(), 1);  // only the finished point 2
        QCOMPARE(resumed.json()["failed"].toInt(), 0);
        QVERIFY(byHash(resumed.json()["results"].toArray()) == expected);
        {
            sl::app::ResultStore store;
            QVERIFY(store.open(path("resume.sqlite")));
            QCOMPARE(store.count(), 6);  // the cancelled and diverged rows were replaced, not added to
            for (const sl::app::StoredRun& r : store.runs())
                QCOMPARE(r.status, QString("converged"));
        }

        // merge: a finished result replaces the cancelled row instead of being skipped as "already in".
        sl::test::writeText(path("point0.json"), QJsonDocument(results[0].toObject()).toJson());
        {
            sl::app::ResultStore fresh;
            QVERIFY(fresh.open(path("fresh.sqlite")));
        }
        QVERIFY(insertRawRow(path("fresh.sqlite"), cancelled));
        const CliRun merge = runCli({"merge", path("point0.json"), "--store", path("fresh.sqlite"), "--json"});
        QCOMPARE(merge.exitCode, 0);
        QCOMPARE(merge.json()["merged"].toInt(), 1);
        QCOMPARE(merge.json()["replaced"].toInt(), 1);
        sl::app::ResultStore fresh;
        QVERIFY(fresh.open(path("fresh.sqlite")));
        QCOMPARE(fresh.count(), 1);
        QCOMPARE(fresh.runs().first().status, QString("converged"));
        // A diverged result is stored as a failed point (exit 1), and replaced once a finished one arrives.
        sl::test::writeText(path("point1-diverged.json"), QJsonDocument(diverged).toJson());
        sl::test::writeText(path("point1.json"), QJsonDocument(results[1].toObject()).toJson());
        CliRun failed = runCli({"merge", path("point1-diverged.json"), "--store", path("fresh.sqlite"), "--json"});
        QCOMPARE(failed.exitCode, 1);
        QCOMPARE(failed.json()["merged"].toInt(), 1);
        QCOMPARE(failed.json()["failed"].toInt(), 1);
        failed = runCli({"merge", path("point1.json"), "--store", path("fresh.sqlite"), "--json"});
        QCOMPARE(failed.exitCode, 0);
        QCOMPARE(failed.json()["replaced"].toInt(), 1);
        QCOMPARE(fresh.count(), 2);
        QCOMPARE(fresh.finishedHashes().size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestCliScaleOut)
#include "test_cli_scale_out.moc"
