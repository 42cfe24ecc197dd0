// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/phase_diagram_view.h"

#include "ui/plot_style.h"

#include <QComboBox>
#include <QHelpEvent>
#include <QJsonArray>
#include <QMap>
#include <QPushButton>
#include <QToolTip>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <cmath>
#include <set>

namespace sl::ui {
namespace {

// The key's row under the map: exactly the height its entries need (none while empty) and never wider than the
// map's column asks. The entries are items drawn into it (a swatch, a pen sample and a text each).
class LineKeyRow : public QCPLayoutElement {
public:
    explicit LineKeyRow(QCustomPlot* plot) : QCPLayoutElement(plot)
    {
        setAutoMargins(QCP::msNone);
        setMargins(QMargins());
    }
    void setContentHeight(int height) { m_height = std::max(0, height); }
    QSize minimumOuterSizeHint() const override { return QSize(1, m_height); }
    QSize maximumOuterSizeHint() const override { return QSize(QWIDGETSIZE_MAX, m_height); }

private:
    int m_height = 0;
};

// The key's swatch: a mid grey that the dark line (L1) and the white ones (L2, L3) both show on.
const QColor kKeySwatch(125, 125, 125);

// The colour scale covers the slopes the phases predict: III's −2 to the plateaus' 0 (docs/theory/phase-diagram.md §5).
constexpr double kSlopeMin = -2.0;
constexpr double kSlopeMax = 0.0;

}  // namespace

PhaseDiagramView::PhaseDiagramView(QWidget* parent)
    : PlotView(tr("Phase diagram: predicted slope of R against n_eff"), parent), m_diagram(PhaseDiagramConfig{})
{
    setObjectName("phasePlot");
    setMouseTracking(true);
    xAxis->setLabel(tr("effective sample size n_eff"));
    yAxis->setLabel(tr("weight decay λ"));
    // The map and its colour scale share the second row in a grid of their own, so the title above them spans the
    // whole width (in a second column of the plot's layout it had only the map's column, and at 1024×768 lost both
    // ends of "Phase diagram, d = 100, γ = 1, Δ = 0.5").
    // Below them, in the same block, the key of the line equations that are not on the plot: the whole width (at
    // 1024×768 and 150 % the map's column alone is ~180 px), no height while empty (setKeyEntries).
    m_scale = new QCPColorScale(this);
    auto* mapBlock = new QCPLayoutGrid;
    auto* mapRow = new QCPLayoutGrid;
    QCPAxisRect* rect = axisRect();
    plotLayout()->take(rect);
    plotLayout()->addElement(1, 0, mapBlock);
    mapBlock->addElement(0, 0, mapRow);
    mapRow->addElement(0, 0, rect);
    mapRow->addElement(0, 1, m_scale);
    plotLayout()->simplify();
    m_key = new LineKeyRow(this);
    mapBlock->addElement(1, 0, m_key);
    mapBlock->setRowSpacing(0);
    mapBlock->setRowStretchFactor(1, 0.001);
    setKeyEntries({});
    m_scaleWordings = QStringList{
        tr("predicted d log R / d log n_eff"), tr("d log R / d log n_eff"), tr("slope in n_eff"), tr("slope")};
    m_scale->setLabel(m_scaleWordings.first());
    m_scale->setDataRange(QCPRange(kSlopeMin, kSlopeMax));
    // Blue (steep, fast learning) to red (flat plateau): every phase stays readable, plateaus included.
    QCPColorGradient gradient(QCPColorGradient::gpJet);
    gradient.setLevelCount(40);
    m_scale->setGradient(gradient);
    auto* margins = new QCPMarginGroup(this);
    axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    legend->setVisible(false);
    // The colour-mode switch and the measuring button live in the view itself (top right corner).
    m_modeBox = new QComboBox(this);
    m_modeBox->setObjectName("phaseColourMode");
    m_modeBox->addItems({tr("predicted slope in n_eff"), tr("predicted exponents"), tr("measured exponents (SE)"),
        tr("difference (measured − predicted)")});
    connect(m_modeBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0 && ColourMode(index) != m_mode)
            setColourMode(ColourMode(index));
    });
    m_measureButton = new QPushButton(tr("Measure exponents (SE)"), this);
    m_measureButton->setObjectName("phaseMeasureExponents");
    m_measureButton->setToolTip(tr("Solve the state evolution on a ladder of d up to 10⁵ for a 21×21 grid of (a, b) "
                                   "and fit R ~ d^(−e) (docs/theory/exponents.md). Click again to cancel."));
    connect(m_measureButton, &QPushButton::clicked, this, [this] {
        if (m_watcher.isRunning()) {
            cancelExponentMap();
            return;
        }
        const double logD = std::log10(m_diagram.config().d);
        ExponentMapConfig c;
        c.model = m_exponentModel;
        c.aFrom = std::max(-1.0, std::floor(4 * m_xMin / logD) / 4);
        c.aTo = std::ceil(4 * m_xMax / logD) / 4;
        c.bFrom = std::floor(4 * m_yMin / logD) / 4;
        c.bTo = std::ceil(4 * m_yMax / logD) / 4;
        c.dMax = m_exponentModel == ModelKind::Quadratic ? 3000 : 1e5;
        computeExponentMap(c);
    });
    connect(&m_watcher, &QFutureWatcher<ExponentMapResult>::finished, this, [this] {
        placeControls();  // the button's name again, as wide as it fits
        const ExponentMapResult r = m_watcher.result();
        if (r.status == Status::Cancelled) {
            emit exponentMapFinished(false, tr("exponent map cancelled"));
            return;
        }
        setExponentMap(app::exponentMapData(r));
        setColourMode(ColourMode::MeasuredExponent);
        emit exponentMapFinished(true, QString::fromStdString(r.message));
    });
    // The controls sit in the top right corner and the title below them (at 1600×1000 the button covered "Phase
    // diagram"). Placed again before every replot: the display scale changes their fonts, hence their sizes.
    connect(this, &QCustomPlot::beforeReplot, this, &PhaseDiagramView::placeControls);
    placeControls();
    setDiagram(PhaseDiagramConfig{});
}

PhaseDiagramView::~PhaseDiagramView()
{
    m_cancel.cancel();
    m_watcher.waitForFinished();
}

void PhaseDiagramView::resizeEvent(QResizeEvent* event)
{
    placeControls();  // before the replot the resize queues: the title's margin is part of its layout
    PlotView::resizeEvent(event);
}

