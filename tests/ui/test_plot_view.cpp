// SPDX-License-Identifier: GPL-3.0-or-later
// PlotView's title: one wider than the plot set the layout's minimum width, and at 1024×768 the spectrum's axis rect
// was squeezed behind it to a sliver (its x labels came out reversed, "4 3 2 1 0"). The title wraps to the plot.
#include "ui/spectrum_plot.h"

#include <QObject>
#include <QString>
#include <QTest>

class TestPlotView : public QObject {
    Q_OBJECT

private slots:
    void longTitleWrapsInsteadOfSqueezingTheAxes()
    {
        sl::ui::SpectrumPlot plot;  // before a run its title is the long "no run yet — press F5 ..." hint
        plot.resize(330, 300);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.replot();
        const QString full = plot.title();
        QVERIFY(full.size() > 60);
        QVERIFY2(plot.axisRect()->width() > 150, qPrintable(QString::number(plot.axisRect()->width())));
        QVERIFY(plot.titleElement()->text().contains('\n'));
        QVERIFY(plot.rect().contains(plot.titleElement()->outerRect()));
        QCOMPARE(plot.titleElement()->text().simplified(), full.simplified());  // every word is still shown
        QCOMPARE(plot.title(), full);

        plot.resize(1400, 300);  // room for one line again
        plot.replot();
        QCOMPARE(plot.titleElement()->text(), full);
    }
};

QTEST_MAIN(TestPlotView)
#include "test_plot_view.moc"
