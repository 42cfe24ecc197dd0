// SPDX-License-Identifier: GPL-3.0-or-later
// The error decomposition and pruning of a run as the app computes, stores and reads it back
// (docs/theory/decomposition.md §6).
#include "app/experiment/run_result.h"
#include "app/presets/preset_library.h"
#include "app/runner/experiment_execution.h"
#include "app/store/result_store.h"
#include "core/decomposition/diagonal_pruning.h"
#include "core/model/problem.h"
#include "tests/app/experiment_fixtures.h"

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringLiteral>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using sl::app::ExperimentConfig;
using sl::app::RunResult;
using sl::app::Solver;
using sl::test::relative;

namespace {

ExperimentConfig diagonalPeak()
{
    ExperimentConfig c;
    c.problem.model = sl::ModelKind::Diagonal;
    c.problem.dimension = 60;
    c.problem.samples = 60;
    c.problem.weightDecay = 0.02;
    c.solver = Solver::Convex;
    c.tailFit = false;
    c.decompose = true;
    c.prune = true;
    return c;
}

}  // namespace

class TestDecompositionExecution : public QObject {
    Q_OBJECT

private slots:
    // The measured terms add up to the run's own excess risk and the predicted ones to the state evolution's, for
    // both models; the JSON carries them under the documented keys and reads back unchanged.
    void termsAddUpAndSurviveJson_data()
    {
        QTest::addColumn<bool>("quadraticModel");
        QTest::newRow("diagonal") << false;
        QTest::newRow("quadratic") << true;
    }
    void termsAddUpAndSurviveJson()
    {
        QFETCH(bool, quadraticModel);
        ExperimentConfig c = diagonalPeak();
        if (quadraticModel) {
            c.problem.model = sl::ModelKind::Quadratic;
            c.problem.dimension = 12;
            c.problem.samples = 60;
            c.problem.weightDecay = 0.05;
        }
        const RunResult r = sl::app::runExperiment(c);
        QCOMPARE(r.status, sl::Status::Converged);
        const sl::app::DecompositionSummary& d = r.decomposition;
        QVERIFY2(d.computed, qPrintable(d.message));
        QVERIFY2(d.predictedComputed, qPrintable(d.predictedMessage));
        QVERIFY(relative(d.measured.overfitting + d.measured.underfitting + d.measured.approximation, r.excessRisk)
            < 1e-10);
        QVERIFY(relative(d.predicted.overfitting + d.predicted.underfitting + d.predicted.approximation,
                    d.predictedExcessRisk)
            < 1e-10);
        QVERIFY(std::isfinite(d.prunedExcessRisk) && std::isfinite(d.predictedPrunedExcessRisk));

        const QJsonObject json = r.toJson();
        QCOMPARE(json["overfitting"].toDouble(), d.measured.overfitting);
        QCOMPARE(json["underfitting"].toDouble(), d.measured.underfitting);
        QCOMPARE(json["approximation"].toDouble(), d.measured.approximation);
        QCOMPARE(json["pruned_excess_risk"].toDouble(), d.prunedExcessRisk);
        const QJsonObject se = json["state_evolution"].toObject();
        QCOMPARE(se["overfitting"].toDouble(), d.predicted.overfitting);
        QCOMPARE(se["pruned_excess_risk"].toDouble(), d.predictedPrunedExcessRisk);
        QVERIFY(se["asymptotic"].toObject()["overfitting"].isDouble());

        QString error;
        const auto back = RunResult::fromJson(json, &error);
        QVERIFY2(back.has_value(), qPrintable(error));
        QCOMPARE(back->decomposition.measured.approximation, d.measured.approximation);
        QCOMPARE(back->decomposition.predicted.underfitting, d.predicted.underfitting);
        QCOMPARE(back->decomposition.asymptotic.overfitting, d.asymptotic.overfitting);
        QCOMPARE(back->decomposition.predictedPrunedExcessRisk, d.predictedPrunedExcessRisk);
        QCOMPARE(back->toJson(), json);

        // The results store keeps them (it stores the run's JSON).
        QTemporaryDir dir;
        sl::app::ResultStore store;
        QVERIFY(store.open(dir.filePath("results.sqlite")));
        QVERIFY(store.save(json) >= 0);
        const auto stored = store.findByHash(r.configHash);
        QVERIFY(stored.has_value());
        QCOMPARE(stored->result["overfitting"].toDouble(), d.measured.overfitting);
        QCOMPARE(stored->result["state_evolution"].toObject()["approximation"].toDouble(), d.predicted.approximation);
    }

