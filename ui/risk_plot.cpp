// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/risk_plot.h"

#include <QStringList>

#include "app/analysis/curve_aggregate.h"
#include "ui/plot_export.h"
#include "ui/plot_style.h"

#include <QJsonArray>
#include <algorithm>
#include <cmath>

namespace sl::ui {
namespace {

// The measured points of a curve: its legend entry shows the marker on the curve's line, the one entry of the family.
class PointsGraph : public QCPGraph {
public:
    using QCPGraph::QCPGraph;
    QPen iconLine;

protected:
    void drawLegendIcon(QCPPainter* painter, const QRectF& rect) const override
    {
        if (iconLine.style() != Qt::NoPen) {
            applyDefaultAntialiasingHint(painter);
            painter->setPen(iconLine);
            painter->drawLine(QLineF(rect.left(), rect.center().y(), rect.right(), rect.center().y()));
        }
        QCPGraph::drawLegendIcon(painter, rect);
    }
};

// "kept/3/<id>" -> ("kept/3", "<id>"); a curve that is not kept has no group.
std::pair<QString, QString> keptParts(const QString& key)
{
    if (!key.startsWith(QStringLiteral("kept/")))
        return {QString(), key};
    const int slash = key.indexOf('/', 5);
    return slash < 0 ? std::pair<QString, QString>{key, key}
                     : std::pair<QString, QString>{key.left(slash), key.mid(slash + 1)};
}

QJsonArray toJson(const QVector<double>& values)
{
    QJsonArray array;
    for (double v : values)
        array.append(std::isfinite(v) ? QJsonValue(v) : QJsonValue());
    return array;
}

QString signedNumber(double v)
{
    return QString::number(std::abs(v) < 0.005 ? 0.0 : v, 'f', 2);  // no "-0.00"
}

}  // namespace

RiskPlot::RiskPlot(QWidget* parent) : PlotView(tr("Excess risk against effective sample size"), parent)
{
    setObjectName("riskPlot");
    for (QCPAxis* axis : {xAxis, yAxis})
        applyLogAxis(axis);
    // Two lines: in one, the label was wider than the plot at 1024×768 and lost both ends.
    xAxis->setLabel(tr("effective sample size n_eff\n(n/d quadratic, n diagonal)"));
    // At 150 % in a 1024×768 window the two lines were still wider than the ~210 px plot and lost both ends: before
    // every replot (after the zoom has set the font) each line is wrapped at spaces to the axis rect's width.
    connect(this, &QCustomPlot::beforeReplot, this, [this] {
        const QString full = tr("effective sample size n_eff\n(n/d quadratic, n diagonal)");
        const int width = axisRect()->width() > 50 ? axisRect()->width() : viewport().width() - 80;
        QStringList lines;
        for (const QString& line : full.split(QLatin1Char('\n')))
            lines << wrapToWidth(line, xAxis->labelFont(), width);
        const QString shown = lines.join(QLatin1Char('\n'));
        if (shown != xAxis->label())
            xAxis->setLabel(shown);
    });
    yAxis->setLabel(tr("excess risk R"));
    legend->setVisible(true);
    legend->setFont(QFont("sans", 8));
    placeLegendBelow(this);  // never over the curves, never clipped
    m_lineKey = new QCPTextElement(this, QString(), QFont("sans", 8));
    m_lineKey->setTextColor(QColor(90, 90, 90));
    m_lineKey->setMargins(QMargins(6, 0, 6, 3));
    plotLayout()->addElement(plotLayout()->rowCount(), 0, m_lineKey);
    plotLayout()->setRowStretchFactor(plotLayout()->rowCount() - 1, 0.001);
    connect(this, &QCustomPlot::beforeReplot, this, &RiskPlot::updateLineKey);
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    xAxis->setRange(1, 1000);
    yAxis->setRange(1e-3, 10);
    m_live = addGraph();
    m_live->setName(tr("live run"));
    m_live->setLineStyle(QCPGraph::lsNone);
    m_live->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssStar, QPen(Qt::black, 2), Qt::NoBrush, 14));
    m_live->removeFromLegend();
    scheduleReplot();
}

