// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/decomposition_plot.h"

#include "ui/plot_export.h"
#include "ui/plot_style.h"

#include <QJsonArray>
#include <cmath>

namespace sl::ui {
namespace {

const QColor kUnder(31, 119, 180), kApprox(44, 160, 44), kOver(214, 39, 40), kPruned(90, 90, 90);

double at(const QVector<double>& v, int i)
{
    return i < v.size() ? v[i] : std::nan("");
}

double number(const QJsonObject& o, const char* key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? v.toDouble() : std::nan("");
}

QJsonArray toJson(const QVector<double>& values)
{
    QJsonArray array;
    for (double v : values)
        array.append(std::isfinite(v) ? QJsonValue(v) : QJsonValue());
    return array;
}

// Cumulative levels: underfitting, + approximation, + overfitting (= the risk).
void levels(const QVector<double>& under, const QVector<double>& approx, const QVector<double>& over, int n,
    QVector<double>& l1, QVector<double>& l2, QVector<double>& l3)
{
    l1.resize(n);
    l2.resize(n);
    l3.resize(n);
    for (int i = 0; i < n; ++i) {
        l1[i] = at(under, i);
        l2[i] = l1[i] + at(approx, i);
        l3[i] = l2[i] + at(over, i);
    }
}

}  // namespace

DecompositionSeries DecompositionSeries::fromCurveJson(const QJsonObject& curve)
{
    DecompositionSeries s;
    for (const QJsonValue& v : curve.value(QStringLiteral("points")).toArray()) {
        const QJsonObject p = v.toObject();
        const QJsonObject se = p.value(QStringLiteral("state_evolution")).toObject();
        s.nEff.append(number(p, "n_eff"));
        s.overfitting.append(number(p, "overfitting"));
        s.underfitting.append(number(p, "underfitting"));
        s.approximation.append(number(p, "approximation"));
        s.pruned.append(number(p, "pruned_excess_risk"));
        s.predictedOverfitting.append(number(se, "overfitting"));
        s.predictedUnderfitting.append(number(se, "underfitting"));
        s.predictedApproximation.append(number(se, "approximation"));
        s.predictedPruned.append(number(se, "pruned_excess_risk"));
    }
    if (const auto config = app::ExperimentConfig::fromJson(curve.value(QStringLiteral("config")).toObject())) {
        s.hasConfig = true;
        s.config = *config;
    }
    return s;
}

DecompositionSeries DecompositionSeries::fromState(const app::DecompositionState& state)
{
    DecompositionSeries s;
    s.nEff = state.nEff;
    s.overfitting = state.overfitting;
    s.underfitting = state.underfitting;
    s.approximation = state.approximation;
    s.pruned = state.pruned;
    s.predictedOverfitting = state.predictedOverfitting;
    s.predictedUnderfitting = state.predictedUnderfitting;
    s.predictedApproximation = state.predictedApproximation;
    s.predictedPruned = state.predictedPruned;
    s.hasConfig = state.hasConfig;
    s.config = state.config;
    s.seeds = state.seeds;
    return s;
}

DecompositionPlot::DecompositionPlot(QWidget* parent) : PlotView(tr("Where the error comes from"), parent)
{
    setObjectName("decompositionPlot");
    applyLogAxis(xAxis);
    xAxis->setLabel(tr("effective sample size n_eff"));
    // Linear: the overfitting term is negative where the detected bulk carries signal.
    yAxis->setLabel(tr("excess risk, stacked"));
    legend->setVisible(true);
    legend->setFont(QFont("sans", 8));
    placeLegendBelow(this);
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    rebuild();
}

void DecompositionPlot::setSeries(const DecompositionSeries& series)
{
    m_series = series;
    rebuild();
}

void DecompositionPlot::setPrunedVisible(bool visible)
{
    m_prunedVisible = visible;
    rebuild();
}

void DecompositionPlot::setMessage(const QString& message)
{
    // Wrapped at about 60 characters: a text item does not wrap, and the dock may be narrow.
    const QString wrapped = wrapWords(message, 60);
    if (wrapped == m_message)
        return;
    m_message = wrapped;
    rebuild();
}

void DecompositionPlot::rebuild()
{
    clearGraphs();
    clearItems();
    m_messageItem = nullptr;
    if (!m_message.isEmpty()) {
        m_messageItem = new QCPItemText(this);
        m_messageItem->position->setType(QCPItemPosition::ptAxisRectRatio);
        m_messageItem->position->setCoords(0.5, 0.5);
        m_messageItem->setPositionAlignment(Qt::AlignCenter);
        m_messageItem->setText(m_message);
        m_messageItem->setColor(QColor(150, 30, 30));
        m_messageItem->setFont(QFont("sans", 9));
        m_messageItem->setBrush(QColor(255, 255, 255, 220));
        m_messageItem->setPadding(QMargins(6, 4, 6, 4));
    }
    const DecompositionSeries& s = m_series;
    const int n = s.nEff.size();
    QVector<double> p1, p2, p3, m1, m2, m3;
    levels(s.predictedUnderfitting, s.predictedApproximation, s.predictedOverfitting, n, p1, p2, p3);
    levels(s.underfitting, s.approximation, s.overfitting, n, m1, m2, m3);

    // Predicted: stacked areas, each filled down to the level below it (the first to zero).
    QCPGraph* zero = addGraph();
    zero->setData(s.nEff, QVector<double>(n, 0.0));
    zero->setPen(Qt::NoPen);
    zero->removeFromLegend();
    QCPGraph* below = zero;
    const struct {
        const QVector<double>& values;
        QColor colour;
        QString name;
    } areas[] = {{p1, kUnder, tr("underfitting (SE)")}, {p2, kApprox, tr("+ approximation (SE)")},
        {p3, kOver, tr("+ overfitting (SE) = SE risk")}};
    for (const auto& a : areas) {
        QCPGraph* g = addGraph();
        g->setName(a.name);
        g->setData(s.nEff, a.values);
        g->setPen(QPen(a.colour, 1.5));
        QColor fill = a.colour;
        fill.setAlpha(70);
        g->setBrush(fill);
        g->setChannelFillGraph(below);
        below = g;
    }
    // Measured: points on the same cumulative levels.
    const struct {
        const QVector<double>& values;
        QColor colour;
        QString name;
    } points[] = {{m1, kUnder, tr("measured")}, {m2, kApprox, QString()}, {m3, kOver, QString()}};
    for (const auto& p : points) {
        QCPGraph* g = addGraph();
        g->setData(s.nEff, p.values);
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, p.colour, p.colour, 6));
        if (p.name.isEmpty())
            g->removeFromLegend();
        else
            g->setName(p.name);
    }
    if (m_prunedVisible) {
        QCPGraph* line = addGraph();
        line->setName(tr("pruned (SE)"));
        line->setData(s.nEff, s.predictedPruned);
        line->setPen(QPen(kPruned, 1.5, Qt::DashLine));
        QCPGraph* dots = addGraph();
        dots->setName(tr("pruned (measured)"));
        dots->setData(s.nEff, s.pruned);
        dots->setLineStyle(QCPGraph::lsNone);
        dots->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, kPruned, 7));
    }
    if (n > 0) {
        bool found = false;
        rescaleAxes(true);
        xAxis->setRange(xAxis->range().lower / 1.3, xAxis->range().upper * 1.3);
        const QCPRange y = yAxis->range();
        found = std::isfinite(y.lower) && std::isfinite(y.upper);
        if (found)
            yAxis->setRange(std::min(0.0, y.lower), y.upper * 1.1);
    } else {
        xAxis->setRange(1, 1000);
        yAxis->setRange(0, 1);
    }
    scheduleReplot();
}

