// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/main_window.h"

#include <QDockWidget>
#include <QMenuBar>
#include <QtTest>
#include <qcustomplot.h>

class TestMainWindow : public QObject {
    Q_OBJECT

private slots:
    void opensWithThreePlotAreasAndPanel()
    {
        sl::ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        for (const char* name : {"riskPlot", "spectrumPlot", "phasePlot"}) {
            auto* plot = window.findChild<QCustomPlot*>(name);
            QVERIFY2(plot, name);
            QVERIFY(plot->isVisible());
            QVERIFY(plot->width() > 100 && plot->height() > 100);
        }
        QVERIFY(window.findChild<QDockWidget*>("parameterDock"));
        QStringList menus;
        for (QAction* a : window.menuBar()->actions())
            menus << a->text().remove('&');
        QVERIFY(menus.contains("File"));
        QVERIFY(menus.contains("Help"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