void RiskPlot::setSeries(const RiskSeries& series)
{
    const QString key = keyOf(series);
    auto it = std::find_if(m_series.begin(), m_series.end(), [&](const RiskSeries& s) { return keyOf(s) == key; });
    if (it != m_series.end())
        *it = series;
    else
        m_series.push_back(series);
    auto g = m_graphs.find(key);
    if (g == m_graphs.end()) {
        Graphs created;
        const auto [group, base] = keptParts(key);
        // A kept copy has its original's colour (lighter and dashed when drawn): one colour per family.
        created.colour = familyColour(base);
        created.group = group;
        created.points = new PointsGraph(xAxis, yAxis);
        created.bars = new QCPErrorBars(xAxis, yAxis);
        created.bars->removeFromLegend();
        created.bars->setDataPlottable(created.points);
        created.theory = addGraph();
        created.predicted = addGraph();
        created.bayes = addGraph();
        created.label = new QCPItemText(this);
        ++m_creations;
        g = m_graphs.insert(key, created);
    }
    draw(series, *g);
    drawPruned(series);
    updateKeptLegend();
    // The live point's legend entry stays last, below the curves.
    if (legend->hasItemWithPlottable(m_live)) {
        m_live->removeFromLegend();
        m_live->addToLegend();
    }
    rescale();
}

