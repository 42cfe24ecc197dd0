// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/main_window.h"

#include "app/analysis/curve_aggregate.h"
#include "app/runner/sweep_runner.h"
#include "core/spectrum/spectrum.h"
#include "scalinglab/version.h"
#include "ui/lambda_curve_view.h"
#include "ui/parameter_panel.h"
#include "ui/phase_diagram_view.h"
#include "ui/plot_export.h"
#include "ui/risk_plot.h"
#include "ui/se_slope_map_view.h"
#include "ui/spectrum_plot.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QToolBar>
#include <cmath>
#include <map>

namespace sl::ui {
namespace {

// A sweep through a point spans one decade of n_eff on each side (log grid).
constexpr double kSweepHalfDecades = 1.0;
constexpr int kSweepPoints = 7;

QString formatNumber(double v)
{
    return std::isfinite(v) ? QString::number(v, 'g', 4) : QStringLiteral("–");
}

// Results that belong on the same risk plot as `config`: everything but n, λ and the seed agrees.
bool sameCurveFamily(const app::ExperimentConfig& a, const app::ExperimentConfig& b)
{
    const ProblemConfig& p = a.problem;
    const ProblemConfig& q = b.problem;
    return p.model == q.model && p.dimension == q.dimension && p.effectiveWidth() == q.effectiveWidth()
        && p.gamma == q.gamma && p.noise == q.noise && p.amplitudes == q.amplitudes && a.solver == b.solver;
}

}  // namespace

MainWindow::MainWindow(const QString& storePath, QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Scaling Lab"));
    setWindowIcon(QIcon(":/icons/scalinglab.svg"));
    resize(1500, 950);

    m_panel = new ParameterPanel(this);
    auto* dock = new QDockWidget(tr("Parameters"), this);
    dock->setObjectName("parameterDock");
    dock->setWidget(m_panel);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    buildPlots();
    buildActions();
    buildStatusBar();

    m_liveRunner = new app::LiveRunner(this);
    m_theoryRunner = new app::TheoryRunner(this);
    m_sweepRunner = new app::SweepRunner(this);
    connect(m_liveRunner, &app::LiveRunner::snapshot, this, &MainWindow::onSnapshot);
    connect(m_liveRunner, &app::LiveRunner::finished, this, &MainWindow::onRunFinished);
    connect(m_liveRunner, &app::LiveRunner::pausedChanged, m_pauseAction, &QAction::setChecked);
    connect(m_theoryRunner, &app::TheoryRunner::overlayReady, this, &MainWindow::onOverlay);
    connect(m_sweepRunner, &app::SweepRunner::pointFinished, this, &MainWindow::onSweepPoint);
    connect(m_sweepRunner, &app::SweepRunner::progress, this, [this](int done, int total, qint64 etaMs) {
        m_progress->setVisible(true);
        m_progress->setRange(0, total);
        m_progress->setValue(done);
        m_progress->setFormat(etaMs >= 0 ? tr("sweep %v/%m, ETA %1 s").arg(etaMs / 1000) : tr("sweep %v/%m"));
    });
    connect(m_sweepRunner, &app::SweepRunner::finished, this, [this](int done, int total, bool cancelled) {
        m_progress->setVisible(false);
        statusBar()->showMessage(cancelled ? tr("Sweep cancelled after %1 of %2 points").arg(done).arg(total)
                                           : tr("Sweep finished: %1 points").arg(total),
            5000);
    });
    connect(m_sweepRunner, &app::SweepRunner::error, this, &MainWindow::showError);
    connect(m_panel, &ParameterPanel::parametersChanged, this, &MainWindow::onParametersChanged);
    connect(m_panel, &ParameterPanel::parametersEdited, this, &MainWindow::onParametersEdited);
    connect(m_panel, &ParameterPanel::fitWindowChanged, this, &MainWindow::refreshRiskSeries);
    connect(m_phasePlot, &PhaseDiagramView::pointActivated, this, &MainWindow::onPhaseClicked);
    connect(m_phasePlot, &PhaseDiagramView::hovered, this,
        [this](const QString& text) { statusBar()->showMessage(text, 4000); });

    const QString path = storePath.isEmpty() ? app::ResultStore::defaultPath() : storePath;
    if (path != "-" && path != ":memory:" && !m_store.open(path))
        showError(tr("Results store unavailable, results stay in memory only: %1").arg(m_store.lastError()));
    // Without a usable store, sweeps still save each point (the runner needs a file), to a scratch store.
    m_sweepRunner->setStorePath(
        m_store.isOpen() ? m_store.path() : QDir(QDir::tempPath()).filePath("scalinglab-scratch.sqlite"));

    restoreSettings();
    onParametersEdited();
    requestTheory();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildPlots()
{
    m_riskPlot = new RiskPlot(this);
    m_spectrumPlot = new SpectrumPlot(this);
    m_phasePlot = new PhaseDiagramView(this);
    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(m_spectrumPlot);
    right->addWidget(m_phasePlot);
    auto* main = new QSplitter(Qt::Horizontal, this);
    main->setObjectName("mainSplitter");
    main->addWidget(m_riskPlot);
    main->addWidget(right);
    main->setStretchFactor(0, 1);
    main->setStretchFactor(1, 1);
    setCentralWidget(main);
}

void MainWindow::buildActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open session..."), QKeySequence::Open, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open session"), {}, tr("Sessions (*.json)"));
        if (!path.isEmpty())
            openSession(path);
    });
    file->addAction(tr("&Save session..."), QKeySequence::Save, this, [this] {
        const QString path
            = QFileDialog::getSaveFileName(this, tr("Save session"), "session.json", tr("Sessions (*.json)"));
        if (!path.isEmpty())
            saveSession(path);
    });
    QMenu* exportMenu = file->addMenu(tr("&Export"));
    exportMenu->setObjectName("exportMenu");
    for (const auto& [name, title] : {std::pair<QString, QString>{"risk", tr("Risk plot...")},
             {"spectrum", tr("Spectrum plot...")}, {"phase", tr("Phase diagram...")}}) {
        const QString plotName = name;
        exportMenu->addAction(title, this, [this, plotName] { exportWithDialog(plotName); });
    }
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    auto* toolbar = addToolBar(tr("Transport"));
    toolbar->setObjectName("transportToolbar");
    auto add = [&](const QString& text, const QKeySequence& key, const QString& tip) {
        QAction* a = run->addAction(text);
        a->setShortcut(key);
        a->setToolTip(tr("%1 (%2)").arg(tip, key.toString()));
        toolbar->addAction(a);
        return a;
    };
    m_runAction = add(tr("Run"), Qt::Key_F5, tr("Train with the panel's parameters"));
    m_pauseAction = add(tr("Pause"), Qt::Key_F6, tr("Pause or resume the live run"));
    m_pauseAction->setCheckable(true);
    m_stepAction = add(tr("Step"), Qt::Key_F7, tr("Resume until the next snapshot, then pause"));
    m_resetAction = add(tr("Reset"), QKeySequence(Qt::CTRL | Qt::Key_R), tr("Cancel and clear the live plots"));
    m_cancelAction = add(tr("Cancel"), Qt::Key_Escape, tr("Stop the live run and the sweep"));
    run->addSeparator();
    toolbar->addSeparator();
    m_sweepAction
        = add(tr("Sweep"), Qt::Key_F9, tr("Sweep n_eff over two decades through the current point, all seeds"));
    m_liveAction = run->addAction(tr("Restart on every change"));
    m_liveAction->setCheckable(true);
    m_liveAction->setChecked(true);
    m_liveAction->setToolTip(tr("Dragging a slider restarts the live run (debounced), as in TensorFlow Playground"));
    toolbar->addAction(m_liveAction);
    for (QAction* a : {m_runAction, m_pauseAction, m_stepAction, m_resetAction, m_cancelAction, m_sweepAction})
        a->setObjectName(a->text().toLower() + "Action");

    connect(m_runAction, &QAction::triggered, this, &MainWindow::startLiveRun);
    connect(m_pauseAction, &QAction::triggered, this, [this](bool paused) {
        if (paused)
            m_liveRunner->pause();
        else
            m_liveRunner->resume();
    });
    connect(m_stepAction, &QAction::triggered, this, [this] {
        if (!m_liveRunner->isBusy()) {
            if (!startLiveRun())
                return;
        }
        m_stepping = true;
        m_liveRunner->resume();
    });
    connect(m_resetAction, &QAction::triggered, this, [this] {
        m_liveRunner->cancel();
        m_lastEigenvalues.clear();
        m_riskPlot->clearLivePoint();
        refreshSpectrum({}, nullptr);
        statusBar()->showMessage(tr("Live run reset"), 3000);
    });
    connect(m_cancelAction, &QAction::triggered, this, [this] {
        m_liveRunner->cancel();
        m_sweepRunner->cancel();
    });
    connect(m_sweepAction, &QAction::triggered, this, &MainWindow::startSweep);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    m_logSpectrumAction = view->addAction(tr("Spectrum on log-log axes"));
    m_logSpectrumAction->setCheckable(true);
    m_logSpectrumAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(m_logSpectrumAction, &QAction::toggled, m_spectrumPlot, &SpectrumPlot::setLogView);
    view->addAction(tr("Keep current curves for comparison"), QKeySequence(Qt::CTRL | Qt::Key_K), this,
        &MainWindow::keepCurrentCurves);
    view->addAction(tr("Clear kept curves and results"), this, [this] {
        m_keptCurves.clear();
        m_results.clear();
        m_riskPlot->clearSeries();
        m_phasePlot->clearMeasurements();
        refreshRiskSeries();
    });
    view->addSeparator();
    // The Δ = 0 diagram from the state evolution, in a window of its own (computed off-thread, with cancel).
    view->addAction(tr("Δ = 0 diagram from the state evolution..."), this, [this] {
        auto* window = new SeSlopeMapView(this);
        window->setWindowFlag(Qt::Window);
        window->setAttribute(Qt::WA_DeleteOnClose);
        window->setWindowTitle(tr("Δ = 0 diagram from the state evolution"));
        window->setConfig(SeSlopeMapView::configFor(m_panel->problem()));
        window->resize(900, 650);
        window->show();
        window->start();
    });
    view->addAction(tr("Risk against λ from the state evolution..."), this, [this] {
        auto* window = new LambdaCurveView(this);
        window->setWindowFlag(Qt::Window);
        window->setAttribute(Qt::WA_DeleteOnClose);
        window->setWindowTitle(tr("Risk against λ from the state evolution"));
        window->setConfig(LambdaCurveView::configFor(m_panel->problem()));
        window->resize(900, 650);
        window->show();
        window->start();
    });

    QMenu* presets = menuBar()->addMenu(tr("&Presets"));
    presets->setObjectName("presetsMenu");
    for (const app::Preset& preset : m_presets.presets()) {
        QAction* a = presets->addAction(preset.name);
        a->setToolTip(preset.description + "\n" + tr("Differs from the paper: ") + preset.differsFromPaper);
        const QString id = preset.id;
        connect(a, &QAction::triggered, this, [this, id] {
            if (const app::Preset* p = m_presets.find(id))
                applyPreset(*p);
        });
    }
    presets->setToolTipsVisible(true);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Scaling Lab"), this, &MainWindow::showAbout);
}

