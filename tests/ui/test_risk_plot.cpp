// SPDX-License-Identifier: GPL-3.0-or-later
// The risk plot as a lecturer projects it (issue 16): axes that follow the data and the live point, one legend entry
// per curve family laid out inside the widget, kept curves grouped, colours that never move, exports with every
// parameter.
#include "app/document/document.h"
#include "tests/ui/window_sizes.h"
#include "tests/ui/window_test_guards.h"
#include "ui/plot_export.h"
#include "ui/plot_style.h"
#include "ui/risk_plot.h"

#include <QFile>
#include <QHash>
#include <QIODevice>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPoint>
#include <QRect>
#include <QSet>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QStringLiteral>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

namespace {

sl::app::ExperimentConfig configFor(double lambda)
{
    sl::app::ExperimentConfig c;
    c.problem.model = sl::ModelKind::Quadratic;
    c.problem.dimension = 40;
    c.problem.width = 30;
    c.problem.samples = 400;
    c.problem.weightDecay = lambda;
    c.problem.gamma = 1.25;
    c.problem.noise = 0.5;
    c.problem.amplitudes = sl::TeacherAmplitudes::Gaussian;
    return c;
}

sl::ui::RiskSeries curve(double lambda, const QString& id = {})
{
    sl::ui::RiskSeries s;
    s.config = configFor(lambda);
    s.hasConfig = true;
    s.id = id.isEmpty() ? sl::app::Document::curveId(s.config, lambda) : id;
    s.name = QStringLiteral("λ = %1").arg(lambda);
    s.weightDecay = lambda;
    s.nEff = {10, 20, 40};
    s.mean = {1.0 / lambda, 0.5 / lambda, 0.25 / lambda};
    s.standardError = {0.01, 0.01, 0.01};
    s.seeds = {3, 7};
    s.hasFit = true;
    s.slope = -1;
    s.fitFrom = 10;
    s.fitTo = 40;
    s.theoryNEff = {5, 80};
    s.theoryRisk = {2.0 / lambda, 0.1 / lambda};
    return s;
}

QList<QCPAbstractLegendItem*> legendItems(const QCustomPlot& plot)
{
    QList<QCPAbstractLegendItem*> items;
    for (int i = 0; i < plot.legend->itemCount(); ++i)
        if (QCPAbstractLegendItem* item = plot.legend->item(i))
            items << item;
    return items;
}

// A curve named as a finished sweep names it, wider than the risk plot at 1024×768: "λ = 10: slope -0.55 [-0.75,
// -0.34]; predicted -1.00 (II → IV, inferred) (3 of 10 runs did not converge)".
sl::ui::RiskSeries longNamedCurve(double lambda)
{
    sl::ui::RiskSeries s = curve(lambda);
    s.slope = -0.55;
    s.slopeLow = -0.75;
    s.slopeHigh = -0.34;
    s.hasPrediction = true;
    s.predictedSlope = -1;
    s.predictionInferred = true;
    s.phase = QStringLiteral("II → IV");
    s.runsTotal = 10;
    s.runsLeftOut = lambda > 1 ? 3 : 0;
    return s;
}

// The text a legend entry draws: the lines it was fitted into, or its plottable's name.
QString drawnText(QCPAbstractLegendItem* item)
{
    if (auto* wrapped = dynamic_cast<sl::ui::WrappedLegendItem*>(item))
        return wrapped->shownText();
    auto* entry = qobject_cast<QCPPlottableLegendItem*>(item);
    return entry ? entry->plottable()->name() : QString();
}

}  // namespace

