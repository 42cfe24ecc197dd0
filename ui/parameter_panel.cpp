// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/parameter_panel.h"

#include "app/experiment/solver_table.h"
#include "ui/slider_spin_box.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

namespace sl::ui {

ParameterPanel::ParameterPanel(QWidget* parent) : QWidget(parent)
{
    using Scale = SliderSpinBox::Scale;
    auto* layout = new QVBoxLayout(this);

    auto* problemBox = new QGroupBox(tr("Problem"), this);
    auto* form = new QFormLayout(problemBox);
    m_model = new QComboBox(problemBox);
    m_model->setObjectName("model");
    m_model->addItem(tr("Quadratic network"), "quadratic");
    m_model->addItem(tr("Diagonal network"), "diagonal");
    m_model->setToolTip(tr("Quadratic: f(x) = (‖Wᵀx‖² − ‖W‖²_F)/√d with W ∈ R^{d×p}; equivalent to nuclear-norm "
                           "matrix sensing (docs/theory/models.md §3, docs/theory/convex.md §2).\n"
                           "Diagonal: f(x) = Σ a_i w_i x_i/√d; equivalent to the LASSO (docs/theory/models.md §2, "
                           "docs/theory/convex.md §1)."));
    form->addRow(tr("Model"), m_model);

    m_dimension = new SliderSpinBox(2, 4000, 40, Scale::Log, 0, problemBox);
    m_dimension->setObjectName("dimension");
    m_dimension->setIntegral(true);
    m_dimension->setToolTip(tr("Input dimension d. Quadratic runs cost O(n d p) = O(n_eff d³) per step: keep d ≲ 100 "
                               "for live exploration."));
    form->addRow(tr("d"), m_dimension);

    m_width = new SliderSpinBox(1, 4000, 40, Scale::Log, 0, problemBox);
    m_width->setObjectName("width");
    m_width->setIntegral(true);
    m_width->setToolTip(tr("Width p of the quadratic network (number of hidden units). p ≥ d always reaches the "
                           "convex optimum; smaller p may not (docs/theory/convex.md §3 width condition)."));
    form->addRow(tr("width p"), m_width);

    m_nEff = new SliderSpinBox(0.01, 1e6, 2.0, Scale::Log, 3, problemBox);
    m_nEff->setObjectName("nEff");
    m_nEff->setToolTip(tr("Effective sample size n_eff = n/d for the quadratic network, n for the diagonal one "
                          "(docs/theory/models.md §5, eq. 10)."));
    form->addRow(tr("n_eff"), m_nEff);

    m_weightDecay = new SliderSpinBox(1e-6, 1e4, 1.0, Scale::Log, 6, problemBox);
    m_weightDecay->setObjectName("weightDecay");
    m_weightDecay->setToolTip(
        tr("Weight decay λ: penalty (λ/d)‖W‖²_F (quadratic) or (λ/2)(‖a‖²+‖w‖²) (diagonal), "
           "docs/theory/models.md §1. The phase boundaries are λ = √(n_eff/d), n_eff/√d, n_eff/d^(γ+1/2)."));
    form->addRow(tr("λ"), m_weightDecay);

    m_gamma = new SliderSpinBox(0.51, 5.0, 1.0, Scale::Linear, 3, problemBox);
    m_gamma->setObjectName("gamma");
    m_gamma->setToolTip(tr("Power-law exponent γ > 1/2 of the teacher: eigenvalues s_i ∝ i^(−γ) (quadratic), "
                           "variances d·i^(−2γ) (diagonal), docs/theory/models.md §1."));
    form->addRow(tr("γ"), m_gamma);

    m_noise = new SliderSpinBox(0.0, 10.0, 0.5, Scale::Linear, 4, problemBox);
    m_noise->setObjectName("noise");
    m_noise->setToolTip(
        tr("Label-noise variance Δ: y = f*(x) + √Δ ξ (docs/theory/models.md §1). The paper's figures use Δ = 0.5."));
    form->addRow(tr("Δ"), m_noise);

    m_amplitudes = new QComboBox(problemBox);
    m_amplitudes->setObjectName("amplitudes");
    m_amplitudes->addItem(tr("Gaussian (paper)"), "gaussian");
    m_amplitudes->addItem(tr("Deterministic ± (inferred)"), "deterministic");
    m_amplitudes->setToolTip(tr("Diagonal teacher: θ*_i = √d i^(−γ) g_i (the paper's Gaussian draw) or √d i^(−γ) with "
                                "random signs (inferred, for smooth curves; docs/theory/models.md §6)."));
    form->addRow(tr("Teacher"), m_amplitudes);

    m_seed = new QSpinBox(problemBox);
    m_seed->setObjectName("seed");
    m_seed->setRange(0, 1000000);
    m_seed->setValue(1);
    m_seed->setToolTip(tr("Random seed of the teacher, the data and the initialisation; the same seed gives "
                          "identical results."));
    form->addRow(tr("Seed"), m_seed);
    layout->addWidget(problemBox);

    auto* solverBox = new QGroupBox(tr("Solver"), this);
    auto* solverForm = new QFormLayout(solverBox);
    m_solver = new QComboBox(solverBox);
    m_solver->setObjectName("solver");
    for (const app::SolverInfo& row : app::solverTable()) {
        m_solver->addItem(tr(row.label), QLatin1String(row.name));
        m_solver->setItemData(m_solver->count() - 1, tr(row.optimises), Qt::ToolTipRole);
    }
    m_solver->setToolTip(
        tr("L-BFGS is the paper's optimiser; defaults follow the group's code (follow-up code defaults, "
           "docs/theory/models.md §7). The convex solver finds the global minimum the network should reach."));
    solverForm->addRow(tr("Solver"), m_solver);
    m_maxIterations = new QSpinBox(solverBox);
    m_maxIterations->setObjectName("maxIterations");
    m_maxIterations->setRange(1, 1000000);
    m_maxIterations->setValue(2000);
    solverForm->addRow(tr("Max iterations"), m_maxIterations);
    m_learningRate = new SliderSpinBox(0.0, 1.0, 0.0, Scale::Linear, 5, solverBox);
    m_learningRate->setObjectName("learningRate");
    m_learningRate->spinBox()->setSpecialValueText(tr("default"));  // 0 means the solver's default
    m_learningRate->setToolTip(tr("Step size of GD/Adam; 0 uses the follow-up code default (GD 1e-2, Adam 1e-3)."));
    solverForm->addRow(tr("Learning rate"), m_learningRate);
    m_seeds = new QSpinBox(solverBox);
    m_seeds->setObjectName("seeds");
    m_seeds->setRange(1, 100);
    m_seeds->setValue(3);
    m_seeds->setToolTip(tr("Seeds per point in a sweep (error bars are standard errors over seeds). Does not "
                           "restart the live run."));
    solverForm->addRow(tr("Seeds per point"), m_seeds);
    layout->addWidget(solverBox);

    auto* fitBox = new QGroupBox(tr("Slope fit (risk plot)"), this);
    auto* fitForm = new QFormLayout(fitBox);
    auto makeBound = [fitBox](const QString& name, const QString& tip) {
        auto* spin = new QDoubleSpinBox(fitBox);
        spin->setObjectName(name);
        spin->setRange(0, 1e8);
        spin->setDecimals(3);
        spin->setSpecialValueText(tr("all"));
        spin->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
        spin->setToolTip(tip);
        return spin;
    };
    m_fitFrom = makeBound("fitFrom",
        tr("Smallest n_eff used in the least-squares slope of log R against log n_eff "
           "(all: no bound). Choose a window inside one phase."));
    m_fitTo = makeBound("fitTo", tr("Largest n_eff used in the slope fit (all: no bound)."));
    fitForm->addRow(tr("n_eff from"), m_fitFrom);
    fitForm->addRow(tr("n_eff to"), m_fitTo);
    layout->addWidget(fitBox);
    for (QDoubleSpinBox* spin : {m_fitFrom, m_fitTo})
        connect(spin, &QDoubleSpinBox::valueChanged, this, &ParameterPanel::fitWindowChanged);

    m_derived = new QLabel(this);
    m_derived->setObjectName("derived");
    m_derived->setWordWrap(true);
    layout->addWidget(m_derived);
    layout->addStretch(1);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &ParameterPanel::parametersChanged);

