// SPDX-License-Identifier: GPL-3.0-or-later
// The decomposition view (ui/decomposition_plot), offscreen: it reads the JSON of `curve --decompose --prune`,
// stacks the predicted terms so the top level is the predicted risk, and exports what it shows.
#include "ui/decomposition_plot.h"
#include "ui/plot_export.h"

#include <QFile>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QStringLiteral>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

namespace {

QJsonObject curveJson()
{
    QJsonArray points;
    const double nEff[] = {30, 100, 300};
    const double over[] = {0.4, 3.5, -0.05}, under[] = {0.4, 0.3, 0.16}, approx[] = {0.1, 0.2, 0.01};
    for (int i = 0; i < 3; ++i) {
        const QJsonObject se{{"overfitting", over[i] * 0.9}, {"underfitting", under[i]}, {"approximation", approx[i]},
            {"pruned_excess_risk", 0.5}};
        QJsonObject p{{"n_eff", nEff[i]}, {"overfitting", over[i]}, {"underfitting", under[i]},
            {"approximation", approx[i]}, {"pruned_excess_risk", 0.6}, {"state_evolution", se}};
        if (i == 2)
            p.remove("pruned_excess_risk");  // a point without the number: NaN, not a crash
        points.append(p);
    }
    return QJsonObject{{"points", points}};
}

QStringList legendNames(const QCustomPlot& plot)
{
    QStringList names;
    for (int i = 0; i < plot.legend->itemCount(); ++i)
        if (auto* item = qobject_cast<QCPPlottableLegendItem*>(plot.legend->item(i)))
            names << item->plottable()->name();
    return names;
}

}  // namespace

class TestDecompositionPlot : public QObject {
    Q_OBJECT

private slots:
    void stacksThePredictionAndExports()
    {
        const sl::ui::DecompositionSeries s = sl::ui::DecompositionSeries::fromCurveJson(curveJson());
        QCOMPARE(s.nEff.size(), 3);
        QVERIFY(std::isnan(s.pruned[2]));
        sl::ui::DecompositionPlot plot;
        plot.setSeries(s);
        const QStringList names = legendNames(plot);
        QVERIFY2(names.contains("+ overfitting (SE) = SE risk"), qPrintable(names.join("; ")));
        QVERIFY(names.contains("pruned (measured)"));
        // The top stacked level at n_eff = 100 is the predicted risk 0.9·3.5 + 0.3 + 0.2.
        QCPGraph* top = nullptr;
        for (int i = 0; i < plot.graphCount(); ++i)
            if (plot.graph(i)->name() == "+ overfitting (SE) = SE risk")
                top = plot.graph(i);
        QVERIFY(top);
        QCOMPARE(top->data()->at(1)->value, 0.9 * 3.5 + 0.3 + 0.2);
        QVERIFY(top->channelFillGraph() != nullptr);

        const QStringList csv = plot.dataCsv().trimmed().split('\n');
        QCOMPARE(csv.size(), 4);
        const QStringList header = csv[0].split(','), first = csv[1].split(',');
        auto cell = [&](const char* column) { return first.value(header.indexOf(column)); };
        QCOMPARE(cell("n_eff"), QString("30"));
        QCOMPARE(cell("overfitting"), QString("0.4"));
        QCOMPARE(cell("underfitting"), QString("0.4"));
        QCOMPARE(cell("approximation"), QString("0.1"));
        QCOMPARE(cell("pruned"), QString("0.6"));
        QCOMPARE(plot.dataJson()["state_evolution"].toObject()["underfitting"].toArray().size(), 3);

        plot.setPrunedVisible(false);
        QVERIFY(!legendNames(plot).contains("pruned (measured)"));
        QVERIFY(!plot.toPixmap(400, 300).isNull());
    }

    // The document's state maps field by field; a message is drawn (wrapped) with no numbers, and clearing it
    // removes the note.
    void showsTheDocumentsStateAndItsMessage()
    {
        sl::app::DecompositionState state;
        state.nEff = {10, 100};
        state.overfitting = {0.5, 0.1};
        state.underfitting = {0.3, 0.2};
        state.approximation = {0.05, 0.01};
        state.pruned = {0.4, 0.25};
        state.predictedOverfitting = {0.45, 0.12};
        state.predictedUnderfitting = {0.31, 0.19};
        state.predictedApproximation = {0.04, 0.02};
        state.predictedPruned = {0.38, 0.26};
        const sl::ui::DecompositionSeries s = sl::ui::DecompositionSeries::fromState(state);
        QCOMPARE(s.overfitting, state.overfitting);
        QCOMPARE(s.predictedApproximation, state.predictedApproximation);
        QCOMPARE(s.pruned, state.pruned);
        QCOMPARE(s.predictedPruned, state.predictedPruned);

        sl::ui::DecompositionPlot plot;
        plot.setSeries({});
        const QString note = QStringLiteral("The live run was cancelled: it has no trained network to decompose, and "
                                            "nothing else on this curve was decomposed yet.");
        plot.setMessage(note);
        QVERIFY(plot.messageItem());
        const QStringList lines = plot.messageItem()->text().split('\n');
        QVERIFY(lines.size() >= 2);
        for (const QString& line : lines)
            QVERIFY2(line.size() <= 60, qPrintable(line));
        QCOMPARE(lines.join(' '), note);
        for (int i = 0; i < plot.graphCount(); ++i)
            QCOMPARE(plot.graph(i)->dataCount(), 0);
        plot.setMessage({});
        QVERIFY(plot.messageItem() == nullptr);
    }

