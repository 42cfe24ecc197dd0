// SPDX-License-Identifier: GPL-3.0-or-later
// The solver table (app/experiment/solver_table.h) drives the JSON, the CLI's choices, the dispatch and the memory
// estimate: every enum value has one row, the names round-trip, a run goes to the row's solver, and the estimate is
// the row's terms (checked against the closed-form counts written out here).
#include "app/experiment/experiment_config.h"
#include "app/experiment/memory_budget.h"
#include "app/experiment/solver_table.h"
#include "app/runner/experiment_execution.h"

#include <QJsonObject>
#include <QLatin1String>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTest>

#include <cmath>

using namespace sl::app;

namespace {

QJsonObject experimentJson(const QString& solver)
{
    return QJsonObject{{"schema", "scalinglab.experiment"}, {"version", 1}, {"solver", solver},
        {"problem", QJsonObject{{"model", "diagonal"}, {"dimension", 8}, {"samples", 40}, {"weight_decay", 0.5}}},
        {"tail_fit", false}};
}

}  // namespace

class TestSolverTable : public QObject {
    Q_OBJECT

private slots:
    void everySolverHasExactlyOneRow()
    {
        const Solver all[] = {Solver::Lbfgs, Solver::GradientDescent, Solver::Adam, Solver::Convex};
        QCOMPARE(int(solverTable().size()), 4);
        QSet<QString> names;
        for (Solver s : all) {
            int rows = 0;
            for (const SolverInfo& row : solverTable())
                rows += row.solver == s;
            QCOMPARE(rows, 1);
            QCOMPARE(solverInfo(s).solver, s);
            names.insert(QLatin1String(solverInfo(s).name));
            QVERIFY(solverInfo(s).memory != nullptr);
            QVERIFY(QString(solverInfo(s).label).size() > 0 && QString(solverInfo(s).optimises).size() > 0);
        }
        QCOMPARE(names.size(), 4);  // names are unique
        QCOMPARE(solverNames(), QStringList({"lbfgs", "gd", "adam", "convex"}));
        QCOMPARE(solverNamesInWords(), QString("lbfgs, gd, adam or convex"));
        QVERIFY(findSolver("sgd") == nullptr);
    }

    void namesRoundTripThroughTheExperimentJson()
    {
        for (const SolverInfo& row : solverTable()) {
            ConfigError error;
            const auto config = ExperimentConfig::fromJson(experimentJson(QLatin1String(row.name)), &error);
            QVERIFY2(config, qPrintable(error.text()));
            QCOMPARE(config->solver, row.solver);
            QCOMPARE(config->toJson().value("solver").toString(), QString(row.name));
            // Missing train fields take the row's optimiser defaults (docs/theory/models.md §7).
            QCOMPARE(config->train.optimizer, row.trainDefaults);
        }
        // The follow-up code's numbers, written out: GD runs 150000 steps at lr 1e-2, Adam 50000 at 1e-3.
        const auto gd = ExperimentConfig::fromJson(experimentJson("gd"));
        QCOMPARE(gd->train.maxIterations, 150000);
        QCOMPARE(gd->train.learningRate, 1e-2);
        QCOMPARE(gd->train.momentum, 0.5);
        const auto adam = ExperimentConfig::fromJson(experimentJson("adam"));
        QCOMPARE(adam->train.learningRate, 1e-3);
        const auto convex = ExperimentConfig::fromJson(experimentJson("convex"));
        QCOMPARE(convex->train.maxIterations, 50000);  // L-BFGS's, bounding the convex sweeps
    }

    void anUnknownNameListsEveryRow()
    {
        ConfigError error;
        QVERIFY(!ExperimentConfig::fromJson(experimentJson("sgd"), &error));
        QCOMPARE(error.key, QString("solver"));
        QCOMPARE(error.message, QString("must be lbfgs, gd, adam or convex (got \"sgd\")"));
    }

    void aRunGoesToTheRowsSolver()
    {
        // Adam with three steps stops at its iteration limit; L-BFGS converges; the convex row solves the LASSO
        // to its duality gap. A dispatch to the wrong runner changes the status or the stop reason.
        auto config = *ExperimentConfig::fromJson(experimentJson("adam"));
        config.train.maxIterations = 3;
        const RunResult adam = runExperiment(config);
        QCOMPARE(adam.status, sl::Status::MaxIterations);
        QCOMPARE(adam.iterations, 3);
        const RunResult lbfgs = runExperiment(*ExperimentConfig::fromJson(experimentJson("lbfgs")));
        QCOMPARE(lbfgs.status, sl::Status::Converged);
        QVERIFY(!lbfgs.stopReason.startsWith("duality gap"));
        const RunResult convex = runExperiment(*ExperimentConfig::fromJson(experimentJson("convex")));
        QCOMPARE(convex.status, sl::Status::Converged);
        QVERIFY2(convex.stopReason.startsWith("duality gap"), qPrintable(convex.stopReason));
        // Same minimum (docs/theory/convex.md §1): the network's risk is the LASSO's.
        QVERIFY(std::abs(lbfgs.excessRisk - convex.excessRisk) <= 1e-4 * convex.excessRisk);
    }

    void theMemoryEstimateIsTheRowsTerms()
    {
        // Quadratic, d = p = 100, n = 20000: data n·d + 3n, teacher 3d², then the solver's share.
        const double d = 100, n = 20000, p = 100, blocks = std::ceil(n / 1024);
        ExperimentConfig c;
        c.problem.model = sl::ModelKind::Quadratic;
        c.problem.dimension = int(d);
        c.problem.samples = (long long)n;
        const double base = n * d + 3 * n + 3 * d * d;
        const double network = n * p + (6 + 2 * c.train.lbfgsMemory + blocks) * d * p;
        const double convex = 8 * d * d + n * d;
        c.solver = Solver::Lbfgs;
        QVERIFY(std::abs(estimateMemory(c).bytes - 8 * (base + network)) <= 1e-12 * 8 * (base + network));
        c.certificate = true;  // the certificate adds the convex share to a network run
        QVERIFY(std::abs(estimateMemory(c).bytes - 8 * (base + network + convex)) <= 1e-12 * 8 * (base + convex));
        c.solver = Solver::Convex;  // the convex row: its own share once, whatever the certificate says
        QVERIFY(std::abs(estimateMemory(c).bytes - 8 * (base + convex)) <= 1e-12 * 8 * (base + convex));
        c.certificate = false;
        QVERIFY(std::abs(estimateMemory(c).bytes - 8 * (base + convex)) <= 1e-12 * 8 * (base + convex));
    }
};

QTEST_APPLESS_MAIN(TestSolverTable)
#include "test_solver_table.moc"
