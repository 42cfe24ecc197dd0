// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/document/document_types.h"
#include "app/document/transport.h"
#include "app/runner/experiment_execution.h"
#include "app/runner/live_runner.h"
#include "app/runner/theory_runner.h"
#include "app/session/session.h"
#include "app/store/result_store.h"

#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QStringList>

#include <deque>
#include <map>
#include <optional>
#include <set>

namespace sl::app {

class SweepRunner;

// The document: the one owner of what the window shows (docs/architecture.md, "The document"). It holds the live run
// (the exact ExperimentConfig it trains and its generation), every finished result (live runs and sweep points),
// the kept curves, the theory overlays keyed by the configuration they were computed for, and what is derived from
// them: risk curves keyed by exact parameters with their slope fits and predictions, the spectrum with its bulk
// edge, tail fit and spectral phase, and the status fields. It owns the runners and the store; the views observe it
// through the change signals below and never re-read the parameter panel to interpret a result.
//
// Every snapshot and result carries its configuration (and a live one its generation); anything from a generation
// other than the current live run's is dropped. The transport is the state machine of transport.h.
class Document : public QObject {
    Q_OBJECT

public:
    explicit Document(QObject* parent = nullptr);
    // Tests substitute the executor (both runners use it); the theory is always computed for real.
    explicit Document(ExperimentExecutor executor, QObject* parent = nullptr);
    ~Document() override;

    // --- store ------------------------------------------------------------------------------------------------
    // Opens the results store; "-" or ":memory:" keeps results in memory. False (lastError()) when it cannot be
    // opened: results then stay in memory and sweeps save to a scratch store.
    bool openStore(const QString& path);
    bool storeIsOpen() const { return m_store.isOpen(); }
    QString lastError() const { return m_lastError; }
    // Where the theory overlays are kept between sessions (empty: not kept). Loaded now, written by saveCache().
    void setTheoryCachePath(const QString& path);
    void saveTheoryCache() const;

    // --- what the window looks at -------------------------------------------------------------------------------
    // The panel's configuration: it selects the curve family the risk plot shows (every λ of it), and the theory
    // the document asks for. Cheap; call it on every (debounced) change.
    void setFocus(const ExperimentConfig& config);
    const ExperimentConfig& focus() const { return m_focus; }
    // The n_eff window of the slope fits; <= 0 means unbounded on that side.
    void setFitWindow(double from, double to);
    double fitFrom() const { return m_fitFrom; }
    double fitTo() const { return m_fitTo; }

    // --- transport -----------------------------------------------------------------------------------------------
    // The Run button: starts `config` (one seed, certificate on), or resumes the paused run when it is that
    // configuration. False with a message when the configuration is invalid.
    bool run(const ExperimentConfig& config);
    bool step(const ExperimentConfig& config);
    // A parameter changed with live restart on: starts `config` running (never paused).
    bool liveRestart(const ExperimentConfig& config);
    void pause();
    void resume();
    void cancel();  // the live run; cancelSweep() for the sweep
    void reset();  // cancel and clear the live plots
    TransportState transportState() const { return m_state; }
    TransportButtons buttons() const { return buttonsFor(m_state); }
    // The configuration the live run trains (as handed to the runner), once one was started.
    const std::optional<ExperimentConfig>& liveConfig() const { return m_liveConfig; }
    quint64 liveGeneration() const { return m_generation; }
    int droppedStale() const { return m_droppedStale; }
    // The finished live run (or the one a session restored); its decomposition is in result.decomposition.
    const std::optional<RunResult>& liveResult() const { return m_liveResult; }
    // Live runs started from now on carry "decompose" and "prune" (docs/theory/decomposition.md): their runners
    // split the error and prune off the GUI thread, after training. On by default.
    void setDecomposeRuns(bool on) { m_decomposeRuns = on; }
    bool decomposeRuns() const { return m_decomposeRuns; }
    // The same for sweeps; off by default, the window turns it on while the decomposition view is shown. The two
    // flags are part of a configuration's hash, so a decomposed sweep cannot reuse the stored runs of the same points
    // without them (they have no weights to split): with the flags always on, every preset retrained all its points.
    void setDecomposeSweeps(bool on) { m_decomposeSweeps = on; }
    bool decomposeSweeps() const { return m_decomposeSweeps; }

