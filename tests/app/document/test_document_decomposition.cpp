// SPDX-License-Identifier: GPL-3.0-or-later
// The document's error decomposition (docs/theory/decomposition.md): the current curve's seed means of the runs'
// terms, the pruned risk on the risk curve, the live run's terms in the status, the pruning threshold on the
// spectrum, and a message instead of numbers for a cancelled run. The runs are real (diagonal network by the exact
// LASSO at d = 30), and their terms are checked against the core's decomposition of an independently solved LASSO.
#include "app/document/document.h"
#include "app/runner/experiment_execution.h"
#include "core/convex/lasso_solver.h"
#include "core/decomposition/error_decomposition.h"
#include "core/model/problem.h"
#include "tests/app/experiment_fixtures.h"

#include <QObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QString>
#include <QTest>
#include <QThread>
#include <QVector>
#include <cmath>

using sl::app::Document;
using sl::app::ExperimentConfig;
using sl::app::RunResult;
using sl::test::decomposedDiagonal;
using sl::test::relative;

namespace {

// The core's decomposition of the same problem, solved here by the LASSO (the convex solver's minimiser), with the
// split configuration a run gets (its state evolution's pruning level).
sl::ErrorDecomposition coreDecomposition(const ExperimentConfig& c)
{
    const sl::Problem p = sl::makeProblem(c.problem);
    sl::LassoConfig lc;
    lc.lambda = c.problem.weightDecay;
    lc.units = sl::LassoUnits::Experiment;
    const Eigen::VectorXd theta = sl::LassoSolver(p.data.X, p.data.y, lc).run().theta;
    return sl::decomposeDiagonal(theta, p.teacher.spectrum, sl::app::diagonalDecompositionConfig(p));
}

double mean(const QVector<double>& v)
{
    double s = 0;
    for (double x : v)
        s += x;
    return s / v.size();
}

QString formatted(double v)
{
    return QString::number(v, 'g', 4);
}

}  // namespace

