// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/lambda_curve_view.h"

#include "ui/plot_export.h"
#include "ui/plot_style.h"

#include "app/analysis/curve_aggregate.h"
#include "app/experiment/solver_table.h"
#include "core/common/validation.h"
#include "core/theory/bayes_optimal.h"

#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>
#include <exception>

namespace sl::ui {
namespace {

QJsonValue number(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue();
}

}  // namespace

LambdaCurvePlot::LambdaCurvePlot(QWidget* parent) : PlotView(tr("Excess risk against λ"), parent)
{
    setObjectName("lambdaCurvePlot");
    xAxis->setLabel(tr("weight decay λ"));
    yAxis->setLabel(tr("excess risk R"));
    for (QCPAxis* axis : {xAxis, yAxis})
        applyLogAxis(axis);
    legend->setVisible(true);
    legend->setFont(QFont("sans", 8));
    placeLegendBelow(this);
}

void LambdaCurvePlot::setCurve(
    const LambdaCurveResult& curve, const OptimalLambdaResult& optimum, double bayesRisk, const Trained& trained)
{
    m_curve = curve;
    m_optimum = optimum;
    m_bayesRisk = bayesRisk;
    m_trained = trained;
    clearPlottables();
    clearItems();
    double xLo = HUGE_VAL, xHi = 0, yLo = HUGE_VAL, yHi = 0;
    auto grow = [&](double x, double y) {
        if (x > 0 && y > 0 && std::isfinite(x) && std::isfinite(y)) {
            xLo = std::min(xLo, x);
            xHi = std::max(xHi, x);
            yLo = std::min(yLo, y);
            yHi = std::max(yHi, y);
        }
    };

    auto* se = addGraph();
    se->setName(tr("state evolution"));
    se->setPen(QPen(QColor(30, 90, 200), 2));
    for (const LambdaPoint& p : curve.points) {
        if (p.value.ok() && p.value.excessRisk > 0) {
            se->addData(p.lambda, p.value.excessRisk);
            grow(p.lambda, p.value.excessRisk);
        }
    }
    // A λ whose every run failed has no mean: it is not drawn (its row in the export says so).
    QVector<double> trainedLambda, trainedMean, lower, upper;
    for (int i = 0; i < trained.lambda.size(); ++i) {
        const double mean = trained.mean.value(i, std::nan(""));
        if (!(std::isfinite(mean) && mean > 0 && trained.lambda[i] > 0))
            continue;
        const double standardError = trained.standardError.value(i, std::nan(""));
        trainedLambda << trained.lambda[i];
        trainedMean << mean;
        upper << (std::isfinite(standardError) ? standardError : 0.0);
        lower << std::min(upper.last(), 0.95 * mean);  // the log axis has no room below zero
        grow(trained.lambda[i], mean + upper.last());
        grow(trained.lambda[i], mean - lower.last());
    }
    if (!trainedLambda.isEmpty()) {
        auto* points = addGraph();
        // Only converged runs are averaged (app::aggregateBySamples); the legend says how many were left out.
        int runs = 0, leftOut = 0;
        for (int i = 0; i < trained.lambda.size(); ++i) {
            runs += trained.runs.value(i) + trained.failed.value(i);
            leftOut += trained.failed.value(i);
        }
        const QString note = app::leftOutNote(leftOut, runs, QStringLiteral("runs"));
        points->setName((trained.experiment ? tr("trained, %1 (mean ± s.e. over %2 seeds")
                                                  .arg(QLatin1String(app::toString(trained.experiment->solver)))
                                                  .arg(trained.experiment->seeds().size())
                                            : tr("trained (mean ± s.e. over seeds"))
            + (note.isEmpty() ? QString() : QStringLiteral("; ") + note) + QStringLiteral(")"));
        points->setLineStyle(QCPGraph::lsNone);
        points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::darkRed, 1.5), Qt::white, 7));
        points->setData(trainedLambda, trainedMean);
        auto* bars = new QCPErrorBars(xAxis, yAxis);
        bars->removeFromLegend();
        bars->setDataPlottable(points);
        bars->setData(lower, upper);
    }
    // The predicted λ-exponent over each crossed phase with a non-zero exponent, anchored at the segment's SE
    // points' geometric centre.
    for (const LambdaPhaseSegment& s : curve.segments) {
        if (s.predictedExponent == 0 || s.phase == "crossover" || s.points < 2)
            continue;
        double logX = 0, logY = 0;
        int count = 0;
        for (const LambdaPoint& p : curve.points) {
            if (p.lambda >= s.lambdaFrom && p.lambda <= s.lambdaTo && p.value.ok() && p.value.excessRisk > 0) {
                logX += std::log(p.lambda);
                logY += std::log(p.value.excessRisk);
                ++count;
            }
        }
        if (count == 0)
            continue;
        logX /= count;
        logY /= count;
        auto* predicted = addGraph();
        predicted->setName(tr("%1: predicted λ^%2, SE %3")
                               .arg(QString::fromStdString(s.phase))
                               .arg(s.predictedExponent, 0, 'g', 3)
                               .arg(s.fittedSlope, 0, 'f', 2));
        predicted->setPen(QPen(Qt::black, 1.5, Qt::DashLine));
        for (const double x : {s.lambdaFrom, s.lambdaTo})
            predicted->addData(x, std::exp(logY + s.predictedExponent * (std::log(x) - logX)));
    }
    if (std::isfinite(bayesRisk) && bayesRisk > 0 && xHi > 0) {
        auto* bayes = addGraph();
        bayes->setName(tr("Bayes-optimal"));
        bayes->setPen(QPen(QColor(0, 140, 60), 1.5, Qt::DotLine));
        bayes->addData(xLo, bayesRisk);
        bayes->addData(xHi, bayesRisk);
        grow(xLo, bayesRisk);
    }
    if (optimum.lambda > 0 && optimum.risk > 0) {
        auto* mark = addGraph();
        mark->setName(optimum.ok() ? tr("λ_opt = %1").arg(optimum.lambda, 0, 'g', 4)
                                   : tr("λ_opt %1 %2 (range end)")
                                         .arg(optimum.boundary < 0 ? QStringLiteral("≤") : QStringLiteral("≥"))
                                         .arg(optimum.lambda, 0, 'g', 4));
        mark->setLineStyle(QCPGraph::lsNone);
        mark->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssStar, QPen(QColor(230, 120, 0), 2), Qt::NoBrush, 14));
        mark->addData(optimum.lambda, optimum.risk);
        grow(optimum.lambda, optimum.risk);
    }
    if (xHi > 0) {
        xAxis->setRange(xLo / 1.5, xHi * 1.5);
        yAxis->setRange(yLo / 2, yHi * 2);
    }
    setTitle(tr("Excess risk against λ at n_eff = %1").arg(curve.nEff, 0, 'g', 4));
    scheduleReplot();
}