class TestRiskPlot : public QObject {
    Q_OBJECT

private slots:
    // The live point was off-screen at n_eff = 50 and 150.
    void livePointIsInsideTheAxes()
    {
        sl::ui::RiskPlot plot;
        plot.resize(800, 600);
        plot.setSeries(curve(1));
        for (const double nEff : {50.0, 150.0, 0.5}) {
            plot.setLivePoint(nEff, 0.02);
            QVERIFY2(plot.xAxis->range().contains(nEff) && nEff > plot.xAxis->range().lower * 1.01,
                qPrintable(QStringLiteral("%1 not in [%2, %3]")
                               .arg(nEff)
                               .arg(plot.xAxis->range().lower)
                               .arg(plot.xAxis->range().upper)));
            QVERIFY(plot.yAxis->range().contains(0.02));
        }
        // Zoomed away, "fit to data" (also the double click) brings every point and the theory back.
        plot.xAxis->setRange(1000, 2000);
        plot.yAxis->setRange(1e-9, 1e-8);
        QTest::mouseDClick(&plot, Qt::LeftButton, Qt::NoModifier, QPoint(400, 300));
        QVERIFY(plot.xAxis->range().contains(5) && plot.xAxis->range().contains(80));
        QVERIFY(plot.yAxis->range().contains(2.0) && plot.yAxis->range().contains(0.02));
        // The context menu offers it with the exports.
        QMenu* menu = plot.createContextMenu();
        QStringList entries;
        for (QAction* a : menu->actions())
            if (!a->isSeparator())
                entries << a->text();
        QCOMPARE(entries, QStringList({"Fit to data", "Export image...", "Export data..."}));
    }

    // One entry per family, inside the widget at both window sizes, kept curves grouped under one entry.
    void legendHasOneEntryPerFamilyInsideTheWidget()
    {
        for (const QSize size : {QSize(1600 / 2, 1000 - 200), QSize(380, 330)}) {
            sl::ui::RiskPlot plot;
            plot.resize(size);
            plot.show();  // laid out at the widget's size, as on screen
            QVERIFY(QTest::qWaitForWindowExposed(&plot));
            for (const double lambda : {0.1, 1.0, 10.0})
                plot.setSeries(curve(lambda));
            QCOMPARE(legendItems(plot).size(), 3);
            // A keep of the three: one more entry, drawn dashed in the family's (lighter) colour.
            for (const double lambda : {0.1, 1.0, 10.0}) {
                sl::ui::RiskSeries kept = curve(lambda);
                kept.id = "kept/1/" + kept.id;
                kept.name += ", quadratic d=40";
                kept.kept = true;
                plot.setSeries(kept);
            }
            QCOMPARE(legendItems(plot).size(), 4);
            const QString keptId = "kept/1/" + curve(1.0).id;
            QCOMPARE(plot.theoryGraph(keptId)->pen().style(), Qt::DashLine);
            QCOMPARE(plot.theoryGraph(curve(1.0).id)->pen().style(), Qt::SolidLine);
            QVERIFY(plot.keptLegendGraph("kept/1"));
            QVERIFY(plot.keptLegendGraph("kept/1")->name().contains("quadratic d=40"));
            plot.setLivePoint(30, 0.3);
            QCOMPARE(legendItems(plot).size(), 5);  // and the live run's
            plot.replot();
            for (QCPAbstractLegendItem* item : legendItems(plot)) {
                const QRect r = item->outerRect();
                QVERIFY2(plot.rect().contains(r),
                    qPrintable(QStringLiteral("%1x%2: item at %3,%4 %5x%6")
                                   .arg(size.width())
                                   .arg(size.height())
                                   .arg(r.x())
                                   .arg(r.y())
                                   .arg(r.width())
                                   .arg(r.height())));
                QVERIFY2(r.width() >= item->minimumOuterSizeHint().width(),
                    qPrintable(QStringLiteral("%1 < %2").arg(r.width()).arg(item->minimumOuterSizeHint().width())));
                QVERIFY(!r.intersects(plot.axisRect()->rect()));  // not over the data
            }
        }
    }

