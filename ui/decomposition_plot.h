// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/document/document_types.h"
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
    // The curve's configuration (the n grid is nEff) and the seeds averaged; every exported row carries them.
    bool hasConfig = false;
    app::ExperimentConfig config;
    QVector<qulonglong> seeds;

    // From the JSON of `scalinglab-cli curve --decompose --prune` (its "points" and "config"); missing numbers are
    // NaN.
    static DecompositionSeries fromCurveJson(const QJsonObject& curve);
    // The document's decomposition of the current curve, as it is.
    static DecompositionSeries fromState(const app::DecompositionState& state);
};

// The window shows it in a dock (View → Error decomposition), fed with the document's DecompositionState.
class DecompositionPlot : public PlotView {
    Q_OBJECT

public:
    explicit DecompositionPlot(QWidget* parent = nullptr);

    void setSeries(const DecompositionSeries& series);
    const DecompositionSeries& series() const { return m_series; }
    void setPrunedVisible(bool visible);
    bool prunedVisible() const { return m_prunedVisible; }
    // A note drawn in the middle of the plot (why there are no numbers), word-wrapped; empty: none.
    void setMessage(const QString& message);
    QString message() const { return m_message; }
    QCPItemText* messageItem() const { return m_messageItem; }

    QString dataCsv() const override;
    QJsonObject dataJson() const override;

private:
    void rebuild();

    DecompositionSeries m_series;
    bool m_prunedVisible = true;
    QString m_message;
    QCPItemText* m_messageItem = nullptr;
};

}  // namespace sl::ui
