// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/main_window.h"

#include "app/experiment/run_estimate.h"
#include "app/runner/sweep_runner.h"
#include "core/theory/phase_diagram.h"
#include "scalinglab/version.h"
#include "ui/decomposition_plot.h"
#include "ui/export_dialog.h"
#include "ui/lambda_curve_view.h"
#include "ui/parameter_panel.h"
#include "ui/phase_diagram_view.h"
#include "ui/plot_export.h"
#include "ui/risk_plot.h"
#include "ui/se_slope_map_view.h"
#include "ui/spectrum_plot.h"
#include "ui/weights_view.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QStyleOption>
#include <QTableWidget>
#include <QTextBrowser>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace sl::ui {
namespace {

// A sweep through a point spans one decade of n_eff on each side (log grid).
constexpr double kSweepHalfDecades = 1.0;
constexpr int kSweepPoints = 7;
// Runs estimated to take longer than this show the single-run progress bar (shorter ones would only flash it).
constexpr double kRunProgressSeconds = 3.0;
// The parameter dock takes at most this share of the window's width when the zoom changes (the panel scrolls beyond).
constexpr double kPanelMaxWidthShare = 0.4;
// The plots above the decomposition dock keep at least this much of the window's height, times the zoom (their texts
// grow with it): menu, tool bar and status bar included, at 768 px it leaves the dock 200 px, the decomposition plot's
// whole layout (178 px) and the dock's title bar.
constexpr int kPlotsAboveDecompositionLeast = 568;
// The decomposition plot's layout's least height at 100 % under the plots at 1024×768 (title, legend, axis labels and
// a usable data area).
constexpr int kDecompositionLayoutLeast = 178;
// The first screen (when no parameters were saved): the Figure 3 diagonal λ = 1 preset's problem (d = 100) at this
// n_eff, in phase VIa of the closed-form diagram, whose predicted slope is not 0 (tests/ui/test_window_help.cpp reads
// it), a run of about a second. Opening the window starts nothing (a hint says how to run): a run nobody asked for
// would compete with the theory overlays for the CPU, and reopening the window has always started nothing.
constexpr const char* kFirstScreenPreset = "fig3-diagonal-unit";
constexpr double kFirstScreenNEff = 300;

// `base` at `scale` times its size, in the unit it was given in.
QFont scaledFont(QFont base, double scale)
{
    if (base.pointSizeF() > 0)
        base.setPointSizeF(base.pointSizeF() * scale);
    else if (base.pixelSize() > 0)
        base.setPixelSize(std::max(1, qRound(base.pixelSize() * scale)));
    return base;
}

// A fitting widget's wordings, widest first (by `metrics`).
QStringList widestFirst(QStringList wordings, const QFontMetrics& metrics)
{
    std::stable_sort(wordings.begin(), wordings.end(), [&](const QString& a, const QString& b) {
        return metrics.horizontalAdvance(a) > metrics.horizontalAdvance(b);
    });
    return wordings;
}

// The widest of `wordings` (widest first) that fits `room` pixels, else the narrowest elided to it.
QString widestFitting(const QStringList& wordings, const QFontMetrics& metrics, int room)
{
    for (const QString& wording : wordings) {
        if (metrics.horizontalAdvance(wording) <= room)
            return wording;
    }
    return metrics.elidedText(wordings.last(), Qt::ElideRight, std::max(0, room));
}

// The live run's error terms in the status bar. At 1024×768 the bar gives it ~300 px beside the other labels and the
// whole "overfitting … · underfitting … · approximation …" (~460 px) was cut: the label shows the longest of its
// wordings that fits the width it gets, elides the shortest where none does, and keeps the whole text in its tooltip
// (the decomposition dock shows the same terms with their names).
class FittingLabel : public QLabel {
public:
    explicit FittingLabel(QWidget* parent) : QLabel(parent) { }

    // `wordings`: the label shows the widest that fits (they are ordered by their width here).
    void setWordings(const QStringList& wordings)
    {
        m_wordings = widestFirst(wordings, fontMetrics());
        updateLeastWidth();
        updateGeometry();
        fit();
    }

    // A short field's least width, whatever its text (the bar does not jump as values change), and never less than
    // its shortest wording: a hard minimum, since an explicit one overrides minimumSizeHint in the bar's layout (a
    // fixed 90 px elided "loss 0.0039" at 150 %) and without one a bar narrower than its fields (a window never shown)
    // squeezed them to nothing. A field without it (the decomposition terms, the one long field) is squeezed first
    // and elided where even its shortest wording has no room: a hard minimum of that laid it over the phase field.
    void setLeastWidth(int pixels)
    {
        m_leastWidth = pixels;
        updateLeastWidth();
    }

    // As wide as the longest wording where there is room, as narrow as the shortest where there is not.
    // Without wordings (a field set with setText) a plain label.
    QSize sizeHint() const override { return m_wordings.isEmpty() ? QLabel::sizeHint() : sizeFor(m_wordings.first()); }
    QSize minimumSizeHint() const override
    {
        return m_wordings.isEmpty() ? QLabel::minimumSizeHint() : sizeFor(m_wordings.last());
    }

protected:
    void resizeEvent(QResizeEvent* event) override
    {
        QLabel::resizeEvent(event);
        fit();
    }
    // The zoom scales the status bar's font: the widths change, and with them the order and what fits.
    void changeEvent(QEvent* event) override
    {
        QLabel::changeEvent(event);
        if (event->type() == QEvent::FontChange && !m_wordings.isEmpty()) {
            m_wordings = widestFirst(m_wordings, fontMetrics());
            updateLeastWidth();
            updateGeometry();
            fit();
        }
    }

private:
    QSize sizeFor(const QString& text) const
    {
        const QMargins m = contentsMargins();
        return {fontMetrics().horizontalAdvance(text) + m.left() + m.right() + 2 * margin(),
            fontMetrics().height() + m.top() + m.bottom() + 2 * margin()};
    }

    void updateLeastWidth()
    {
        if (m_leastWidth > 0)
            setMinimumWidth(std::max(m_leastWidth, m_wordings.isEmpty() ? 0 : sizeFor(m_wordings.last()).width()));
    }

    void fit()
    {
        if (m_wordings.isEmpty())
            return;
        const QString shown = widestFitting(m_wordings, fontMetrics(), contentsRect().width() - 2 * margin());
        if (shown != text())
            QLabel::setText(shown);
    }

