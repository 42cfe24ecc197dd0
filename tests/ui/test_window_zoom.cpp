// SPDX-License-Identifier: GPL-3.0-or-later
// View → Zoom, presentation mode and View → Parameters (issue 16, items 7 and 10): read back the fonts and pens the
// plots draw with and the panel's font.
#include "tests/ui/window_test_guards.h"
#include "ui/main_window.h"
#include "ui/parameter_panel.h"
#include "ui/phase_diagram_view.h"
#include "ui/plot_view.h"
#include "ui/risk_plot.h"
#include "ui/spectrum_plot.h"

#include <QCoreApplication>
#include <QDockWidget>
#include <QLabel>
#include <QList>
#include <QMap>
#include <QMenuBar>
#include <QObject>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QString>
#include <QTest>

namespace {

QList<sl::ui::PlotView*> plots(const sl::ui::MainWindow& w)
{
    return {w.riskPlot(), w.spectrumPlot(), w.phasePlot()};
}

double tickFont(sl::ui::PlotView* plot)
{
    plot->replot();
    return plot->xAxis->tickLabelFont().pointSizeF();
}

QAction* viewAction(const sl::ui::MainWindow& w, const QString& objectName)
{
    for (QAction* menu : w.menuBar()->actions())
        if (menu->text().remove('&') == "View")
            for (QAction* a : menu->menu()->actions())
                if (a->objectName() == objectName)
                    return a;
    return nullptr;
}

}  // namespace

