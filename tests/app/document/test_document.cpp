// SPDX-License-Identifier: GPL-3.0-or-later
// The document with no widgets at all: stale generations are dropped, snapshots are placed by their own
// configuration, Run while paused resumes (and a new configuration never leaves a paused worker), Cancel says so,
// curves are keyed by exact λ, the predicted slope is that of the phases the fit window crosses (checked against the
// border computed in closed form), too few points give no interval rather than NaN, and a session restores the
// same curves, spectrum and status.
#include "app/document/document.h"

#include "app/analysis/curve_aggregate.h"
#include "app/analysis/curve_analysis.h"
#include "core/theory/phase_diagram.h"

#include <QAtomicInt>
#include <QJsonDocument>
#include <QObject>
#include <QStandardPaths>
#include <QString>
#include <QStringLiteral>
#include <QTest>
#include <QThread>
#include <QVector>

#include <cmath>

using namespace sl::app;

namespace {

ExperimentConfig tinyDiagonal(long long samples = 30, double lambda = 0.3)
{
    ExperimentConfig c;
    c.problem.model = sl::ModelKind::Diagonal;
    c.problem.width = 0;
    c.problem.dimension = 10;
    c.problem.samples = samples;
    c.problem.weightDecay = lambda;
    c.problem.seed = 11;
    c.tailFit = false;
    return c;
}

// A stand-in for training: one observer call per ~2 ms (iteration k, risk 1/(k+1)) until cancelled or `steps`
// iterations, then a converged result with a fixed spectrum and tail fit.
struct FakeTraining {
    QAtomicInt steps{1000000};
    QAtomicInt calls{0};

    ExperimentExecutor executor()
    {
        return [this](const ExperimentConfig& c, const RunObserver& observer, const sl::CancelToken& cancel) {
            RunResult r;
            r.config = c;
            r.configHash = c.hash();
            int k = 0;
            const int d = c.problem.dimension;
            for (; k < steps.loadRelaxed() && !cancel.isCancelled(); ++k) {
                sl::TrainSnapshot s;
                s.iteration = k;
                s.excessRisk = 1.0 / (k + 1);
                s.trainLoss = 2.0 / (k + 1);
                s.weights = Eigen::MatrixXd::Constant(d, 2, 0.5);
                calls.fetchAndAddRelaxed(1);
                if (observer)
                    observer(s);
                QThread::msleep(2);
            }
            r.iterations = k;
            r.status = cancel.isCancelled() ? sl::Status::Cancelled : sl::Status::Converged;
            r.excessRisk = 0.125;
            r.trainLoss = 0.25;
            r.nEff = c.problem.nEff();
            r.convexGap.computed = true;
            r.convexGap.relativeObjectiveGap = 3e-7;
            for (int i = 0; i < d; ++i)
                r.eigenvalues << 1.0 / (i + 1);
            r.tailFit.computed = true;
            r.tailFit.status = QStringLiteral("converged");
            r.tailFit.alpha = 2.5;
            r.tailFit.sigma = 0.1;
            r.tailFit.xmin = 0.2;
            r.tailFit.ks = 0.05;
            r.tailFit.nTail = 5;
            return r;
        };
    }
};

RunResult synthetic(ExperimentConfig config, long long samples, double lambda, std::uint64_t seed, double risk)
{
    config.problem.samples = samples;
    config.problem.weightDecay = lambda;
    config.problem.seed = seed;
    config.seedCount = 1;
    config.sweep = SweepSpec{};
    RunResult r;
    r.config = config;
    r.configHash = config.hash();
    r.status = sl::Status::Converged;
    r.excessRisk = risk;
    r.nEff = config.problem.nEff();
    return r;
}

QString stateOf(const Document& doc)
{
    return QString::fromLatin1(toString(doc.transportState()));
}

int iterationOf(const Document& doc)
{
    return doc.status().iteration.section(' ', 1, 1).toInt();
}

}  // namespace

