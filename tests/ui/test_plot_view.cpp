// SPDX-License-Identifier: GPL-3.0-or-later
// PlotView's title: one wider than the plot set the layout's minimum width, and at 1024×768 the spectrum's axis rect
// was squeezed behind it to a sliver (its x labels came out reversed, "4 3 2 1 0"). The title wraps to the plot.
#include "ui/plot_style.h"
#include "ui/spectrum_plot.h"

#include <QHelpEvent>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QTest>
#include <QToolTip>
#include <QVector>

namespace {

// A plot with nothing but its legend below the axis rect, as the views place it.
class LegendPlot : public sl::ui::PlotView {
public:
    LegendPlot() : PlotView(QStringLiteral("legend"))
    {
        legend->setVisible(true);
        legend->setFont(QFont("sans", 9));
        sl::ui::placeLegendBelow(this);
    }
    QString dataCsv() const override { return {}; }
    QJsonObject dataJson() const override { return {}; }
};

sl::ui::WrappedLegendItem* entryOf(QCustomPlot& plot, QCPAbstractPlottable* plottable)
{
    return dynamic_cast<sl::ui::WrappedLegendItem*>(plot.legend->itemWithPlottable(plottable));
}

}  // namespace

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

    // placeLegendBelow's entries: a name wider than the plot is broken into lines at spaces (never a smaller font),
    // one line again when the plot grows; a word wider than a line is elided and the whole name is the tooltip.
    void legendEntriesWrapThenElide()
    {
        LegendPlot plot;
        QCPGraph* shortName = plot.addGraph();
        shortName->setName(QStringLiteral("teacher"));
        QCPGraph* sentence = plot.addGraph();
        sentence->setName(QStringLiteral("state evolution of the trained weights at this weight decay, 47 % at 0"));
        QCPGraph* word = plot.addGraph();
        word->setName(QStringLiteral("tail fit Supercalifragilisticexpialidocious_without_any_space_in_it"));
        plot.resize(200, 400);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.replot();
        for (QCPAbstractPlottable* p : {static_cast<QCPAbstractPlottable*>(shortName),
                 static_cast<QCPAbstractPlottable*>(sentence), static_cast<QCPAbstractPlottable*>(word)}) {
            sl::ui::WrappedLegendItem* entry = entryOf(plot, p);
            QVERIFY2(entry, qPrintable(p->name()));
            QCOMPARE(entry->font().pointSizeF(), 9.0);
            QVERIFY2(plot.rect().contains(entry->outerRect()), qPrintable(p->name()));
            QVERIFY2(entry->rect().contains(entry->textRect()), qPrintable(entry->shownText()));
        }
        QCOMPARE(entryOf(plot, shortName)->shownText(), shortName->name());
        const QString lines = entryOf(plot, sentence)->shownText();
        QVERIFY2(lines.count('\n') >= 2, qPrintable(lines));
        QCOMPARE(QString(lines).replace('\n', ' '), sentence->name());  // broken at spaces only, no word lost
        QVERIFY(!entryOf(plot, sentence)->elided());
        QVERIFY(sentence->name().indexOf('\n') < 0);  // the name itself is whole (exports read it)
        sl::ui::WrappedLegendItem* elided = entryOf(plot, word);
        QVERIFY(elided->elided());
        QVERIFY2(elided->shownText().contains(QChar(0x2026)), qPrintable(elided->shownText()));
        QVERIFY(elided->shownText().startsWith(QStringLiteral("tail fit\n")));
        QVERIFY(QFontMetrics(elided->font()).horizontalAdvance(elided->shownText().section('\n', 1)) <= plot.width());
        // Its tooltip: the whole name; an entry shown whole has none of its own.
        QHelpEvent help(QEvent::ToolTip, elided->outerRect().center(), plot.mapToGlobal(elided->outerRect().center()));
        QCoreApplication::sendEvent(&plot, &help);
        QTRY_COMPARE(QToolTip::text(), word->name());
        QToolTip::hideText();
        QTRY_VERIFY(!QToolTip::isVisible());
        const QPoint wholeCentre = entryOf(plot, sentence)->outerRect().center();
        QHelpEvent none(QEvent::ToolTip, wholeCentre, plot.mapToGlobal(wholeCentre));
        QCoreApplication::sendEvent(&plot, &none);
        QVERIFY(QToolTip::text() != sentence->name());

        plot.resize(1500, 400);  // room for every name in one line again
        plot.replot();
        for (QCPAbstractPlottable* p : {static_cast<QCPAbstractPlottable*>(shortName),
                 static_cast<QCPAbstractPlottable*>(sentence), static_cast<QCPAbstractPlottable*>(word)})
            QCOMPARE(entryOf(plot, p)->shownText(), p->name());
        QVERIFY(plot.legend->columnCount() > 1);
    }

    // At 1024×768 and 150 % with the decomposition dock open the risk plot is ~430 px tall: three entries in four
    // lines each took the whole plot and were cut at its bottom. The legend keeps to its share of the height: each
    // entry keeps as many lines as fit, its last one elided, the whole name its tooltip.
    void legendInAShortPlotKeepsToItsShare()
    {
        LegendPlot plot;
        QVector<QCPGraph*> graphs;
        for (const char* name : {"λ = 0.01: slope -0.93 [-1.57, -0.30]; predicted -0.73 (IV → V → VIa, inferred)",
                 "λ = 1: slope -0.72 [-0.81, -0.63]; predicted -0.93 (II → V → VIa, inferred)",
                 "λ = 10: slope -0.55 [-0.75, -0.34]; predicted -0.66 (Ib → II, inferred)"}) {
            graphs << plot.addGraph();
            graphs.last()->setName(QString::fromUtf8(name));
        }
        plot.resize(220, 220);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.replot();
        const QRect legendRect = plot.legend->outerRect();
        QVERIFY2(legendRect.height() <= sl::ui::kLegendHeightShare * plot.height(),
            qPrintable(QString::number(legendRect.height())));
        QVERIFY(plot.rect().contains(legendRect));
        QVERIFY(plot.axisRect()->height() > 20);
        for (int i = 0; i < graphs.size(); ++i) {
            sl::ui::WrappedLegendItem* entry = entryOf(plot, graphs[i]);
            QVERIFY(entry);
            QCOMPARE(entry->font().pointSizeF(), 9.0);
            QVERIFY2(entry->lineCount() >= 1 && entry->elided(), qPrintable(entry->shownText()));
            QVERIFY(entry->shownText().endsWith(QChar(0x2026)));
            QVERIFY(plot.rect().contains(entry->outerRect()));
            QVERIFY(entry->rect().contains(entry->textRect()));
            // The lines before the last are the name's first words, whole.
            const QStringList lines = entry->shownText().split('\n');
            QVERIFY(graphs[i]->name().startsWith(QStringList(lines.mid(0, lines.size() - 1)).join(' ')));
            for (int j = 0; j < i; ++j)
                QVERIFY(!entryOf(plot, graphs[j])->outerRect().intersects(entry->outerRect()));
        }
        plot.resize(220, 900);  // tall enough for every line
        plot.replot();
        for (QCPGraph* graph : graphs) {
            QVERIFY(!entryOf(plot, graph)->elided());
            QVERIFY(entryOf(plot, graph)->lineCount() >= 2);
        }
    }
};

QTEST_MAIN(TestPlotView)
#include "test_plot_view.moc"
