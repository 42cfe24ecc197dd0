// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/theory/phase_diagram.h"
#include "ui/plot_view.h"

#include <QVector>

namespace sl::ui {

// The (n_eff, λ) plane for one d and γ as a colour map of the predicted exponent of R against n_eff
// (docs/theory/phase-diagram.md §5), with the boundary lines and region labels. Axes are log10 of the natural units,
// labelled as powers of ten. Hovering names the phase and its rate; a click asks for that point's experiment.
class PhaseDiagramView : public PlotView {
    Q_OBJECT

public:
    explicit PhaseDiagramView(QWidget* parent = nullptr);

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

    static constexpr int kGridSize = 160;

signals:
    // Emitted on a click inside the diagram; `sweep` is true with Shift held (a sweep over n_eff through the point).
    void pointActivated(double nEff, double lambda, bool sweep);
    void hovered(const QString& description);

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    void rebuild();
    void plotMeasurement(const Measurement& m);
    void drawLine(
        const QString& name, const QColor& colour, double labelAt, const std::function<double(double)>& lambdaOf);
    void drawVertical(double nEff, const QString& label);

    PhaseDiagram m_diagram;
    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    QCPGraph* m_current = nullptr;
    QVector<Measurement> m_measured;
    QVector<QCPGraph*> m_measurementGraphs;
    double m_xMin = 0, m_xMax = 0, m_yMin = 0, m_yMax = 0;  // log10 ranges
};

}  // namespace sl::ui