LambdaCurvePlot::Trained LambdaCurvePlot::trainedFrom(const app::LambdaTraining& training)
{
    Trained t;
    for (const app::LambdaTrainedPoint& p : training.points) {
        t.lambda << p.lambda;
        t.mean << p.mean;
        t.standardError << p.standardError;
        t.runs << p.runs;
        t.failed << p.failed;
    }
    t.experiment = training.experiment;
    return t;
}

QString LambdaCurvePlot::dataCsv() const
{
    // Every row carries the state evolution's parameters at its λ (issue 16, item 12); they come first and name
    // the row's λ and n_eff.
    QString csv = parameterCsvHeader() + QStringLiteral(",se_risk,phase,predicted_exponent,se_slope\n");
    for (const LambdaPoint& p : m_curve.points) {
        ExportParameters parameters;
        if (m_parameters) {
            parameters = exportParameters(m_parameters->model, m_parameters->nEff, p.lambda);
        } else {
            parameters.nEff = m_curve.nEff;
            parameters.lambda = p.lambda;
        }
        csv += QStringLiteral("%1,%2,%3,%4,%5\n")
                   .arg(parameterCsvValues(parameters))
                   .arg(p.value.ok() ? p.value.excessRisk : std::nan(""), 0, 'g', 10)
                   .arg(QString::fromStdString(p.phase))
                   .arg(p.predictedExponent, 0, 'g', 10)
                   .arg(p.localSlope, 0, 'g', 10);
    }
    // The trained points: a second table after a blank line, one row per λ with the run's parameters at that λ; the
    // parameters' lambda is the row's (a data column of its own had the header name lambda twice).
    if (!m_trained.lambda.isEmpty()) {
        csv += QStringLiteral("\ntrained_mean,trained_standard_error,runs,failed,") + parameterCsvHeader() + '\n';
        for (int i = 0; i < m_trained.lambda.size(); ++i) {
            ExportParameters parameters;
            if (m_trained.experiment) {
                app::ExperimentConfig atLambda = *m_trained.experiment;
                atLambda.problem.weightDecay = m_trained.lambda[i];
                QVector<qulonglong> seeds;
                for (const std::uint64_t seed : atLambda.seeds())
                    seeds << qulonglong(seed);
                parameters = exportParameters(atLambda, seeds);
            }
            parameters.lambda = m_trained.lambda[i];
            csv += QStringLiteral("%1,%2,%3,%4,%5\n")
                       .arg(m_trained.mean.value(i, std::nan("")), 0, 'g', 10)
                       .arg(m_trained.standardError.value(i, std::nan("")), 0, 'g', 10)
                       .arg(m_trained.runs.value(i))
                       .arg(m_trained.failed.value(i))
                       .arg(parameterCsvValues(parameters));
        }
    }
    return csv;
}

