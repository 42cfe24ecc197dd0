// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/plot_view.h"

#include <QJsonObject>
#include <QVector>

namespace sl::ui {

// The error decomposition along one curve (docs/theory/decomposition.md): the three terms against n_eff, the
// state evolution's prediction as stacked areas (underfitting, + approximation, + overfitting = its risk), the
// measured seed means as points on the same cumulative levels, and the pruned risk (predicted line, measured
// points). Values may be NaN where a point has no runs.
struct DecompositionSeries {
    QVector<double> nEff;
    QVector<double> overfitting, underfitting, approximation;  // measured seed means
    QVector<double> predictedOverfitting, predictedUnderfitting, predictedApproximation;
    QVector<double> pruned, predictedPruned;

    // From the JSON of `scalinglab-cli curve --decompose --prune` (its "points"); missing numbers are NaN.
    static DecompositionSeries fromCurveJson(const QJsonObject& curve);
};

// Not wired into the main window yet (it is being rebuilt around a document model): a self-contained view.
class DecompositionPlot : public PlotView {
    Q_OBJECT

public:
    explicit DecompositionPlot(QWidget* parent = nullptr);

    void setSeries(const DecompositionSeries& series);
    const DecompositionSeries& series() const { return m_series; }
    void setPrunedVisible(bool visible);
    bool prunedVisible() const { return m_prunedVisible; }

    QString dataCsv() const override;
    QJsonObject dataJson() const override;

private:
    void rebuild();

    DecompositionSeries m_series;
    bool m_prunedVisible = true;
};

}  // namespace sl::ui
