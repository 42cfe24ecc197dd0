// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/main_window.h"

#include "scalinglab/version.h"
#include "ui/parameter_panel.h"

#include <QApplication>
#include <QDockWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <qcustomplot.h>

namespace sl::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Scaling Lab"));
    setWindowIcon(QIcon(":/icons/scalinglab.svg"));
    resize(1400, 900);
    buildPlots();
    buildMenus();

    m_parameterPanel = new ParameterPanel(this);
    auto* dock = new QDockWidget(tr("Parameters"), this);
    dock->setObjectName("parameterDock");
    dock->setWidget(m_parameterPanel);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    statusBar()->showMessage(tr("Ready"));
}

void MainWindow::buildPlots()
{
    auto makePlot = [this](const QString& name, const QString& title) {
        auto* plot = new QCustomPlot(this);
        plot->setObjectName(name);
        plot->plotLayout()->insertRow(0);
        plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title, QFont("sans", 11, QFont::Bold)));
        return plot;
    };
    m_riskPlot = makePlot("riskPlot", tr("Excess risk against effective sample size"));
    m_spectrumPlot = makePlot("spectrumPlot", tr("Eigenvalue spectrum of the trained weights"));
    m_phasePlot = makePlot("phasePlot", tr("Phase diagram of scaling exponents"));

    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(m_spectrumPlot);
    right->addWidget(m_phasePlot);
    auto* main = new QSplitter(Qt::Horizontal, this);
    main->addWidget(m_riskPlot);
    main->addWidget(right);
    main->setStretchFactor(0, 3);
    main->setStretchFactor(1, 2);
    setCentralWidget(main);
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* exportAction = file->addAction(tr("&Export plots..."), this, &MainWindow::exportPlots);
    exportAction->setObjectName("exportAction");
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Scaling Lab"), this, &MainWindow::showAbout);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Scaling Lab"),
        tr("<h3>Scaling Lab %1</h3>"
           "<p>Explore neural scaling laws and weight spectra of shallow networks in the "
           "feature-learning regime.</p><p>Implements: %2</p>"
           "<p>Licensed under the GNU GPL, version 3 or later.</p>")
            .arg(kVersion, QString(kPaperReference).toHtmlEscaped()));
}

void MainWindow::exportPlots()
{
    statusBar()->showMessage(tr("Nothing to export yet"), 3000);
}

}  // namespace sl::ui