void MainWindow::buildStatusBar()
{
    auto addLabel = [this](const QString& name) {
        auto* label = new QLabel(this);
        label->setObjectName(name);
        label->setMinimumWidth(110);
        statusBar()->addPermanentWidget(label);
        return label;
    };
    m_iterationLabel = addLabel("iterationLabel");
    m_lossLabel = addLabel("lossLabel");
    m_riskLabel = addLabel("riskLabel");
    m_gapLabel = addLabel("gapLabel");
    m_phaseLabel = addLabel("phaseLabel");
    m_progress = new QProgressBar(this);
    m_progress->setObjectName("sweepProgress");
    m_progress->setMaximumWidth(260);
    m_progress->setVisible(false);
    statusBar()->addPermanentWidget(m_progress);
    m_iterationLabel->setText(tr("iteration –"));
    m_lossLabel->setText(tr("loss –"));
    m_riskLabel->setText(tr("excess risk –"));
    m_gapLabel->setText(tr("convex gap –"));
    statusBar()->showMessage(tr("Ready"));
}

bool MainWindow::validatePanel(app::ExperimentConfig& config)
{
    config = m_panel->experiment();
    try {
        config.validate();
    } catch (const std::exception& e) {
        showError(tr("Invalid parameters, nothing started: %1").arg(QString::fromUtf8(e.what())));
        return false;
    }
    return true;
}