    // Without "decompose"/"prune" nothing is added: the configuration's JSON (and so its hash) and the result's
    // JSON are what they were before the decomposition existed.
    void offByDefaultChangesNothing()
    {
        ExperimentConfig c = diagonalPeak();
        c.decompose = false;
        c.prune = false;
        QVERIFY(!c.toJson().contains("decompose"));
        QVERIFY(!c.toJson().contains("prune"));
        const RunResult r = sl::app::runExperiment(c);
        const QJsonObject json = r.toJson();
        for (const char* key : {"overfitting", "pruned_excess_risk", "state_evolution", "decomposition"})
            QVERIFY2(!json.contains(key), key);
        ExperimentConfig on = c;
        on.decompose = true;
        QVERIFY(on.hash() != c.hash());
        const auto parsed = ExperimentConfig::fromJson(on.toJson());
        QVERIFY(parsed.has_value() && parsed->decompose && !parsed->prune);
    }

    // A diverged run gets a message, not numbers.
    void divergedRunHasNoDecomposition()
    {
        ExperimentConfig c = sl::test::divergingQuadratic();
        c.decompose = true;
        c.prune = true;
        const RunResult r = sl::app::runExperiment(c);
        QCOMPARE(r.status, sl::Status::Diverged);
        QVERIFY(!r.decomposition.computed);
        QVERIFY2(r.decomposition.message.contains("diverged"), qPrintable(r.decomposition.message));
        const QJsonObject json = r.toJson();
        QVERIFY(json["overfitting"].isNull());
        QVERIFY(json["pruned_excess_risk"].isNull());
        QVERIFY(json["decomposition"].toObject()["message"].toString().contains("diverged"));
        QVERIFY(RunResult::fromJson(json).has_value());
    }

    // The shipped preset asks for the decomposition along one n_eff sweep at λ = 1/d, 1 and √d.
    void presetShowsThePapersMessage()
    {
        const sl::app::PresetLibrary library;
        const sl::app::Preset* p = library.find(QStringLiteral("decomposition-diagonal"));
        QVERIFY(p);
        QVERIFY(p->experiment.decompose && p->experiment.prune);
        const int d = p->experiment.problem.dimension;
        QCOMPARE(p->experiment.weightDecays(), (std::vector<double>{1.0 / d, 1.0, std::sqrt(double(d))}));
        QVERIFY(p->experiment.sampleGrid().size() >= 5);
        for (const ExperimentConfig& point : p->experiment.points())
            QVERIFY(point.decompose && point.prune);
    }

    // Where the quadratic state evolution says λε ≥ 2δ (large λ) the run's measured split has no noise bulk and
    // prunes nothing (docs/theory/decomposition.md §3): the pruned risk is the risk, overfitting is 0.
    void quadraticRunWithoutNoiseBulkPrunesNothing()
    {
        ExperimentConfig c = diagonalPeak();
        c.problem.model = sl::ModelKind::Quadratic;
        c.problem.dimension = 16;
        c.problem.samples = 2 * 16 * 16;
        c.problem.weightDecay = 5.0;
        c.solver = Solver::Lbfgs;
        c.train = sl::TrainConfig::defaults(sl::Optimizer::Lbfgs);
        const RunResult r = sl::app::runExperiment(c);
        QCOMPARE(r.status, sl::Status::Converged);
        const sl::app::DecompositionSummary& d = r.decomposition;
        QVERIFY2(d.computed && d.predictedComputed, qPrintable(d.message + " / " + d.predictedMessage));
        QVERIFY2(
            2 * d.delta - d.threshold <= 0, qPrintable(QStringLiteral("δ %1 λε %2").arg(d.delta).arg(d.threshold)));
        QVERIFY2(d.message.contains("no noise bulk"), qPrintable(d.message));
        QCOMPARE(d.bulkEdge, 0.0);
        QVERIFY(relative(d.prunedExcessRisk, r.excessRisk) < 1e-10);
        // Only the optimiser's round-off eigenvalues (below 1e-6·max, the zeros) are left in the "bulk".
        QVERIFY2(std::abs(d.measured.overfitting) <= 1e-6 * r.excessRisk,
            qPrintable(QString::number(d.measured.overfitting, 'g', 6)));
        QVERIFY(relative(d.predictedPrunedExcessRisk, d.predictedExcessRisk) < 1e-10);
    }