QString DecompositionPlot::dataCsv() const
{
    // Every row carries the curve's parameters at its n (issue 16, item 12); they come first and name the row's
    // n and n_eff.
    const DecompositionSeries& s = m_series;
    QString csv = parameterCsvHeader()
        + QStringLiteral(",overfitting,underfitting,approximation,pruned,se_overfitting,se_underfitting,"
                         "se_approximation,se_pruned\n");
    auto cell = [](double v) { return std::isfinite(v) ? QString::number(v, 'g', 10) : QString(); };
    for (int i = 0; i < s.nEff.size(); ++i) {
        const ProblemConfig& p = s.config.problem;
        ExportParameters parameters;
        if (s.hasConfig)
            parameters
                = exportParameters(s.config, s.seeds, ProblemConfig::samplesForNEff(p.model, p.dimension, s.nEff[i]));
        parameters.nEff = s.nEff[i];  // the point's own (n rounds it)
        csv += QStringList{parameterCsvValues(parameters), cell(at(s.overfitting, i)), cell(at(s.underfitting, i)),
                   cell(at(s.approximation, i)), cell(at(s.pruned, i)), cell(at(s.predictedOverfitting, i)),
                   cell(at(s.predictedUnderfitting, i)), cell(at(s.predictedApproximation, i)),
                   cell(at(s.predictedPruned, i))}
                   .join(QLatin1Char(','))
            + QLatin1Char('\n');
    }
    return csv;
}

QJsonObject DecompositionPlot::dataJson() const
{
    const DecompositionSeries& s = m_series;
    QJsonObject object{{"plot", "decomposition"}, {"n_eff", toJson(s.nEff)}, {"overfitting", toJson(s.overfitting)},
        {"underfitting", toJson(s.underfitting)}, {"approximation", toJson(s.approximation)},
        {"pruned_excess_risk", toJson(s.pruned)},
        {"state_evolution",
            QJsonObject{{"overfitting", toJson(s.predictedOverfitting)},
                {"underfitting", toJson(s.predictedUnderfitting)}, {"approximation", toJson(s.predictedApproximation)},
                {"pruned_excess_risk", toJson(s.predictedPruned)}}}};
    if (s.hasConfig) {
        // The curve's parameters; n and n_eff vary along the curve ("n_eff" above).
        ExportParameters parameters = exportParameters(s.config, s.seeds);
        parameters.n = -1;
        parameters.nEff = std::nan("");
        object["parameters"] = parameterJson(parameters);
        object["config"] = s.config.toJson();
    }
    return object;
}

}  // namespace sl::ui