class TestDocument : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // A snapshot is placed at its own configuration's n_eff; one of another generation is dropped, as is a
    // superseded run's result.
    void staleGenerationsAreDroppedAndSnapshotsCarryTheirConfig()
    {
        FakeTraining fake;
        Document doc(fake.executor());
        doc.liveRunner()->setMaxSnapshotRate(1000);
        const ExperimentConfig a = tinyDiagonal(30);
        QVERIFY(doc.run(a));
        QTRY_VERIFY_WITH_TIMEOUT(doc.livePoint().shown, 5000);
        QCOMPARE(doc.livePoint().nEff, 30.0);
        // The focus moves (a slider) without a restart: the live point stays at the run's own n_eff.
        doc.setFocus(tinyDiagonal(300));
        QTest::qWait(50);
        QCOMPARE(doc.livePoint().nEff, 30.0);

        const quint64 generation = doc.liveGeneration();
        LiveSnapshot stale;
        stale.generation = generation - 1;  // as if a superseded run's snapshot were still queued
        stale.config = tinyDiagonal(5000);
        stale.iteration = 999999;
        stale.excessRisk = 42;
        const int dropped = doc.droppedStale();
        emit doc.liveRunner()->snapshot(stale);
        QCOMPARE(doc.droppedStale(), dropped + 1);
        QVERIFY(doc.livePoint().nEff == 30.0 && doc.livePoint().risk != 42);
        QVERIFY(!doc.status().iteration.contains("999999"));
        RunResult superseded = synthetic(a, 5000, 0.3, 1, 7.0);
        emit doc.liveRunner()->finished(superseded, generation - 1);
        QCOMPARE(doc.results().size(), 0);
        QCOMPARE(doc.droppedStale(), dropped + 2);
        doc.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(doc), QString(toString(TransportState::Idle)), 5000);
    }

    // Run while paused resumes the same run; with a changed configuration it starts that one, never paused; Cancel
    // ends with "Cancelled" and the status fields are cleared at every start.
    void transportThroughTheRealRunner()
    {
        FakeTraining fake;
        Document doc(fake.executor());
        doc.liveRunner()->setMaxSnapshotRate(1000);
        const ExperimentConfig a = tinyDiagonal(30);
        QVERIFY(doc.run(a));
        QCOMPARE(stateOf(doc), QString(toString(TransportState::Running)));
        QCOMPARE(doc.status().iteration, QStringLiteral("iteration –"));  // cleared at the start
        QTRY_VERIFY_WITH_TIMEOUT(iterationOf(doc) > 5, 5000);
        doc.pause();
        QCOMPARE(stateOf(doc), QString(toString(TransportState::Paused)));
        QVERIFY(doc.buttons().pauseChecked);
        QTest::qWait(100);
        const int paused = fake.calls.loadRelaxed();
        QTest::qWait(100);
        QVERIFY(fake.calls.loadRelaxed() <= paused + 1);  // the worker holds
        const quint64 generation = doc.liveGeneration();
        const int at = iterationOf(doc);

        QVERIFY(doc.run(a));  // same configuration: resumes
        QCOMPARE(stateOf(doc), QString(toString(TransportState::Running)));
        QCOMPARE(doc.liveGeneration(), generation);
        QVERIFY(!doc.liveRunner()->isPaused());
        QTRY_VERIFY_WITH_TIMEOUT(iterationOf(doc) > at + 5, 5000);

        doc.pause();
        QVERIFY(doc.run(tinyDiagonal(60)));  // another configuration while paused: starts it, running
        QVERIFY(doc.liveGeneration() != generation);
        QVERIFY(!doc.liveRunner()->isPaused());
        QCOMPARE(stateOf(doc), QString(toString(TransportState::Running)));
        QTRY_VERIFY_WITH_TIMEOUT(doc.livePoint().shown && doc.livePoint().nEff == 60.0, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(iterationOf(doc) > 5, 5000);

        // Step: one snapshot, then paused.
        doc.pause();
        QVERIFY(doc.step(tinyDiagonal(60)));
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(doc), QString(toString(TransportState::Paused)), 5000);

        doc.cancel();
        QCOMPARE(stateOf(doc), QString(toString(TransportState::Cancelling)));
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(doc), QString(toString(TransportState::Idle)), 5000);
        QVERIFY2(doc.status().transport.startsWith("Cancelled at iteration"), qPrintable(doc.status().transport));
        QCOMPARE(doc.results().size(), 0);  // a cancelled run is not a result
        QTRY_VERIFY_WITH_TIMEOUT(!doc.liveRunner()->isBusy(), 5000);

        // A run to the end: Finished, stored in memory, the gap labelled as this run's certificate.
        fake.steps = 20;
        QVERIFY(doc.run(a));
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(doc), QString(toString(TransportState::Finished)), 5000);
        QCOMPARE(doc.results().size(), 1);
        QVERIFY2(doc.status().gap.contains("3e-07") && doc.status().gap.contains("this run's certificate"),
            qPrintable(doc.status().gap));
        QVERIFY(doc.spectrum().final && doc.spectrum().tail.has_value());
        // The next start clears the fields: no number of the last run is left beside the new one.
        fake.steps = 1000000;
        QVERIFY(doc.run(tinyDiagonal(90)));
        QCOMPARE(doc.status().iteration, QStringLiteral("iteration –"));
        QVERIFY(!doc.status().gap.contains("3e-07"));
        QVERIFY(!doc.livePoint().shown);
        QCOMPARE(doc.spectrum().eigenvalues.size(), 0);
        doc.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(doc), QString(toString(TransportState::Idle)), 5000);
    }

    // λ = 1/24 is the key, not "0.04167": a rounded focus does not hide or replace the exact curve.
    void curvesAreKeyedByExactParameters()
    {
        Document doc([](const ExperimentConfig& c, const RunObserver&, const sl::CancelToken&) {
            RunResult r;
            r.config = c;
            r.status = sl::Status::Cancelled;
            return r;
        });
        ExperimentConfig base = tinyDiagonal();
        const double exact = 1.0 / 24.0;
        base.problem.weightDecay = exact;
        doc.setFocus(base);
        const long long ns[] = {10, 20, 40, 80};
        for (long long n : ns)
            for (std::uint64_t seed : {1, 2})
                doc.addResult(synthetic(base, n, exact, seed, (seed == 1 ? 1.0 : 3.0) / double(n)));
        const QString id = Document::curveId(base, exact);
        auto curve = doc.curve(id);
        QVERIFY(curve.has_value());
        QCOMPARE(curve->nEff.size(), 4);
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(curve->nEff[i], double(ns[i]));
            QCOMPARE(curve->mean[i], 2.0 / double(ns[i]));  // mean of 1/n and 3/n
            QCOMPARE(curve->standardError[i], 1.0 / double(ns[i]));  // sd √2/n over √2 seeds
        }
        QVERIFY(curve->hasFit);
        QVERIFY(std::abs(curve->slope + 1.0) < 1e-12);

        ExperimentConfig rounded = base;
        rounded.problem.weightDecay = 0.041667;
        doc.setFocus(rounded);
        QVERIFY(Document::curveId(rounded, 0.041667) != id);
        curve = doc.curve(id);
        QVERIFY(curve.has_value());  // still shown, with all of its points
        QCOMPARE(curve->nEff.size(), 4);
        for (const RiskCurve& c : doc.curves())
            if (c.id != id)
                QVERIFY2(c.nEff.isEmpty(), qPrintable(c.id));  // nothing else claims those points
    }

    // The risk curve averages converged runs only (app::aggregateBySamples, the rule of every risk curve) and counts
    // the others: a max-iterations run would pull the first mean from 2/n to 35/n, and a point whose only run did
    // not converge is not drawn but still counted.
    void curveAveragesConvergedRunsAndCountsTheRest()
    {
        Document doc([](const ExperimentConfig& c, const RunObserver&, const sl::CancelToken&) {
            RunResult r;
            r.config = c;
            r.status = sl::Status::Cancelled;
            return r;
        });
        ExperimentConfig base = tinyDiagonal();
        doc.setFocus(base);
        const double lambda = base.problem.weightDecay;
        for (long long n : {10, 20, 40})
            for (std::uint64_t seed : {1, 2})
                doc.addResult(synthetic(base, n, lambda, seed, (seed == 1 ? 1.0 : 3.0) / double(n)));
        RunResult capped = synthetic(base, 10, lambda, 3, 100.0 / 10);
        capped.status = sl::Status::MaxIterations;
        doc.addResult(capped);
        RunResult failed = synthetic(base, 80, lambda, 1, 1.0 / 80);
        failed.status = sl::Status::NotConverged;
        doc.addResult(failed);
        const auto curve = doc.curve(Document::curveId(base, lambda));
        QVERIFY(curve.has_value());
        QCOMPARE(curve->nEff, (QVector<double>{10, 20, 40}));
        QCOMPARE(curve->mean[0], 2.0 / 10);
        QCOMPARE(curve->standardError[0], 1.0 / 10);
        QCOMPARE(curve->runsTotal, 8);
        QCOMPARE(curve->runsLeftOut, 2);
        QCOMPARE(leftOutNote(curve->runsLeftOut, curve->runsTotal, "runs"), QString("2 of 8 runs did not converge"));
        // Carried through the session JSON.
        const RiskCurve back = RiskCurve::fromJson(curve->toJson());
        QCOMPARE(back.runsLeftOut, 2);
        QCOMPARE(back.runsTotal, 8);
    }

    // The predicted slope is that of the phases the fit window crosses: at λ = 1, d = 24 the window 1..20 crosses
    // the line L2 (λ = n_eff/√d) at n_eff = √24; the chord of the two phases' power laws is checked here from that
    // border in closed form. Two points give a slope without interval, one point none, and never "nan".
    void predictedSlopeIsThatOfTheWindowsPhases()
    {
        ExperimentConfig base;
        base.problem.model = sl::ModelKind::Quadratic;
        base.problem.dimension = 24;
        base.problem.width = 0;
        base.problem.weightDecay = 1.0;
        base.problem.gamma = 1.0;
        base.problem.noise = 0.5;
        Document doc([](const ExperimentConfig& c, const RunObserver&, const sl::CancelToken&) {
            RunResult r;
            r.config = c;
            r.status = sl::Status::Cancelled;
            return r;
        });
        doc.setFocus(base);
        const double nEffs[] = {1, 2, 4, 8, 12, 20};
        for (double nEff : nEffs)
            doc.addResult(synthetic(base, (long long)(nEff * 24), 1.0, 1, 0.5 / nEff));
        const sl::PhaseDiagram diagram(phaseDiagramConfigFor(base.problem));
        const double border = 1.0 * std::sqrt(24.0);  // L2: λ = n_eff/√d
        const double logD = std::log(24.0);
        const std::string below = diagram.pureLabel(std::log(border / 1.1) / logD, 0.0);
        const std::string above = diagram.pureLabel(std::log(border * 1.1) / logD, 0.0);
        QVERIFY2(below != above, (below + " " + above).c_str());
        QCOMPARE(diagram.pureLabel(std::log(1.0) / logD, 0.0), below);
        QCOMPARE(diagram.pureLabel(std::log(20.0) / logD, 0.0), above);
        const double chord
            = (diagram.exponentN(below) * std::log(border / 1.0) + diagram.exponentN(above) * std::log(20.0 / border))
            / std::log(20.0);

        auto curve = doc.curve(Document::curveId(base, 1.0));
        QVERIFY(curve.has_value());
        QVERIFY(curve->hasPrediction);
        QCOMPARE(curve->phase, QString::fromStdString(below + " → " + above));
        QVERIFY2(std::abs(curve->predictedSlope - chord) < 1e-9,
            qPrintable(QString("%1 vs %2").arg(curve->predictedSlope).arg(chord)));
        QVERIFY(curve->predictionInferred);  // across a border the prediction is inferred

        // A window inside one phase predicts that phase's exponent exactly.
        doc.setFitWindow(8, 20);
        curve = doc.curve(Document::curveId(base, 1.0));
        QCOMPARE(curve->phase, QString::fromStdString(above));
        QCOMPARE(curve->predictedSlope, diagram.exponentN(above));
        QCOMPARE(curve->fitPoints, 3);
        QCOMPARE(curve->fitFrom, 8.0);
        QCOMPARE(curve->fitTo, 20.0);
        QVERIFY(std::isfinite(curve->slopeLow) && std::isfinite(curve->slopeHigh));

        doc.setFitWindow(10, 20);  // two points: exact slope, no interval
        curve = doc.curve(Document::curveId(base, 1.0));
        QVERIFY(curve->hasFit);
        QVERIFY2(curve->slopeText.contains("no interval") && !curve->slopeText.contains("nan"),
            qPrintable(curve->slopeText));
        doc.setFitWindow(15, 20);  // one point: no slope, no prediction line
        curve = doc.curve(Document::curveId(base, 1.0));
        QVERIFY(!curve->hasFit && !curve->hasPrediction);
        QVERIFY2(
            curve->slopeText.startsWith("no slope") && !curve->slopeText.contains("nan"), qPrintable(curve->slopeText));
    }

    // Saving and reopening reproduces the document: curves (points, fits, theory), the last run's spectrum with its
    // tail fit and overlays, the status fields and the transport's outcome, without recomputing anything.
    void sessionRestoresTheSameDocument()
    {
        FakeTraining fake;
        fake.steps = 10;
        Document doc(fake.executor());
        ExperimentConfig a = tinyDiagonal(30);
        QVERIFY(doc.run(a));
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(doc), QString(toString(TransportState::Finished)), 5000);
        for (long long n : {10, 20, 40})
            doc.addResult(synthetic(a, n, a.problem.weightDecay, 1, 1.0 / double(n)));
        QTRY_COMPARE_WITH_TIMEOUT(doc.pendingTheory(), 0, 30000);
        QVERIFY(doc.spectrum().teacher.size() == 10);
        const QVector<RiskCurve> curves = doc.curves();
        QVERIFY(!curves.isEmpty());
        QVERIFY(!curves.first().theoryNEff.isEmpty());

        const Session saved = doc.toSession(a);
        QString error;
        const auto reread
            = Session::fromJson(QJsonDocument::fromJson(QJsonDocument(saved.toJson()).toJson()).object(), &error);
        QVERIFY2(reread.has_value(), qPrintable(error));

        Document other(fake.executor());
        other.restore(*reread);
        QCOMPARE(other.pendingTheory(), 0);  // everything came from the session
        QCOMPARE(other.curves().size(), curves.size());
        for (int i = 0; i < curves.size(); ++i)
            QVERIFY2(other.curves()[i] == curves[i], qPrintable(curves[i].id));
        QCOMPARE(other.spectrum().eigenvalues, doc.spectrum().eigenvalues);
        QCOMPARE(other.spectrum().teacher, doc.spectrum().teacher);
        QCOMPARE(other.spectrum().predicted, doc.spectrum().predicted);
        QVERIFY(other.spectrum().tail.has_value());
        QCOMPARE(other.spectrum().tail->alpha, 2.5);
        QCOMPARE(other.spectrum().spectralPhase, doc.spectrum().spectralPhase);
        QCOMPARE(other.status().iteration, doc.status().iteration);
        QCOMPARE(other.status().gap, doc.status().gap);
        QCOMPARE(other.status().transport, doc.status().transport);
        QCOMPARE(stateOf(other), QString(toString(TransportState::Finished)));
        QCOMPARE(other.livePoint().nEff, 30.0);
    }
};

QTEST_GUILESS_MAIN(TestDocument)
#include "test_document.moc"