void RiskPlot::draw(const RiskSeries& s, Graphs& g)
{
    // Kept curves: the family's colour, lighter, dashed, hollow markers; grouped under one legend entry per keep.
    const bool kept = !g.group.isEmpty();
    const QColor colour = kept ? g.colour.lighter(135) : g.colour;
    const Qt::PenStyle lineStyle = kept ? Qt::DashLine : Qt::SolidLine;
    QString name = s.name;
    if (!s.slopeText.isEmpty())
        name += QStringLiteral(": ") + s.slopeText;
    else if (s.hasFit)
        name += tr(": slope %1 [%2, %3]")
                    .arg(signedNumber(s.slope), signedNumber(s.slopeLow), signedNumber(s.slopeHigh));
    // The means average converged runs only (aggregateBySamples): the entry says how many were left out.
    if (s.runsLeftOut > 0)
        name += QStringLiteral(" (") + app::leftOutNote(s.runsLeftOut, s.runsTotal, tr("runs")) + QLatin1Char(')');
    g.points->setName(name);
    g.points->setLineStyle(QCPGraph::lsNone);
    g.points->setScatterStyle(QCPScatterStyle(
        QCPScatterStyle::ssCircle, QPen(colour, 1.5), kept ? QBrush(Qt::white) : QBrush(colour.lighter(160)), 7));
    g.points->setPen(QPen(colour));
    static_cast<PointsGraph*>(g.points)->iconLine
        = s.theoryNEff.isEmpty() ? QPen(Qt::NoPen) : QPen(colour, 2, lineStyle);
    g.points->setData(s.nEff, s.mean);
    g.bars->setPen(QPen(colour, 1));
    QVector<double> lower(s.mean.size()), upper(s.mean.size());
    for (int i = 0; i < s.mean.size(); ++i) {
        // Clip the lower bar above zero so it stays drawable on a log axis.
        upper[i] = s.standardError.value(i);
        lower[i] = std::min(upper[i], 0.95 * s.mean[i]);
    }
    g.bars->setData(lower, upper);

    g.theory->setName(tr("%1: state evolution").arg(s.name));
    g.theory->setPen(QPen(colour, 2, lineStyle));
    g.theory->setData(s.theoryNEff, s.theoryRisk);

    g.bayes->setName(
        s.bayesRateOnly ? tr("%1: Bayes-optimal rate (no constant)").arg(s.name) : tr("%1: Bayes-optimal").arg(s.name));
    g.bayes->setPen(QPen(colour.darker(150), 1.5, Qt::DotLine));
    g.bayes->setData(s.bayesNEff, s.bayesRisk);

    g.predicted->data()->clear();
    g.label->setVisible(false);
    QString predictedText;
    if (s.hasPrediction && s.hasFit && !s.nEff.isEmpty() && !kept) {
        // The predicted slope over the fit window, anchored at the geometric centre of the points the fit used.
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
            for (double x : {s.fitFrom, s.fitTo})
                g.predicted->addData(x, std::exp(logY + s.predictedSlope * (std::log(x) - logX)));
            const QString what = s.phase.contains(QStringLiteral("→")) ? tr("phases") : tr("phase");
            g.predicted->setName(tr("%1: %2 %3, predicted slope %4%5")
                                     .arg(s.name, what, s.phase, signedNumber(s.predictedSlope),
                                         s.predictionInferred ? tr(" (inferred)") : QString()));
            predictedText = tr("; predicted %1 (%2%3)")
                                .arg(signedNumber(s.predictedSlope), s.phase,
                                    s.predictionInferred ? tr(", inferred") : QString());
            g.label->position->setCoords(s.fitTo, std::exp(logY + s.predictedSlope * (std::log(s.fitTo) - logX)));
            g.label->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
            g.label->setText(s.phase);
            g.label->setColor(colour.darker(130));
            g.label->setFont(QFont("sans", 9, QFont::Bold));
            g.label->setVisible(true);
        }
    }
    g.predicted->setPen(QPen(Qt::black, 1.5, Qt::DashLine));

    // One legend entry per curve: its points (marker on its line), or its theory curve when it has no points yet.
    // The theory, the predicted slope and the Bayes reference share the curve's colour and are named in the entry.
    if (!predictedText.isEmpty())
        g.points->setName(name + predictedText);
    for (QCPAbstractPlottable* p :
        {static_cast<QCPAbstractPlottable*>(g.points), static_cast<QCPAbstractPlottable*>(g.theory),
            static_cast<QCPAbstractPlottable*>(g.predicted), static_cast<QCPAbstractPlottable*>(g.bayes)})
        p->removeFromLegend();
    if (!kept) {
        if (!s.nEff.isEmpty())
            g.points->addToLegend();
        else if (!s.theoryNEff.isEmpty())
            g.theory->addToLegend();
    }
    // Graphs without data stay out of "fit to data" and of the tests' "what is drawn".
    for (QCPGraph* graph : {g.points, g.theory, g.predicted, g.bayes})
        graph->setVisible(!graph->data()->isEmpty());
    g.bars->setVisible(!s.nEff.isEmpty());
}

void RiskPlot::updateKeptLegend()
{
    // One entry per keep ("kept 2: quadratic d=100, 3 curves"), an empty graph drawn in the kept style.
    QHash<QString, QStringList> families;
    QHash<QString, int> counts;
    for (const RiskSeries& s : std::as_const(m_series)) {
        const auto [group, base] = keptParts(keyOf(s));
        if (group.isEmpty())
            continue;
        ++counts[group];
        const QString family = s.name.section(QStringLiteral(", "), 1);
        if (!family.isEmpty() && !families[group].contains(family))
            families[group] << family;
    }
    for (auto it = m_keptEntries.begin(); it != m_keptEntries.end();) {
        if (!counts.contains(it.key())) {
            removeGraph(it.value());
            it = m_keptEntries.erase(it);
        } else {
            ++it;
        }
    }
    for (auto it = counts.constBegin(); it != counts.constEnd(); ++it) {
        QCPGraph*& entry = m_keptEntries[it.key()];
        if (!entry) {
            entry = addGraph();
            entry->setPen(QPen(QColor(120, 120, 120), 2, Qt::DashLine));
            entry->setScatterStyle(
                QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(120, 120, 120), 1.5), Qt::white, 7));
            entry->setVisible(false);  // no data: only its legend entry shows
        }
        entry->setName(tr("kept %1: %2 (%n curve(s), dashed)", nullptr, it.value())
                           .arg(it.key().section('/', 1), families.value(it.key()).join(QStringLiteral("; "))));
        if (!legend->hasItemWithPlottable(entry))
            entry->addToLegend();
    }
}