    // A diagonal run prunes at its LASSO state evolution's optimal soft level (docs/theory/decomposition.md §3a):
    // at the interpolation peak the run's edge is the core's level at the run's own δ, t and teacher, and the
    // predicted pruned risk (the state evolution's draws split at the same edge) is the closed form at that level
    // within its Monte Carlo error; at the window's first screen (phase VIa) the level is (nearly) 0 and the pruned
    // risk is the risk.
    void diagonalRunPrunesAtTheStateEvolutionLevel()
    {
        const RunResult peak = sl::app::runExperiment(diagonalPeak());
        QCOMPARE(peak.status, sl::Status::Converged);
        const sl::app::DecompositionSummary& d = peak.decomposition;
        QVERIFY2(d.computed && d.predictedComputed, qPrintable(d.message + " / " + d.predictedMessage));
        const sl::Problem p = sl::makeProblem(peak.config.problem);
        const sl::DiagonalPruningLevel level
            = sl::optimalDiagonalPruningLevel(p.teacher.spectrum, d.delta, d.threshold);
        QVERIFY(level.level > 0);
        QVERIFY(relative(d.bulkEdge, level.level) < 1e-12);
        QVERIFY2(d.message.contains("fixed by the state evolution"), qPrintable(d.message));
        QVERIFY2(relative(d.predictedPrunedExcessRisk, level.predictedPrunedRisk) < 0.05,
            qPrintable(QStringLiteral("%1 vs %2").arg(d.predictedPrunedExcessRisk).arg(level.predictedPrunedRisk)));

        ExperimentConfig first = diagonalPeak();
        first.problem.dimension = 100;
        first.problem.samples = 300;
        first.problem.weightDecay = 1.0;
        first.problem.amplitudes = sl::TeacherAmplitudes::Deterministic;
        const RunResult r = sl::app::runExperiment(first);
        QCOMPARE(r.status, sl::Status::Converged);
        QVERIFY2(r.decomposition.computed, qPrintable(r.decomposition.message));
        const sl::Problem q = sl::makeProblem(r.config.problem);
        const sl::DiagonalPruningLevel none
            = sl::optimalDiagonalPruningLevel(q.teacher.spectrum, r.decomposition.delta, r.decomposition.threshold);
        QVERIFY(relative(r.decomposition.bulkEdge, none.level) < 1e-12 || r.decomposition.bulkEdge == none.level);
        // The optimum is at (or within a few thousandths of) 0: pruning leaves the risk as it is.
        QVERIFY2(r.decomposition.bulkEdge < 0.02 * r.decomposition.delta, qPrintable(r.decomposition.message));
        QVERIFY2(relative(r.decomposition.prunedExcessRisk, r.excessRisk) < 0.03,
            qPrintable(QStringLiteral("%1 vs %2").arg(r.decomposition.prunedExcessRisk).arg(r.excessRisk)));
    }

    // A cancelled run is not decomposed either.
    void cancelledRunHasNoDecomposition()
    {
        sl::CancelToken cancel;
        cancel.cancel();
        const RunResult r = sl::app::runExperiment(diagonalPeak(), {}, cancel);
        QCOMPARE(r.status, sl::Status::Cancelled);
        QVERIFY(!r.decomposition.computed);
        QVERIFY(r.decomposition.message.contains("not computed"));
    }
};

QTEST_GUILESS_MAIN(TestDecompositionExecution)
#include "test_decomposition_execution.moc"
