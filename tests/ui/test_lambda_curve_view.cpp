// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/experiment/solver_table.h"
#include "app/runner/lambda_training.h"
#include "core/theory/bayes_optimal.h"
#include "tests/ui/window_test_guards.h"
#include "ui/lambda_curve_view.h"
#include "ui/main_window.h"
#include "ui/parameter_panel.h"
#include "ui/plot_export.h"
#include "ui/risk_plot.h"

#include <QJsonDocument>
#include <QMenuBar>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <QFile>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QPointF>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QStringLiteral>
#include <QTest>
#include <QVector>
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

QCPGraph* graphNamed(QCustomPlot& plot, const QString& prefix)
{
    for (int i = 0; i < plot.graphCount(); ++i)
        if (plot.graph(i)->name().startsWith(prefix))
            return plot.graph(i);
    return nullptr;
}

QCPErrorBars* errorBarsOf(QCustomPlot& plot, QCPGraph* graph)
{
    for (int i = 0; i < plot.plottableCount(); ++i)
        if (auto* bars = qobject_cast<QCPErrorBars*>(plot.plottable(i)))
            if (bars->dataPlottable() == graph)
                return bars;
    return nullptr;
}

QVector<QPointF> graphPoints(const QCPGraph* graph)
{
    QVector<QPointF> out;
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
        out << QPointF(it->key, it->value);
    return out;
}

sl::app::ExperimentConfig diagonalExperiment(int d, long long n, sl::app::Solver solver)
{
    sl::app::ExperimentConfig e;
    e.problem.model = sl::ModelKind::Diagonal;
    e.problem.dimension = d;
    e.problem.samples = n;
    e.problem.noise = 0.5;
    e.problem.amplitudes = sl::TeacherAmplitudes::Deterministic;
    e.problem.seed = 1;
    e.solver = solver;
    e.train = sl::TrainConfig::defaults(sl::app::solverInfo(solver).trainDefaults);
    e.tailFit = false;
    return e;
}

