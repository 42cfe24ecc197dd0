// SPDX-License-Identifier: GPL-3.0-or-later
// The spectrum near zero and its legend (issue 16): numerical zeros are the point mass at 0 with its weight, never
// log bins at 1e-10; the tail fit's long legend entry stays inside the widget; the annotations (point mass, pruning
// level, bulk edge, failed tail fit) never overlap, at any size and zoom; a plot shorter than its layout shortens the
// notes line and the legend before its title or data are cut.
#include "core/common/rng.h"
#include "tests/ui/annotation_checks.h"
#include "tests/ui/layout_text_checks.h"
#include "ui/spectrum_plot.h"

#include <QCoreApplication>
#include <QHelpEvent>
#include <QList>
#include <QObject>
#include <QRectF>
#include <QSet>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QStringLiteral>
#include <QTest>
#include <QToolTip>
#include <cmath>

namespace {

sl::ui::SpectrumViewData halfZeros()
{
    sl::Rng rng(5);
    Eigen::VectorXd values(200);
    for (Eigen::Index i = 0; i < 100; ++i)
        values(i) = 1e-14 * (1 + rng.uniform());  // numerical zeros
    for (Eigen::Index i = 100; i < 200; ++i)
        values(i) = std::pow(rng.uniform(), -1.0 / 1.5);  // Pareto, α = 2.5, all ≥ 1
    sl::ui::SpectrumViewData data;
    data.eigenvalues = values;
    return data;
}

const char* const kLongTailFitMessage = "above the bulk edge 1.59484, too few for a tail fit (need at least 50); a fit "
                                        "into the bulk would describe the noise, not the learned features";

// Every annotation (point mass, pruning level, bulk edge, failed tail fit) and three legend entries, as a LASSO run
// with the decomposition shows them.
sl::ui::SpectrumViewData crowded()
{
    sl::ui::SpectrumViewData data = halfZeros();
    data.hasConfig = true;
    data.config.problem.model = sl::ModelKind::Diagonal;
    data.pruningThreshold = 2.5;
    data.bulk = sl::detectBulkEdge(data.eigenvalues);
    sl::TailFit failed;
    failed.status = sl::Status::Invalid;
    failed.message = kLongTailFitMessage;
    data.tail = failed;
    data.teacher = data.eigenvalues.tail(100);
    data.predicted = data.eigenvalues.tail(100) * 0.9;
    data.predictedWeightAtZero = 0.5;
    return data;
}

// The tooltip the plot shows at `pos` (empty: none).
QString toolTipAt(QWidget& widget, const QPoint& pos)
{
    QToolTip::hideText();
    QHelpEvent help(QEvent::ToolTip, pos, widget.mapToGlobal(pos));
    QCoreApplication::sendEvent(&widget, &help);
    return QToolTip::isVisible() ? QToolTip::text() : QString();
}

int legendRows(const QCPLegend* legend)
{
    QSet<int> tops;
    for (int i = 0; i < legend->itemCount(); ++i)
        if (const QCPAbstractLegendItem* item = legend->item(i))
            tops.insert(item->outerRect().top());
    return int(tops.size());
}

}  // namespace

class TestSpectrumPlot : public QObject {
    Q_OBJECT

private slots:
    void pruningLabelNamesEachModelsRule()
    {
        // Quadratic network: the bulk edge standing for Corollary 2's 2δ − λε; diagonal network: the LASSO state
        // evolution's optimal soft level (docs/theory/decomposition.md §3a), which is not a 2δ − λε.
        struct Case {
            sl::ModelKind model;
            double threshold;
            QString expected;
        };
        const QList<Case> cases = {
            {sl::ModelKind::Quadratic, 0.25, "pruning threshold 2δ − λε ≈ 0.25 (bulk edge, inferred)"},
            {sl::ModelKind::Diagonal, 0.25, "pruning level ≈ 0.25 (state evolution's optimal soft level, inferred)"},
            {sl::ModelKind::Quadratic, 0.0, "nothing to prune: no noise bulk"},
            {sl::ModelKind::Diagonal, 0.0, "nothing to prune: the state evolution's best pruning level is 0"},
        };
        for (const Case& c : cases) {
            sl::ui::SpectrumPlot plot;
            plot.resize(700, 500);
            sl::ui::SpectrumViewData data = halfZeros();
            data.hasConfig = true;
            data.config.problem.model = c.model;
            data.pruningThreshold = c.threshold;
            plot.setData(data);
            QStringList texts;
            for (int i = 0; i < plot.itemCount(); ++i)
                if (auto* t = qobject_cast<QCPItemText*>(plot.item(i)))
                    texts << t->text();
            QVERIFY2(texts.contains(c.expected), qPrintable(texts.join(" | ")));
        }
    }

