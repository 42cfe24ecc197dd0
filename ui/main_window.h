// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/experiment/run_result.h"
#include "app/presets/preset_library.h"
#include "app/runner/live_runner.h"
#include "app/runner/theory_runner.h"
#include "app/session/session.h"
#include "app/store/result_store.h"

#include <QMainWindow>
#include <QPointer>
#include <memory>
#include <optional>

class QAction;
class QLabel;
class QProgressBar;

namespace sl::app {
class SweepRunner;
}

namespace sl::ui {

class ParameterPanel;
class PhaseDiagramView;
class PlotView;
class RiskPlot;
class SpectrumPlot;

// The application window: risk against samples, the weight spectrum and the phase diagram, the parameter
// panel, transport controls, menus and a status bar. It wires the widgets to the runners; it runs no numerics.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    // storePath empty: the platform's app-data folder; "-" or ":memory:": no persistent store.
    explicit MainWindow(const QString& storePath = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    RiskPlot* riskPlot() const { return m_riskPlot; }
    SpectrumPlot* spectrumPlot() const { return m_spectrumPlot; }
    PhaseDiagramView* phasePlot() const { return m_phasePlot; }
    ParameterPanel* parameterPanel() const { return m_panel; }
    app::LiveRunner* liveRunner() const { return m_liveRunner; }
    const QVector<app::RunResult>& results() const { return m_results; }

    // The plot a name refers to ("risk", "spectrum", "phase"); null for another name.
    PlotView* plotByName(const QString& name) const;
    // Exports a plot by extension (.png .pdf .svg .csv .json); false with a visible message on failure.
    bool exportPlot(const QString& plotName, const QString& path);
    bool saveSession(const QString& path);
    bool openSession(const QString& path);
    void applyPreset(const app::Preset& preset);

    // Starts the live run with the panel's parameters; false (and a visible message) when they are invalid.
    bool startLiveRun();
    // Starts a sweep over n_eff through the panel's point, one decade each side.
    bool startSweep();
    // The last message shown to the user about a refused action or an error.
    QString lastError() const { return m_lastError; }

signals:
    // The configuration handed to the runner (live run or sweep): tests assert what the runner received.
    void experimentLaunched(const sl::app::ExperimentConfig& config, bool sweep);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildPlots();
    void buildActions();
    void buildStatusBar();
    void restoreSettings();
    void saveSettings();

    void onParametersChanged();
    void onParametersEdited();
    void onSnapshot(const app::LiveSnapshot& snapshot);
    void onRunFinished(const app::RunResult& result);
    void onSweepPoint(const app::RunResult& result, bool fromStore);
    void onOverlay(const app::TheoryOverlay& overlay);
    void onPhaseClicked(double nEff, double lambda, bool sweep);
    void addResult(const app::RunResult& result, bool alreadyStored);
    void refreshRiskSeries();
    void refreshSpectrum(const QVector<double>& eigenvalues, const app::RunResult* finalResult);
    // The theory overlay for the panel's point; with a sweep, its curve spans the sweep's grid too.
    void requestTheory(const app::ExperimentConfig* sweep = nullptr);
    // What requestTheory() asks for now, and whether the overlay on screen answers it.
    app::ExperimentConfig theoryRequest() const;
    bool overlayIsCurrent() const;
    void showError(const QString& message);
    void showAbout();
    void exportWithDialog(const QString& plotName);
    void keepCurrentCurves();
    bool validatePanel(app::ExperimentConfig& config);

    RiskPlot* m_riskPlot = nullptr;
    SpectrumPlot* m_spectrumPlot = nullptr;
    PhaseDiagramView* m_phasePlot = nullptr;
    ParameterPanel* m_panel = nullptr;

    app::LiveRunner* m_liveRunner = nullptr;
    app::TheoryRunner* m_theoryRunner = nullptr;
    app::SweepRunner* m_sweepRunner = nullptr;
    app::ResultStore m_store;
    app::PresetLibrary m_presets;

    QVector<app::RunResult> m_results;
    std::optional<app::ExperimentConfig> m_lastSweep;
    QStringList m_keptCurves;
    app::TheoryOverlay m_overlay;
    QVector<double> m_lastEigenvalues;
    bool m_stepping = false;
    QString m_lastError;

    QAction* m_runAction = nullptr;
    QAction* m_pauseAction = nullptr;
    QAction* m_stepAction = nullptr;
    QAction* m_resetAction = nullptr;
    QAction* m_cancelAction = nullptr;
    QAction* m_sweepAction = nullptr;
    QAction* m_liveAction = nullptr;
    QAction* m_logSpectrumAction = nullptr;

    QLabel* m_iterationLabel = nullptr;
    QLabel* m_lossLabel = nullptr;
    QLabel* m_riskLabel = nullptr;
    QLabel* m_gapLabel = nullptr;
    QLabel* m_phaseLabel = nullptr;
    QProgressBar* m_progress = nullptr;
};

}  // namespace sl::ui
