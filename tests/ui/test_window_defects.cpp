// SPDX-License-Identifier: GPL-3.0-or-later
// The seven defects of issue 15, each as it was seen in the window, read back from what is drawn (QCPGraph data,
// legend text, status-bar text). Each fails on the window before the document model (app/document) and passes
// with it. Runs are small (d ≤ 40); theory waits are bounded at 30 s but take a few seconds.
#include "app/presets/preset_library.h"
#include "app/session/session.h"
#include "app/store/result_store.h"
#include "core/theory/phase_diagram.h"
#include "tests/ui/window_test_guards.h"
#include "ui/main_window.h"
#include "ui/parameter_panel.h"
#include "ui/phase_diagram_view.h"
#include "ui/risk_plot.h"
#include "ui/spectrum_plot.h"

#include <QCoreApplication>
#include <QLabel>
#include <QMenuBar>
#include <QObject>
#include <QPoint>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

namespace {

using sl::app::ExperimentConfig;

QStringList legendNames(QCustomPlot* plot)
{
    QStringList names;
    for (int i = 0; i < plot->legend->itemCount(); ++i)
        if (auto* item = qobject_cast<QCPPlottableLegendItem*>(plot->legend->item(i)))
            names << item->plottable()->name();
    return names;
}

// The drawn graph whose name starts with `prefix` and contains `part` (null if none). The risk legend has one entry
// per curve (issue 16), so "drawn" is visibility, not a legend entry.
QCPGraph* graphNamed(QCustomPlot* plot, const QString& prefix, const QString& part = {})
{
    for (int i = 0; i < plot->graphCount(); ++i) {
        QCPGraph* g = plot->graph(i);
        if (g->name().startsWith(prefix) && g->name().contains(part) && g->visible())
            return g;
    }
    return nullptr;
}

int dataCount(QCPGraph* g)
{
    return g ? g->data()->size() : 0;
}

QAction* action(sl::ui::MainWindow& w, const QString& objectNameOrText)
{
    for (QAction* a : w.findChildren<QAction*>())
        if (a->objectName() == objectNameOrText || a->text() == objectNameOrText)
            return a;
    return nullptr;
}

QString label(sl::ui::MainWindow& w, const char* name)
{
    auto* l = w.findChild<QLabel*>(name);
    return l ? l->text() : QString();
}

// Every text the status bar shows: its message and its labels.
QString statusText(sl::ui::MainWindow& w)
{
    QString all = w.statusBar()->currentMessage();
    for (QLabel* l : w.statusBar()->findChildren<QLabel*>())
        all += " | " + l->text();
    return all;
}

int iteration(sl::ui::MainWindow& w)
{
    return label(w, "iterationLabel").section(' ', 1, 1).toInt();
}

// Gradient descent on a d = 40 quadratic network: thousands of steps, so it is still training seconds later.
ExperimentConfig slowRun(double nEff = 20)
{
    ExperimentConfig c;
    c.problem.model = sl::ModelKind::Quadratic;
    c.problem.dimension = 40;
    c.problem.width = 0;
    c.problem.samples = sl::ProblemConfig::samplesForNEff(sl::ModelKind::Quadratic, 40, nEff);
    c.problem.weightDecay = 0.5;
    c.solver = sl::app::Solver::GradientDescent;
    c.train = sl::TrainConfig::defaults(sl::Optimizer::GradientDescent);
    c.train.maxIterations = 1000000;
    c.seedCount = 1;
    return c;
}

// Finishes in well under a second: the quadratic network at d = 8, n = 100 by L-BFGS.
ExperimentConfig tinyRun()
{
    ExperimentConfig c;
    c.problem.model = sl::ModelKind::Quadratic;
    c.problem.width = 0;
    c.problem.dimension = 8;
    c.problem.samples = 100;
    c.problem.weightDecay = 0.1;
    c.problem.seed = 5;
    c.train.maxIterations = 300;
    c.seedCount = 1;
    return c;
}

void load(sl::ui::MainWindow& w, const ExperimentConfig& c)
{
    w.parameterPanel()->setExperiment(c);
    w.parameterPanel()->discardPendingChange();
}

sl::app::RunResult synthetic(const ExperimentConfig& point, double risk)
{
    sl::app::RunResult r;
    r.config = point;
    r.configHash = point.hash();
    r.status = sl::Status::Converged;
    r.message = "synthetic";
    r.excessRisk = risk;
    r.nEff = point.problem.nEff();
    r.iterations = 10;
    return r;
}

// Stores a converged result for every point of `experiment` (risk 0.5·n_eff^(−1/2), seeds a little apart), so the
// preset's sweep is served from the store at once, as it is for a user who ran it before.
bool fillStore(const QString& path, const ExperimentConfig& experiment)
{
    sl::app::ResultStore store;
    if (!store.open(path))
        return false;
    for (const ExperimentConfig& p : experiment.points()) {
        const double risk = 0.5 / std::sqrt(p.problem.nEff()) * (1.0 + 0.05 * double(p.problem.seed % 3));
        if (store.save(synthetic(p, risk).toJson()) < 0)
            return false;
    }
    return true;
}

}  // namespace