class TestDocumentDecomposition : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { sl::app::registerRunnerMetaTypes(); }

    // Three points of two seeds each: the document's per-point numbers are the seed means of the runs' terms,
    // which are the core's decomposition of the same problems and add up to each point's excess risk to 1e-10.
    // The risk curve carries the same runs' pruned risks and predicted pruned risks.
    void curveDecompositionIsTheSeedMeanOfTheCoreSplit()
    {
        Document doc;
        doc.setFocus(decomposedDiagonal(20, 1));
        QSignalSpy changed(&doc, &Document::decompositionChanged);
        QVERIFY(doc.decomposition().nEff.isEmpty());
        QVERIFY2(doc.decomposition().message.contains("No decomposed run"), qPrintable(doc.decomposition().message));
        const long long grid[] = {20, 30, 60};
        std::map<long long, QVector<RunResult>> runs;
        for (long long n : grid) {
            for (std::uint64_t seed : {1, 2}) {
                const ExperimentConfig c = decomposedDiagonal(n, seed);
                const RunResult r = sl::app::runExperiment(c);
                QCOMPARE(r.status, sl::Status::Converged);
                QVERIFY2(r.decomposition.computed && r.decomposition.predictedComputed,
                    qPrintable(r.decomposition.message + " / " + r.decomposition.predictedMessage));
                const sl::ErrorDecomposition core = coreDecomposition(c);
                QVERIFY(relative(r.decomposition.measured.overfitting, core.terms.overfitting) < 1e-9);
                QVERIFY(relative(r.decomposition.measured.underfitting, core.terms.underfitting) < 1e-9);
                QVERIFY(relative(r.decomposition.measured.approximation, core.terms.approximation) < 1e-9);
                QVERIFY(relative(r.decomposition.prunedExcessRisk, core.prunedExcessRisk) < 1e-9);
                doc.addResult(r);
                runs[n].push_back(r);
            }
        }
        QVERIFY(changed.size() >= 3);
        const sl::app::DecompositionState& d = doc.decomposition();
        QCOMPARE(d.nEff.size(), 3);
        QVERIFY(d.message.isEmpty());
        for (int i = 0; i < 3; ++i) {
            const QVector<RunResult>& atN = runs[grid[i]];
            QCOMPARE(d.nEff[i], double(grid[i]));
            QCOMPARE(d.runs[i], 2);
            auto avg = [&](auto get) {
                QVector<double> v;
                for (const RunResult& r : atN)
                    v << get(r);
                return mean(v);
            };
            QVERIFY(relative(d.overfitting[i], avg([](const RunResult& r) {
                return r.decomposition.measured.overfitting;
            })) < 1e-13);
            QVERIFY(relative(d.underfitting[i], avg([](const RunResult& r) {
                return r.decomposition.measured.underfitting;
            })) < 1e-13);
            QVERIFY(relative(d.approximation[i], avg([](const RunResult& r) {
                return r.decomposition.measured.approximation;
            })) < 1e-13);
            QVERIFY(relative(d.predictedOverfitting[i], avg([](const RunResult& r) {
                return r.decomposition.predicted.overfitting;
            })) < 1e-13);
            QVERIFY(relative(d.pruned[i], avg([](const RunResult& r) { return r.decomposition.prunedExcessRisk; }))
                < 1e-13);
            QVERIFY(relative(d.excessRisk[i], avg([](const RunResult& r) { return r.excessRisk; })) < 1e-13);
            QVERIFY2(relative(d.overfitting[i] + d.underfitting[i] + d.approximation[i], d.excessRisk[i]) < 1e-10,
                qPrintable(QString::number(
                    d.overfitting[i] + d.underfitting[i] + d.approximation[i] - d.excessRisk[i], 'g', 17)));
            QVERIFY(relative(d.predictedOverfitting[i] + d.predictedUnderfitting[i] + d.predictedApproximation[i],
                        avg([](const RunResult& r) { return r.decomposition.predictedExcessRisk; }))
                < 1e-10);
        }
        const auto curve = doc.curve(d.curveId);
        QVERIFY(curve.has_value());
        QCOMPARE(curve->prunedMean.size(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(curve->prunedMean[i], d.pruned[i]);
            QCOMPARE(curve->predictedPruned[i], d.predictedPruned[i]);
        }
        // Kept curves and sessions carry the pruned risks through JSON.
        QVERIFY(sl::app::RiskCurve::fromJson(curve->toJson()) == *curve);
        // Another λ is another curve: its view says there is nothing yet.
        ExperimentConfig other = decomposedDiagonal(20, 1);
        other.problem.weightDecay = 0.5;
        doc.setFocus(other);
        QVERIFY(doc.decomposition().nEff.isEmpty());
        QVERIFY(!doc.decomposition().message.isEmpty());
    }

    // A live run ends with its three measured terms in the status text, and its pruning threshold (the bulk edge
    // the core finds, standing for 2δ − λε) on the spectrum.
    void finishedLiveRunShowsItsTerms()
    {
        Document doc;
        QVERIFY(doc.decomposeRuns());
        const ExperimentConfig asked = [] {
            ExperimentConfig c = decomposedDiagonal(30, 3);
            c.decompose = false;  // the document asks for it
            c.prune = false;
            return c;
        }();
        QSignalSpy launched(&doc, &Document::launched);
        QVERIFY(doc.run(asked));
        QVERIFY(launched.first().at(0).value<ExperimentConfig>().decompose);
        QTRY_VERIFY_WITH_TIMEOUT(doc.transportState() == sl::app::TransportState::Finished, 30000);
        QVERIFY(doc.liveResult().has_value());
        const sl::app::DecompositionSummary& d = doc.liveResult()->decomposition;
        QVERIFY(d.computed);
        const QString text = doc.status().decomposition;
        for (double v : {d.measured.overfitting, d.measured.underfitting, d.measured.approximation, d.prunedExcessRisk})
            QVERIFY2(text.contains(formatted(v)), qPrintable(text + " lacks " + formatted(v)));
        QVERIFY(text.contains("overfitting") && text.contains("underfitting") && text.contains("approximation"));

        ExperimentConfig ran = asked;
        ran.decompose = ran.prune = true;
        const sl::ErrorDecomposition core = coreDecomposition(ran);
        QVERIFY(relative(d.measured.overfitting, core.terms.overfitting) < 1e-9);
        QCOMPARE(doc.spectrum().pruningThreshold, d.bulkEdge);
        QVERIFY(std::abs(doc.spectrum().pruningThreshold - core.pruningThreshold) <= 1e-9 * core.pruningThreshold);
        QCOMPARE(doc.decomposition().nEff.size(), 1);

        // A saved session reopens with the same terms, threshold and view.
        Document reopened;
        reopened.restore(doc.toSession(asked));
        QCOMPARE(reopened.status().decomposition, text);
        QCOMPARE(reopened.spectrum().pruningThreshold, d.bulkEdge);
        QVERIFY(reopened.decomposition() == doc.decomposition());
    }

    // A sweep keeps the configuration it was asked for (and so its hash: the stored runs of its points are reused)
    // unless the window asks for decomposed sweeps. With the flags forced on, every preset retrained all its points,
    // and a second preset applied meanwhile was refused ("a sweep is already running").
    void sweepsKeepTheirHashUnlessDecompositionIsAsked()
    {
        Document doc;
        QVERIFY(!doc.decomposeSweeps());
        ExperimentConfig asked = decomposedDiagonal(20, 1);
        asked.decompose = false;
        asked.prune = false;
        asked.seedCount = 2;
        QVERIFY(asked.isSweep());
        QSignalSpy launched(&doc, &Document::launched);
        QVERIFY(doc.startSweep(asked));
        QCOMPARE(launched.size(), 1);
        const auto plain = launched.takeFirst().at(0).value<ExperimentConfig>();
        QCOMPARE(plain.hash(), asked.hash());
        QTRY_VERIFY_WITH_TIMEOUT(!doc.sweepIsRunning(), 20000);

        doc.setDecomposeSweeps(true);
        QVERIFY(doc.startSweep(asked));
        QCOMPARE(launched.size(), 1);
        const auto decomposed = launched.takeFirst().at(0).value<ExperimentConfig>();
        QVERIFY(decomposed.decompose && decomposed.prune);
        QVERIFY(decomposed.hash() != asked.hash());
        QTRY_VERIFY_WITH_TIMEOUT(!doc.sweepIsRunning(), 20000);
    }

    // A cancelled live run: the status and the view say why, and carry no numbers.
    void cancelledRunHasAMessageNotNumbers()
    {
        Document doc([](const ExperimentConfig& c, const sl::app::RunObserver&, const sl::CancelToken& cancel) {
            while (!cancel.isCancelled())
                QThread::msleep(2);
            RunResult r;
            r.config = c;
            r.status = sl::Status::Cancelled;
            return r;
        });
        QVERIFY(doc.run(decomposedDiagonal(30, 4)));
        QTRY_VERIFY(doc.transportState() == sl::app::TransportState::Running);
        doc.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(doc.status().transport.startsWith("Cancelled"), 10000);
        const QString status = doc.status().decomposition;
        QVERIFY2(status.contains("cancelled"), qPrintable(status));
        QVERIFY2(!status.contains(QRegularExpression("[0-9]")), qPrintable(status));
        QVERIFY(doc.decomposition().nEff.isEmpty());
        QVERIFY2(doc.decomposition().message.contains("cancelled"), qPrintable(doc.decomposition().message));
        QVERIFY(!std::isfinite(doc.spectrum().pruningThreshold));
        QVERIFY(doc.results().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDocumentDecomposition)
#include "test_document_decomposition.moc"
