// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/theory/lambda_curve.h"
#include "ui/plot_view.h"

#include <QVector>

namespace sl::ui {

// Excess risk against λ at fixed n_eff on log-log axes (docs/theory/noiseless-and-lambda.md §3): the state-evolution
// curve, trained points over seeds with error bars, λ_opt marked, the Bayes-optimal level (a horizontal line;
// diagonal model) and, over each phase the curve crosses, the predicted λ-exponent (2 − 1/γ in II, 2 in III,
// −2/3 at the peak) as a dashed segment anchored on the curve, labelled with the phase and the SE's fitted slope.
class LambdaCurvePlot : public PlotView {
    Q_OBJECT

public:
    struct Trained {
        QVector<double> lambda, mean, standardError;
    };

    explicit LambdaCurvePlot(QWidget* parent = nullptr);

    // bayesRisk: NaN (or <= 0) draws no Bayes-optimal line.
    void setCurve(const LambdaCurveResult& curve, const OptimalLambdaResult& optimum, double bayesRisk,
        const Trained& trained = {});
    const LambdaCurveResult& curve() const { return m_curve; }
    const OptimalLambdaResult& optimum() const { return m_optimum; }
    double bayesRisk() const { return m_bayesRisk; }

    QString dataCsv() const override;
    QJsonObject dataJson() const override;

private:
    LambdaCurveResult m_curve;
    OptimalLambdaResult m_optimum;
    double m_bayesRisk = 0;
    Trained m_trained;
};

}  // namespace sl::ui