    // At 1024×768 the window's risk plot is ~220 px wide: an entry "λ = 10: slope -0.55 [-0.75, -0.34]; predicted
    // …" ran past the widget's right edge ("predicte") though its font had been reduced to 6 pt. Each entry is now
    // broken into lines at spaces, at the legend's own font: every drawn text lies inside the widget, every word of
    // the name is drawn, and the entries stack without overlapping.
    void longEntriesWrapInsideTheWidget_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<double>("zoom");
        QTest::newRow("1024x768") << QSize(1024, 768) << 1.0;
        QTest::newRow("1024x768 at 150 %") << QSize(1024, 768) << 1.5;
    }
    void longEntriesWrapInsideTheWidget()
    {
        QFETCH(QSize, size);
        QFETCH(double, zoom);
        sl::tests::useFreshTestSettings("test_risk_plot");
        sl::ui::MainWindow window("-");
        sl::tests::showWindowAt(window, size, zoom);
        sl::ui::RiskPlot* plot = window.riskPlot();
        for (const double lambda : {0.01, 1.0, 10.0})
            plot->setSeries(longNamedCurve(lambda));
        plot->replot();
        const QList<QCPAbstractLegendItem*> items = legendItems(*plot);
        QVERIFY(items.size() >= 3);
        const QFontMetrics legendMetrics(plot->legend->font());
        QVERIFY2(legendMetrics.horizontalAdvance(plot->pointsGraph(longNamedCurve(10).id)->name()) > plot->width(),
            "the names are wider than the plot: the case of the defect");
        int wrapped = 0;
        for (int i = 0; i < items.size(); ++i) {
            QCPAbstractLegendItem* item = items[i];
            const QString name = qobject_cast<QCPPlottableLegendItem*>(item)->plottable()->name();
            const QString shown = drawnText(item);
            const QString context = QStringLiteral("plot %1 px wide, \"%2\" drawn as \"%3\" at %4 pt, item %5,%6 %7x%8")
                                        .arg(plot->width())
                                        .arg(name, QString(shown).replace('\n', QStringLiteral(" | ")))
                                        .arg(item->font().pointSizeF())
                                        .arg(item->outerRect().x())
                                        .arg(item->outerRect().y())
                                        .arg(item->outerRect().width())
                                        .arg(item->outerRect().height());
            // Readable: the legend's font at the zoom (8 pt · zoom), no smaller, and every word of the name drawn.
            QVERIFY2(std::abs(item->font().pointSizeF() - 8 * zoom) < 1e-9, qPrintable(context));
            const QString flat = QString(shown).replace('\n', ' ').simplified();
            if (flat.endsWith(QChar(0x2026))) {
                // The legend's height share (at most half the plot, PlotView) took this entry's last line: what is
                // drawn is the name's start, whole words, the whole name its tooltip. Seen at 150 % in the ASan build.
                QVERIFY2(name.simplified().startsWith(flat.chopped(1).trimmed()), qPrintable(context));
                QVERIFY2(flat.count(' ') >= 3, qPrintable(context));
            } else {
                QVERIFY2(flat == name.simplified(), qPrintable(context));
            }
            wrapped += shown.contains('\n') ? 1 : 0;
            // What is drawn, as QCPPlottableLegendItem lays it out: the icon, then the text from the item's top left.
            const QFontMetrics metrics(item->font());
            const QRect text = metrics.boundingRect(QRect(0, 0, 0, 0), Qt::TextDontClip, shown);
            const QRect drawn(item->rect().left() + plot->legend->iconSize().width() + plot->legend->iconTextPadding(),
                item->rect().top(), text.width(), text.height());
            QVERIFY2(plot->rect().contains(item->outerRect()), qPrintable(context));
            QVERIFY2(plot->rect().contains(drawn), qPrintable(context));
            QVERIFY2(item->outerRect().contains(drawn), qPrintable(context));
            QVERIFY2(!item->outerRect().intersects(plot->axisRect()->rect()), qPrintable(context));
            for (int j = 0; j < i; ++j)
                QVERIFY2(!items[j]->outerRect().intersects(item->outerRect()), qPrintable(context));
        }
        QVERIFY2(wrapped >= 3, qPrintable(QString::number(wrapped)));
    }

    // The means average converged runs only; the legend entry said nothing about the runs left out.
    void legendSaysHowManyRunsWereLeftOut()
    {
        sl::ui::RiskPlot plot;
        plot.resize(800, 600);
        sl::ui::RiskSeries s = curve(1.0);
        s.runsTotal = 10;
        plot.setSeries(s);
        QVERIFY(!plot.pointsGraph(s.id)->name().contains("did not converge"));
        s.runsLeftOut = 3;
        plot.setSeries(s);
        const QString name = plot.pointsGraph(s.id)->name();
        QVERIFY2(name.contains("3 of 10 runs did not converge"), qPrintable(name));
        bool inLegend = false;
        for (QCPAbstractLegendItem* item : legendItems(plot))
            if (auto* entry = qobject_cast<QCPPlottableLegendItem*>(item))
                inLegend |= entry->plottable()->name() == name;
        QVERIFY(inLegend);
    }

    // A family's colour was reassigned whenever a series was added or re-added.
    // The legend names curves only: the line styles of the state evolution, the Bayes-optimal risk and the predicted
    // slope were unexplained on screen. The key row under the legend names the styles actually drawn.
    void lineKeyNamesTheDrawnStyles()
    {
        sl::ui::RiskPlot plot;
        plot.resize(800, 600);
        QCOMPARE(plot.lineKeyText(), QString());
        sl::ui::RiskSeries s = curve(1.0);
        plot.setSeries(s);
        plot.replot();
        QCOMPARE(plot.lineKeyText(), QStringLiteral("solid line: state evolution"));
        s.bayesNEff = {5, 80};
        s.bayesRisk = {1.0, 0.05};
        plot.setSeries(s);
        plot.replot();
        QVERIFY2(plot.lineKeyText().contains("dotted: Bayes-optimal"), qPrintable(plot.lineKeyText()));
        // What the user sees: the key's element is laid out inside the widget, under the legend.
        QCPTextElement* key = nullptr;
        for (int i = 0; i < plot.plotLayout()->elementCount(); ++i)
            if (auto* t = qobject_cast<QCPTextElement*>(plot.plotLayout()->elementAt(i));
                t && t->text().simplified() == plot.lineKeyText())
                key = t;
        QVERIFY(key);
        QVERIFY(key->visible());
        QVERIFY(plot.rect().contains(key->outerRect()));
        QVERIFY(key->outerRect().top() >= plot.legend->outerRect().bottom() - 1);
    }

    void coloursAreStable()
    {
        sl::ui::RiskPlot plot;
        QHash<QString, QColor> colours;
        for (const double lambda : {0.3, 3.0, 30.0}) {
            plot.setSeries(curve(lambda));
            colours[curve(lambda).id] = plot.pointsGraph(curve(lambda).id)->pen().color();
        }
        QSet<QString> distinct;
        for (const QColor& c : colours)
            distinct << c.name();
        QCOMPARE(distinct.size(), 3);
        plot.setSeries(curve(300.0));
        plot.removeSeries(curve(3.0).id);
        plot.setSeries(curve(3.0));  // removed and back (a focus change): the same colour
        plot.clearSeries();
        for (const double lambda : {30.0, 0.3, 3.0})
            plot.setSeries(curve(lambda));
        for (auto it = colours.constBegin(); it != colours.constEnd(); ++it) {
            QCOMPARE(plot.pointsGraph(it.key())->pen().color(), it.value());
            QCOMPARE(plot.theoryGraph(it.key())->pen().color(), it.value());
            QCOMPARE(sl::ui::familyColour(it.key()), it.value());
        }
        QVERIFY(plot.pointsGraph(curve(300.0).id) == nullptr);
        QVERIFY(!colours.values().contains(sl::ui::familyColour(curve(300.0).id)));
    }

    // The risk CSV had no d, model or γ columns.
    void csvCarriesEveryParameter()
    {
        sl::ui::RiskPlot plot;
        const sl::ui::RiskSeries s = curve(0.5);
        plot.setSeries(s);
        const QStringList rows = plot.dataCsv().trimmed().split('\n');
        const QStringList header = rows.first().split(',');
        for (const char* column :
            {"model", "d", "p", "n", "n_eff", "lambda", "gamma", "noise_delta", "amplitudes", "solver", "seeds"})
            QVERIFY2(header.contains(column), qPrintable(rows.first()));
        QCOMPARE(rows.size(), 1 + 3 + 2);
        const QStringList row = rows[2].split(',');  // measured, n_eff = 20
        auto cell = [&](const char* column) { return row.value(header.indexOf(column)); };
        QCOMPARE(cell("kind"), QString("measured"));
        QCOMPARE(cell("model"), QString("quadratic"));
        QCOMPARE(cell("d").toInt(), 40);
        QCOMPARE(cell("p").toInt(), 30);
        QCOMPARE(cell("n").toLongLong(), 20LL * 40);  // n = n_eff · d for the quadratic net
        QCOMPARE(cell("n_eff").toDouble(), 20.0);
        QCOMPARE(cell("lambda").toDouble(), 0.5);
        QCOMPARE(cell("gamma").toDouble(), 1.25);
        QCOMPARE(cell("noise_delta").toDouble(), 0.5);
        QCOMPARE(cell("amplitudes"), QString::fromLatin1(sl::toString(s.config.problem.amplitudes)));
        QVERIFY(!cell("solver").isEmpty());
        QCOMPARE(cell("seeds"), QString("3 7"));
        const QJsonObject json = plot.dataJson()["series"].toArray().first().toObject();
        QCOMPARE(json["config"].toObject(), s.config.toJson());
        QCOMPARE(json["seeds"].toArray().size(), 2);
    }

    // The exported CSV had n_eff twice (a data column and the parameters' column). Read back from the written file:
    // every column name once, every parameter column there, and the one n_eff is the row's own (5.01, where
    // n = round(5.01 · 40) = 200 would give n/d = 5).
    void csvColumnNamesAreUnique()
    {
        sl::ui::RiskPlot plot;
        sl::ui::RiskSeries s = curve(0.5);
        s.theoryNEff = {5.01, 80};
        plot.setSeries(s);
        sl::ui::RiskSeries bare = curve(2.0, QStringLiteral("bare"));
        bare.hasConfig = false;  // no configuration: its n_eff must still be there
        plot.setSeries(bare);
        QTemporaryDir dir;
        const QString path = dir.filePath("risk.csv");
        QString error;
        QVERIFY2(sl::ui::exportData(plot, path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList rows = QString::fromUtf8(file.readAll()).trimmed().split('\n');
        const QStringList header = rows.first().split(',');
        for (const QString& name : header)
            QVERIFY2(header.count(name) == 1, qPrintable(name + " appears more than once in " + rows.first()));
        for (const QString& parameter : sl::ui::parameterCsvHeader().split(','))
            QVERIFY2(header.contains(parameter), qPrintable(parameter + " missing from " + rows.first()));
        for (const char* data : {"series", "kind", "risk", "standard_error"})
            QVERIFY2(header.contains(data), qPrintable(rows.first()));
        QCOMPARE(rows.size(), 1 + 2 * (3 + 2));
        auto cell = [&](int row, const char* column) { return rows[row].split(',').value(header.indexOf(column)); };
        for (int row = 1; row < rows.size(); ++row)
            QCOMPARE(rows[row].split(',').size(), header.size());
        QCOMPARE(cell(4, "kind"), QString("state_evolution"));
        QCOMPARE(cell(4, "n_eff").toDouble(), 5.01);
        QCOMPARE(cell(4, "n").toLongLong(), 200LL);
        QCOMPARE(cell(4, "risk").toDouble(), 4.0);
        QVERIFY(cell(4, "standard_error").isEmpty());
        QCOMPARE(cell(2, "n_eff").toDouble(), 20.0);
        QCOMPARE(cell(2, "risk").toDouble(), 1.0);
        QCOMPARE(cell(2, "standard_error").toDouble(), 0.01);
        QCOMPARE(cell(7, "n_eff").toDouble(), 20.0);  // the series without a configuration
        QVERIFY(cell(7, "model").isEmpty());
    }
};

QTEST_MAIN(TestRiskPlot)
#include "test_risk_plot.moc"
