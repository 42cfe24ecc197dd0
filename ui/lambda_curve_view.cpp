// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/lambda_curve_view.h"

#include <QJsonArray>

#include <cmath>

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
    for (QCPAxis* axis : {xAxis, yAxis}) {
        axis->setScaleType(QCPAxis::stLogarithmic);
        axis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    }
    legend->setVisible(true);
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
    QString csv = QStringLiteral("lambda,se_risk,phase,predicted_exponent,se_slope\n");
    for (const LambdaPoint& p : m_curve.points)
        csv += QStringLiteral("%1,%2,%3,%4,%5\n")
                   .arg(p.lambda, 0, 'g', 10)
                   .arg(p.value.ok() ? p.value.excessRisk : std::nan(""), 0, 'g', 10)
                   .arg(QString::fromStdString(p.phase))
                   .arg(p.predictedExponent, 0, 'g', 10)
                   .arg(p.localSlope, 0, 'g', 10);
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
    return QJsonObject{{"plot", "lambda"}, {"n_eff", m_curve.nEff}, {"points", points}, {"trained", trained},
        {"optimal_lambda", m_optimum.ok() ? number(m_optimum.lambda) : QJsonValue()},
        {"optimal_lambda_excess_risk", m_optimum.ok() ? number(m_optimum.risk) : QJsonValue()},
        {"bayes_optimal_excess_risk", number(m_bayesRisk)}};
}

}  // namespace sl::ui
