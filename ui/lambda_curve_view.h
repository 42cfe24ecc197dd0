// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/model/problem_config.h"
#include "core/theory/lambda_curve.h"
#include "ui/plot_view.h"

#include <QVector>
#include <QWidget>

#include <optional>
#include <string>
#include <thread>

class QLabel;
class QProgressBar;
class QPushButton;

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
    // What the curve was computed for (model, d, γ, Δ, teacher, n_eff, the λ grid): every exported row carries it.
    void setParameters(const LambdaCurveConfig& config) { m_parameters = config; }
    const std::optional<LambdaCurveConfig>& parameters() const { return m_parameters; }

    QString dataCsv() const override;
    QJsonObject dataJson() const override;

private:
    LambdaCurveResult m_curve;
    OptimalLambdaResult m_optimum;
    double m_bayesRisk = 0;
    Trained m_trained;
    std::optional<LambdaCurveConfig> m_parameters;
};

// The λ plot with Compute/Cancel and a progress bar: the SE curve, λ_opt and (diagonal model) the Bayes-optimal
// risk are computed on a worker std::thread, progress per λ point, cancel through a CancelToken.
class LambdaCurveView : public QWidget {
    Q_OBJECT

public:
    explicit LambdaCurveView(QWidget* parent = nullptr);
    ~LambdaCurveView() override;

    // The λ curve at an experiment's point: its model, d, γ, Δ, teacher and n_eff; λ from 1/d to 10·d, 30 points
    // (12 and K = 8 GOE samples for the quadratic SE).
    static LambdaCurveConfig configFor(const ProblemConfig& problem);

    void setConfig(const LambdaCurveConfig& config) { m_config = config; }
    const LambdaCurveConfig& config() const { return m_config; }
    void start();
    void cancel() { m_cancel.cancel(); }
    bool busy() const { return m_busy; }
    LambdaCurvePlot* plot() const { return m_plot; }

signals:
    void finished(bool ok);

private:
    struct Outcome {
        LambdaCurveResult curve;
        OptimalLambdaResult optimum;
        double bayesRisk = 0;
        std::string error;
        LambdaCurveConfig config;  // what it was computed for
    };
    void onFinished(const Outcome& outcome);

    LambdaCurveConfig m_config;
    LambdaCurvePlot* m_plot = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_compute = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QLabel* m_status = nullptr;
    std::thread m_worker;
    CancelToken m_cancel;
    bool m_busy = false;
    int m_generation = 0;
};

}  // namespace sl::ui
