// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/se_slope_map_view.h"

#include "ui/plot_export.h"
#include "ui/plot_style.h"

#include "core/theory/phase_diagram.h"

#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QMap>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>
#include <exception>

namespace sl::ui {

SeSlopeMapPlot::SeSlopeMapPlot(QWidget* parent) : PlotView(tr("State-evolution slope of R against n_eff"), parent)
{
    setObjectName("seSlopeMapPlot");
    xAxis->setLabel(tr("effective sample size n_eff"));
    yAxis->setLabel(tr("weight decay λ"));
    m_scale = new QCPColorScale(this);
    plotLayout()->addElement(1, 1, m_scale);
    m_scale->setLabel(tr("SE d log R / d log n_eff"));
    m_scale->setDataRange(QCPRange(kSlopeMin, kSlopeMax));
    QCPColorGradient gradient(QCPColorGradient::gpJet);
    gradient.setLevelCount(60);
    gradient.setNanHandling(QCPColorGradient::nhTransparent);  // failed cells stay blank, never a colour
    m_scale->setGradient(gradient);
    auto* margins = new QCPMarginGroup(this);
    axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    legend->setVisible(false);
    applyLog10CoordinateAxis(xAxis);
    applyLog10CoordinateAxis(yAxis);
}

void SeSlopeMapPlot::setResult(const NoiselessDiagramConfig& config, const NoiselessDiagramResult& result)
{
    m_config = config;
    m_result = result;
    clearItems();
    if (m_map) {
        removePlottable(m_map);
        m_map = nullptr;
    }
    const std::size_t nx = result.nEff.size(), ny = result.lambda.size();
    if (result.cells.size() != nx * ny || nx < 2 || ny < 1) {
        scheduleReplot();
        return;
    }
    const double x0 = std::log10(result.nEff.front()), x1 = std::log10(result.nEff.back());
    const double y0 = std::log10(result.lambda.front()), y1 = std::log10(result.lambda.back());
    m_map = new QCPColorMap(xAxis, yAxis);
    m_map->setColorScale(m_scale);
    m_map->data()->setSize(int(nx), int(ny));
    m_map->data()->setRange(QCPRange(x0, x1), QCPRange(y0, y1 > y0 ? y1 : y0 + 1));
    m_map->setInterpolate(false);
    QMap<QString, QPair<QPointF, int>> centres;
    for (std::size_t j = 0; j < ny; ++j) {
        for (std::size_t i = 0; i < nx; ++i) {
            const NoiselessDiagramCell& c = result.cell(i, j);
            m_map->data()->setCell(int(i), int(j), std::isfinite(c.slope) ? c.slope : std::nan(""));
            if (c.phase == "crossover")
                continue;
            auto& centre = centres[QString::fromStdString(c.phase)];
            centre.first += QPointF(std::log10(c.nEff), std::log10(c.lambda));
            centre.second += 1;
        }
    }
    // The inferred closed-form regions as labels "II (−1)": name and predicted slope, at each region's centroid.
    PhaseDiagramConfig pc;
    pc.d = config.model.d;
    pc.gamma = config.model.gamma;
    pc.noise = config.model.noise;
    const PhaseDiagram diagram(pc);
    for (auto it = centres.cbegin(); it != centres.cend(); ++it) {
        if (it.value().second < 2)
            continue;
        auto* text = new QCPItemText(this);
        text->position->setCoords(it.value().first / it.value().second);
        text->setText(
            QStringLiteral("%1 (%2)").arg(it.key()).arg(diagram.exponentN(it.key().toStdString()), 0, 'g', 3));
        text->setFont(QFont("sans", 9, QFont::Bold));
        text->setColor(Qt::white);
        text->setBrush(QColor(0, 0, 0, 110));
        text->setPadding(QMargins(3, 1, 3, 1));
    }
    const struct {
        const char* name;
        QColor colour;
        double (PhaseDiagram::*line)(double) const;
    } lines[] = {{"L1", QColor(20, 20, 20), &PhaseDiagram::lineL1}, {"L2", Qt::white, &PhaseDiagram::lineL2},
        {"L3", Qt::white, &PhaseDiagram::lineL3}};
    for (const auto& l : lines) {
        auto* line = new QCPItemLine(this);
        line->start->setCoords(x0, std::log10((diagram.*l.line)(std::pow(10.0, x0))));
        line->end->setCoords(x1, std::log10((diagram.*l.line)(std::pow(10.0, x1))));
        line->setPen(QPen(l.colour, 2, Qt::DashLine));
        line->setClipToAxisRect(true);
    }
    xAxis->setRange(x0, x1);
    yAxis->setRange(y0, y1 > y0 ? y1 : y0 + 1);
    applyLog10CoordinateAxis(xAxis);  // the map is drawn in log10 coordinates
    applyLog10CoordinateAxis(yAxis);
    setTitle(tr("SE slope map, d = %1, γ = %2, Δ = %3 (labels: inferred closed form)")
                 .arg(config.model.d)
                 .arg(config.model.gamma)
                 .arg(config.model.noise));
    scheduleReplot();
}

QString SeSlopeMapPlot::dataCsv() const
{
    // Every row carries the state evolution's parameters at its (n_eff, λ) (issue 16, item 12); they come first.
    QString csv = parameterCsvHeader() + QStringLiteral(",se_risk,se_slope,phase,predicted_slope\n");
    for (const NoiselessDiagramCell& c : m_result.cells)
        csv += QStringLiteral("%1,%2,%3,%4,%5\n")
                   .arg(parameterCsvValues(exportParameters(m_config.model, c.nEff, c.lambda)))
                   .arg(c.risk, 0, 'g', 10)
                   .arg(c.slope, 0, 'g', 10)
                   .arg(QString::fromStdString(c.phase))
                   .arg(c.predictedSlope, 0, 'g', 10);
    return csv;
}

QJsonObject SeSlopeMapPlot::dataJson() const
{
    QJsonArray cells;
    for (const NoiselessDiagramCell& c : m_result.cells)
        cells.append(QJsonObject{{"n_eff", c.nEff}, {"lambda", c.lambda},
            {"se_risk", std::isfinite(c.risk) ? QJsonValue(c.risk) : QJsonValue()},
            {"se_slope", std::isfinite(c.slope) ? QJsonValue(c.slope) : QJsonValue()},
            {"phase", QString::fromStdString(c.phase)}, {"predicted_slope", c.predictedSlope}});
    // n_eff and λ span the map: its grid goes with the parameters.
    ExportParameters parameters = exportParameters(m_config.model, std::nan(""), std::nan(""));
    parameters.extra["n_eff_grid"] = QJsonObject{
        {"from", m_config.nEffMin}, {"to", m_config.nEffMax}, {"points", m_config.nEffPoints}, {"log", true}};
    parameters.extra["lambda_grid"] = QJsonObject{
        {"from", m_config.lambdaMin}, {"to", m_config.lambdaMax}, {"points", m_config.lambdaPoints}, {"log", true}};
    return QJsonObject{{"plot", "se_slope_map"}, {"d", m_config.model.d}, {"gamma", m_config.model.gamma},
        {"noise", m_config.model.noise}, {"parameters", parameterJson(parameters)}, {"cells", cells}};
}

SeSlopeMapView::SeSlopeMapView(QWidget* parent) : QWidget(parent)
{
    setObjectName("seSlopeMapView");
    m_plot = new SeSlopeMapPlot(this);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_compute = new QPushButton(tr("Compute"), this);
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setEnabled(false);
    m_status = new QLabel(this);
    auto* controls = new QHBoxLayout;
    controls->addWidget(m_compute);
    controls->addWidget(m_cancelButton);
    controls->addWidget(m_progress, 1);
    controls->addWidget(m_status, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_plot, 1);
    layout->addLayout(controls);
    connect(m_compute, &QPushButton::clicked, this, &SeSlopeMapView::start);
    connect(m_cancelButton, &QPushButton::clicked, this, &SeSlopeMapView::cancel);
}

NoiselessDiagramConfig SeSlopeMapView::configFor(const ProblemConfig& problem)
{
    NoiselessDiagramConfig c;
    c.model.model = problem.model;
    c.model.d = problem.dimension;
    c.model.gamma = problem.gamma;
    c.model.noise = 0;
    if (problem.model == ModelKind::Diagonal && problem.amplitudes == TeacherAmplitudes::Gaussian)
        c.model.lassoMode = LassoTeacherMode::VarianceProfile;
    const double d = problem.dimension;
    c.nEffMin = 1;
    c.nEffMax = std::min(1e8, 10 * std::pow(d, 2 * problem.gamma));
    c.lambdaMin = 1 / d;
    c.lambdaMax = 10 * d;
    if (problem.model == ModelKind::Quadratic) {
        c.nEffPoints = c.lambdaPoints = 16;
        c.model.samples = 8;
    }
    return c;
}

SeSlopeMapView::~SeSlopeMapView()
{
    m_cancel.cancel();
    join();
}

void SeSlopeMapView::join()
{
    if (m_worker.joinable())
        m_worker.join();
}

void SeSlopeMapView::cancel()
{
    m_cancel.cancel();
}

void SeSlopeMapView::start()
{
    m_cancel.cancel();
    join();
    m_cancel = CancelToken();
    const int generation = ++m_generation;
    const NoiselessDiagramConfig config = m_config;
    const CancelToken cancel = m_cancel;
    m_busy = true;
    m_compute->setEnabled(false);
    m_cancelButton->setEnabled(true);
    m_progress->setRange(0, std::max(1, config.lambdaPoints));
    m_progress->setValue(0);
    m_status->setText(tr("computing…"));
    m_worker = std::thread([this, generation, config, cancel] {
        NoiselessDiagramResult result;
        try {
            result = computeNoiselessDiagram(
                config,
                [this, generation](const NoiselessDiagramProgress& p) {
                    QMetaObject::invokeMethod(
                        this,
                        [this, generation, p] {
                            if (generation != m_generation)
                                return;
                            m_progress->setValue(p.columnsDone);
                            emit progressed(p.columnsDone, p.columns);
                        },
                        Qt::QueuedConnection);
                },
                cancel);
        } catch (const std::exception& e) {
            result.status = Status::Invalid;
            result.message = e.what();
        }
        QMetaObject::invokeMethod(
            this,
            [this, generation, config, result] {
                if (generation == m_generation)
                    onFinished(config, result);
            },
            Qt::QueuedConnection);
    });
}

void SeSlopeMapView::onFinished(const NoiselessDiagramConfig& config, const NoiselessDiagramResult& result)
{
    join();
    m_busy = false;
    m_compute->setEnabled(true);
    m_cancelButton->setEnabled(false);
    const bool drawn = result.status == Status::Converged || result.status == Status::NotConverged;
    if (drawn)
        m_plot->setResult(config, result);
    m_status->setText(QString::fromStdString(result.message));
    emit finished(result.status == Status::Converged);
}

}  // namespace sl::ui
