// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/rng.h"
#include "core/spectrum/tail_fit.h"
#include "ui/phase_diagram_view.h"
#include "ui/plot_export.h"
#include "ui/risk_plot.h"
#include "ui/spectrum_plot.h"

#include <QFile>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>
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

class TestPlotViews : public QObject {
    Q_OBJECT

private slots:
    void riskPlotShowsFitAndExportsItsData()
    {
        sl::ui::RiskPlot plot;
        sl::ui::RiskSeries s;
        s.name = "λ = 1";
        s.nEff = {10, 100, 1000};
        s.mean = {1.0, 0.1, 0.01};
        s.standardError = {0.1, 0.01, 0.001};
        s.hasFit = true;
        s.slope = -1;
        s.slopeLow = -1.1;
        s.slopeHigh = -0.9;
        s.fitFrom = 10;
        s.fitTo = 1000;
        s.predictedSlope = -1;
        s.phase = "VIa";
        s.theoryNEff = {10, 1000};
        s.theoryRisk = {0.9, 0.011};
        plot.setSeries(s);
        QStringList names = legendNames(plot);
        QVERIFY(names.filter("slope -1.00 [-1.10, -0.90]").size() == 1);
        // One legend entry for the curve (its points on its line); the state evolution is drawn in its colour.
        QCOMPARE(names.size(), 1);
        QVERIFY(plot.theoryGraph("λ = 1")->visible() && plot.theoryGraph("λ = 1")->data()->size() == 2);
        QVERIFY(names.filter("live run").isEmpty());  // no live point yet
        plot.setLivePoint(50, 0.2);
        QVERIFY(legendNames(plot).filter("live run").size() == 1);

        const QStringList csv = plot.dataCsv().trimmed().split('\n');
        QCOMPARE(csv.size(), 1 + 3 + 2);
        QVERIFY2(csv[2].contains(",measured,0.1,0.01,"), qPrintable(csv[2]));
        QCOMPARE(csv[2].split(',').value(csv[0].split(',').indexOf("n_eff")), QStringLiteral("100"));
        const QJsonObject json = plot.dataJson();
        const QJsonObject series = json["series"].toArray().first().toObject();
        QCOMPARE(series["fit"].toObject()["slope"].toDouble(), -1.0);
        QCOMPARE(series["mean"].toArray().size(), 3);

        // Replacing a series by name keeps one series.
        s.mean = {2, 0.2, 0.02};
        plot.setSeries(s);
        QCOMPARE(plot.series().size(), 1);
        QCOMPARE(plot.series().first().mean[0], 2.0);
    }

    void spectrumPlotNamesTheTailFit()
    {
        sl::Rng rng(3);
        Eigen::VectorXd values(2000);
        for (Eigen::Index i = 0; i < values.size(); ++i)
            values(i) = std::pow(rng.uniform(), -1.0 / 1.5);  // Pareto, α = 2.5
        sl::ui::SpectrumViewData data;
        data.eigenvalues = values;
        data.tail = sl::fitPowerLawTail(values);
        QCOMPARE(data.tail->status, sl::Status::Converged);
        data.predictedAlpha = 2.0;
        sl::ui::SpectrumPlot plot;
        plot.setData(data);
        const QStringList tail = legendNames(plot).filter("power-law tail");
        QCOMPARE(tail.size(), 1);
        QVERIFY2(tail.first().contains(QString("α = %1").arg(data.tail->alpha, 0, 'f', 2)), qPrintable(tail.first()));
        QVERIFY(tail.first().contains("inferred"));
        plot.setLogView(true);
        QCOMPARE(plot.xAxis->scaleType(), QCPAxis::stLogarithmic);
        const QJsonObject json = plot.dataJson();
        QCOMPARE(json["eigenvalues"].toArray().size(), 2000);
        QCOMPARE(json["tail_fit"].toObject()["n_tail"].toInt(), data.tail->nTail);
    }

    void phaseDiagramDescribesAndExports()
    {
        sl::ui::PhaseDiagramView view;
        sl::PhaseDiagramConfig config;
        config.d = 100;
        view.setDiagram(config);
        // Phase II: between L1 and L2 (docs/theory/phase-diagram.md §5), e.g. n_eff = 30, λ = 1.
        QVERIFY(view.describe(30, 1).contains("phase II"));
        view.setMeasurements({{30, 1, -0.8}, {300, 0.01, -1.0}});
        QCOMPARE(view.measurements().size(), 2);
        view.setMeasurements({{30, 1, -0.9}});
        QCOMPARE(view.measurements().size(), 1);
        const QStringList rows = view.dataCsv().trimmed().split('\n');
        QCOMPARE(rows.size(), 1 + sl::ui::PhaseDiagramView::kGridSize * sl::ui::PhaseDiagramView::kGridSize);
        const QJsonObject json = view.dataJson();
        QCOMPARE(json["lines"].toObject()["L1"].toArray().size(), 21);
        QCOMPARE(json["measurements"].toArray().size(), 1);
    }

