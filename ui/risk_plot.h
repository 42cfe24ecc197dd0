// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/plot_view.h"

#include <QVector>

namespace sl::ui {

// One curve of the risk plot: measured points with error bars over seeds, the fitted slope, and the theory
// (state-evolution curve and the phase's predicted slope) for the same set-up.
struct RiskSeries {
    QString name;  // e.g. "λ = 1"
    QVector<double> nEff, mean, standardError;
    bool hasFit = false;
    double slope = 0, slopeLow = 0, slopeHigh = 0;
    double fitFrom = 0, fitTo = 0;  // the n_eff range the fit used
    QVector<double> theoryNEff, theoryRisk;  // state evolution
    double predictedSlope = 0;
    QString phase;  // phase label at the fit window's centre
    // The Bayes-optimal reference (docs/theory/noiseless-and-lambda.md §4): its state evolution (diagonal model)
    // or, with bayesRateOnly, the rate of Corollary 1 without constant (quadratic model). Empty: not drawn.
    QVector<double> bayesNEff, bayesRisk;
    bool bayesRateOnly = false;
};

// Excess risk against n_eff on log-log axes. Several series can be kept for comparison; each gets its own colour.
class RiskPlot : public PlotView {
    Q_OBJECT

public:
    explicit RiskPlot(QWidget* parent = nullptr);

    // Adds a series, or replaces the one with the same name.
    void setSeries(const RiskSeries& series);
    void removeSeries(const QString& name);
    void clearSeries();
    const QVector<RiskSeries>& series() const { return m_series; }
    // The live run's current risk, drawn as a single highlighted point.
    void setLivePoint(double nEff, double risk);
    void clearLivePoint();
    bool hasLivePoint() const { return m_live && !m_live->data()->isEmpty(); }

    QString dataCsv() const override;
    QJsonObject dataJson() const override;

private:
    void rebuild();

    QVector<RiskSeries> m_series;
    QCPGraph* m_live = nullptr;
    double m_liveNEff = 0, m_liveRisk = 0;
};

}  // namespace sl::ui