void PhaseDiagramView::placeControls()
{
    // At 1024×768 the view is ~300 px wide, narrower than the box and the button side by side: placed from the
    // right edge, the button began left of the view and lost both ends of its text.
    const int margin = 4;
    const int room = std::max(1, width() - 2 * margin);
    if (!m_watcher.isRunning()) {
        // The button's shorter name where the whole one does not fit (150 % zoom at 1024×768); the tooltip says more.
        m_measureButton->setText(tr("Measure exponents (SE)"));
        if (m_measureButton->sizeHint().width() > room)
            m_measureButton->setText(tr("Measure (SE)"));
    }
    QSize box = m_modeBox->sizeHint(), button = m_measureButton->sizeHint();
    box.setWidth(std::min(box.width(), room));  // a narrower box elides its current text
    button.setWidth(std::min(button.width(), room));
    int bottom = margin;
    if (box.width() + margin + button.width() <= room) {
        const int rowHeight = std::max(box.height(), button.height());
        m_modeBox->setGeometry(width() - margin - box.width(), margin, box.width(), box.height());
        m_measureButton->setGeometry(m_modeBox->x() - margin - button.width(), margin, button.width(), button.height());
        bottom = margin + rowHeight;
    } else {
        m_modeBox->setGeometry(width() - margin - box.width(), margin, box.width(), box.height());
        m_measureButton->setGeometry(
            width() - margin - button.width(), margin + box.height() + margin, button.width(), button.height());
        bottom = m_measureButton->geometry().bottom() + 1;
    }
    QMargins titleMargins = titleElement()->margins();
    titleMargins.setTop(bottom + 2);
    if (titleMargins != titleElement()->margins())
        titleElement()->setMargins(titleMargins);
}

void PhaseDiagramView::setColourMode(ColourMode mode)
{
    m_mode = mode;
    {
        const QSignalBlocker block(m_modeBox);
        m_modeBox->setCurrentIndex(int(mode));
    }
    rebuild();
}

void PhaseDiagramView::setExponentMap(const app::ExponentMapData& map)
{
    m_exponents = map;
    rebuild();
}

void PhaseDiagramView::computeExponentMap(ExponentMapConfig config)
{
    if (m_watcher.isRunning())
        return;
    config.gamma = m_diagram.config().gamma;
    config.noise = m_diagram.config().noise;
    config.validate();
    m_cancel = CancelToken();
    const CancelToken token = m_cancel;
    m_measureButton->setText(tr("Cancel (0/%1)").arg(config.cellCount()));
    placeControls();
    QPointer<PhaseDiagramView> self(this);
    m_watcher.setFuture(QtConcurrent::run([config, token, self] {
        return ExponentMap(config).run(
            [self](const ExponentMapProgress& p) {
                // Worker thread: hand the count to the GUI thread; dropped if the view is gone.
                QMetaObject::invokeMethod(
                    self,
                    [self, done = p.done, total = p.total] {
                        if (self && self->m_watcher.isRunning()) {
                            self->m_measureButton->setText(tr("Cancel (%1/%2)").arg(done).arg(total));
                            self->placeControls();
                        }
                    },
                    Qt::QueuedConnection);
            },
            token);
    }));
}

void PhaseDiagramView::cancelExponentMap()
{
    m_cancel.cancel();
}

void PhaseDiagramView::setDiagram(const PhaseDiagramConfig& config)
{
    m_diagram = PhaseDiagram(config);
    rebuild();
}

void PhaseDiagramView::rebuild()
{
    clearItems();
    m_lineLabels.clear();
    m_regionLabels.clear();
    m_regionCentres.clear();
    m_verticalLines.clear();
    m_verticalLabels.clear();
    clearGraphs();
    m_curvedCells = nullptr;  // removed with the other graphs
    if (m_map)
        removePlottable(m_map);
    const PhaseDiagramConfig& c = m_diagram.config();
    const double logD = std::log10(c.d);
    // Show n_eff from 10^-1 to past the VIa/VIb line, and λ across both sides of L2 and L3.
    m_xMin = -1.0;
    m_xMax = std::max(2.5 * logD, 2.0 * c.gamma * logD + 0.5 * logD);
    m_yMin = -1.5 * logD;
    m_yMax = 1.5 * logD;

    m_map = new QCPColorMap(xAxis, yAxis);
    m_map->setColorScale(m_scale);
    m_map->data()->setSize(kGridSize, kGridSize);
    m_map->data()->setRange(QCPRange(m_xMin, m_xMax), QCPRange(m_yMin, m_yMax));
    QMap<QString, QPair<QPointF, int>> centres;
    for (int i = 0; i < kGridSize; ++i) {
        for (int j = 0; j < kGridSize; ++j) {
            double x, y;
            m_map->data()->cellToCoord(i, j, &x, &y);
            const double a = x / logD, b = y / logD;
            const QString label = QString::fromStdString(m_diagram.pureLabel(a, b));
            m_map->data()->setCell(i, j,
                m_mode == ColourMode::PredictedSlope ? m_diagram.exponentN(label.toStdString())
                                                     : m_diagram.exponentE(label.toStdString(), a, b));
            auto& centre = centres[label];
            centre.first += QPointF(x, y);
            centre.second += 1;
        }
    }
    m_map->setInterpolate(false);
    drawExponentCells();

    // Each line its own pen: L2 and L3 are both white (the map under them is dark and light), so L3 is dash-dotted and
    // a key entry's sample says which line it names.
    drawLine("L1: λ = √(n_eff/d)", QPen(QColor(20, 20, 20), 2, Qt::DashLine), 0.80,
        [this](double n) { return m_diagram.lineL1(n); });
    drawLine("L2: λ = n_eff/√d", QPen(QColor(255, 255, 255), 2, Qt::DashLine), 0.12,
        [this](double n) { return m_diagram.lineL2(n); });
    drawLine("L3: λ = n_eff/d^(γ+1/2)", QPen(QColor(255, 255, 255), 2, Qt::DashDotLine), 0.45,
        [this](double n) { return m_diagram.lineL3(n); });
    drawVertical(m_diagram.firstFeatureNEff(), "n_eff = 1");
    drawVertical(m_diagram.peakNEff(), "n_eff = d");
    drawVertical(m_diagram.heavyTailNEff(), "n_eff = d^(2γ)");

    for (auto it = centres.cbegin(); it != centres.cend(); ++it) {
        if (it.value().second < 12)
            continue;  // too small a region to label legibly
        auto* text = new QCPItemText(this);
        text->position->setCoords(it.value().first / it.value().second);
        text->setText(it.key());
        text->setFont(QFont("sans", 10, QFont::Bold));
        text->setColor(Qt::white);
        text->setBrush(QColor(0, 0, 0, 110));
        text->setPadding(QMargins(3, 1, 3, 1));
        text->setSelectable(false);
        m_regionLabels << text;
        m_regionCentres << it.value().first / it.value().second;
    }

    m_measurementGraphs.clear();  // clearGraphs() above removed them
    m_current = addGraph();
    m_current->setLineStyle(QCPGraph::lsNone);
    m_current->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCrossCircle, QPen(Qt::cyan, 2), Qt::NoBrush, 14));
    for (const Measurement& m : std::as_const(m_measured))
        plotMeasurement(m);

    xAxis->setRange(m_xMin, m_xMax);
    yAxis->setRange(m_yMin, m_yMax);
    applyLog10CoordinateAxis(xAxis);  // the map is drawn in log10 coordinates
    applyLog10CoordinateAxis(yAxis);
    const QString what = m_mode == ColourMode::PredictedSlope ? QString()
        : m_mode == ColourMode::PredictedExponent             ? tr(", predicted e of R ~ d^(−e)")
        : m_exponents.cells.isEmpty()                         ? tr(", no measured map yet (Measure exponents)")
        : m_mode == ColourMode::MeasuredExponent
        ? tr(", e measured from the SE (%1, d ≤ %2)").arg(m_exponents.model).arg(m_exponents.dMax)
        : tr(", measured − predicted e (%1, d ≤ %2)").arg(m_exponents.model).arg(m_exponents.dMax);
    setTitle(tr("Phase diagram, d = %1, γ = %2, Δ = %3%4%5")
                 .arg(c.d)
                 .arg(c.gamma)
                 .arg(c.noise)
                 .arg(c.noise == 0 ? tr(" (noiseless diagram: inferred)") : QString(), what));
    scheduleReplot();
}