    QStringList m_wordings;
    int m_leastWidth = 0;
};

// `text` with each decimal number in it ("0.09166", "0.003884") to two significant digits ("0.092", "0.0039"):
// the last wording of a status field, for a bar too narrow for four (1024×768 at 150 %). Integers (iteration
// counts) and numbers already short stay as they are.
QString withTwoDigits(const QString& text)
{
    static const QRegularExpression decimal(QStringLiteral("\\d+\\.\\d+(?:[eE][-+]?\\d+)?"));
    QString out;
    qsizetype from = 0;
    for (auto it = decimal.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += text.mid(from, m.capturedStart() - from) + QString::number(m.captured().toDouble(), 'g', 2);
        from = m.capturedEnd();
    }
    return out + text.mid(from);
}

// The status text of the live run's decomposition in shorter words: the names shortened, then the names' initials
// (and a message's last word: "decomp.: cancelled").
QStringList decompositionWordings(const QString& full)
{
    QString shorter = full;
    shorter.replace(QObject::tr("underfitting"), QObject::tr("under"))
        .replace(QObject::tr("overfitting"), QObject::tr("over"))
        .replace(QObject::tr("approximation"), QObject::tr("approx."))
        .replace(QObject::tr("decomposition"), QObject::tr("decomp."));
    QString initials = full;
    initials.replace(QObject::tr("underfitting"), QObject::tr("U"))
        .replace(QObject::tr("overfitting"), QObject::tr("O"))
        .replace(QObject::tr("approximation"), QObject::tr("A"))
        .replace(QObject::tr("pruned"), QObject::tr("P"))
        .replace(QObject::tr("decomposition"), QObject::tr("decomp."))
        .replace(QObject::tr("not computed, the run was "), QString())  // "decomp.: cancelled"
        .replace(QObject::tr("not computed, the run "), QString());
    QStringList out{full};
    for (const QString& wording : {shorter, initials, withTwoDigits(initials)})
        if (wording != out.last())
            out << wording;
    return out;
}

// A status field's text in shorter words, for FittingLabel: without its parentheses ("iteration 239 (converged)" →
// "iteration 239"), then with the names shortened ("it. 239", "risk 0.012", "gap 3e-07"), and a message's first word
// ("Failed: …" → "Failed"). At 1024×768 the iteration field was cut to "iteration 239 (c".
QStringList statusWordings(const QString& full)
{
    QStringList out{full};
    auto add = [&out](const QString& wording) {
        const QString w = wording.simplified();
        if (!w.isEmpty() && !out.contains(w))
            out << w;
    };
    QString plain = full;
    plain.remove(QRegularExpression(QStringLiteral("\\s*\\([^()]*\\)")));
    add(plain);
    QString shorter = plain;
    shorter.replace(QObject::tr("iteration"), QObject::tr("it."))
        .replace(QObject::tr("excess risk"), QObject::tr("risk"))
        .replace(QObject::tr("convex gap"), QObject::tr("gap"));
    add(shorter);
    add(withTwoDigits(shorter));
    if (full.contains(QLatin1String(": ")))
        add(full.section(QLatin1String(": "), 0, 0));
    return out;
}

// A configuration as Document::run launches it: one seed, no sweep, the certificate on.
app::ExperimentConfig asLiveRun(app::ExperimentConfig config)
{
    config.sweep = app::SweepSpec{};
    config.seedList.clear();
    config.seedCount = 1;
    config.certificate = true;
    return config;
}

}  // namespace

MainWindow::MainWindow(const QString& storePath, QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Scaling Lab"));
    setWindowIcon(QIcon(":/icons/scalinglab.svg"));
    // 1500×950, or the whole screen where that is smaller (a 1024×768 projector).
    const QSize available = screen() ? screen()->availableGeometry().size() : QSize(1500, 950);
    resize(QSize(1500, 950).boundedTo(available));

    m_panel = new ParameterPanel(this);
    m_panelBaseFont = m_panel->font();
    m_dock = new QDockWidget(tr("Parameters"), this);
    m_dock->setObjectName("parameterDock");
    // In a scroll area: at 150 % zoom the panel is taller than a 1024×768 screen and wider than 40 % of it; without
    // one its minimum size pushed the status bar off the screen and left the phase map ~35 px wide.
    auto* panelScroll = new QScrollArea;
    panelScroll->setObjectName("parameterScroll");
    panelScroll->setWidgetResizable(true);
    panelScroll->setFrameShape(QFrame::NoFrame);
    panelScroll->setWidget(m_panel);
    m_dock->setWidget(panelScroll);
    addDockWidget(Qt::LeftDockWidgetArea, m_dock);

    buildPlots();
    buildActions();
    installWeightsSupport(this);  // File → Open weights…, and weight files dropped on the window
    buildStatusBar();

    m_document = new app::Document(this);
    connectDocument();
    buildDecompositionView();
    connect(m_panel, &ParameterPanel::parametersChanged, this, &MainWindow::onParametersChanged);
    connect(m_panel, &ParameterPanel::parametersEdited, this, &MainWindow::onParametersEdited);
    connect(m_panel, &ParameterPanel::fitWindowChanged, this,
        [this] { m_document->setFitWindow(m_panel->fitFrom(), m_panel->fitTo()); });
    connect(m_phasePlot, &PhaseDiagramView::pointActivated, this, &MainWindow::onPhaseClicked);
    connect(m_phasePlot, &PhaseDiagramView::hovered, this,
        [this](const QString& text) { statusBar()->showMessage(text, 4000); });

    const QString path = storePath.isEmpty() ? app::ResultStore::defaultPath() : storePath;
    m_document->openStore(path);
    // Overlays kept between sessions, so a restart does not wait for the state evolution again (next to the
    // store; none without one).
    if (m_document->storeIsOpen())
        m_document->setTheoryCachePath(QFileInfo(path).absoluteDir().filePath("theory-cache.json"));

    const bool restoredParameters = QSettings().contains("parameters/last");
    restoreSettings();
    showFirstScreen(restoredParameters);
    onParametersEdited();
    m_document->setFitWindow(m_panel->fitFrom(), m_panel->fitTo());
    m_document->setFocus(panelExperiment());
    showTransport();
    showStatus();
}

