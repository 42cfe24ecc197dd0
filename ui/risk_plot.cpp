// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/risk_plot.h"

#include <QJsonArray>
#include <algorithm>
#include <cmath>

namespace sl::ui {
namespace {

QColor seriesColour(int index)
{
    static const QColor palette[] = {QColor(31, 119, 180), QColor(214, 39, 40), QColor(44, 160, 44),
        QColor(148, 103, 189), QColor(255, 127, 14), QColor(23, 190, 207)};
    return palette[index % 6];
}

QJsonArray toJson(const QVector<double>& values)
{
    QJsonArray array;
    for (double v : values)
        array.append(v);
    return array;
}

}  // namespace

RiskPlot::RiskPlot(QWidget* parent) : PlotView(tr("Excess risk against effective sample size"), parent)
{
    setObjectName("riskPlot");
    for (QCPAxis* axis : {xAxis, yAxis}) {
        axis->setScaleType(QCPAxis::stLogarithmic);
        axis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        axis->setNumberFormat("eb");
        axis->setNumberPrecision(0);
    }
    xAxis->setLabel(tr("effective sample size n_eff (n/d quadratic, n diagonal)"));
    yAxis->setLabel(tr("excess risk R"));
    legend->setVisible(true);
    legend->setFont(QFont("sans", 8));
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    xAxis->setRange(1, 1000);
    yAxis->setRange(1e-3, 10);
    rebuild();
}

void RiskPlot::setSeries(const RiskSeries& series)
{
    auto it
        = std::find_if(m_series.begin(), m_series.end(), [&](const RiskSeries& s) { return s.name == series.name; });
    if (it != m_series.end())
        *it = series;
    else
        m_series.push_back(series);
    rebuild();
}

void RiskPlot::removeSeries(const QString& name)
{
    m_series.erase(
        std::remove_if(m_series.begin(), m_series.end(), [&](const RiskSeries& s) { return s.name == name; }),
        m_series.end());
    rebuild();
}

void RiskPlot::clearSeries()
{
    m_series.clear();
    rebuild();
}

void RiskPlot::setLivePoint(double nEff, double risk)
{
    m_liveNEff = nEff;
    m_liveRisk = risk;
    m_live->data()->clear();
    const bool shown = nEff > 0 && risk > 0 && std::isfinite(risk);
    if (shown)
        m_live->addData(nEff, risk);
    // The legend names the live point only while there is one.
    if (shown)
        m_live->addToLegend();
    else
        m_live->removeFromLegend();
    scheduleReplot();
}

void RiskPlot::clearLivePoint()
{
    setLivePoint(0, 0);
}

void RiskPlot::rebuild()
{
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
    for (int index = 0; index < m_series.size(); ++index) {
        const RiskSeries& s = m_series[index];
        const QColor colour = seriesColour(index);

        auto* points = addGraph();
        QString name = s.name;
        if (s.hasFit)
            name += tr(": slope %1 [%2, %3]")
                        .arg(s.slope, 0, 'f', 2)
                        .arg(s.slopeLow, 0, 'f', 2)
                        .arg(s.slopeHigh, 0, 'f', 2);
        points->setName(name);
        points->setLineStyle(QCPGraph::lsNone);
        points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(colour, 1.5), colour.lighter(160), 7));
        points->setPen(QPen(colour));
        points->setData(s.nEff, s.mean);
        if (s.nEff.isEmpty())
            points->removeFromLegend();  // a theory-only series: its curve names it
        auto* bars = new QCPErrorBars(xAxis, yAxis);
        bars->removeFromLegend();
        bars->setDataPlottable(points);
        bars->setPen(QPen(colour, 1));
        QVector<double> lower(s.mean.size()), upper(s.mean.size());
        for (int i = 0; i < s.mean.size(); ++i) {
            // Clip the lower bar above zero so it stays drawable on a log axis.
            upper[i] = s.standardError.value(i);
            lower[i] = std::min(upper[i], 0.95 * s.mean[i]);
            grow(s.nEff[i], s.mean[i] + upper[i]);
            grow(s.nEff[i], s.mean[i] - lower[i]);
        }
        bars->setData(lower, upper);