void PhaseDiagramView::drawLine(
    const QString& name, const QPen& pen, double labelAt, const std::function<double(double)>& lambdaOf)
{
    const QColor colour = pen.color();
    // The lines are straight in log-log coordinates; two end points draw them exactly.
    auto* line = new QCPItemLine(this);
    const double x0 = m_xMin, x1 = m_xMax;
    line->start->setCoords(x0, std::log10(lambdaOf(std::pow(10.0, x0))));
    line->end->setCoords(x1, std::log10(lambdaOf(std::pow(10.0, x1))));
    line->setPen(pen);
    line->setClipToAxisRect(true);
    // Placed after every layout (placeLineLabels): along the line, inside the axis rect, clear of the others.
    auto* label = new QCPItemText(this);
    label->position->setType(QCPItemPosition::ptAbsolute);
    label->setPositionAlignment(Qt::AlignCenter);
    label->setText(name);
    label->setColor(colour);
    label->setBrush(colour.lightness() > 128 ? QColor(0, 0, 0, 90) : QColor(255, 255, 255, 140));
    label->setPadding(QMargins(2, 0, 2, 0));
    label->setFont(QFont("sans", 8, QFont::Bold));
    label->setClipToAxisRect(true);
    label->setSelectable(false);
    // Its key entry, placed into the key's row when shown (placeKey); the sample is drawn with the line's own pen, so
    // the display scale widens both alike.
    auto* swatch = new QCPItemRect(this);
    swatch->setPen(Qt::NoPen);
    swatch->setBrush(kKeySwatch);
    auto* sample = new QCPItemLine(this);
    sample->setPen(pen);
    auto* keyText = new QCPItemText(this);
    keyText->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    keyText->setTextAlignment(Qt::AlignLeft);
    keyText->setColor(QColor(60, 60, 60));
    keyText->setFont(QFont("sans", 8));
    keyText->setText(name);
    for (QCPAbstractItem* item : {static_cast<QCPAbstractItem*>(swatch), static_cast<QCPAbstractItem*>(sample),
             static_cast<QCPAbstractItem*>(keyText)}) {
        for (QCPItemPosition* position : item->positions())
            position->setType(QCPItemPosition::ptAbsolute);
        item->setClipToAxisRect(false);
        item->setSelectable(false);
        item->setVisible(false);
    }
    m_lineLabels.push_back({label, line, name, name.section(':', 0, 0), labelAt, swatch, sample, keyText});
}

// --- line labels (issue 16, item 6) -------------------------------------------------------------------------------

namespace {

bool cornersInside(const QPolygonF& corners, const QRectF& area)
{
    return std::all_of(corners.begin(), corners.end(), [&](const QPointF& p) { return area.contains(p); });
}

// Whether the segment meets the (convex) box: an end inside it or a crossing with one of its sides.
bool segmentMeets(const QLineF& segment, const QPolygonF& box)
{
    if (box.containsPoint(segment.p1(), Qt::OddEvenFill) || box.containsPoint(segment.p2(), Qt::OddEvenFill))
        return true;
    for (int i = 0; i < box.size(); ++i)
        if (segment.intersects(QLineF(box[i], box[(i + 1) % box.size()]), nullptr) == QLineF::BoundedIntersection)
            return true;
    return false;
}

// The part of the segment from p to q inside `area` (Liang–Barsky); a null line when it misses the area.
QLineF clipToRect(const QPointF& p, const QPointF& q, const QRectF& area)
{
    double t0 = 0, t1 = 1;
    const double dx = q.x() - p.x(), dy = q.y() - p.y();
    const double pk[] = {-dx, dx, -dy, dy};
    const double qk[] = {p.x() - area.left(), area.right() - p.x(), p.y() - area.top(), area.bottom() - p.y()};
    for (int k = 0; k < 4; ++k) {
        if (pk[k] == 0) {
            if (qk[k] < 0)
                return {};
            continue;
        }
        const double t = qk[k] / pk[k];
        if (pk[k] < 0)
            t0 = std::max(t0, t);
        else
            t1 = std::min(t1, t);
    }
    if (!(t0 < t1))
        return {};
    return QLineF(p + t0 * QPointF(dx, dy), p + t1 * QPointF(dx, dy));
}

}  // namespace

QLineF PhaseDiagramView::visibleSegment(const QCPItemLine* line) const
{
    // The drawn line (from one end of the map to the other) as far as the axis rect shows it.
    QLineF segment = clipToRect(line->start->pixelPosition(), line->end->pixelPosition(), axisRect()->rect());
    if (!segment.isNull() && segment.p2().x() < segment.p1().x())
        segment = QLineF(segment.p2(), segment.p1());  // left to right: the text reads along it
    return segment;
}

void PhaseDiagramView::updateLayout()
{
    // Each layout starts without the key: at a larger size every equation may fit on the plot again.
    setKeyEntries({});
    QStringList keyed;
    for (int pass = 0; pass <= m_lineLabels.size(); ++pass) {
        PlotView::updateLayout();
        placeVerticalLabels();
        const QStringList needed = placeLineLabels(keyed);
        bool grew = false;
        for (const QString& name : needed)
            if (!keyed.contains(name)) {
                keyed << name;
                grew = true;
            }
        if (!grew)
            break;
        // The key's row takes height from the map: the labels placed so far are placed again in the smaller rect
        // (a label that fitted may no longer, hence the next pass).
        setKeyEntries(keyed);
    }
    placeKey();
    fitColourScaleLabel();
}

void PhaseDiagramView::fitColourScaleLabel()
{
    // The label is drawn centred on the scale's height, as long as it is: a longer one ran past both ends (up beside
    // the title). Its thickness is one line whatever the wording, so the layout stands.
    const QFontMetrics metrics(m_scale->axis()->labelFont());
    const int room = m_scale->rect().height() - 4;
    QString label = m_scaleWordings.value(m_scaleWordings.size() - 1);
    for (const QString& wording : std::as_const(m_scaleWordings))
        if (metrics.horizontalAdvance(wording) <= room) {
            label = wording;
            break;
        }
    if (label != m_scale->axis()->label())
        m_scale->axis()->setLabel(label);
}