void MainWindow::connectDocument()
{
    app::Document* d = m_document;
    connect(d, &app::Document::transportChanged, this, &MainWindow::showTransport);
    connect(d, &app::Document::statusChanged, this, &MainWindow::showStatus);
    connect(d, &app::Document::livePointChanged, this, [this] {
        const app::LivePoint& p = m_document->livePoint();
        if (p.shown)
            m_riskPlot->setLivePoint(p.nEff, p.risk);
        else
            m_riskPlot->clearLivePoint();
    });
    connect(d, &app::Document::spectrumChanged, this, &MainWindow::showSpectrum);
    connect(d, &app::Document::curveChanged, this, &MainWindow::showCurve);
    connect(d, &app::Document::curveRemoved, m_riskPlot, &RiskPlot::removeSeries);
    connect(d, &app::Document::measurementsChanged, this, &MainWindow::showMeasurements);
    connect(d, &app::Document::message, this, &MainWindow::showMessage);
    connect(d, &app::Document::launched, this, &MainWindow::experimentLaunched);
    connect(d, &app::Document::sweepStarted, this, [this](int total) {
        m_progress->setVisible(true);
        m_progress->setRange(0, total);
        m_progress->setValue(0);
        showTransport();
    });
    connect(d, &app::Document::sweepProgress, this, [this](int done, int total, qint64 etaMs) {
        m_progress->setVisible(true);
        m_progress->setRange(0, total);
        m_progress->setValue(done);
        m_progress->setFormat(etaMs >= 0 ? tr("sweep %v/%m, ETA %1 s").arg(etaMs / 1000) : tr("sweep %v/%m"));
    });
    connect(d, &app::Document::sweepFinished, this, [this] {
        m_progress->setVisible(false);
        showTransport();
    });
    connect(d, &app::Document::launched, this, [this](const app::ExperimentConfig& config, bool sweep) {
        if (!sweep)
            startRunProgress(config);
    });
    connect(d->liveRunner(), &app::LiveRunner::snapshot, this, &MainWindow::updateRunProgress);
    connect(d, &app::Document::transportChanged, this, [this](app::TransportState state) {
        if (!app::isBusy(state) || state == app::TransportState::Cancelling)
            hideRunProgress();
        else if (state == app::TransportState::Paused)
            m_runRateFrom = -1;  // the pause is no part of the rate: measured afresh after it
    });
}

MainWindow::~MainWindow() = default;

void MainWindow::buildDecompositionView()
{
    m_decompositionPlot = new DecompositionPlot(this);
    auto* dock = new QDockWidget(tr("Error decomposition"), this);
    m_decompositionDock = dock;
    dock->setObjectName("decompositionDock");
    dock->setWidget(m_decompositionPlot);
    // Under the plots only: the parameter dock keeps the full height (at 1024×768 it needs all of it).
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    m_decompositionPlot->setMinimumHeight(160);
    dock->hide();  // View → Error decomposition shows it (the window state remembers)

    QMenu* view = nullptr;
    for (QAction* a : menuBar()->actions())
        if (a->menu() && a->text() == tr("&View"))
            view = a->menu();
    if (!view)
        view = menuBar()->addMenu(tr("&View"));
    view->addSeparator();
    // Sweeps decompose while the view is shown (app::Document::setDecomposeSweeps says why not always).
    connect(dock, &QDockWidget::visibilityChanged, m_document, &app::Document::setDecomposeSweeps);
    QAction* toggle = dock->toggleViewAction();
    toggle->setText(tr("Error decomposition"));
    toggle->setObjectName("decompositionAction");
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    view->addAction(toggle);
    connect(toggle, &QAction::triggered, this, [this](bool shown) {
        if (shown)
            placeDecompositionDock();
    });
    // Whenever the dock appears (from the menu, or restored with the window's state), once the layout has settled.
    connect(dock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible)
            QTimer::singleShot(0, this, &MainWindow::shareSpectrumColumn);
    });
    m_showPrunedAction = view->addAction(tr("Show pruned risk"));
    m_showPrunedAction->setObjectName("showPrunedAction");
    m_showPrunedAction->setCheckable(true);
    m_showPrunedAction->setToolTip(tr("The pruned excess risk of each finished point (crosses) and its state-evolution "
                                      "prediction (dotted), docs/theory/decomposition.md §6"));
    connect(m_showPrunedAction, &QAction::toggled, m_riskPlot, &RiskPlot::setPrunedVisible);

    auto* decompositionLabel = new FittingLabel(this);
    m_decompositionLabel = decompositionLabel;
    m_decompositionLabel->setObjectName("decompositionLabel");
    statusBar()->insertPermanentWidget(4, m_decompositionLabel);  // after the gap, before the phase
    auto showLiveTerms = [this, decompositionLabel] {
        const QString full = m_document->status().decomposition;
        decompositionLabel->setWordings(decompositionWordings(full));
        decompositionLabel->setToolTip(
            tr("The finished live run's error terms (docs/theory/decomposition.md §2): %1").arg(full));
    };
    connect(m_document, &app::Document::statusChanged, this, showLiveTerms);
    connect(m_document, &app::Document::decompositionChanged, this, &MainWindow::showDecomposition);
    showLiveTerms();
    showDecomposition();
}

// Under the plots, a third of the window's height (the stacked areas and the legend fit), but never so much that the
// plots above get less than kPlotsAboveDecompositionLeast px times the zoom, down to the decomposition plot's own
// least height (shareSpectrumColumn then shares the column above it). Where the window has no such room (1024×768 at
// 150 %: the plot's layout needs 219 px and got 160, and the risk plot's data shrank to a few pixels), the dock becomes
// a tab beside the parameter panel, which has the window's whole height, and is raised. Placed when the dock is shown
// from the menu and when the zoom or presentation mode changes: only a dock this rule made a tab goes back under the
// plots, so a dock the user placed elsewhere stays there.
void MainWindow::placeDecompositionDock()
{
    QDockWidget* dock = m_decompositionDock;
    if (dock->isHidden())
        return;
    const bool under = dockWidgetArea(dock) == Qt::BottomDockWidgetArea && !dock->isFloating();
    const int titleBar = dock->minimumSizeHint().height() - m_decompositionPlot->minimumHeight();
    // The plot's least height under the plots: its layout's there (its margins at the current scale once it has
    // been laid out), and never less than its 100 % least height times the scale. In the panel's narrower column
    // its legend wraps to more rows, so there only the scaled estimate says whether it would fit under them.
    int least
        = std::max(dock->minimumSizeHint().height(), qRound(kDecompositionLayoutLeast * displayScale()) + titleBar);
    if (under) {
        m_decompositionPlot->replot();
        least = std::max(least, m_decompositionPlot->plotLayout()->minimumOuterSizeHint().height() + titleBar);
    }
    const int room = height() - int(kPlotsAboveDecompositionLeast * displayScale());
    if (room < least) {
        if (under) {
            tabifyDockWidget(m_dock, dock);
            m_decompositionTabbedForRoom = true;
        }
        if (m_decompositionTabbedForRoom)
            dock->raise();
        return;
    }
    if (m_decompositionTabbedForRoom && dockWidgetArea(dock) == Qt::LeftDockWidgetArea && !dock->isFloating()) {
        addDockWidget(Qt::BottomDockWidgetArea, dock);  // out of the panel's tabs
        m_decompositionTabbedForRoom = false;
    }
    if (dockWidgetArea(dock) == Qt::BottomDockWidgetArea && !dock->isFloating())
        resizeDocks({dock}, {std::max(least, std::min(height() / 3, room))}, Qt::Vertical);
}