    for (SliderSpinBox* s : {m_dimension, m_width, m_nEff, m_weightDecay, m_gamma, m_noise, m_learningRate})
        connect(s, &SliderSpinBox::valueChanged, this, &ParameterPanel::edited);
    for (QComboBox* c : {m_model, m_amplitudes, m_solver})
        connect(c, &QComboBox::currentIndexChanged, this, &ParameterPanel::edited);
    for (QSpinBox* s : {m_seed, m_maxIterations})
        connect(s, &QSpinBox::valueChanged, this, &ParameterPanel::edited);
    connect(m_dimension, &SliderSpinBox::valueChanged, this, [this](double d) { m_width->setRange(1, d); });
    updateDerived();
}

void ParameterPanel::edited()
{
    if (m_loading)
        return;
    updateDerived();
    emit parametersEdited();
    m_debounce.start();
}

void ParameterPanel::updateDerived()
{
    const ProblemConfig p = problem();
    const bool quadratic = p.model == ModelKind::Quadratic;
    m_width->setEnabled(quadratic);
    m_amplitudes->setEnabled(!quadratic);
    const app::SolverInfo* solver = app::findSolver(m_solver->currentData().toString());
    m_learningRate->setEnabled(solver && solver->usesLearningRate);
    m_derived->setText(tr("n = %1 samples (n_eff = %2)%3")
                           .arg(p.samples)
                           .arg(p.nEff(), 0, 'g', 4)
                           .arg(quadratic ? tr(", α_q = n/d² = %1").arg(p.nEff() / p.dimension, 0, 'g', 3)
                                          : tr(", α = n/d = %1").arg(p.nEff() / p.dimension, 0, 'g', 3)));
}