    // Issue 16, item 12: the diagram's CSV carried d, γ and Δ only. Every row now carries what defines the diagram
    // (the parameter columns at the cell, the crossover and peak settings) and the current point; written to a
    // file and read back, with values away from every default.
    void phaseDiagramExportCarriesItsParameters()
    {
        sl::ui::PhaseDiagramView view;
        sl::PhaseDiagramConfig config;
        config.d = 37;
        config.gamma = 1.3;
        config.noise = 0.7;
        config.crossoverMargin = 0.13;
        config.peakHalfWidth = 0.07;
        config.peakNEffFactor = 0.27;
        view.setDiagram(config);
        view.setExponentModel(sl::ModelKind::Quadratic);
        QTemporaryDir dir;
        QString error;
        const QString path = dir.filePath("phase.csv");
        auto readRows = [&] {
            QFile file(path);
            return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).trimmed().split('\n')
                                                  : QStringList();
        };
        QVERIFY2(sl::ui::exportData(view, path, &error), qPrintable(error));
        QStringList rows = readRows();
        QCOMPARE(rows.size(), 1 + sl::ui::PhaseDiagramView::kGridSize * sl::ui::PhaseDiagramView::kGridSize);
        const QStringList header = rows[0].split(',');
        for (const char* column : {"model", "d", "p", "n", "n_eff", "lambda", "gamma", "noise_delta", "amplitudes",
                 "solver", "seeds", "phase", "predicted_slope_n", "crossover_margin", "peak_half_width",
                 "peak_n_eff_factor", "current_n_eff", "current_lambda"})
            QVERIFY2(header.count(column) == 1, qPrintable(rows[0]));
        auto cellOf = [&](const QStringList& row, const char* column) { return row.value(header.indexOf(column)); };
        // No current point yet: its columns are empty.
        QVERIFY(cellOf(rows[1].split(','), "current_n_eff").isEmpty());

        view.setCurrentPoint(120, 0.5);
        QVERIFY2(sl::ui::exportData(view, path, &error), qPrintable(error));
        rows = readRows();
        for (const int r : {1, 4321, int(rows.size()) - 1}) {
            const QStringList row = rows[r].split(',');
            QCOMPARE(row.size(), header.size());
            auto cell = [&](const char* column) { return cellOf(row, column); };
            QCOMPARE(cell("model"), QString("quadratic"));
            QCOMPARE(cell("d").toInt(), 37);
            QCOMPARE(cell("gamma").toDouble(), 1.3);
            QCOMPARE(cell("noise_delta").toDouble(), 0.7);
            QCOMPARE(cell("solver"), QString("closed_form"));
            QCOMPARE(cell("crossover_margin").toDouble(), 0.13);
            QCOMPARE(cell("peak_half_width").toDouble(), 0.07);
            QCOMPARE(cell("peak_n_eff_factor").toDouble(), 0.27);
            QCOMPARE(cell("current_n_eff").toDouble(), 120.0);
            QCOMPARE(cell("current_lambda").toDouble(), 0.5);
            // The cell's own point, and its n for the quadratic net: n = n_eff·d.
            const double nEff = cell("n_eff").toDouble(), lambda = cell("lambda").toDouble();
            QVERIFY(nEff > 0 && lambda > 0);
            QCOMPARE(cell("n").toLongLong(), sl::ProblemConfig::samplesForNEff(sl::ModelKind::Quadratic, 37, nEff));
            const std::string label
                = view.diagram().pureLabel(std::log(nEff) / std::log(37.0), std::log(lambda) / std::log(37.0));
            QCOMPARE(cell("phase"), QString::fromStdString(label));
        }
        const QJsonObject json = view.dataJson();
        const QJsonObject parameters = json["parameters"].toObject();
        QCOMPARE(parameters["d"].toInt(), 37);
        QCOMPARE(parameters["gamma"].toDouble(), 1.3);
        QCOMPARE(parameters["noise_delta"].toDouble(), 0.7);
        QCOMPARE(parameters["crossover_margin"].toDouble(), 0.13);
        QCOMPARE(parameters["peak_n_eff_factor"].toDouble(), 0.27);
        QCOMPARE(json["current_point"].toObject()["n_eff"].toDouble(), 120.0);
        QCOMPARE(json["current_point"].toObject()["lambda"].toDouble(), 0.5);
    }

    void svgAndPngExportsAreReadable()
    {
        sl::ui::PhaseDiagramView view;
        view.resize(600, 400);
        QTemporaryDir dir;
        QString error;
        const QString svg = dir.filePath("p.svg"), png = dir.filePath("p.png");
        QVERIFY2(sl::ui::exportImage(view, svg, &error, 600, 400), qPrintable(error));
        QVERIFY(QSvgRenderer(svg).isValid());
        QVERIFY2(sl::ui::exportImage(view, png, &error, 600, 400), qPrintable(error));
        const QImage image(png);
        QVERIFY(!image.isNull());
        // Exactly the requested pixels (it was 1200×800: the size was doubled behind the caller's back), also for
        // an odd size at scale 2, where QCustomPlot's own rounding is one pixel off.
        QCOMPARE(image.size(), QSize(600, 400));
        QVERIFY2(sl::ui::exportImage(view, png, &error, 601, 333, 2.0), qPrintable(error));
        QCOMPARE(QImage(png).size(), QSize(601, 333));
        QVERIFY(!sl::ui::exportImage(view, png, &error, 600, 400, 0.0));
        QVERIFY(error.contains("scale"));
        QVERIFY(!sl::ui::exportImage(view, dir.filePath("missing/dir/p.png"), &error));
        QVERIFY(error.contains("does not exist"));
    }
};

QTEST_MAIN(TestPlotViews)
#include "test_plot_views.moc"
