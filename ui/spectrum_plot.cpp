// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/spectrum_plot.h"

#include "core/spectrum/trained_spectrum.h"
#include "ui/plot_export.h"
#include "ui/plot_style.h"

#include <QHelpEvent>
#include <QJsonArray>
#include <QToolTip>
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

// The leading words of a legend entry, before its first number, equation or parenthesis ("Marchenko–Pastur fit σ² =
// 1.3, q = 0.5 (inferred fit)" → "Marchenko–Pastur fit"): its brief wording where the plot is short.
QString leadingWords(const QString& name)
{
    QStringList words;
    for (const QString& word : QString(name).replace('\n', ' ').split(' ', Qt::SkipEmptyParts)) {
        const bool plain = std::none_of(word.begin(), word.end(),
            [](QChar c) { return c.isNumber() || c == '=' || c == '(' || c == QChar(0x2248) || c == ','; });
        if (!plain)
            break;
        words << word;
    }
    return words.isEmpty() ? name.section('\n', 0, 0) : words.join(' ');
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
    // The notes line: what finds no room inside the axis rect (updateLayout puts it under the axis rect).
    m_notes = new QCPTextElement(this, QString(), QFont("sans", 8));
    m_notes->setTextColor(QColor(90, 90, 90));
    m_notes->setTextFlags(Qt::AlignLeft | Qt::AlignVCenter);
    m_notes->setMargins(QMargins(8, 2, 8, 2));
    m_notes->setVisible(false);
    // QCustomPlot's least axis rect is 50×50: the least height kept here is lower, so that the title of a short plot
    // keeps its height instead (updateLayout).
    axisRect()->setMinimumSize(50, kLeastAxisRectHeight);
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

void SpectrumPlot::addVertical(double x, const QStringList& wordings, const QPen& pen)
{
    auto* line = new QCPItemStraightLine(this);
    line->point1->setCoords(x, 1);
    line->point2->setCoords(x, 2);
    line->setPen(pen);
    QCPItemText* text = addAnnotation(AnnotationKind::AlongLine, wordings, x);
    text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    text->position->setCoords(x, 0.03);
    text->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    text->setRotation(90);
    text->setColor(pen.color());
    text->setFont(QFont("sans", 8));
}

QCPItemText* SpectrumPlot::addAnnotation(AnnotationKind kind, const QStringList& wordings, double x)
{
    auto* text = new QCPItemText(this);
    text->setText(wordings.value(0));  // until the first layout places it
    m_annotations.push_back({text, kind, wordings, x});
    return text;
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
    const QString level = QString::number(t, 'g', 4);
    QStringList wordings = diagonal
        ? QStringList{tr("pruning level ≈ %1 (state evolution's optimal soft level, inferred)").arg(level),
            tr("pruning level ≈ %1 (inferred)").arg(level)}
        : QStringList{tr("pruning threshold 2δ − λε ≈ %1 (bulk edge, inferred)").arg(level),
            tr("pruning threshold ≈ %1 (inferred)").arg(level)};
    wordings << tr("pruning ≈ %1 (inferred)").arg(level);
    if (std::isfinite(m_data.predictedPruningThreshold))
        wordings.prepend(
            wordings.first() + tr("; state evolution %1").arg(m_data.predictedPruningThreshold, 0, 'g', 4));
    if (!(t > 0)) {
        // 2δ − λε ≤ 0 or no bulk found: nothing is pruned, so no line.
        m_pruningLabel = addAnnotation(AnnotationKind::Corner,
            {diagonal ? tr("nothing to prune: the state evolution's best pruning level is 0")
                      : tr("nothing to prune: no noise bulk"),
                tr("nothing to prune")});
        m_pruningLabel->position->setType(QCPItemPosition::ptAxisRectRatio);
        m_pruningLabel->position->setCoords(0.98, 0.84);
        m_pruningLabel->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
        m_pruningLabel->setColor(colour);
        m_pruningLabel->setFont(QFont("sans", 8));
        return;
    }
    m_pruningLine = new QCPItemStraightLine(this);
    m_pruningLine->point1->setCoords(t, 1);
    m_pruningLine->point2->setCoords(t, 2);
    m_pruningLine->setPen(QPen(colour, 1.5, Qt::DashDotLine));
    // Horizontal, beside its line on the side with more room, half-way down first (clear of the rotated bulk-edge and
    // xmin labels at the top).
    m_pruningLabel = addAnnotation(AnnotationKind::BesideLine, wordings, t);
    m_pruningLabel->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_pruningLabel->position->setCoords(t, 0.5);
    m_pruningLabel->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_pruningLabel->setPadding(QMargins(4, 2, 4, 2));
    m_pruningLabel->setBrush(QColor(255, 255, 255, 210));
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
    m_pointMassBar = nullptr;
    m_annotations.clear();
    m_legendEntries.clear();
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
    m_legendWanted = !edges.empty() && n > 0;  // no empty legend box before the first run
    legend->setVisible(m_legendWanted);
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
    // Each legend entry with its brief wording, for a plot too short for the whole ones (updateLayout).
    if (m_zeros.nonZero.size() > 0) {
        m_trainedGraph = addDensity(m_zeros.nonZero, edges, tr("trained weights (n = %1, %2 at 0)").arg(n).arg(zeros),
            QPen(QColor(0, 114, 178), 1.5), QBrush(QColor(0, 114, 178, 70)), double(m_zeros.nonZero.size()) / total);
        m_legendEntries.push_back({m_trainedGraph, m_trainedGraph->name(), tr("trained weights")});
    }
    if (m_data.teacher.size() > 0) {
        QCPGraph* teacher = addDensity(
            m_data.teacher, edges, tr("teacher spectrum"), QPen(QColor(230, 159, 0), 1.5, Qt::DashLine), Qt::NoBrush);
        m_legendEntries.push_back({teacher, teacher->name(), tr("teacher")});
    }
    if (m_data.predicted.size() > 0) {
        QString name = m_data.predictedLabel.isEmpty() ? tr("state evolution ReLU(S*+δZ−λε)") : m_data.predictedLabel;
        if (std::isfinite(m_data.predictedWeightAtZero))
            name += tr(", %1% at 0").arg(100 * m_data.predictedWeightAtZero, 0, 'f', 0);
        QCPGraph* predicted = addDensity(m_data.predicted, edges, name, QPen(QColor(204, 121, 167), 2), Qt::NoBrush);
        m_legendEntries.push_back({predicted, name, leadingWords(name)});
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

    double xminLine = std::nan("");
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
        m_legendEntries.push_back({fit, name, tr("power-law tail α = %1").arg(t.alpha, 0, 'f', 2)});
        fit->setPen(QPen(QColor(213, 94, 0), 2));
        const double xEnd = std::isfinite(t.xmax) ? t.xmax : edges.back();
        const double scale = double(t.nTail) / n * (t.alpha - 1) / t.xmin;
        for (int k = 0; k <= 40; ++k) {
            const double x = t.xmin * std::pow(xEnd / t.xmin, k / 40.0);
            fit->addData(x, scale * std::pow(x / t.xmin, -t.alpha));
        }
        xminLine = t.xmin;
    }
    drawPointMass(yMax);
    // In this order the annotations take their places (the tail fit's note, the longest, last).
    addPruningThreshold();
    if (m_data.bulk && m_data.bulk->status == Status::Converged && std::isfinite(m_data.bulk->edge)
        && (!m_logView || m_data.bulk->edge > 0))
        addVertical(m_data.bulk->edge,
            {tr("bulk edge (inferred), %1 outliers").arg(m_data.bulk->nOutliers), tr("bulk edge (inferred)")},
            QPen(QColor(0, 158, 115), 1.5, Qt::DashLine));
    if (std::isfinite(xminLine))
        addVertical(xminLine, {tr("xmin")}, QPen(QColor(213, 94, 0), 1, Qt::DotLine));
    if (m_data.tail && m_data.tail->status != Status::Converged) {
        // On a light box over the bars, wrapped to the axis rect when it is placed (a text item does not wrap). The
        // first clause alone where the whole does not fit ("…, too few for a tail fit (need at least 50)").
        const QString message = QString::fromStdString(m_data.tail->message);
        QStringList wordings{tr("no tail fit: %1").arg(message)};
        if (message.contains(';'))
            wordings << tr("no tail fit: %1").arg(message.section(';', 0, 0));
        wordings << tr("no tail fit");
        auto* note = addAnnotation(AnnotationKind::Corner, wordings);
        note->position->setType(QCPItemPosition::ptAxisRectRatio);
        note->position->setCoords(0.98, 0.93);
        note->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
        note->setTextAlignment(Qt::AlignRight);
        note->setBrush(QColor(255, 255, 255, 210));
        note->setColor(QColor(120, 120, 120));
        note->setFont(QFont("sans", 8));
    }

    xAxis->setRange(edges.front(), edges.back());
    if (!m_logView && zeros > 0)
        xAxis->setRange(std::min(edges.front(), -0.02 * edges.back()), edges.back());  // the bar at 0 in view
    if (m_logView)
        yAxis->setRange(std::min(yMinPositive, yMax) / 3, yMax * 3);
    else
        yAxis->setRange(0, yMax * 1.1);
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
        m_pointMassBar = new QCPItemLine(this);
        m_pointMassBar->start->setCoords(0, 0);
        m_pointMassBar->end->setCoords(0, barHeight);
        m_pointMassBar->setPen(QPen(colour, 4));
        m_pointMassBar->setHead(QCPLineEnding(QCPLineEnding::esDisc, 8));
    }
    const QString percent = QString::number(100.0 * zeros / total, 'f', 0);
    const QString notDrawn = m_logView ? tr(" (not drawn on log axes)") : QString();
    m_pointMassLabel = addAnnotation(AnnotationKind::PointMass,
        {tr("point mass at 0: %1 % (%2 of %3)%4").arg(percent).arg(zeros).arg(total).arg(notDrawn),
            tr("point mass at 0: %1 %").arg(percent) + (m_logView ? tr(" (not drawn)") : QString()),
            tr("at 0: %1 %").arg(percent)});
    m_pointMassLabel->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_pointMassLabel->position->setCoords(0.98, 0.03);
    m_pointMassLabel->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
    m_pointMassLabel->setColor(colour.darker(130));
    m_pointMassLabel->setBrush(QColor(255, 255, 255, 210));
    m_pointMassLabel->setPadding(QMargins(3, 1, 3, 1));
    m_pointMassLabel->setFont(QFont("sans", 8, QFont::Bold));
}

