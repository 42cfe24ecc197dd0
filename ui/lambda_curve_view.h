// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/experiment/experiment_config.h"
#include "app/runner/lambda_training.h"
#include "core/common/cancel_token.h"
#include "core/model/problem_config.h"
#include "core/theory/lambda_curve.h"
#include "ui/plot_view.h"

#include <QVector>
#include <QWidget>

#include <functional>
#include <optional>
#include <string>
#include <thread>

class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace sl::ui {

// Excess risk against λ at fixed n_eff on log-log axes (docs/theory/noiseless-and-lambda.md §3): the state-evolution
// curve, trained points over seeds with error bars, λ_opt marked, the Bayes-optimal level (a horizontal line;
// diagonal model) and, over each phase the curve crosses, the predicted λ-exponent (2 − 1/γ in II, 2 in III,
// −2/3 at the peak) as a dashed segment anchored on the curve, labelled with the phase and the SE's fitted slope.
class LambdaCurvePlot : public PlotView {
    Q_OBJECT

public:
    // Trained points per λ (app/runner/lambda_training.h): a λ with runs == 0 (every run failed) is listed in the
    // export but never drawn.
    struct Trained {
        QVector<double> lambda, mean, standardError;
        QVector<int> runs, failed;
        std::optional<app::ExperimentConfig> experiment;  // what was trained: solver, seeds, the λ grid
    };
    // A complete training's points (the caller checks LambdaTraining::complete(): a cancelled one is never drawn).
    static Trained trainedFrom(const app::LambdaTraining& training);

    explicit LambdaCurvePlot(QWidget* parent = nullptr);

    // bayesRisk: NaN (or <= 0) draws no Bayes-optimal line.
    void setCurve(const LambdaCurveResult& curve, const OptimalLambdaResult& optimum, double bayesRisk,
        const Trained& trained = {});
    const LambdaCurveResult& curve() const { return m_curve; }
    const OptimalLambdaResult& optimum() const { return m_optimum; }
    double bayesRisk() const { return m_bayesRisk; }
    const Trained& trained() const { return m_trained; }
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

// The λ plot with Compute, Train points, Cancel and a progress bar. Compute: the SE curve, λ_opt and (diagonal model)
// the Bayes-optimal risk on a worker std::thread, progress per λ point. Train points: the experiment's ERM at every
// λ of a log grid over the curve's range, over seeds (app::trainLambdaPoints, the CLI's `lambda-curve` function, on
// the same worker thread), progress per run; drawn as means with standard-error bars only when every run has ended
// (a cancelled training draws nothing and leaves the SE curve as it was). Cancel ends either through a CancelToken.
class LambdaCurveView : public QWidget {
    Q_OBJECT

public:
    explicit LambdaCurveView(QWidget* parent = nullptr);
    ~LambdaCurveView() override;

    // The λ curve at an experiment's point: its model, d, γ, Δ, teacher and n_eff; λ from 1/d to 10·d, 30 points
    // (12 and K = 8 GOE samples for the quadratic SE).
    static LambdaCurveConfig configFor(const ProblemConfig& problem);

    // The SE curve only (the trained points are kept).
    void setConfig(const LambdaCurveConfig& config) { m_config = config; }
    const LambdaCurveConfig& config() const { return m_config; }
    // The window's entry: the SE curve of configFor(experiment.problem) and the experiment the trained points train
    // (its problem, solver and training settings; its sweep and seeds are replaced). Another experiment than the
    // trained one removes the trained points.
    void setExperiment(const app::ExperimentConfig& experiment);
    // The trained points' grid: `points` λ log-spaced over [from, to] (from or to <= 0: the SE curve's range),
    // `seeds` seeds each (the view's spin boxes, 2–60 points and 1–100 seeds; defaults 12, the CLI's, and the
    // experiment's seed count, the panel's seeds per point).
    void setTrainingGrid(int points, int seeds, double from = 0, double to = 0);
    // What Train points trains now; nullopt without an experiment. Throws sl::ValidationError for an invalid grid.
    std::optional<app::ExperimentConfig> trainingExperiment() const;
    // Runs are saved to this store at once and stored ones served from it, as in the window's sweeps (empty: none).
    void setStorePath(const QString& path) { m_storePath = path; }
    // Asked with the training experiment before it starts (the window: its long-run question); false: not started.
    using TrainConfirmation = std::function<bool(const app::ExperimentConfig&)>;
    void setTrainConfirmation(TrainConfirmation confirm) { m_confirmTrain = std::move(confirm); }

    void start();
    // Starts the training; false when it did not start (busy, no experiment, invalid, declined: the status says).
    bool train();
    void cancel() { m_cancel.cancel(); }
    bool busy() const { return m_busy; }
    LambdaCurvePlot* plot() const { return m_plot; }
    QString statusText() const;

signals:
    void finished(bool ok);
    // ok: complete and every λ has a result.
    void trainingFinished(bool ok);

private:
    struct Outcome {
        LambdaCurveResult curve;
        OptimalLambdaResult optimum;
        double bayesRisk = 0;
        std::string error;
        LambdaCurveConfig config;  // what it was computed for
    };
    void onFinished(const Outcome& outcome);
    void onTrained(const app::LambdaTraining& training, const QString& error);
    // Cancels and joins the last worker, takes a fresh token, shows the job as running; returns its generation.
    int beginJob(int progressTotal, const QString& progressFormat, const QString& status);
    void endJob();

    LambdaCurveConfig m_config;
    std::optional<app::ExperimentConfig> m_base;
    int m_trainPoints = 12;
    int m_trainSeeds = 3;
    double m_trainFrom = 0;
    double m_trainTo = 0;
    QString m_storePath;
    TrainConfirmation m_confirmTrain;
    LambdaCurvePlot* m_plot = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_compute = nullptr;
    QPushButton* m_train = nullptr;
    QSpinBox* m_seedsBox = nullptr;
    QSpinBox* m_pointsBox = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QLabel* m_status = nullptr;
    std::thread m_worker;
    CancelToken m_cancel;
    bool m_busy = false;
    int m_generation = 0;
};

}  // namespace sl::ui