bool PhaseDiagramView::event(QEvent* event)
{
    // The colour scale under a shortened label names itself in full.
    if (event->type() == QEvent::ToolTip && m_scale->axis()->label() != colourScaleFullLabel()) {
        const auto* help = static_cast<QHelpEvent*>(event);
        if (m_scale->outerRect().contains(help->pos())) {
            QToolTip::showText(help->globalPos(), colourScaleFullLabel(), this);
            return true;
        }
    }
    return PlotView::event(event);
}

void PhaseDiagramView::setKeyEntries(const QStringList& names)
{
    m_keyEntries = names;
    for (const LineLabel& l : std::as_const(m_lineLabels)) {
        const bool show = names.contains(l.name);
        l.keySwatch->setVisible(show);
        l.keySample->setVisible(show);
        l.keyText->setVisible(show);
    }
    auto* row = static_cast<LineKeyRow*>(m_key);
    if (names.isEmpty()) {
        row->setContentHeight(0);
        return;
    }
    const double s = displayScale();
    row->setContentHeight(int(std::ceil(arrangeKey(QPointF(0, 0), viewport().width() - 12 * s) + 5 * s)));
}

void PhaseDiagramView::placeKey()
{
    if (m_keyEntries.isEmpty())
        return;
    const double s = displayScale();
    const QRectF row = m_key->rect();
    arrangeKey(row.topLeft() + QPointF(6 * s, 2 * s), row.width() - 12 * s);
}

double PhaseDiagramView::arrangeKey(const QPointF& origin, double width)
{
    // In the lines' drawing order, whatever order they were found in.
    QVector<const LineLabel*> shown;
    for (const LineLabel& l : std::as_const(m_lineLabels))
        if (m_keyEntries.contains(l.name))
            shown << &l;
    if (shown.isEmpty())
        return 0;
    const double s = displayScale();
    const double pad = 3 * s, gap = 4 * s, separator = 16 * s, rowGap = 2 * s;
    const QFontMetrics metrics(shown.first()->keyText->font());
    // One sample length for all: one and a half periods of the longest dash pattern shown, so that every sample shows
    // its whole pattern (a dash-dot cut after its dash would read as a dash).
    double period = 0;
    for (const LineLabel* l : std::as_const(shown)) {
        const QPen pen = l->keySample->pen();
        double units = 0;
        for (const qreal dash : pen.dashPattern())
            units += dash;
        period = std::max(period, units * std::max<qreal>(1, pen.widthF()));
    }
    const double sampleLength = std::ceil(std::max(1.5 * period, 2.0 * metrics.height()));
    const double swatchWidth = sampleLength + 2 * pad;
    const double swatchHeight = std::max<double>(metrics.height() - 2, 4);
    struct Entry {
        const LineLabel* line;
        QString text;
        QSizeF textSize;
        double width() const { return textSize.width(); }
    };
    auto textSize = [&](const QString& text) {
        return QSizeF(metrics.boundingRect(QRect(), Qt::TextDontClip | Qt::AlignLeft, text).size());
    };
    // Rows of entries, filled left to right; an entry wider than the column on its own is broken after its name.
    QVector<QVector<Entry>> rows(1);
    double rowWidth = 0;
    for (const LineLabel* l : std::as_const(shown)) {
        Entry entry{l, l->full, textSize(l->full)};
        if (swatchWidth + gap + entry.width() > width && entry.text.contains(QStringLiteral(": "))) {
            entry.text.replace(QStringLiteral(": "), QStringLiteral(":\n"));
            entry.textSize = textSize(entry.text);
        }
        const double entryWidth = swatchWidth + gap + entry.width();
        if (!rows.last().isEmpty() && rowWidth + separator + entryWidth > width) {
            rows.push_back({});
            rowWidth = 0;
        }
        rowWidth += (rows.last().isEmpty() ? 0 : separator) + entryWidth;
        rows.last().push_back(entry);
    }
    double y = origin.y();
    for (const QVector<Entry>& row : std::as_const(rows)) {
        double total = -separator, height = 0;
        for (const Entry& entry : row) {
            total += separator + swatchWidth + gap + entry.width();
            height = std::max(height, entry.textSize.height());
        }
        double x = origin.x() + std::max(0.0, (width - total) / 2);  // each row centred under the map
        for (const Entry& entry : row) {
            // The sample on the middle of the entry's first line of text.
            const double middle = y + metrics.height() / 2.0;
            entry.line->keySwatch->topLeft->setCoords(x, middle - swatchHeight / 2);
            entry.line->keySwatch->bottomRight->setCoords(x + swatchWidth, middle + swatchHeight / 2);
            entry.line->keySample->start->setCoords(x + pad, middle);
            entry.line->keySample->end->setCoords(x + pad + sampleLength, middle);
            entry.line->keyText->setText(entry.text);
            entry.line->keyText->position->setCoords(x + swatchWidth + gap, y);
            x += swatchWidth + gap + entry.width() + separator;
        }
        y += height + rowGap;
    }
    return y - rowGap - origin.y();
}

QVector<PhaseDiagramView::KeyEntry> PhaseDiagramView::lineKeyEntries() const
{
    QVector<KeyEntry> out;
    for (const LineLabel& l : m_lineLabels)
        if (l.keyText->visible())
            out.push_back({l.name, l.keySwatch, l.keySample, l.keyText});
    return out;
}

QString PhaseDiagramView::lineKeyText() const
{
    QStringList lines;
    for (const KeyEntry& entry : lineKeyEntries())
        lines << QString(entry.text->text()).replace(QStringLiteral(":\n"), QStringLiteral(": "));
    return lines.join(QLatin1Char('\n'));
}

