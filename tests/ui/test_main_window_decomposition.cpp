// SPDX-License-Identifier: GPL-3.0-or-later
// The window's error decomposition (docs/theory/decomposition.md), read back from what it draws: the decomposition
// dock's graphs against the document's numbers (and those against the core's split), View → Show pruned risk on
// the risk plot, the live run's terms in the status bar, the pruning threshold on the spectrum, and a cancelled
// run's message.
#include "app/runner/experiment_execution.h"
#include "core/convex/lasso_solver.h"
#include "core/decomposition/error_decomposition.h"
#include "core/model/problem.h"
#include "tests/app/experiment_fixtures.h"
#include "tests/ui/window_test_guards.h"
#include "ui/decomposition_plot.h"
#include "ui/main_window.h"
#include "ui/parameter_panel.h"
#include "ui/risk_plot.h"
#include "ui/spectrum_plot.h"

#include <QCoreApplication>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QObject>
#include <QRegularExpression>
#include <QSettings>
#include <QSize>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QTest>
#include <QVector>
#include <cmath>

using sl::app::ExperimentConfig;
using sl::app::RunResult;
using sl::test::decomposedDiagonal;
using sl::test::relative;

namespace {

QVector<double> values(const QCPGraph* g)
{
    QVector<double> out;
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
        out << it->value;
    return out;
}

QVector<double> keys(const QCPGraph* g)
{
    QVector<double> out;
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
        out << it->key;
    return out;
}

// Puts `config` in the panel (no debounced restart) and makes the document look at it.
void focusOn(sl::ui::MainWindow& window, const ExperimentConfig& config)
{
    window.parameterPanel()->setExperiment(config);
    window.parameterPanel()->discardPendingChange();
    window.document()->setFocus(window.parameterPanel()->experiment());
}

QAction* viewAction(sl::ui::MainWindow& window, const QString& name)
{
    return window.findChild<QAction*>(name);
}

}  // namespace