bool MainWindow::startLiveRun()
{
    app::ExperimentConfig config;
    if (!validatePanel(config))
        return false;
    config.seedList.clear();
    config.seedCount = 1;  // the live run is one seed; sweeps use them all
    config.certificate = true;
    m_liveRunner->request(config);
    m_pauseAction->setChecked(false);
    emit experimentLaunched(config, false);
    statusBar()->showMessage(tr("Training %1 network, d = %2, n = %3, λ = %4")
                                 .arg(toString(config.problem.model))
                                 .arg(config.problem.dimension)
                                 .arg(config.problem.samples)
                                 .arg(config.problem.weightDecay),
        4000);
    return true;
}

bool MainWindow::startSweep()
{
    app::ExperimentConfig config;
    if (!validatePanel(config))
        return false;
    const double centre = m_panel->nEff();
    config.sweep.axis = app::SweepSpec::Axis::EffectiveSamples;
    config.sweep.grid.from = centre * std::pow(10.0, -kSweepHalfDecades);
    config.sweep.grid.to = centre * std::pow(10.0, kSweepHalfDecades);
    config.sweep.grid.points = kSweepPoints;
    config.sweep.grid.log = true;
    if (config.problem.model == ModelKind::Diagonal)
        config.sweep.grid.from = std::max(config.sweep.grid.from, 1.0);
    try {
        config.validate();
    } catch (const std::exception& e) {
        showError(tr("Invalid sweep, nothing started: %1").arg(QString::fromUtf8(e.what())));
        return false;
    }
    emit experimentLaunched(config, true);
    if (!m_sweepRunner->start(config)) {
        showError(tr("Sweep not started: %1").arg(m_sweepRunner->lastError()));
        return false;
    }
    m_progress->setVisible(true);
    m_progress->setRange(0, int(config.points().size()));
    m_progress->setValue(0);
    requestTheory(&config);
    return true;
}

