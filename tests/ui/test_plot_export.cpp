// SPDX-License-Identifier: GPL-3.0-or-later
// ui/plot_export: the one mapping of a series' parameters to export columns (issue 16, item 12), for trained
// configurations and for state-evolution computations, and exported images at the window's zoom (item 7), measured
// in the written PNG.
#include "tests/ui/image_ink.h"
#include "ui/plot_export.h"

#include "ui/decomposition_plot.h"

#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QLatin1Char>
#include <QObject>
#include <QString>
#include <QStringLiteral>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstdlib>
#include <functional>

namespace {

QString cellOf(const QString& header, const QString& values, const char* column)
{
    return values.split(',').value(header.split(',').indexOf(column));
}

// Rows between the first and the last pixel matching `ink`, inclusive (0: none).
int inkExtent(const QImage& image, const std::function<bool(QColor)>& ink)
{
    int first = -1, last = -1;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (ink(image.pixelColor(x, y))) {
                if (first < 0)
                    first = y;
                last = y;
                break;
            }
    return first < 0 ? 0 : last - first + 1;
}

// The decomposition view's note colour (150, 30, 30) at two thirds coverage or more; never the legend's
// (214, 39, 40), whose blends with white keep red above 200.
bool noteRed(QColor c)
{
    return c.red() > 100 && c.red() < 200 && c.green() < 110 && c.blue() < 110 && c.red() - c.green() > 50;
}

QImage exported(sl::ui::PlotView& plot, const QString& path)
{
    QString error;
    if (!sl::ui::exportImage(plot, path, &error, 800, 500, 1.0))
        qWarning("%s", qPrintable(error));
    return QImage(path);
}

}  // namespace

class TestPlotExport : public QObject {
    Q_OBJECT

private slots:
    // A trained configuration: every column from the configuration, the row's n and its n_eff; the seeds given, or
    // the configuration's own.
    void trainedConfigurationColumns()
    {
        sl::app::ExperimentConfig c;
        c.problem.model = sl::ModelKind::Quadratic;
        c.problem.dimension = 37;
        c.problem.width = 23;
        c.problem.samples = 555;
        c.problem.weightDecay = 0.042;
        c.problem.gamma = 1.3;
        c.problem.noise = 0.7;
        c.problem.amplitudes = sl::TeacherAmplitudes::Deterministic;
        c.problem.seed = 7;
        c.seedCount = 3;
        c.solver = sl::app::Solver::Adam;
        const QString header = sl::ui::parameterCsvHeader();
        QCOMPARE(header.split(',').size(), 11);
        const QString values = sl::ui::parameterCsvValues(c, {}, 370);
        QCOMPARE(values.split(',').size(), 11);
        QCOMPARE(cellOf(header, values, "model"), QString("quadratic"));
        QCOMPARE(cellOf(header, values, "d"), QString("37"));
        QCOMPARE(cellOf(header, values, "p"), QString("23"));
        QCOMPARE(cellOf(header, values, "n"), QString("370"));
        QCOMPARE(cellOf(header, values, "n_eff").toDouble(), 10.0);  // n/d
        QCOMPARE(cellOf(header, values, "lambda").toDouble(), 0.042);
        QCOMPARE(cellOf(header, values, "gamma").toDouble(), 1.3);
        QCOMPARE(cellOf(header, values, "noise_delta").toDouble(), 0.7);
        QCOMPARE(cellOf(header, values, "amplitudes"), QString("deterministic"));
        QCOMPARE(cellOf(header, values, "solver"), QString("adam"));
        QCOMPARE(cellOf(header, values, "seeds"), QString("7 8 9"));
        QCOMPARE(cellOf(header, sl::ui::parameterCsvValues(c, {3, 11}), "seeds"), QString("3 11"));
        QCOMPARE(cellOf(header, sl::ui::parameterCsvValues(c, {}), "n"), QString("555"));

        const QJsonObject json = sl::ui::parameterJson(sl::ui::exportParameters(c, {}, 370));
        for (const QString& column : header.split(','))
            QVERIFY2(json.contains(column), qPrintable(column));
        QCOMPARE(json["d"].toInt(), 37);
        QCOMPARE(json["n"].toInt(), 370);
        QCOMPARE(json["seeds"].toArray(), (QJsonArray{"7", "8", "9"}));
        // No configuration: every column empty, none missing.
        QCOMPARE(sl::ui::parameterCsvValues(sl::ui::ExportParameters{}), QString(10, QLatin1Char(',')));
    }

