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
    // The notes line's whole text (its tooltip): every annotation it holds in its longest wording.
    QString notesFullText() const;

    // --- a plot shorter than its layout (issue 16, item 7) ----------------------------------------------------------
    // QCustomPlot shrinks every row of a layout taller than the widget by one factor: at 1024×768 with the
    // decomposition dock open the title and the notes line were cut. The least height of the axis rect (the data)
    // kept while the texts around it can be shortened, and the least kept before the legend is given up.
    static constexpr int kUsableAxisRectHeight = 70;
    static constexpr int kLeastAxisRectHeight = 30;
    // Without a legend the axis rect may shrink to this before the notes line goes: the notes carry the annotations
    // that found no room on the plot, and dropping them lost the pruning level at 1024×768 and 150 % with the
    // decomposition dock open, where 31 px of data and the notes fitted.
    static constexpr int kNotesKeptAxisRectHeight = 15;
    // How far the texts around the axis rect were shortened to fit the widget's height, each step keeping the previous
    // ones. The first step at which title + axis rect of kUsableAxisRectHeight + notes + legend fit is taken (every
    // legend entry narrower than the widget, too); where
    // none does, OneRowLegend while the axis rect keeps kLeastAxisRectHeight, else no legend, and last no notes line.
    // So the title is never squeezed while the widget is at least as tall as the title and the axis rect's tick and
    // axis labels.
    enum class Fit {
        Full,  // the notes line in up to kMaxNoteLines lines, the legend's entries whole
        NotesOneLine,  // the notes line in one line: the shortest wordings, elided (…) where they do not fit
        BriefLegend,  // and the legend's entries in their brief wordings ("trained weights", "teacher", …)
        OneRowLegend,  // and those elided so that the legend takes one row
        NoLegend,  // and no legend (out of the layout)
        NoNotes,  // and no notes line
    };
    Fit fit() const { return m_fit; }
    // The whole name of a legend entry (its tooltip where the entry is shortened).
    QString legendFullName(const QCPAbstractPlottable* plottable) const;
    // The least height of the layout as last laid out, with an axis rect of `axisRectHeight` pixels inside its
    // tick and axis labels.
    int layoutHeightFor(int axisRectHeight) const;

protected:
    void updateLayout() override;
    // The whole name of a shortened legend entry as its tooltip.
    bool event(QEvent* event) override;
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
    // Whether every legend entry is narrower than the widget (at the widget's width).
    bool legendFitsWidth() const;
    // Lays out and places the annotations at m_fit.
    void layOutAt(Fit fit);
    // The legend's entries in the wording `m_fit` asks for; whether one changed.
    bool nameLegendEntries();

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
    QString m_notesFullText;
    struct LegendEntry {
        QCPAbstractPlottable* plottable;
        QString full, brief;
    };
    QVector<LegendEntry> m_legendEntries;
    bool m_legendWanted = false;  // a run is shown (no empty legend box before one)
    Fit m_fit = Fit::Full;
};

}  // namespace sl::ui
