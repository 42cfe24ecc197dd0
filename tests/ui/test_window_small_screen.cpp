// SPDX-License-Identifier: GPL-3.0-or-later
// The window on a projector (issue 16, items 6 and 7), read back from the widgets at 1024×768 and 1600×1000, at 100 %
// and 150 % zoom:
//  - at 1024×768 the phase diagram's title and its "Measure exponents" button lost both ends: the button was placed
//    from the right edge beside the mode box, wider together than the ~300 px view, and began left of it. Every plot's
//    title text (as drawText lays it out in the title's rectangle) and the phase diagram's controls lie inside what is
//    visible of the view, and the controls do not cover the title;
//  - the phase diagram's line labels lie along their lines, inside the axis rect, clear of each other and the regions;
//  - the status bar cut the live run's decomposition terms: the text shown fits the label's width (QFontMetrics), the
//    label lies inside the status bar, and the three terms' numbers are still shown at 1024×768;
//  - with the decomposition dock open the spectrum's axis rect was ~60 px tall and its annotations (point mass, pruning
//    level, failed tail fit, bulk edge) lay over each other, and the status bar cut the iteration field mid-word
//    ("iteration 239 (c"): the annotations are read back clear of each other, and every status field fits its label;
//  - with the decomposition-diagonal preset, the dock open and a live run (docs/screenshots/decomposition-1024x768.png)
//    the dock took a third of the window and the spectrum was shorter than its layout: QCustomPlot shrank every row,
//    and the title's top and the two-line notes line were cut. Every text of the spectrum (title, notes line, legend
//    entries) is drawn whole inside the widget, clear of the others, and the spectrum's and the phase map's axis
//    rects keep a usable height, at 100 % and 150 %;
//  - at 150 % the dock under the plots was over-full (its plot 160 of the 219–246 px its layout needs): where the
//    window has no room for it there, it is a tab beside the parameter panel and every plot keeps its layout.
#include "app/presets/preset_library.h"
#include "tests/ui/annotation_checks.h"
#include "tests/ui/layout_text_checks.h"
#include "tests/ui/window_sizes.h"
#include "tests/ui/window_test_guards.h"
#include "ui/decomposition_plot.h"
#include "ui/main_window.h"
#include "ui/parameter_panel.h"
#include "ui/phase_diagram_view.h"
#include "ui/risk_plot.h"
#include "ui/spectrum_plot.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDockWidget>
#include <QHelpEvent>
#include <QLabel>
#include <QObject>
#include <QPair>
#include <QPoint>
#include <QPointF>
#include <QPushButton>
#include <QRect>
#include <QRectF>
#include <QSettings>
#include <QSize>
#include <QStandardPaths>
#include <QStatusBar>
#include <QString>
#include <QStringLiteral>
#include <QTest>
#include <QToolTip>
#include <QVector>
#include <cmath>

namespace {

// The least heights of the data (axis rects, px) at 1024×768 with the decomposition dock open. At 100 % the
// spectrum's SpectrumPlot::kUsableAxisRectHeight (it was 44 px; 71 px on 2026-12-02) and 110 px of phase map (it was
// 90 px; 114 px). At 150 % the dock under the plots left the spectrum 21 px of data without its legend (it was -7 px
// before SpectrumPlot shortened its texts) and the phase map 58 px; now the dock is a tab beside the panel there
// (MainWindow::placeDecompositionDock): the spectrum keeps its legend and 53–79 px of data (the column's split
// depends on when the plots were first laid out at 150 %), the phase map 140–166 px.
constexpr int kSpectrumDataAt100 = 70;
constexpr int kPhaseDataAt100 = 110;
constexpr int kSpectrumDataAt150 = 50;
constexpr int kPhaseDataAt150 = 110;
// The risk plot's least data height with the decomposition dock shown, at any zoom: 283 px at 1024×768 and 100 %
// (the dock under the plots), 331 px at 150 % (the dock beside the panel; under the plots it had 153 px, a few with
// a run's legend).
constexpr int kRiskDataWithTheDock = 200;

QString rectText(const QRect& r)
{
    return QStringLiteral("(%1, %2) %3x%4").arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height());
}

