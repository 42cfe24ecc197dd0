// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/bayes_optimal.h"
#include "tests/ui/window_test_guards.h"
#include "ui/lambda_curve_view.h"
#include "ui/main_window.h"
#include "ui/parameter_panel.h"
#include "ui/plot_export.h"
#include "ui/risk_plot.h"

#include <QJsonDocument>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <QtTest>
#include <cmath>

namespace {

QStringList legendNames(QCustomPlot& plot)
{
    QStringList names;
    for (int i = 0; i < plot.legend->itemCount(); ++i)
        if (auto* item = qobject_cast<QCPPlottableLegendItem*>(plot.legend->item(i)))
            names << item->plottable()->name();
    return names;
}

}  // namespace

class TestLambdaCurveView : public QObject {
    Q_OBJECT

private slots:
    // The λ view draws the core's curve, marks λ_opt, the Bayes-optimal level and the predicted exponent of the
    // phase crossed, and exports exactly what it draws.
    void drawsCurveOptimumBayesAndExponents()
    {
        sl::LambdaCurveConfig c;
        c.model.d = 200;
        c.nEff = 600;
        c.lambdaMin = 0.01;
        c.lambdaMax = 300;
        c.points = 16;
        const auto curve = sl::computeLambdaCurve(c);
        sl::OptimalLambdaConfig o;
        o.model = c.model;
        o.nEff = c.nEff;
        const auto opt = sl::findOptimalLambda(o);
        QVERIFY(opt.ok());
        sl::BayesOptimalConfig bc;
        bc.teacher = c.model.resolvedLassoTeacher();
        bc.prior = sl::BayesPrior::RandomSigns;
        bc.alpha = 3;
        bc.noise = 0.5;
        const auto bo = sl::solveBayesOptimal(bc);
        sl::ui::LambdaCurvePlot plot;
        sl::ui::LambdaCurvePlot::Trained trained;
        trained.lambda = {0.1, 1, 10};
        trained.mean = {0.2, 0.1, 0.5};
        trained.standardError = {0.01, 0.01, 0.02};
        plot.setCurve(curve, opt, bo.risk, trained);
        const QStringList names = legendNames(plot);
        QVERIFY(names.contains("state evolution"));
        QVERIFY(names.contains("Bayes-optimal"));
        QVERIFY(names.filter("λ_opt = ").size() == 1);
        QVERIFY2(
            names.filter(QRegularExpression("^II: predicted λ\\^1, SE ")).size() == 1, qPrintable(names.join("; ")));
        QVERIFY(names.filter("trained").size() == 1);
        // The λ_opt star sits at the core's optimum.
        QCPGraph* star = nullptr;
        for (int i = 0; i < plot.graphCount(); ++i)
            if (plot.graph(i)->name().startsWith("λ_opt"))
                star = plot.graph(i);
        QVERIFY(star);
        QCOMPARE(star->data()->at(0)->key, opt.lambda);
        QCOMPARE(star->data()->at(0)->value, opt.risk);
        const QJsonObject json = plot.dataJson();
        QCOMPARE(json["optimal_lambda"].toDouble(), opt.lambda);
        QCOMPARE(json["bayes_optimal_excess_risk"].toDouble(), bo.risk);
        QCOMPARE(json["points"].toArray().size(), 16);
        QCOMPARE(plot.dataCsv().count('\n'), 17);
        QVERIFY(plot.title().contains("600"));
    }

    // An optimum at the end of the range is named as a bound, not as λ_opt.
    void boundaryOptimumIsABound()
    {
        sl::LambdaCurveConfig c;
        c.model.d = 50;
        c.model.noise = 0;
        c.nEff = 150;
        c.points = 6;
        const auto curve = sl::computeLambdaCurve(c);
        sl::OptimalLambdaConfig o;
        o.model = c.model;
        o.nEff = c.nEff;
        const auto opt = sl::findOptimalLambda(o);
        QCOMPARE(opt.boundary, -1);
        sl::ui::LambdaCurvePlot plot;
        plot.setCurve(curve, opt, std::nan(""));
        const QStringList names = legendNames(plot);
        QVERIFY(names.filter("≤").size() == 1);
        QVERIFY(!names.contains("Bayes-optimal"));
        QVERIFY(plot.dataJson()["optimal_lambda"].isNull());
    }

