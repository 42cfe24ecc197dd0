// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/model/problem_config.h"
#include "core/theory/noiseless_diagram.h"
#include "ui/plot_view.h"

#include <QWidget>

#include <thread>

class QLabel;
class QProgressBar;
class QPushButton;

namespace sl::ui {

// The colour map of the state-evolution slope d log R / d log n_eff over (n_eff, λ) (the Δ = 0 diagram of
// Result 4 built from the SE, docs/theory/noiseless-and-lambda.md §1), with the inferred closed-form regions as
// labelled overlays and the lines L1, L2, L3. Axes are log10 of the natural units.
class SeSlopeMapPlot : public PlotView {
    Q_OBJECT

public:
    explicit SeSlopeMapPlot(QWidget* parent = nullptr);

    void setResult(const NoiselessDiagramConfig& config, const NoiselessDiagramResult& result);
    const NoiselessDiagramResult& result() const { return m_result; }
    QCPColorMap* colorMap() const { return m_map; }

    QString dataCsv() const override;
    QJsonObject dataJson() const override;

    static constexpr double kSlopeMin = -3.0, kSlopeMax = 0.0;

private:
    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    NoiselessDiagramConfig m_config;
    NoiselessDiagramResult m_result;
};

// The map with a Compute/Cancel button and a progress bar: the diagram is computed off the GUI thread
// (computeNoiselessDiagram on a worker std::thread, progress per λ column, cancel through a CancelToken).
class SeSlopeMapView : public QWidget {
    Q_OBJECT

public:
    explicit SeSlopeMapView(QWidget* parent = nullptr);
    ~SeSlopeMapView() override;

    // The Δ = 0 diagram for an experiment's model, d, γ and teacher: n_eff from 1 to 10·d^(2γ) (at most 10⁸),
    // λ from 1/d to 10·d; 25 × 25 points (16 × 16 and K = 8 GOE samples for the costlier quadratic SE).
    static NoiselessDiagramConfig configFor(const ProblemConfig& problem);

    void setConfig(const NoiselessDiagramConfig& config) { m_config = config; }
    const NoiselessDiagramConfig& config() const { return m_config; }
    // Starts a computation (cancelling and joining one in progress); returns at once.
    void start();
    void cancel();
    bool busy() const { return m_busy; }
    SeSlopeMapPlot* plot() const { return m_plot; }
    QProgressBar* progressBar() const { return m_progress; }

signals:
    void progressed(int columnsDone, int columns);
    // ok: a complete map was drawn; false: cancelled (nothing drawn) or failed (status text says why).
    void finished(bool ok);

private:
    void join();
    void onFinished(const NoiselessDiagramConfig& config, const NoiselessDiagramResult& result);

    NoiselessDiagramConfig m_config;
    SeSlopeMapPlot* m_plot = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_compute = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QLabel* m_status = nullptr;
    std::thread m_worker;
    CancelToken m_cancel;
    bool m_busy = false;
    int m_generation = 0;  // results of an abandoned run are ignored
};

}  // namespace sl::ui