    // A state-evolution computation: its model, d, γ, Δ and teacher, n from n_eff, no width; the quadratic SE's
    // GOE seed as its seed and its sample count in the JSON.
    void stateEvolutionColumns()
    {
        sl::StateEvolutionModel model;
        model.model = sl::ModelKind::Quadratic;
        model.d = 37;
        model.gamma = 1.3;
        model.noise = 0.7;
        model.samples = 8;
        model.seed = 42;
        const sl::ui::ExportParameters e = sl::ui::exportParameters(model, 12, 0.3);
        const QString header = sl::ui::parameterCsvHeader(), values = sl::ui::parameterCsvValues(e);
        QCOMPARE(cellOf(header, values, "model"), QString("quadratic"));
        QCOMPARE(cellOf(header, values, "d"), QString("37"));
        QVERIFY(cellOf(header, values, "p").isEmpty());
        QCOMPARE(cellOf(header, values, "n"), QString("444"));  // n = n_eff·d
        QCOMPARE(cellOf(header, values, "n_eff").toDouble(), 12.0);
        QCOMPARE(cellOf(header, values, "lambda").toDouble(), 0.3);
        QCOMPARE(cellOf(header, values, "gamma").toDouble(), 1.3);
        QCOMPARE(cellOf(header, values, "noise_delta").toDouble(), 0.7);
        QCOMPARE(cellOf(header, values, "amplitudes"), QString("deterministic"));  // s_i ∝ i^(−γ)
        QCOMPARE(cellOf(header, values, "solver"), QString("state_evolution"));
        QCOMPARE(cellOf(header, values, "seeds"), QString("42"));
        const QJsonObject json = sl::ui::parameterJson(e);
        QVERIFY(json["p"].isNull());
        QCOMPARE(json["se_goe_samples"].toInt(), 8);

        sl::StateEvolutionModel lasso;
        lasso.model = sl::ModelKind::Diagonal;
        lasso.d = 37;
        lasso.lassoMode = sl::LassoTeacherMode::VarianceProfile;
        const sl::ui::ExportParameters l = sl::ui::exportParameters(lasso, 12, std::nan(""));
        QCOMPARE(cellOf(header, sl::ui::parameterCsvValues(l), "amplitudes"), QString("gaussian"));
        QCOMPARE(cellOf(header, sl::ui::parameterCsvValues(l), "n"), QString("12"));  // n = n_eff
        QVERIFY(cellOf(header, sl::ui::parameterCsvValues(l), "lambda").isEmpty());
        QVERIFY(cellOf(header, sl::ui::parameterCsvValues(l), "seeds").isEmpty());
        QVERIFY(sl::ui::parameterJson(l)["lambda"].isNull());
    }

    // Item 7: an exported PNG of a fixed pixel size at 150 % zoom draws its text 1.5 times as tall as at 100 %, as
    // on screen: the title's ink height measured in the image.
    void exportedImageUsesTheOnScreenZoom()
    {
        QTemporaryDir dir;
        sl::ui::DecompositionPlot plot;
        plot.resize(800, 500);
        plot.replot();
        const int atOne = sl::tests::firstInkBandHeight(exported(plot, dir.filePath("one.png")));
        plot.setDisplayScale(1.5);
        const int atOneAndAHalf = sl::tests::firstInkBandHeight(exported(plot, dir.filePath("zoomed.png")));
        QVERIFY2(atOne >= 6, qPrintable(QString::number(atOne)));
        const double ratio = double(atOneAndAHalf) / atOne;
        QVERIFY2(ratio > 1.3 && ratio < 1.7, qPrintable(QStringLiteral("%1 → %2 px").arg(atOne).arg(atOneAndAHalf)));
    }

    // Item 7: a view that rebuilds its items (the decomposition's note) just before an export, its replot still
    // queued, had those items drawn at 1× in a 150 % image: the note's ink height was that of 100 %.
    void exportedImageScalesItemsMadeSinceTheLastReplot()
    {
        QTemporaryDir dir;
        const QString note = QStringLiteral("No decomposed run on this curve yet");
        sl::ui::DecompositionPlot atOne;
        atOne.resize(800, 500);
        atOne.replot();
        atOne.setMessage(note);
        const int one = inkExtent(exported(atOne, dir.filePath("one.png")), noteRed);

        sl::ui::DecompositionPlot zoomed;
        zoomed.resize(800, 500);
        zoomed.setDisplayScale(1.5);
        zoomed.replot();
        zoomed.setMessage(note);  // a new text item at the view's own 9 pt; its scaled replot is queued
        const int oneAndAHalf = inkExtent(exported(zoomed, dir.filePath("zoomed.png")), noteRed);
        QVERIFY2(one >= 6, qPrintable(QString::number(one)));
        const double ratio = double(oneAndAHalf) / one;
        QVERIFY2(ratio > 1.3 && ratio < 1.7, qPrintable(QStringLiteral("%1 → %2 px").arg(one).arg(oneAndAHalf)));
    }
};

QTEST_MAIN(TestPlotExport)
#include "test_plot_export.moc"
