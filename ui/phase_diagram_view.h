// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/analysis/exponent_map_json.h"
#include "core/common/cancel_token.h"
#include "core/theory/exponent_map.h"
#include "core/theory/phase_diagram.h"
#include "ui/plot_export.h"
#include "ui/plot_view.h"

#include <QFutureWatcher>
#include <QLineF>
#include <QPolygonF>
#include <QVector>

class QComboBox;
class QPushButton;

namespace sl::ui {

// The (n_eff, λ) plane for one d and γ as a colour map of the predicted exponent of R against n_eff
// (docs/theory/phase-diagram.md §5), with the boundary lines and region labels. Axes are log10 of the natural units,
// labelled as powers of ten. Hovering names the phase and its rate; a click asks for that point's experiment.
class PhaseDiagramView : public PlotView {
    Q_OBJECT

public:
    explicit PhaseDiagramView(QWidget* parent = nullptr);
    ~PhaseDiagramView() override;

    void setDiagram(const PhaseDiagramConfig& config);
    const PhaseDiagram& diagram() const { return m_diagram; }

    // Finished experiments: markers at (n_eff, λ) coloured by the measured slope on the same scale as the map.
    // setMeasurements replaces every marker (the curves' fits change as points arrive).
    struct Measurement {
        double nEff, lambda, slope;
    };
    void addMeasurement(double nEff, double lambda, double measuredSlope);
    void setMeasurements(const QVector<Measurement>& measurements);
    void clearMeasurements() { setMeasurements({}); }
    const QVector<Measurement>& measurements() const { return m_measured; }
    // The point of the current live experiment.
    void setCurrentPoint(double nEff, double lambda);

    // The (n_eff, λ) under a widget position; false outside the axis rectangle.
    bool pointAt(const QPointF& position, double& nEff, double& lambda) const;
    // Text shown when hovering over (n_eff, λ).
    QString describe(double nEff, double lambda) const;

    QString dataCsv() const override;
    QJsonObject dataJson() const override;
    // The current point as marked (setCurrentPoint); false when none is.
    bool currentPoint(double& nEff, double& lambda) const;

    static constexpr int kGridSize = 160;

    // What the colour map shows; the combo box in the view's corner switches it. The exponent modes colour by
    // e of R ~ d^(−e) in log_d units (n_eff = d^a, λ = d^b, docs/theory/exponents.md): Result 1's prediction, the
    // exponent measured from the state evolution (setExponentMap / computeExponentMap), or their difference.
    enum class ColourMode { PredictedSlope, PredictedExponent, MeasuredExponent, ExponentDifference };
    void setColourMode(ColourMode mode);
    ColourMode colourMode() const { return m_mode; }
    void setExponentMap(const app::ExponentMapData& map);
    const app::ExponentMapData& exponentMap() const { return m_exponents; }
    // Measures the map for the diagram's γ and Δ off the GUI thread (grid and ladder from `config`; its gamma/noise
    // are overwritten); progress in the button, a second click cancels. Emits exponentMapFinished.
    void computeExponentMap(ExponentMapConfig config);
    void cancelExponentMap();
    bool exponentMapRunning() const { return m_watcher.isRunning(); }
    // The model the "Measure exponents" button measures (diagonal by default; both share one diagram).
    void setExponentModel(ModelKind model) { m_exponentModel = model; }
    ModelKind exponentModel() const { return m_exponentModel; }

    // --- line labels (issue 16, item 6) ---------------------------------------------------------------------------
    // Each line's label lies along its line (rotated to the line's on-screen angle), beside it, inside the axis rect
    // and clear of the region labels, the dotted verticals and their labels, the markers, the other line labels and
    // the other boundary lines; where the full equation finds no such place the label shortens to its name ("L3") and
    // the equation goes to the key, a row below the map ("L3: λ = n_eff/d^(γ+1/2)"). A line whose name finds no place
    // either is named in the key alone: no line is left without its equation. The labels as last placed (after a
    // replot):
    struct PlacedLabel {
        QString text;
        QPolygonF corners;  // the rotated text box in widget pixels (QCPItemText's four corner anchors)
        double rotation = 0;  // degrees, clockwise on screen (QCPItemText::rotation)
        QLineF line;  // the labelled line's visible segment in widget pixels
        double lineWidth = 0;  // its pen's width in pixels
    };
    QVector<PlacedLabel> lineLabels() const;
    // The region labels ("Ia", "V", ...) as drawn, in one order: each at its region's centroid, or shifted sideways off
    // a dotted vertical that crosses it there, as far as the label stays inside its region (placeVerticalLabels).
    QVector<QPolygonF> regionLabelBoxes() const;
    QStringList regionLabelTexts() const;
    QStringList lineLabelTexts() const;
    // Every boundary line's name ("L1"), full label ("L1: λ = √(n_eff/d)") and visible segment (null when the map
    // does not show it), in the order drawn, whether or not its label is on the plot.
    struct BoundaryLine {
        QString name, full;
        QLineF segment;
        const QCPItemLine* item = nullptr;  // the drawn line (its pen)
    };
    QVector<BoundaryLine> boundaryLines() const;
    // The dotted verticals (n_eff = 1, d, d^(2γ)) where the map shows them: each an obstacle for the line labels, like
    // its rotated label. The label runs up beside its line at the lowest place, left of the line or else right of it,
    // whose box lies inside the axis rect and is clear of the region labels, the other verticals and their labels
    // (shortened to "d^(2γ)" where "n_eff = d^(2γ)" finds none; across the map beside its line where neither runs up
    // it; hidden where nothing fits).
    struct VerticalLine {
        const QCPItemStraightLine* item = nullptr;
        const QCPItemText* label = nullptr;
    };
    QVector<VerticalLine> verticalLines() const;
    // The key below the map: one entry per line whose full label is not on the plot, each a sample of the line's own
    // pen (colour and dash pattern, on a grey swatch that both the dark and the white lines show on) followed by its
    // equation; entries flow in rows across the map's column, an entry wider than the column broken after its name
    // ("L3:" above "λ = n_eff/d^(γ+1/2)"). Empty (and the row removed) when every label carries its equation.
    struct KeyEntry {
        QString name;
        const QCPItemRect* swatch = nullptr;
        const QCPItemLine* sample = nullptr;
        const QCPItemText* text = nullptr;
    };
    QVector<KeyEntry> lineKeyEntries() const;  // the entries shown
    // The shown entries' equations, one a line (an entry broken after its name reads as one line here).
    QString lineKeyText() const;
    QCPLayoutElement* lineKey() const { return m_key; }
    // --- end of line labels -----------------------------------------------------------------------------------------