void RiskPlot::removeSeries(const QString& id)
{
    m_series.erase(
        std::remove_if(m_series.begin(), m_series.end(), [&](const RiskSeries& s) { return keyOf(s) == id; }),
        m_series.end());
    const auto g = m_graphs.find(id);
    if (g != m_graphs.end()) {
        removePlottable(g->bars);
        removeGraph(g->points);
        removeGraph(g->theory);
        removeGraph(g->predicted);
        removeGraph(g->bayes);
        removeItem(g->label);
        m_graphs.erase(g);
    }
    removePruned(id);
    updateKeptLegend();
    rescale();
}

void RiskPlot::clearSeries()
{
    for (const QString& key : m_graphs.keys())
        removeSeries(key);
    m_series.clear();
    rescale();
}

QCPGraph* RiskPlot::pointsGraph(const QString& id) const
{
    const auto g = m_graphs.constFind(id);
    return g == m_graphs.constEnd() ? nullptr : g->points;
}

QCPGraph* RiskPlot::theoryGraph(const QString& id) const
{
    const auto g = m_graphs.constFind(id);
    return g == m_graphs.constEnd() ? nullptr : g->theory;
}

QCPGraph* RiskPlot::predictedGraph(const QString& id) const
{
    const auto g = m_graphs.constFind(id);
    return g == m_graphs.constEnd() ? nullptr : g->predicted;
}

void RiskPlot::setPrunedVisible(bool visible)
{
    m_prunedVisible = visible;
    for (const RiskSeries& s : std::as_const(m_series))
        drawPruned(s);
    rescale();
}

QCPGraph* RiskPlot::prunedGraph(const QString& id) const
{
    const auto g = m_pruned.constFind(id);
    return g == m_pruned.constEnd() ? nullptr : g->points;
}

QCPGraph* RiskPlot::prunedPredictionGraph(const QString& id) const
{
    const auto g = m_pruned.constFind(id);
    return g == m_pruned.constEnd() ? nullptr : g->predicted;
}

void RiskPlot::removePruned(const QString& key)
{
    const auto p = m_pruned.find(key);
    if (p == m_pruned.end())
        return;
    removeGraph(p->points);
    removeGraph(p->predicted);
    m_pruned.erase(p);
}

// Crosses at the pruned risk (the series' colour), a dotted line through the state evolution's prediction of it.
void RiskPlot::drawPruned(const RiskSeries& s)
{
    const QString key = keyOf(s);
    QVector<double> x, y, px, py;
    for (int i = 0; i < s.nEff.size(); ++i) {
        if (std::isfinite(s.prunedMean.value(i, app::kNaN))) {
            x << s.nEff[i];
            y << s.prunedMean[i];
        }
        if (std::isfinite(s.predictedPruned.value(i, app::kNaN))) {
            px << s.nEff[i];
            py << s.predictedPruned[i];
        }
    }
    const auto g = m_graphs.constFind(key);
    if (!m_prunedVisible || (x.isEmpty() && px.isEmpty()) || g == m_graphs.constEnd()) {
        removePruned(key);
        scheduleReplot();
        return;
    }
    PrunedGraphs& p = m_pruned[key];
    if (!p.points) {
        p.points = addGraph();
        p.predicted = addGraph();
    }
    const QColor colour = g->colour;
    // One legend entry per curve: the crosses name the dotted prediction too.
    p.points->setName(
        px.isEmpty() ? tr("%1: pruned").arg(s.name) : tr("%1: pruned (dotted: state evolution)").arg(s.name));
    p.points->setLineStyle(QCPGraph::lsNone);
    p.points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, QPen(colour, 2), Qt::NoBrush, 9));
    p.points->setData(x, y);
    p.predicted->setName(tr("%1: pruned, state evolution").arg(s.name));
    p.predicted->setPen(QPen(colour, 1.5, Qt::DotLine));
    p.predicted->setData(px, py);
    p.predicted->removeFromLegend();
    scheduleReplot();
}

