// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/document/document_types.h"
#include "core/spectrum/spectrum.h"
#include "core/spectrum/tail_fit.h"
#include "core/spectrum/trained_spectrum.h"
#include "ui/plot_view.h"

#include <Eigen/Dense>
#include <optional>

namespace sl::ui {

// Everything the spectrum plot shows: the document's spectrum state (values, not pointers).
using SpectrumViewData = app::SpectrumState;

// The live eigenvalue density of the trained weights (linear bins, or log bins on log-log axes), with the
// teacher's and the predicted spectra overlaid, the fitted power-law tail, the xmin marker and the bulk edge.
class SpectrumPlot : public PlotView {
    Q_OBJECT

public:
    static constexpr int kBins = 40;

    explicit SpectrumPlot(QWidget* parent = nullptr);

    void setData(const SpectrumViewData& data);
    const SpectrumViewData& data() const { return m_data; }
    void setLogView(bool logView);
    bool logView() const { return m_logView; }

    // The finished run's pruning threshold (docs/theory/decomposition.md §6) as drawn: its vertical line and label
    // (null when the run was not decomposed or there is nothing to prune).
    QCPItemStraightLine* pruningLine() const { return m_pruningLine; }
    QCPItemText* pruningLabel() const { return m_pruningLabel; }
    // The point mass at 0 (the numerical zeros of docs/theory/spectra.md §8): its weight F, and the label that shows
    // it (null when there are no zeros). The trained histogram (null before a run) covers the other values only.
    double pointMassWeight() const;
    int pointMassCount() const { return m_zeros.nZero; }
    double zeroThreshold() const { return m_zeros.threshold; }
    QCPItemText* pointMassLabel() const { return m_pointMassLabel; }
    QCPGraph* trainedGraph() const { return m_trainedGraph; }

    QString dataCsv() const override;
    QJsonObject dataJson() const override;

private:
    void rebuild();
    std::vector<double> currentEdges() const;
    QCPGraph* addDensity(const Eigen::VectorXd& samples, const std::vector<double>& edges, const QString& name,
        const QPen& pen, const QBrush& brush, double weight = 1.0);
    void drawPointMass(double barHeight);
    void addVertical(double x, const QString& label, const QPen& pen);
    void addPruningThreshold();

    SpectrumViewData m_data;
    bool m_logView = false;
    QCPItemStraightLine* m_pruningLine = nullptr;
    QCPItemText* m_pruningLabel = nullptr;
    sl::ZeroSplit m_zeros;
    QCPGraph* m_trainedGraph = nullptr;
    QCPItemText* m_pointMassLabel = nullptr;
};

}  // namespace sl::ui