// --- annotations (issue 16) ---------------------------------------------------------------------------------------

QVector<QCPItemText*> SpectrumPlot::annotations() const
{
    QVector<QCPItemText*> out;
    for (const Annotation& a : m_annotations)
        out << a.item;
    return out;
}

bool SpectrumPlot::notesShown() const
{
    return m_notes->visible() && plotLayout()->elements(false).contains(m_notes);
}

QRect SpectrumPlot::notesTextRect() const
{
    if (!notesShown())
        return {};
    return QFontMetrics(m_notes->font()).boundingRect(m_notes->rect(), m_notes->textFlags(), m_notes->text());
}

QVector<TextSpot> SpectrumPlot::spotsFor(const Annotation& a, const QRectF& area) const
{
    const double top = area.top(), bottom = area.bottom(), right = area.right();
    // Right of the point mass's bar, which nothing may cover.
    const double left
        = m_pointMassBar ? std::max(area.left(), m_pointMassBar->end->pixelPosition().x() + 10) : area.left();
    const Qt::Alignment topRight = Qt::AlignRight | Qt::AlignTop, topLeft = Qt::AlignLeft | Qt::AlignTop;
    const Qt::Alignment bottomRight = Qt::AlignRight | Qt::AlignBottom, bottomLeft = Qt::AlignLeft | Qt::AlignBottom;
    const double middle = area.center().y();
    switch (a.kind) {
    case AnnotationKind::PointMass:
        // Top right as it always was; then beside the bar, then along the bottom.
        return {{{right, top}, topRight}, {{left, top}, topLeft}, {{right, middle}, Qt::AlignRight | Qt::AlignVCenter},
            {{right, bottom}, bottomRight}, {{left, bottom}, bottomLeft}};
    case AnnotationKind::Corner:
        return {{{right, bottom}, bottomRight}, {{left, bottom}, bottomLeft}, {{right, top}, topRight},
            {{left, top}, topLeft}, {{area.center().x(), middle}, Qt::AlignCenter}};
    case AnnotationKind::BesideLine: {
        // Horizontal, on the side of the line with more room first, half-way down first.
        const double x = xAxis->coordToPixel(a.x);
        const bool leftFirst = x - area.left() > right - x;
        QVector<TextSpot> spots;
        for (const double f : {0.5, 0.35, 0.65, 0.2, 0.8, 0.05, 0.95})
            for (const bool onLeft : {leftFirst, !leftFirst})
                spots.push_back({{onLeft ? x - 5 : x + 5, top + f * (bottom - top)},
                    (onLeft ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter});
        return spots;
    }
    case AnnotationKind::AlongLine: {
        // Turned by 90° (reading down the line) from its top: anchored at its top left the text lies left of the line,
        // at its bottom left right of it.
        const double x = xAxis->coordToPixel(a.x);
        QVector<TextSpot> spots;
        for (const double f : {0.0, 0.25, 0.5})
            for (const bool onLeft : {true, false})
                spots.push_back({{onLeft ? x - 1 : x + 1, top + f * (bottom - top)}, onLeft ? topLeft : bottomLeft});
        return spots;
    }
    }
    return {};
}

QVector<const QCPItemText*> SpectrumPlot::placeAnnotations(const QVector<const QCPItemText*>& toNotes)
{
    const QRectF area = QRectF(axisRect()->rect()).adjusted(3, 3, -3, -3);
    QVector<QPolygonF> taken;
    if (m_pointMassBar) {
        const QPointF foot = m_pointMassBar->start->pixelPosition(), head = m_pointMassBar->end->pixelPosition();
        const double half = m_pointMassBar->pen().widthF() / 2 + 5;  // the disc at its head
        taken << QPolygonF(QRectF(QPointF(head.x() - half, head.y() - half), QPointF(foot.x() + half, foot.y())));
    }
    QVector<const QCPItemText*> inNotes;
    for (const Annotation& a : std::as_const(m_annotations)) {
        if (toNotes.contains(a.item) || area.width() <= 0 || area.height() <= 0) {
            a.item->setVisible(false);
            inNotes << a.item;
            continue;
        }
        QStringList wordings = a.wordings;
        if (a.kind == AnnotationKind::PointMass || a.kind == AnnotationKind::Corner)
            for (QString& w : wordings)
                w = wrapToWidth(w, a.item->font(), int(0.9 * area.width()));
        wordings.removeDuplicates();
        if (!placeTextClear(a.item, wordings, spotsFor(a, area), area, taken, a.wordings.first()))
            inNotes << a.item;
    }
    return inNotes;
}

bool SpectrumPlot::showNotes(const QVector<const QCPItemText*>& items)
{
    QCPLayoutGrid* layout = plotLayout();
    const bool inLayout = layout->elements(false).contains(m_notes);
    if (items.isEmpty() || m_fit >= Fit::NoNotes) {
        m_notes->setVisible(false);
        if (!inLayout)
            return false;
        layout->take(m_notes);
        layout->simplify();
        return true;
    }
    bool changed = false;
    if (!inLayout) {
        // Right under the axis rect, above the legend.
        int row = 0;
        for (int r = 0; r < layout->rowCount(); ++r)
            if (layout->hasElement(r, 0) && layout->element(r, 0) == axisRect())
                row = r + 1;
        layout->insertRow(row);
        layout->addElement(row, 0, m_notes);
        layout->setRowStretchFactor(row, 0.001);
        m_notes->setVisible(true);
        applyDisplayScale();  // its font, at this layout already
        changed = true;
    }
    // Each whole, one after the other; where that takes more than kMaxNoteLines lines (a small plot) the shortest
    // wordings, run together, and the whole texts as the line's tooltip.
    const int width = viewport().width() - m_notes->margins().left() - m_notes->margins().right();
    QStringList whole, oneLine, shortest, tooltip;
    for (const Annotation& a : std::as_const(m_annotations)) {
        if (items.contains(a.item)) {
            oneLine << QString(a.wordings.first()).replace('\n', ' ');
            whole << wrapToWidth(oneLine.last(), m_notes->font(), width);
            shortest << QString(a.wordings.last()).replace('\n', ' ');
            tooltip << a.wordings.first();
        }
    }
    const QString separator = QStringLiteral(" · ");
    QString text = whole.join('\n');
    if (m_fit >= Fit::NotesOneLine) {
        // One line: the whole texts where they fit it, else the shortest wordings, cut with "…" where even those do
        // not fit (the whole texts are the tooltip).
        const QFontMetrics metrics(m_notes->font());
        text = oneLine.join(separator);
        if (metrics.horizontalAdvance(text) > width)
            text = metrics.elidedText(shortest.join(separator), Qt::ElideRight, std::max(0, width));
    } else if (text.count('\n') + 1 > kMaxNoteLines) {
        text = wrapToWidth(shortest.join(separator), m_notes->font(), width);
    }
    setFullText(m_notes, tooltip.join('\n'));
    m_notesFullText = tooltip.join('\n');
    const QColor colour = items.size() == 1 ? items.first()->color() : QColor(90, 90, 90);
    if (m_notes->textColor() != colour)
        m_notes->setTextColor(colour);
    if (text != m_notes->text()) {
        m_notes->setText(text);
        changed = true;
    }
    return changed;
}

QString SpectrumPlot::notesFullText() const
{
    return notesShown() ? m_notesFullText : QString();
}

QString SpectrumPlot::legendFullName(const QCPAbstractPlottable* plottable) const
{
    for (const LegendEntry& entry : m_legendEntries)
        if (entry.plottable == plottable)
            return entry.full;
    return plottable ? plottable->name() : QString();
}

bool SpectrumPlot::nameLegendEntries()
{
    bool changed = false;
    // Out of the layout where it is not drawn: an invisible element keeps its height in a QCPLayoutGrid.
    const bool shown = m_legendWanted && m_fit < Fit::NoLegend;
    QCPLayoutGrid* layout = plotLayout();
    const bool inLayout = layout->elements(false).contains(legend);
    if (shown && !inLayout) {
        const int row = layout->rowCount();
        layout->addElement(row, 0, legend);
        layout->setRowStretchFactor(row, 0.001);
        applyDisplayScale();  // its font, at this layout already
        changed = true;
    } else if (!shown && inLayout && m_fit >= Fit::NoLegend) {
        layout->take(legend);
        layout->simplify();
        changed = true;
    }
    if (legend->visible() != shown)
        legend->setVisible(shown);
    auto rename = [this](auto nameOf) {
        bool renamed = false;
        for (const LegendEntry& entry : std::as_const(m_legendEntries)) {
            const QString name = nameOf(entry);
            if (entry.plottable->name() != name) {
                entry.plottable->setName(name);
                renamed = true;
            }
        }
        if (renamed)
            fitLegendToWidth(this);  // its columns (and font) for the new wordings
        return renamed;
    };
    changed |= rename([this](const LegendEntry& e) { return m_fit >= Fit::BriefLegend ? e.brief : e.full; });
    if (m_fit >= Fit::OneRowLegend) {
        // One row: each entry gets an equal share of the width, its icon and margins included.
        int entries = 0;
        for (const LegendEntry& entry : std::as_const(m_legendEntries))
            entries += legend->hasItemWithPlottable(entry.plottable) ? 1 : 0;
        const QMargins margins = legend->margins();
        const int share = entries == 0
            ? 0
            : (viewport().width() - margins.left() - margins.right() - legend->columnSpacing() * (entries - 1))
                / entries;
        changed |= rename([&](const LegendEntry& e) {
            QCPPlottableLegendItem* item = legend->itemWithPlottable(e.plottable);
            if (!item)
                return e.brief;
            const QMargins m = item->margins();
            const int text = share - m.left() - m.right() - legend->iconSize().width() - legend->iconTextPadding() - 1;
            return QFontMetrics(item->font()).elidedText(e.brief, Qt::ElideRight, std::max(0, text));
        });
    }
    return changed;
}

bool SpectrumPlot::legendFitsWidth() const
{
    // fitLegendToWidth wraps the entries into columns; an entry wider than the widget alone would be cut.
    const int available = viewport().width() - legend->margins().left() - legend->margins().right();
    for (int i = 0; i < legend->itemCount(); ++i)
        if (const QCPLayoutElement* item = legend->item(i); item && item->minimumOuterSizeHint().width() > available)
            return false;
    return true;
}

int SpectrumPlot::layoutHeightFor(int axisRectHeight) const
{
    // What QCPLayout::getFinalMinimumOuterSize takes for the axis rect (no minimum size of its own: its margins, the
    // tick and axis labels), replaced by its margins plus `axisRectHeight`.
    const QCPAxisRect* rect = axisRect();
    const QMargins m = rect->margins();
    const int ownMinimum = rect->minimumSize().height() > 0 ? rect->minimumSize().height() + m.top() + m.bottom()
                                                            : rect->minimumOuterSizeHint().height();
    const int wanted = std::max(ownMinimum, axisRectHeight + m.top() + m.bottom());
    return plotLayout()->minimumOuterSizeHint().height() - ownMinimum + wanted;
}

void SpectrumPlot::layOutAt(Fit fit)
{
    m_fit = fit;
    axisRect()->setMinimumSize(50, fit >= Fit::NoLegend ? kNotesKeptAxisRectHeight : kLeastAxisRectHeight);
    nameLegendEntries();
    PlotView::updateLayout();
    // An annotation that found no room goes to the notes line; the line takes height from the axis rect, so the
    // others are placed again, with those already sent there kept there (at most one pass per annotation).
    QVector<const QCPItemText*> toNotes;
    for (int pass = 0; pass <= m_annotations.size(); ++pass) {
        toNotes = placeAnnotations(toNotes);
        if (!showNotes(toNotes))
            break;
        PlotView::updateLayout();
    }
}

void SpectrumPlot::updateLayout()
{
    if (!m_notes) {
        PlotView::updateLayout();
        return;  // still in the constructor
    }
    // Where the layout is taller than the widget QCustomPlot shrinks every row by the same factor: the title and the
    // notes line were cut at 1024×768 with the decomposition dock open. Each step shortens the texts around the axis
    // rect until title + usable axis rect + notes + legend fit; where none does, the last keeps the legend while the
    // axis rect keeps kLeastAxisRectHeight; only then the legend goes, and last the notes line.
    const int height = viewport().height();
    for (const Fit fit : {Fit::Full, Fit::NotesOneLine, Fit::BriefLegend, Fit::OneRowLegend}) {
        layOutAt(fit);
        if (height <= 0 || (layoutHeightFor(kUsableAxisRectHeight) <= height && legendFitsWidth()))
            return;
    }
    if (layoutHeightFor(kLeastAxisRectHeight) <= height && legendFitsWidth())
        return;
    layOutAt(Fit::NoLegend);
    if (layoutHeightFor(0) > height)
        layOutAt(Fit::NoNotes);
}

bool SpectrumPlot::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto* help = static_cast<QHelpEvent*>(event);
        for (const LegendEntry& entry : std::as_const(m_legendEntries)) {
            QCPPlottableLegendItem* item = legend->itemWithPlottable(entry.plottable);
            if (legend->visible() && item && entry.plottable->name() != entry.full
                && item->outerRect().contains(help->pos())) {
                QToolTip::showText(help->globalPos(), entry.full, this);
                return true;
            }
        }
    }
    return PlotView::event(event);
}

// --- end of annotations --------------------------------------------------------------------------------------------

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