void MainWindow::onParametersEdited()
{
    const ProblemConfig p = m_panel->problem();
    const PhaseDiagramConfig& current = m_phasePlot->diagram().config();
    if (current.d != p.dimension || current.gamma != p.gamma || current.noise != p.noise) {
        PhaseDiagramConfig config;
        config.d = p.dimension;
        config.gamma = p.gamma;
        config.noise = p.noise;
        try {
            m_phasePlot->setDiagram(config);
        } catch (const std::exception& e) {
            showError(QString::fromUtf8(e.what()));
        }
    }
    m_phasePlot->setCurrentPoint(p.nEff(), p.weightDecay);
    if (p.weightDecay > 0 && p.dimension >= 2) {
        const QString text = m_phasePlot->describe(p.nEff(), p.weightDecay);
        m_phaseLabel->setText(text.section(':', 1, 1).section(',', 0, 0).trimmed());
        m_phaseLabel->setToolTip(text);
    }
}

void MainWindow::onParametersChanged()
{
    requestTheory();
    refreshRiskSeries();
    if (m_liveAction->isChecked())
        startLiveRun();
}

app::ExperimentConfig MainWindow::theoryRequest() const
{
    app::ExperimentConfig config = m_panel->experiment();
    // A sweep's grid stays part of the theory curve until another sweep replaces it.
    if (m_lastSweep && sameCurveFamily(*m_lastSweep, config))
        config.sweep = m_lastSweep->sweep;
    return config;
}

