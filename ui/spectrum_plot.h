// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/document/document_types.h"
#include "core/spectrum/spectrum.h"
#include "core/spectrum/tail_fit.h"
#include "core/spectrum/trained_spectrum.h"
#include "ui/plot_view.h"

#include <Eigen/Dense>
#include <optional>

namespace sl::ui {

// Everything the spectrum plot shows: the document's spectrum state (values, not pointers).
using SpectrumViewData = app::SpectrumState;

// The live eigenvalue density of the trained weights (linear bins, or log bins on log-log axes), with the
// teacher's and the predicted spectra overlaid, the fitted power-law tail, the xmin marker and the bulk edge.
class SpectrumPlot : public PlotView {
    Q_OBJECT

public:
    static constexpr int kBins = 40;

    explicit SpectrumPlot(QWidget* parent = nullptr);

    void setData(const SpectrumViewData& data);
    const SpectrumViewData& data() const { return m_data; }
    void setLogView(bool logView);
    bool logView() const { return m_logView; }

    // The finished run's pruning threshold (docs/theory/decomposition.md §6) as drawn: its vertical line and label
    // (null when the run was not decomposed or there is nothing to prune).
    QCPItemStraightLine* pruningLine() const { return m_pruningLine; }
    QCPItemText* pruningLabel() const { return m_pruningLabel; }
    // The point mass at 0 (the numerical zeros of docs/theory/spectra.md §8): its weight F, and the label that shows
    // it (null when there are no zeros). The trained histogram (null before a run) covers the other values only.
    double pointMassWeight() const;
    int pointMassCount() const { return m_zeros.nZero; }
    double zeroThreshold() const { return m_zeros.threshold; }
    QCPItemText* pointMassLabel() const { return m_pointMassLabel; }
    QCPGraph* trainedGraph() const { return m_trainedGraph; }

    QString dataCsv() const override;
    QJsonObject dataJson() const override;

    // --- annotations (issue 16) -------------------------------------------------------------------------------------
    // The plot's notes: the point mass, the pruning level, the bulk edge and xmin lines' labels, the tail fit's
    // failure. After every layout each is placed inside the axis rect, clear of the others and of the point mass's
    // bar, in the longest of its wordings that finds room (placeTextClear, ui/plot_view.h); one that finds none is
    // hidden on the plot and written in the notes line below the axis rect (above the legend) instead.
    QVector<QCPItemText*> annotations() const;
    // The notes line (in the layout only while it holds something).
    QCPTextElement* notesElement() const { return m_notes; }
    bool notesShown() const;
    // The notes line's text as drawn (widget pixels).
    QRect notesTextRect() const;
    // The notes line writes each annotation whole in up to this many lines, else their shortest wordings.
    static constexpr int kMaxNoteLines = 3;

protected:
    void updateLayout() override;
    // --- end of annotations -----------------------------------------------------------------------------------------

private:
    void rebuild();
    std::vector<double> currentEdges() const;
    QCPGraph* addDensity(const Eigen::VectorXd& samples, const std::vector<double>& edges, const QString& name,
        const QPen& pen, const QBrush& brush, double weight = 1.0);
    void drawPointMass(double barHeight);
    void addVertical(double x, const QStringList& wordings, const QPen& pen);
    void addPruningThreshold();

    enum class AnnotationKind { PointMass, BesideLine, AlongLine, Corner };
    struct Annotation {
        QCPItemText* item;
        AnnotationKind kind;
        QStringList wordings;  // longest first; the first is the whole text
        double x;  // the line's data coordinate (BesideLine, AlongLine)
    };
    QCPItemText* addAnnotation(AnnotationKind kind, const QStringList& wordings, double x = 0);
    QVector<TextSpot> spotsFor(const Annotation& a, const QRectF& area) const;
    // Places every annotation not in `toNotes`; returns those in `toNotes` and those that found no place.
    QVector<const QCPItemText*> placeAnnotations(const QVector<const QCPItemText*>& toNotes);
    // Writes them in the notes line (out of the layout when there are none); whether the layout changed.
    bool showNotes(const QVector<const QCPItemText*>& items);

    SpectrumViewData m_data;
    bool m_logView = false;
    QCPItemStraightLine* m_pruningLine = nullptr;
    QCPItemText* m_pruningLabel = nullptr;
    sl::ZeroSplit m_zeros;
    QCPGraph* m_trainedGraph = nullptr;
    QCPItemText* m_pointMassLabel = nullptr;
    QCPItemLine* m_pointMassBar = nullptr;
    QVector<Annotation> m_annotations;
    QCPTextElement* m_notes = nullptr;
};

}  // namespace sl::ui
