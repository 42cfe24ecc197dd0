// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/presets/preset_library.h"
#include "core/model/problem_config.h"
#include "ui/main_window.h"
#include "ui/parameter_panel.h"
#include "ui/phase_diagram_view.h"
#include "ui/risk_plot.h"
#include "ui/spectrum_plot.h"

#include <QDockWidget>
#include <QFile>
#include <QJsonDocument>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

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
        sl::ui::MainWindow reopened("-");
        QVERIFY2(reopened.openSession(path), qPrintable(reopened.lastError()));
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