// The spectrum and the phase map above the decomposition dock each keep their layout's least height (title, labels,
// legend, key) and share the rest of their column equally, after the dock appears (at 1024×768 a third of the window
// for the dock left the spectrum 173 px, shorter than its layout, while the phase map took what the splitter gave it).
void MainWindow::shareSpectrumColumn()
{
    auto* column = qobject_cast<QSplitter*>(m_spectrumPlot->parentWidget());
    if (!column || column->count() != 2 || column->widget(1) != m_phasePlot)
        return;
    if (layout())
        layout()->activate();
    const int total = column->height() - column->handleWidth();
    const int spectrumLeast = m_spectrumPlot->plotLayout()->minimumOuterSizeHint().height();
    const int phaseLeast = m_phasePlot->plotLayout()->minimumOuterSizeHint().height();
    const int rest = std::max(0, total - spectrumLeast - phaseLeast);
    column->setSizes({spectrumLeast + rest / 2, phaseLeast + rest - rest / 2});
}

void MainWindow::showDecomposition()
{
    const app::DecompositionState& d = m_document->decomposition();
    m_decompositionPlot->setSeries(DecompositionSeries::fromState(d));
    m_decompositionPlot->setMessage(d.message);
    m_decompositionPlot->setTitle(
        d.name.isEmpty() ? tr("Where the error comes from") : tr("Where the error comes from, %1").arg(d.name));
}

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

    // Every button is an event of the document's transport state machine (app/document/transport.h).
    connect(m_runAction, &QAction::triggered, this, &MainWindow::startLiveRun);
    connect(m_pauseAction, &QAction::triggered, this, [this](bool paused) {
        if (paused)
            m_document->pause();
        else
            m_document->resume();
        showTransport();  // the button shows the state, not the click
    });
    connect(m_stepAction, &QAction::triggered, this, [this] { m_document->step(m_panel->experiment()); });
    connect(m_resetAction, &QAction::triggered, this, [this] { m_document->reset(); });
    connect(m_cancelAction, &QAction::triggered, this, [this] {
        m_document->cancel();
        m_document->cancelSweep();
    });
    connect(m_sweepAction, &QAction::triggered, this, &MainWindow::startSweep);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    m_logSpectrumAction = view->addAction(tr("Spectrum on log-log axes"));
    m_logSpectrumAction->setCheckable(true);
    m_logSpectrumAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(m_logSpectrumAction, &QAction::toggled, m_spectrumPlot, &SpectrumPlot::setLogView);
    view->addAction(tr("Keep current curves for comparison"), QKeySequence(Qt::CTRL | Qt::Key_K), this,
        [this] { m_document->keepCurrentCurves(); });
    view->addAction(tr("Clear kept curves and results"), this, [this] { m_document->clearResults(); });
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
    view->addAction(tr("Risk against λ (state evolution, trained points)..."), this, [this] {
        auto* window = new LambdaCurveView(this);
        window->setWindowFlag(Qt::Window);
        window->setAttribute(Qt::WA_DeleteOnClose);
        window->setWindowTitle(tr("Risk against λ"));
        window->setExperiment(m_panel->experiment());
        // Trained points: saved like the window's sweeps, and asked about like them when the estimate is long.
        window->setStorePath(m_document->sweepRunner()->storePath());
        window->setTrainConfirmation([this](const app::ExperimentConfig& e) { return confirmLongRun(e, true); });
        window->resize(900, 650);
        window->show();
        window->start();
    });

    buildZoomActions(view);

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

    buildHelpMenu();
}

namespace {

// The live run's progress bar (m_runProgress). Its text, "iteration 1234 of ~5000, ETA ~2 min (estimate)", was cut
// by the bar's width at 1024×768: like FittingLabel it shows the longest of its wordings that fits the width it gets
// (recomputed when it is resized or its font changes), elides the shortest where none does, and keeps the whole
// text in its tooltip.
class FittingProgressBar : public QProgressBar {
public:
    explicit FittingProgressBar(QWidget* parent) : QProgressBar(parent) { }

    // `wordings`, longest first: the first is the whole text (the tooltip).
    void setWordings(const QStringList& wordings)
    {
        const QSize before = sizeHint(), minimumBefore = minimumSizeHint();
        m_wordings = widestFirst(wordings, fontMetrics());
        setToolTip(wordings.value(0));
        if (sizeHint() != before || minimumSizeHint() != minimumBefore)
            updateGeometry();
        fit();
    }

    // The text's room in the bar: the style's label rectangle (the whole bar in Fusion) less a margin each side.
    int textRoom() const
    {
        QStyleOptionProgressBar option;
        initStyleOption(&option);
        const QRect label = style()->subElementRect(QStyle::SE_ProgressBarLabel, &option, this);
        return std::min(label.width(), contentsRect().width()) - 2 * kTextMargin;
    }

    QSize sizeHint() const override
    {
        return m_wordings.isEmpty() ? QProgressBar::sizeHint() : sizeFor(m_wordings.first());
    }
    QSize minimumSizeHint() const override
    {
        return m_wordings.isEmpty() ? QProgressBar::minimumSizeHint() : sizeFor(m_wordings.last());
    }

protected:
    void resizeEvent(QResizeEvent* event) override
    {
        QProgressBar::resizeEvent(event);
        fit();
    }
    void changeEvent(QEvent* event) override
    {
        QProgressBar::changeEvent(event);
        if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) {
            updateGeometry();
            fit();
        }
    }

private:
    static constexpr int kTextMargin = 4;

    // The text's width and the style's room around the label rectangle (in Fusion at 150 % more than the 4 px once
    // assumed here: the bar got its minimum size hint and elided its shortest wording, "ETA ~0…").
    QSize sizeFor(const QString& text) const
    {
        QStyleOptionProgressBar option;
        initStyleOption(&option);
        constexpr int kProbeWidth = 1000;
        option.rect.setWidth(kProbeWidth);
        const int chrome = kProbeWidth - style()->subElementRect(QStyle::SE_ProgressBarLabel, &option, this).width();
        return {fontMetrics().horizontalAdvance(text) + 2 * kTextMargin + std::max(chrome, 4),
            QProgressBar::sizeHint().height()};
    }