// Every status field shows a whole wording that fits it (never cut mid-word, its whole text in the tooltip), inside
// the bar and clear of the other fields (at 150 % the decomposition terms lay over the phase field; in presentation
// mode at 1600×1000 the transport field over the phase field).
QStringList statusFieldProblems(sl::ui::MainWindow& window)
{
    QStringList problems;
    QStatusBar* bar = window.statusBar();
    QVector<QPair<QString, QRect>> fields;
    for (const char* name : {"iterationLabel", "lossLabel", "riskLabel", "gapLabel", "phaseLabel", "transportLabel",
             "decompositionLabel"}) {
        auto* label = window.findChild<QLabel*>(name);
        if (!label || !label->isVisible()) {
            problems << QStringLiteral("%1 not shown").arg(name);
            continue;
        }
        const int textWidth = label->fontMetrics().horizontalAdvance(label->text());
        const QRect inBar(label->mapTo(bar, QPoint(0, 0)), label->size());
        const QString what = QStringLiteral("%1: \"%2\": %3 px of text in %4 px at %5")
                                 .arg(name, label->text())
                                 .arg(textWidth)
                                 .arg(label->contentsRect().width())
                                 .arg(rectText(inBar));
        if (textWidth > label->contentsRect().width())
            problems << what + QStringLiteral(": cut");
        if (label->text().contains(QChar(0x2026)))
            problems << what + QStringLiteral(": elided");
        if (!bar->rect().contains(inBar))
            problems << what + QStringLiteral(": outside the bar");
        for (const auto& [other, rect] : std::as_const(fields))
            if (rect.intersects(inBar))
                problems << what + QStringLiteral(": over ") + other + " " + rectText(rect);
        fields.push_back({QString::fromLatin1(name) + " \"" + label->text() + "\"", inBar});
    }
    return problems;
}

}  // namespace