bool MainWindow::overlayIsCurrent() const
{
    return m_overlay.configHash == theoryRequest().hash();
}

void MainWindow::requestTheory(const app::ExperimentConfig* sweep)
{
    if (sweep)
        m_lastSweep = *sweep;
    app::ExperimentConfig config = theoryRequest();
    try {
        config.problem.validate();
    } catch (const std::exception&) {
        return;  // the panel shows the error when the user runs it
    }
    const double centre = m_panel->nEff();
    double lo = centre / 30, hi = centre * 30;
    for (const app::RunResult& r : std::as_const(m_results)) {
        if (std::isfinite(r.nEff) && r.nEff > 0 && sameCurveFamily(r.config, config)) {
            lo = std::min(lo, r.nEff / 1.5);
            hi = std::max(hi, r.nEff * 1.5);
        }
    }
    if (config.sweep.axis != app::SweepSpec::Axis::None) {
        // A grid over n is converted to n_eff (DIGEST §1c).
        const bool overSamples = config.sweep.axis == app::SweepSpec::Axis::Samples;
        const double perSample
            = overSamples && config.problem.model == ModelKind::Quadratic ? 1.0 / config.problem.dimension : 1.0;
        lo = std::min(lo, config.sweep.grid.from * perSample / 1.5);
        hi = std::max(hi, config.sweep.grid.to * perSample * 1.5);
    }
    if (config.problem.model == ModelKind::Diagonal)
        lo = std::max(lo, 1.0);
    m_theoryRunner->request(config, lo, hi, 24);
}

void MainWindow::onSnapshot(const app::LiveSnapshot& snapshot)
{
    m_iterationLabel->setText(tr("iteration %1").arg(snapshot.iteration));
    m_lossLabel->setText(tr("loss %1").arg(formatNumber(snapshot.trainLoss)));
    m_riskLabel->setText(tr("excess risk %1").arg(formatNumber(snapshot.excessRisk)));
    if (!snapshot.eigenvalues.isEmpty()) {
        m_lastEigenvalues = snapshot.eigenvalues;
        if (!snapshot.final)
            refreshSpectrum(snapshot.eigenvalues, nullptr);
    }
    m_riskPlot->setLivePoint(m_panel->problem().nEff(), snapshot.excessRisk);
    if (m_stepping && !snapshot.final) {
        m_stepping = false;
        m_liveRunner->pause();
    }
}

void MainWindow::onRunFinished(const app::RunResult& result)
{
    m_stepping = false;
    m_pauseAction->setChecked(false);
    if (result.status == Status::Invalid) {
        showError(tr("Run %1: %2").arg(toString(result.status), result.message));
        return;
    }
    if (result.status == Status::Cancelled)
        return;
    if (result.status == Status::Diverged) {
        // A diverged run is an outcome, not a failure of the app: it is kept and stored with status "diverged",
        // as the sweep runner and the CLI do (a saved session and the store say that this configuration
        // diverges). The risk curve leaves it out (riskSamples takes converged runs only), and the exploded
        // weights' spectrum is not drawn.
        m_iterationLabel->setText(tr("iteration %1 (%2)").arg(result.iterations).arg(toString(result.status)));
        m_gapLabel->setText(tr("convex gap –"));
        m_lastEigenvalues.clear();
        refreshSpectrum({}, nullptr);
        m_riskPlot->clearLivePoint();  // its exploded risk (~1e10) would squash every other curve on the log axis
        showError(tr("Run %1: %2").arg(toString(result.status), result.message));
        addResult(result, false);  // a store failure, if any, is the message left on screen
        return;
    }
    m_gapLabel->setText(result.convexGap.computed
            ? tr("convex gap %1").arg(formatNumber(result.convexGap.relativeObjectiveGap))
            : tr("convex gap –"));
    m_iterationLabel->setText(tr("iteration %1 (%2)").arg(result.iterations).arg(toString(result.status)));
    refreshSpectrum(result.eigenvalues, &result);
    addResult(result, false);
}