    void fit()
    {
        if (m_wordings.isEmpty())
            return;
        const QString shown = widestFitting(m_wordings, fontMetrics(), textRoom());
        if (shown != format())
            setFormat(shown);
    }

    QStringList m_wordings;
};

}  // namespace

void MainWindow::buildStatusBar()
{
    m_statusBaseFont = statusBar()->font();
    auto addLabel = [this](const QString& name, int leastWidth = 90) {
        auto* label = new FittingLabel(this);  // showStatus gives it its wordings
        label->setObjectName(name);
        label->setLeastWidth(leastWidth);
        statusBar()->addPermanentWidget(label);
        return label;
    };
    m_iterationLabel = addLabel("iterationLabel");
    m_lossLabel = addLabel("lossLabel");
    m_riskLabel = addLabel("riskLabel");
    m_gapLabel = addLabel("gapLabel");
    m_phaseLabel = addLabel("phaseLabel");
    m_transportLabel = addLabel("transportLabel", 120);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName("sweepProgress");
    m_progress->setMaximumWidth(260);
    m_progress->setVisible(false);
    statusBar()->addPermanentWidget(m_progress);
    m_runProgress = new FittingProgressBar(this);  // updateRunProgress gives it its wordings
    m_runProgress->setObjectName("runProgress");
    // Room for the whole text where the window has it (~290 px at the default font); narrower, a shorter wording.
    m_runProgress->setMaximumWidth(400);
    m_runProgress->setVisible(false);
    statusBar()->addPermanentWidget(m_runProgress);
    statusBar()->showMessage(tr("Ready"));
}

app::ExperimentConfig MainWindow::panelExperiment() const
{
    return m_panel->experiment();
}

bool MainWindow::startLiveRun()
{
    const app::ExperimentConfig config = m_panel->experiment();
    if (!confirmLongRun(config, false))
        return false;
    return m_document->run(config);
}

bool MainWindow::startSweep()
{
    app::ExperimentConfig config = m_panel->experiment();
    const double centre = config.problem.nEff();
    config.sweep.axis = app::SweepSpec::Axis::EffectiveSamples;
    config.sweep.grid.from = centre * std::pow(10.0, -kSweepHalfDecades);
    config.sweep.grid.to = centre * std::pow(10.0, kSweepHalfDecades);
    config.sweep.grid.points = kSweepPoints;
    config.sweep.grid.log = true;
    if (config.problem.model == ModelKind::Diagonal)
        config.sweep.grid.from = std::max(config.sweep.grid.from, 1.0);
    if (!confirmLongRun(config, true))
        return false;
    return m_document->startSweep(config);
}

void MainWindow::onParametersEdited()
{
    const ProblemConfig p = m_panel->problem();
    const PhaseDiagramConfig& current = m_phasePlot->diagram().config();
    // The measured exponents are the state evolution of the panel's model (the predicted ones are the same for both).
    m_phasePlot->setExponentModel(p.model);
    if (current.d != p.dimension || current.gamma != p.gamma || current.noise != p.noise) {
        const PhaseDiagramConfig config = PhaseDiagramConfig::forProblem(p);
        try {
            m_phasePlot->setDiagram(config);
            showMeasurements();  // setDiagram redraws without them
        } catch (const std::exception& e) {
            showError(QString::fromUtf8(e.what()));
        }
    }
    m_phasePlot->setCurrentPoint(p.nEff(), p.weightDecay);
    if (p.weightDecay > 0 && p.dimension >= 2) {
        // The closed-form hover text of the point the panel shows (the one classification ui/ does itself).
        const QString text = m_phasePlot->describe(p.nEff(), p.weightDecay);
        // One wording: the field is at least as wide as it (a plain text was cut in presentation mode at 1600×1000).
        static_cast<FittingLabel*>(m_phaseLabel)->setWordings({text.section(':', 1, 1).section(',', 0, 0).trimmed()});
        m_phaseLabel->setToolTip(text);
    }
}

void MainWindow::onParametersChanged()
{
    // A slider starts a long run only after the question, as the Run button does.
    if (m_liveAction->isChecked() && confirmLongRun(m_panel->experiment(), false))
        m_document->liveRestart(m_panel->experiment());
    else
        m_document->setFocus(m_panel->experiment());
}

void MainWindow::showTransport()
{
    const app::TransportButtons b = m_document->buttons();
    m_runAction->setEnabled(b.run);
    m_pauseAction->setEnabled(b.pause);
    m_pauseAction->setChecked(b.pauseChecked);
    m_stepAction->setEnabled(b.step);
    m_cancelAction->setEnabled(b.cancel || m_document->sweepIsRunning());
    m_resetAction->setEnabled(b.reset);
}

void MainWindow::showStatus()
{
    const app::LiveStatus& s = m_document->status();
    // The longest wording that fits each field (buildStatusBar made them FittingLabels), the whole text as its tooltip.
    const std::pair<QLabel*, QString> fields[] = {{m_iterationLabel, s.iteration}, {m_lossLabel, s.loss},
        {m_riskLabel, s.risk}, {m_gapLabel, s.gap}, {m_transportLabel, s.transport}};
    for (const auto& [label, text] : fields) {
        static_cast<FittingLabel*>(label)->setWordings(statusWordings(text));
        label->setToolTip(text);
    }
}

void MainWindow::showCurve(const QString& id)
{
    if (const auto curve = m_document->curve(id))
        m_riskPlot->setSeries(*curve);
}

void MainWindow::showSpectrum()
{
    m_spectrumPlot->setData(m_document->spectrum());
}

void MainWindow::showMeasurements()
{
    QVector<PhaseDiagramView::Measurement> dots;
    for (const app::SlopeMeasurement& m : m_document->measurements())
        dots.push_back({m.nEff, m.lambda, m.slope});
    m_phasePlot->setMeasurements(dots);
}

void MainWindow::showMessage(const QString& text, bool error)
{
    if (error)
        showError(text);
    else
        statusBar()->showMessage(text, 5000);
}

void MainWindow::onPhaseClicked(double nEff, double lambda, bool sweep)
{
    app::ExperimentConfig config = m_panel->experiment();
    config.problem.samples = ProblemConfig::samplesForNEff(config.problem.model, config.problem.dimension, nEff);
    config.problem.weightDecay = lambda;
    m_panel->setExperiment(config);
    m_panel->discardPendingChange();  // the click starts the run itself (and asks once when it is long)
    if (sweep)
        startSweep();
    else
        startLiveRun();
}