QStringList PhaseDiagramView::placeLineLabels(const QStringList& keyed)
{
    const QRectF area = QRectF(axisRect()->rect()).adjusted(2, 2, -2, -2);
    QVector<QPolygonF> taken;
    for (const QCPItemText* label : std::as_const(m_regionLabels))
        taken << textItemBox(label);
    // The dotted verticals and their labels, like the boundary lines: "L3: …" across the "n_eff = d" line was cut by
    // it (at 1600×1000 and 150 %). A vertical is a strip of its pen's width and a pixel either side.
    for (const QCPItemStraightLine* vertical : std::as_const(m_verticalLines)) {
        const double x = vertical->point1->pixelPosition().x();
        const double half = vertical->pen().widthF() / 2 + 1;
        const QRectF rect = axisRect()->rect();
        if (x >= rect.left() && x <= rect.right())
            taken << QPolygonF(QRectF(x - half, rect.top(), 2 * half, rect.height()));
    }
    for (const QCPItemText* label : std::as_const(m_verticalLabels))
        if (label->visible())
            taken << textItemBox(label);
    // The measured points and the live point: a label over them would hide them.
    QVector<QCPGraph*> markers = m_measurementGraphs;
    if (m_current)
        markers << m_current;
    for (const QCPGraph* graph : std::as_const(markers)) {
        const double half = graph->scatterStyle().size() / 2 + 1;
        for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) {
            const QPointF centre(xAxis->coordToPixel(it->key), yAxis->coordToPixel(it->value));
            taken << QPolygonF(QRectF(centre - QPointF(half, half), QSizeF(2 * half, 2 * half)));
        }
    }
    QVector<QLineF> segments;
    for (const LineLabel& l : std::as_const(m_lineLabels))
        segments << visibleSegment(l.line);
    QStringList needKey;
    const double gap = 2.0;
    for (int index = 0; index < m_lineLabels.size(); ++index) {
        const LineLabel& l = m_lineLabels[index];
        const QLineF segment = segments[index];
        // The other boundary lines are obstacles like the labels: a label across one (at 1600×1000 L3's crossed L2)
        // reads as belonging to either. The full equation where it fits clear of everything, else the name with the
        // equation in the key; a line already in the key tries its name only.
        QStringList texts;
        if (!keyed.contains(l.name))
            texts << l.full;
        texts << l.name;
        QString placedText;
        if (!segment.isNull() && segment.length() > 1) {
            const QPointF along = (segment.p2() - segment.p1()) / segment.length();
            const QPointF normal(along.y(), -along.x());  // points up the screen for a left-to-right line
            const double angle = std::atan2(along.y(), along.x()) * 180.0 / M_PI;
            l.text->setRotation(angle);
            for (const QString& text : std::as_const(texts)) {
                l.text->setText(text);
                const QFontMetricsF metrics(l.text->font());
                const double height = metrics.height() + l.text->padding().top() + l.text->padding().bottom();
                const double offset = height / 2 + gap + l.line->pen().widthF() / 2;
                bool placed = false;
                // Candidates along the line, nearest the preferred place first, above it and then below it.
                for (int step = 0; step <= 40 && !placed; ++step) {
                    for (const int sign : {1, -1}) {
                        const double t = l.preferred + sign * 0.025 * step;
                        if (t < 0 || t > 1 || (step == 0 && sign < 0))
                            continue;
                        const QPointF on = segment.pointAt(t);
                        for (const double side : {1.0, -1.0}) {
                            l.text->position->setCoords(on + side * offset * normal);
                            const QPolygonF corners = textItemBox(l.text);
                            if (!cornersInside(corners, area) || segmentMeets(segment, corners))
                                continue;
                            if (std::any_of(taken.begin(), taken.end(),
                                    [&](const QPolygonF& other) { return other.intersects(corners); }))
                                continue;
                            bool crosses = false;
                            for (int other = 0; other < segments.size() && !crosses; ++other)
                                crosses = other != index && !segments[other].isNull()
                                    && segmentMeets(segments[other], corners);
                            if (crosses)
                                continue;
                            taken << corners;
                            placed = true;
                            break;
                        }
                        if (placed)
                            break;
                    }
                }
                if (placed) {
                    placedText = text;
                    break;
                }
            }
        }
        // No clear place for the name either (a tiny plot): no label rather than one over another or across a line;
        // the key names the line.
        l.text->setVisible(!placedText.isEmpty());
        if (placedText != l.full && !segment.isNull())
            needKey << l.name;
    }
    return needKey;
}

QVector<PhaseDiagramView::BoundaryLine> PhaseDiagramView::boundaryLines() const
{
    QVector<BoundaryLine> out;
    for (const LineLabel& l : m_lineLabels)
        out.push_back({l.name, l.full, visibleSegment(l.line), l.line});
    return out;
}

QVector<PhaseDiagramView::VerticalLine> PhaseDiagramView::verticalLines() const
{
    QVector<VerticalLine> out;
    for (int i = 0; i < m_verticalLines.size(); ++i)
        out.push_back({m_verticalLines[i], m_verticalLabels.value(i)});
    return out;
}

QVector<PhaseDiagramView::PlacedLabel> PhaseDiagramView::lineLabels() const
{
    QVector<PlacedLabel> out;
    for (const LineLabel& l : m_lineLabels)
        if (l.text->visible())
            out.push_back({l.text->text(), textItemBox(l.text), l.text->rotation(), visibleSegment(l.line),
                l.line->pen().widthF()});
    return out;
}

QVector<QPolygonF> PhaseDiagramView::regionLabelBoxes() const
{
    QVector<QPolygonF> out;
    for (const QCPItemText* t : m_regionLabels)
        out << textItemBox(t);
    return out;
}

QStringList PhaseDiagramView::regionLabelTexts() const
{
    QStringList out;
    for (const QCPItemText* t : m_regionLabels)
        out << t->text();
    return out;
}