void MainWindow::onSweepPoint(const app::RunResult& result, bool /*fromStore*/)
{
    if (result.status == Status::Invalid || result.status == Status::Diverged)
        statusBar()->showMessage(tr("Sweep point failed: %1").arg(result.message), 5000);
    addResult(result, true);  // the sweep runner stored it
}

void MainWindow::addResult(const app::RunResult& result, bool alreadyStored)
{
    m_results.push_back(result);
    if (!alreadyStored && m_store.isOpen() && m_store.save(result.toJson()) < 0)
        showError(tr("Could not store the result; it stays in memory (export the plots or save the session to keep "
                     "it): %1")
                      .arg(m_store.lastError()));
    refreshRiskSeries();
}

void MainWindow::onOverlay(const app::TheoryOverlay& overlay)
{
    m_overlay = overlay;
    refreshRiskSeries();
    refreshSpectrum(m_lastEigenvalues, nullptr);
}

void MainWindow::refreshSpectrum(const QVector<double>& eigenvalues, const app::RunResult* finalResult)
{
    SpectrumViewData data;
    data.eigenvalues = Eigen::Map<const Eigen::VectorXd>(eigenvalues.data(), eigenvalues.size());
    if (overlayIsCurrent()) {
        data.teacher = m_overlay.teacherSpectrum;
        data.predicted = m_overlay.predictedSpectrum;
        data.predictedWeightAtZero = m_overlay.predictedWeightAtZero;
    }
    const ProblemConfig p = m_panel->problem();
    data.predictedAlpha = 1.0 + 1.0 / p.gamma;  // DIGEST §5.3, inferred
    if (finalResult && finalResult->tailFit.computed) {
        TailFit fit;
        fit.status = Status::Invalid;
        statusFromString(finalResult->tailFit.status.toStdString(), fit.status);
        fit.message = finalResult->tailFit.message.toStdString();
        fit.alpha = finalResult->tailFit.alpha;
        fit.sigma = finalResult->tailFit.sigma;
        fit.xmin = finalResult->tailFit.xmin;
        fit.ks = finalResult->tailFit.ks;
        fit.nTail = finalResult->tailFit.nTail;
        data.tail = fit;
    }
    if (data.eigenvalues.size() >= 3) {
        // Sorting d values: display bookkeeping, not a solve.
        const BulkEdge bulk = detectBulkEdge(data.eigenvalues);
        data.bulk = bulk;
        const TailFit* tail = data.tail ? &*data.tail : nullptr;
        data.spectralPhase = QString::fromLatin1(toString(classifySpectrum(data.eigenvalues, bulk, tail).phase));
    }
    m_spectrumPlot->setData(data);
}

