// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/experiment/experiment_config.h"
#include "core/model/problem_config.h"

#include <QTimer>
#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace sl::ui {

class SliderSpinBox;

// Solver settings the panel edits; names match the experiment JSON ("lbfgs", "gd", "adam", "convex").
struct SolverSettings {
    QString solver = QStringLiteral("lbfgs");
    int maxIterations = 2000;
    double learningRate = 0.0;  // 0: the solver's default (follow-up code defaults, docs/theory/models.md §7)
    int seeds = 3;
};

// The experiment's parameters, in the paper's terms, each a slider paired with a spin box.
//
// What restarts the live run: every parameter of the problem (model, d, p, n_eff, λ, γ, Δ, teacher amplitudes,
// seed) and of the solver. What does not: the number of seeds (it only matters for sweeps). Changes are
// debounced: parametersChanged() fires once the user has stopped dragging for kDebounceMs.
class ParameterPanel : public QWidget {
    Q_OBJECT

public:
    static constexpr int kDebounceMs = 250;

    explicit ParameterPanel(QWidget* parent = nullptr);

    ProblemConfig problem() const;
    void setProblem(const ProblemConfig& problem);
    SolverSettings solver() const;
    void setSolver(const SolverSettings& settings);
    double nEff() const;

    // The panel as an experiment description (one run: no sweep), and back. The round trip keeps every field
    // the panel shows; solver settings it does not show take their follow-up code defaults (docs/theory/models.md §7).
    app::ExperimentConfig experiment() const;
    void setExperiment(const app::ExperimentConfig& config);
    // The n_eff window of the risk plot's slope fit; 0 means unbounded on that side. Display only: it does not
    // restart the live run.
    double fitFrom() const;
    double fitTo() const;
    void setFitWindow(double from, double to);

    // Forgets a debounced change that has not fired yet (after loading parameters programmatically).
    void discardPendingChange() { m_debounce.stop(); }

signals:
    // Debounced: a parameter that restarts the live run changed.
    void parametersChanged();
    // The slope-fit window changed (no run restarts).
    void fitWindowChanged();
    // Immediate, for cheap views (the phase diagram) that follow every slider step.
    void parametersEdited();

private:
    void edited();
    // Set the widgets without signalling; setProblem/setSolver/setExperiment signal once afterwards.
    void loadProblem(const ProblemConfig& problem);
    void loadSolver(const SolverSettings& settings);
    void updateDerived();

    QComboBox* m_model;
    SliderSpinBox* m_dimension;
    SliderSpinBox* m_width;
    SliderSpinBox* m_nEff;
    SliderSpinBox* m_weightDecay;
    SliderSpinBox* m_gamma;
    SliderSpinBox* m_noise;
    QComboBox* m_amplitudes;
    QSpinBox* m_seed;
    QComboBox* m_solver;
    QSpinBox* m_maxIterations;
    SliderSpinBox* m_learningRate;
    QSpinBox* m_seeds;
    QDoubleSpinBox* m_fitFrom;
    QDoubleSpinBox* m_fitTo;
    QLabel* m_derived;
    QTimer m_debounce;
    bool m_loading = false;
};

}  // namespace sl::ui