    void zerosAreThePointMass()
    {
        for (const bool logView : {true, false}) {
            sl::ui::SpectrumPlot plot;
            plot.resize(700, 500);
            plot.setLogView(logView);
            plot.setData(halfZeros());
            QCOMPARE(plot.pointMassCount(), 100);
            QCOMPARE(plot.pointMassWeight(), 0.5);
            QVERIFY(plot.pointMassLabel());
            const QString text = plot.pointMassLabel()->text();
            QVERIFY2(text.contains("point mass at 0: 50 % (100 of 200)"), qPrintable(text));
            // No histogram bin at or below the zero threshold (they were towering bars at 1e-10).
            QCPGraph* trained = plot.trainedGraph();
            QVERIFY(trained);
            double area = 0;
            auto it = trained->data()->constBegin();
            for (; it + 1 != trained->data()->constEnd(); ++it) {
                if (logView)
                    QVERIFY2(it->key > plot.zeroThreshold(), qPrintable(QString::number(it->key)));
                area += it->value * ((it + 1)->key - it->key);
            }
            // The bins carry the continuous part's mass 1 − F = 0.5 (on log axes empty bins have a tiny floor).
            QVERIFY2(std::abs(area - 0.5) < 1e-6, qPrintable(QString::number(area)));
            QVERIFY(plot.xAxis->range().lower > (logView ? 0.1 : -1.0));
            QVERIFY(plot.dataJson()["point_mass_at_zero"].toObject()["weight"].toDouble() == 0.5);
        }
    }

    // The Figure 2 phase IV/V/VIa presets showed the tail-fit entry clipped on the left.
    void tailFitLegendInsideTheWidget()
    {
        sl::ui::SpectrumViewData data = halfZeros();
        Eigen::VectorXd positive = data.eigenvalues.tail(100);
        data.tail = sl::fitPowerLawTail(positive, [] {
            sl::TailFitConfig c;
            c.minTail = 20;
            return c;
        }());
        QCOMPARE(data.tail->status, sl::Status::Converged);
        data.predictedAlpha = 2.0;
        data.teacher = positive;
        for (const QSize size : {QSize(760, 440), QSize(330, 300)}) {
            sl::ui::SpectrumPlot plot;
            plot.resize(size);
            plot.show();  // laid out at the widget's size, as on screen
            QVERIFY(QTest::qWaitForWindowExposed(&plot));
            plot.setData(data);
            plot.replot();
            int items = 0;
            for (int i = 0; i < plot.legend->itemCount(); ++i) {
                QCPAbstractLegendItem* item = plot.legend->item(i);
                if (!item)
                    continue;
                ++items;
                QVERIFY2(plot.rect().contains(item->outerRect()),
                    qPrintable(QStringLiteral("%1 wide: %2..%3")
                                   .arg(size.width())
                                   .arg(item->outerRect().left())
                                   .arg(item->outerRect().right())));
                QVERIFY(item->outerRect().width() >= item->minimumOuterSizeHint().width());
                QVERIFY(!item->outerRect().intersects(plot.axisRect()->rect()));
            }
            QCOMPARE(items, 3);  // trained, teacher, tail fit
        }
    }