ProblemConfig ParameterPanel::problem() const
{
    ProblemConfig p;
    fromString(m_model->currentData().toString().toStdString(), p.model);
    p.dimension = int(std::lround(m_dimension->value()));
    p.width = p.model == ModelKind::Quadratic ? int(std::lround(m_width->value())) : 0;
    p.samples = ProblemConfig::samplesForNEff(p.model, p.dimension, m_nEff->value());
    p.weightDecay = m_weightDecay->value();
    p.gamma = m_gamma->value();
    p.noise = m_noise->value();
    fromString(m_amplitudes->currentData().toString().toStdString(), p.amplitudes);
    p.seed = std::uint64_t(m_seed->value());
    return p;
}

double ParameterPanel::nEff() const
{
    return m_nEff->value();
}

void ParameterPanel::setProblem(const ProblemConfig& p)
{
    loadProblem(p);
    edited();
}

void ParameterPanel::loadProblem(const ProblemConfig& p)
{
    const bool wasLoading = m_loading;
    m_loading = true;
    m_model->setCurrentIndex(m_model->findData(QString(toString(p.model))));
    m_dimension->setValue(p.dimension);
    m_width->setRange(1, p.dimension);
    m_width->setValue(p.effectiveWidth());
    m_nEff->setValue(p.nEff());
    m_weightDecay->setValue(p.weightDecay);
    m_gamma->setValue(p.gamma);
    m_noise->setValue(p.noise);
    m_amplitudes->setCurrentIndex(m_amplitudes->findData(QString(toString(p.amplitudes))));
    m_seed->setValue(int(p.seed));
    m_loading = wasLoading;
}

SolverSettings ParameterPanel::solver() const
{
    SolverSettings s;
    s.solver = m_solver->currentData().toString();
    s.maxIterations = m_maxIterations->value();
    s.learningRate = m_learningRate->value();
    s.seeds = m_seeds->value();
    return s;
}

void ParameterPanel::setSolver(const SolverSettings& s)
{
    loadSolver(s);
    edited();
}

void ParameterPanel::loadSolver(const SolverSettings& s)
{
    const bool wasLoading = m_loading;
    m_loading = true;
    m_solver->setCurrentIndex(std::max(0, m_solver->findData(s.solver)));
    m_maxIterations->setValue(s.maxIterations);
    m_learningRate->setValue(s.learningRate);
    m_seeds->setValue(s.seeds);
    m_loading = wasLoading;
}

}  // namespace sl::ui

namespace sl::ui {

app::ExperimentConfig ParameterPanel::experiment() const
{
    app::ExperimentConfig config;
    config.problem = problem();
    const SolverSettings s = solver();
    app::fromString(s.solver, config.solver);
    const sl::Optimizer optimizer = app::solverInfo(config.solver).trainDefaults;
    config.train = sl::TrainConfig::defaults(optimizer);
    config.train.maxIterations = s.maxIterations;
    if (s.learningRate > 0 && optimizer != sl::Optimizer::Lbfgs)
        config.train.learningRate = s.learningRate;
    config.seedCount = s.seeds;
    return config;
}

void ParameterPanel::setExperiment(const app::ExperimentConfig& config)
{
    SolverSettings s;
    s.solver = QString::fromLatin1(app::toString(config.solver));
    s.maxIterations = config.train.maxIterations;
    const sl::TrainConfig defaults = sl::TrainConfig::defaults(config.train.optimizer);
    s.learningRate = config.train.learningRate == defaults.learningRate ? 0.0 : config.train.learningRate;
    s.seeds = int(config.seeds().size());
    loadProblem(config.problem);
    loadSolver(s);
    edited();
}

}  // namespace sl::ui

namespace sl::ui {

double ParameterPanel::fitFrom() const
{
    return m_fitFrom->value();
}

double ParameterPanel::fitTo() const
{
    return m_fitTo->value();
}

void ParameterPanel::setFitWindow(double from, double to)
{
    m_fitFrom->setValue(from);
    m_fitTo->setValue(to);
}

}  // namespace sl::ui