    // The view computes curve, optimum and R_BO off the GUI thread and draws the core's numbers.
    void viewComputesOffThread()
    {
        sl::ProblemConfig p;
        p.model = sl::ModelKind::Diagonal;
        p.dimension = 40;
        p.samples = 80;
        p.noise = 0.5;
        p.amplitudes = sl::TeacherAmplitudes::Deterministic;
        const auto config = sl::ui::LambdaCurveView::configFor(p);
        QCOMPARE(config.nEff, 80.0);
        QCOMPARE(config.points, 30);
        sl::ui::LambdaCurveView view;
        view.setConfig(config);
        QSignalSpy finished(&view, &sl::ui::LambdaCurveView::finished);
        view.start();
        QVERIFY(view.busy());
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().first().toBool(), true);
        const auto core = sl::computeLambdaCurve(config);
        QCOMPARE(view.plot()->curve().points.size(), core.points.size());
        for (std::size_t i = 0; i < core.points.size(); ++i)
            QCOMPARE(view.plot()->curve().points[i].value.excessRisk, core.points[i].value.excessRisk);
        sl::OptimalLambdaConfig o;
        o.model = config.model;
        o.nEff = config.nEff;
        QCOMPARE(view.plot()->optimum().lambda, sl::findOptimalLambda(o).lambda);
        QVERIFY(view.plot()->bayesRisk() > 0 && view.plot()->bayesRisk() < view.plot()->optimum().risk);
        // Cancelled: nothing new is drawn.
        auto big = config;
        big.points = 5000;
        view.setConfig(big);
        view.start();
        view.cancel();
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.last().first().toBool(), false);
        QCOMPARE(view.plot()->curve().points.size(), core.points.size());
    }

    // Issue 16, item 12: every exported row carries the parameters the curve was computed for (not the view's
    // config changed since), written to a file and read back; values away from every default (d = 37, γ = 1.3).
    void exportCarriesTheComputedParameters()
    {
        sl::ProblemConfig p;
        p.model = sl::ModelKind::Diagonal;
        p.dimension = 37;
        p.samples = 60;
        p.gamma = 1.3;
        p.noise = 0.7;
        p.amplitudes = sl::TeacherAmplitudes::Gaussian;  // the SE averages over θ* ~ N(0, v): "gaussian"
        sl::LambdaCurveConfig config = sl::ui::LambdaCurveView::configFor(p);
        config.points = 6;
        sl::ui::LambdaCurveView view;
        view.setConfig(config);
        QSignalSpy finished(&view, &sl::ui::LambdaCurveView::finished);
        view.start();
        sl::LambdaCurveConfig other = config;
        other.model.d = 99;
        view.setConfig(other);  // after the start: the curve drawn is still the d = 37 one
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().first().toBool(), true);

        QTemporaryDir dir;
        QString error;
        const QString csvPath = dir.filePath("lambda.csv"), jsonPath = dir.filePath("lambda.json");
        QVERIFY2(sl::ui::exportData(*view.plot(), csvPath, &error), qPrintable(error));
        QFile file(csvPath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList rows = QString::fromUtf8(file.readAll()).trimmed().split('\n');
        const std::vector<double> grid = config.grid();
        QCOMPARE(rows.size(), 1 + int(grid.size()));
        const QStringList header = rows[0].split(',');
        for (const char* column : {"model", "d", "p", "n", "n_eff", "lambda", "gamma", "noise_delta", "amplitudes",
                 "solver", "seeds", "se_risk"})
            QVERIFY2(header.count(column) == 1, qPrintable(rows[0]));
        for (int i = 0; i < int(grid.size()); ++i) {
            const QStringList row = rows[1 + i].split(',');
            QCOMPARE(row.size(), header.size());
            auto cell = [&](const char* column) { return row.value(header.indexOf(column)); };
            QCOMPARE(cell("model"), QString("diagonal"));
            QCOMPARE(cell("d").toInt(), 37);
            QVERIFY(cell("p").isEmpty());  // the state evolution has no width
            QCOMPARE(cell("n").toLongLong(), 60LL);  // n = n_eff for the diagonal net
            QCOMPARE(cell("n_eff").toDouble(), 60.0);
            QCOMPARE(cell("lambda").toDouble(), grid[i]);
            QCOMPARE(cell("gamma").toDouble(), 1.3);
            QCOMPARE(cell("noise_delta").toDouble(), 0.7);
            QCOMPARE(cell("amplitudes"), QString("gaussian"));
            QCOMPARE(cell("solver"), QString("state_evolution"));
            const double risk = view.plot()->curve().points[i].value.excessRisk;
            QVERIFY(std::abs(cell("se_risk").toDouble() - risk) <= 1e-9 * risk);  // 10 digits
        }

        QVERIFY2(sl::ui::exportData(*view.plot(), jsonPath, &error), qPrintable(error));
        QFile jsonFile(jsonPath);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        const QJsonObject parameters = QJsonDocument::fromJson(jsonFile.readAll()).object()["parameters"].toObject();
        QCOMPARE(parameters["model"].toString(), QString("diagonal"));
        QCOMPARE(parameters["d"].toInt(), 37);
        QCOMPARE(parameters["n_eff"].toDouble(), 60.0);
        QCOMPARE(parameters["gamma"].toDouble(), 1.3);
        QCOMPARE(parameters["noise_delta"].toDouble(), 0.7);
        QVERIFY(parameters["lambda"].isNull());  // varies along the curve
        QCOMPARE(parameters["lambda_grid"].toArray().size(), int(grid.size()));
        QCOMPARE(parameters["lambda_grid"].toArray().first().toDouble(), grid.front());
    }

    void mainWindowOpensTheLambdaView()
    {
        sl::ui::MainWindow window("-");
        auto e = window.parameterPanel()->experiment();
        e.problem.model = sl::ModelKind::Diagonal;
        e.problem.dimension = 20;
        window.parameterPanel()->setExperiment(e);
        window.parameterPanel()->discardPendingChange();
        QAction* open = nullptr;
        for (QAction* menu : window.menuBar()->actions())
            if (menu->menu())
                for (QAction* a : menu->menu()->actions())
                    if (a->text().startsWith("Risk against λ"))
                        open = a;
        QVERIFY(open);
        open->trigger();
        auto* view = window.findChild<sl::ui::LambdaCurveView*>();
        QVERIFY(view);
        QCOMPARE(view->config().model.d, 20);
        QVERIFY(QTest::qWaitFor([&] { return !view->busy(); }, 60000));
        QVERIFY(!view->plot()->curve().points.empty());
    }

    // The risk plot's Bayes-optimal line: the SE (diagonal) or the rate without constant (quadratic).
    void riskPlotBayesLine()
    {
        sl::ui::RiskPlot plot;
        sl::ui::RiskSeries s;
        s.name = "λ = 1";
        s.theoryNEff = {10, 100};
        s.theoryRisk = {0.5, 0.1};
        s.bayesNEff = {10, 100};
        s.bayesRisk = {0.3, 0.05};
        plot.setSeries(s);
        // The risk legend has one entry per curve (issue 16): the Bayes line is drawn, in the curve's colour, dotted.
        auto drawnNames = [&plot] {
            QStringList names;
            for (int i = 0; i < plot.graphCount(); ++i)
                if (plot.graph(i)->visible() && !plot.graph(i)->data()->isEmpty())
                    names << plot.graph(i)->name();
            return names;
        };
        QVERIFY(drawnNames().contains("λ = 1: Bayes-optimal"));
        QCOMPARE(plot.dataJson()["series"].toArray().first().toObject()["bayes_risk"].toArray().size(), 2);
        s.bayesRateOnly = true;
        plot.setSeries(s);
        QVERIFY(drawnNames().contains("λ = 1: Bayes-optimal rate (no constant)"));
        QVERIFY(plot.dataJson()["series"].toArray().first().toObject()["bayes_rate_only"].toBool());
    }
};

QTEST_MAIN(TestLambdaCurveView)
#include "test_lambda_curve_view.moc"