// The trained block of the CSV export: the lines after its header.
QStringList trainedCsvRows(const QString& csv)
{
    const int header = csv.indexOf("\ntrained_mean,");
    if (header < 0)
        return {};
    QStringList lines = csv.mid(header + 1).split('\n', Qt::SkipEmptyParts);
    lines.removeFirst();
    return lines;
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
        // 16 SE rows and their header, a blank line, the trained points' header and their 3 rows.
        QCOMPARE(plot.dataCsv().count('\n'), 22);
        QCOMPARE(trainedCsvRows(plot.dataCsv()).size(), 3);
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

    // A λ whose every run failed has no mean: it is not drawn, and the export lists it with its failed runs and no
    // mean; the legend says how many runs were left out of the means.
    void failedLambdaIsNotDrawn()
    {
        sl::ui::LambdaCurvePlot plot;
        sl::ui::LambdaCurvePlot::Trained trained;
        trained.lambda = {0.1, 1, 10};
        trained.mean = {0.2, std::nan(""), 0.5};
        trained.standardError = {0.01, std::nan(""), 0.02};
        trained.runs = {3, 0, 3};
        trained.failed = {0, 3, 0};
        trained.experiment
            = sl::app::lambdaTrainingExperiment(diagonalExperiment(40, 80, sl::app::Solver::Convex), {0.1, 1, 10}, 3);
        plot.setCurve({}, {}, std::nan(""), trained);
        QCPGraph* points = graphNamed(plot, "trained");
        QVERIFY(points);
        QCOMPARE(
            points->name(), QStringLiteral("trained, convex (mean ± s.e. over 3 seeds; 3 of 9 runs did not converge)"));
        QCOMPARE(graphPoints(points), (QVector<QPointF>{{0.1, 0.2}, {10, 0.5}}));
        const QJsonArray rows = plot.dataJson()["trained"].toArray();
        QCOMPARE(rows.size(), 3);
        QVERIFY(rows[1].toObject()["mean"].isNull());
        QCOMPARE(rows[1].toObject()["failed"].toInt(), 3);
        QCOMPARE(plot.dataJson()["trained_experiment"].toObject()["solver"].toString(), QStringLiteral("convex"));
        const QStringList csv = trainedCsvRows(plot.dataCsv());
        QCOMPARE(csv.size(), 3);
        QVERIFY2(csv[1].startsWith("nan,nan,0,3,diagonal,40,"), qPrintable(csv[1]));
        QCOMPARE(csv[2].split(',').value(9), QStringLiteral("10"));  // the parameters' λ: that row's
        // Every column name once (λ was a data column and a parameter column).
        const QString all = plot.dataCsv();
        const QStringList header = all.mid(all.indexOf("\ntrained_mean,") + 1).section('\n', 0, 0).split(',');
        for (const QString& name : header)
            QVERIFY2(header.count(name) == 1, qPrintable(name));
    }

    // The view's trained points are app::trainLambdaPoints (the CLI lambda-curve's function) for the same
    // configuration and seeds: the drawn means and error bars to 1e-12, and the export's rows.
    void trainedPointsAreTheAppFunctions()
    {
        auto e = diagonalExperiment(60, 120, sl::app::Solver::Lbfgs);
        e.seedCount = 4;
        sl::ui::LambdaCurveView view;
        view.setExperiment(e);
        QCOMPARE(view.config().nEff, 120.0);
        QCOMPARE(view.trainingExperiment()->seeds().size(), std::size_t(4));  // the panel's seeds per point
        QCOMPARE(view.trainingExperiment()->weightDecays().size(), std::size_t(12));
        view.setTrainingGrid(5, 2);
        QSignalSpy trained(&view, &sl::ui::LambdaCurveView::trainingFinished);
        QVERIFY(view.train());
        QVERIFY(view.busy());
        QVERIFY(trained.wait(60000));
        QVERIFY2(trained.first().first().toBool(), qPrintable(view.statusText()));
        const sl::app::ExperimentConfig experiment = *view.trainingExperiment();
        QCOMPARE(experiment.seeds(), (std::vector<std::uint64_t>{1, 2}));
        const std::vector<double> grid = sl::app::logLambdaGrid(1.0 / 60, 600, 5);
        QCOMPARE(experiment.weightDecays(), grid);
        const sl::app::LambdaTraining reference
            = sl::app::trainLambdaPoints(experiment, 2, QString(), false, sl::CancelToken{});
        QVERIFY(reference.complete());
        QCPGraph* points = graphNamed(*view.plot(), "trained");
        QVERIFY(points);
        QCOMPARE(points->name(), QStringLiteral("trained, lbfgs (mean ± s.e. over 2 seeds)"));
        QCPErrorBars* bars = errorBarsOf(*view.plot(), points);
        QVERIFY(bars);
        const QVector<QPointF> drawn = graphPoints(points);
        QCOMPARE(drawn.size(), 5);
        for (int i = 0; i < 5; ++i) {
            const sl::app::LambdaTrainedPoint& p = reference.points[std::size_t(i)];
            QCOMPARE(p.runs, 2);
            QCOMPARE(drawn[i].x(), grid[std::size_t(i)]);
            QVERIFY2(std::abs(drawn[i].y() - p.mean) <= 1e-12 * p.mean,
                qPrintable(QString("λ %1: drawn %2, app %3").arg(grid[std::size_t(i)]).arg(drawn[i].y()).arg(p.mean)));
            QVERIFY(std::abs(bars->data()->at(i).errorPlus - p.standardError) <= 1e-12 * p.mean);
        }
        QVERIFY(view.statusText().contains("10 runs averaged, 0 failed"));
        const QJsonObject json = view.plot()->dataJson();
        QCOMPARE(json["trained"].toArray().size(), 5);
        QCOMPARE(json["trained"].toArray()[2].toObject()["mean"].toDouble(), reference.points[2].mean);
        QCOMPARE(json["trained_experiment"].toObject()["seeds"].toInt(), 2);
        const QStringList csv = trainedCsvRows(view.plot()->dataCsv());
        QCOMPARE(csv.size(), 5);
        QVERIFY2(csv[0].contains(",2,0,diagonal,60,"), qPrintable(csv[0]));
        QVERIFY2(csv[0].endsWith("lbfgs,1 2"), qPrintable(csv[0]));
    }

    // The issue's check on the window's path: λ_opt from the state evolution lies within one step of the λ grid of
    // the minimum of the trained means (diagonal, d = 200, n = 400, Δ = 0.5, 6 seeds, the convex solver: the LASSO
    // the SE describes; a 10-point grid from 0.05 to 20, ratio 1.95 per step, not centred on λ_opt).
    void optimalLambdaIsAtTheTrainedMinimum()
    {
        sl::ui::LambdaCurveView view;
        view.setExperiment(diagonalExperiment(200, 400, sl::app::Solver::Convex));
        QSignalSpy finished(&view, &sl::ui::LambdaCurveView::finished);
        view.start();
        QVERIFY(finished.wait(60000));
        QVERIFY(finished.first().first().toBool());
        const sl::OptimalLambdaResult opt = view.plot()->optimum();
        QVERIFY(opt.ok());
        view.setTrainingGrid(10, 6, 0.05, 20);
        QSignalSpy trained(&view, &sl::ui::LambdaCurveView::trainingFinished);
        QVERIFY(view.train());
        QVERIFY(trained.wait(120000));
        QVERIFY2(trained.first().first().toBool(), qPrintable(view.statusText()));
        const QVector<QPointF> drawn = graphPoints(graphNamed(*view.plot(), "trained"));
        QCOMPARE(drawn.size(), 10);
        const QPointF best = *std::min_element(
            drawn.begin(), drawn.end(), [](const QPointF& a, const QPointF& b) { return a.y() < b.y(); });
        const double step = std::log(20 / 0.05) / 9;
        qDebug() << "SE λ_opt" << opt.lambda << "R" << opt.risk << "trained minimum at λ" << best.x() << "R"
                 << best.y();
        QVERIFY2(std::abs(std::log(best.x() / opt.lambda)) <= step * (1 + 1e-9),
            qPrintable(QString("λ_opt %1, trained minimum at %2").arg(opt.lambda).arg(best.x())));
        QVERIFY(std::abs(best.y() - opt.risk) < 0.15 * opt.risk);
        // The star and the SE curve are still drawn next to the points.
        QVERIFY(graphNamed(*view.plot(), "λ_opt"));
        QVERIFY(graphNamed(*view.plot(), "state evolution"));
    }

    // Cancel mid-way through a training: no point of it is drawn or exported, the SE curve is drawn as before.
    void cancelledTrainingDrawsNothing()
    {
        sl::ui::LambdaCurveView view;
        view.setExperiment(diagonalExperiment(100, 200, sl::app::Solver::Lbfgs));
        QSignalSpy finished(&view, &sl::ui::LambdaCurveView::finished);
        view.start();
        QVERIFY(finished.wait(60000));
        QCPGraph* se = graphNamed(*view.plot(), "state evolution");
        QVERIFY(se);
        const QVector<QPointF> seBefore = graphPoints(se);
        const int graphsBefore = view.plot()->graphCount();
        QVERIFY(!seBefore.isEmpty());
        view.setTrainingGrid(12, 40);  // 480 runs
        auto* progress = view.findChild<QProgressBar*>();
        QVERIFY(progress);
        QSignalSpy trained(&view, &sl::ui::LambdaCurveView::trainingFinished);
        QVERIFY(view.train());
        QCOMPARE(progress->maximum(), 480);
        QVERIFY(QTest::qWaitFor([&] { return progress->value() >= 1; }, 60000));
        const int doneAtCancel = progress->value();
        view.cancel();
        QVERIFY(trained.wait(60000));
        QCOMPARE(trained.first().first().toBool(), false);
        QVERIFY2(doneAtCancel < 480, "the training ended before the cancel");
        QVERIFY(!view.busy());
        QVERIFY(view.statusText().contains("cancelled"));
        QVERIFY(!graphNamed(*view.plot(), "trained"));
        QCOMPARE(view.plot()->graphCount(), graphsBefore);
        QCOMPARE(graphPoints(graphNamed(*view.plot(), "state evolution")), seBefore);
        QVERIFY(view.plot()->dataJson()["trained"].toArray().isEmpty());
        QVERIFY(trainedCsvRows(view.plot()->dataCsv()).isEmpty());
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

        // Train points asks the window's long-run question with the training's estimate: declined, nothing runs.
        QStringList asked;
        window.setRunConfirmation([&](const QString& text) {
            asked << text;
            return false;
        });
        auto heavy = e;
        heavy.problem.model = sl::ModelKind::Quadratic;
        heavy.problem.dimension = 200;
        heavy.problem.width = 200;
        heavy.problem.samples = 20000;
        view->setExperiment(heavy);
        QVERIFY(!view->train());
        QCOMPARE(asked.size(), 1);
        QVERIFY2(asked.first().startsWith("This sweep needs"), qPrintable(asked.first()));
        QVERIFY(!view->busy());
        QVERIFY(view->statusText().contains("not started"));
        // A cheap training is not asked about and draws its points.
        e = window.parameterPanel()->experiment();
        view->setExperiment(e);
        // Four λ up to 10 keep the training cheap.
        view->setTrainingGrid(4, 2, 0.1, 10);
        QSignalSpy trained(view, &sl::ui::LambdaCurveView::trainingFinished);
        QVERIFY(view->train());
        QVERIFY(trained.wait(60000));
        QCOMPARE(asked.size(), 1);
        QVERIFY2(trained.first().first().toBool(), qPrintable(view->statusText()));
        QVERIFY(graphNamed(*view->plot(), "trained"));
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