QJsonObject LambdaCurvePlot::dataJson() const
{
    QJsonArray points;
    for (const LambdaPoint& p : m_curve.points)
        points.append(
            QJsonObject{{"lambda", p.lambda}, {"se_risk", p.value.ok() ? number(p.value.excessRisk) : QJsonValue()},
                {"phase", QString::fromStdString(p.phase)}, {"predicted_exponent", p.predictedExponent},
                {"se_slope", number(p.localSlope)}});
    QJsonArray trained;
    for (int i = 0; i < m_trained.lambda.size(); ++i)
        trained.append(QJsonObject{{"lambda", m_trained.lambda[i]}, {"mean", number(m_trained.mean.value(i))},
            {"stderr", number(m_trained.standardError.value(i))}, {"runs", m_trained.runs.value(i)},
            {"failed", m_trained.failed.value(i)}});
    QJsonObject object{{"plot", "lambda"}, {"n_eff", m_curve.nEff}, {"points", points}, {"trained", trained},
        {"optimal_lambda", m_optimum.ok() ? number(m_optimum.lambda) : QJsonValue()},
        {"optimal_lambda_excess_risk", m_optimum.ok() ? number(m_optimum.risk) : QJsonValue()},
        {"bayes_optimal_excess_risk", number(m_bayesRisk)}};
    if (m_parameters) {
        // λ varies along the curve ("points"); the grid it was computed on goes with the parameters.
        ExportParameters parameters = exportParameters(m_parameters->model, m_parameters->nEff, std::nan(""));
        QJsonArray grid;
        for (const double lambda : m_parameters->grid())
            grid.append(lambda);
        parameters.extra["lambda_grid"] = grid;
        object["parameters"] = parameterJson(parameters);
    }
    if (m_trained.experiment)
        object["trained_experiment"] = m_trained.experiment->toJson();
    return object;
}

LambdaCurveConfig LambdaCurveView::configFor(const ProblemConfig& problem)
{
    LambdaCurveConfig c;
    c.model.model = problem.model;
    c.model.d = problem.dimension;
    c.model.gamma = problem.gamma;
    c.model.noise = problem.noise;
    if (problem.model == ModelKind::Diagonal && problem.amplitudes == TeacherAmplitudes::Gaussian)
        c.model.lassoMode = LassoTeacherMode::VarianceProfile;
    c.nEff = problem.nEff();
    c.lambdaMin = 1.0 / problem.dimension;
    c.lambdaMax = 10.0 * problem.dimension;
    c.points = 30;
    if (problem.model == ModelKind::Quadratic) {
        c.points = 12;
        c.model.samples = 8;
    }
    return c;
}

LambdaCurveView::LambdaCurveView(QWidget* parent) : QWidget(parent)
{
    setObjectName("lambdaCurveView");
    m_plot = new LambdaCurvePlot(this);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_compute = new QPushButton(tr("Compute"), this);
    m_compute->setToolTip(tr("The state-evolution curve, λ_opt and the Bayes-optimal risk"));
    m_train = new QPushButton(tr("Train points"), this);
    m_train->setObjectName("trainPoints");
    m_train->setToolTip(tr("Train the experiment's solver at every λ of the grid over the seeds, and draw the mean "
                           "and standard error at each λ"));
    m_train->setEnabled(false);
    m_seedsBox = new QSpinBox(this);
    m_seedsBox->setObjectName("trainSeeds");
    m_seedsBox->setRange(1, 100);
    m_seedsBox->setValue(m_trainSeeds);
    m_seedsBox->setPrefix(tr("seeds "));
    m_pointsBox = new QSpinBox(this);
    m_pointsBox->setObjectName("trainPointCount");
    m_pointsBox->setRange(2, 60);
    m_pointsBox->setValue(m_trainPoints);
    m_pointsBox->setPrefix(tr("λ points "));
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setEnabled(false);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    auto* controls = new QHBoxLayout;
    controls->addWidget(m_compute);
    controls->addWidget(m_train);
    controls->addWidget(m_seedsBox);
    controls->addWidget(m_pointsBox);
    controls->addWidget(m_cancelButton);
    controls->addWidget(m_progress, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_plot, 1);
    layout->addLayout(controls);
    layout->addWidget(m_status);
    connect(m_compute, &QPushButton::clicked, this, &LambdaCurveView::start);
    connect(m_train, &QPushButton::clicked, this, &LambdaCurveView::train);
    connect(m_cancelButton, &QPushButton::clicked, this, &LambdaCurveView::cancel);
    connect(m_seedsBox, qOverload<int>(&QSpinBox::valueChanged), this, [this](int v) { m_trainSeeds = v; });
    connect(m_pointsBox, qOverload<int>(&QSpinBox::valueChanged), this, [this](int v) { m_trainPoints = v; });
}