class TestWindowSmallScreen : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { sl::tests::useFreshTestSettings("test_window_small_screen"); }

    void titlesAndControlsInsideTheViews_data() { sl::tests::addScreenRows(); }

    void titlesAndControlsInsideTheViews()
    {
        QFETCH(QSize, size);
        QFETCH(double, zoom);
        sl::ui::MainWindow window("-");
        sl::tests::showWindowAt(window, size, zoom);
        for (sl::ui::PlotView* plot :
            {static_cast<sl::ui::PlotView*>(window.riskPlot()), static_cast<sl::ui::PlotView*>(window.spectrumPlot()),
                static_cast<sl::ui::PlotView*>(window.phasePlot())}) {
            const QRect visible = plot->visibleRegion().boundingRect();
            QVERIFY2(!visible.isEmpty(), qPrintable(plot->objectName()));
            const QRect text = plot->titleTextRect();
            const QRect element = plot->titleElement()->rect();
            const QString what = QStringLiteral("%1: title text %2 in its rectangle %3, view shows %4")
                                     .arg(plot->objectName(), rectText(text), rectText(element), rectText(visible));
            // drawText clips to the element's rectangle: a text wider than it loses both ends.
            QVERIFY2(element.contains(text), qPrintable(what));
            QVERIFY2(visible.contains(text), qPrintable(what));
        }
        sl::ui::PhaseDiagramView* phase = window.phasePlot();
        const QRect visible = phase->visibleRegion().boundingRect();
        const QRect title = phase->titleTextRect();
        for (QWidget* control : {static_cast<QWidget*>(phase->findChild<QComboBox*>("phaseColourMode")),
                 static_cast<QWidget*>(phase->findChild<QPushButton*>("phaseMeasureExponents"))}) {
            QVERIFY(control && control->isVisible());
            const QString what
                = QStringLiteral("%1 at %2, view shows %3, title at %4")
                      .arg(control->objectName(), rectText(control->geometry()), rectText(visible), rectText(title));
            QVERIFY2(visible.contains(control->geometry()), qPrintable(what));
            QVERIFY2(!control->geometry().intersects(title), qPrintable(what));
        }
        // The button shows its whole text (a button narrower than its text would clip it).
        auto* button = phase->findChild<QPushButton*>("phaseMeasureExponents");
        QVERIFY2(button->width() >= button->sizeHint().width(),
            qPrintable(QStringLiteral("%1 < %2").arg(button->width()).arg(button->sizeHint().width())));
    }

    // A label with no free place on the map names its line in the key below it (every size and zoom, d = 24, 100 and
    // 500: tests/ui/test_phase_diagram_view.cpp).
    void phaseLineLabelsInTheWindow_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<double>("zoom");
        QTest::newRow("1024x768") << QSize(1024, 768) << 1.0;
        QTest::newRow("1600x1000") << QSize(1600, 1000) << 1.0;
        QTest::newRow("1600x1000 at 150 %") << QSize(1600, 1000) << 1.5;
    }

    void phaseLineLabelsInTheWindow()
    {
        QFETCH(QSize, size);
        QFETCH(double, zoom);
        sl::ui::MainWindow window("-");
        sl::tests::showWindowAt(window, size, zoom);
        const sl::ui::PhaseDiagramView* phase = window.phasePlot();
        const auto labels = phase->lineLabels();
        const QRectF area = phase->axisRect()->rect();
        for (const auto& line : phase->boundaryLines())
            QVERIFY2(phase->lineLabelTexts().contains(line.full) || phase->lineKeyText().contains(line.full),
                qPrintable(QStringLiteral("%1 unnamed in an axis rect of %2x%3 px")
                               .arg(line.name)
                               .arg(area.width())
                               .arg(area.height())));
        const QVector<QPolygonF> regions = phase->regionLabelBoxes();
        for (int i = 0; i < labels.size(); ++i) {
            for (const QPointF& corner : labels[i].corners)
                QVERIFY2(area.contains(corner), qPrintable(labels[i].text));
            const double lineAngle = std::atan2(labels[i].line.dy(), labels[i].line.dx()) * 180 / M_PI;
            QVERIFY2(std::abs(labels[i].rotation - lineAngle) < 0.5, qPrintable(labels[i].text));
            for (int j = i + 1; j < labels.size(); ++j)
                QVERIFY2(!labels[i].corners.intersects(labels[j].corners), qPrintable(labels[i].text));
            for (const QPolygonF& region : regions)
                QVERIFY2(!labels[i].corners.intersects(region), qPrintable(labels[i].text));
        }
    }

    // At 150 % the panel's minimum size made the window taller than a 1024×768 screen (814 px: the status bar off
    // screen) and the dock ~570 px wide.
    void windowFitsASmallScreenAtEveryZoom()
    {
        sl::ui::MainWindow window("-");
        sl::tests::showWindowAt(window, QSize(1024, 768), 1.5);
        QVERIFY2(
            window.minimumSizeHint().height() <= 768, qPrintable(QString::number(window.minimumSizeHint().height())));
        QVERIFY2(
            window.minimumSizeHint().width() <= 1024, qPrintable(QString::number(window.minimumSizeHint().width())));
        const QRect bar = window.statusBar()->geometry();
        QVERIFY2(window.rect().contains(bar), qPrintable(rectText(bar)));
        auto* dock = window.findChild<QDockWidget*>("parameterDock");
        QVERIFY(dock);
        QVERIFY2(dock->width() <= int(0.4 * 1024) + 1, qPrintable(QString::number(dock->width())));
        QVERIFY2(window.phasePlot()->axisRect()->width() >= 100,
            qPrintable(QString::number(window.phasePlot()->axisRect()->width())));
        // The spectrum and the phase map keep the data heights they have with the dock beside the panel.
        window.spectrumPlot()->replot();
        window.phasePlot()->replot();
        const QString heights = QStringLiteral("spectrum data %1 px, phase map data %2 px")
                                    .arg(window.spectrumPlot()->axisRect()->height())
                                    .arg(window.phasePlot()->axisRect()->height());
        QVERIFY2(window.spectrumPlot()->axisRect()->height() >= kSpectrumDataAt150, qPrintable(heights));
        QVERIFY2(window.phasePlot()->axisRect()->height() >= kPhaseDataAt150, qPrintable(heights));
    }

    // The decomposition preset's problem with a tail fit as a live run (diagonal, d = 30, LASSO: about a second), the
    // decomposition dock open, at 1024×768: its spectrum has a point mass (the LASSO's zeros), a pruning line and no
    // tail fit (too few values for one). Read at 100 % and then 150 % zoom (View → Zoom in).
    void spectrumAnnotationsAndStatusFieldsOnASmallScreen()
    {
        sl::ui::MainWindow window("-");
        sl::tests::showWindowAt(window, QSize(1024, 768), 1.0);
        auto* toggle = window.findChild<QAction*>("decompositionAction");
        QVERIFY(toggle);
        toggle->trigger();
        sl::app::ExperimentConfig c = window.parameterPanel()->experiment();
        c.problem.model = sl::ModelKind::Diagonal;
        c.problem.dimension = 30;
        c.problem.samples = 30;
        c.problem.weightDecay = 0.03;
        c.problem.noise = 0.5;
        c.problem.seed = 3;
        c.solver = sl::app::Solver::Convex;
        c.tailFit = true;
        c.decompose = true;
        c.prune = true;
        c.sweep = sl::app::SweepSpec{};
        window.parameterPanel()->setExperiment(c);
        window.parameterPanel()->discardPendingChange();
        QVERIFY(window.startLiveRun());
        QTRY_VERIFY_WITH_TIMEOUT(window.document()->transportState() == sl::app::TransportState::Finished, 30000);
        QCoreApplication::processEvents();
        sl::ui::SpectrumPlot* spectrum = window.spectrumPlot();
        QVERIFY(spectrum->pointMassCount() > 0);
        QVERIFY(spectrum->pruningLine());
        QVERIFY(spectrum->data().tail && spectrum->data().tail->status != sl::Status::Converged);
        const QString pointMass = "at 0: " + QString::number(100.0 * spectrum->pointMassWeight(), 'f', 0) + " %";
        const QString level = "≈ " + QString::number(spectrum->data().pruningThreshold, 'g', 4) + " (";
        for (const double zoom : {1.0, 1.5}) {
            window.setZoom(zoom);
            // The zoom's relayout (the panel dock's width, the plots' fonts) settles over two rounds.
            for (int round = 0; round < 2; ++round) {
                QCoreApplication::processEvents();
                spectrum->replot();
            }
            const QString at = QStringLiteral(" at %1 %").arg(zoom * 100);
            // Each read on the plot or in the notes line; where that line had to be cut to one ("…", at 150 %) the
            // rest is in its tooltip.
            const QStringList fragments{pointMass, "pruning", level, "no tail fit"};
            const bool cut = spectrum->notesShown() && spectrum->notesElement()->text().contains(QChar(0x2026));
            const QStringList problems = sl::test::annotationProblems(*spectrum, cut ? QStringList{} : fragments);
            QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n') + at));
            for (QCPItemText* item : spectrum->annotations())
                if (!item->visible())
                    QVERIFY2(spectrum->notesFullText().contains(sl::ui::fullTextOf(item)),
                        qPrintable(sl::ui::fullTextOf(item) + " nowhere" + at));
            const QStringList fieldProblems = statusFieldProblems(window);
            QVERIFY2(fieldProblems.isEmpty(), qPrintable(fieldProblems.join('\n') + at));
            auto* iteration = window.findChild<QLabel*>("iterationLabel");
            const int iterations = window.document()->liveResult()->iterations;
            QVERIFY2(iteration->text().contains(QString::number(iterations)), qPrintable(iteration->text()));
            QCOMPARE(iteration->toolTip(), window.document()->status().iteration);
        }
    }

    // As scripts/screenshots takes presentation-mode.png (F11, then F5 on the first screen's point), where the
    // transport field lay over "phase VIa": the status fields after a live run at 1600×1000 in presentation mode.
    void statusFieldsWholeInPresentationMode()
    {
        sl::ui::MainWindow window("-");
        window.setRunConfirmation([](const QString&) { return true; });
        sl::tests::showWindowAt(window, QSize(1600, 1000), 1.0);
        QVERIFY(window.startLiveRun());
        QTRY_VERIFY_WITH_TIMEOUT(window.document()->transportState() == sl::app::TransportState::Finished, 60000);
        window.setPresentationMode(true);
        window.showNormal();  // the offscreen screen is smaller than 1600×1000: the mode's scale at the shot's size
        window.resize(1600, 1000);
        QTRY_COMPARE(window.size(), QSize(1600, 1000));
        for (int round = 0; round < 3; ++round)
            QCoreApplication::processEvents();
        const QStringList problems = statusFieldProblems(window);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
        window.setPresentationMode(false);
    }

    // As scripts/screenshots takes decomposition-1024x768.png: the decomposition-diagonal preset in the panel (d = 100,
    // λ = 0.01, n_eff = 30), View → Error decomposition, and the panel's point as a live run (LASSO, well under a
    // second; the preset's own sweep changes neither plot's layout and is not run).
    void spectrumWholeWithTheDecompositionDock_data()
    {
        QTest::addColumn<double>("zoom");
        QTest::addColumn<int>("leastSpectrumData");
        QTest::addColumn<int>("leastPhaseData");
        QTest::newRow("1024x768") << 1.0 << kSpectrumDataAt100 << kPhaseDataAt100;
        QTest::newRow("1024x768 at 150 %") << 1.5 << kSpectrumDataAt150 << kPhaseDataAt150;
    }

    void spectrumWholeWithTheDecompositionDock()
    {
        QFETCH(double, zoom);
        QFETCH(int, leastSpectrumData);
        QFETCH(int, leastPhaseData);
        sl::ui::MainWindow window("-");
        window.setRunConfirmation([](const QString&) { return true; });
        sl::tests::showWindowAt(window, QSize(1024, 768), zoom);
        const sl::app::PresetLibrary presets;
        const sl::app::Preset* preset = presets.find(QStringLiteral("decomposition-diagonal"));
        QVERIFY(preset);
        window.parameterPanel()->setExperiment(preset->experiment);
        window.parameterPanel()->discardPendingChange();
        auto* toggle = window.findChild<QAction*>("decompositionAction");
        QVERIFY(toggle);
        toggle->trigger();
        QVERIFY(window.startLiveRun());
        QTRY_VERIFY_WITH_TIMEOUT(window.document()->transportState() == sl::app::TransportState::Finished, 30000);
        auto* dock = window.findChild<QDockWidget*>("decompositionDock");
        QVERIFY(dock && dock->isVisible());
        sl::ui::SpectrumPlot* spectrum = window.spectrumPlot();
        sl::ui::PhaseDiagramView* phase = window.phasePlot();
        for (int round = 0; round < 2; ++round) {
            QCoreApplication::processEvents();
            spectrum->replot();
            phase->replot();
        }
        QVERIFY(spectrum->pointMassCount() > 0);
        QVERIFY(spectrum->pruningLine());
        const QString heights
            = QStringLiteral(" (spectrum %1 px: axis rect %2 px; phase map %3 px: axis rect %4 px; dock "
                             "%5 px; at %6 %; legend %7)")
                  .arg(spectrum->height())
                  .arg(spectrum->axisRect()->height())
                  .arg(phase->height())
                  .arg(phase->axisRect()->height())
                  .arg(dock->height())
                  .arg(zoom * 100)
                  .arg(spectrum->legend->visible() ? "shown" : "hidden");
        qInfo("%s", qPrintable(heights));
        // The title, the notes line and the legend's entries whole, inside the widget, clear of each other.
        const QStringList problems = sl::test::layoutTextProblems(*spectrum);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n') + heights));
        QVERIFY2(spectrum->visibleRegion().boundingRect().contains(spectrum->titleTextRect()), qPrintable(heights));
        // The annotations on the plot clear of each other and of those texts.
        const QStringList annotations = sl::test::annotationProblems(*spectrum, {});
        QVERIFY2(annotations.isEmpty(), qPrintable(annotations.join('\n') + heights));
        // The spectrum keeps its legend (it gave it up at 150 % while the dock was under the plots).
        QVERIFY2(spectrum->legend->visible(), qPrintable(heights));
        QVERIFY2(spectrum->axisRect()->height() >= leastSpectrumData, qPrintable(heights));
        QVERIFY2(phase->axisRect()->height() >= leastPhaseData, qPrintable(heights));
        // Every annotation is read: on the plot, or in the notes line, which is one line where it was shortened
        // ("…"), its whole text in its tooltip.
        QCPTextElement* notes = spectrum->notesElement();
        QString tooltip;
        if (notes->visible() && !notes->text().isEmpty()) {
            QHelpEvent help(QEvent::ToolTip, notes->rect().center(), spectrum->mapToGlobal(notes->rect().center()));
            QCoreApplication::sendEvent(spectrum, &help);
            tooltip = QToolTip::text();
            if (notes->text().contains(QChar(0x2026)))
                QVERIFY2(!notes->text().contains('\n'), qPrintable(notes->text()));
        }
        for (QCPItemText* item : spectrum->annotations()) {
            const QString whole = sl::ui::fullTextOf(item);
            if (item->visible())
                continue;
            QVERIFY2(tooltip.contains(whole), qPrintable(whole + " not in the notes' tooltip: " + tooltip + heights));
        }
    }

    // View → Error decomposition where the window has no room under the plots for it (1024×768 and 1600×1000 at
    // 150 %): under them, the decomposition plot got 160 of the 219–246 px its layout needs, and with a run's legend
    // the risk plot's data a few pixels. It becomes a tab beside the parameter panel (the window's whole height),
    // raised, and the plots keep their own layouts; at 100 % again it goes back under the plots. At 1024×768 and 100 %
    // it stays under them.
    void decompositionDockWhereTheWindowHasRoom_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<double>("zoom");
        QTest::addColumn<bool>("beside");
        QTest::newRow("1024x768") << QSize(1024, 768) << 1.0 << false;
        QTest::newRow("1024x768 at 150 %") << QSize(1024, 768) << 1.5 << true;
        QTest::newRow("1600x1000 at 150 %") << QSize(1600, 1000) << 1.5 << true;
    }

    void decompositionDockWhereTheWindowHasRoom()
    {
        QFETCH(QSize, size);
        QFETCH(double, zoom);
        QFETCH(bool, beside);
        sl::ui::MainWindow window("-");
        sl::tests::showWindowAt(window, size, zoom);
        auto* toggle = window.findChild<QAction*>("decompositionAction");
        QVERIFY(toggle);
        toggle->trigger();
        auto* dock = window.findChild<QDockWidget*>("decompositionDock");
        QVERIFY(dock);
        auto settle = [&window] {
            for (int round = 0; round < 2; ++round) {
                QCoreApplication::processEvents();
                for (sl::ui::PlotView* plot : window.findChildren<sl::ui::PlotView*>())
                    plot->replot();
            }
        };
        settle();
        QVERIFY(dock->isVisible());
        QVERIFY(!dock->isFloating());
        sl::ui::DecompositionPlot* decomposition = window.decompositionPlot();
        const QString heights = QStringLiteral(" (decomposition %1 px, layout %2 px; risk axis rect %3 px; at %4 %)")
                                    .arg(decomposition->height())
                                    .arg(decomposition->plotLayout()->minimumOuterSizeHint().height())
                                    .arg(window.riskPlot()->axisRect()->height())
                                    .arg(zoom * 100);
        qInfo("%s", qPrintable(heights));
        const QList<QDockWidget*> tabs = window.tabifiedDockWidgets(dock);
        if (beside) {
            QCOMPARE(window.dockWidgetArea(dock), Qt::LeftDockWidgetArea);
            QVERIFY2(tabs.contains(window.parameterDock()), qPrintable(heights));
            QVERIFY(window.parameterDock()->visibleRegion().isEmpty());  // the decomposition's tab is raised
        } else {
            QCOMPARE(window.dockWidgetArea(dock), Qt::BottomDockWidgetArea);
            QVERIFY(tabs.isEmpty());
            QVERIFY(window.parameterDock()->isVisible() && !window.parameterDock()->visibleRegion().isEmpty());
        }
        // Either way every plot's layout has its height: the decomposition's texts whole, and the risk plot's data
        // as tall as at 1024×768 with the dock under the plots at 100 % (where the room rule was set).
        QVERIFY2(decomposition->height() >= decomposition->plotLayout()->minimumOuterSizeHint().height(),
            qPrintable(heights));
        const QStringList problems = sl::test::layoutTextProblems(*decomposition);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n') + heights));
        QVERIFY2(window.riskPlot()->axisRect()->height() >= kRiskDataWithTheDock, qPrintable(heights));
        if (!beside)
            return;
        window.setZoom(1.0);
        settle();
        QCOMPARE(window.dockWidgetArea(dock), Qt::BottomDockWidgetArea);
        QVERIFY(window.tabifiedDockWidgets(dock).isEmpty());
        QVERIFY(dock->isVisible() && window.parameterDock()->isVisible());
        QVERIFY(!window.parameterDock()->visibleRegion().isEmpty());
    }

    // The decomposition preset's problem as a live run (diagonal, d = 30, LASSO: about a second), the dock open.
    void decompositionStatusFitsTheBar_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::newRow("1024x768") << QSize(1024, 768);
        QTest::newRow("1600x1000") << QSize(1600, 1000);
    }

    void decompositionStatusFitsTheBar()
    {
        QFETCH(QSize, size);
        sl::ui::MainWindow window("-");
        sl::tests::showWindowAt(window, size, 1.0);
        auto* toggle = window.findChild<QAction*>("decompositionAction");
        QVERIFY(toggle);
        toggle->trigger();
        sl::app::ExperimentConfig c = window.parameterPanel()->experiment();
        c.problem.model = sl::ModelKind::Diagonal;
        c.problem.dimension = 30;
        c.problem.samples = 30;
        c.problem.weightDecay = 0.03;
        c.problem.noise = 0.5;
        c.problem.seed = 3;
        c.solver = sl::app::Solver::Convex;
        c.tailFit = false;
        c.decompose = true;
        c.prune = true;
        c.sweep = sl::app::SweepSpec{};
        window.parameterPanel()->setExperiment(c);
        window.parameterPanel()->discardPendingChange();
        QVERIFY(window.startLiveRun());
        QTRY_VERIFY_WITH_TIMEOUT(window.document()->transportState() == sl::app::TransportState::Finished, 30000);
        const sl::app::DecompositionSummary& d = window.document()->liveResult()->decomposition;
        QVERIFY(d.computed);
        QCoreApplication::processEvents();

        auto* label = window.findChild<QLabel*>("decompositionLabel");
        QVERIFY(label && label->isVisible());
        QStatusBar* bar = window.statusBar();
        const QRect inBar(label->mapTo(bar, QPoint(0, 0)), label->size());
        const int textWidth = label->fontMetrics().horizontalAdvance(label->text());
        const QString what = QStringLiteral("\"%1\": %2 px of text in a label of %3 px at %4 in a bar of %5 px")
                                 .arg(label->text())
                                 .arg(textWidth)
                                 .arg(label->contentsRect().width())
                                 .arg(rectText(inBar))
                                 .arg(bar->width());
        QVERIFY2(textWidth <= label->contentsRect().width(), qPrintable(what));
        QVERIFY2(bar->rect().contains(inBar), qPrintable(what));
        QVERIFY2(!label->visibleRegion().isEmpty(), qPrintable(what));
        // Shortened, not cut: the terms' numbers are all shown, and the tooltip holds the whole wording.
        for (double v : {d.measured.overfitting, d.measured.underfitting, d.measured.approximation}) {
            QVERIFY2(label->text().contains(QString::number(v, 'g', 4)), qPrintable(what));
            QVERIFY2(label->toolTip().contains(QString::number(v, 'g', 4)), qPrintable(label->toolTip()));
        }
        QVERIFY2(label->toolTip().contains("overfitting"), qPrintable(label->toolTip()));
        if (size.width() >= 1600)
            QVERIFY2(label->text().contains("overfitting"), qPrintable(what));  // room for the whole wording
    }
};

QTEST_MAIN(TestWindowSmallScreen)
#include "test_window_small_screen.moc"