    // Issue 16, item 12: every exported row carries its curve's parameters, written to a file and read back. The
    // values are set away from every default (d = 37, γ = 1.3, ...), so a default would not pass.
    void exportCarriesEveryParameter()
    {
        sl::app::DecompositionState state;
        state.nEff = {10, 100};
        state.overfitting = {0.5, 0.1};
        state.underfitting = {0.3, 0.2};
        state.approximation = {0.05, 0.01};
        state.hasConfig = true;
        sl::app::ExperimentConfig& c = state.config;
        c.problem.model = sl::ModelKind::Quadratic;
        c.problem.dimension = 37;
        c.problem.width = 23;
        c.problem.weightDecay = 0.042;
        c.problem.gamma = 1.3;
        c.problem.noise = 0.7;
        c.problem.amplitudes = sl::TeacherAmplitudes::Deterministic;
        c.solver = sl::app::Solver::GradientDescent;
        state.seeds = {5, 11};
        sl::ui::DecompositionPlot plot;
        plot.setSeries(sl::ui::DecompositionSeries::fromState(state));

        QTemporaryDir dir;
        QString error;
        const QString csvPath = dir.filePath("decomposition.csv"), jsonPath = dir.filePath("decomposition.json");
        QVERIFY2(sl::ui::exportData(plot, csvPath, &error), qPrintable(error));
        QFile file(csvPath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList rows = QString::fromUtf8(file.readAll()).trimmed().split('\n');
        QCOMPARE(rows.size(), 1 + 2);
        const QStringList header = rows[0].split(',');
        for (const char* column :
            {"model", "d", "p", "n", "n_eff", "lambda", "gamma", "noise_delta", "amplitudes", "solver", "seeds"})
            QVERIFY2(header.count(column) == 1, qPrintable(rows[0]));
        const QStringList row = rows[2].split(',');  // n_eff = 100
        QCOMPARE(row.size(), header.size());
        auto cell = [&](const char* column) { return row.value(header.indexOf(column)); };
        QCOMPARE(cell("model"), QString("quadratic"));
        QCOMPARE(cell("d").toInt(), 37);
        QCOMPARE(cell("p").toInt(), 23);
        QCOMPARE(cell("n").toLongLong(), 3700LL);  // n = n_eff·d for the quadratic net
        QCOMPARE(cell("n_eff").toDouble(), 100.0);
        QCOMPARE(cell("lambda").toDouble(), 0.042);
        QCOMPARE(cell("gamma").toDouble(), 1.3);
        QCOMPARE(cell("noise_delta").toDouble(), 0.7);
        QCOMPARE(cell("amplitudes"), QString("deterministic"));
        QCOMPARE(cell("solver"), QString("gd"));
        QCOMPARE(cell("seeds"), QString("5 11"));
        QCOMPARE(cell("overfitting").toDouble(), 0.1);

        QVERIFY2(sl::ui::exportData(plot, jsonPath, &error), qPrintable(error));
        QFile jsonFile(jsonPath);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(jsonFile.readAll()).object();
        const QJsonObject parameters = json["parameters"].toObject();
        QCOMPARE(parameters["model"].toString(), QString("quadratic"));
        QCOMPARE(parameters["d"].toInt(), 37);
        QCOMPARE(parameters["p"].toInt(), 23);
        QCOMPARE(parameters["lambda"].toDouble(), 0.042);
        QCOMPARE(parameters["gamma"].toDouble(), 1.3);
        QCOMPARE(parameters["noise_delta"].toDouble(), 0.7);
        QCOMPARE(parameters["solver"].toString(), QString("gd"));
        QCOMPARE(parameters["seeds"].toArray(), (QJsonArray{"5", "11"}));
        QVERIFY(parameters["n_eff"].isNull());  // varies along the curve: the "n_eff" array
        QCOMPARE(json["config"].toObject(), c.toJson());

        // The CLI's curve JSON names its configuration: the series takes it.
        QJsonObject curve = curveJson();
        curve["config"] = c.toJson();
        const sl::ui::DecompositionSeries fromCli = sl::ui::DecompositionSeries::fromCurveJson(curve);
        QVERIFY(fromCli.hasConfig);
        QCOMPARE(fromCli.config, c);
    }
};

QTEST_MAIN(TestDecompositionPlot)
#include "test_decomposition_plot.moc"