LambdaCurveView::~LambdaCurveView()
{
    m_cancel.cancel();
    if (m_worker.joinable())
        m_worker.join();
}

QString LambdaCurveView::statusText() const
{
    return m_status->text();
}

void LambdaCurveView::setExperiment(const app::ExperimentConfig& experiment)
{
    m_config = configFor(experiment.problem);
    const bool other = !m_base || *m_base != experiment;
    m_base = experiment;
    m_seedsBox->setValue(int(experiment.seeds().size()));  // the panel's seeds per point
    m_trainSeeds = m_seedsBox->value();
    m_train->setEnabled(!m_busy);
    if (other && !m_plot->trained().lambda.isEmpty())
        m_plot->setCurve(m_plot->curve(), m_plot->optimum(), m_plot->bayesRisk());
}

void LambdaCurveView::setTrainingGrid(int points, int seeds, double from, double to)
{
    m_trainFrom = from;
    m_trainTo = to;
    m_pointsBox->setValue(points);
    m_seedsBox->setValue(seeds);
    m_trainPoints = m_pointsBox->value();  // within the boxes' ranges, as a user could set them
    m_trainSeeds = m_seedsBox->value();
}

std::optional<app::ExperimentConfig> LambdaCurveView::trainingExperiment() const
{
    if (!m_base)
        return std::nullopt;
    const double from = m_trainFrom > 0 ? m_trainFrom : m_config.lambdaMin;
    const double to = m_trainTo > 0 ? m_trainTo : m_config.lambdaMax;
    if (!(from > 0) || !(to >= from))
        throw sl::ValidationError("lambda_grid", "the trained points' λ range must satisfy 0 < from <= to");
    return app::lambdaTrainingExperiment(*m_base, app::logLambdaGrid(from, to, m_trainPoints), m_trainSeeds);
}

int LambdaCurveView::beginJob(int progressTotal, const QString& progressFormat, const QString& status)
{
    m_cancel.cancel();
    if (m_worker.joinable())
        m_worker.join();
    m_cancel = CancelToken();
    m_busy = true;
    for (QWidget* w : std::initializer_list<QWidget*>{m_compute, m_train, m_seedsBox, m_pointsBox})
        w->setEnabled(false);
    m_cancelButton->setEnabled(true);
    m_progress->setRange(0, std::max(1, progressTotal));
    m_progress->setValue(0);
    m_progress->setFormat(progressFormat);
    m_status->setText(status);
    return ++m_generation;
}

void LambdaCurveView::endJob()
{
    if (m_worker.joinable())
        m_worker.join();
    m_busy = false;
    m_compute->setEnabled(true);
    m_train->setEnabled(m_base.has_value());
    m_seedsBox->setEnabled(true);
    m_pointsBox->setEnabled(true);
    m_cancelButton->setEnabled(false);
}

void LambdaCurveView::start()
{
    const LambdaCurveConfig config = m_config;
    const int generation = beginJob(int(config.grid().size()) + 1, QStringLiteral("%p%"), tr("computing…"));
    const CancelToken cancel = m_cancel;
    m_worker = std::thread([this, generation, config, cancel] {
        Outcome out;
        out.config = config;
        out.bayesRisk = std::nan("");
        try {
            out.curve = computeLambdaCurve(
                config,
                [this, generation](const LambdaCurveProgress& p) {
                    QMetaObject::invokeMethod(
                        this,
                        [this, generation, p] {
                            if (generation == m_generation)
                                m_progress->setValue(p.index + 1);
                        },
                        Qt::QueuedConnection);
                },
                cancel);
            if (out.curve.status != Status::Cancelled) {
                OptimalLambdaConfig o;
                o.model = config.model;
                o.nEff = config.nEff;
                if (config.model.model == ModelKind::Quadratic)
                    o.logTolerance = 0.02;
                out.optimum = findOptimalLambda(o, cancel);
            }
            if (config.model.model == ModelKind::Diagonal && !cancel.isCancelled()) {
                BayesOptimalConfig b;
                b.teacher = config.model.resolvedLassoTeacher();
                b.prior = bayesPriorFor(config.model.lassoMode);
                b.alpha = config.nEff / config.model.d;
                b.noise = config.model.noise;
                const BayesOptimalResult bo = solveBayesOptimal(b, cancel);
                if (bo.ok())
                    out.bayesRisk = bo.risk;
            }
        } catch (const std::exception& e) {
            out.error = e.what();
        }
        QMetaObject::invokeMethod(
            this,
            [this, generation, out] {
                if (generation == m_generation)
                    onFinished(out);
            },
            Qt::QueuedConnection);
    });
}

