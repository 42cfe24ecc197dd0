// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/document/document_types.h"
#include "ui/plot_view.h"

#include <QHash>
#include <QVector>

namespace sl::ui {

// One curve of the risk plot is the document's RiskCurve, drawn as it is.
using RiskSeries = app::RiskCurve;

// Excess risk against n_eff on log-log axes: per curve the measured points with error bars over seeds (legend:
// the fitted slope), the state-evolution curve, and the predicted slope over the fit window. A curve is identified
// by its id (its exact parameters; the name when the id is empty), added or updated in place, and keeps its colour.
class RiskPlot : public PlotView {
    Q_OBJECT

public:
    explicit RiskPlot(QWidget* parent = nullptr);

    // Adds a series, or updates the one with the same id in place.
    void setSeries(const RiskSeries& series);
    void removeSeries(const QString& id);
    void clearSeries();
    const QVector<RiskSeries>& series() const { return m_series; }
    // The live run's current risk, drawn as a single highlighted point.
    void setLivePoint(double nEff, double risk);
    void clearLivePoint();
    bool hasLivePoint() const { return m_live && !m_live->data()->isEmpty(); }
    QCPGraph* liveGraph() const { return m_live; }
    // The graphs of one series (null when it has none): what is actually drawn, for tests and exports.
    QCPGraph* pointsGraph(const QString& id) const;
    QCPGraph* theoryGraph(const QString& id) const;
    QCPGraph* predictedGraph(const QString& id) const;
    // The pruned excess risk of each finished point (docs/theory/decomposition.md §6), with the state evolution's
    // prediction of it, drawn for every series that has them while switched on (off by default).
    void setPrunedVisible(bool visible);
    bool prunedVisible() const { return m_prunedVisible; }
    QCPGraph* prunedGraph(const QString& id) const;
    QCPGraph* prunedPredictionGraph(const QString& id) const;
    QCPGraph* bayesGraph(const QString& id) const;
    // How many times a series' graphs were created (not updated): in-place updates leave it unchanged.
    int graphCreations() const { return m_creations; }

    // Fits the axes to every point, error bar, theory curve and the live point (what rescale() does on updates).
    void fitToData() override { rescale(); }
    // The legend entry's graph of a keep ("kept/<k>"), null when there is none.
    QCPGraph* keptLegendGraph(const QString& group) const { return m_keptEntries.value(group); }

    QString dataCsv() const override;
    QJsonObject dataJson() const override;

    // The row under the legend that says what the line styles mean (the legend has one entry per curve, so the
    // state-evolution, Bayes-optimal, predicted-slope and pruned lines have no entries of their own): only the styles
    // drawn now, empty when there are none.
    QString lineKeyText() const;

private:
    void updateLineKey();
    QCPTextElement* m_lineKey = nullptr;

    struct Graphs {
        QCPGraph* points = nullptr;
        QCPErrorBars* bars = nullptr;
        QCPGraph* theory = nullptr;
        QCPGraph* predicted = nullptr;
        QCPGraph* bayes = nullptr;
        QCPItemText* label = nullptr;
        QColor colour;
        QString group;  // "kept/<k>" for a kept copy, empty otherwise
    };
    static QString keyOf(const RiskSeries& s) { return s.id.isEmpty() ? s.name : s.id; }
    void draw(const RiskSeries& s, Graphs& g);
    void rescale();
    void drawPruned(const RiskSeries& s);
    void removePruned(const QString& key);
    struct PrunedGraphs {
        QCPGraph* points = nullptr;
        QCPGraph* predicted = nullptr;
    };
    QHash<QString, PrunedGraphs> m_pruned;
    bool m_prunedVisible = false;
    void updateKeptLegend();

    QVector<RiskSeries> m_series;
    QHash<QString, Graphs> m_graphs;
    QHash<QString, QCPGraph*> m_keptEntries;  // one legend entry per keep ("kept/<k>")
    int m_creations = 0;
    QCPGraph* m_live = nullptr;
};

}  // namespace sl::ui
