// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/document/document.h"
#include "app/presets/preset_library.h"

#include <QElapsedTimer>
#include <QFont>
#include <QMainWindow>
#include <QPointer>
#include <functional>
#include <memory>
#include <optional>

class QAction;
class QDialog;
class QDockWidget;
class QLabel;
class QProgressBar;

namespace sl::ui {

class DecompositionPlot;
class ParameterPanel;
class PhaseDiagramView;
class PlotView;
class RiskPlot;
class SpectrumPlot;

// The application window: risk against samples, the weight spectrum and the phase diagram, the parameter
// panel, transport controls, menus and a status bar. It sends the panel's configuration to the document
// (app/document) and renders what the document says changed; it interprets no result and runs no numerics.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    // storePath empty: the platform's app-data folder; "-" or ":memory:": no persistent store.
    explicit MainWindow(const QString& storePath = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    RiskPlot* riskPlot() const { return m_riskPlot; }
    SpectrumPlot* spectrumPlot() const { return m_spectrumPlot; }
    PhaseDiagramView* phasePlot() const { return m_phasePlot; }
    DecompositionPlot* decompositionPlot() const { return m_decompositionPlot; }
    QAction* showPrunedAction() const { return m_showPrunedAction; }
    ParameterPanel* parameterPanel() const { return m_panel; }
    app::Document* document() const { return m_document; }
    app::LiveRunner* liveRunner() const { return m_document->liveRunner(); }
    const QVector<app::RunResult>& results() const { return m_document->results(); }

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

    // --- zoom and presentation (View menu) ---
    // The zoom levels View → Zoom in/out step through; 1 is 100 %. Remembered in QSettings ("view/zoom").
    static const QVector<double>& zoomLevels();
    // Presentation mode multiplies the zoom by this (and hides the parameter panel, full screen).
    static constexpr double kPresentationScale = 1.6;
    double zoom() const { return m_zoom; }
    void setZoom(double zoom);
    void zoomIn();
    void zoomOut();
    void resetZoom() { setZoom(1.0); }
    // What the plots and the panel are drawn at: zoom × (presentation ? kPresentationScale : 1).
    double displayScale() const;
    bool presentationMode() const { return m_presentation; }
    void setPresentationMode(bool on);
    QDockWidget* parameterDock() const { return m_dock; }

    // --- help ---
    // Help → Keyboard shortcuts: a table of every action of the window that has a shortcut (built from the actions).
    QDialog* showShortcuts();
    // Help → Getting started.
    QDialog* showGettingStarted();
    static constexpr const char* kPaperUrl = "https://arxiv.org/abs/2509.24882";

    // --- long runs ---
    // Asked before a run whose estimate (app/experiment/run_estimate.h) exceeds kLongRunSeconds, with the estimate in
    // words; true runs it. Default: a QMessageBox with Run / Cancel. Tests install an answer.
    using RunConfirmation = std::function<bool(const QString& estimate)>;
    void setRunConfirmation(RunConfirmation confirm) { m_confirmRun = std::move(confirm); }
    // The estimate's words of the last run that asked (empty when none asked).
    QString lastLongRunQuestion() const { return m_lastLongRunQuestion; }

signals:
    // The configuration handed to the runner (live run or sweep): tests assert what the runner received.
    void experimentLaunched(const sl::app::ExperimentConfig& config, bool sweep);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildPlots();
    void buildActions();
    void buildStatusBar();
    // Separate builders so the View and Help menus merge easily with other work on the window.
    void buildZoomActions(QMenu* view);
    void buildHelpMenu();
    void applyDisplayScale();
    // The first screen: a point with a non-zero predicted slope when no parameters were saved, and the hint.
    void showFirstScreen(bool restoredParameters);
    // Estimates `config` as it will be launched and asks when it is long; false: the user declined.
    bool confirmLongRun(const app::ExperimentConfig& config, bool sweep);
    void startRunProgress(const app::ExperimentConfig& config);
    void updateRunProgress(const app::LiveSnapshot& snapshot);
    void hideRunProgress();
    void restoreSettings();
    void saveSettings();
    void connectDocument();
    // The error decomposition (docs/theory/decomposition.md): its dock, View → Error decomposition and
    // View → Show pruned risk, the status-bar field of the live run's terms, and their renderers.
    void buildDecompositionView();
    void placeDecompositionDock();
    void shareSpectrumColumn();
    void showDecomposition();

    void onParametersChanged();
    void onParametersEdited();
    void onPhaseClicked(double nEff, double lambda, bool sweep);
    // Renderers of the document's change signals.
    void showTransport();
    void showStatus();
    void showCurve(const QString& id);
    void showSpectrum();
    void showMeasurements();
    void showMessage(const QString& text, bool error);
    void showError(const QString& message);
    void showAbout();
    void exportWithDialog(const QString& plotName);
    // The panel's configuration as the document should see it (the seeds for sweeps included).
    app::ExperimentConfig panelExperiment() const;

    RiskPlot* m_riskPlot = nullptr;
    SpectrumPlot* m_spectrumPlot = nullptr;
    PhaseDiagramView* m_phasePlot = nullptr;
    ParameterPanel* m_panel = nullptr;

    app::Document* m_document = nullptr;
    app::PresetLibrary m_presets;
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
    QLabel* m_transportLabel = nullptr;
    QProgressBar* m_progress = nullptr;

    DecompositionPlot* m_decompositionPlot = nullptr;
    QAction* m_showPrunedAction = nullptr;
    QLabel* m_decompositionLabel = nullptr;
    QDockWidget* m_dock = nullptr;
    QAction* m_presentationAction = nullptr;
    double m_zoom = 1.0;
    bool m_presentation = false;
    bool m_dockVisibleBeforePresentation = true;
    Qt::WindowStates m_stateBeforePresentation = Qt::WindowNoState;
    QFont m_panelBaseFont;
    QFont m_statusBaseFont;
    QDockWidget* m_decompositionDock = nullptr;
    bool m_decompositionTabbedForRoom = false;  // placeDecompositionDock made it a tab beside the panel
    RunConfirmation m_confirmRun;
    QString m_lastLongRunQuestion;
    // The single run's progress bar: iterations against the estimate's assumed count, ETA from the measured rate.
    // Set for every live run the document launches (Run, Step, presets, live restarts), for its generation only.
    QProgressBar* m_runProgress = nullptr;
    double m_runExpectedIterations = 0;
    quint64 m_runGeneration = 0;
    int m_runRateFrom = -1;  // the iteration the rate is measured from (the first snapshot, or the first after a pause)
    QElapsedTimer m_runClock;  // started at that snapshot
};

}  // namespace sl::ui
