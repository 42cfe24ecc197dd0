// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/lambda_curve_view.h"

#include "ui/plot_export.h"
#include "ui/plot_style.h"

#include "core/theory/bayes_optimal.h"

#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
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
    if (!trained.lambda.isEmpty()) {
        auto* points = addGraph();
        points->setName(tr("trained (mean ± s.e. over seeds)"));
        points->setLineStyle(QCPGraph::lsNone);
        points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::darkRed, 1.5), Qt::white, 7));
        points->setData(trained.lambda, trained.mean);
        auto* bars = new QCPErrorBars(xAxis, yAxis);
        bars->removeFromLegend();
        bars->setDataPlottable(points);
        QVector<double> lower(trained.mean.size()), upper(trained.mean.size());
        for (int i = 0; i < trained.mean.size(); ++i) {
            upper[i] = std::isfinite(trained.standardError.value(i)) ? trained.standardError.value(i) : 0.0;
            lower[i] = std::min(upper[i], 0.95 * trained.mean[i]);
            grow(trained.lambda[i], trained.mean[i] + upper[i]);
            grow(trained.lambda[i], trained.mean[i] - lower[i]);
        }
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
            {"stderr", number(m_trained.standardError.value(i))}});
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
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setEnabled(false);
    m_status = new QLabel(this);
    auto* controls = new QHBoxLayout;
    controls->addWidget(m_compute);
    controls->addWidget(m_cancelButton);
    controls->addWidget(m_progress, 1);
    controls->addWidget(m_status, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_plot, 1);
    layout->addLayout(controls);
    connect(m_compute, &QPushButton::clicked, this, &LambdaCurveView::start);
    connect(m_cancelButton, &QPushButton::clicked, this, &LambdaCurveView::cancel);
}

LambdaCurveView::~LambdaCurveView()
{
    m_cancel.cancel();
    if (m_worker.joinable())
        m_worker.join();
}

void LambdaCurveView::start()
{
    m_cancel.cancel();
    if (m_worker.joinable())
        m_worker.join();
    m_cancel = CancelToken();
    const int generation = ++m_generation;
    const LambdaCurveConfig config = m_config;
    const CancelToken cancel = m_cancel;
    m_busy = true;
    m_compute->setEnabled(false);
    m_cancelButton->setEnabled(true);
    m_progress->setRange(0, int(config.grid().size()) + 1);
    m_progress->setValue(0);
    m_status->setText(tr("computing…"));
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
    if (m_worker.joinable())
        m_worker.join();
    m_busy = false;
    m_compute->setEnabled(true);
    m_cancelButton->setEnabled(false);
    const bool complete = out.error.empty() && out.curve.status != Status::Cancelled
        && out.optimum.status != Status::Cancelled && !m_cancel.isCancelled();
    if (complete) {
        m_plot->setParameters(out.config);
        m_plot->setCurve(out.curve, out.optimum, out.bayesRisk);
        m_progress->setValue(m_progress->maximum());
        m_status->setText(QString::fromStdString(out.optimum.message));
    } else {
        m_status->setText(out.error.empty() ? tr("cancelled") : QString::fromStdString(out.error));
    }
    emit finished(complete && out.curve.status == Status::Converged);
}

}  // namespace sl::ui
