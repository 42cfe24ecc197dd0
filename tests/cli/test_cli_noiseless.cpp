// SPDX-License-Identifier: GPL-3.0-or-later
// The CLI of the noiseless diagram, the λ curve, the optimal λ and the Bayes-optimal risk
// (docs/theory/noiseless-and-lambda.md): the numbers the commands print are the core's.
#include "app/experiment/experiment_config.h"
#include "app/runner/lambda_training.h"
#include "core/theory/bayes_optimal.h"
#include "core/theory/lambda_curve.h"
#include "core/theory/noiseless_diagram.h"
#include "tests/cli/cli_process.h"

#include <QFile>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QStringLiteral>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using sl::test::CliRun;
using sl::test::runCli;

namespace {

bool close(double a, double b, double relative)
{
    return std::abs(a - b) <= relative * std::max(std::abs(a), std::abs(b));
}

}  // namespace

class TestCliNoiseless : public QObject {
    Q_OBJECT

private slots:
    void helpAndBadUsage()
    {
        for (const char* command : {"lambda-curve", "optimal-curve", "se-phase"}) {
            CliRun r = runCli({command, "--help"});
            QCOMPARE(r.exitCode, 0);
            QVERIFY(r.out.contains("docs/theory/noiseless-and-lambda.md"));
            r = runCli({command, "--no-such-option"});
            QCOMPARE(r.exitCode, 2);
            QVERIFY(r.oneErrorLine());
        }
        CliRun r = runCli({"lambda-curve", "--model", "diagonal", "--d", "20"});
        QCOMPARE(r.exitCode, 2);  // needs --samples or --n-eff
        r = runCli({"curve", "--over", "gamma", "--samples-from", "10", "--samples-to", "20"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--over"));
        r = runCli({"se-phase", "--n-eff-from", "10", "--n-eff-to", "5"});
        QCOMPARE(r.exitCode, 2);
    }

    // theory --optimal-lambda and bayes_optimal_excess_risk are the core's optimum and Bayes-optimal SE.
    void theoryReportsOptimalLambdaAndBayes()
    {
        CliRun r = runCli({"theory", "--model", "diagonal", "--d", "100", "--n-eff", "150", "--weight-decay", "1",
            "--amplitudes", "deterministic", "--optimal-lambda", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = r.json();
        sl::OptimalLambdaConfig o;
        o.model.d = 100;
        o.nEff = 150;
        const auto opt = sl::findOptimalLambda(o);
        QVERIFY(opt.ok());
        QVERIFY(close(j["optimal_lambda"].toDouble(), opt.lambda, 1e-9));
        QVERIFY(close(j["optimal_lambda_excess_risk"].toDouble(), opt.risk, 1e-9));
        QVERIFY(j["optimal_lambda_bracketed"].toBool());
        sl::BayesOptimalConfig bc;
        bc.teacher = sl::lassoDeterministicAmplitudes(100, 1.0);
        bc.prior = sl::BayesPrior::RandomSigns;
        bc.alpha = 1.5;
        bc.noise = 0.5;
        const auto bo = sl::solveBayesOptimal(bc);
        QVERIFY(close(j["bayes_optimal_excess_risk"].toDouble(), bo.risk, 1e-9));
        QCOMPARE(j["bayes_optimal_prior"].toString(), QStringLiteral("random-signs"));
        QVERIFY(j["optimal_lambda_excess_risk"].toDouble() >= j["bayes_optimal_excess_risk"].toDouble());

        // Δ = 0 above interpolation: no interior optimum; the bound is reported, the run is not a failure.
        r = runCli({"theory", "--model", "diagonal", "--d", "50", "--n-eff", "100", "--weight-decay", "1", "--noise",
            "0", "--optimal-lambda", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject z = r.json();
        QVERIFY(z["optimal_lambda"].isNull());
        QCOMPARE(z["optimal_lambda_boundary"].toInt(), -1);
        QVERIFY(z["optimal_lambda_bound"].toDouble() > 0);
        QCOMPARE(z["bayes_optimal_excess_risk"].toDouble(), 0.0);  // Gaussian prior, n ≥ d, no noise

        // The quadratic model has the rate only.
        r = runCli({"theory", "--model", "quadratic", "--d", "10", "--n-eff", "5", "--weight-decay", "1",
            "--se-samples", "4", "--json"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.json()["bayes_optimal_excess_risk"].isNull());
        QVERIFY(r.json()["bayes_optimal_rate"].toDouble() > 0);
    }

    // lambda-curve's theory column is the core λ curve; `curve --over lambda` is the same command.
    void lambdaCurve()
    {
        const QStringList args{"--model", "diagonal", "--d", "60", "--n-eff", "120", "--amplitudes", "deterministic",
            "--lambda-from", "0.01", "--lambda-to", "100", "--points", "7", "--no-train", "--json"};
        CliRun r = runCli(QStringList{"lambda-curve"} + args);
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = r.json();
        sl::LambdaCurveConfig c;
        c.model.d = 60;
        c.nEff = 120;
        c.lambdaMin = 0.01;
        c.lambdaMax = 100;
        c.points = 7;
        const auto core = sl::computeLambdaCurve(c);
        const QJsonArray points = j["points"].toArray();
        QCOMPARE(points.size(), 7);
        for (int i = 0; i < 7; ++i) {
            const QJsonObject p = points[i].toObject();
            QVERIFY(close(p["lambda"].toDouble(), core.points[std::size_t(i)].lambda, 1e-12));
            QVERIFY(close(p["theory"].toDouble(), core.points[std::size_t(i)].value.excessRisk, 1e-9));
            QCOMPARE(p["phase"].toString().toStdString(), core.points[std::size_t(i)].phase);
        }
        QVERIFY(!j["segments"].toArray().isEmpty());
        QVERIFY(j["optimal_lambda"].toDouble() > 0.01 && j["optimal_lambda"].toDouble() < 100);
        QVERIFY(j["bayes_optimal_excess_risk"].toDouble() > 0);
        const CliRun over = runCli(QStringList{"curve", "--over", "lambda"} + args);
        QCOMPARE(over.exitCode, 0);
        QCOMPARE(over.json()["points"], j["points"]);
    }

    // Trained points over seeds next to the theory: small d, two seeds, the convex solver.
    void lambdaCurveWithTraining()
    {
        CliRun r = runCli({"lambda-curve", "--model", "diagonal", "--d", "30", "--samples", "60", "--lambda-from",
            "0.1", "--lambda-to", "10", "--points", "3", "--seeds", "2", "--solver", "convex", "--amplitudes",
            "deterministic", "--json"});
        QCOMPARE(r.exitCode, 0);
        for (const QJsonValue v : r.json()["points"].toArray()) {
            const QJsonObject p = v.toObject();
            QCOMPARE(p["runs"].toInt(), 2);
            QVERIFY(p["mean"].toDouble() > 0);
            QVERIFY(p["theory"].toDouble() > 0);
        }
    }

    // The trained columns are app::trainLambdaPoints (the function the window's λ view calls) for the configuration
    // the command prints: the same λ grid, seeds and means to 1e-12.
    void lambdaCurveTrainsThroughTheAppFunction()
    {
        CliRun r = runCli({"lambda-curve", "--model", "diagonal", "--d", "50", "--samples", "100", "--lambda-from",
            "0.05", "--lambda-to", "20", "--points", "4", "--seeds", "2", "--solver", "convex", "--amplitudes",
            "deterministic", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = r.json();
        sl::app::ConfigError error;
        const auto config = sl::app::ExperimentConfig::fromJson(j["config"].toObject(), &error);
        QVERIFY2(config, qPrintable(error.text()));
        QCOMPARE(config->weightDecays().size(), std::size_t(4));
        const std::vector<double> grid = sl::app::logLambdaGrid(0.05, 20, 4);
        for (std::size_t i = 0; i < grid.size(); ++i)
            QVERIFY(close(config->weightDecays()[i], grid[i], 1e-15));
        QCOMPARE(config->seeds().size(), std::size_t(2));
        const sl::app::LambdaTraining t = sl::app::trainLambdaPoints(*config, 2, QString(), false, sl::CancelToken{});
        QVERIFY(t.complete());
        const QJsonArray points = j["points"].toArray();
        QCOMPARE(points.size(), 4);
        for (int i = 0; i < 4; ++i) {
            const QJsonObject p = points[i].toObject();
            QCOMPARE(p["runs"].toInt(), t.points[std::size_t(i)].runs);
            QCOMPARE(p["failed"].toInt(), 0);
            QVERIFY(close(p["mean"].toDouble(), t.points[std::size_t(i)].mean, 1e-12));
            QVERIFY(close(p["stderr"].toDouble(), t.points[std::size_t(i)].standardError, 1e-9));
        }
    }

    void optimalCurve()
    {
        CliRun r = runCli({"optimal-curve", "--model", "diagonal", "--d", "50", "--n-eff-from", "5", "--n-eff-to",
            "5000", "--points", "4", "--amplitudes", "gaussian", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray points = r.json()["points"].toArray();
        QCOMPARE(points.size(), 4);
        for (const QJsonValue v : points) {
            const QJsonObject p = v.toObject();
            QVERIFY(p["optimal_lambda_bracketed"].toBool());
            QVERIFY(p["ratio"].toDouble() >= 1);
            QVERIFY(p["optimal_lambda_excess_risk"].toDouble() >= p["bayes_optimal_excess_risk"].toDouble());
            QVERIFY(p["bayes_optimal_rate"].toDouble() > 0);
        }
    }

    // se-phase: the grid is the core diagram's, with the lines and the agreement table; CSV has one row per cell.
    void sePhase()
    {
        CliRun r = runCli({"se-phase", "--d", "50", "--points", "6", "--threads", "2", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = r.json();
        QCOMPARE(j["noise"].toDouble(), 0.0);
        const QJsonArray grid = j["grid"].toArray();
        QCOMPARE(grid.size(), 36);
        sl::NoiselessDiagramConfig c;
        c.model.d = 50;
        c.nEffMin = 1;
        c.nEffMax = 10 * 2500;
        c.lambdaMin = 1.0 / 50;
        c.lambdaMax = 500;
        c.nEffPoints = c.lambdaPoints = 6;
        const auto core = sl::computeNoiselessDiagram(c);
        for (int k = 0; k < 36; ++k) {
            const QJsonObject cell = grid[k].toObject();
            QVERIFY(close(cell["se_risk"].toDouble(), core.cells[std::size_t(k)].risk, 1e-9));
            QCOMPARE(cell["phase"].toString().toStdString(), core.cells[std::size_t(k)].phase);
        }
        QCOMPARE(j["lines"].toObject()["L1"].toArray().size(), 6);
        QVERIFY(!j["agreement"].toArray().isEmpty());
        r = runCli({"se-phase", "--d", "20", "--points", "3", "--format", "csv"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("n_eff,lambda,se_risk,se_slope"));
        QCOMPARE(r.out.count('\n'), 1 + 9);
    }

    // The table commands share one --format rule (app/cli/cli_common): --json with another --format is bad usage,
    // an --output *.csv picks CSV, --json picks JSON.
    void tableCommandsShareTheFormatRule()
    {
        const QStringList phase{"phase", "--d", "20", "--points", "2"};
        const QStringList sePhase{"se-phase", "--d", "20", "--points", "2"};
        for (const QStringList& command : {phase, sePhase}) {
            const CliRun clash = runCli(command + QStringList{"--json", "--format", "table"});
            QCOMPARE(clash.exitCode, 2);
            QVERIFY2(clash.err.contains("--json and --format table disagree"), clash.err.constData());
            const CliRun json = runCli(command + QStringList{"--json"});
            QCOMPARE(json.exitCode, 0);
            QVERIFY(!json.json().isEmpty());
            QTemporaryDir dir;
            const QString path = dir.filePath("grid.csv");
            const CliRun csv = runCli(command + QStringList{"--output", path});
            QCOMPARE(csv.exitCode, 0);
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY(f.readAll().startsWith("n_eff,lambda,"));
        }
    }
};

QTEST_APPLESS_MAIN(TestCliNoiseless)
#include "test_cli_noiseless.moc"