QCPGraph* RiskPlot::bayesGraph(const QString& id) const
{
    const auto g = m_graphs.constFind(id);
    return g == m_graphs.constEnd() ? nullptr : g->bayes;
}

void RiskPlot::setLivePoint(double nEff, double risk)
{
    m_live->data()->clear();
    const bool shown = nEff > 0 && risk > 0 && std::isfinite(risk) && std::isfinite(nEff);
    if (shown)
        m_live->addData(nEff, risk);
    // The legend names the live point only while there is one.
    if (shown && !legend->hasItemWithPlottable(m_live))
        m_live->addToLegend();
    else if (!shown)
        m_live->removeFromLegend();
    if (shown) {
        // Keep the point in view without re-ranging at every snapshot.
        if (!xAxis->range().contains(nEff) || !yAxis->range().contains(risk))
            rescale();
    }
    scheduleReplot();
}

void RiskPlot::clearLivePoint()
{
    setLivePoint(0, 0);
}

void RiskPlot::rescale()
{
    double xLo = HUGE_VAL, xHi = 0, yLo = HUGE_VAL, yHi = 0;
    auto grow = [&](double x, double y) {
        if (x > 0 && y > 0 && std::isfinite(x) && std::isfinite(y)) {
            xLo = std::min(xLo, x);
            xHi = std::max(xHi, x);
            yLo = std::min(yLo, y);
            yHi = std::max(yHi, y);
        }
    };
    for (const RiskSeries& s : std::as_const(m_series)) {
        for (int i = 0; i < s.nEff.size(); ++i) {
            const double se = s.standardError.value(i);
            grow(s.nEff[i], s.mean[i] + se);
            grow(s.nEff[i], s.mean[i] - std::min(se, 0.95 * s.mean[i]));
        }
        for (int i = 0; i < s.theoryNEff.size(); ++i)
            grow(s.theoryNEff[i], s.theoryRisk[i]);
        if (m_prunedVisible) {
            for (int i = 0; i < s.nEff.size(); ++i) {
                grow(s.nEff[i], s.prunedMean.value(i, app::kNaN));
                grow(s.nEff[i], s.predictedPruned.value(i, app::kNaN));
            }
        }
        if (!s.bayesRateOnly)  // a rate without constant does not set the scale
            for (int i = 0; i < s.bayesNEff.size(); ++i)
                grow(s.bayesNEff[i], s.bayesRisk[i]);
    }
    for (auto it = m_live->data()->constBegin(); it != m_live->data()->constEnd(); ++it)
        grow(it->key, it->value);
    if (xHi > 0) {
        xAxis->setRange(xLo / 1.6, xHi * 1.6);
        yAxis->setRange(yLo / 2.0, yHi * 2.0);
    }
    scheduleReplot();
}