void MainWindow::applyPreset(const app::Preset& preset)
{
    m_panel->setExperiment(preset.experiment);
    m_panel->discardPendingChange();  // the preset starts what it describes, once
    if (!confirmLongRun(preset.experiment, preset.experiment.isSweep()))
        return;
    if (preset.experiment.isSweep())
        m_document->startSweep(preset.experiment);
    else
        m_document->run(preset.experiment);
    statusBar()->showMessage(
        tr("Preset: %1. Differs from the paper: %2").arg(preset.name, preset.differsFromPaper), 15000);
}

PlotView* MainWindow::plotByName(const QString& name) const
{
    if (name == "risk")
        return m_riskPlot;
    if (name == "spectrum")
        return m_spectrumPlot;
    if (name == "phase")
        return m_phasePlot;
    if (name == "decomposition")
        return m_decompositionPlot;
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
    // The file and, for an image, its scale (as on screen, 100/150/200 %, a pixel size): the window's export had only
    // the on-screen zoom where the CLI's render has --scale. Window-modal (open()), so nothing waits in an exec().
    PlotView* plot = plotByName(plotName);
    if (!plot)
        return;
    const QString folder = QSettings().value("export/folder").toString();
    auto* dialog = new ExportDialog(
        plot, QDir(folder.isEmpty() ? QDir::currentPath() : folder).filePath(plotName + ".png"), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        QString error;
        if (dialog->path().isEmpty() || !dialog->write(&error)) {
            showError(tr("Export failed: %1").arg(error.isEmpty() ? tr("no file name") : error));
            return;
        }
        QSettings().setValue("export/folder", QFileInfo(dialog->path()).absolutePath());
        statusBar()->showMessage(tr("Exported %1").arg(dialog->path()), 4000);
    });
    dialog->open();
}

bool MainWindow::saveSession(const QString& path)
{
    app::Session session = m_document->toSession(m_panel->experiment());
    session.spectrumLogView = m_spectrumPlot->logView();
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
    // Reopening shows the saved screen; it starts nothing.
    m_panel->setExperiment(session->parameters);
    m_panel->discardPendingChange();
    m_logSpectrumAction->setChecked(session->spectrumLogView);
    m_document->restore(*session);
    {
        const QSignalBlocker block(m_panel);
        m_panel->setFitWindow(m_document->fitFrom(), m_document->fitTo());
    }
    onParametersEdited();
    statusBar()->showMessage(tr("Session %1: %2 results").arg(path).arg(m_document->results().size()), 4000);
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
           "<p>Labels marked <i>inferred</i> are choices the paper does not state (the theory document, "
           "docs/theory/, says for each choice whether it is read, inferred or unknown); <i>follow-up code "
           "defaults</i> are the optimiser settings of the authors' follow-up code.</p>"
           "<p>Paper: <a href=\"%3\">arXiv:2509.24882</a>. Help → Getting started explains the views and the "
           "presets.</p>"
           "<p>Licensed under the GNU GPL, version 3 or later.</p>")
            .arg(kVersion, QString(kPaperReference).toHtmlEscaped(), QString::fromLatin1(kPaperUrl)));
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    const QByteArray last = settings.value("parameters/last").toByteArray();
    if (!last.isEmpty()) {
        if (const auto config = app::ExperimentConfig::fromJsonText(last)) {
            m_panel->setExperiment(*config);
            m_panel->discardPendingChange();  // opening the window does not start a run
        }
    }
    m_logSpectrumAction->setChecked(settings.value("view/spectrumLog", false).toBool());
    setZoom(settings.value("view/zoom", 1.0).toDouble());
}

void MainWindow::saveSettings()
{
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    settings.setValue("parameters/last", QJsonDocument(m_panel->experiment().toJson()).toJson(QJsonDocument::Compact));
    settings.setValue("view/spectrumLog", m_spectrumPlot->logView());
    settings.setValue("view/zoom", m_zoom);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    setPresentationMode(false);  // the saved layout is the normal one
    saveSettings();
    m_document->saveTheoryCache();
    m_document->cancel();
    m_document->cancelSweep();
    event->accept();
}

// --- zoom and presentation (issue 16, item 7) --------------------------------------------------------------------

const QVector<double>& MainWindow::zoomLevels()
{
    static const QVector<double> levels = {0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0};
    return levels;
}

void MainWindow::buildZoomActions(QMenu* view)
{
    view->addSeparator();
    QAction* zoomIn = view->addAction(tr("Zoom in"), this, &MainWindow::zoomIn);
    zoomIn->setObjectName("zoomInAction");
    zoomIn->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    QAction* zoomOut = view->addAction(tr("Zoom out"), this, &MainWindow::zoomOut);
    zoomOut->setObjectName("zoomOutAction");
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    QAction* reset = view->addAction(tr("Reset zoom"), this, &MainWindow::resetZoom);
    reset->setObjectName("resetZoomAction");
    reset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    m_presentationAction = view->addAction(tr("Presentation mode"));
    m_presentationAction->setObjectName("presentationAction");
    m_presentationAction->setCheckable(true);
    m_presentationAction->setShortcut(Qt::Key_F11);
    m_presentationAction->setToolTip(tr("Full screen, larger fonts and thicker lines, the parameter panel hidden"));
    connect(m_presentationAction, &QAction::toggled, this, &MainWindow::setPresentationMode);
    for (QAction* a : {zoomIn, zoomOut, reset, m_presentationAction})
        addAction(a);  // the shortcuts also work while the menu bar is hidden (full screen)
    view->addSeparator();
    // The dock's own toggle: checked while the panel is shown, whoever closed it.
    QAction* parameters = m_dock->toggleViewAction();
    parameters->setText(tr("Parameters"));
    parameters->setObjectName("parametersAction");
    parameters->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    view->addAction(parameters);
    addAction(parameters);
}

void MainWindow::setZoom(double zoom)
{
    const QVector<double>& levels = zoomLevels();
    if (!(zoom > 0) || !std::isfinite(zoom))
        zoom = 1.0;
    m_zoom = std::clamp(zoom, levels.front(), levels.back());
    applyDisplayScale();
}

void MainWindow::zoomIn()
{
    for (double level : zoomLevels())
        if (level > m_zoom + 1e-9) {
            setZoom(level);
            break;
        }
    statusBar()->showMessage(tr("Zoom %1 %").arg(qRound(m_zoom * 100)), 2000);
}

void MainWindow::zoomOut()
{
    const QVector<double>& levels = zoomLevels();
    for (auto it = levels.rbegin(); it != levels.rend(); ++it)
        if (*it < m_zoom - 1e-9) {
            setZoom(*it);
            break;
        }
    statusBar()->showMessage(tr("Zoom %1 %").arg(qRound(m_zoom * 100)), 2000);
}

double MainWindow::displayScale() const
{
    return m_zoom * (m_presentation ? kPresentationScale : 1.0);
}