void MainWindow::refreshRiskSeries()
{
    const app::ExperimentConfig current = m_panel->experiment();
    QVector<app::RunResult> family;
    for (const app::RunResult& r : std::as_const(m_results))
        if (sameCurveFamily(r.config, current))
            family.push_back(r);
    const auto points = app::aggregateBySamples(app::riskSamples(family));
    std::map<double, RiskSeries> byLambda;
    for (const app::AggregatePoint& point : points) {
        RiskSeries& s = byLambda[point.weightDecay];
        s.name = tr("λ = %1").arg(point.weightDecay, 0, 'g', 4);
        s.nEff << point.nEff;
        s.mean << point.mean;
        s.standardError << (std::isfinite(point.standardError) ? point.standardError : 0.0);
    }
    // Drop the live series that are no longer in this family, keep the frozen ones.
    for (const RiskSeries& s : QVector<RiskSeries>(m_riskPlot->series()))
        if (!m_keptCurves.contains(s.name))
            m_riskPlot->removeSeries(s.name);
    const PhaseDiagram diagram(m_phasePlot->diagram().config());
    const double fitFrom = m_panel->fitFrom() > 0 ? m_panel->fitFrom() : 0.0;
    const double fitTo = m_panel->fitTo() > 0 ? m_panel->fitTo() : HUGE_VAL;
    QVector<PhaseDiagramView::Measurement> measurements;
    for (auto& [lambda, s] : byLambda) {
        std::vector<double> x(s.nEff.begin(), s.nEff.end()), y(s.mean.begin(), s.mean.end());
        const app::SlopeFit fit = app::fitLogLogSlope(x, y, fitFrom, fitTo);
        if (fit.ok) {
            s.hasFit = true;
            s.slope = fit.slope;
            s.slopeLow = fit.low;
            s.slopeHigh = fit.high;
            double lo = HUGE_VAL, hi = 0;
            for (double v : x) {
                if (v >= fitFrom && v <= fitTo) {
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
            }
            s.fitFrom = lo;
            s.fitTo = hi;
            // The phase and its predicted slope at the window's geometric centre (DIGEST §3.2b).
            const double centre = std::sqrt(lo * hi);
            const PhaseInfo info = diagram.classify(centre, lambda);
            s.phase = QString::fromStdString(
                info.label == "crossover" ? "crossover " + info.neighbourA + "/" + info.neighbourB : info.label);
            s.predictedSlope = diagram.exponentN(info.label == "crossover" ? info.neighbourA : info.label);
            measurements.push_back({centre, lambda, fit.slope});
        }
        if (lambda == current.problem.weightDecay && overlayIsCurrent()) {
            s.theoryNEff = m_overlay.curveNEff;
            s.theoryRisk = m_overlay.curveRisk;
        }
        m_riskPlot->setSeries(s);
    }
    m_phasePlot->setMeasurements(measurements);
    if (byLambda.find(current.problem.weightDecay) == byLambda.end() && overlayIsCurrent()
        && !m_overlay.curveNEff.isEmpty()) {
        RiskSeries theoryOnly;
        theoryOnly.name = tr("λ = %1").arg(current.problem.weightDecay, 0, 'g', 4);
        theoryOnly.theoryNEff = m_overlay.curveNEff;
        theoryOnly.theoryRisk = m_overlay.curveRisk;
        m_riskPlot->setSeries(theoryOnly);
    }
}

void MainWindow::keepCurrentCurves()
{
    for (RiskSeries s : QVector<RiskSeries>(m_riskPlot->series())) {
        if (m_keptCurves.contains(s.name))
            continue;
        const ProblemConfig p = m_panel->problem();
        m_riskPlot->removeSeries(s.name);
        s.name = tr("%1, %2 d=%3").arg(s.name, toString(p.model)).arg(p.dimension);
        m_keptCurves << s.name;
        m_riskPlot->setSeries(s);
    }
    statusBar()->showMessage(tr("%1 curves kept for comparison").arg(m_keptCurves.size()), 3000);
}

void MainWindow::onPhaseClicked(double nEff, double lambda, bool sweep)
{
    app::ExperimentConfig config = m_panel->experiment();
    config.problem.samples = ProblemConfig::samplesForNEff(config.problem.model, config.problem.dimension, nEff);
    config.problem.weightDecay = lambda;
    m_panel->setExperiment(config);
    if (sweep)
        startSweep();
    else
        startLiveRun();
}

void MainWindow::applyPreset(const app::Preset& preset)
{
    m_panel->setExperiment(preset.experiment);
    statusBar()->showMessage(
        tr("Preset: %1. Differs from the paper: %2").arg(preset.name, preset.differsFromPaper), 15000);
    if (preset.experiment.isSweep()) {
        emit experimentLaunched(preset.experiment, true);
        if (!m_sweepRunner->start(preset.experiment))
            showError(tr("Sweep not started: %1").arg(m_sweepRunner->lastError()));
        requestTheory(&preset.experiment);
    } else {
        startLiveRun();
    }
}

PlotView* MainWindow::plotByName(const QString& name) const
{
    if (name == "risk")
        return m_riskPlot;
    if (name == "spectrum")
        return m_spectrumPlot;
    if (name == "phase")
        return m_phasePlot;
    return nullptr;
}

bool MainWindow::exportPlot(const QString& plotName, const QString& path)
{
    PlotView* plot = plotByName(plotName);
    if (!plot) {
        showError(tr("No plot named '%1'").arg(plotName));
        return false;
    }
    QString error;
    ImageFormat image;
    const bool ok
        = imageFormatFromPath(path, image) ? exportImage(*plot, path, &error) : exportData(*plot, path, &error);
    if (!ok) {
        showError(tr("Export failed: %1").arg(error));
        return false;
    }
    statusBar()->showMessage(tr("Exported %1").arg(path), 4000);
    return true;
}

void MainWindow::exportWithDialog(const QString& plotName)
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export %1").arg(plotName), plotName + ".png",
        tr("PNG image (*.png);;PDF document (*.pdf);;SVG image (*.svg);;CSV data (*.csv);;JSON data (*.json)"));
    if (!path.isEmpty())
        exportPlot(plotName, path);
}