QString RiskPlot::dataCsv() const
{
    // Every row carries its series' parameters (issue 16, item 12): the configuration at the row's n. The parameters'
    // n_eff is the row's own (the plotted one; n rounds it for the quadratic net): a data column of its own had the
    // header name n_eff twice.
    QString csv = QStringLiteral("series,kind,risk,standard_error,") + parameterCsvHeader() + '\n';
    auto parameters = [](const RiskSeries& s, double nEff) {
        ExportParameters e;
        if (s.hasConfig) {
            const ProblemConfig& p = s.config.problem;
            e = exportParameters(s.config, s.seeds, ProblemConfig::samplesForNEff(p.model, p.dimension, nEff));
        }
        e.nEff = nEff;
        return parameterCsvValues(e);
    };
    for (const RiskSeries& s : m_series) {
        for (int i = 0; i < s.nEff.size(); ++i)
            csv += QStringLiteral("\"%1\",measured,%2,%3,%4\n")
                       .arg(s.name)
                       .arg(s.mean[i], 0, 'g', 10)
                       .arg(s.standardError.value(i), 0, 'g', 10)
                       .arg(parameters(s, s.nEff[i]));
        for (int i = 0; i < s.theoryNEff.size(); ++i)
            csv += QStringLiteral("\"%1\",state_evolution,%2,,%3\n")
                       .arg(s.name)
                       .arg(s.theoryRisk[i], 0, 'g', 10)
                       .arg(parameters(s, s.theoryNEff[i]));
    }
    return csv;
}

QJsonObject RiskPlot::dataJson() const
{
    QJsonArray series;
    for (const RiskSeries& s : m_series) {
        QJsonObject object{{"name", s.name}, {"id", s.id}, {"n_eff", toJson(s.nEff)}, {"mean", toJson(s.mean)},
            {"stderr", toJson(s.standardError)}, {"theory_n_eff", toJson(s.theoryNEff)},
            {"theory_risk", toJson(s.theoryRisk)}, {"bayes_n_eff", toJson(s.bayesNEff)},
            {"bayes_risk", toJson(s.bayesRisk)}, {"bayes_rate_only", s.bayesRateOnly}, {"phase", s.phase}};
        if (s.hasPrediction)
            object["predicted_slope"] = s.predictedSlope;
        if (s.hasConfig)
            object["config"] = s.config.toJson();  // model, d, p, λ, γ, Δ, amplitudes, solver, seeds (n: n_eff)
        QJsonArray seeds;
        for (const qulonglong seed : s.seeds)
            seeds.append(QString::number(seed));
        object["seeds"] = seeds;
        if (s.hasFit)
            object["fit"] = QJsonObject{{"slope", s.slope},
                {"slope_low", std::isfinite(s.slopeLow) ? QJsonValue(s.slopeLow) : QJsonValue()},
                {"slope_high", std::isfinite(s.slopeHigh) ? QJsonValue(s.slopeHigh) : QJsonValue()},
                {"points", s.fitPoints}, {"n_eff_from", s.fitFrom}, {"n_eff_to", s.fitTo}};
        series.append(object);
    }
    return QJsonObject{{"plot", "risk"}, {"series", series}};
}

QString RiskPlot::lineKeyText() const
{
    const auto drawn = [](const QCPGraph* g) { return g && g->visible() && !g->data()->isEmpty(); };
    bool theory = false, bayes = false, predicted = false, pruned = false;
    for (const Graphs& g : m_graphs) {
        theory = theory || drawn(g.theory);
        bayes = bayes || drawn(g.bayes);
        predicted = predicted || drawn(g.predicted);
    }
    for (const PrunedGraphs& p : m_pruned)
        pruned = pruned || drawn(p.points) || drawn(p.predicted);
    QStringList parts;
    if (theory)
        parts << tr("solid line: state evolution");
    if (bayes)
        parts << tr("dotted: Bayes-optimal");
    if (predicted)
        parts << tr("black dashed: predicted slope (Result 1)");
    if (pruned)
        parts << tr("×: pruned");
    return parts.join(QStringLiteral(" · "));
}

void RiskPlot::updateLineKey()
{
    // Wrapped like the title: centred text wider than the plot loses both ends.
    const QString text = lineKeyText();
    const QString shown = wrapToWidth(text, m_lineKey->font(), viewport().width() - 16);
    m_lineKey->setVisible(!text.isEmpty());
    m_lineKey->setText(shown);
}

}  // namespace sl::ui