        if (!s.theoryNEff.isEmpty()) {
            auto* theory = addGraph();
            theory->setName(tr("%1: state evolution").arg(s.name));
            theory->setPen(QPen(colour, 2));
            theory->setData(s.theoryNEff, s.theoryRisk);
            for (int i = 0; i < s.theoryNEff.size(); ++i)
                grow(s.theoryNEff[i], s.theoryRisk[i]);
        }
        if (!s.bayesNEff.isEmpty()) {
            auto* bayes = addGraph();
            bayes->setName(s.bayesRateOnly ? tr("%1: Bayes-optimal rate (no constant)").arg(s.name)
                                           : tr("%1: Bayes-optimal").arg(s.name));
            bayes->setPen(QPen(colour.darker(150), 1.5, Qt::DotLine));
            bayes->setData(s.bayesNEff, s.bayesRisk);
            if (!s.bayesRateOnly) {  // a rate without constant does not set the scale
                for (int i = 0; i < s.bayesNEff.size(); ++i)
                    grow(s.bayesNEff[i], s.bayesRisk[i]);
            }
        }
        if (s.hasFit && !s.nEff.isEmpty()) {
            // The phase's predicted slope over the fit window, anchored at the window's points' geometric centre.
            double logX = 0, logY = 0;
            int count = 0;
            for (int i = 0; i < s.nEff.size(); ++i) {
                if (s.nEff[i] > 0 && s.mean[i] > 0 && s.nEff[i] >= s.fitFrom && s.nEff[i] <= s.fitTo) {
                    logX += std::log(s.nEff[i]);
                    logY += std::log(s.mean[i]);
                    ++count;
                }
            }
            if (count > 0) {
                logX /= count;
                logY /= count;
                const double x0 = s.fitFrom, x1 = s.fitTo;
                auto* predicted = addGraph();
                predicted->setName(
                    tr("%1: phase %2, predicted slope %3").arg(s.name, s.phase).arg(s.predictedSlope, 0, 'f', 2));
                predicted->setPen(QPen(Qt::black, 1.5, Qt::DashLine));
                for (double x : {x0, x1})
                    predicted->addData(x, std::exp(logY + s.predictedSlope * (std::log(x) - logX)));
                auto* label = new QCPItemText(this);
                label->position->setCoords(x1, std::exp(logY + s.predictedSlope * (std::log(x1) - logX)));
                label->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
                label->setText(s.phase);
                label->setColor(colour.darker(130));
                label->setFont(QFont("sans", 9, QFont::Bold));
            }
        }
    }
    m_live = addGraph();
    m_live->setName(tr("live run"));
    m_live->setLineStyle(QCPGraph::lsNone);
    m_live->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssStar, QPen(QColor(230, 120, 0), 2), Qt::NoBrush, 14));
    if (m_liveNEff > 0 && m_liveRisk > 0 && std::isfinite(m_liveRisk)) {
        m_live->addData(m_liveNEff, m_liveRisk);
        grow(m_liveNEff, m_liveRisk);
    } else {
        m_live->removeFromLegend();
    }
    if (xHi > 0) {
        xAxis->setRange(xLo / 1.6, xHi * 1.6);
        yAxis->setRange(yLo / 2.0, yHi * 2.0);
    }
    scheduleReplot();
}

QString RiskPlot::dataCsv() const
{
    QString csv = QStringLiteral("series,kind,n_eff,risk,standard_error\n");
    for (const RiskSeries& s : m_series) {
        for (int i = 0; i < s.nEff.size(); ++i)
            csv += QStringLiteral("\"%1\",measured,%2,%3,%4\n")
                       .arg(s.name)
                       .arg(s.nEff[i], 0, 'g', 10)
                       .arg(s.mean[i], 0, 'g', 10)
                       .arg(s.standardError.value(i), 0, 'g', 10);
        for (int i = 0; i < s.theoryNEff.size(); ++i)
            csv += QStringLiteral("\"%1\",state_evolution,%2,%3,\n")
                       .arg(s.name)
                       .arg(s.theoryNEff[i], 0, 'g', 10)
                       .arg(s.theoryRisk[i], 0, 'g', 10);
    }
    return csv;
}

QJsonObject RiskPlot::dataJson() const
{
    QJsonArray series;
    for (const RiskSeries& s : m_series) {
        QJsonObject object{{"name", s.name}, {"n_eff", toJson(s.nEff)}, {"mean", toJson(s.mean)},
            {"stderr", toJson(s.standardError)}, {"theory_n_eff", toJson(s.theoryNEff)},
            {"theory_risk", toJson(s.theoryRisk)}, {"bayes_n_eff", toJson(s.bayesNEff)},
            {"bayes_risk", toJson(s.bayesRisk)}, {"bayes_rate_only", s.bayesRateOnly},
            {"predicted_slope", s.predictedSlope}, {"phase", s.phase}};
        if (s.hasFit)
            object["fit"] = QJsonObject{{"slope", s.slope}, {"slope_low", s.slopeLow}, {"slope_high", s.slopeHigh}};
        series.append(object);
    }
    return QJsonObject{{"plot", "risk"}, {"series", series}};
}

}  // namespace sl::ui