bool MainWindow::saveSession(const QString& path)
{
    app::Session session;
    session.parameters = m_panel->experiment();
    session.results = m_results;
    session.spectrumLogView = m_spectrumPlot->logView();
    session.keptCurves = m_keptCurves;
    QString error;
    if (!session.save(path, &error)) {
        showError(tr("Could not save the session: %1").arg(error));
        return false;
    }
    statusBar()->showMessage(tr("Session saved to %1").arg(path), 4000);
    return true;
}

bool MainWindow::openSession(const QString& path)
{
    QString error;
    const auto session = app::Session::load(path, &error);
    if (!session) {
        showError(tr("Could not open the session (nothing was changed): %1").arg(error));
        return false;
    }
    m_liveRunner->cancel();
    m_sweepRunner->cancel();
    const bool live = m_liveAction->isChecked();
    m_liveAction->setChecked(false);  // reopening shows the saved results; it does not start a run
    m_panel->setExperiment(session->parameters);
    m_panel->discardPendingChange();
    m_results = session->results;
    m_keptCurves.clear();
    m_riskPlot->clearSeries();
    m_logSpectrumAction->setChecked(session->spectrumLogView);
    refreshRiskSeries();
    requestTheory();  // the overlays belong to the session's parameters (the discarded change would have asked)
    if (!m_results.isEmpty())
        refreshSpectrum(m_results.back().eigenvalues, &m_results.back());
    m_liveAction->setChecked(live);
    statusBar()->showMessage(tr("Session %1: %2 results").arg(path).arg(m_results.size()), 4000);
    return true;
}

void MainWindow::showError(const QString& message)
{
    m_lastError = message;
    statusBar()->setStyleSheet("QStatusBar { color: #b00020; }");
    statusBar()->showMessage(message, 10000);
    QTimer::singleShot(10000, this, [this] { statusBar()->setStyleSheet({}); });
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Scaling Lab"),
        tr("<h3>Scaling Lab %1</h3>"
           "<p>Explore neural scaling laws and weight spectra of shallow networks in the "
           "feature-learning regime.</p><p>Implements: %2</p>"
           "<p>Labels marked <i>inferred</i> are choices the paper does not state (see the digest's "
           "tags); <i>[S7] defaults</i> are the optimiser settings of the authors' follow-up code.</p>"
           "<p>Licensed under the GNU GPL, version 3 or later.</p>")
            .arg(kVersion, QString(kPaperReference).toHtmlEscaped()));
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    const QByteArray last = settings.value("parameters/last").toByteArray();
    if (!last.isEmpty()) {
        if (const auto config = app::ExperimentConfig::fromJsonText(last)) {
            const bool live = m_liveAction->isChecked();
            m_liveAction->setChecked(false);
            m_panel->setExperiment(*config);
            m_panel->discardPendingChange();  // opening the window does not start a run
            m_liveAction->setChecked(live);
        }
    }
    m_logSpectrumAction->setChecked(settings.value("view/spectrumLog", false).toBool());
}

void MainWindow::saveSettings()
{
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    settings.setValue("parameters/last", QJsonDocument(m_panel->experiment().toJson()).toJson(QJsonDocument::Compact));
    settings.setValue("view/spectrumLog", m_spectrumPlot->logView());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    m_liveRunner->cancel();
    m_sweepRunner->cancel();
    event->accept();
}

}  // namespace sl::ui