void PhaseDiagramView::placeVerticalLabels()
{
    // The rotated labels sat 4 % above the map's bottom whatever was there: "n_eff = d" over "V" and "n_eff = 1" over
    // "Ia" (issue 16, item 6). The region labels are placed first, the verticals' labels around them.
    const QRectF rect = axisRect()->rect();
    const QRectF area = rect.adjusted(2, 2, -2, -2);
    const double s = displayScale();
    const double gap = 2 * s;  // between a vertical label and a region label, and between a label and its line
    // Each dotted vertical on screen as a strip of its pen's width and a pixel either side.
    QVector<QRectF> strips(m_verticalLines.size());
    for (int i = 0; i < m_verticalLines.size(); ++i) {
        const double x = m_verticalLines[i]->point1->pixelPosition().x();
        const double half = m_verticalLines[i]->pen().widthF() / 2 + 1;
        if (x >= rect.left() && x <= rect.right())
            strips[i] = QRectF(x - half, rect.top(), 2 * half, rect.height());
    }
    auto crossed = [&](const QRectF& box) {
        return std::any_of(strips.begin(), strips.end(), [&](const QRectF& strip) { return strip.intersects(box); });
    };

    // A region label crossed by a vertical at its centroid moves sideways, the least it needs, to a place clear of
    // every vertical and the other region labels, inside the axis rect and inside its own region: its whole box
    // where such a place exists, else its centre. Where there is none it stays (the verticals' labels still avoid it).
    const double logD = std::log10(m_diagram.config().d);
    auto inRegion = [&](const QString& region, const QPointF& pixel) {
        return QString::fromStdString(
                   m_diagram.pureLabel(xAxis->pixelToCoord(pixel.x()) / logD, yAxis->pixelToCoord(pixel.y()) / logD))
            == region;
    };
    QVector<QRectF> regions;
    for (int i = 0; i < m_regionLabels.size(); ++i) {
        m_regionLabels[i]->position->setCoords(m_regionCentres[i]);
        regions << textItemBox(m_regionLabels[i]).boundingRect();
    }
    for (int i = 0; i < m_regionLabels.size(); ++i) {
        if (!crossed(regions[i]))
            continue;
        QCPItemText* label = m_regionLabels[i];
        const QRectF home = regions[i];
        auto fits = [&](const QRectF& box, bool wholeBox) {
            if (!area.contains(box) || crossed(box))
                return false;
            for (int other = 0; other < regions.size(); ++other)
                if (other != i && regions[other].adjusted(-gap, -gap, gap, gap).intersects(box))
                    return false;
            if (!inRegion(label->text(), box.center()))
                return false;
            if (!wholeBox)
                return true;
            for (const QPointF& corner : {box.topLeft(), box.topRight(), box.bottomLeft(), box.bottomRight()})
                if (!inRegion(label->text(), corner))
                    return false;
            return true;
        };
        const double reach = std::max(3 * home.width(), 0.15 * rect.width());
        bool moved = false;
        for (const bool wholeBox : {true, false}) {
            for (double shift = 1; shift <= reach && !moved; shift += 1) {
                for (const double sign : {-1.0, 1.0}) {
                    const QRectF box = home.translated(sign * shift, 0);
                    if (!fits(box, wholeBox))
                        continue;
                    label->position->setCoords(xAxis->pixelToCoord(label->position->pixelPosition().x() + sign * shift),
                        m_regionCentres[i].y());
                    regions[i] = textItemBox(label).boundingRect();
                    moved = true;
                    break;
                }
            }
            if (moved)
                break;
        }
    }

    QVector<QPolygonF> taken;
    for (const QRectF& region : std::as_const(regions))
        taken << QPolygonF(region.adjusted(-gap, -gap, gap, gap));
    for (const QRectF& strip : std::as_const(strips))
        if (!strip.isNull())
            taken << QPolygonF(strip);
    // From the old place (4 % above the bottom) upward, then below it; left of the line, else right of it. The whole
    // text anywhere before its value alone ("d^(2γ)", the whole text its tooltip); a label already placed is an
    // obstacle. Where neither runs up beside its line clear of the region labels (the map's ~180 px at 1024×768 and
    // 150 % left "d^(2γ)" no room between "III", "VIa" and "VIb"), the label lies across the map beside its line.
    for (int i = 0; i < m_verticalLabels.size(); ++i) {
        QCPItemText* label = m_verticalLabels[i];
        const QString full = fullTextOf(label);
        const QRectF strip = strips.value(i);
        if (strip.isNull()) {
            label->setVisible(false);
            continue;
        }
        // Its own line is no obstacle: the label keeps a gap beside it.
        taken.removeOne(QPolygonF(strip));
        const double x = strip.center().x(), offset = strip.width() / 2 + gap / 2;
        QVector<double> heights;
        const double step = 3 * s, start = rect.bottom() - 0.04 * rect.height();
        for (double y = start; y > rect.top(); y -= step)
            heights << y;
        for (double y = start + step; y < rect.bottom(); y += step)
            heights << y;
        QVector<TextSpot> along, across;
        for (const double y : std::as_const(heights)) {
            along.push_back({QPointF(x - offset, y), Qt::AlignLeft | Qt::AlignBottom});  // rotated: left of the line
            along.push_back({QPointF(x + offset, y), Qt::AlignLeft | Qt::AlignTop});  // right of it
            across.push_back({QPointF(x - offset, y), Qt::AlignRight | Qt::AlignVCenter});
            across.push_back({QPointF(x + offset, y), Qt::AlignLeft | Qt::AlignVCenter});
        }
        const QStringList wordings{full, full.section(QStringLiteral(" = "), 1)};
        label->setRotation(-90);
        if (!placeTextClear(label, wordings, along, area, taken, full)) {
            label->setRotation(0);
            placeTextClear(label, wordings, across, area, taken, full);
        }
        taken << QPolygonF(strip);
    }
}

QStringList PhaseDiagramView::lineLabelTexts() const
{
    QStringList out;
    for (const LineLabel& l : m_lineLabels)
        if (l.text->visible())
            out << l.text->text();
    return out;
}

// --- end of line labels -------------------------------------------------------------------------------------------

void PhaseDiagramView::drawVertical(double nEff, const QString& text)
{
    const double x = std::log10(nEff);
    if (x < m_xMin || x > m_xMax)
        return;
    auto* line = new QCPItemStraightLine(this);
    line->point1->setCoords(x, 0);
    line->point2->setCoords(x, 1);
    line->setPen(QPen(QColor(255, 255, 255, 160), 1, Qt::DotLine));
    // Placed after every layout (placeVerticalLabels): beside the line, clear of the region labels.
    auto* label = new QCPItemText(this);
    label->position->setType(QCPItemPosition::ptAbsolute);
    label->setText(text);
    label->setRotation(-90);
    label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    label->setColor(Qt::white);
    // On a translucent dark box like the region labels': white alone was unreadable on the light green of VIa/VIb.
    label->setBrush(QColor(0, 0, 0, 140));
    label->setPadding(QMargins(2, 0, 2, 0));
    label->setFont(QFont("sans", 8));
    label->setClipToAxisRect(true);
    m_verticalLines << line;
    m_verticalLabels << label;
}

void PhaseDiagramView::addMeasurement(double nEff, double lambda, double measuredSlope)
{
    if (!(nEff > 0 && lambda > 0 && std::isfinite(measuredSlope)))
        return;
    m_measured.push_back({nEff, lambda, measuredSlope});
    plotMeasurement(m_measured.back());
    scheduleReplot();
}

void PhaseDiagramView::plotMeasurement(const Measurement& m)
{
    auto* graph = addGraph();
    graph->setLineStyle(QCPGraph::lsNone);
    // The dots are slopes in n_eff: coloured on that scale only where the map shows it, white elsewhere.
    const QColor colour = m_mode == ColourMode::PredictedSlope
        ? m_scale->gradient().color(m.slope, QCPRange(kSlopeMin, kSlopeMax))
        : QColor(Qt::white);
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 1.5), colour, 11));
    graph->addData(std::log10(m.nEff), std::log10(m.lambda));
    graph->setName(QStringLiteral("measured slope %1").arg(m.slope, 0, 'f', 2));
    m_measurementGraphs.push_back(graph);
}

void PhaseDiagramView::setMeasurements(const QVector<Measurement>& measurements)
{
    for (QCPGraph* graph : std::as_const(m_measurementGraphs))
        removeGraph(graph);
    m_measurementGraphs.clear();
    m_measured.clear();
    for (const Measurement& m : measurements) {
        if (m.nEff > 0 && m.lambda > 0 && std::isfinite(m.slope)) {
            m_measured.push_back(m);
            plotMeasurement(m);
        }
    }
    scheduleReplot();
}

void PhaseDiagramView::setCurrentPoint(double nEff, double lambda)
{
    m_current->data()->clear();
    if (nEff > 0 && lambda > 0)
        m_current->addData(std::log10(nEff), std::log10(lambda));
    scheduleReplot();
}