class TestWindowZoom : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("ScalingLabTest");
        QCoreApplication::setApplicationName("test_window_zoom");
        QSettings().clear();
    }

    void zoomScalesEveryPlotAndThePanelByTheStep()
    {
        sl::ui::MainWindow window("-");
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.zoom(), 1.0);
        QMap<sl::ui::PlotView*, double> tick, title, legend, pen;
        for (sl::ui::PlotView* p : plots(window)) {
            tick[p] = tickFont(p);
            QVERIFY(tick[p] > 0);
            title[p] = p->titleElement()->font().pointSizeF();
            legend[p] = p->legend->font().pointSizeF();
            pen[p] = p->xAxis->basePen().widthF() > 0 ? p->xAxis->basePen().widthF() : 1.0;
        }
        const int tickLength = window.phasePlot()->xAxis->tickLengthIn();
        const double panelFont = window.parameterPanel()->font().pointSizeF();
        QVERIFY(panelFont > 0);
        auto* iteration = window.findChild<QLabel*>("iterationLabel");
        QVERIFY(iteration);
        const double statusFont = iteration->font().pointSizeF();
        QVERIFY(statusFont > 0);

        QAction* zoomIn = viewAction(window, "zoomInAction");
        QVERIFY(zoomIn);
        QCOMPARE(zoomIn->shortcut(), QKeySequence(QKeySequence::ZoomIn));
        zoomIn->trigger();
        const double step = window.zoom();
        QVERIFY(step > 1.0);
        QCOMPARE(step, sl::ui::MainWindow::zoomLevels()[sl::ui::MainWindow::zoomLevels().indexOf(1.0) + 1]);
        for (sl::ui::PlotView* p : plots(window)) {
            QVERIFY2(qAbs(tickFont(p) - tick[p] * step) < 1e-9, qPrintable(p->objectName()));
            QVERIFY(qAbs(p->titleElement()->font().pointSizeF() - title[p] * step) < 1e-9);
            QVERIFY(qAbs(p->legend->font().pointSizeF() - legend[p] * step) < 1e-9);
            QVERIFY(qAbs(p->xAxis->basePen().widthF() - pen[p] * step) < 1e-9);
        }
        QVERIFY(qAbs(window.parameterPanel()->font().pointSizeF() - panelFont * step) < 1e-9);
        // Integer sizes are rounded once, not again on every replot (they grew without end before).
        for (int i = 0; i < 5; ++i)
            window.phasePlot()->replot();
        QCOMPARE(window.phasePlot()->xAxis->tickLengthIn(), qRound(tickLength * step));
        // A child widget of the panel inherits the larger font (what is drawn).
        auto* spin = window.parameterPanel()->findChild<QAbstractSpinBox*>();
        QVERIFY(spin);
        QVERIFY(qAbs(spin->font().pointSizeF() - panelFont * step) < 1e-9);
        // The status bar's fields and messages too (at 150 % they were the window's one text left at its size).
        QVERIFY2(qAbs(iteration->font().pointSizeF() - statusFont * step) < 1e-9,
            qPrintable(QString::number(iteration->font().pointSizeF())));
        QVERIFY(qAbs(window.statusBar()->font().pointSizeF() - statusFont * step) < 1e-9);

        // A legend item the view adds after the zoom is drawn at the zoom too (the risk plot's live point).
        window.riskPlot()->setLivePoint(10.0, 0.1);
        window.riskPlot()->replot();
        for (int i = 0; i < window.riskPlot()->legend->itemCount(); ++i)
            QVERIFY(qAbs(window.riskPlot()->legend->item(i)->font().pointSizeF() - legend[window.riskPlot()] * step)
                < 1e-9);

        viewAction(window, "resetZoomAction")->trigger();
        QCOMPARE(window.zoom(), 1.0);
        for (sl::ui::PlotView* p : plots(window)) {
            QVERIFY(qAbs(tickFont(p) - tick[p]) < 1e-9);
            QVERIFY(qAbs(p->titleElement()->font().pointSizeF() - title[p]) < 1e-9);
        }
        QVERIFY(qAbs(window.parameterPanel()->font().pointSizeF() - panelFont) < 1e-9);
        QVERIFY(qAbs(iteration->font().pointSizeF() - statusFont) < 1e-9);

        viewAction(window, "zoomOutAction")->trigger();
        QVERIFY(window.zoom() < 1.0);
        QVERIFY(tickFont(window.riskPlot()) < tick[window.riskPlot()]);
    }

    void zoomIsRememberedAcrossSessions()
    {
        double base = 0;
        {
            sl::ui::MainWindow window("-");
            window.setZoom(1.5);
            window.show();
            base = window.riskPlot()->xAxis->tickLabelFont().pointSizeF() / 1.5;
            window.close();  // saves the settings
        }
        sl::ui::MainWindow reopened("-");
        QCOMPARE(reopened.zoom(), 1.5);
        QVERIFY(qAbs(tickFont(reopened.spectrumPlot()) - base * 1.5) < 1e-9);
        reopened.resetZoom();
        reopened.close();
    }

    void presentationModeHidesThePanelAndEnlargesTheFonts()
    {
        sl::ui::MainWindow window("-");
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.parameterDock()->isVisible());
        const double tick = tickFont(window.phasePlot());
        QAction* presentation = viewAction(window, "presentationAction");
        QVERIFY(presentation && presentation->isCheckable());
        presentation->trigger();
        QVERIFY(window.presentationMode());
        QVERIFY(!window.parameterDock()->isVisible());
        QVERIFY(qAbs(tickFont(window.phasePlot()) - tick * sl::ui::MainWindow::kPresentationScale) < 1e-9);
        presentation->trigger();
        QVERIFY(!window.presentationMode());
        QVERIFY(window.parameterDock()->isVisible());
        QVERIFY(qAbs(tickFont(window.phasePlot()) - tick) < 1e-9);
    }

    void viewParametersTogglesTheDock()
    {
        sl::ui::MainWindow window("-");
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QAction* parameters = viewAction(window, "parametersAction");
        QVERIFY(parameters);
        QVERIFY(parameters->isCheckable() && parameters->isChecked());
        parameters->trigger();
        QVERIFY(!window.parameterDock()->isVisible());
        QVERIFY(!parameters->isChecked());
        parameters->trigger();
        QVERIFY(window.parameterDock()->isVisible());
        // Closed by its own title-bar button, the action still brings it back.
        window.parameterDock()->close();
        QVERIFY(!parameters->isChecked());
        parameters->trigger();
        QVERIFY(window.parameterDock()->isVisible());
    }
};

QTEST_MAIN(TestWindowZoom)
#include "test_window_zoom.moc"
