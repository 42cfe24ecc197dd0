// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/spectrum_plot.h"

#include "core/spectrum/trained_spectrum.h"
#include "ui/plot_export.h"
#include "ui/plot_style.h"

#include <QJsonArray>
#include <algorithm>
#include <cmath>

namespace sl::ui {
namespace {

constexpr double kZero = 1e-10;  // the teacher's and the prediction's exact zeros (not drawn on log axes)

QJsonArray toJson(const Eigen::VectorXd& values)
{
    QJsonArray array;
    for (Eigen::Index i = 0; i < values.size(); ++i)
        array.append(values(i));
    return array;
}

// The trained spectrum read as F·δ₀ + continuous part: values within kRelativeZeroTolerance of 0 (relative to the
// largest) are the point mass (docs/theory/spectra.md §8). NaN/Inf values (never produced by a finished run) are
// dropped from the histogram rather than thrown at the user.
sl::ZeroSplit splitZeros(const Eigen::VectorXd& values)
{
    if (values.allFinite())
        return sl::splitNumericalZeros(values);
    std::vector<double> finite;
    for (Eigen::Index i = 0; i < values.size(); ++i)
        if (std::isfinite(values(i)))
            finite.push_back(values(i));
    return sl::splitNumericalZeros(Eigen::Map<const Eigen::VectorXd>(finite.data(), Eigen::Index(finite.size())));
}

}  // namespace

SpectrumPlot::SpectrumPlot(QWidget* parent) : PlotView(tr("Eigenvalue spectrum of the trained weights"), parent)
{
    setObjectName("spectrumPlot");
    xAxis->setLabel(tr("eigenvalue"));
    yAxis->setLabel(tr("density"));
    legend->setVisible(true);
    legend->setFont(QFont("sans", 8));
    placeLegendBelow(this);  // the tail fit's long entry was clipped on the left inside the axis rect
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    rebuild();
}

void SpectrumPlot::setData(const SpectrumViewData& data)
{
    m_data = data;
    m_zeros = splitZeros(m_data.eigenvalues);
    rebuild();
}

void SpectrumPlot::setLogView(bool logView)
{
    m_logView = logView;
    rebuild();
}

std::vector<double> SpectrumPlot::currentEdges() const
{
    // One set of edges for every overlay, spanning the trained and the teacher's spectra.
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (const Eigen::VectorXd* v : {&m_zeros.nonZero, &m_data.teacher}) {
        for (Eigen::Index i = 0; i < v->size(); ++i) {
            const double x = (*v)(i);
            if (!std::isfinite(x) || (m_logView && x <= std::max(kZero, m_zeros.threshold)))
                continue;
            lo = std::min(lo, x);
            hi = std::max(hi, x);
        }
    }
    if (!(hi > lo))
        return {};
    if (m_logView)
        return logEdges(lo / 1.05, hi * 1.05, kBins);
    return linearEdges(std::min(0.0, lo), hi * 1.02, kBins);
}

QCPGraph* SpectrumPlot::addDensity(const Eigen::VectorXd& samples, const std::vector<double>& edges,
    const QString& name, const QPen& pen, const QBrush& brush, double weight)
{
    Histogram h = densityHistogram(samples, edges);
    for (double& d : h.density)
        d *= weight;
    auto* graph = addGraph();
    graph->setName(name);
    graph->setPen(pen);
    graph->setBrush(brush);
    graph->setLineStyle(QCPGraph::lsStepLeft);
    QVector<double> keys, values;
    for (std::size_t i = 0; i < h.density.size(); ++i) {
        // On a log axis an empty bin has no height to draw: use a floor far below the visible range.
        const double y = m_logView ? std::max(h.density[i], 1e-12) : h.density[i];
        keys << h.edges[i];
        values << y;
    }
    keys << h.edges.back();
    values << values.value(values.size() - 1);
    graph->setData(keys, values, true);
    return graph;
}

void SpectrumPlot::addVertical(double x, const QString& label, const QPen& pen)
{
    auto* line = new QCPItemStraightLine(this);
    line->point1->setCoords(x, 1);
    line->point2->setCoords(x, 2);
    line->setPen(pen);
    auto* text = new QCPItemText(this);
    text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    text->position->setCoords(x, 0.03);
    text->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    text->setRotation(90);
    text->setText(label);
    text->setColor(pen.color());
    text->setFont(QFont("sans", 8));
}

// The line at the threshold Corollary 2 prunes at, x → ReLU(x − (2δ − λε)). Quadratic network: the run's value
// is its bulk edge (inferred), the state evolution's 2δ − λε beside it in the label. Diagonal network: the level
// that minimises the LASSO state evolution's predicted pruned risk (docs/theory/decomposition.md §3a, inferred);
// its noise has no hard edge and no 2δ − λε.
void SpectrumPlot::addPruningThreshold()
{
    const double t = m_data.pruningThreshold;
    if (!std::isfinite(t))
        return;
    const QColor colour(140, 60, 160);
    const bool diagonal = m_data.hasConfig && m_data.config.problem.model == ModelKind::Diagonal;
    QString label = diagonal
        ? tr("pruning level ≈ %1 (state evolution's optimal soft level, inferred)").arg(t, 0, 'g', 4)
        : tr("pruning threshold 2δ − λε ≈ %1 (bulk edge, inferred)").arg(t, 0, 'g', 4);
    if (std::isfinite(m_data.predictedPruningThreshold))
        label += tr("; state evolution %1").arg(m_data.predictedPruningThreshold, 0, 'g', 4);
    if (!(t > 0)) {
        // 2δ − λε ≤ 0 or no bulk found: nothing is pruned, so no line.
        m_pruningLabel = new QCPItemText(this);
        m_pruningLabel->position->setType(QCPItemPosition::ptAxisRectRatio);
        m_pruningLabel->position->setCoords(0.98, 0.84);
        m_pruningLabel->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
        m_pruningLabel->setText(diagonal ? tr("nothing to prune: the state evolution's best pruning level is 0")
                                         : tr("nothing to prune: no noise bulk"));
        m_pruningLabel->setColor(colour);
        m_pruningLabel->setFont(QFont("sans", 8));
        return;
    }
    m_pruningLine = new QCPItemStraightLine(this);
    m_pruningLine->point1->setCoords(t, 1);
    m_pruningLine->point2->setCoords(t, 2);
    m_pruningLine->setPen(QPen(colour, 1.5, Qt::DashDotLine));
    m_pruningLabel = new QCPItemText(this);
    m_pruningLabel->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    // Horizontal, half-way down (clear of the legend and of the rotated bulk-edge and xmin labels at the top), on
    // the side of the line with more room.
    m_pruningLabel->position->setCoords(t, 0.5);
    const QCPRange x = xAxis->range();
    const bool rightHalf = m_logView ? t > std::sqrt(x.lower * x.upper) : t > x.center();
    m_pruningLabel->setPositionAlignment((rightHalf ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignTop);
    m_pruningLabel->setPadding(QMargins(4, 2, 4, 2));
    m_pruningLabel->setBrush(QColor(255, 255, 255, 210));
    m_pruningLabel->setText(label);
    m_pruningLabel->setColor(colour);
    m_pruningLabel->setFont(QFont("sans", 8));
}

void SpectrumPlot::rebuild()
{
    clearGraphs();
    clearItems();
    m_pruningLine = nullptr;
    m_pruningLabel = nullptr;
    m_trainedGraph = nullptr;
    m_pointMassLabel = nullptr;
    for (QCPAxis* axis : {xAxis, yAxis}) {
        if (m_logView) {
            applyLogAxis(axis);
        } else {
            axis->setScaleType(QCPAxis::stLinear);
            axis->setTicker(QSharedPointer<QCPAxisTicker>::create());
            axis->setNumberFormat("g");
            axis->setNumberPrecision(4);
        }
    }
    const std::vector<double> edges = currentEdges();
    const int n = int(m_data.eigenvalues.size());
    legend->setVisible(!edges.empty() && n > 0);  // no empty legend box before the first run
    if (edges.empty() && n > 0 && m_zeros.nZero > 0) {
        // Only the point mass: the weights collapsed to rank 0.
        drawPointMass(1);
        setTitle(tr("Eigenvalue spectrum: all %1 eigenvalues are zero (rank collapse)").arg(n));
        scheduleReplot();
        return;
    }
    if (edges.empty() || n == 0) {
        setTitle(n == 0 ? tr("Eigenvalue spectrum: no run yet — press F5 (Run) or click the phase diagram")
                        : tr("Eigenvalue spectrum: all %1 eigenvalues are zero (rank collapse)").arg(n));
        scheduleReplot();
        return;
    }
    const int zeros = m_zeros.nZero;
    const int total = zeros + int(m_zeros.nonZero.size());
    // The continuous part only, with its mass 1 − F: the numerical zeros are the point mass, drawn apart.
    if (m_zeros.nonZero.size() > 0)
        m_trainedGraph = addDensity(m_zeros.nonZero, edges, tr("trained weights (n = %1, %2 at 0)").arg(n).arg(zeros),
            QPen(QColor(0, 114, 178), 1.5), QBrush(QColor(0, 114, 178, 70)), double(m_zeros.nonZero.size()) / total);
    if (m_data.teacher.size() > 0)
        addDensity(
            m_data.teacher, edges, tr("teacher spectrum"), QPen(QColor(230, 159, 0), 1.5, Qt::DashLine), Qt::NoBrush);
    if (m_data.predicted.size() > 0) {
        QString name = m_data.predictedLabel.isEmpty() ? tr("state evolution ReLU(S*+δZ−λε)") : m_data.predictedLabel;
        if (std::isfinite(m_data.predictedWeightAtZero))
            name += tr(", %1% at 0").arg(100 * m_data.predictedWeightAtZero, 0, 'f', 0);
        addDensity(m_data.predicted, edges, name, QPen(QColor(204, 121, 167), 2), Qt::NoBrush);
    }

    double yMax = 0;
    double yMinPositive = HUGE_VAL;
    for (int g = 0; g < graphCount(); ++g) {
        for (auto it = graph(g)->data()->constBegin(); it != graph(g)->data()->constEnd(); ++it) {
            yMax = std::max(yMax, it->value);
            if (it->value > 1e-11)
                yMinPositive = std::min(yMinPositive, it->value);
        }
    }

    if (m_data.tail && m_data.tail->status == Status::Converged) {
        const TailFit& t = *m_data.tail;
        // p(x) = (n_tail/n) (α−1)/xmin (x/xmin)^(−α) above xmin: the fitted law on the density's scale.
        auto* fit = addGraph();
        // Two lines: the entry must fit a 1024-pixel screen's spectrum plot.
        QString name = tr("power-law tail α = %1 ± %2,\nxmin = %3, KS D = %4, n_tail = %5")
                           .arg(t.alpha, 0, 'f', 2)
                           .arg(t.sigma, 0, 'f', 2)
                           .arg(t.xmin, 0, 'g', 3)
                           .arg(t.ks, 0, 'f', 3)
                           .arg(t.nTail);
        if (std::isfinite(m_data.predictedAlpha))
            name += tr("\n(predicted 1+1/γ = %1, inferred)").arg(m_data.predictedAlpha, 0, 'f', 2);
        fit->setName(name);
        fit->setPen(QPen(QColor(213, 94, 0), 2));
        const double xEnd = std::isfinite(t.xmax) ? t.xmax : edges.back();
        const double scale = double(t.nTail) / n * (t.alpha - 1) / t.xmin;
        for (int k = 0; k <= 40; ++k) {
            const double x = t.xmin * std::pow(xEnd / t.xmin, k / 40.0);
            fit->addData(x, scale * std::pow(x / t.xmin, -t.alpha));
        }
        addVertical(t.xmin, tr("xmin"), QPen(QColor(213, 94, 0), 1, Qt::DotLine));
    } else if (m_data.tail) {
        auto* note = new QCPItemText(this);
        note->position->setType(QCPItemPosition::ptAxisRectRatio);
        // Bottom right, clear of the legend (top right) and of the density's bulk near zero.
        note->position->setCoords(0.98, 0.93);
        note->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
        const QFont font("sans", 8);
        // Wrapped to the axis rect's width (before the first layout: 60 characters), on a light box over the bars.
        // The axis rect's width is stale while the plot is being rebuilt (negative in a narrow plot whose legend was
        // just refilled), so the viewport bounds it too.
        const QString text = tr("no tail fit: %1").arg(QString::fromStdString(m_data.tail->message));
        const int axisWidth = axisRect()->width();
        const int viewWidth = viewport().width() - 80;  // less the y axis' labels
        const int width = axisWidth > 0 ? std::min(axisWidth, viewWidth) : viewWidth;
        const QString wrapped = width > 0 ? wrapToWidth(text, font, int(0.9 * width)) : wrapWords(text, 60);
        note->setText(wrapped);
        note->setTextAlignment(Qt::AlignRight);
        note->setBrush(QColor(255, 255, 255, 210));
        note->setColor(QColor(120, 120, 120));
        note->setFont(font);
    }
    if (m_data.bulk && m_data.bulk->status == Status::Converged && std::isfinite(m_data.bulk->edge)
        && (!m_logView || m_data.bulk->edge > 0))
        addVertical(m_data.bulk->edge, tr("bulk edge (inferred), %1 outliers").arg(m_data.bulk->nOutliers),
            QPen(QColor(0, 158, 115), 1.5, Qt::DashLine));
    drawPointMass(yMax);

    xAxis->setRange(edges.front(), edges.back());
    if (!m_logView && zeros > 0)
        xAxis->setRange(std::min(edges.front(), -0.02 * edges.back()), edges.back());  // the bar at 0 in view
    if (m_logView)
        yAxis->setRange(std::min(yMinPositive, yMax) / 3, yMax * 3);
    else
        yAxis->setRange(0, yMax * 1.1);
    addPruningThreshold();  // after the ranges: the label goes on the roomier side
    QString title = m_logView ? tr("Spectrum (log-log, log bins)") : tr("Eigenvalue spectrum");
    if (!m_data.spectralPhase.isEmpty())
        title += tr(": %1 (inferred)").arg(m_data.spectralPhase);
    setTitle(title);
    scheduleReplot();
}

void SpectrumPlot::drawPointMass(double barHeight)
{
    const int zeros = m_zeros.nZero;
    const int total = zeros + int(m_zeros.nonZero.size());
    if (zeros == 0 || total == 0)
        return;
    const QColor colour(0, 114, 178);
    if (!m_logView) {
        // The paper's F·δ₀: a bar at 0 (its height is not a density), labelled with its weight.
        auto* bar = new QCPItemLine(this);
        bar->start->setCoords(0, 0);
        bar->end->setCoords(0, barHeight);
        bar->setPen(QPen(colour, 4));
        bar->setHead(QCPLineEnding(QCPLineEnding::esDisc, 8));
    }
    m_pointMassLabel = new QCPItemText(this);
    m_pointMassLabel->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_pointMassLabel->position->setCoords(0.98, 0.03);
    m_pointMassLabel->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
    m_pointMassLabel->setText(tr("point mass at 0: %1 % (%2 of %3)%4")
                                  .arg(100.0 * zeros / total, 0, 'f', 0)
                                  .arg(zeros)
                                  .arg(total)
                                  .arg(m_logView ? tr("\n(not drawn on log axes)") : QString()));
    m_pointMassLabel->setColor(colour.darker(130));
    m_pointMassLabel->setBrush(QColor(255, 255, 255, 210));
    m_pointMassLabel->setPadding(QMargins(3, 1, 3, 1));
    m_pointMassLabel->setFont(QFont("sans", 8, QFont::Bold));
}

double SpectrumPlot::pointMassWeight() const
{
    return m_zeros.zeroFraction();
}

QString SpectrumPlot::dataCsv() const
{
    // Every row carries the run's parameters (issue 16, item 12) and whether it counts as an exact zero.
    QString csv = QStringLiteral("kind,index,value,numerical_zero,") + parameterCsvHeader()
        + sourceCsvHeader(m_data.source) + '\n';
    const QString parameters
        = (m_data.hasConfig ? parameterCsvValues(m_data.config, {}) : parameterCsvValues(ExportParameters{}))
        + sourceCsvValues(m_data.source);
    auto emitValues = [&](const char* kind, const Eigen::VectorXd& v) {
        const bool trained = QLatin1String(kind) == QLatin1String("trained");
        for (Eigen::Index i = 0; i < v.size(); ++i)
            csv += QStringLiteral("%1,%2,%3,%4,%5\n")
                       .arg(kind)
                       .arg(i)
                       .arg(v(i), 0, 'g', 12)
                       .arg(trained && m_zeros.nZero > 0 && std::abs(v(i)) <= m_zeros.threshold ? 1 : 0)
                       .arg(parameters);
    };
    emitValues("trained", m_data.eigenvalues);
    emitValues("teacher", m_data.teacher);
    emitValues("state_evolution", m_data.predicted);
    return csv;
}

QJsonObject SpectrumPlot::dataJson() const
{
    QJsonObject object{{"plot", "spectrum"}, {"eigenvalues", toJson(m_data.eigenvalues)},
        {"teacher", toJson(m_data.teacher)}, {"state_evolution", toJson(m_data.predicted)}};
    if (m_data.tail) {
        const TailFit& t = *m_data.tail;
        object["tail_fit"] = QJsonObject{{"status", toString(t.status)}, {"message", QString::fromStdString(t.message)},
            {"alpha", t.alpha}, {"sigma", t.sigma}, {"xmin", t.xmin}, {"ks", t.ks}, {"n_tail", t.nTail}};
    }
    if (m_data.bulk)
        object["bulk_edge"] = QJsonObject{{"edge", m_data.bulk->edge}, {"outliers", m_data.bulk->nOutliers}};
    if (std::isfinite(m_data.predictedAlpha))
        object["predicted_alpha_inferred"] = m_data.predictedAlpha;
    object["point_mass_at_zero"] = QJsonObject{{"count", m_zeros.nZero}, {"weight", m_zeros.zeroFraction()},
        {"threshold", m_zeros.threshold}, {"relative_tolerance", sl::kRelativeZeroTolerance}};
    if (m_data.hasConfig)
        object["config"] = m_data.config.toJson();
    if (!m_data.source.isEmpty())
        object["source"] = m_data.source;
    return object;
}

}  // namespace sl::ui