    // --- sweeps --------------------------------------------------------------------------------------------------
    // Runs every point of `sweep` in parallel; each finished point is stored and added to its curve.
    bool startSweep(const ExperimentConfig& sweep);
    void cancelSweep();
    bool sweepIsRunning() const;

    // --- contents ------------------------------------------------------------------------------------------------
    const QVector<RunResult>& results() const { return m_results; }
    // Adds a finished result that did not come from this document's runners (tests, imports); stores it.
    void addResult(const RunResult& result);
    // The risk plot's curves, focus family first (by λ), then the kept ones in the order they were kept.
    QVector<RiskCurve> curves() const;
    std::optional<RiskCurve> curve(const QString& id) const;
    const SpectrumState& spectrum() const { return m_spectrum; }
    const LiveStatus& status() const { return m_status; }
    const LivePoint& livePoint() const { return m_livePoint; }
    // The error decomposition along the current curve (the focus family at the focus λ).
    const DecompositionState& decomposition() const { return m_decomposition; }
    QVector<SlopeMeasurement> measurements() const;
    // Freezes the focus family's curves as they are now (named with model and d) for comparison.
    int keepCurrentCurves();
    // Forgets the results and the kept curves (the store keeps them).
    void clearResults();

    // The identity of a curve family (model, d, width, γ, Δ, amplitudes, solver; exact values) and of one curve.
    static QString familyKey(const ExperimentConfig& config);
    static QString curveId(const ExperimentConfig& config, double weightDecay);
    // A configuration as the theory sees it: the problem alone (no sweep, one seed, default solver settings).
    static ExperimentConfig theoryConfig(const ExperimentConfig& config);

    // --- session -------------------------------------------------------------------------------------------------
    // What reopens the same screen: results, the live run's result, overlays, kept curves, the fit window.
    Session toSession(const ExperimentConfig& parameters) const;
    // Replaces everything (cancels the live run and the sweep first); starts nothing.
    void restore(const Session& session);

    LiveRunner* liveRunner() const { return m_liveRunner; }
    TheoryRunner* theoryRunner() const { return m_theoryRunner; }
    SweepRunner* sweepRunner() const { return m_sweepRunner; }
    // Theory requests waiting or computing (tests wait for 0).
    int pendingTheory() const { return int(m_theoryQueue.size()) + (m_theoryInFlight ? 1 : 0); }

signals:
    void transportChanged(sl::app::TransportState state);
    void statusChanged();
    void livePointChanged();
    void spectrumChanged();
    void decompositionChanged();
    // A curve appeared or changed (its points, fit, prediction or theory); the plot updates it in place.
    void curveChanged(const QString& id);
    void curveRemoved(const QString& id);
    void measurementsChanged();
    void resultAdded(const sl::app::RunResult& result);
    // A configuration handed to a runner (tests assert what ran).
    void launched(const sl::app::ExperimentConfig& config, bool sweep);
    // Something to tell the user; error = shown as an error.
    void message(const QString& text, bool error);
    void sweepStarted(int total);
    void sweepProgress(int done, int total, qint64 etaMs);
    void sweepFinished(int done, int total, bool cancelled);

private:
    struct CurveTheory {
        ExperimentConfig config;
        double from = 0, to = 0;
        QVector<double> nEff, risk;
        QVector<double> bayesNEff, bayesRisk;
        bool bayesRateOnly = false;
        QString message;
    };
    struct TheoryRequest {
        ExperimentConfig config;  // theoryConfig() of the asker
        double from = 0, to = 0;
        QString curveId;  // the curve it is for ("" : the point overlay only)
    };