void MainWindow::applyDisplayScale()
{
    const double scale = displayScale();
    for (PlotView* plot : findChildren<PlotView*>())
        plot->setDisplayScale(scale);
    m_panel->setFont(scaledFont(m_panelBaseFont, scale));
    // The panel's width at this font, up to kPanelMaxWidthShare of the window (beyond it the panel scrolls).
    if (auto* scroll = qobject_cast<QScrollArea*>(m_dock->widget())) {
        const int wanted = m_panel->sizeHint().width() + scroll->verticalScrollBar()->sizeHint().width();
        resizeDocks({m_dock}, {std::min(wanted, int(width() * kPanelMaxWidthShare))}, Qt::Horizontal);
    }
    // The status bar's fields and messages too: at 150 % they were the one text in the window left at 9 px. Its
    // fields fit their wordings again at the new font (FittingLabel, FittingProgressBar).
    statusBar()->setFont(scaledFont(m_statusBaseFont, scale));
    // Once the docks and plots have been laid out at the new scale (the decomposition plot's least height is its
    // layout's, whose margins QCustomPlot computes when it lays out).
    if (m_decompositionDock && !m_decompositionDock->isHidden())
        QTimer::singleShot(0, this, &MainWindow::placeDecompositionDock);
}

void MainWindow::setPresentationMode(bool on)
{
    if (on == m_presentation)
        return;
    m_presentation = on;
    if (on) {
        m_dockVisibleBeforePresentation = m_dock->isVisible() || !isVisible();
        m_stateBeforePresentation = windowState();
        m_dock->hide();
        setWindowState(windowState() | Qt::WindowFullScreen);
        statusBar()->showMessage(tr("Presentation mode: F11 or View → Presentation mode leaves it"), 5000);
    } else {
        m_dock->setVisible(m_dockVisibleBeforePresentation);
        setWindowState(m_stateBeforePresentation);
    }
    if (m_presentationAction && m_presentationAction->isChecked() != on) {
        const QSignalBlocker block(m_presentationAction);
        m_presentationAction->setChecked(on);
    }
    applyDisplayScale();
}

// --- help (issue 16, item 8) ------------------------------------------------------------------------------------

void MainWindow::buildHelpMenu()
{
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName("helpMenu");
    QAction* start = help->addAction(tr("&Getting started"), this, &MainWindow::showGettingStarted);
    start->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::showShortcuts);
    help->addAction(tr("The &paper (arXiv:2509.24882)"), this,
        [] { QDesktopServices::openUrl(QUrl(QString::fromLatin1(kPaperUrl))); });
    help->addSeparator();
    help->addAction(tr("&About Scaling Lab"), this, &MainWindow::showAbout);
}

QDialog* MainWindow::showShortcuts()
{
    // Every action of the window with a shortcut, as the actions say it (text and key sequences).
    QVector<QPair<QString, QString>> rows;
    QSet<QAction*> seen;
    for (QAction* action : findChildren<QAction*>()) {
        if (action->shortcuts().isEmpty() || seen.contains(action))
            continue;
        seen.insert(action);
        QStringList keys;
        for (const QKeySequence& key : action->shortcuts())
            keys << key.toString(QKeySequence::NativeText);
        rows.push_back({action->text().remove('&'), keys.join(tr(" or "))});
    }
    std::sort(rows.begin(), rows.end());
    auto* dialog = new QDialog(this);
    dialog->setObjectName("shortcutsDialog");
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Keyboard shortcuts"));
    auto* table = new QTableWidget(int(rows.size()), 2, dialog);
    table->setObjectName("shortcutsTable");
    table->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    for (int r = 0; r < rows.size(); ++r) {
        table->setItem(r, 0, new QTableWidgetItem(rows[r].first));
        table->setItem(r, 1, new QTableWidgetItem(rows[r].second));
    }
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(table);
    layout->addWidget(buttons);
    dialog->resize(520, 560);
    dialog->show();
    return dialog;
}

QDialog* MainWindow::showGettingStarted()
{
    QStringList presetItems;
    for (const app::Preset& preset : m_presets.presets())
        presetItems << QStringLiteral("<li>%1</li>").arg(preset.name.toHtmlEscaped());
    const QString html = tr(
        "<h2>Getting started</h2>"
        "<p>Scaling Lab trains shallow networks with weight decay and compares them with the theory of "
        "<a href=\"%1\">arXiv:2509.24882</a>.</p>"
        "<h3>The views</h3><ul>"
        "<li><b>Risk plot</b> (left): the excess risk against the effective sample size n_eff, measured points with "
        "error bars over seeds, the state-evolution curve and the predicted slope of the point's phase.</li>"
        "<li><b>Spectrum</b> (top right): the eigenvalues of the trained weights against the state-evolution "
        "spectrum, with the power-law tail fit. Ctrl+L switches to log-log axes.</li>"
        "<li><b>Phase diagram</b> (bottom right): the predicted slope of R against n_eff over (n_eff, λ). Click a "
        "point to train there; Shift+click sweeps n_eff through it.</li>"
        "<li><b>Parameters</b> (left panel, View → Parameters): model, d, p, n_eff, λ, γ, Δ, teacher, seed, "
        "solver. The status bar shows the iteration, loss, risk, convex gap and the point's phase.</li>"
        "<li><b>Error decomposition</b> (View → Error decomposition, Ctrl+D): the risk split into overfitting, "
        "underfitting and approximation along the curve. It opens under the plots, or, where the window is too "
        "short for it (1024×768 at 150 %), as a tab beside the parameter panel.</li></ul>"
        "<h3>Reproducing the paper's figures</h3>"
        "<p>Each entry of the Presets menu sets up one panel of a figure at sizes that run in seconds to minutes "
        "and starts it; its tooltip and the status bar say how it differs from the paper. Figure 2 and 4 presets "
        "show spectra in one phase; Figure 3 and 5 presets sweep n_eff for a risk curve (λ = 1/d, 1, √d). "
        "View → Keep current curves freezes curves for comparison. The presets:</p><ul>%2</ul>"
        "<h3>What starts and restarts a run</h3><ul>"
        "<li>Run (F5) trains the panel's point; Sweep (F9) sweeps n_eff over two decades through it with every "
        "seed.</li>"
        "<li>With Run → Restart on every change checked, changing any problem or solver parameter restarts the "
        "live run once you stop dragging (the seed count does not: it only matters for sweeps).</li>"
        "<li>A click in the phase diagram and a preset start runs too. A run estimated to take longer than "
        "%3 s asks first, with its estimated memory and time.</li>"
        "<li>Pause (F6), Step (F7), Cancel (Esc) and Reset (Ctrl+R) control the live run.</li></ul>"
        "<h3>Seeing it</h3><p>View → Zoom in/out (Ctrl++, Ctrl+−, Ctrl+0) scales every font and line; "
        "Presentation mode (F11) is full screen with large fonts and no panel. Help → Keyboard shortcuts lists "
        "every shortcut. The theory behind each view is in the repository's docs/theory/ folder.</p>")
                             .arg(QString::fromLatin1(kPaperUrl), presetItems.join(QString()))
                             .arg(app::kLongRunSeconds);
    auto* dialog = new QDialog(this);
    dialog->setObjectName("gettingStartedDialog");
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Getting started"));
    auto* browser = new QTextBrowser(dialog);
    browser->setObjectName("gettingStartedText");
    browser->setOpenExternalLinks(true);
    browser->setHtml(html);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(browser);
    layout->addWidget(buttons);
    dialog->resize(640, 640);
    dialog->show();
    return dialog;
}