    // The colour scale beside the map. Its label takes the longest of its mode's wordings that fits the scale's height
    // (at 1024×768 and 150 % the whole one ran up beside the title); shortened, the whole label is the scale's tooltip.
    QCPColorScale* colourScale() const { return m_scale; }
    QString colourScaleFullLabel() const { return m_scaleWordings.value(0); }

signals:
    // Emitted on a click inside the diagram; `sweep` is true with Shift held (a sweep over n_eff through the point).
    void pointActivated(double nEff, double lambda, bool sweep);
    void hovered(const QString& description);
    void exponentMapFinished(bool ok, const QString& message);

protected:
    bool event(QEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    // The exports' parameters at (n_eff, λ) (NaN: varies over the plane).
    ExportParameters exportParametersAt(double nEff, double lambda) const;
    void rebuild();
    void plotMeasurement(const Measurement& m);
    void drawLine(const QString& name, const QPen& pen, double labelAt, const std::function<double(double)>& lambdaOf);
    void drawVertical(double nEff, const QString& label);
    // Places every line label for the current layout; `keyed` are the lines whose equation is in the key (only
    // their names are placed). Returns the lines that need the key: no clear place for their full label.
    QStringList placeLineLabels(const QStringList& keyed);
    // Moves the region labels off the dotted verticals where their regions allow, then places the verticals' labels
    // clear of them; before placeLineLabels, which takes both as obstacles.
    void placeVerticalLabels();
    // The layout, then the labels; where some need the key its row is added and both are done again (at most once
    // per line: the key only grows within one layout, so this ends).
    void updateLayout() override;
    // Shows the entries of `names` (line names) in the key and gives its row the height they need in the map's
    // column as last laid out; placeKey() puts them into the row once the layout is done.
    void setKeyEntries(const QStringList& names);
    // Arranges the shown entries in rows from `origin` (the key row's inner top left) across `width`; returns the
    // height they take.
    double arrangeKey(const QPointF& origin, double width);
    void placeKey();
    // The longest wording of the colour scale's label that fits its height.
    void fitColourScaleLabel();
    QCPLayoutElement* m_key = nullptr;
    QStringList m_keyEntries;
    QStringList m_scaleWordings;  // the colour scale's label, longest first
    QLineF visibleSegment(const QCPItemLine* line) const;
    struct LineLabel {
        QCPItemText* text = nullptr;
        QCPItemLine* line = nullptr;
        QString full, name;  // "L1: λ = √(n_eff/d)" and "L1"
        double preferred = 0.5;  // the fraction of the visible segment tried first
        QCPItemRect* keySwatch = nullptr;  // the line's key entry (hidden while its full label is on the plot)
        QCPItemLine* keySample = nullptr;
        QCPItemText* keyText = nullptr;
    };
    QVector<LineLabel> m_lineLabels;
    QVector<QCPItemText*> m_regionLabels;
    // Each region label's centroid (plot coordinates), where it is drawn unless moved off a dotted line.
    QVector<QPointF> m_regionCentres;
    QVector<QCPItemStraightLine*> m_verticalLines;  // the dotted verticals
    QVector<QCPItemText*> m_verticalLabels;  // "n_eff = d" along them
    // The mode box and the measuring button in the top right corner, on one row where the view is wide enough and
    // on two otherwise, never wider than the view; the title starts below them.
    void placeControls();
    void drawExponentCells();
    const app::ExponentMapCell* nearestCell(double a, double b) const;
    void resizeEvent(QResizeEvent* event) override;

    PhaseDiagram m_diagram;
    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    QCPGraph* m_current = nullptr;
    QVector<Measurement> m_measured;
    QVector<QCPGraph*> m_measurementGraphs;
    double m_xMin = 0, m_xMax = 0, m_yMin = 0, m_yMax = 0;  // log10 ranges
    ColourMode m_mode = ColourMode::PredictedSlope;
    app::ExponentMapData m_exponents;
    QCPColorMap* m_cells = nullptr;  // the measured map, one rectangle per grid cell
    QComboBox* m_modeBox = nullptr;
    QPushButton* m_measureButton = nullptr;
    QFutureWatcher<ExponentMapResult> m_watcher;
    CancelToken m_cancel;
    ModelKind m_exponentModel = ModelKind::Diagonal;
    QCPGraph* m_curvedCells = nullptr;
};

}  // namespace sl::ui