class TestWindowDefects : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("ScalingLabTest");
        QCoreApplication::setApplicationName("test_window_defects");
        qRegisterMetaType<sl::app::ExperimentConfig>();
    }
    void init() { QSettings().clear(); }

    // 1. F5, F6, F5 resumes the paused run (the counter goes on, the worker is not paused); a parameter change
    // while paused starts the new point running.
    void runWhilePausedResumes()
    {
        sl::ui::MainWindow w("-");
        w.setRunConfirmation([](const QString&) { return true; });  // long runs on purpose: no question
        load(w, slowRun());
        action(w, "runAction")->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(iteration(w) > 0, 20000);
        QAction* pause = action(w, "pauseAction");
        pause->trigger();
        QVERIFY(pause->isChecked());
        QTest::qWait(300);
        const int paused = iteration(w);
        QTest::qWait(300);
        QCOMPARE(iteration(w), paused);

        action(w, "runAction")->trigger();
        QVERIFY(!pause->isChecked());
        QTRY_VERIFY_WITH_TIMEOUT(iteration(w) > paused, 10000);
        QVERIFY(!w.liveRunner()->isPaused());

        // Paused again, then a slider moves (live restart on): the new point trains, not paused.
        pause->trigger();
        QTest::qWait(200);
        w.parameterPanel()->setExperiment(slowRun(25));
        QTRY_VERIFY_WITH_TIMEOUT(!pause->isChecked() && !w.liveRunner()->isPaused(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(iteration(w) > 0, 20000);
        const int after = iteration(w);
        QTRY_VERIFY_WITH_TIMEOUT(iteration(w) > after, 10000);
        action(w, "cancelAction")->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!w.liveRunner()->isBusy(), 10000);
    }

    // 2. Clear, then the Figure 3 λ = 1/d preset, whose 24 results are in the store: its curve shows all of its
    // points with a slope (the family is keyed by λ = 1/24 exactly, not by "0.04167"), also once the theory is in.
    void presetShowsItsStoredPoints()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath("results.sqlite");
        const sl::app::PresetLibrary library;
        const sl::app::Preset* weak = library.find("fig3-quadratic-weak");
        QVERIFY(weak);
        QVERIFY(fillStore(store, weak->experiment));
        sl::ui::MainWindow w(store);
        action(w, "Clear kept curves and results")->trigger();
        w.applyPreset(*weak);
        const int grid = int(weak->experiment.sampleGrid().size());
        QTRY_VERIFY_WITH_TIMEOUT(dataCount(graphNamed(w.riskPlot(), "λ = 0.04167", "state evolution")) > 0, 30000);
        QTest::qWait(200);
        QCPGraph* points = graphNamed(w.riskPlot(), "λ = 0.04167:", "slope");
        QVERIFY2(points, qPrintable(legendNames(w.riskPlot()).join(" | ")));
        QCOMPARE(dataCount(points), grid);
        QVERIFY(!points->name().contains("nan"));
        w.liveRunner()->cancel();
    }

    // 3. Two quadratic presets of one family keep both state-evolution curves; λ = √d draws one too; and after a
    // restart the curve is there at once (the overlays are kept with the store), not after seconds.
    void theoryCurvesStay()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath("results.sqlite");
        const sl::app::PresetLibrary library;
        const sl::app::Preset* unit = library.find("fig3-quadratic-unit");
        const sl::app::Preset* weak = library.find("fig3-quadratic-weak");
        const sl::app::Preset* strong = library.find("fig3-quadratic-strong");
        QVERIFY(unit && weak && strong);
        for (const sl::app::Preset* p : {unit, weak, strong})
            QVERIFY(fillStore(store, p->experiment));
        {
            sl::ui::MainWindow w(store);
            w.applyPreset(*unit);
            QTRY_VERIFY_WITH_TIMEOUT(dataCount(graphNamed(w.riskPlot(), "λ = 1:", "state evolution")) > 0, 30000);
            w.applyPreset(*weak);
            QTRY_VERIFY_WITH_TIMEOUT(dataCount(graphNamed(w.riskPlot(), "λ = 0.04167", "state evolution")) > 0, 30000);
            QTest::qWait(200);
            QVERIFY2(dataCount(graphNamed(w.riskPlot(), "λ = 1:", "state evolution")) > 0,
                qPrintable(legendNames(w.riskPlot()).join(" | ")));
            w.applyPreset(*strong);
            QTRY_VERIFY_WITH_TIMEOUT(dataCount(graphNamed(w.riskPlot(), "λ = 4.899", "state evolution")) > 0, 30000);
            QVERIFY(dataCount(graphNamed(w.riskPlot(), "λ = 1:", "state evolution")) > 0);
            w.close();
        }
        sl::ui::MainWindow reopened(store);
        // No event loop has run: nothing could have been computed yet.
        QVERIFY2(dataCount(graphNamed(reopened.riskPlot(), "λ = 4.899", "state evolution")) > 0,
            qPrintable(legendNames(reopened.riskPlot()).join(" | ")));
    }

    // 4. The live point is drawn at the n_eff of the run it belongs to, not at the panel's after a slider move.
    void livePointAtItsRunsNEff()
    {
        sl::ui::MainWindow w("-");
        w.setRunConfirmation([](const QString&) { return true; });  // long runs on purpose: no question
        action(w, "Restart on every change")->setChecked(false);
        load(w, slowRun(20));
        QVERIFY(w.startLiveRun());
        QCPGraph* live = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((live = graphNamed(w.riskPlot(), "live run")) && dataCount(live) == 1, 20000);
        QCOMPARE(live->data()->begin()->key, 20.0);
        ExperimentConfig moved = slowRun(200);
        w.parameterPanel()->setExperiment(moved);  // the debounced change fires; no restart
        QTest::qWait(sl::ui::ParameterPanel::kDebounceMs + 100);
        const int before = iteration(w);
        QTRY_VERIFY_WITH_TIMEOUT(iteration(w) > before, 10000);  // more snapshots of the run at n_eff = 20
        live = graphNamed(w.riskPlot(), "live run");
        QVERIFY(live && dataCount(live) == 1);
        QCOMPARE(live->data()->begin()->key, 20.0);
        w.liveRunner()->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!w.liveRunner()->isBusy(), 10000);
    }

    // 5. A click on the phase diagram starts a run whose status fields start empty (not the last run's iteration,
    // loss, risk or gap); Cancel ends with "Cancelled" on the status bar.
    void statusBelongsToTheRunShown()
    {
        sl::ui::MainWindow w("-");
        w.setRunConfirmation([](const QString&) { return true; });  // long runs on purpose: no question
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        load(w, tinyRun());
        QVERIFY(w.startLiveRun());
        QTRY_VERIFY_WITH_TIMEOUT(w.results().size() == 1, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(label(w, "iterationLabel").contains("("), 5000);
        const QString oldIteration = label(w, "iterationLabel");
        const QString oldGap = label(w, "gapLabel");
        QVERIFY2(oldGap.contains(QRegularExpression("[0-9]")), qPrintable(oldGap));

        sl::ui::PhaseDiagramView* phase = w.phasePlot();
        phase->replot();
        const QPoint pixel(int(std::lround(phase->xAxis->coordToPixel(std::log10(3.0)))),
            int(std::lround(phase->yAxis->coordToPixel(std::log10(0.3)))));
        QTest::mouseClick(phase, Qt::LeftButton, Qt::NoModifier, pixel);
        // Before any snapshot of the new run could arrive:
        QVERIFY2(label(w, "iterationLabel") != oldIteration, qPrintable(label(w, "iterationLabel")));
        QVERIFY2(!label(w, "lossLabel").contains(QRegularExpression("[0-9]")), qPrintable(label(w, "lossLabel")));
        QVERIFY2(label(w, "gapLabel") != oldGap, qPrintable(label(w, "gapLabel")));
        QTRY_VERIFY_WITH_TIMEOUT(!w.liveRunner()->isBusy(), 30000);

        load(w, slowRun());
        QVERIFY(w.startLiveRun());
        QTRY_VERIFY_WITH_TIMEOUT(iteration(w) > 0, 20000);
        action(w, "cancelAction")->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(statusText(w).contains("Cancelled"), 10000);
        QVERIFY(!w.liveRunner()->isBusy());
    }

    // 6. A reopened session shows the same screen: the last run's spectrum with its tail fit next to the overlays,
    // and the status bar's fields, also after the theory has come in.
    void reopenedSessionIsTheSameScreen()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("session.json");
        QString iterationText, lossText, riskText, gapText;
        Eigen::VectorXd eigenvalues;
        double tailAlpha = 0;
        {
            sl::ui::MainWindow w("-");
            w.setRunConfirmation([](const QString&) { return true; });  // long runs on purpose: no question
            load(w, tinyRun());
            QVERIFY(w.startLiveRun());
            QTRY_VERIFY_WITH_TIMEOUT(w.results().size() == 1, 30000);
            QTRY_VERIFY_WITH_TIMEOUT(w.spectrumPlot()->data().teacher.size() == 8, 30000);
            QTest::qWait(100);
            eigenvalues = w.spectrumPlot()->data().eigenvalues;
            QCOMPARE(eigenvalues.size(), 8);
            QVERIFY(w.spectrumPlot()->data().tail.has_value());
            tailAlpha = w.spectrumPlot()->data().tail->alpha;
            iterationText = label(w, "iterationLabel");
            lossText = label(w, "lossLabel");
            riskText = label(w, "riskLabel");
            gapText = label(w, "gapLabel");
            QVERIFY(w.saveSession(path));
        }
        QSettings().clear();
        sl::ui::MainWindow reopened("-");
        reopened.setRunConfirmation([](const QString&) { return true; });  // long runs on purpose: no question
        QVERIFY2(reopened.openSession(path), qPrintable(reopened.lastError()));
        // However long the theory takes, once it is there the run's spectrum is still shown with it.
        QTRY_VERIFY_WITH_TIMEOUT(reopened.spectrumPlot()->data().teacher.size() == 8, 30000);
        QTest::qWait(300);
        const sl::ui::SpectrumViewData shown = reopened.spectrumPlot()->data();
        QCOMPARE(shown.eigenvalues, eigenvalues);
        QVERIFY(shown.tail.has_value());
        QCOMPARE(shown.tail->alpha, tailAlpha);
        QVERIFY(!reopened.spectrumPlot()->title().contains("no run yet"));
        QCOMPARE(label(reopened, "iterationLabel"), iterationText);
        QCOMPARE(label(reopened, "lossLabel"), lossText);
        QCOMPARE(label(reopened, "riskLabel"), riskText);
        QCOMPARE(label(reopened, "gapLabel"), gapText);
    }

    // 7. The predicted slope is that of the phases the fit window crosses (at λ = 1, d = 24: across L2 at
    // n_eff = √24, a chord between the two phases' exponents), and a two-point curve prints no "[nan, nan]".
    void predictedSlopeOfTheFitWindow()
    {
        ExperimentConfig base;
        base.problem.model = sl::ModelKind::Quadratic;
        base.problem.dimension = 24;
        base.problem.width = 0;
        base.problem.weightDecay = 1.0;
        base.problem.gamma = 1.0;
        base.problem.noise = 0.5;
        base.seedCount = 1;
        sl::app::Session session;
        session.parameters = base;
        for (double nEff : {1.0, 2.0, 4.0, 8.0, 12.0, 20.0}) {
            ExperimentConfig p = base;
            p.problem.samples = (long long)(nEff * 24);
            session.results << synthetic(p, 0.5 / nEff);
        }
        for (double nEff : {2.0, 8.0}) {  // a second curve of two points
            ExperimentConfig p = base;
            p.problem.samples = (long long)(nEff * 24);
            p.problem.weightDecay = 0.3;
            session.results << synthetic(p, 0.4 / nEff);
        }
        QTemporaryDir dir;
        QString error;
        QVERIFY2(session.save(dir.filePath("s.json"), &error), qPrintable(error));

        sl::ui::MainWindow w("-");
        w.setRunConfirmation([](const QString&) { return true; });  // long runs on purpose: no question
        QVERIFY2(w.openSession(dir.filePath("s.json")), qPrintable(w.lastError()));
        QTest::qWait(100);

        const sl::PhaseDiagram diagram({24, 1.0, 0.5});
        const double border = std::sqrt(24.0);
        const double logD = std::log(24.0);
        const std::string below = diagram.pureLabel(std::log(border / 1.1) / logD, 0.0);
        const std::string above = diagram.pureLabel(std::log(border * 1.1) / logD, 0.0);
        const double chord
            = (diagram.exponentN(below) * std::log(border) + diagram.exponentN(above) * std::log(20.0 / border))
            / std::log(20.0);
        QCPGraph* predicted = graphNamed(w.riskPlot(), "λ = 1:", "predicted slope");
        QVERIFY2(predicted, qPrintable(legendNames(w.riskPlot()).join(" | ")));
        const QString name = predicted->name();
        QVERIFY2(name.contains(QString::fromStdString(below + " → " + above)), qPrintable(name));
        const double shown = name.section("predicted slope ", 1).section(' ', 0, 0).toDouble();
        QVERIFY2(std::abs(shown - chord) < 0.006, qPrintable(name + " vs " + QString::number(chord)));
        // The drawn line has that slope between the fit window's ends.
        QCOMPARE(dataCount(predicted), 2);
        const auto first = predicted->data()->at(0);
        const auto last = predicted->data()->at(1);
        QCOMPARE(first->key, 1.0);
        QCOMPARE(last->key, 20.0);
        QVERIFY(std::abs(std::log(last->value / first->value) / std::log(last->key / first->key) - shown) < 0.006);

        for (const QString& n : legendNames(w.riskPlot()))
            QVERIFY2(!n.contains("nan"), qPrintable(n));
        QCPGraph* two = graphNamed(w.riskPlot(), "λ = 0.3:");
        QVERIFY2(two && dataCount(two) == 2, qPrintable(legendNames(w.riskPlot()).join(" | ")));
    }
};

QTEST_MAIN(TestWindowDefects)
#include "test_window_defects.moc"