// --- first screen (issue 16, item 9) ----------------------------------------------------------------------------

void MainWindow::showFirstScreen(bool restoredParameters)
{
    if (!restoredParameters) {
        if (const app::Preset* preset = m_presets.find(QString::fromLatin1(kFirstScreenPreset))) {
            app::ExperimentConfig config = preset->experiment;
            config.sweep = app::SweepSpec{};
            config.problem.samples
                = ProblemConfig::samplesForNEff(config.problem.model, config.problem.dimension, kFirstScreenNEff);
            m_panel->setExperiment(config);
            m_panel->discardPendingChange();  // opening the window does not start a run
        }
    }
    if (!m_lastError.isEmpty())
        return;  // an error (e.g. the store) is the message to read first
    statusBar()->showMessage(tr("Press F5 (Run) to train this point, click the phase diagram to choose another, "
                                "or pick a figure from the Presets menu"),
        30000);
}

// --- long runs (issue 16, item 11) ------------------------------------------------------------------------------

bool MainWindow::confirmLongRun(const app::ExperimentConfig& requested, bool sweep)
{
    const app::ExperimentConfig config = sweep ? requested : asLiveRun(requested);
    const app::RunEstimate estimate = app::estimateRun(config);
    if (!(estimate.seconds > app::kLongRunSeconds))
        return true;
    const QString text
        = tr("This %1 needs %2.").arg(sweep ? tr("sweep") : tr("run"), QString::fromStdString(estimate.text()));
    m_lastLongRunQuestion = text;
    bool run = false;
    if (m_confirmRun) {
        run = m_confirmRun(text);
    } else {
        QMessageBox box(
            QMessageBox::Question, tr("Long run"), text + "\n\n" + tr("Start it?"), QMessageBox::NoButton, this);
        QPushButton* runButton = box.addButton(tr("Run"), QMessageBox::AcceptRole);
        box.addButton(QMessageBox::Cancel);
        box.setDefaultButton(QMessageBox::Cancel);
        box.exec();
        run = box.clickedButton() == runButton;
    }
    if (!run) {
        statusBar()->showMessage(tr("Not started (%1)").arg(QString::fromStdString(estimate.text())), 10000);
    }
    return run;
}

void MainWindow::startRunProgress(const app::ExperimentConfig& config)
{
    // The estimate of the run as launched (whatever started it), for this generation's snapshots only.
    const app::RunEstimate estimate = app::estimateRun(config);
    m_runExpectedIterations = estimate.seconds < kRunProgressSeconds ? 0 : estimate.iterations;
    m_runGeneration = m_document->liveGeneration();
    hideRunProgress();
}

void MainWindow::hideRunProgress()
{
    m_runProgress->setVisible(false);
    m_runRateFrom = -1;
    m_runClock.invalidate();
}

namespace {

QString etaText(double seconds)
{
    if (seconds < 9.95)
        return QObject::tr("%1 s").arg(seconds, 0, 'f', 1);
    if (seconds < 90)
        return QObject::tr("%1 s").arg(qRound(seconds));
    if (seconds < 5400)
        return QObject::tr("%1 min").arg(qRound(seconds / 60));
    return QObject::tr("%1 h").arg(seconds / 3600, 0, 'f', 1);
}

}  // namespace

void MainWindow::updateRunProgress(const app::LiveSnapshot& s)
{
    // The document's rule: a superseded or cancelling run's snapshots are not news (a late one re-showed the bar).
    const app::TransportState state = m_document->transportState();
    if (s.generation != m_runGeneration || !app::isBusy(state) || state == app::TransportState::Cancelling)
        return;
    if (s.final || m_runExpectedIterations <= 0) {
        hideRunProgress();
        return;
    }
    // The rate is measured from the first snapshot seen: the clock started at the run's first snapshot (iteration
    // k, not 0) and divided by every iteration since 0 put the ETA too low by k/iteration, and at that first
    // snapshot (no time elapsed) it read "past the estimate".
    if (m_runRateFrom < 0 || s.iteration < m_runRateFrom || !m_runClock.isValid()) {
        m_runRateFrom = s.iteration;
        m_runClock.start();
    }
    const int expected = int(std::ceil(m_runExpectedIterations));
    m_runProgress->setVisible(true);
    m_runProgress->setRange(0, expected);
    m_runProgress->setValue(std::clamp(s.iteration, 0, expected));
    const int measured = s.iteration - m_runRateFrom;
    const double elapsed = double(m_runClock.nsecsElapsed()) * 1e-9;
    // The whole text, then shorter ones for a narrow bar (FittingProgressBar shows the longest that fits).
    QStringList wordings;
    if (s.iteration >= expected) {
        wordings << tr("iteration %1, past the estimate (%2)").arg(s.iteration).arg(expected)
                 << tr("%1, past the estimate").arg(s.iteration) << tr("past the estimate");
    } else if (measured > 0 && elapsed > 0) {
        const QString eta = etaText(elapsed / measured * (expected - s.iteration));
        wordings << tr("iteration %1 of ~%2, ETA ~%3 (estimate)").arg(s.iteration).arg(expected).arg(eta)
                 << tr("%1/~%2, ETA ~%3").arg(s.iteration).arg(expected).arg(eta) << tr("ETA ~%1").arg(eta);
    } else {
        wordings << tr("iteration %1 of ~%2, measuring the ETA").arg(s.iteration).arg(expected)
                 << tr("%1/~%2, measuring the ETA").arg(s.iteration).arg(expected)
                 << tr("%1/~%2").arg(s.iteration).arg(expected);
    }
    static_cast<FittingProgressBar*>(m_runProgress)->setWordings(wordings);
}

}  // namespace sl::ui
