// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli train, curve, sweep and merge end to end (QProcess): results recomputed here through core, the
// GNU parallel scale-out path against a local sweep, the Slurm script, and Ctrl-C keeping finished results.
#include "cli_process.h"

#include "app/experiment/experiment_config.h"
#include "app/store/result_store.h"
#include "core/convex/lasso_solver.h"
#include "core/model/problem.h"
#include "core/theory/lasso_state_evolution.h"
#include "core/theory/phase_diagram.h"
#include "core/train/trainer.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1String>
#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QStringLiteral>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <csignal>
#include <map>

using sl::test::CliRun;
using sl::test::runCli;

class TestCliExperiments : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

    static QByteArray plan(int points, int seeds)
    {
        return QStringLiteral(
            "{\"schema\": \"scalinglab.experiment\", \"version\": 1, \"solver\": \"convex\",\n"
            " \"problem\": {\"model\": \"diagonal\", \"dimension\": 8, \"weight_decay\": 0.2, \"gamma\": 1.0,\n"
            "             \"noise\": 0.5, \"seed\": 4},\n"
            " \"seeds\": %1, \"sweep\": {\"n\": {\"from\": 6, \"to\": 40, \"points\": %2}}}\n")
            .arg(seeds)
            .arg(points)
            .toUtf8();
    }

    static std::map<QString, double> risksByHash(const QJsonArray& results)
    {
        std::map<QString, double> out;
        for (const QJsonValue& v : results)
            out[v["config_hash"].toString()] = v["excess_risk"].toDouble();
        return out;
    }