void LambdaCurveView::onFinished(const Outcome& out)
{
    endJob();
    const bool complete = out.error.empty() && out.curve.status != Status::Cancelled
        && out.optimum.status != Status::Cancelled && !m_cancel.isCancelled();
    if (complete) {
        m_plot->setParameters(out.config);
        m_plot->setCurve(out.curve, out.optimum, out.bayesRisk, m_plot->trained());
        m_progress->setValue(m_progress->maximum());
        m_status->setText(QString::fromStdString(out.optimum.message));
    } else {
        m_status->setText(out.error.empty() ? tr("cancelled") : QString::fromStdString(out.error));
    }
    emit finished(complete && out.curve.status == Status::Converged);
}

bool LambdaCurveView::train()
{
    if (m_busy)
        return false;
    std::optional<app::ExperimentConfig> experiment;
    try {
        experiment = trainingExperiment();
    } catch (const sl::ValidationError& e) {
        m_status->setText(tr("Not trained: %1").arg(QString::fromUtf8(e.what())));
        return false;
    }
    if (!experiment) {
        m_status->setText(tr("Not trained: no experiment to train"));
        return false;
    }
    if (m_confirmTrain && !m_confirmTrain(*experiment)) {
        m_status->setText(tr("Training not started"));
        return false;
    }
    const int total = int(experiment->points().size());
    const int generation = beginJob(total, tr("%v / %m runs"),
        tr("training %1 λ × %2 seeds (%3)…")
            .arg(experiment->weightDecays().size())
            .arg(experiment->seeds().size())
            .arg(QLatin1String(app::toString(experiment->solver))));
    const CancelToken cancel = m_cancel;
    const QString storePath = m_storePath;
    m_worker = std::thread([this, generation, config = *experiment, cancel, storePath] {
        app::LambdaTraining training;
        QString error;
        try {
            training = app::trainLambdaPoints(config, 0, storePath, true, cancel, [this, generation](int done, int) {
                QMetaObject::invokeMethod(
                    this,
                    [this, generation, done] {
                        if (generation == m_generation)
                            m_progress->setValue(done);
                    },
                    Qt::QueuedConnection);
            });
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, generation, training, error] {
                if (generation == m_generation)
                    onTrained(training, error);
            },
            Qt::QueuedConnection);
    });
    return true;
}

void LambdaCurveView::onTrained(const app::LambdaTraining& training, const QString& error)
{
    endJob();
    const QString failure = !error.isEmpty() ? error : training.error;
    if (!failure.isEmpty() || !training.complete() || m_cancel.isCancelled()) {
        // Nothing of a cancelled or failed training is drawn: the plot keeps what it showed before.
        m_status->setText(
            failure.isEmpty() ? tr("training cancelled: no points drawn") : tr("training failed: %1").arg(failure));
        emit trainingFinished(false);
        return;
    }
    m_plot->setCurve(m_plot->curve(), m_plot->optimum(), m_plot->bayesRisk(), LambdaCurvePlot::trainedFrom(training));
    m_progress->setValue(m_progress->maximum());
    int runs = 0, failed = 0;
    for (const app::LambdaTrainedPoint& p : training.points) {
        runs += p.runs;
        failed += p.failed;
    }
    QString text = tr("trained %1 λ × %2 seeds: %3 runs averaged, %4 failed (not converged: left out)")
                       .arg(training.points.size())
                       .arg(training.experiment.seeds().size())
                       .arg(runs)
                       .arg(failed);
    if (training.emptyPoints() > 0)
        text += tr("; %1 λ without a result (not drawn)").arg(training.emptyPoints());
    if (!training.firstFailure.isEmpty())
        text += tr("; first failure: %1").arg(training.firstFailure);
    if (training.fromStore > 0)
        text += tr("; %1 runs read from the store").arg(training.fromStore);
    if (!training.storeError.isEmpty())
        text += tr("; not saved: %1").arg(training.storeError);
    m_status->setText(text);
    emit trainingFinished(training.emptyPoints() == 0);
}

}  // namespace sl::ui