    void apply(TransportEvent event, const ExperimentConfig* config = nullptr);
    bool validated(ExperimentConfig& config, const QString& what);
    void startLive(const ExperimentConfig& config);
    void clearLive();
    void onSnapshot(const LiveSnapshot& snapshot);
    void onFinished(const RunResult& result, quint64 generation);
    void onSweepPoint(const RunResult& result, bool fromStore);
    void onOverlay(const TheoryOverlay& overlay);
    void storePointTheory(const TheoryOverlay& overlay);
    void storeCurveTheory(const QString& id, const TheoryOverlay& overlay);
    QJsonArray theoryJson() const;
    void loadTheoryJson(const QJsonArray& entries);
    void takeResult(const RunResult& result, bool store);
    void setStatusTransport(const QString& text);

    // Curves: recompute one, or the whole visible set (after a focus or window change), emitting what changed.
    RiskCurve buildCurve(const QString& id) const;
    void refreshCurve(const QString& id);
    void refreshCurves();
    std::set<QString> visibleIds() const;
    void updateMeasurements();
    // Spectrum: from the live run (or the focus), with the overlay for that exact configuration.
    void refreshSpectrum();
    // The decomposition view's state: the current curve's decomposed runs, aggregated (emits when it changed).
    DecompositionState buildDecomposition() const;
    void refreshDecomposition();
    QString decompositionStatus(const RunResult& result) const;

    // Theory: the overlays the visible curves and the spectrum need, one request at a time.
    void requestTheory();
    void enqueue(const TheoryRequest& request);
    void dispatchTheory();
    std::pair<double, double> wantedRange(const QString& id) const;

    ExperimentExecutor m_executor;
    LiveRunner* m_liveRunner = nullptr;
    TheoryRunner* m_theoryRunner = nullptr;
    SweepRunner* m_sweepRunner = nullptr;
    ResultStore m_store;
    QString m_lastError;
    QString m_cachePath;

    ExperimentConfig m_focus;
    bool m_hasFocus = false;
    double m_fitFrom = 0, m_fitTo = 0;

    TransportState m_state = TransportState::Idle;
    std::optional<ExperimentConfig> m_liveConfig;
    quint64 m_generation = 0;
    int m_droppedStale = 0;
    bool m_resetPending = false;
    QVector<double> m_liveEigenvalues;
    std::optional<RunResult> m_liveResult;  // the finished live run (or the one a session restored)
    int m_lastIteration = 0;
    LivePoint m_livePoint;
    LiveStatus m_status;
    SpectrumState m_spectrum;
    DecompositionState m_decomposition;
    bool m_decomposeRuns = true;
    bool m_decomposeSweeps = false;
    QString m_liveDecompositionNote;  // why the last live run has no decomposition (cancelled, diverged, failed)

    QVector<RunResult> m_results;
    // Results by curve id (indices into m_results); the family representative of every curve id.
    QHash<QString, QVector<int>> m_byCurve;
    QHash<QString, ExperimentConfig> m_curveConfig;
    // λ values a sweep asked for, per family: their curves show (theory first) before any point finishes.
    QHash<QString, std::set<double>> m_sweepLambdas;
    std::optional<ExperimentConfig> m_lastSweep;
    std::map<QString, RiskCurve> m_shown;  // what the views were last told, by id
    QVector<RiskCurve> m_kept;
    int m_keptGeneration = 0;

    std::map<QString, CurveTheory> m_curveTheory;  // by curve id
    QHash<QString, TheoryOverlay> m_pointTheory;  // by theoryConfig(config).hash()
    std::deque<QString> m_pointOrder;  // oldest first, to bound m_pointTheory
    std::deque<TheoryRequest> m_theoryQueue;
    std::optional<TheoryRequest> m_theoryInFlight;
};

// The overlay as JSON (sessions and the theory cache) and back.
QJsonObject theoryOverlayToJson(const TheoryOverlay& overlay);
std::optional<TheoryOverlay> theoryOverlayFromJson(const QJsonObject& json);

}  // namespace sl::app
