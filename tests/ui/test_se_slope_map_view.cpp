// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/se_slope_map_view.h"

#include "tests/ui/window_test_guards.h"
#include "ui/main_window.h"
#include "ui/parameter_panel.h"
#include "ui/plot_export.h"

#include <QMenuBar>
#include <QTemporaryDir>

#include <QFile>
#include <QIODevice>
#include <QJsonObject>
#include <QObject>
#include <QProgressBar>
#include <QSignalSpy>
#include <QString>
#include <QStringList>
#include <QTest>
#include <cmath>

namespace {

sl::NoiselessDiagramConfig small()
{
    sl::NoiselessDiagramConfig c;
    c.model.d = 30;
    c.nEffMin = 1;
    c.nEffMax = 1e5;
    c.nEffPoints = 8;
    c.lambdaMin = 0.03;
    c.lambdaMax = 300;
    c.lambdaPoints = 6;
    c.threads = 2;
    return c;
}

}  // namespace

class TestSeSlopeMapView : public QObject {
    Q_OBJECT

private slots:
    // Computed off the GUI thread with progress per column; the colour map holds the core's slopes cell by cell.
    void computesOffThreadAndDrawsTheSlopes()
    {
        sl::ui::SeSlopeMapView view;
        view.resize(640, 480);
        view.setConfig(small());
        QSignalSpy progressed(&view, &sl::ui::SeSlopeMapView::progressed);
        QSignalSpy finished(&view, &sl::ui::SeSlopeMapView::finished);
        view.start();
        QVERIFY(view.busy());
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().first().toBool(), true);
        QVERIFY(!view.busy());
        QCOMPARE(progressed.size(), 6);
        QCOMPARE(progressed.last().at(0).toInt(), 6);
        QCOMPARE(view.progressBar()->value(), 6);
        const auto core = sl::computeNoiselessDiagram(small());
        const auto& shown = view.plot()->result();
        QCOMPARE(shown.cells.size(), core.cells.size());
        QCPColorMap* map = view.plot()->colorMap();
        QVERIFY(map);
        for (std::size_t j = 0; j < 6; ++j) {
            for (std::size_t i = 0; i < 8; ++i) {
                const double expected = core.cell(i, j).slope;
                const double drawn = map->data()->cell(int(i), int(j));
                QVERIFY(std::isnan(expected) ? std::isnan(drawn) : std::abs(drawn - expected) < 1e-12);
            }
        }
        QVERIFY(view.plot()->title().contains("Δ = 0"));
        QCOMPARE(view.plot()->dataCsv().count('\n'), 1 + 48);
        QCOMPARE(view.plot()->dataJson()["cells"].toArray().size(), 48);
    }

    // Issue 16, item 12: every exported row carries the state evolution's parameters at its cell, written to a
    // file and read back; d = 37 and γ = 1.3 on purpose, so a default would not pass.
    void exportCarriesTheParameters()
    {
        sl::NoiselessDiagramConfig config = small();
        config.model.d = 37;
        config.model.gamma = 1.3;
        config.nEffPoints = 4;
        config.lambdaPoints = 3;
        const sl::NoiselessDiagramResult result = sl::computeNoiselessDiagram(config);
        sl::ui::SeSlopeMapPlot plot;
        plot.setResult(config, result);
        QTemporaryDir dir;
        QString error;
        const QString path = dir.filePath("se-map.csv");
        QVERIFY2(sl::ui::exportData(plot, path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList rows = QString::fromUtf8(file.readAll()).trimmed().split('\n');
        QCOMPARE(rows.size(), 1 + 12);
        const QStringList header = rows[0].split(',');
        for (const char* column : {"model", "d", "p", "n", "n_eff", "lambda", "gamma", "noise_delta", "amplitudes",
                 "solver", "seeds", "se_risk", "se_slope"})
            QVERIFY2(header.count(column) == 1, qPrintable(rows[0]));
        for (int r = 1; r < rows.size(); ++r) {
            const QStringList row = rows[r].split(',');
            QCOMPARE(row.size(), header.size());
            auto cell = [&](const char* column) { return row.value(header.indexOf(column)); };
            const sl::NoiselessDiagramCell& c = result.cells[std::size_t(r - 1)];
            QCOMPARE(cell("model"), QString("diagonal"));
            QCOMPARE(cell("d").toInt(), 37);
            QCOMPARE(cell("gamma").toDouble(), 1.3);
            QCOMPARE(cell("noise_delta").toDouble(), 0.0);
            QVERIFY(std::abs(cell("n_eff").toDouble() - c.nEff) <= 1e-9 * c.nEff);  // 10 digits
            QCOMPARE(cell("lambda").toDouble(), c.lambda);
            QCOMPARE(cell("n").toLongLong(), sl::ProblemConfig::samplesForNEff(sl::ModelKind::Diagonal, 37, c.nEff));
            QCOMPARE(cell("solver"), QString("state_evolution"));
        }
        const QJsonObject parameters = plot.dataJson()["parameters"].toObject();
        QCOMPARE(parameters["d"].toInt(), 37);
        QCOMPARE(parameters["gamma"].toDouble(), 1.3);
        QCOMPARE(parameters["n_eff_grid"].toObject()["points"].toInt(), 4);
        QCOMPARE(parameters["lambda_grid"].toObject()["to"].toDouble(), 300.0);
    }

    // Cancel stops the worker: finished(false), nothing drawn, and the view can start again.
    void cancelStopsAndDrawsNothing()
    {
        sl::ui::SeSlopeMapView view;
        auto big = small();
        big.lambdaPoints = 2000;
        view.setConfig(big);
        QSignalSpy progressed(&view, &sl::ui::SeSlopeMapView::progressed);
        QSignalSpy finished(&view, &sl::ui::SeSlopeMapView::finished);
        view.start();
        QVERIFY(progressed.wait(30000));
        view.cancel();
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().first().toBool(), false);
        QVERIFY(view.plot()->result().cells.empty());
        QVERIFY(!view.busy());
        view.setConfig(small());
        view.start();
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.last().first().toBool(), true);
    }

    // The experiment's model, d, γ and teacher carry over; Δ is 0 whatever the experiment's noise.
    void configForAnExperiment()
    {
        sl::ProblemConfig p;
        p.model = sl::ModelKind::Diagonal;
        p.dimension = 80;
        p.gamma = 1.5;
        p.noise = 0.5;
        p.amplitudes = sl::TeacherAmplitudes::Gaussian;
        const auto c = sl::ui::SeSlopeMapView::configFor(p);
        QCOMPARE(c.model.model, sl::ModelKind::Diagonal);
        QCOMPARE(c.model.d, 80);
        QCOMPARE(c.model.gamma, 1.5);
        QCOMPARE(c.model.noise, 0.0);
        QCOMPARE(c.model.lassoMode, sl::LassoTeacherMode::VarianceProfile);
        QCOMPARE(c.lambdaMin, 1.0 / 80);
        QCOMPARE(c.nEffMax, 10 * std::pow(80.0, 3.0));
        p.model = sl::ModelKind::Quadratic;
        QCOMPARE(sl::ui::SeSlopeMapView::configFor(p).nEffPoints, 16);
        c.validate();
    }

    // View → "Δ = 0 diagram from the state evolution..." opens the view for the panel's problem and computes it.
    void mainWindowOpensTheDiagram()
    {
        sl::ui::MainWindow window("-");
        auto problem = window.parameterPanel()->experiment();
        problem.problem.model = sl::ModelKind::Diagonal;
        problem.problem.dimension = 12;
        problem.problem.gamma = 1.0;
        window.parameterPanel()->setExperiment(problem);
        window.parameterPanel()->discardPendingChange();
        QAction* open = nullptr;
        for (QAction* menu : window.menuBar()->actions())
            if (menu->menu())
                for (QAction* a : menu->menu()->actions())
                    if (a->text().startsWith("Δ = 0 diagram"))
                        open = a;
        QVERIFY(open);
        open->trigger();
        auto* view = window.findChild<sl::ui::SeSlopeMapView*>();
        QVERIFY(view);
        QCOMPARE(view->config().model.d, 12);
        QVERIFY(QTest::qWaitFor([&] { return !view->busy(); }, 60000));
        QVERIFY(!view->plot()->result().cells.empty());
    }

    // Destroying the view while it computes cancels and joins the worker (no crash, no late update).
    void destroyedWhileBusy()
    {
        auto* view = new sl::ui::SeSlopeMapView;
        auto big = small();
        big.lambdaPoints = 2000;
        view->setConfig(big);
        view->start();
        QTest::qWait(20);
        delete view;
        QTest::qWait(20);
    }
};

QTEST_MAIN(TestSeSlopeMapView)
#include "test_se_slope_map_view.moc"