class TestMainWindowDecomposition : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("ScalingLabTest");
        QCoreApplication::setApplicationName("test_main_window_decomposition");
        QSettings().clear();
    }

    // Three finished points: the dock's stacked levels are the document's terms (predicted areas, measured
    // points), the top measured level is the excess risk, the terms are the core's; Show pruned risk adds graphs
    // whose data are the stored pruned risks and their predictions, and unchecking removes them.
    void viewAndPrunedCurveShowTheDocumentsNumbers()
    {
        sl::ui::MainWindow window("-");
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        focusOn(window, decomposedDiagonal(20, 1));
        QAction* toggle = viewAction(window, "decompositionAction");
        QVERIFY(toggle);
        toggle->trigger();
        QTRY_VERIFY(window.decompositionPlot()->isVisible());
        QVERIFY(window.decompositionPlot()->messageItem());  // nothing decomposed yet: a note, not numbers

        QVector<RunResult> runs;
        for (long long n : {20, 30, 60}) {
            const RunResult r = sl::app::runExperiment(decomposedDiagonal(n, 1));
            QVERIFY(r.decomposition.computed && r.decomposition.predictedComputed);
            // The core's split of the same problem (LASSO solved here).
            const sl::Problem p = sl::makeProblem(r.config.problem);
            sl::LassoConfig lc;
            lc.lambda = r.config.problem.weightDecay;
            lc.units = sl::LassoUnits::Experiment;
            const sl::ErrorDecomposition core
                = sl::decomposeDiagonal(sl::LassoSolver(p.data.X, p.data.y, lc).run().theta, p.teacher.spectrum,
                    sl::app::diagonalDecompositionConfig(p));
            QVERIFY(relative(r.decomposition.measured.overfitting, core.terms.overfitting) < 1e-9);
            QVERIFY(relative(r.decomposition.measured.approximation, core.terms.approximation) < 1e-9);
            window.document()->addResult(r);
            runs << r;
        }
        const sl::app::DecompositionState& d = window.document()->decomposition();
        QCOMPARE(d.nEff.size(), 3);
        sl::ui::DecompositionPlot* plot = window.decompositionPlot();
        QVERIFY(plot->messageItem() == nullptr);
        // The export carries the curve's parameters (issue 16, item 12): the document hands them to the view.
        QVERIFY(d.hasConfig);
        QCOMPARE(d.seeds, QVector<qulonglong>{1});
        const QStringList rows = plot->dataCsv().trimmed().split('\n');
        QCOMPARE(rows.size(), 1 + 3);
        const QStringList header = rows[0].split(',');
        const QStringList atThirty = rows[2].split(',');  // n = 30
        auto cell = [&](const char* column) { return atThirty.value(header.indexOf(column)); };
        QCOMPARE(cell("model"), QString("diagonal"));
        QCOMPARE(cell("d").toInt(), 30);
        QCOMPARE(cell("n").toLongLong(), 30LL);
        QCOMPARE(cell("lambda").toDouble(), 0.03);
        QCOMPARE(cell("solver"), QString("convex"));
        QCOMPARE(cell("seeds"), QString("1"));
        // Graphs: 0 the zero line, 1–3 the predicted levels, 4–6 the measured levels, 7–8 pruned.
        QCOMPARE(plot->graphCount(), 9);
        for (int i = 0; i < 3; ++i) {
            const double u = runs[i].decomposition.measured.underfitting;
            const double a = runs[i].decomposition.measured.approximation;
            const double o = runs[i].decomposition.measured.overfitting;
            QCOMPARE(d.underfitting[i], u);
            QCOMPARE(keys(plot->graph(4))[i], d.nEff[i]);
            QCOMPARE(values(plot->graph(4))[i], d.underfitting[i]);
            QCOMPARE(values(plot->graph(5))[i], d.underfitting[i] + d.approximation[i]);
            QCOMPARE(values(plot->graph(6))[i], d.underfitting[i] + d.approximation[i] + d.overfitting[i]);
            QVERIFY(relative(values(plot->graph(6))[i], runs[i].excessRisk) < 1e-10);
            QVERIFY(relative(u + a + o, runs[i].excessRisk) < 1e-10);
            QCOMPARE(values(plot->graph(1))[i], d.predictedUnderfitting[i]);
            QCOMPARE(values(plot->graph(3))[i],
                d.predictedUnderfitting[i] + d.predictedApproximation[i] + d.predictedOverfitting[i]);
            QVERIFY(relative(values(plot->graph(3))[i], runs[i].decomposition.predictedExcessRisk) < 1e-10);
            QCOMPARE(values(plot->graph(8))[i], runs[i].decomposition.prunedExcessRisk);
        }
        QVERIFY(plot->title().contains("0.03"));

        QAction* pruned = window.showPrunedAction();
        QVERIFY(pruned && pruned->isCheckable() && !pruned->isChecked());
        QVERIFY(window.riskPlot()->prunedGraph(d.curveId) == nullptr);
        const int before = window.riskPlot()->graphCount();
        pruned->trigger();
        QCPGraph* g = window.riskPlot()->prunedGraph(d.curveId);
        QVERIFY(g);
        QCOMPARE(window.riskPlot()->graphCount(), before + 2);
        QCOMPARE(g->dataCount(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(keys(g)[i], runs[i].config.problem.nEff());
            QCOMPARE(values(g)[i], runs[i].decomposition.prunedExcessRisk);
            QCOMPARE(values(window.riskPlot()->prunedPredictionGraph(d.curveId))[i],
                runs[i].decomposition.predictedPrunedExcessRisk);
        }
        QVERIFY(g->name().contains("pruned"));
        pruned->trigger();
        QVERIFY(window.riskPlot()->prunedGraph(d.curveId) == nullptr);
        QCOMPARE(window.riskPlot()->graphCount(), before);
    }

    // A finished live run: the status bar shows its three terms, the spectrum its pruning threshold.
    void liveRunShowsTermsAndThreshold()
    {
        sl::ui::MainWindow window("-");
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // The offscreen screen is 800×600; the panel's width used to force a wider window. At 1024×768 the status
        // bar has room for the three terms (tests/ui/test_window_small_screen.cpp checks the shortened forms).
        window.resize(1024, 768);
        QTRY_COMPARE(window.size(), QSize(1024, 768));
        focusOn(window, decomposedDiagonal(30, 3));
        QVERIFY(window.startLiveRun());
        QTRY_VERIFY_WITH_TIMEOUT(window.document()->transportState() == sl::app::TransportState::Finished, 30000);
        const sl::app::DecompositionSummary& d = window.document()->liveResult()->decomposition;
        QVERIFY(d.computed);
        auto* label = window.findChild<QLabel*>("decompositionLabel");
        QVERIFY(label && label->isVisible());
        // The tooltip holds the terms to four digits; the field shows them so, or, where the status bar is short of
        // room (ASan's build laid this window out narrower once, in CI), that text's numbers to two digits.
        for (double v : {d.measured.overfitting, d.measured.underfitting, d.measured.approximation}) {
            const QString fourDigits = QString::number(v, 'g', 4);
            const QString twoDigits = QString::number(fourDigits.toDouble(), 'g', 2);
            QVERIFY2(label->toolTip().contains(fourDigits), qPrintable(label->toolTip()));
            QVERIFY2(label->text().contains(fourDigits)
                    || label->text().contains(QRegularExpression(
                        QStringLiteral("(^|[^\\d.])%1($|[^\\d])").arg(QRegularExpression::escape(twoDigits)))),
                qPrintable(label->text() + " / " + twoDigits));
        }

        // The threshold line sits at the run's pruning threshold, the core's edge of the same weights (the state
        // evolution's pruning level, docs/theory/decomposition.md §3a).
        const sl::Problem p = sl::makeProblem(window.document()->liveResult()->config.problem);
        sl::LassoConfig lc;
        lc.lambda = p.config.weightDecay;
        lc.units = sl::LassoUnits::Experiment;
        const sl::ErrorDecomposition core = sl::decomposeDiagonal(sl::LassoSolver(p.data.X, p.data.y, lc).run().theta,
            p.teacher.spectrum, sl::app::diagonalDecompositionConfig(p));
        QVERIFY(core.bulkFound && core.pruningThreshold > 0);
        QTRY_VERIFY(window.spectrumPlot()->pruningLine() != nullptr);
        const double x = window.spectrumPlot()->pruningLine()->point1->coords().x();
        QCOMPARE(x, d.bulkEdge);
        QVERIFY(relative(x, core.pruningThreshold) < 1e-9);
        // A diagonal run's level is not a 2δ − λε, and the label says which rule chose it (in its whole text: at
        // 1024×768 the plot shows "pruning level ≈ … (inferred)", the whole as its tooltip).
        const QString labelText = sl::ui::fullTextOf(window.spectrumPlot()->pruningLabel());
        QVERIFY2(labelText.startsWith(
                     QString("pruning level ≈ %1 (state evolution's optimal soft level").arg(d.bulkEdge, 0, 'g', 4)),
            qPrintable(labelText));
    }

    // A cancelled live run: a message in the status bar and the view, no numbers.
    void cancelledRunShowsTheMessage()
    {
        sl::ui::MainWindow window("-");
        // A long run on purpose: no long-run question (its modal box waited forever under ASan, where the measured
        // product rate makes the estimate exceed 30 s).
        window.setRunConfirmation([](const QString&) { return true; });
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ExperimentConfig slow = window.parameterPanel()->experiment();
        slow.problem.model = sl::ModelKind::Quadratic;
        slow.problem.dimension = 60;
        slow.problem.samples = 3000;
        slow.problem.weightDecay = 0.01;
        slow.solver = sl::app::Solver::Lbfgs;
        slow.train = sl::TrainConfig::defaults(sl::Optimizer::Lbfgs);
        slow.train.maxIterations = 100000;
        focusOn(window, slow);
        QVERIFY(window.startLiveRun());
        window.document()->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(window.document()->status().transport.startsWith("Cancelled"), 30000);
        auto* label = window.findChild<QLabel*>("decompositionLabel");
        QVERIFY2(label->text().contains("cancelled"), qPrintable(label->text()));
        QVERIFY2(!label->text().contains(QRegularExpression("[0-9]")), qPrintable(label->text()));
        sl::ui::DecompositionPlot* plot = window.decompositionPlot();
        QVERIFY(plot->messageItem());
        QVERIFY2(plot->messageItem()->text().contains("cancelled"), qPrintable(plot->messageItem()->text()));
        for (int i = 0; i < plot->graphCount(); ++i)
            QCOMPARE(plot->graph(i)->dataCount(), 0);
        QVERIFY(window.spectrumPlot()->pruningLine() == nullptr);
    }
};

QTEST_MAIN(TestMainWindowDecomposition)
#include "test_main_window_decomposition.moc"
