// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

class QCustomPlot;
class QLabel;

namespace sl::ui {

class ParameterPanel;

// The application window: three plot areas (risk against samples, weight spectrum, phase diagram),
// the parameter panel, menus and a status bar.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);

    QCustomPlot* riskPlot() const { return m_riskPlot; }
    QCustomPlot* spectrumPlot() const { return m_spectrumPlot; }
    QCustomPlot* phasePlot() const { return m_phasePlot; }

private:
    void buildPlots();
    void buildMenus();
    void showAbout();
    void exportPlots();

    QCustomPlot* m_riskPlot = nullptr;
    QCustomPlot* m_spectrumPlot = nullptr;
    QCustomPlot* m_phasePlot = nullptr;
    ParameterPanel* m_parameterPanel = nullptr;
};

}  // namespace sl::ui
