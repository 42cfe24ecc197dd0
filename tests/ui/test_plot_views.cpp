// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/rng.h"
#include "core/spectrum/tail_fit.h"
#include "ui/phase_diagram_view.h"
#include "ui/plot_export.h"
#include "ui/risk_plot.h"
#include "ui/spectrum_plot.h"

#include <QJsonArray>
#include <QSvgRenderer>
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
        QVERIFY(csv[2].contains(",measured,100,0.1,0.01"));
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