bool PhaseDiagramView::pointAt(const QPointF& position, double& nEff, double& lambda) const
{
    if (!axisRect()->rect().contains(position.toPoint()))
        return false;
    nEff = std::pow(10.0, xAxis->pixelToCoord(position.x()));
    lambda = std::pow(10.0, yAxis->pixelToCoord(position.y()));
    return true;
}

QString PhaseDiagramView::describe(double nEff, double lambda) const
{
    const PhaseInfo info = m_diagram.classify(nEff, lambda);
    QString phase = QString::fromStdString(info.label);
    if (info.label == "crossover")
        phase = tr("crossover %1 / %2")
                    .arg(QString::fromStdString(info.neighbourA), QString::fromStdString(info.neighbourB));
    QString text = tr("n_eff = %1, λ = %2: phase %3, R ~ %4, slope in n_eff %5")
                       .arg(nEff, 0, 'g', 3)
                       .arg(lambda, 0, 'g', 3)
                       .arg(phase, QString::fromStdString(info.rateFormula))
                       .arg(info.exponentN, 0, 'f', 2);
    if (info.inferred)
        text += tr(" (inferred: %1)").arg(QString::fromStdString(info.note));
    text += tr("; predicted e = %1").arg(info.e, 0, 'f', 3);
    if (const app::ExponentMapCell* cell = nearestCell(info.a, info.b)) {
        if (cell->converged)
            text += tr("; cell (a, b) = (%1, %2): measured e = %3 [%4, %5], predicted %6, difference %7%8")
                        .arg(cell->a, 0, 'g', 3)
                        .arg(cell->b, 0, 'g', 3)
                        .arg(cell->measured, 0, 'f', 3)
                        .arg(cell->intervalLow, 0, 'f', 3)
                        .arg(cell->intervalHigh, 0, 'f', 3)
                        .arg(cell->predicted, 0, 'f', 3)
                        .arg(cell->measured - cell->predicted, 0, 'f', 3)
                        .arg(cell->curved ? tr(" (curved: crossover in progress)") : QString());
        else
            text += tr("; cell (a, b) = (%1, %2): not converged (%3)")
                        .arg(cell->a, 0, 'g', 3)
                        .arg(cell->b, 0, 'g', 3)
                        .arg(cell->message);
    }
    return text;
}

const app::ExponentMapCell* PhaseDiagramView::nearestCell(double a, double b) const
{
    const app::ExponentMapCell* best = nullptr;
    double bestDistance = 0;
    for (const app::ExponentMapCell& cell : m_exponents.cells) {
        const double distance = std::hypot(cell.a - a, cell.b - b);
        if (!best || distance < bestDistance) {
            best = &cell;
            bestDistance = distance;
        }
    }
    return best;
}

void PhaseDiagramView::drawExponentCells()
{
    // The measured map lies on a regular (a, b) grid; in this view's coordinates x = a·log10 d, y = b·log10 d.
    if (m_cells) {
        removePlottable(m_cells);
        m_cells = nullptr;
    }
    const bool measuredMode = m_mode == ColourMode::MeasuredExponent || m_mode == ColourMode::ExponentDifference;
    const bool show = measuredMode && !m_exponents.cells.isEmpty();
    m_map->setVisible(!show);
    double lo = 0, hi = 0;
    if (show) {
        std::set<double> as, bs;
        for (const app::ExponentMapCell& cell : m_exponents.cells) {
            as.insert(cell.a);
            bs.insert(cell.b);
        }
        const std::vector<double> av(as.begin(), as.end()), bv(bs.begin(), bs.end());
        const double logD = std::log10(m_diagram.config().d);
        m_cells = new QCPColorMap(xAxis, yAxis);
        m_cells->setColorScale(m_scale);
        m_cells->data()->setSize(int(av.size()), int(bv.size()));
        m_cells->data()->setRange(
            QCPRange(av.front() * logD, av.back() * logD), QCPRange(bv.front() * logD, bv.back() * logD));
        for (int i = 0; i < int(av.size()); ++i)
            for (int j = 0; j < int(bv.size()); ++j)
                m_cells->data()->setCell(i, j, std::nan(""));
        bool first = true;
        for (const app::ExponentMapCell& cell : m_exponents.cells) {
            const int i = int(std::lower_bound(av.begin(), av.end(), cell.a) - av.begin());
            const int j = int(std::lower_bound(bv.begin(), bv.end(), cell.b) - bv.begin());
            const double v = !cell.converged             ? std::nan("")
                : m_mode == ColourMode::MeasuredExponent ? cell.measured
                                                         : cell.measured - cell.predicted;
            m_cells->data()->setCell(i, j, v);
            if (std::isfinite(v)) {
                lo = first ? v : std::min(lo, v);
                hi = first ? v : std::max(hi, v);
                first = false;
            }
        }
        m_cells->setInterpolate(false);
        m_cells->setLayer(QStringLiteral("main"));
    } else if (m_mode != ColourMode::PredictedSlope) {
        m_map->data()->recalculateDataBounds();
        const QCPRange r = m_map->data()->dataBounds();
        lo = r.lower;
        hi = r.upper;
    }
    QCPColorGradient gradient(QCPColorGradient::gpJet);
    // The label's wordings, longest first: the layout takes the longest that fits the scale (fitColourScaleLabel).
    QStringList wordings
        = {tr("predicted d log R / d log n_eff"), tr("d log R / d log n_eff"), tr("slope in n_eff"), tr("slope")};
    QCPRange range(kSlopeMin, kSlopeMax);
    if (m_mode == ColourMode::ExponentDifference && show) {
        gradient = QCPColorGradient(QCPColorGradient::gpPolar);
        const double m = std::clamp(std::max(std::abs(lo), std::abs(hi)), 0.05, 1.0);
        range = QCPRange(-m, m);
        wordings = QStringList{tr("measured − predicted exponent e"), tr("measured − predicted e"), tr("Δe")};
    } else if (m_mode != ColourMode::PredictedSlope) {
        range = QCPRange(std::clamp(lo, -2.0, 0.0), std::clamp(hi, 0.5, 6.0));
        wordings = show
            ? QStringList{tr("measured exponent e (R ~ d^(−e))"), tr("measured exponent e"), tr("measured e"), tr("e")}
            : QStringList{
                tr("predicted exponent e (R ~ d^(−e))"), tr("predicted exponent e"), tr("predicted e"), tr("e")};
    }
    gradient.setLevelCount(40);
    gradient.setNanHandling(QCPColorGradient::nhTransparent);
    m_scale->setGradient(gradient);
    m_scale->setDataRange(range);
    m_scaleWordings = wordings;
    m_scale->setLabel(wordings.first());
    if (m_curvedCells) {
        removeGraph(m_curvedCells);
        m_curvedCells = nullptr;
    }
    if (show) {
        // Cells whose slope still bends across the fit window: a crossover in progress.
        m_curvedCells = addGraph();
        m_curvedCells->setLineStyle(QCPGraph::lsNone);
        m_curvedCells->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, QPen(Qt::black, 1), Qt::NoBrush, 5));
        const double logD = std::log10(m_diagram.config().d);
        for (const app::ExponentMapCell& cell : m_exponents.cells)
            if (cell.converged && cell.curved)
                m_curvedCells->addData(cell.a * logD, cell.b * logD);
    }
}

