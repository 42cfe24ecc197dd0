// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/presets/preset_library.h"
#include "app/session/session.h"
#include "app/store/result_store.h"
#include "core/model/problem_config.h"
#include "tests/app/store/full_store.h"
#include "tests/ui/window_test_guards.h"
#include "ui/main_window.h"
#include "ui/parameter_panel.h"
#include "ui/phase_diagram_view.h"
#include "ui/risk_plot.h"
#include "ui/spectrum_plot.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <QLabel>
#include <QMenuBar>
#include <QObject>
#include <QPoint>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>

namespace {

// A run that finishes in well under a second: the quadratic network at d = 8, n = 100 by L-BFGS.
sl::app::ExperimentConfig tinyRun(const sl::ui::MainWindow& window)
{
    sl::app::ExperimentConfig config = window.parameterPanel()->experiment();
    config.problem.model = sl::ModelKind::Quadratic;
    config.problem.width = 0;
    config.problem.dimension = 8;
    config.problem.samples = sl::ProblemConfig::samplesForNEff(sl::ModelKind::Quadratic, 8, 12.5);  // n = 100
    config.problem.weightDecay = 0.1;
    config.problem.seed = 5;
    config.solver = sl::app::Solver::Lbfgs;
    config.train = sl::TrainConfig::defaults(sl::Optimizer::Lbfgs);
    config.train.maxIterations = 300;
    config.seedCount = 1;
    return config;
}

// Puts `config` in the panel without the debounced restart, then runs it and waits for its result.
bool runAndWait(sl::ui::MainWindow& window, const sl::app::ExperimentConfig& config, int resultsBefore)
{
    window.parameterPanel()->setExperiment(config);
    window.parameterPanel()->discardPendingChange();
    if (!window.startLiveRun())
        return false;
    return QTest::qWaitFor([&] { return window.results().size() > resultsBefore; }, 60000);
}

// The risk plot's CSV/JSON export of `path`, checked to carry `result`'s measured point.
bool exportedRiskHolds(sl::ui::MainWindow& window, const QString& path, const sl::app::RunResult& result)
{
    if (!window.exportPlot("risk", path))
        return false;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray bytes = f.readAll();
    if (path.endsWith(".csv")) {
        const QStringList rows = QString::fromUtf8(bytes).split('\n');
        const int nEffColumn = rows.first().split(',').indexOf("n_eff");
        return std::any_of(rows.begin(), rows.end(), [&](const QString& row) {
            return row.contains(QString(",measured,%1,").arg(result.excessRisk, 0, 'g', 10))
                && row.split(',').value(nEffColumn) == QString::number(result.nEff, 'g', 10);
        });
    }
    const QJsonArray series = QJsonDocument::fromJson(bytes).object().value("series").toArray();
    for (const QJsonValue& s : series) {
        const QJsonArray nEff = s.toObject().value("n_eff").toArray();
        const QJsonArray mean = s.toObject().value("mean").toArray();
        for (int i = 0; i < nEff.size() && i < mean.size(); ++i)
            if (nEff[i].toDouble() == result.nEff && mean[i].toDouble() == result.excessRisk)
                return true;
    }
    return false;
}

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("ScalingLabTest");
        QCoreApplication::setApplicationName("test_main_window");
        QSettings().clear();
        qRegisterMetaType<sl::app::ExperimentConfig>();
    }

    void opensWithThreePlotAreasAndPanel()
    {
        sl::ui::MainWindow window("-");
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        for (const char* name : {"riskPlot", "spectrumPlot", "phasePlot"}) {
            auto* plot = window.findChild<QCustomPlot*>(name);
            QVERIFY2(plot, name);
            QVERIFY(plot->isVisible());
            QVERIFY(plot->width() > 100 && plot->height() > 100);
        }
        QVERIFY(window.findChild<QDockWidget*>("parameterDock"));
        QStringList menus;
        for (QAction* a : window.menuBar()->actions())
            menus << a->text().remove('&');
        for (const char* menu : {"File", "Run", "View", "Presets", "Help"})
            QVERIFY2(menus.contains(menu), menu);
    }

    void clickOnPhaseDiagramLaunchesThatPoint()
    {
        sl::ui::MainWindow window("-");
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        sl::ui::PhaseDiagramView* phase = window.phasePlot();
        phase->replot();
        QSignalSpy launched(&window, &sl::ui::MainWindow::experimentLaunched);

        // The pixel of (n_eff, λ) = (10, 0.3) on the diagram's log10 axes.
        const double nEff = 10, lambda = 0.3;
        const QPoint pixel(int(std::lround(phase->xAxis->coordToPixel(std::log10(nEff)))),
            int(std::lround(phase->yAxis->coordToPixel(std::log10(lambda)))));
        QTest::mouseClick(phase, Qt::LeftButton, Qt::NoModifier, pixel);
        QCOMPARE(launched.size(), 1);
        const auto config = launched.first().at(0).value<sl::app::ExperimentConfig>();
        QCOMPARE(launched.first().at(1).toBool(), false);
        // One pixel spans ~0.02 decades here, so the point matches to a few percent.
        const double gotNEff = config.problem.nEff();
        QVERIFY2(std::abs(std::log10(gotNEff / nEff)) < 0.05, qPrintable(QString::number(gotNEff)));
        QVERIFY2(std::abs(std::log10(config.problem.weightDecay / lambda)) < 0.05,
            qPrintable(QString::number(config.problem.weightDecay)));
        QCOMPARE(config.problem.samples,
            sl::ProblemConfig::samplesForNEff(config.problem.model, config.problem.dimension, gotNEff));
        window.liveRunner()->cancel();

        // Shift-click asks for a sweep through the point.
        QTest::mouseClick(phase, Qt::LeftButton, Qt::ShiftModifier, pixel);
        QCOMPARE(launched.size(), 2);
        const auto sweep = launched.last().at(0).value<sl::app::ExperimentConfig>();
        QCOMPARE(launched.last().at(1).toBool(), true);
        QVERIFY(sweep.isSweep());
        QVERIFY(sweep.sweep.grid.from < gotNEff && sweep.sweep.grid.to > gotNEff);
    }

    void presetLoadsItsFiguresParameters()
    {
        sl::ui::MainWindow window("-");
        const sl::app::PresetLibrary library;
        const sl::app::Preset* preset = library.find("fig2-phase-II");
        QVERIFY(preset);
        QSignalSpy launched(&window, &sl::ui::MainWindow::experimentLaunched);
        window.applyPreset(*preset);
        const sl::ProblemConfig p = window.parameterPanel()->problem();
        QCOMPARE(p.model, preset->experiment.problem.model);
        QCOMPARE(p.dimension, preset->experiment.problem.dimension);
        QCOMPARE(p.samples, preset->experiment.problem.samples);
        QCOMPARE(p.weightDecay, preset->experiment.problem.weightDecay);
        QCOMPARE(p.noise, 0.5);
        QCOMPARE(launched.size(), 1);
        // The phase diagram's measured exponents are computed for the preset's model (issue 19; the view's
        // "Measure exponents" ran the diagonal state evolution whatever the panel showed).
        const sl::ui::PhaseDiagramView* phase = window.phasePlot();
        QVERIFY(phase);
        QCOMPARE(phase->exponentModel(), preset->experiment.problem.model);
        QCOMPARE(phase->diagram().config().d, double(preset->experiment.problem.dimension));
        window.liveRunner()->cancel();
    }

    void exportWritesEveryFormat()
    {
        sl::ui::MainWindow window("-");
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // The theory overlay (teacher and predicted spectra, SE curve) arrives from its worker thread.
        QTRY_VERIFY_WITH_TIMEOUT(window.spectrumPlot()->data().teacher.size() > 0, 30000);
        QTemporaryDir dir;
        for (const char* plot : {"risk", "spectrum", "phase"}) {
            for (const char* ext : {"png", "pdf", "svg", "csv", "json"}) {
                const QString path = dir.filePath(QString("%1.%2").arg(plot, ext));
                QVERIFY2(window.exportPlot(plot, path), qPrintable(window.lastError()));
                QFile f(path);
                QVERIFY(f.open(QIODevice::ReadOnly));
                const QByteArray head = f.read(8);
                QVERIFY2(f.size() > 20, qPrintable(path));
                if (QString(ext) == "png")
                    QCOMPARE(head.left(4), QByteArray("\x89PNG"));
                else if (QString(ext) == "pdf")
                    QCOMPARE(head.left(5), QByteArray("%PDF-"));
            }
        }
        QVERIFY(!window.exportPlot("risk", dir.filePath("x.bmpx")));
        QVERIFY(window.lastError().contains("unknown"));
        QVERIFY(!window.exportPlot("nosuchplot", dir.filePath("x.png")));
    }

    void invalidSessionIsRefusedVisiblyAndChangesNothing()
    {
        sl::ui::MainWindow window("-");
        const sl::ProblemConfig before = window.parameterPanel()->problem();
        QTemporaryDir dir;
        const QString path = dir.filePath("bad.json");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"schema":"scalinglab.session","version":1,"results":[],
                    "parameters":{"schema":"scalinglab.experiment","version":1,
                                  "problem":{"model":"diagonal","gamma":0.3}}})");
        f.close();
        QVERIFY(!window.openSession(path));
        QVERIFY2(window.lastError().contains("gamma"), qPrintable(window.lastError()));
        const sl::ProblemConfig after = window.parameterPanel()->problem();
        QCOMPARE(after.gamma, before.gamma);
        QCOMPARE(after.model, before.model);
    }

    // Issue 11: a full disk gives a clear error, the result stays in memory and can be exported; the store file
    // is not damaged. The disk is "full" through SQLite's page limit (see ResultStore::setMaxPageCountForTesting),
    // which also works as root.
    void fullStoreKeepsTheResultShownAndExportable()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("results.sqlite");
        const sl::test::PageLimit limit(1);
        const int filled = sl::test::fillToCapacity(path);
        QVERIFY(filled > 0);

        sl::ui::MainWindow window(path);
        QVERIFY2(window.lastError().isEmpty(), qPrintable(window.lastError()));  // a full store still opens
        QVERIFY(runAndWait(window, tinyRun(window), 0));
        const sl::app::RunResult result = window.results().first();
        QVERIFY2(result.status == sl::Status::Converged || result.status == sl::Status::MaxIterations,
            qPrintable(result.message));

        // The user is told, on the status bar, what failed and where, and that the result is kept.
        const QString error = window.lastError();
        QVERIFY2(error.contains("Could not store the result") && error.contains("stays in memory")
                && error.contains("database or disk is full") && error.contains(path),
            qPrintable(error));
        QCOMPARE(window.statusBar()->currentMessage(), error);

        // It is shown (the risk plot's point and the status labels) and exports as data and as a session.
        QVERIFY(window.findChild<QLabel*>("iterationLabel")->text().contains(QString::number(result.iterations)));
        QVERIFY(exportedRiskHolds(window, dir.filePath("risk.csv"), result));
        QVERIFY(exportedRiskHolds(window, dir.filePath("risk.json"), result));
        QVERIFY(window.saveSession(dir.filePath("session.json")));
        QString sessionError;
        const auto session = sl::app::Session::load(dir.filePath("session.json"), &sessionError);
        QVERIFY2(session.has_value(), qPrintable(sessionError));
        QCOMPARE(session->results.size(), 1);
        QCOMPARE(session->results.first().configHash, result.configHash);
        QCOMPARE(session->results.first().excessRisk, result.excessRisk);

        // The store holds exactly what it held before, undamaged.
        sl::app::ResultStore::setMaxPageCountForTesting(0);
        sl::app::ResultStore store;
        QVERIFY2(store.open(path), qPrintable(store.lastError()));
        QCOMPARE(store.count(), qint64(filled));
        QVERIFY(!store.findByHash(result.configHash).has_value());
        QString message;
        QVERIFY2(store.integrityCheck(&message), qPrintable(message));
    }

    // A store path that cannot be opened (a regular file where its folder should be: fails for root too): the
    // window says so and why, runs work in memory and export; a failed export names its path and changes nothing.
    void unavailableStoreLeavesResultsInMemory()
    {
        QTemporaryDir dir;
        const QString blocker = dir.filePath("not-a-folder");
        QFile f(blocker);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x");
        f.close();
        sl::ui::MainWindow window(blocker + "/results.sqlite");
        QVERIFY2(window.lastError().contains("Results store unavailable, results stay in memory only")
                && window.lastError().contains(QString("'%1' is a file, not a folder").arg(blocker)),
            qPrintable(window.lastError()));
        QCOMPARE(window.statusBar()->currentMessage(), window.lastError());

        QVERIFY(runAndWait(window, tinyRun(window), 0));
        const sl::app::RunResult result = window.results().first();
        QVERIFY2(result.status == sl::Status::Converged || result.status == sl::Status::MaxIterations,
            qPrintable(result.message));
        QVERIFY2(!window.lastError().contains("Could not store"), qPrintable(window.lastError()));

        // An export target that cannot be written is refused with its path; the data is still there to export.
        const QString badTarget = blocker + "/risk.csv";
        QVERIFY(!window.exportPlot("risk", badTarget));
        QVERIFY2(window.lastError().contains("Export failed") && window.lastError().contains(badTarget),
            qPrintable(window.lastError()));
        QVERIFY(QFileInfo(blocker).isFile() && QFileInfo(blocker).size() == 1);
        QVERIFY(exportedRiskHolds(window, dir.filePath("risk.csv"), result));
        QVERIFY(exportedRiskHolds(window, dir.filePath("risk.json"), result));
        QCOMPARE(window.results().size(), 1);
    }

    // Issue 11: a diverging run (huge step) ends "diverged", shown as such; the store keeps it with that status
    // (as sweeps and the CLI do), the risk curve leaves it out, and the next normal run works.
    void divergedRunIsShownStoredAndTheNextRunWorks()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("results.sqlite");
        sl::ui::MainWindow window(path);
        QVERIFY2(window.lastError().isEmpty(), qPrintable(window.lastError()));

        sl::app::ExperimentConfig huge = tinyRun(window);
        huge.solver = sl::app::Solver::GradientDescent;
        huge.train = sl::TrainConfig::defaults(sl::Optimizer::GradientDescent);
        huge.train.learningRate = 1.0;  // the panel's largest step; plain GD explodes at once here
        QVERIFY(runAndWait(window, huge, 0));
        const sl::app::RunResult diverged = window.results().first();
        QCOMPARE(diverged.status, sl::Status::Diverged);
        QVERIFY2(window.lastError().contains("Run diverged") && window.lastError().contains("smaller learning rate"),
            qPrintable(window.lastError()));
        QCOMPARE(window.statusBar()->currentMessage(), window.lastError());
        // The field's whole text (its tooltip): a narrow window shows "iteration 2" in the field itself.
        QVERIFY2(window.findChild<QLabel*>("iterationLabel")->toolTip().contains("(diverged)"),
            qPrintable(window.findChild<QLabel*>("iterationLabel")->toolTip()));
        QVERIFY(window.spectrumPlot()->data().eigenvalues.size() == 0);  // no exploded spectrum drawn
        for (const sl::ui::RiskSeries& s : window.riskPlot()->series())
            QVERIFY2(s.nEff.isEmpty(), qPrintable(s.name));  // no measured point from a diverged run
        QVERIFY(!window.riskPlot()->hasLivePoint());  // nor its last live snapshot
        {
            sl::app::ResultStore store;
            QVERIFY2(store.open(path), qPrintable(store.lastError()));
            const auto runs = store.runs();
            QCOMPARE(runs.size(), 1);
            QCOMPARE(runs.first().status, QString("diverged"));
            QCOMPARE(runs.first().configHash, diverged.configHash);
        }

        // The next, sane run goes through: result shown, plotted, stored.
        QVERIFY(runAndWait(window, tinyRun(window), 1));
        const sl::app::RunResult good = window.results().last();
        QVERIFY2(
            good.status == sl::Status::Converged || good.status == sl::Status::MaxIterations, qPrintable(good.message));
        QVERIFY(!window.findChild<QLabel*>("iterationLabel")->toolTip().contains("diverged"));
        QVERIFY(window.spectrumPlot()->data().eigenvalues.size() == 8);
        QVERIFY(exportedRiskHolds(window, dir.filePath("risk.csv"), good));
        sl::app::ResultStore store;
        QVERIFY2(store.open(path), qPrintable(store.lastError()));
        QCOMPARE(store.count(), qint64(2));
        QVERIFY(store.findByHash(good.configHash).has_value());
    }

    void sessionRoundTripsThroughTheWindow()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("session.json");
        sl::app::ExperimentConfig config;
        {
            sl::ui::MainWindow window("-");
            config = window.parameterPanel()->experiment();
            config.problem.model = sl::ModelKind::Diagonal;
            config.problem.width = 0;  // the diagonal network has no width
            config.problem.dimension = 33;
            config.problem.samples = 77;
            config.problem.weightDecay = 0.125;
            config.problem.gamma = 1.5;
            window.parameterPanel()->setExperiment(config);
            window.parameterPanel()->discardPendingChange();
            QVERIFY(window.saveSession(path));
        }
        QSettings().remove("parameters/last");  // the new window starts from the defaults (d = 40), not d = 33
        sl::ui::MainWindow reopened("-");
        QTRY_VERIFY_WITH_TIMEOUT(reopened.spectrumPlot()->data().teacher.size() > 0, 30000);
        QVERIFY(reopened.spectrumPlot()->data().teacher.size() != 33);
        QVERIFY2(reopened.openSession(path), qPrintable(reopened.lastError()));
        // The theory overlays follow the session's parameters: the teacher spectrum has its d = 33 values.
        QTRY_COMPARE_WITH_TIMEOUT(int(reopened.spectrumPlot()->data().teacher.size()), 33, 30000);
        const auto got = reopened.parameterPanel()->experiment();
        QCOMPARE(got.problem.dimension, 33);
        QCOMPARE(got.problem.samples, 77LL);
        QCOMPARE(got.problem.weightDecay, 0.125);
        QCOMPARE(got.problem.gamma, 1.5);
        QVERIFY2(got == config, QJsonDocument(got.toJson()).toJson().constData());
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