private slots:
    void trainMatchesCoreBitForBit()
    {
        QVERIFY(m_dir.isValid());
        struct Case {
            QStringList args;
        };
        const Case cases[] = {
            {{"--model", "diagonal", "--d", "10", "--samples", "40", "--weight-decay", "0.1", "--seed", "3"}},
            {{"--model", "quadratic", "--d", "8", "--samples", "120", "--weight-decay", "0.05", "--seed", "2"}},
            {{"--model", "quadratic", "--d", "6", "--width", "3", "--n-eff", "15", "--weight-decay", "0.2", "--solver",
                "adam", "--max-iterations", "300", "--learning-rate", "0.01"}},
        };
        for (const Case& c : cases) {
            const CliRun r = runCli(QStringList{"train", "--json"} + c.args);
            QCOMPARE(r.exitCode, 0);
            const QJsonObject j = r.json();
            for (const char* key : {"config", "status", "iterations", "train_loss", "objective", "excess_risk",
                     "matrix_mse", "convex_gap", "eigenvalues", "tail_fit", "phase"})
                QVERIFY2(j.contains(QLatin1String(key)), key);
            for (const char* key : {"alpha", "sigma", "xmin", "ks", "n_tail", "status"})
                QVERIFY2(j["tail_fit"].toObject().contains(QLatin1String(key)), key);
            // Recompute from the printed configuration through core alone: same seed, bit-identical.
            sl::app::ConfigError error;
            const auto config = sl::app::ExperimentConfig::fromJson(j["config"].toObject(), &error);
            QVERIFY2(config, qPrintable(error.text()));
            const sl::Problem problem = sl::makeProblem(config->problem);
            const sl::TrainResult trained = sl::Trainer::run(problem, config->train);
            QCOMPARE(j["excess_risk"].toDouble(), trained.excessRisk);
            QCOMPARE(j["iterations"].toInt(), trained.iterations);
            QCOMPARE(j["objective"].toDouble(), trained.objective);
            if (config->problem.model == sl::ModelKind::Quadratic) {
                QCOMPARE(j["matrix_mse"].toDouble(), trained.matrixMse);
                // The test excess risk is 2·E_mat (docs/theory/models.md §4), and E_mat = (1/d)‖WWᵀ − S*‖_F² from the
                // weights.
                const Eigen::MatrixXd S = trained.W * trained.W.transpose();
                const double emat = (S - problem.teacher.matrix).squaredNorm() / config->problem.dimension;
                QVERIFY(std::abs(trained.matrixMse - emat) <= 1e-10 * emat);
                QCOMPARE(j["eigenvalues"].toArray().size(), config->problem.dimension);
            } else {
                QVERIFY(j["matrix_mse"].isNull());
            }
            const sl::PhaseInfo phase
                = sl::PhaseDiagram({double(config->problem.dimension), config->problem.gamma, config->problem.noise})
                      .classify(config->problem.nEff(), config->problem.weightDecay);
            QCOMPARE(j["phase"].toString(), QString::fromStdString(phase.label));
        }
        // The text output's status line names the status and the iterations once (each was printed twice, as in
        // "converged after 13 iterations converged after 13 sweeps ..."), for the optimisers and the convex solvers.
        const QStringList textCases[] = {
            {"--model", "quadratic", "--d", "8", "--samples", "120", "--weight-decay", "0.05"},
            {"--model", "quadratic", "--d", "8", "--samples", "120", "--weight-decay", "0.05", "--solver", "convex"},
            {"--model", "diagonal", "--d", "10", "--samples", "40", "--weight-decay", "0.1", "--solver", "convex"},
        };
        for (const QStringList& args : textCases) {
            const CliRun r = runCli(QStringList{"train", "--no-tail-fit"} + args);
            QCOMPARE(r.exitCode, 0);
            const QString status
                = QString::fromUtf8(r.out).split(QLatin1Char('\n')).filter(QRegularExpression("^status\\b")).value(0);
            QVERIFY2(status.count(QStringLiteral("converged")) == 1, qPrintable(status));
            QVERIFY2(status.count(QStringLiteral(" after ")) == 1, qPrintable(status));
        }
        // The same run from a --config file, with an option laid over it.
        const CliRun first = runCli({"train", "--json", "--model", "diagonal", "--d", "10", "--samples", "40"});
        sl::test::writeText(path("run.json"), first.out);
        const CliRun again = runCli({"train", "--json", "--config", path("run.json")});
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(again.json()["excess_risk"].toDouble(), first.json()["excess_risk"].toDouble());
        const CliRun other = runCli({"train", "--json", "--config", path("run.json"), "--seed", "9"});
        const QJsonObject otherJson = other.json();
        QCOMPARE(otherJson["config"]["problem"]["seed"].toInt(), 9);
        QVERIFY(other.json()["excess_risk"].toDouble() != first.json()["excess_risk"].toDouble());
        // Config errors name the key; a sweep is not one run.
        sl::test::writeText(path("typo.json"),
            "{\"schema\": \"scalinglab.experiment\", \"version\": 1, \"problem\": {\"dimensoin\": 5}}");
        CliRun bad = runCli({"train", "--config", path("typo.json")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.oneErrorLine() && bad.err.contains("dimensoin"));
        sl::test::writeText(path("plan.json"), plan(3, 1));
        bad = runCli({"train", "--config", path("plan.json")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.oneErrorLine() && bad.err.contains("sweep"));
        bad = runCli({"train", "--model", "cubic"});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.oneErrorLine());
    }

    void curveAggregatesAndFits()
    {
        const CliRun r = runCli({"curve", "--model", "diagonal", "--d", "8", "--samples-from", "6", "--samples-to",
            "48", "--points", "4", "--seeds", "3", "--weight-decay", "0.2", "--solver", "convex", "--seed", "10",
            "--threads", "2", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = r.json();
        const QJsonArray points = j["points"].toArray();
        QCOMPARE(points.size(), 4);
        std::vector<double> xs, ys;
        for (const QJsonValue& v : points) {
            const long long n = v["samples"].toInteger();
            QCOMPARE(v["n_eff"].toDouble(), double(n));  // diagonal: n_eff = n (docs/theory/models.md §5)
            // Each seed recomputed here with core's LASSO in the network's units (docs/theory/models.md §2,
            // docs/theory/convex.md §1).
            std::vector<double> risks;
            for (int s = 0; s < 3; ++s) {
                sl::ProblemConfig p;
                p.model = sl::ModelKind::Diagonal;
                p.dimension = 8;
                p.samples = n;
                p.weightDecay = 0.2;
                p.seed = 10 + s;
                const sl::Problem problem = sl::makeProblem(p);
                sl::LassoConfig lasso;
                lasso.lambda = 0.2;
                lasso.units = sl::LassoUnits::Experiment;
                const sl::LassoResult fit = sl::LassoSolver(problem.data.X, problem.data.y, lasso).run();
                risks.push_back((fit.theta - problem.teacher.spectrum).squaredNorm() / 8);
            }
            const double mean = (risks[0] + risks[1] + risks[2]) / 3;
            double ss = 0;
            for (double x : risks)
                ss += (x - mean) * (x - mean);
            const double se = std::sqrt(ss / 2) / std::sqrt(3.0);
            QVERIFY(std::abs(v["mean"].toDouble() - mean) <= 1e-6 * mean);
            QVERIFY(std::abs(v["stderr"].toDouble() - se) <= 1e-5 * mean);
            // The theory column is the LASSO state evolution at α = n/d, averaged over the Gaussian teacher.
            sl::LassoStateEvolutionConfig se0;
            se0.teacher = sl::lassoPowerLawVariances(8, 1.0);
            se0.mode = sl::LassoTeacherMode::VarianceProfile;
            se0.alpha = double(n) / 8;
            se0.lambda = 0.2;
            se0.noise = 0.5;
            const double theory = sl::LassoStateEvolution(se0).run().risk;
            QVERIFY(std::abs(v["theory"].toDouble() - theory) <= 1e-6 * theory);
            xs.push_back(std::log(double(n)));
            ys.push_back(std::log(v["mean"].toDouble()));
        }
        // Least-squares slope recomputed here.
        double mx = 0, my = 0;
        for (size_t i = 0; i < xs.size(); ++i) {
            mx += xs[i] / xs.size();
            my += ys[i] / ys.size();
        }
        double sxy = 0, sxx = 0;
        for (size_t i = 0; i < xs.size(); ++i) {
            sxy += (xs[i] - mx) * (ys[i] - my);
            sxx += (xs[i] - mx) * (xs[i] - mx);
        }
        const QJsonObject fit = j["fit"].toObject();
        QVERIFY(std::abs(fit["slope"].toDouble() - sxy / sxx) < 1e-9);
        QVERIFY(fit["slope_low"].toDouble() < fit["slope"].toDouble());
        QVERIFY(fit["slope_high"].toDouble() > fit["slope"].toDouble());
        QCOMPARE(fit["points_used"].toInt(), 4);
        // The 95% interval is slope ± t·SE with the exact Student t quantile: for 4 points (2 degrees of freedom)
        // t_p = (2p − 1)/√(2p(1 − p)) in closed form, p = 0.975 (a rounded table would miss it by ~1e-5).
        const double slope = sxy / sxx;
        const double intercept = my - slope * mx;
        double rss = 0;
        for (size_t i = 0; i < xs.size(); ++i)
            rss += std::pow(ys[i] - intercept - slope * xs[i], 2);
        const double standardError = std::sqrt(rss / 2 / sxx);
        const double t = 0.95 / std::sqrt(2 * 0.975 * 0.025);
        QVERIFY(std::abs(fit["slope_high"].toDouble() - slope - t * standardError) <= 1e-8 * t * standardError);
        QVERIFY(std::abs(slope - fit["slope_low"].toDouble() - t * standardError) <= 1e-8 * t * standardError);
        QVERIFY(std::abs(fit["intercept"].toDouble() - intercept) <= 1e-9 * (1 + std::abs(intercept)));
        // The predicted slope is that of the phases the grid's n_eff range crosses (the chord of their power laws,
        // as the window's risk plot shows it), recomputed here on a 20 000-point grid: borders to 1e-4 decades.
        const sl::PhaseDiagram diagram({8, 1.0, 0.5});
        const double logD = std::log(8.0), b = std::log(0.2) / logD;
        QStringList crossed;
        double weighted = 0;
        constexpr int kFine = 20000;
        for (int k = 0; k < kFine; ++k) {
            const double x0 = 6.0 * std::pow(8.0, double(k) / kFine), x1 = 6.0 * std::pow(8.0, double(k + 1) / kFine);
            const std::string label = diagram.pureLabel(std::log(std::sqrt(x0 * x1)) / logD, b);
            if (crossed.isEmpty() || crossed.last() != QString::fromStdString(label))
                crossed << QString::fromStdString(label);
            weighted += diagram.exponentN(label) * std::log(x1 / x0);
        }
        QCOMPARE(j["phase"].toString(), crossed.join(QStringLiteral(" → ")));
        QCOMPARE(j["phases"].toArray().size(), crossed.size());
        QVERIFY(std::abs(j["predicted_slope"].toDouble() - weighted / std::log(8.0)) < 1e-3);
        QCOMPARE(j["predicted_slope_inferred"].toBool(), crossed.size() > 1);

        const CliRun bad = runCli({"curve", "--samples-from", "10"});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.oneErrorLine());
    }

    void parallelJobsMergeLikeALocalSweep()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("parallel")).isEmpty())
            QSKIP("GNU parallel is not installed");
        sl::test::writeText(path("sweep.json"), plan(3, 2));
        // Local sweep on two threads, saved in store A.
        const CliRun local
            = runCli({"sweep", path("sweep.json"), "--threads", "2", "--store", path("a.sqlite"), "--json"});
        QCOMPARE(local.exitCode, 0);
        const QJsonObject lj = local.json();
        QCOMPARE(lj["points"].toInt(), 6);
        QCOMPARE(lj["completed"].toInt(), 6);
        const auto expected = risksByHash(lj["results"].toArray());
        QCOMPARE(expected.size(), size_t(6));

        // Resuming from store A reads every point back instead of running it.
        const CliRun resumed = runCli({"sweep", path("sweep.json"), "--store", path("a.sqlite"), "--resume", "--json"});
        QCOMPARE(resumed.exitCode, 0);
        QCOMPARE(resumed.json()["from_store"].toInt(), 6);
        QVERIFY(risksByHash(resumed.json()["results"].toArray()) == expected);

        // The same plan as jobs, run by GNU parallel, merged into store B.
        const CliRun jobs = runCli({"sweep", path("sweep.json"), "--emit-jobs", "--work-dir", path("work")});
        QCOMPARE(jobs.exitCode, 0);
        QCOMPARE(jobs.out.trimmed().split('\n').size(), 6);
        QProcess parallel;
        parallel.setStandardInputFile(path("work/jobs.txt"));
        parallel.start(QStringLiteral("parallel"), {"--will-cite", "-j", "2", "--halt", "now,fail=1"});
        QVERIFY(parallel.waitForFinished(60000));
        QCOMPARE(parallel.exitCode(), 0);
        QStringList results = QDir(path("work/results")).entryList({"*.json"}, QDir::Files, QDir::Name);
        QCOMPARE(results.size(), 6);
        for (QString& f : results)
            f = path("work/results/") + f;
        const CliRun merge = runCli(QStringList{"merge", "--store", path("b.sqlite"), "--json"} + results);
        QCOMPARE(merge.exitCode, 0);
        QCOMPARE(merge.json()["merged"].toInt(), 6);
        const auto merged = risksByHash(merge.json()["results"].toArray());
        QVERIFY(merged == expected);  // same configurations, bit-identical risks

        // Both stores hold the same six runs; merging again adds nothing.
        sl::app::ResultStore a, b;
        QVERIFY(a.open(path("a.sqlite")));
        QVERIFY(b.open(path("b.sqlite")));
        QCOMPARE(a.count(), 6);  // the resumed sweep saved nothing twice
        QCOMPARE(b.count(), 6);
        for (const sl::app::StoredRun& run : b.runs())
            QCOMPARE(run.excessRisk, expected.at(run.configHash));
        const CliRun twice = runCli(QStringList{"merge", "--store", path("b.sqlite"), "--json"} + results);
        QCOMPARE(twice.json()["merged"].toInt(), 0);
        QCOMPARE(twice.json()["skipped"].toInt(), 6);

        // A malformed result file stops the merge before anything is saved.
        sl::test::writeText(path("broken.json"), "{\"config\": 3}");
        const CliRun bad = runCli({"merge", "--store", path("c.sqlite"), results.first(), path("broken.json")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.oneErrorLine() && bad.err.contains("broken.json"));
        QCOMPARE(runCli({"merge", results.first()}).exitCode, 2);  // no --store

        // The Slurm array script: one task per point; task 0 run by hand reproduces point 0.
        const CliRun slurm = runCli(
            {"sweep", path("sweep.json"), "--emit-slurm", "--work-dir", path("slurm"), "--slurm-time", "00:10:00"});
        QCOMPARE(slurm.exitCode, 0);
        QVERIFY(slurm.out.contains("#SBATCH --array=0-5"));
        QVERIFY(slurm.out.contains("#SBATCH --time=\"00:10:00\""));
        QProcess task;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SLURM_ARRAY_TASK_ID"), QStringLiteral("0"));
        task.setProcessEnvironment(env);
        task.start(QStringLiteral("bash"), {path("slurm/sweep.slurm")});
        QVERIFY(task.waitForFinished(60000));
        QCOMPARE(task.exitCode(), 0);
        QFile point0(path("slurm/results/point-00000.json"));
        QVERIFY(point0.open(QIODevice::ReadOnly));
        const QJsonObject p0 = QJsonDocument::fromJson(point0.readAll()).object();
        QCOMPARE(p0["excess_risk"].toDouble(), expected.at(p0["config_hash"].toString()));
    }

    void progressBarOnlyOnATerminal()
    {
        const QString script = QStandardPaths::findExecutable(QStringLiteral("script"));
        if (script.isEmpty())
            QSKIP("util-linux script (a pseudo-terminal) is not installed");
        sl::test::writeText(path("small.json"), plan(3, 2));
        // Through a pipe: no bar, on either stream.
        const CliRun piped = runCli({"sweep", path("small.json"), "--threads", "1"});
        QCOMPARE(piped.exitCode, 0);
        QVERIFY(!piped.out.contains("sweep [") && !piped.err.contains("sweep ["));
        // On a pseudo-terminal: the bar is drawn (and erased) on stderr; with --json it is not.
        auto onTerminal = [&](const QString& extra) {
            QProcess process;
            process.start(script,
                {"-qec",
                    QStringLiteral("'%1' sweep '%2' --threads 1 %3")
                        .arg(SCALINGLAB_CLI_PATH, path("small.json"), extra),
                    "/dev/null"});
            process.waitForFinished(60000);
            return process.readAllStandardOutput();
        };
        const QByteArray tty = onTerminal(QString());
        QVERIFY2(tty.contains("sweep [") && tty.contains("6/6"), tty.constData());
        const QByteArray json = onTerminal(QStringLiteral("--json"));
        QVERIFY(json.contains("\"completed\": 6"));
        QVERIFY(!json.contains("sweep ["));
    }

    void ctrlCKeepsFinishedResults()
    {
        // Many small quadratic runs on one thread; SIGINT part-way through.
        sl::test::writeText(path("long.json"),
            "{\"schema\": \"scalinglab.experiment\", \"version\": 1, \"solver\": \"lbfgs\",\n"
            " \"problem\": {\"model\": \"quadratic\", \"dimension\": 10, \"samples\": 200, \"weight_decay\": 0.05},\n"
            " \"seeds\": 3000}\n");
        QProcess process;
        process.start(QStringLiteral(SCALINGLAB_CLI_PATH),
            {"sweep", path("long.json"), "--threads", "1", "--store", path("long.sqlite"), "--json"});
        QVERIFY(process.waitForStarted());
        // Wait until some runs are in the store, then interrupt.
        bool some = false;
        for (int i = 0; i < 200 && !some; ++i) {
            QTest::qWait(50);
            sl::app::ResultStore probe;
            some = QFile::exists(path("long.sqlite")) && probe.open(path("long.sqlite")) && probe.count() >= 2;
        }
        QVERIFY(some);
        ::kill(pid_t(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 1);
        const QJsonObject j = QJsonDocument::fromJson(process.readAllStandardOutput()).object();
        QVERIFY(j["cancelled"].toBool());
        const int completed = j["completed"].toInt();
        QVERIFY(completed >= 2 && completed < 3000);
        QCOMPARE(j["results"].toArray().size(), completed);
        sl::app::ResultStore store;
        QVERIFY(store.open(path("long.sqlite")));
        QCOMPARE(store.count(), qint64(completed));  // every finished run kept, no partial one
    }
};

QTEST_GUILESS_MAIN(TestCliExperiments)
#include "test_cli_experiments.moc"