void PhaseDiagramView::mouseMoveEvent(QMouseEvent* event)
{
    PlotView::mouseMoveEvent(event);
    double nEff, lambda;
    if (pointAt(event->position(), nEff, lambda)) {
        const QString text = describe(nEff, lambda);
        setToolTip(text);
        emit hovered(text);
    }
}

void PhaseDiagramView::mouseReleaseEvent(QMouseEvent* event)
{
    PlotView::mouseReleaseEvent(event);
    double nEff, lambda;
    if (event->button() == Qt::LeftButton && pointAt(event->position(), nEff, lambda))
        emit pointActivated(nEff, lambda, event->modifiers().testFlag(Qt::ShiftModifier));
}

namespace {

const char* const kColourModeNames[] = {"predicted_slope", "predicted_exponent", "measured_exponent", "difference"};

}  // namespace

ExportParameters PhaseDiagramView::exportParametersAt(double nEff, double lambda) const
{
    // The closed-form diagram is the same for both models; the model is the one whose exponents the view measures
    // (the panel's), which also fixes n = n_eff·d (quadratic) or n_eff (diagonal).
    const PhaseDiagramConfig& c = m_diagram.config();
    StateEvolutionModel model;
    model.model = m_exponentModel;
    model.d = int(c.d);
    model.gamma = c.gamma;
    model.noise = c.noise;
    ExportParameters e = exportParameters(model, nEff, lambda);
    e.amplitudes.clear();  // no teacher draw: the diagram depends on γ alone
    e.seeds.clear();
    e.solver = QStringLiteral("closed_form");
    e.extra = QJsonObject{{"crossover_margin", c.crossoverMargin}, {"peak_half_width", c.peakHalfWidth},
        {"peak_n_eff_factor", c.peakNEffFactor}, {"colour_mode", kColourModeNames[int(m_mode)]}};
    return e;
}

bool PhaseDiagramView::currentPoint(double& nEff, double& lambda) const
{
    if (!m_current || m_current->data()->isEmpty())
        return false;
    nEff = std::pow(10.0, m_current->data()->constBegin()->key);
    lambda = std::pow(10.0, m_current->data()->constBegin()->value);
    return true;
}

QString PhaseDiagramView::dataCsv() const
{
    // Every row carries what defines the diagram (issue 16, item 12): the parameter columns at the cell's (n_eff,
    // λ), the crossover and peak settings, and the current point (the panel's, marked ⊕), empty when there is none.
    const PhaseDiagramConfig& c = m_diagram.config();
    double currentNEff = 0, currentLambda = 0;
    const bool current = currentPoint(currentNEff, currentLambda);
    const QString settings = QStringLiteral("%1,%2,%3,%4,%5")
                                 .arg(c.crossoverMargin, 0, 'g', 17)
                                 .arg(c.peakHalfWidth, 0, 'g', 17)
                                 .arg(c.peakNEffFactor, 0, 'g', 17)
                                 .arg(current ? QString::number(currentNEff, 'g', 10) : QString())
                                 .arg(current ? QString::number(currentLambda, 'g', 10) : QString());
    QString csv = parameterCsvHeader()
        + QStringLiteral(",phase,predicted_slope_n,crossover_margin,peak_half_width,peak_n_eff_factor,current_n_eff,"
                         "current_lambda\n");
    const double logD = std::log10(c.d);
    for (int i = 0; i < kGridSize; ++i) {
        for (int j = 0; j < kGridSize; ++j) {
            double x, y;
            m_map->data()->cellToCoord(i, j, &x, &y);
            const std::string label = m_diagram.pureLabel(x / logD, y / logD);
            csv += QStringLiteral("%1,%2,%3,%4\n")
                       .arg(parameterCsvValues(exportParametersAt(std::pow(10.0, x), std::pow(10.0, y))))
                       .arg(QString::fromStdString(label))
                       .arg(m_diagram.exponentN(label), 0, 'g', 6)
                       .arg(settings);
        }
    }
    return csv;
}

QJsonObject PhaseDiagramView::dataJson() const
{
    const PhaseDiagramConfig& c = m_diagram.config();
    QJsonObject lines;
    QJsonArray n;
    QJsonArray l1, l2, l3;
    for (int k = 0; k <= 20; ++k) {
        const double x = std::pow(10.0, m_xMin + (m_xMax - m_xMin) * k / 20.0);
        n.append(x);
        l1.append(m_diagram.lineL1(x));
        l2.append(m_diagram.lineL2(x));
        l3.append(m_diagram.lineL3(x));
    }
    lines["n_eff"] = n;
    lines["L1"] = l1;
    lines["L2"] = l2;
    lines["L3"] = l3;
    QJsonArray measured;
    for (const Measurement& m : m_measured)
        measured.append(QJsonObject{{"n_eff", m.nEff}, {"lambda", m.lambda}, {"measured_slope", m.slope}});
    QJsonArray cells;
    for (const app::ExponentMapCell& cell : m_exponents.cells)
        cells.append(QJsonObject{{"a", cell.a}, {"b", cell.b}, {"phase", cell.phase}, {"predicted", cell.predicted},
            {"measured", cell.converged ? QJsonValue(cell.measured) : QJsonValue()}, {"curved", cell.curved}});
    QJsonObject object{{"plot", "phase_diagram"}, {"d", c.d}, {"gamma", c.gamma}, {"noise", c.noise}, {"lines", lines},
        {"vertical_lines", QJsonArray{m_diagram.firstFeatureNEff(), m_diagram.peakNEff(), m_diagram.heavyTailNEff()}},
        {"measurements", measured}, {"colour_mode", kColourModeNames[int(m_mode)]}, {"exponent_cells", cells}};
    // n_eff and λ span the plane; the current point is its own entry, and the measured exponents name what they
    // were measured for.
    object["parameters"] = parameterJson(exportParametersAt(std::nan(""), std::nan("")));
    if (!m_exponents.cells.isEmpty())
        object["exponent_map_parameters"] = QJsonObject{{"model", m_exponents.model}, {"gamma", m_exponents.gamma},
            {"noise_delta", m_exponents.noise}, {"d_max", m_exponents.dMax}};
    double currentNEff = 0, currentLambda = 0;
    object["current_point"] = currentPoint(currentNEff, currentLambda)
        ? QJsonValue(QJsonObject{{"n_eff", currentNEff}, {"lambda", currentLambda}})
        : QJsonValue();
    return object;
}

}  // namespace sl::ui