    // Issue 16: at 1024×768 with the decomposition dock open the axis rect was ~60 px tall, and the point mass's label
    // (top right), the "no tail fit" note (bottom right), the pruning label (half-way down) and the bulk edge's label
    // were drawn over each other and cut by the axis rect. At every size and zoom each shown annotation lies inside
    // the axis rect, clear of the others and of the legend, and each is read somewhere (shortened on the plot, or
    // whole in the notes line under the axis rect). Where there is room every one is on the plot in full.
    void annotationsKeepClearAtAnySize_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<double>("scale");
        QTest::addColumn<bool>("roomy");
        QTest::newRow("760x520") << QSize(760, 520) << 1.0 << true;
        QTest::newRow("420x300") << QSize(420, 300) << 1.0 << false;
        QTest::newRow("420x300 at 150 %") << QSize(420, 300) << 1.5 << false;
        QTest::newRow("330x220") << QSize(330, 220) << 1.0 << false;
        QTest::newRow("330x220 at 150 %") << QSize(330, 220) << 1.5 << false;
        QTest::newRow("300x200") << QSize(300, 200) << 1.0 << false;
    }

    void annotationsKeepClearAtAnySize()
    {
        QFETCH(QSize, size);
        QFETCH(double, scale);
        QFETCH(bool, roomy);
        sl::ui::SpectrumViewData data = halfZeros();
        data.hasConfig = true;
        data.config.problem.model = sl::ModelKind::Diagonal;
        data.pruningThreshold = 2.5;
        data.bulk = sl::detectBulkEdge(data.eigenvalues);
        QCOMPARE(data.bulk->status, sl::Status::Converged);
        sl::TailFit failed;
        failed.status = sl::Status::Invalid;
        failed.message = "above the bulk edge 1.59484, too few for a tail fit (need at least 50); a fit into the bulk "
                         "would describe the noise, not the learned features";
        data.tail = failed;
        sl::ui::SpectrumPlot plot;
        plot.resize(size);
        plot.setDisplayScale(scale);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.setData(data);
        plot.replot();
        // The shortest wordings keep these (the whole texts are the tooltips), unless the notes line had to be cut
        // to one line ("…"): then the tooltip alone holds the rest.
        const bool cut = plot.notesShown() && plot.notesElement()->text().contains(QChar(0x2026));
        const QStringList mustShow
            = cut ? QStringList{} : QStringList{"at 0: 50 %", "pruning", "≈ 2.5 (", "no tail fit", "bulk edge"};
        const QStringList problems = sl::test::annotationProblems(plot, mustShow);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
        // Every annotation placed is a text item of the plot, shown there or written in the notes line.
        QCOMPARE(plot.annotations().size(), 4);
        for (QCPItemText* item : plot.annotations()) {
            if (item->visible())
                continue;
            // Whole, or (more than SpectrumPlot::kMaxNoteLines lines) its shortest wording.
            QVERIFY2(plot.notesShown(), qPrintable(sl::ui::fullTextOf(item)));
            const QString notes = plot.notesElement()->text().replace('\n', ' ');
            QVERIFY2(notes.contains(sl::ui::fullTextOf(item)) || notes.count(" · ") > 0 || cut, qPrintable(notes));
            QVERIFY2(plot.notesFullText().contains(sl::ui::fullTextOf(item)), qPrintable(plot.notesFullText()));
        }
        if (roomy) {
            QVERIFY(plot.fit() == sl::ui::SpectrumPlot::Fit::Full);
            QVERIFY(!plot.notesShown());
            for (QCPItemText* item : plot.annotations())
                QVERIFY2(item->visible() && QString(item->text()).replace('\n', ' ') == sl::ui::fullTextOf(item),
                    qPrintable(item->text()));
        }
    }

    // Issue 16, item 7: at 1024×768 with the decomposition dock open the spectrum (~385×175) was shorter than title +
    // axis rect + two-line notes + three-row legend; QCustomPlot shrank every row, cutting the title's top and the
    // notes line to its middle, and left the data ~55 px. At every height down to the widget's minimum the title, the
    // notes line and the legend entries are drawn whole and apart; the data keep kUsableAxisRectHeight unless the
    // notes line is already one line and the legend one row of brief entries (and kLeastAxisRectHeight while there is
    // a legend); the cut texts are whole in the tooltips; and grown again the plot shows everything whole.
    void shortPlotShortensItsTextsFirst_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<double>("scale");
        QTest::newRow("385x300") << QSize(385, 300) << 1.0;
        QTest::newRow("385x220") << QSize(385, 220) << 1.0;
        QTest::newRow("385x175") << QSize(385, 175) << 1.0;
        QTest::newRow("300x160") << QSize(300, 160) << 1.0;
        QTest::newRow("385x300 at 150 %") << QSize(385, 300) << 1.5;
        QTest::newRow("385x220 at 150 %") << QSize(385, 220) << 1.5;
        QTest::newRow("385x160 at 150 %") << QSize(385, 160) << 1.5;
    }

    void shortPlotShortensItsTextsFirst()
    {
        using Fit = sl::ui::SpectrumPlot::Fit;
        QFETCH(QSize, size);
        QFETCH(double, scale);
        sl::ui::SpectrumPlot plot;
        plot.resize(size);
        plot.setDisplayScale(scale);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.setData(crowded());
        plot.replot();
        const int data = plot.axisRect()->height();
        const QString what = QStringLiteral("data %1 px, notes \"%2\", %3 legend rows")
                                 .arg(data)
                                 .arg(plot.notesShown() ? plot.notesElement()->text() : QString())
                                 .arg(plot.legend->visible() ? legendRows(plot.legend) : 0);
        QStringList problems = sl::test::layoutTextProblems(plot);
        problems << sl::test::annotationProblems(plot, {});
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n') + "\n" + what));
        QVERIFY2(plot.titleElement()->rect().contains(plot.titleTextRect()), qPrintable(what));
        const bool notesOneLine = !plot.notesShown() || !plot.notesElement()->text().contains('\n');
        const bool legendOneRow = !plot.legend->visible() || legendRows(plot.legend) == 1;
        if (data < sl::ui::SpectrumPlot::kUsableAxisRectHeight)
            QVERIFY2(notesOneLine && legendOneRow, qPrintable(what));
        if (plot.legend->visible())
            QVERIFY2(data >= sl::ui::SpectrumPlot::kLeastAxisRectHeight, qPrintable(what));
        // What was shortened is whole in its tooltip.
        if (plot.notesShown()) {
            const QString tip = toolTipAt(plot, plot.notesElement()->rect().center());
            for (QCPItemText* item : plot.annotations())
                if (!item->visible())
                    QVERIFY2(tip.contains(sl::ui::fullTextOf(item)), qPrintable(tip));
        }
        for (int i = 0; i < plot.legend->itemCount(); ++i) {
            auto* item = qobject_cast<QCPPlottableLegendItem*>(plot.legend->item(i));
            if (!item || !plot.legend->visible())
                continue;
            const QString full = plot.legendFullName(item->plottable());
            if (item->plottable()->name() != full)
                QCOMPARE(toolTipAt(plot, item->outerRect().center()), full);
        }
        // Grown again: the whole texts are back.
        plot.resize(760, 520);
        plot.replot();
        QVERIFY(plot.fit() == Fit::Full);
        for (int i = 0; i < plot.legend->itemCount(); ++i)
            if (auto* item = qobject_cast<QCPPlottableLegendItem*>(plot.legend->item(i)))
                QCOMPARE(item->plottable()->name(), plot.legendFullName(item->plottable()));
        QVERIFY(plot.legend->visible());
    }

    // The "no tail fit" note ran off the plot's left edge at 1024×768 (a text item does not wrap): it is wrapped to the
    // axis rect and lies inside the widget.
    void noTailFitNoteInsideTheWidget()
    {
        sl::ui::SpectrumViewData data = halfZeros();
        sl::TailFit failed;
        failed.status = sl::Status::Invalid;
        failed.message = "above the bulk edge 1.59484, too few for a tail fit (need at least 50); a fit into the bulk "
                         "would describe the noise, not the learned features";
        data.tail = failed;
        for (const QSize size : {QSize(760, 440), QSize(330, 300)}) {
            sl::ui::SpectrumPlot plot;
            plot.resize(size);
            plot.show();
            QVERIFY(QTest::qWaitForWindowExposed(&plot));
            plot.replot();
            plot.setData(data);
            plot.replot();
            QCPItemText* note = nullptr;
            for (int i = 0; i < plot.itemCount(); ++i)
                if (auto* t = qobject_cast<QCPItemText*>(plot.item(i)); t && t->text().startsWith("no tail fit"))
                    note = t;
            QVERIFY(note);
            if (!note->visible()) {
                // No room in the axis rect (330×300): the whole note in the notes line, inside the widget.
                QVERIFY(plot.notesShown());
                QVERIFY(plot.notesElement()->text().startsWith("no tail fit"));
                QVERIFY2(plot.rect().contains(plot.notesTextRect()), qPrintable(plot.notesElement()->text()));
                continue;
            }
            QVERIFY(note->text().contains('\n'));
            const QRectF box(note->topLeft->pixelPosition(), note->bottomRight->pixelPosition());
            QVERIFY2(QRectF(plot.rect()).contains(box),
                qPrintable(QStringLiteral("%1 wide: note %2..%3").arg(size.width()).arg(box.left()).arg(box.right())));
        }
    }
};

QTEST_MAIN(TestSpectrumPlot)
#include "test_spectrum_plot.moc"
